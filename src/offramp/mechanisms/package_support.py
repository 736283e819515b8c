r"""Package support: how a public answers a whole deal, as survey respondents do.

Each agent :math:`i` (weight :math:`w_i`, reservation point :math:`r_i`, from
:mod:`offramp.mechanisms.opinion`) judges the package as a whole. Its **utility** is the
territorial part, judged through its reservation point as in
:mod:`offramp.mechanisms.ratification`, plus a weight for each other term:

.. math::

    u_i = \alpha - \beta\,\max(0,\ r_i - \tilde x) + \sum_k \theta_k\, t_k, \qquad
    \tilde x = x - v + \lambda \max\big(0,\ 1 - x - \rho\big),

with :math:`x` the share the defender holds when the deal is offered, :math:`v` the share
it hands over (``withdraw_from``), :math:`\rho` the share of the occupied area it recognises
de jure (``recognized_de_jure``; zero when only the patrons recognise), and :math:`\lambda`
the leniency with which occupation *without* recognition is judged (an armistice gives up
no claim: KIIS May-June 2025, 43% accept freezing the line against 15% handing over held
territory). With no withdrawal and :math:`\rho \in \{0, 1 - x\}` this is exactly
:func:`offramp.mechanisms.ratification.judged_territory`. An agent is judged by its
*shortfall*: a package that meets its reservation point costs it nothing on territory, one
that falls short by :math:`r_i - \tilde x` costs :math:`\beta` per unit share (as
:math:`\beta \to \infty` with :math:`\alpha > 0` and no other terms this is today's rule,
accept iff :math:`r_i \le \tilde x`). :math:`\alpha` is the value of the war ending at all,
:math:`\beta` the weight of territory, :math:`t_k` the other terms
(guarantees, foreign troops, an army cap, NATO renounced, weapons limits, sanctions eased or
lifted, the EU path, official status of the invader's language, a patron's recognition, and
a fixed cost of handing over held land), each with its weight :math:`\theta_k` (a
:class:`TermWeights`; the fitted values ship in ``term_weights.csv``).

**De jure recognition by the defender** costs twice: the recognised area loses its leniency
(it enters :math:`\tilde x` at zero, the per-share part), and the formal act itself costs a
fixed :math:`\theta_R \le 0` (``recognition``) whenever the defender recognises any occupied
area (:math:`\rho > 0`, ``recognized_by = "defender"``):

.. math::

    u_i \mathrel{+}= \theta_R\, \mathbf 1[\rho > 0].

Why one fixed number and no second per-share slope: the only items that separate
recognition (Razumkov, February-March 2025: 5% agree to recognise the four oblasts and
Crimea as Russian in international agreements; KIIS's Russian plan, May 2025) both recognise
*all* the occupied area, so the data hold one point on the recognised-share axis; a slope
beyond the leniency's would be unidentified (the leniency already is a per-share part). The
fixed form says the act of signing the land away, not its size, is what the public refuses
(Razumkov, March 2025: 5% agree to recognise the occupied area; KIIS, May-June 2025: 43%
accept freezing the line without recognition). :math:`\theta_R` is a cost by construction
(``TermWeights`` refuses a positive value): with it, a larger cession never raises
acceptance, the property the tests check.

**Response with an undecided band** (an ordered logit; McKelvey & Zavoina 1975): with a
logistic error, a band :math:`\delta > 0` around indifference, and a share :math:`\eta` of
respondents who say "hard to say" whatever the package (non-attitudes; Converse 1964),

.. math::

    P(\text{acceptable}) = (1-\eta)\,\sigma(u_i - \delta), \quad
    P(\text{completely unacceptable}) = (1-\eta)\,\sigma(-u_i - \delta), \quad
    P(\text{hard to say}) = 1 - \text{the two},

the three answer categories KIIS reports for its split-sample plans ("acceptable", readily
or reluctantly; "completely unacceptable"; "hard to say"). The shares of a run are the
weighted means over agents. Acceptance rises with every term of positive weight and falls
with every larger cession (:math:`\beta > 0`): the properties the tests check.

**The KIIS monitoring question** ("under no circumstances give up any territory" vs "may
give up some"): an agent whose demand is at least 1 (reservation point 1: no concession)
answers "no concessions", as the population is built (:func:`offramp.mechanisms.opinion.
initial_demand`); any other agent answers "may give up some" with probability
:math:`\sigma(\kappa_m (1 - r_i - c_m) - \delta)`: those with room for a concession
:math:`1 - r_i` beyond a threshold :math:`c_m` say so, the others cannot say (the question's
own threshold and steepness).

This is Putnam's (1988) level II in survey form: the win-set is the set of packages a
majority accepts, and side payments (guarantees, sanctions, the EU path) can move a package
into it. The design of judging whole packages of randomised terms is the conjoint survey
experiment (Hainmueller, Hopkins & Yamamoto 2014); KIIS's May 2025 experiment is a
three-profile version of it.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3), 427-460.
Hainmueller, J., Hopkins, D. J., & Yamamoto, T. (2014). Causal inference in conjoint
analysis: understanding multidimensional choices via stated preference experiments.
*Political Analysis* 22(1), 1-30.
Converse, P. E. (1964). The nature of belief systems in mass publics. In D. Apter (ed.),
*Ideology and Discontent*, 206-261. Free Press.
McKelvey, R. D., & Zavoina, W. (1975). A statistical model for the analysis of ordinal
level dependent variables. *Journal of Mathematical Sociology* 4(1), 103-120.
Kyiv International Institute of Sociology (May 2025), split-sample peace plans and
wordings (``offramp data show kiis_peace_plans_2025``, ``other_polls``).
Razumkov Centre (28 February - 6 March 2025), face-to-face, n = 2,018: single concessions
(``other_polls``; babel.ua/en/news/116411, unn.ua).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from typing import Literal

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm
from offramp.mechanisms._pairwise_sum import pairwise_stack, pairwise_sum
from offramp.mechanisms.opinion import reservation_point
from offramp.outcomes import MONITORING_QUESTION, POLL_ANSWERS


@dataclass(frozen=True)
class TermWeights:
    """The public's weights (logit units) for each term of a deal, and the response band.

    ``peace_value`` (alpha), ``territory`` (beta, per unit share of national territory),
    ``undecided_band`` (delta), ``no_opinion`` (eta) and ``leniency`` (lambda, 0-1) shape the
    response, ``monitoring_*`` the answer to KIIS's monitoring question; the others are the
    weights of the terms, named as the deal schema names them.
    """

    peace_value: float = 0.0
    territory: float = 5.0
    undecided_band: float = 0.3
    no_opinion: float = 0.0
    leniency: float = 0.5
    monitoring_threshold: float = 0.5
    monitoring_slope: float = 10.0
    withdrawal: float = 0.0
    guarantees_europe: float = 0.0
    guarantees_europe_us: float = 0.0
    guarantees_invader_among_guarantors: float = 0.0
    foreign_troops: float = 0.0
    army_cap: float = 0.0
    nato_renounced: float = 0.0
    weapons_limits: float = 0.0
    sanctions_eased: float = 0.0
    sanctions_lifted: float = 0.0
    eu_path: float = 0.0
    language_status: float = 0.0
    patron_recognition: float = 0.0
    recognition: float = 0.0

    def __post_init__(self) -> None:
        # A cession can only cost acceptance (the monotonicity the tests check).
        if self.recognition > 0:
            raise ValueError(
                f"recognition: got {self.recognition}; must be at most 0 (a de jure cession "
                "is a cost, logit units)"
            )

    def with_values(self, **values: float) -> TermWeights:
        """A copy with some weights changed."""
        return replace(self, **values)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


TERM_NAMES = tuple(f.name for f in fields(TermWeights))

_GUARANTEE_WEIGHT = {
    "none": None,
    "europe": "guarantees_europe",
    "europe+us": "guarantees_europe_us",
    "invader-among-guarantors": "guarantees_invader_among_guarantors",
}
_SANCTIONS_WEIGHT = {"kept": None, "eased": "sanctions_eased", "lifted": "sanctions_lifted"}


def _sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 0.5 * (1.0 + libm.tanh(0.5 * x))


def judged_package_territory(
    held_share: ArrayLike,
    leniency: ArrayLike,
    *,
    withdraw_from: ArrayLike = 0.0,
    recognized_de_jure: ArrayLike = 0.0,
    recognized_by: Literal["defender", "patrons"] = "defender",
) -> NDArray[np.float64]:
    r"""The territory share a package is judged as keeping: :math:`x - v + \lambda(1-x-\rho)^+`.

    ``withdraw_from`` and ``recognized_de_jure`` are shares of national territory (see
    :mod:`offramp.mechanisms.deal_terms`); a recognition by the patrons leaves the
    defender's claim intact, so it does not count here (it has its own weight).
    """
    x = np.asarray(held_share, dtype=float)
    rho = np.asarray(recognized_de_jure, dtype=float) if recognized_by == "defender" else 0.0
    unrecognised = np.maximum(0.0, 1.0 - x - rho)
    return x - np.asarray(withdraw_from, dtype=float) + np.asarray(leniency) * unrecognised


def term_utility(
    weights: TermWeights,
    *,
    withdraw_from: ArrayLike = 0.0,
    recognized_de_jure: ArrayLike = 0.0,
    recognized_by: Literal["defender", "patrons"] = "defender",
    guarantees: str = "none",
    foreign_troops: bool = False,
    army_cap: float = 0.0,
    nato: str = "open",
    weapons_limits: bool = False,
    sanctions: str = "kept",
    eu_path: bool = False,
    language_status: bool = False,
) -> NDArray[np.float64]:
    """Sum of the weights of the non-territorial terms a deal contains (plus ``peace_value``).

    An army cap counts as a term when it is above zero (KIIS asked about a reduced army
    without a number). A handover of held land (``withdraw_from`` > 0) adds the fixed
    ``withdrawal`` weight on top of its territorial cost.
    """
    if guarantees not in _GUARANTEE_WEIGHT:
        raise ValueError(f"guarantees: got {guarantees!r}; allowed: {', '.join(_GUARANTEE_WEIGHT)}")
    if sanctions not in _SANCTIONS_WEIGHT:
        raise ValueError(f"sanctions: got {sanctions!r}; allowed: {', '.join(_SANCTIONS_WEIGHT)}")
    w = weights
    withdrawn = np.asarray(withdraw_from, dtype=float) > 0
    recognised = np.asarray(recognized_de_jure, dtype=float) > 0
    total = w.peace_value + w.withdrawal * withdrawn
    total = total + w.patron_recognition * (recognised & (recognized_by == "patrons"))
    total = total + w.recognition * (recognised & (recognized_by == "defender"))
    if (name := _GUARANTEE_WEIGHT[guarantees]) is not None:
        total += getattr(w, name)
    if (name := _SANCTIONS_WEIGHT[sanctions]) is not None:
        total += getattr(w, name)
    total += w.foreign_troops * bool(foreign_troops)
    total += w.army_cap * (army_cap > 0)
    total += w.nato_renounced * (nato == "renounced")
    total += w.weapons_limits * bool(weapons_limits)
    total += w.eu_path * bool(eu_path)
    total += w.language_status * bool(language_status)
    return np.asarray(total, dtype=float)


def response_shares(
    utility: ArrayLike, band: ArrayLike, no_opinion: ArrayLike = 0.0
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per-agent probabilities (acceptable, completely unacceptable, hard to say).

    ``accept = (1 - no_opinion) * sigmoid(u - band)``,
    ``reject = (1 - no_opinion) * sigmoid(-u - band)``,
    ``undecided = clip(1 - accept - reject, 0, 1)``.
    """
    u = np.asarray(utility, dtype=float)
    d = np.asarray(band, dtype=float)
    opinionated = 1.0 - np.asarray(no_opinion, dtype=float)
    accept = opinionated * _sigmoid(u - d)
    reject = opinionated * _sigmoid(-u - d)
    return accept, reject, np.clip(1.0 - accept - reject, 0.0, 1.0)


