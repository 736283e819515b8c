r"""Mobilization: protest as the equilibrium of a threshold cascade driven by grievance.

**Granovetter's threshold model** (1978). Each person joins when the share already
protesting reaches their threshold :math:`\theta_i \in [0, 1]`. With weights :math:`w_i`
summing to one, the participating share follows, from zero, the synchronous map

.. math::

    s_{k+1} = F(s_k) = \sum_i w_i\, \mathbf 1[\theta_i \le s_k],

and settles at the first fixed point :math:`s^* = F(s^*)`. Granovetter's example: 100 people
with thresholds 0, 1, ..., 99 (in persons) all riot; change the threshold-1 person to 2 and
only the instigator does.

**Grievance** (Epstein 2002): :math:`G_i = H_i (1 - L)`, hardship :math:`H_i \sim U(0, h)`
times illegitimacy, to which a deal adds the distance by which it falls short of the
agent's reservation point, :math:`\gamma \max(0, r_i - x)`, with :math:`x` the territory
the deal is *judged* to keep (the ratification mechanism judges an armistice leniently).
Grievance lowers the threshold:

.. math:: \theta_i = \min(1, \max(0, \theta^0_i - G_i)),

with base thresholds :math:`\theta^0_i \sim N(\bar\theta, s_\theta^2)`. Whether a month's
protest reaches the 3.5% of the population that Chenoweth & Stephan found no campaign lost
with is decided in the leadership mechanism.

References
----------
Granovetter, M. (1978). Threshold models of collective behavior. *American Journal of
Sociology* 83(6), 1420-1443.
Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach.
*PNAS* 99(suppl. 3), 7243-7250.
Chenoweth, E., & Stephan, M. J. (2011). *Why Civil Resistance Works*. Columbia University
Press.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

# A threshold met to within rounding of the summed weights counts as met.
TOLERANCE = 1e-12


def threshold_cascade(thresholds: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Equilibrium participating share of Granovetter's model.

    Parameters
    ----------
    thresholds : array_like, shape (n,)
        Each person's threshold, as a share of the population in [0, 1].
    weights : array_like, shape (n,), optional
        Population weights (normalised to sum to one); equal weights by default.

    Returns
    -------
    float
        The first fixed point of the synchronous update from zero participation.

    Examples
    --------
    >>> threshold_cascade([i / 100 for i in range(100)])
    1.0
    """
    theta = np.asarray(thresholds, dtype=float)
    w = np.full(theta.shape, 1.0 / theta.size) if weights is None else np.asarray(weights, float)
    w = w / w.sum()
    # Stable: NumPy's default sort orders ties by the CPU's vector width.
    order = np.argsort(theta, kind="stable")
    sorted_theta = theta[order]
    cumulative = np.concatenate([[0.0], np.cumsum(w[order])])
    share = 0.0
    while True:
        # Everyone whose threshold is at most the current share participates.
        joined = np.searchsorted(sorted_theta, share + TOLERANCE, side="right")
        nxt = float(cumulative[joined])
        if nxt <= share + TOLERANCE:
            return min(max(nxt, 0.0), 1.0)
        share = nxt


def grievance(
    hardship: ArrayLike,
    legitimacy: ArrayLike,
    reservation_points: ArrayLike,
    deal_territory: ArrayLike,
    gap_weight: ArrayLike,
    deal_active: ArrayLike,
) -> NDArray[np.float64]:
    """Grievance of every agent (runs, agents): Epstein's H(1 - L) plus the deal's shortfall."""
    legit = np.asarray(legitimacy, dtype=float)[..., None]
    base = np.asarray(hardship) * (1.0 - legit)
    shortfall = np.maximum(
        np.asarray(reservation_points) - np.asarray(deal_territory, dtype=float)[..., None], 0.0
    )
    deal = (np.asarray(gap_weight) * np.asarray(deal_active, dtype=float))[..., None]
    return base + deal * shortfall


def protest_thresholds(base_threshold: ArrayLike, grievance: ArrayLike) -> NDArray[np.float64]:
    """Thresholds lowered by grievance, clipped to [0, 1]."""
    return np.clip(np.asarray(base_threshold) - np.asarray(grievance), 0.0, 1.0)


def protest_share(thresholds: NDArray[np.float64], weights: ArrayLike) -> NDArray[np.float64]:
    """Granovetter equilibrium of every row of ``thresholds`` (runs, agents)."""
    w = np.asarray(weights, dtype=float)
    return _cascade_rows(np.ascontiguousarray(thresholds, dtype=float), w / w.sum())


