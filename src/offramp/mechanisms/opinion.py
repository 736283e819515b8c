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

**Weariness driven by the battlefield (optional).** Support for a war follows the public's
expectation of success (Gelpi, Feaver & Reifler 2009), not only its cost. The engine counts
the months :math:`m_t` since the defender last held its largest share of territory so far
(the length of the current "drawdown" of the front line: zero in a month the defender
reaches a new best, one more each month at war it does not). With a lag
:math:`\lambda > 0` (``opinion.stalemate_lag``) the month's weariness rate is

.. math::

    \omega_t = \omega \, g(m_t / \lambda), \qquad g(u) = \big(u\, e^{1 - u}\big)^2,

a gamma-distributed lag (Schmidt 1974) that is zero while the defender advances, peaks at
:math:`\omega` after :math:`\lambda` months of stalemate (disappointment) and fades as the
stalemate becomes the new normal (adaptation). With :math:`\lambda = 0` the rate is the
constant :math:`\omega` of the original model. Success works the other way: in a month the
defender passes its best share by :math:`\Delta^+_t`, every demand rises by
:math:`\gamma \Delta^+_t` (``opinion.success_rally``; Gelpi, Feaver & Reifler's
"perceived success"; the September 2022 Kharkiv counteroffensive is the case in point).
The shape exponent 2 is fixed, not fitted: with exponent 1 the response is too slow to end
(the KIIS series levels off at about 52% from mid-2024), see ``docs/calibration.md``.

References
----------
Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence: models,
analysis and simulation. *JASSS* 5(3).
Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
interacting agents. *Advances in Complex Systems* 3, 87-98.
Mueller, J. E. (1973). *War, Presidents and Public Opinion*. Wiley.
Gelpi, C., Feaver, P. D., & Reifler, J. (2009). *Paying the Human Costs of War*. Princeton
University Press.
Schmidt, P. (1974). A modification of the Almon distributed lag. *Journal of the American
Statistical Association* 69(347), 679-681.
Kyiv International Institute of Sociology (2022-2025). Omnibus surveys on territorial
concessions (see ``offramp data show kiis_no_concessions``).
"""

from __future__ import annotations

from statistics import NormalDist

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm
from offramp.mechanisms._vector_counts import LANES, count_at_most, count_below

_STANDARD_NORMAL = NormalDist()

#: The integer type of a sort order: 32 bits hold any population the schema allows, and
#: half the bytes of int64 cut the opinion step's memory traffic (the order is read and
#: written every month).
ORDER_DTYPE = np.int32


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
    # Row-wise sum rather than a matrix product, so a run's value does not depend on how
    # many runs share the call (BLAS blocks differently by row count).
    return ((np.asarray(demand) >= 1.0) * np.asarray(weight, dtype=float)).sum(axis=-1)


def weariness_sensitivity(
    heterogeneity: ArrayLike, standard_normal: ArrayLike
) -> NDArray[np.float64]:
    """Agents' log-normal weariness sensitivities with mean 1: ``exp(sigma N - sigma^2 / 2)``."""
    sigma = np.asarray(heterogeneity, dtype=float)
    return libm.exp(sigma * np.asarray(standard_normal, dtype=float) - 0.5 * sigma**2)