def _weighted(share: NDArray[np.float64], weight: ArrayLike) -> NDArray[np.float64]:
    w = np.asarray(weight, dtype=float)
    # Row-wise sums (not a matrix product): a run's value must not depend on its chunk.
    return (share * w).sum(axis=-1) / w.sum()


def package_support(
    reservation_points: ArrayLike,
    population_weight: ArrayLike,
    weights: TermWeights,
    *,
    held_share: ArrayLike,
    withdraw_from: ArrayLike = 0.0,
    recognized_de_jure: ArrayLike = 0.0,
    recognized_by: Literal["defender", "patrons"] = "defender",
    guarantees: str = "none",
    foreign_troops: bool = False,
    army_cap: float = 0.0,
    nato: str = "open",
    weapons_limits: bool = False,
    sanctions: str = "kept",
    eu_path: bool = False,
    language_status: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Shares (acceptable, completely unacceptable, hard to say) of a package, per run.

    Parameters
    ----------
    reservation_points : array_like, shape (runs, agents) or (agents,)
        Agents' reservation points (``opinion.reservation_point(demand)``).
    population_weight : array_like, shape (agents,)
    weights : TermWeights
    held_share : array_like, scalar or shape (runs,)
        The defender's share of its territory when the deal is judged.
    withdraw_from, recognized_de_jure : array_like, scalar or shape (runs,)
        Shares of national territory handed over, and of the occupied area recognised
        (``offramp.mechanisms.deal_terms``); the other keywords are the deal's terms, named
        and valued as in :class:`offramp.scenario.deal.Deal`.

    Returns
    -------
    accept, reject, undecided : ndarray, shape (runs,) or scalar
        Weighted shares; they sum to 1.
    """
    r = np.asarray(reservation_points, dtype=float)
    judged = judged_package_territory(
        held_share,
        weights.leniency,
        withdraw_from=withdraw_from,
        recognized_de_jure=recognized_de_jure,
        recognized_by=recognized_by,
    )
    other = term_utility(
        weights,
        withdraw_from=withdraw_from,
        recognized_de_jure=recognized_de_jure,
        recognized_by=recognized_by,
        guarantees=guarantees,
        foreign_troops=foreign_troops,
        army_cap=army_cap,
        nato=nato,
        weapons_limits=weapons_limits,
        sanctions=sanctions,
        eu_path=eu_path,
        language_status=language_status,
    )
    return _package_shares(r, population_weight, weights, judged=judged, other=other)


def _package_shares(
    reservation_points: NDArray[np.float64],
    population_weight: ArrayLike,
    weights: TermWeights,
    *,
    judged: ArrayLike,
    other: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """:func:`response_shares` of ``other - territory * max(0, r - judged)``, weighted.

    The engine asks this of every agent of every run each month a deal is on the table, so
    it runs as one compiled pass over the runs, in parallel, instead of a dozen array
    operations: the same operations in the same order, the C library's ``tanh`` (the one
    :func:`offramp.libm.tanh` calls) and NumPy's row sums, so the same numbers to the last
    bit (a test checks it against the plain expressions).
    """
    judged = np.asarray(judged, dtype=float)[..., None]
    other = np.asarray(other, dtype=float)[..., None]
    shape = np.broadcast_shapes(reservation_points.shape, judged.shape, other.shape)
    n = shape[-1]

    def rows(value: NDArray[np.float64], width: int) -> NDArray[np.float64]:
        return np.ascontiguousarray(np.broadcast_to(value, shape[:-1] + (width,))).reshape(
            -1, width
        )

    r = rows(reservation_points, n)
    w = np.ascontiguousarray(np.broadcast_to(np.asarray(population_weight, dtype=float), (n,)))
    totals = np.empty((3, r.shape[0]))
    _weighted_answers(
        r,
        rows(judged, 1)[:, 0],
        rows(other, 1)[:, 0],
        weights.territory,
        weights.undecided_band,
        1.0 - weights.no_opinion,
        w,
        totals,
        min(numba.get_num_threads(), r.shape[0]),
    )
    totals /= w.sum()
    accept, reject, undecided = (totals[i].reshape(shape[:-1])[()] for i in range(3))
    return accept, reject, undecided


@numba.njit(cache=True, parallel=True)
def _weighted_answers(r, judged, other, territory, band, opinionated, w, totals, threads):
    """Row sums of the accept, reject and undecided shares of each agent x its weight.

    ``u = other - territory max(0, r - judged)``; ``accept = opinionated sigmoid(u - band)``,
    ``reject = opinionated sigmoid(-u - band)``, with ``sigmoid(x) = (1 + tanh(x / 2)) / 2``.
    The sums are NumPy's (:func:`~offramp.mechanisms._pairwise_sum.pairwise_sum`), so a
    run's value does not depend on how many runs share the call.
    """
    runs, n = r.shape
    for t in numba.prange(threads):  # pragma: no cover - compiled
        row_shares = np.empty((3, n))
        halves, lefts = pairwise_stack()
        for row in range(t * runs // threads, (t + 1) * runs // threads):
            # Every agent at or below the judged territory has the same answer, and so has
            # every agent refusing any concession (r = 1): usually most of a row. Each is
            # computed once, by the same expression, so the same tanh of the same argument.
            level = _answers(other[row], territory, 0.0, band, opinionated)
            refusing = _answers(
                other[row], territory, max(1.0 - judged[row], 0.0), band, opinionated
            )
            for k in range(n):
                gap = r[row, k] - judged[row]
                if not gap > 0.0:
                    accept, reject, undecided = level
                elif r[row, k] == 1.0:
                    accept, reject, undecided = refusing
                else:
                    accept, reject, undecided = _answers(
                        other[row], territory, gap, band, opinionated
                    )
                row_shares[0, k] = accept * w[k]
                row_shares[1, k] = reject * w[k]
                row_shares[2, k] = undecided * w[k]
            for i in range(3):
                totals[i, row] = pairwise_sum(row_shares[i], 0, n, halves, lefts)


@numba.njit(cache=True, inline="always")
def _answers(other, territory, shortfall, band, opinionated):  # pragma: no cover - compiled
    """One agent's (accept, reject, undecided) at a territorial shortfall ``>= 0``."""
    u = other - territory * shortfall
    accept = opinionated * (0.5 * (1.0 + math.tanh(0.5 * (u - band))))
    reject = opinionated * (0.5 * (1.0 + math.tanh(0.5 * (-u - band))))
    return accept, reject, min(max(1.0 - accept - reject, 0.0), 1.0)