def protest_month(
    demand: NDArray[np.float64],
    weights: ArrayLike,
    hardship: NDArray[np.float64],
    base_threshold: NDArray[np.float64],
    legitimacy: ArrayLike,
    deal_territory: ArrayLike,
    gap_weight: ArrayLike,
    contested: ArrayLike,
) -> NDArray[np.float64]:
    """This month's protest share in every run, from the agents' grievances.

    Fuses :func:`grievance`, :func:`protest_thresholds` and :func:`protest_share` in one
    compiled kernel (reservation points are the clipped demands), without the (runs, agents)
    temporaries. ``contested`` marks runs where a deal is on the table or in force.
    """
    runs, n = demand.shape

    def per_run(value: ArrayLike) -> NDArray[np.float64]:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), (runs,)))

    w = np.asarray(weights, dtype=float)
    deal_gap = per_run(gap_weight) * per_run(contested)
    share = np.empty(runs)
    _protest_rows(
        np.ascontiguousarray(demand, dtype=float),
        w / w.sum(),
        np.ascontiguousarray(hardship, dtype=float),
        np.ascontiguousarray(base_threshold, dtype=float),
        per_run(legitimacy),
        per_run(deal_territory),
        deal_gap,
        share,
        min(numba.get_num_threads(), runs),
    )
    return share


# Thresholds at or below this are listed as the row is built, so that a cascade that stays
# below it (almost all of them: the median equilibrium in the default study is about 1% of
# the population and one row in 6,000 passes 1/8) rescans a dozen agents, not the row.
_LOW_THRESHOLD = 0.125


@numba.njit(cache=True, parallel=True)
def _protest_rows(
    demand, weights, hardship, base, legitimacy, deal_territory, deal_gap, out, threads
):
    runs, n = demand.shape
    for t in numba.prange(threads):  # pragma: no cover - compiled
        # One work row per thread, not one allocation per run.
        row = np.empty(n)
        low = np.empty(n, dtype=np.int64)
        for r in range(t * runs // threads, (t + 1) * runs // threads):
            # Three passes: the thresholds (branch-free, so vectorised), the list of low
            # ones, and the instigators among those; one pass doing all three was slower.
            for k in range(n):
                reservation = min(max(demand[r, k], 0.0), 1.0)
                g = hardship[r, k] * (1.0 - legitimacy[r])
                g += deal_gap[r] * max(reservation - deal_territory[r], 0.0)
                row[k] = min(max(base[r, k] - g, 0.0), 1.0)
            listed = 0
            for k in range(n):
                low[listed] = k
                listed += row[k] <= _LOW_THRESHOLD
            instigators = 0.0
            for k in low[:listed]:
                if row[k] <= TOLERANCE:
                    instigators += weights[k]
            out[r] = 0.0
            if instigators > 0.0:
                out[r] = _cascade_from(row, weights, instigators, low[:listed])


@numba.njit(cache=True, parallel=True)
def _cascade_rows(thresholds, weights):
    runs, n = thresholds.shape
    out = np.zeros(runs)
    for r in numba.prange(runs):  # pragma: no cover - compiled
        out[r] = _cascade_one(thresholds[r], weights)
    return out


@numba.njit(cache=True)
def _cascade_from(row, weights, share, low):  # pragma: no cover - compiled
    """The synchronous map from ``share``, ``low`` the agents (in order) with low thresholds.

    Most months' cascades stop after a few rounds: run the map itself (one cheap pass per
    round) and sort only when it is still moving after a few rounds. A round whose bound is
    at most ``_LOW_THRESHOLD`` adds the same weights in the same order from ``low`` alone.
    """
    for _ in range(6):
        bound = share + TOLERANCE
        nxt = 0.0
        if bound <= _LOW_THRESHOLD:
            for k in low:
                if row[k] <= bound:
                    nxt += weights[k]
        else:
            for k in range(row.shape[0]):
                if row[k] <= bound:
                    nxt += weights[k]
        if nxt <= bound:
            return min(nxt, 1.0)
        share = nxt
    return _cascade_one(row, weights)


@numba.njit(cache=True)
def _cascade_one(row, weights):  # pragma: no cover - compiled
    n = row.shape[0]
    if row.min() > TOLERANCE:
        return 0.0  # no instigator: nobody moves first
    # Counting sort into n buckets over [0, 1]: O(n) instead of a comparison sort.
    bucket = np.empty(n, dtype=np.int64)
    start = np.zeros(n + 2, dtype=np.int64)
    for k in range(n):
        b = min(int(row[k] * n), n)
        bucket[k] = b
        start[b + 1] += 1
    for b in range(n + 1):
        start[b + 1] += start[b]
    fill = start.copy()
    members = np.empty(n, dtype=np.int64)
    for k in range(n):
        members[fill[bucket[k]]] = k
        fill[bucket[k]] += 1
    # Adding people in threshold order while each one's threshold is met reaches the
    # same least fixed point as the synchronous map (F is monotone).
    share = 0.0
    for b in range(n + 1):
        lo, hi = start[b], start[b + 1]
        if lo == hi:
            continue
        if b / n > share + TOLERANCE:
            break
        for i in range(lo + 1, hi):  # order the (few) members of this bucket
            item = members[i]
            j = i - 1
            while j >= lo and row[members[j]] > row[item]:
                members[j + 1] = members[j]
                j -= 1
            members[j + 1] = item
        for i in range(lo, hi):
            if row[members[i]] <= share + TOLERANCE:
                share += weights[members[i]]
            else:
                return min(share, 1.0)
    return min(share, 1.0)