def update_stalemate(
    stalemate: ArrayLike, best_territory: ArrayLike, territory: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """News from the front: months of stalemate, the best share so far, and this month's gain.

    A month whose share reaches the best so far resets the count to zero; any other month
    adds one. The gain is how far the share rose above the previous best (zero otherwise).
    Call it once per month at war.
    """
    x = np.asarray(territory, dtype=float)
    best = np.asarray(best_territory, dtype=float)
    advanced = x >= best
    months = np.where(advanced, 0.0, np.asarray(stalemate, dtype=float) + 1.0)
    new_best = np.maximum(best, x)
    return months, new_best, new_best - best


def stalemate_weariness(rate: ArrayLike, stalemate: ArrayLike, lag: ArrayLike) -> NDArray:
    """This month's weariness rate ``omega * g(m / lag)``, ``g(u) = (u e^(1-u))^2``.

    ``lag = 0`` switches the battlefield dependence off (the rate is ``omega``).
    """
    rate = np.asarray(rate, dtype=float)
    lag = np.asarray(lag, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.asarray(stalemate, dtype=float) / np.where(lag > 0, lag, 1.0)
    response = (u * libm.exp(1.0 - u)) ** 2
    return np.where(lag > 0, rate * response, rate)


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
    order: NDArray[np.integer],
    confidence: ArrayLike,
    influence: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
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
    order: NDArray[np.integer],
    weights: ArrayLike,
    sensitivity: NDArray[np.float64],
    weariness: ArrayLike,
    shift: ArrayLike,
    confidence: ArrayLike,
    influence: ArrayLike,
    overwrite: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.int32], NDArray[np.float64]]:
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
        Each agent's weariness sensitivity (positive).
    weariness, shift, confidence, influence : array_like, scalar or shape (runs,)
        This month's weariness step (zero in peace), common shift (rallies, recovery),
        confidence radius and influence rate.
    overwrite : bool
        Update ``demand`` (if it is a C-ordered float array) and ``order`` (if a C-ordered
        :data:`ORDER_DTYPE` array) in place and return them: the engine's run state owns
        them. By default, and for an array of another kind, return new arrays.

    Returns
    -------
    demand, order, refusing : ndarray
        New demands, their sort order (:data:`ORDER_DTYPE`), and the weighted share
        refusing any concession.
    """
    runs, n = demand.shape

    def per_run(value: ArrayLike) -> NDArray[np.float64]:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), (runs,)))

    sens = np.ascontiguousarray(np.broadcast_to(np.asarray(sensitivity, float), (runs, n)))
    demand = np.ascontiguousarray(demand, dtype=float)
    # Safe in place: the kernel reads a run's whole row before it writes any of it.
    in_place = overwrite and order.dtype == ORDER_DTYPE and order.flags.c_contiguous
    new = demand if overwrite else np.empty_like(demand)
    order = order if in_place else np.array(order, dtype=ORDER_DTYPE, order="C")
    refusing = np.empty(runs)
    _opinion_rows(
        demand,
        np.asarray(weights, dtype=float),
        order,
        sens,
        per_run(weariness),
        per_run(shift),
        per_run(confidence),
        per_run(influence),
        new,
        refusing,
        min(numba.get_num_threads(), runs),
    )
    return new, order, refusing


# Places of the sorted row the window search tests at once (see _confidence_windows), and
# the width of the sentinel padding on each side of a row.
_SPAN = LANES
# The kernels index with unsigned integers. Numba wraps a negative signed index around, a
# compare and a conditional move per access: about a third of the window search's
# instructions when measured. An unsigned index it uses as it is.
_U = np.uint64
_S = _U(_SPAN)
_1, _2 = _U(1), _U(2)


@numba.njit(cache=True, parallel=True)
def _opinion_rows(demand, weights, order, sens, weariness, shift, eps, mu, out, refusing, threads):
    runs, n = demand.shape
    for t in numba.prange(threads):  # pragma: no cover - compiled
        # One set of work arrays per thread, padded with sentinels that stop the scans
        # without an index test: -inf before the row (nothing is below it) and NaN after it
        # (no comparison with NaN is true, so no window reaches it, whatever its radius).
        xs = np.empty(n + 2 * _SPAN)
        xs[:_SPAN] = -np.inf
        xs[n + _SPAN :] = np.nan
        o = np.full(n + _SPAN, -1, dtype=order.dtype)
        x = np.empty(n)
        y = np.empty(n)
        cum_w = np.empty(n + 1)
        cum_wx = np.empty(n + 1)
        first = np.empty(n, dtype=np.uint64)
        last = np.empty(n, dtype=np.uint64)
        for r in range(t * runs // threads, (t + 1) * runs // threads):
            # Rows are read and written in agent order (streamed from memory) and permuted
            # only in these thread-local arrays: gathering from the large arrays directly
            # costs a cache miss per agent.
            w, s = weariness[r], shift[r]
            if w == 0.0:
                # Half the study's run-months have no weariness; reading no sensitivities
                # then saves a fifth of the row's memory traffic. Exact: w * s_k is w
                # itself when w is a zero and s_k is positive (a log-normal sensitivity).
                for k in range(_U(n)):
                    x[k] = demand[r, k] - w + s
            else:
                for k in range(_U(n)):
                    x[k] = demand[r, k] - w * sens[r, k] + s
            for k in range(_U(n)):
                o[_S + k] = order[r, k]
                xs[_S + k] = x[_U(order[r, k])]
            _hk_row(xs, o, weights, eps[r], mu[r], cum_w, cum_wx, first, last, y)
            share = 0.0
            for k in range(_U(n)):
                out[r, k] = y[k]
                order[r, k] = o[_S + k]
                if y[k] >= 1.0:
                    share += weights[k]
            refusing[r] = share


@numba.njit(cache=True)
def _hk_row(xs, o, weights, e, m, cum_w, cum_wx, first, last, out):  # pragma: no cover
    """One HK step of a padded row ``xs[_SPAN:_SPAN+n]`` held in the order ``o``.

    Sorts ``xs`` (and ``o`` with it), then moves agent ``o[k]`` a share ``m`` of the way to
    the weighted mean of the sorted window ``[lo, hi]`` of agents within ``e`` of it: the
    running sums' places ``first[k] = lo`` and ``last[k] = hi + 1`` are found in one pass,
    the means in a second.
    """
    n = _U(cum_w.shape[0] - 1)
    _insert_sorted(xs, o, n)
    cum_w[0] = 0.0
    cum_wx[0] = 0.0
    # Two halves of the row walked side by side: each window bound depends on the one
    # before it, and two independent chains keep the core busy (measured 1.5x faster on
    # this step than one). The second half starts from bounds found by a plain scan. The
    # running sums, a third chain that the windows do not need, advance two places a turn
    # in the same loop; the means, which need the sums up to the window's end, wait for
    # the second pass (measured 1.3x faster than three passes, or two with the means in
    # the first).
    half = n // _2
    lo, hi = _S, _S
    lo2, hi2 = _window_at(xs, _S + half, e, n)
    for k in range(_S, _S + half):
        c = _2 * (k - _S)
        _accumulate(xs, o, weights, cum_w, cum_wx, c)
        _accumulate(xs, o, weights, cum_w, cum_wx, c + _1)
        lo, hi = _confidence_windows(xs, k, xs[k] - e, xs[k] + e, lo, hi)
        first[k - _S], last[k - _S] = lo - _S, hi + _1 - _S
        k2 = k + half
        lo2, hi2 = _confidence_windows(xs, k2, xs[k2] - e, xs[k2] + e, lo2, hi2)
        first[k2 - _S], last[k2 - _S] = lo2 - _S, hi2 + _1 - _S
    for k in range(_S + _2 * half, _S + n):
        lo2, hi2 = _confidence_windows(xs, k, xs[k] - e, xs[k] + e, lo2, hi2)
        first[k - _S], last[k - _S] = lo2 - _S, hi2 + _1 - _S
        _accumulate(xs, o, weights, cum_w, cum_wx, k - _S)
    for k in range(n):
        out[_U(o[_S + k])] = _moved(xs[_S + k], first[k], last[k], cum_w, cum_wx, m)


@numba.njit(cache=True, inline="always")
def _accumulate(xs, o, weights, cum_w, cum_wx, c):  # pragma: no cover - compiled
    """Extend the running sums of weight and weight x opinion by sorted place ``c``."""
    w = weights[_U(o[_S + c])]
    cum_w[c + _1] = cum_w[c] + w
    cum_wx[c + _1] = cum_wx[c] + w * xs[_S + c]


@numba.njit(cache=True, inline="always")
def _moved(xk, a, b, cum_w, cum_wx, m):  # pragma: no cover - compiled
    """``x + m (mean - x)``, the mean over sorted places ``a..b-1`` from the running sums."""
    total = cum_w[b] - cum_w[a]
    mean = (cum_wx[b] - cum_wx[a]) / total if total > 0 else xk
    return xk + m * (mean - xk)


@numba.njit(cache=True, inline="always")
def _window_at(xs, k, e, n):  # pragma: no cover - compiled
    """The window bounds of sorted place ``k`` found from scratch (as the walk would)."""
    lo = _S
    while xs[lo] < xs[k] - e:
        lo += _1
    hi = k
    while hi + _1 < _S + n and xs[hi + _1] <= xs[k] + e:
        hi += _1
    return lo, hi


@numba.njit(cache=True, inline="always")
def _confidence_windows(xs, k, low, high, lo, hi):  # pragma: no cover - compiled
    """First index with ``xs >= low`` and last with ``xs <= high``, from the previous ones.

    Both move forward with ``k`` by a few places at a time, a different few each time, so a
    ``while`` loop per bound mispredicts a branch about once an agent: more than half of the
    kernel's time when measured. Counting the hits among the next ``_SPAN`` (eight) places
    is branch-free and exact, because the row is sorted; a bound that moves eight or more
    places (rare) falls back to the loop. The count is one vector comparison
    (:mod:`offramp.mechanisms._vector_counts`): measured 1.2x faster on the whole kernel
    than four scalar comparisons, which were faster than eight scalar ones.
    """
    step = count_below(xs, lo, low)
    lo += step
    if step == _SPAN:
        while xs[lo] < low:
            lo += _1
    hi = max(hi, k)
    step = count_at_most(xs, hi + _1, high)
    hi += step
    if step == _SPAN:
        while xs[hi + _1] <= high:
            hi += _1
    return lo, hi


@numba.njit(cache=True)
def _insert_sorted(xs, o, n):  # pragma: no cover - compiled
    """Stable insertion sort of the padded row ``xs`` (and ``o``), restoring last month's order.

    Opinions move little in a month: most agents stay in place (62% to 99% of them in a
    month of the default study) and the others move a place or two, so the sort costs
    about one pass. A branch-free insertion among the last few places (min and max on the
    values, arithmetic on the indices) was measured and gained nothing; so did inserting
    each agent as it is gathered.
    """
    for k in range(_S + _1, _S + n):
        v = xs[k]
        if xs[k - _1] <= v:
            continue
        iv = o[k]
        j = k - _1
        while xs[j] > v:  # stops at the -inf padding
            xs[j + _1] = xs[j]
            o[j + _1] = o[j]
            j -= _1
        xs[j + _1] = v
        o[j + _1] = iv
