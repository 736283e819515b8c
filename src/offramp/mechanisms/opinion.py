r"""Opinion: weighted agents' territorial demands, war weariness, rallies, bounded confidence.

Each agent :math:`i` stands for a share :math:`w_i` of the defender's population (its
region's population weight divided by the region's agents). It holds a latent *demand*
:math:`z_i`, and its **reservation point** — the least share of the recognised territory it
accepts for peace — is :math:`r_i = \min(1, \max(0, z_i))`. An agent with :math:`z_i \ge 1`
refuses any concession; how far above 1 says how much weariness it would take to change
its mind.

**Initialisation from a poll.** Within region :math:`g`, demands are the
:math:`(k + 1/2)/n` quantiles of :math:`N(\mu_g, s^2)`, with
:math:`\mu_g = 1 + s\,\Phi^{-1}(q_g)` so that the share refusing any concession is the
poll's :math:`q_g` (KIIS: "under no circumstances should Ukraine give up any of its
territories").

**Monthly dynamics.** While at war each agent's demand falls by a weariness rate times its
own log-normal sensitivity (Mueller 1973 on casualties and support for war); a rally shock
(Mueller 1970; Lambert et al. 2010) raises every demand; and agents move a share
:math:`\mu` of the way to the weighted mean of the agents within confidence :math:`\epsilon`
(Hegselmann & Krause 2002):

.. math::

    z_i' = z_i + \mu \Big( \frac{\sum_{j: |z_j - z_i| \le \epsilon} w_j z_j}
                          {\sum_{j: |z_j - z_i| \le \epsilon} w_j} - z_i \Big).

With :math:`\mu = 1` this is the classic model: one consensus when :math:`\epsilon` is large
relative to the spread of opinions, several clusters when it is small. In one dimension the
agents within :math:`\epsilon` of a sorted agent form a contiguous window, so one update is
a sort (incremental, opinions change little in a month) and two sweeps: O(n) per run.

References
----------
Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence: models,
analysis and simulation. *JASSS* 5(3).
Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
interacting agents. *Advances in Complex Systems* 3, 87-98.
Mueller, J. E. (1973). *War, Presidents and Public Opinion*. Wiley.
Kyiv International Institute of Sociology (2022-2025). Omnibus surveys on territorial
concessions (see ``offramp data show kiis_no_concessions``).
"""

from __future__ import annotations

from statistics import NormalDist

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

_STANDARD_NORMAL = NormalDist()


def region_mean_demand(no_concessions_share: ArrayLike, spread: float) -> NDArray[np.float64]:
    """Mean demand per region so that a share ``q`` has demand at least 1."""
    shares = np.clip(np.asarray(no_concessions_share, dtype=float), 1e-6, 1 - 1e-6)
    z = np.array([_STANDARD_NORMAL.inv_cdf(q) for q in np.atleast_1d(shares)])
    return 1.0 + spread * z