def no_concessions_answer(
    demand: ArrayLike, population_weight: ArrayLike, weights: TermWeights
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """KIIS's monitoring question: shares (no concessions, may give up some, hard to say).

    ``accept`` is the share saying Ukraine must give up no territory (demand >= 1, as
    :func:`offramp.mechanisms.opinion.refusing_share`), ``reject`` the share saying it may
    give up some, ``undecided`` the rest (see the module docstring).
    """
    z = np.asarray(demand, dtype=float)
    refuses = z >= 1.0
    room = 1.0 - np.clip(z, 0.0, 1.0)
    may = _sigmoid(
        weights.monitoring_slope * (room - weights.monitoring_threshold) - weights.undecided_band
    )
    may = np.where(refuses, 0.0, may)
    accept = _weighted(refuses.astype(float), population_weight)
    reject = _weighted(may, population_weight)
    return accept, reject, 1.0 - accept - reject


QUESTIONS = tuple(POLL_ANSWERS)


def poll(
    demand: ArrayLike,
    population_weight: ArrayLike,
    weights: TermWeights,
    *,
    question: str = "deal",
    held_share: ArrayLike = 1.0,
    **terms: object,
) -> dict[str, NDArray[np.float64]]:
    """A survey of the agents: shares answering ``accept``, ``reject``, ``undecided``, per run.

    ``question="deal"`` judges the package given by ``terms`` (the keywords of
    :func:`package_support`, e.g. from :func:`offramp.scenario.deal.package_terms`);
    ``question="no-concessions"`` asks KIIS's monitoring question (``accept`` = no
    territory may be given up, ``reject`` = some may). ``demand`` is the agents' latent
    demand, shape (runs, agents), as the engine holds it.
    """
    if question == MONITORING_QUESTION:
        shares = no_concessions_answer(demand, population_weight, weights)
    elif question == "deal":
        shares = package_support(
            reservation_point(demand),
            population_weight,
            weights,
            held_share=held_share,
            **terms,  # type: ignore[arg-type]
        )
    else:
        raise ValueError(f"question: got {question!r}; allowed: {', '.join(QUESTIONS)}")
    return dict(zip(("accept", "reject", "undecided"), shares, strict=True))


@lru_cache(maxsize=1)
def shipped_term_weights() -> TermWeights:
    """The fitted and assumed weights shipped in ``term_weights.csv``."""
    from offramp.datasets import dataset_rows

    values = {row["term"]: float(row["value"]) for row in dataset_rows("term_weights")}
    unknown = set(values) - set(TERM_NAMES)
    if unknown:
        raise ValueError(f"term_weights.csv: unknown terms {sorted(unknown)}")
    return TermWeights(**values)