def initial_demand(
    no_concessions_share: ArrayLike,
    region_weight: ArrayLike,
    spread: float,
    agents_per_region: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Demands, region index and weight of every agent, regions one after the other.

    Demands are the mid-quantiles of each region's normal distribution, so the agents
    reproduce the poll: the weighted share with demand >= 1 is within ``1/(2n)`` of each
    region's ``q``.
    """
    means = region_mean_demand(no_concessions_share, spread)
    weights = np.asarray(region_weight, dtype=float)
    quantiles = (np.arange(agents_per_region) + 0.5) / agents_per_region
    standard = np.array([_STANDARD_NORMAL.inv_cdf(u) for u in quantiles])
    demand = (means[:, None] + spread * standard[None, :]).ravel()
    region = np.repeat(np.arange(len(means)), agents_per_region)
    weight = np.repeat(weights / agents_per_region, agents_per_region)
    return demand, region, weight


def reservation_point(demand: ArrayLike) -> NDArray[np.float64]:
    """Least share of the recognised territory an agent accepts for peace: clip(z, 0, 1)."""
    return np.clip(np.asarray(demand, dtype=float), 0.0, 1.0)


def refusing_share(demand: ArrayLike, weight: ArrayLike) -> NDArray[np.float64]:
    """Weighted share of agents refusing any concession (demand >= 1), along the last axis."""
    return (np.asarray(demand) >= 1.0) @ np.asarray(weight, dtype=float)


def war_weariness(
    demand: ArrayLike, sensitivity: ArrayLike, rate: ArrayLike, at_war: ArrayLike
) -> NDArray[np.float64]:
    """Demand after a month: ``z - rate * sensitivity`` for runs at war (rate per run)."""
    step = np.asarray(rate, dtype=float) * np.asarray(at_war, dtype=float)
    return np.asarray(demand) - step[..., None] * np.asarray(sensitivity)


def hegselmann_krause(
    opinions: ArrayLike, weights: ArrayLike, confidence: ArrayLike, influence: ArrayLike = 1.0
) -> NDArray[np.float64]:
    """One weighted Hegselmann-Krause update of every row of ``opinions``.

    Parameters
    ----------
    opinions : array_like, shape (runs, agents) or (agents,)
    weights : array_like, shape (agents,)
        Population weight of each agent.
    confidence : array_like, scalar or shape (runs,)
        Radius epsilon: agents are influenced by those within it.
    influence : array_like, scalar or shape (runs,)
        Share of the way to the neighbours' mean moved in one step (1 = classic HK).

    Returns
    -------
    ndarray
        The updated opinions, same shape as ``opinions``.
    """
    x = np.asarray(opinions, dtype=float)
    rows = np.atleast_2d(x)
    order = np.argsort(rows, axis=1, kind="stable")
    new, _ = hegselmann_krause_sorted(rows, weights, order, confidence, influence)
    return new.reshape(x.shape)


def hegselmann_krause_sorted(
    opinions: NDArray[np.float64],
    weights: ArrayLike,
    order: NDArray[np.int64],
    confidence: ArrayLike,
    influence: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """HK update given a previous sort order per run (used as a hint and returned updated).

    The engine keeps ``order`` between months: opinions move little in a month, so the
    insertion sort that restores the order costs about one pass.
    """
    runs = opinions.shape[0]
    zeros = np.zeros(runs)
    new, order, _ = opinion_month(
        opinions, order, weights, np.zeros(opinions.shape[1]), zeros, zeros, confidence, influence
    )
    return new, order


def opinion_month(
    demand: NDArray[np.float64],
    order: NDArray[np.int64],
    weights: ArrayLike,
    sensitivity: NDArray[np.float64],
    weariness: ArrayLike,
    shift: ArrayLike,
    confidence: ArrayLike,
    influence: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """One month of opinion: weariness, a common shift, then bounded-confidence influence.

    ``z_i <- z_i - weariness * s_i + shift``, then one weighted HK step of rate ``influence``
    (see the module docstring); done in one pass over each run's agents.

    Parameters
    ----------
    demand : ndarray, shape (runs, agents)
    order : ndarray of int, shape (runs, agents)
        Previous sort order of each run's agents (a hint; any permutation is valid).
    weights : array_like, shape (agents,)
    sensitivity : ndarray, shape (runs, agents) or (agents,)
        Each agent's weariness sensitivity.
    weariness, shift, confidence, influence : array_like, scalar or shape (runs,)
        This month's weariness step (zero in peace), common shift (rallies, recovery),
        confidence radius and influence rate.

    Returns
    -------
    demand, order, refusing : ndarray
        New demands, their sort order, and the weighted share refusing any concession.
    """
    runs, n = demand.shape

    def per_run(value: ArrayLike) -> NDArray[np.float64]:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), (runs,)))

    sens = np.ascontiguousarray(np.broadcast_to(np.asarray(sensitivity, float), (runs, n)))
    new = np.empty_like(demand)
    order = order.copy()
    refusing = np.empty(runs)
    _opinion_rows(
        np.ascontiguousarray(demand, dtype=float),
        np.asarray(weights, dtype=float),
        order,
        sens,
        per_run(weariness),
        per_run(shift),
        per_run(confidence),
        per_run(influence),
        new,
        refusing,
    )
    return new, order, refusing


@numba.njit(cache=True, parallel=True)
def _opinion_rows(demand, weights, order, sens, weariness, shift, eps, mu, out, refusing):
    runs, n = demand.shape
    for r in numba.prange(runs):  # pragma: no cover - compiled
        x = np.empty(n)
        for k in range(n):
            x[k] = demand[r, k] - weariness[r] * sens[r, k] + shift[r]
        _hk_row(x, weights, order[r], eps[r], mu[r], out[r])
        share = 0.0
        for k in range(n):
            if out[r, k] >= 1.0:
                share += weights[k]
        refusing[r] = share


@numba.njit(cache=True)
def _hk_row(x, weights, o, e, m, out):  # pragma: no cover - compiled
    n = x.shape[0]
    # Insertion sort of the index array by current opinions: O(n) when nearly sorted.
    xs = np.empty(n)
    for k in range(n):
        xs[k] = x[o[k]]
    for k in range(1, n):
        value = xs[k]
        idx = o[k]
        j = k - 1
        while j >= 0 and xs[j] > value:
            xs[j + 1] = xs[j]
            o[j + 1] = o[j]
            j -= 1
        xs[j + 1] = value
        o[j + 1] = idx
    cum_w = np.empty(n + 1)
    cum_wx = np.empty(n + 1)
    cum_w[0] = 0.0
    cum_wx[0] = 0.0
    for k in range(n):
        w = weights[o[k]]
        cum_w[k + 1] = cum_w[k] + w
        cum_wx[k + 1] = cum_wx[k] + w * xs[k]
    lo = 0
    hi = 0
    for k in range(n):
        xk = xs[k]
        while xs[lo] < xk - e:
            lo += 1
        if hi < k:
            hi = k
        while hi + 1 < n and xs[hi + 1] <= xk + e:
            hi += 1
        total = cum_w[hi + 1] - cum_w[lo]
        mean = (cum_wx[hi + 1] - cum_wx[lo]) / total if total > 0 else xk
        out[o[k]] = xk + m * (mean - xk)
