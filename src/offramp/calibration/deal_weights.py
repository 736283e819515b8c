r"""Fit the public's term weights to the survey items published up to June 2025.

**Items** (each a set of answer shares with its sample size; nothing after June 2025):

- KIIS's monitoring question ("under no circumstances give up any territory" vs "may give
  up some"), every national wave from May 2022 to May 2025 with both shares published;
- the NDI/KIIS ladder of May 2022 (pre-2014 borders; the lines of 23 February 2022; only
  the territory controlled then), ``ndi_ladder_2022``;
- KIIS's May-June 2025 split ballots (hand over territory Ukraine controls; freeze the line
  without recognition), ``other_polls``;
- KIIS's May 2025 plan experiment (the "Russian", "US" and "European" plans),
  ``kiis_peace_plans_2025``;
- **one item from another pollster**: Razumkov Centre's 28 February - 6 March 2025
  face-to-face survey (n = 2,018), "recognise the four oblasts and Crimea as Russian in
  international agreements", 5% agree, 82% disagree (``other_polls``).

**The departure from "KIIS items only", and why.** In the KIIS items de jure recognition by
Ukraine appears only inside the Russian plan, beside an army cut, NATO renounced and
sanctions lifted, so the fit cannot tell recognition's weight from theirs, and without it
the model put a de jure cession of the occupied area at 40% acceptable against Razumkov's 5%.
KIIS asked recognition alone in May-June 2025 ("official recognition of some territories as
Russia", report 1535), but its values are not in the shared data. Razumkov's item is
published before the cut-off (March 2025), by a pollster of long standing with a published
n, and it is the only item before July 2025 in the data that asks recognition alone. So it
enters the fit, and only it: the other two Razumkov items (withdrawal from the four oblasts,
neutral status in the constitution) ask terms the KIIS items already identify (the
withdrawal weight from the split ballots, NATO renounced from the Russian plan), so they add
no identification and stay **out of sample**, where the withdrawal item also measures how
far Razumkov's house and mode differ from KIIS's on a term both identify. Coding: ``agree``
is acceptable, ``disagree`` completely unacceptable, the rest (13%) hard to say; KIIS's
plan items likewise fold "readily or reluctantly" into acceptable, so both are two sides and
a "hard to say". The population is KIIS's February 2025 wave (50% no concessions) and the
trend line at March 2025. Mode: Razumkov interviews face to face, KIIS by telephone (CATI);
face-to-face samples reach people without phones and an interviewer's presence may lower
the share voicing a concession. The withdrawal check (8% agree observed against about 15%
modelled from the KIIS weights) suggests such a house effect of roughly 0.6 logit units; if
it applies to recognition too, the fitted recognition cost is too large by about that much
(docs/deals.md gives the fit with a house effect as a sensitivity).

**NDI's ladder and the recognition cost.** NDI's May 2022 end states ("the lines of 23
February 2022", "only the territory Ukraine controls now" as an end of the war) are judged
as before, the claim to the rest given up (no leniency), but without the fixed cost of a
formal act of recognition: their wording names where the war ends, not a treaty signing the
land away (:attr:`Item.formal_recognition`). Read as formal recognition they cannot be fitted
together with the KIIS items (the fit's dispersion rises from about 10 to 28 and the
freeze item misses by 16 points).

**Population.** Each item is answered by a population built as the engine builds one
(:func:`offramp.mechanisms.opinion.initial_demand`, the scenario's demand spread 1.5 and
region weights), with each macro-region's no-concessions share matched to the item's wave:
the wave's published regions where there are some, else a regional pattern (July 2022's for
2022-23, February 2025's for 2024-25) shifted so that the population-weighted mean is the
wave's national share. The May 2025 items use February 2025's regional pattern (West,
Centre, South 50.5%, East 42%) shifted to May 2025's national 52%: KIIS published no regions
for May 2025. This stands in for the engine's own agents at May 2025, which ``Results`` does
not expose: the opinion fit, driven by the observed front line, reproduces the national
series within 2.9 pp (so the two agree in the share refusing and differ in the shape of the
distribution below it); ukraine-2022's own fight-on runs, on their simulated line, give
45.9% in May 2025 (90% of runs 39.1-60.1%) against the 52% used here.

**Deals as the items worded them.** The territory the defender held is the liveuamap
month-end series and, after January 2025, its linear trend over the last 12 months
(:func:`held_share_trend`). "Hand over territory Ukraine controls" is taken as the held part
of Donetsk oblast (the demand on the table in spring 2025; the wording named no area: an
assumption). NDI's ladder items are end states: territory kept, claims to the rest given up
(judged without leniency).

**Likelihood.** Multinomial over (acceptable, completely unacceptable, hard to say), or
(no concessions, may give up some, hard to say) for the monitoring question:

.. math::

    -\log L(\theta) = -\sum_k n_k \sum_{c} y_{kc} \log p_{kc}(\theta),

maximised by L-BFGS-B from several starts (the neutral values: weights 0, territory 5,
band 0.3, leniency 0.5, and jittered copies). **Intervals** are profile likelihood (90%:
the profile rises by :math:`\tfrac12 \chi^2_{1,0.90} \hat\phi`, with
:math:`\hat\phi = \max(1, X^2/(\text{df}))` the Pearson dispersion, as in
:mod:`offramp.calibration.opinion_fit`). A weight is **identified** when its profile
interval is bounded within its search range.

**What is fitted and what is assumed.** The items have 31 free shares (two per three-way
item, one per monitoring wave, whose first share is fixed by the population's
construction) and vary only some terms: every plan includes the EU path, only the US plan
has a patron's recognition, no item has foreign troops, weapons limits or the language
term. Twelve parameters are fitted (:data:`FITTED`); the others are set
(:data:`ASSUMED`), two of them tied to fitted ones, and their fitted partners absorb any
error in the assumption: the "US plan" sanctions weight holds whatever the public thinks of
the US recognising Crimea, the "Russian plan" NATO weight the army cap as well. With
recognition priced by Razumkov's item, the Russian plan's remaining terms are what is left
of its 10% acceptance, so the NATO weight (and the army cap tied to it) is whatever offsets
sanctions lifted there; the out-of-sample neutrality item says how far that is from
neutrality alone.

References
----------
Kyiv International Institute of Sociology (2022-2025); National Democratic Institute and
KIIS (May 2022); Razumkov Centre (28 February - 6 March 2025; babel.ua/en/news/116411,
unn.ua). Hainmueller, Hopkins & Yamamoto (2014), *Political Analysis* 22(1), 1-30.
Venzon, D. J., & Moolgavkar, S. H. (1988). A method for computing profile-likelihood-based
confidence intervals. *Applied Statistics* 37(1), 87-94.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from offramp.mechanisms import opinion
from offramp.mechanisms.package_support import (
    TermWeights,
    no_concessions_answer,
    package_support,
)
from offramp.scenario.deal import load_deal, package_terms

FIT_END = "2025-06"
DEMAND_SPREAD = 1.5
AGENTS_PER_REGION = 200
#: Assumed sample size where the source gave none (a quarter of KIIS's 2,000 omnibus).
ASSUMED_N_SPLIT = 500
ASSUMED_N_WAVE = 1000
#: Region order and 2021 population weights (as the scenarios).
REGION_WEIGHTS = {"west": 0.252, "center": 0.311, "south": 0.224, "east": 0.213}
PATTERN_2022 = {"west": 0.87, "center": 0.878, "south": 0.82, "east": 0.77}
PATTERN_2025 = {"west": 0.505, "center": 0.505, "south": 0.505, "east": 0.42}

#: Parameters fitted, their transform to the natural scale, and their search range there.
FITTED = {
    "peace_value": ("identity", (-10.0, 15.0)),
    "territory": ("log", (0.05, 200.0)),
    "undecided_band": ("log", (1e-3, 5.0)),
    "no_opinion": ("logit", (1e-4, 0.5)),
    "leniency": ("logit", (1e-4, 1 - 1e-4)),
    "monitoring_threshold": ("logit", (1e-3, 1 - 1e-3)),
    "monitoring_slope": ("log", (0.1, 1000.0)),
    "withdrawal": ("identity", (-15.0, 15.0)),
    "guarantees_europe_us": ("identity", (-15.0, 15.0)),
    "sanctions_lifted": ("identity", (-15.0, 15.0)),
    "nato_renounced": ("identity", (-15.0, 15.0)),
    # a cost by construction (package_support.TermWeights): the upper end is 0
    "recognition": ("identity", (-15.0, 0.0)),
}
NEUTRAL = {
    "peace_value": 0.0,
    "territory": 5.0,
    "undecided_band": 0.3,
    "no_opinion": 0.05,
    "leniency": 0.5,
    "monitoring_threshold": 0.5,
    "monitoring_slope": 10.0,
    "withdrawal": 0.0,
    "guarantees_europe_us": 0.0,
    "sanctions_lifted": 0.0,
    "nato_renounced": 0.0,
    "recognition": 0.0,
}
#: Terms no item varies apart: set, not fitted (value, and why).
ASSUMED: dict[str, tuple[float | str, str]] = {
    "guarantees_europe": (
        "0.5 x guarantees_europe_us",
        "tied: European guarantees without the US worth half of Europe and the US together "
        "(assumption; only the US plan has them, beside sanctions lifted)",
    ),
    "army_cap": (
        "1 x nato_renounced",
        "tied: equal to NATO renounced (only the Russian plan has either; assumption)",
    ),
    "guarantees_invader_among_guarantors": (0.0, "assumption: worth no more than none"),
    "foreign_troops": (0.0, "assumption: no KIIS item up to June 2025 in the shipped data"),
    "weapons_limits": (0.0, "assumption: no KIIS item up to June 2025 in the shipped data"),
    "sanctions_eased": (0.0, "assumption: only the European plan has it (beside guarantees)"),
    "eu_path": (0.0, "assumption: every plan has it, so no item separates it from the others"),
    "language_status": (0.0, "assumption: no KIIS item up to June 2025 in the shipped data"),
    "patron_recognition": (
        0.0,
        "assumption: only the US plan has it; its effect sits in sanctions_lifted",
    ),
}
CHI2_1_90 = 2.705543454095404


@dataclass(frozen=True)
class Item:
    """One survey item: the question, its population, what was observed."""

    name: str
    date: str
    kind: str  # "package" or "monitoring"
    observed: tuple[float, float, float]  # accept, reject, undecided (shares)
    n: float
    n_assumed: bool
    source: str
    regions: dict[str, float]
    terms: dict[str, Any] = field(default_factory=dict)
    held_share: float = 1.0
    #: Does the item ask about the defender's formal act of recognition (the fixed
    #: ``recognition`` weight applies)? False for NDI's end states (see the module docstring).
    formal_recognition: bool = True


def _month(text: str) -> str:
    return text[:7]


def held_share_trend(month: str, window: int = 12) -> float:
    """Defender-held share in ``month``: liveuamap month-end, or its linear trend after it.

    The trend is the least-squares line through the last ``window`` month-end values of
    the shipped series (to January 2025).
    """
    from offramp.datasets import territory_held_monthly

    data = territory_held_monthly()
    labels = data["month"].astype(str).tolist()
    values = data["held_share"].to_numpy()
    if month in labels:
        return float(values[labels.index(month)])
    y, m = (int(p) for p in month.split("-"))
    last_y, last_m = (int(p) for p in labels[-1].split("-"))
    ahead = (y - last_y) * 12 + (m - last_m)
    if ahead < 0:
        raise ValueError(f"{month} is before the series' last month but not in it")
    tail = values[-window:]
    slope, intercept = np.polyfit(np.arange(len(tail)), tail, 1)
    return float(intercept + slope * (len(tail) - 1 + ahead))


def regions_for(national: float, pattern: dict[str, float]) -> dict[str, float]:
    """A regional pattern shifted so its population-weighted mean is ``national``."""
    mean = sum(REGION_WEIGHTS[r] * q for r, q in pattern.items())
    return {r: float(np.clip(q + national - mean, 0.001, 0.999)) for r, q in pattern.items()}


def kiis_items(fit_end: str = FIT_END) -> list[Item]:
    """Every item the weights are fitted to, in date order (nothing after ``fit_end``)."""
    from offramp.datasets import load_dataset

    items: list[Item] = []
    series = load_dataset("kiis_no_concessions")
    national = series[series["region"] == "national"]
    for date, wave in national.groupby("date"):
        month = date.strftime("%Y-%m")
        if month > fit_end:
            continue
        shares = dict(zip(wave["answer"], wave["value"] / 100.0, strict=True))
        if "no_concessions" not in shares or "can_give_up_some" not in shares:
            continue
        q, may = shares["no_concessions"], shares["can_give_up_some"]
        n = wave["n_effective"].iloc[0]
        pattern = PATTERN_2022 if month < "2024-01" else PATTERN_2025
        items.append(
            Item(
                name=f"kiis-no-concessions-{month}",
                date=month,
                kind="monitoring",
                observed=(q, may, max(0.0, 1.0 - q - may)),
                n=ASSUMED_N_WAVE if np.isnan(n) else float(n),
                n_assumed=bool(np.isnan(n)),
                source="kiis_no_concessions (national)",
                regions=regions_for(q, pattern),
            )
        )

    may_2022 = _regions_may_2022(series)
    ladder = load_dataset("ndi_ladder_2022")
    for item, frame in ladder.groupby("item", sort=False):
        values = dict(zip(frame["answer"], frame["value"] / 100.0, strict=True))
        accept, reject = values["acceptable"], values["unacceptable"]
        x = float(frame["territory_share_implied"].iloc[0])
        items.append(
            Item(
                name=f"ndi-ladder-{item}",
                date="2022-05",
                kind="package",
                observed=(accept, reject, max(0.0, 1.0 - accept - reject)),
                n=float(frame["sample_n"].iloc[0]),
                n_assumed=False,
                source="ndi_ladder_2022",
                regions=may_2022,
                held_share=x,
                # An end state: the claim to the rest is given up, judged at face value,
                # but no treaty of recognition was asked about (no fixed recognition cost).
                terms={"recognized_de_jure": 1.0 - x},
                formal_recognition=False,
            )
        )

    held_2025 = held_share_trend("2025-05")
    regions_2025 = regions_for(0.52, PATTERN_2025)
    polls = load_dataset("other_polls")
    split = polls[(polls["pollster"] == "KIIS") & (polls["date"].dt.strftime("%Y-%m") <= fit_end)]
    # The split ballots as the bundled deals closest to their wording (no EU path named).
    wordings = {
        "Transfer to Russia of territory Ukraine now controls": (
            "kiis-split-hand-over-held-territory",
            "donetsk-handover",
        ),
        "Freeze the front line without official recognition of occupied territory as Russian": (
            "kiis-split-freeze-without-recognition",
            "freeze-without-recognition",
        ),
    }
    for wording, frame in split.groupby("item", sort=False):
        if wording not in wordings:
            continue
        name, deal = wordings[wording]
        terms = {**package_terms(load_deal(deal), held_2025), "eu_path": False}
        values = dict(zip(frame["answer"], frame["value"] / 100.0, strict=True))
        accept, reject = values["ready to accept"], values["categorically against"]
        items.append(
            Item(
                name=name,
                date=_month(str(frame["date"].iloc[0].date())),
                kind="package",
                observed=(accept, reject, max(0.0, 1.0 - accept - reject)),
                n=float(frame["sample_n"].iloc[0]),
                n_assumed=True,
                source="other_polls (KIIS split ballot)",
                regions=regions_2025,
                held_share=held_2025,
                terms=terms,
            )
        )

    plans = load_dataset("kiis_peace_plans_2025")
    for plan, frame in plans.groupby("plan", sort=False):
        values = dict(zip(frame["answer"], frame["value"] / 100.0, strict=True))
        items.append(
            Item(
                name=f"kiis-plan-{plan}",
                date="2025-05",
                kind="package",
                observed=(values["accept"], values["reject"], values["undecided"]),
                n=ASSUMED_N_SPLIT,
                n_assumed=True,
                source="kiis_peace_plans_2025",
                regions=regions_2025,
                held_share=held_2025,
                terms=plan_terms(str(plan), held_2025),
            )
        )
    return items


#: KIIS's May 2025 plans and the bundled deals that word them (src/offramp/deals/).
PLAN_DEALS = {
    "russian-plan": "russian-plan-may-2025",
    "us-plan": "us-plan-may-2025",
    "european-plan": "european-plan-may-2025",
}


def plan_terms(plan: str, held_share: float) -> dict[str, Any]:
    """The package terms of a KIIS May 2025 plan, from its bundled deal."""
    if plan not in PLAN_DEALS:
        raise ValueError(f"unknown plan {plan!r}; allowed: {', '.join(PLAN_DEALS)}")
    return package_terms(load_deal(PLAN_DEALS[plan]), held_share)


def _regions_may_2022(series: Any) -> dict[str, float]:
    wave = series[
        (series["date"].dt.strftime("%Y-%m") == "2022-05") & (series["answer"] == "no_concessions")
    ]
    known = {r: v / 100.0 for r, v in zip(wave["region"], wave["value"], strict=True)}
    national = known.pop("national")
    # West and Centre not published: equal values making the weighted mean the national one.
    rest = [r for r in REGION_WEIGHTS if r not in known]
    filled = (national - sum(REGION_WEIGHTS[r] * q for r, q in known.items())) / sum(
        REGION_WEIGHTS[r] for r in rest
    )
    return {r: known.get(r, filled) for r in REGION_WEIGHTS}


def population(regions: dict[str, float]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Agents' demands and weights for a wave's regional no-concession shares."""
    return _population(tuple(regions[r] for r in REGION_WEIGHTS))


@lru_cache(maxsize=64)
def _population(shares: tuple[float, ...]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    demand, _, weight = opinion.initial_demand(
        list(shares),
        list(REGION_WEIGHTS.values()),
        DEMAND_SPREAD,
        AGENTS_PER_REGION,
    )
    return demand, weight


def weights_from(values: dict[str, float]) -> TermWeights:
    """TermWeights from the fitted values, with the ties of :data:`ASSUMED` applied."""
    return TermWeights(
        **values,
        guarantees_europe=0.5 * values["guarantees_europe_us"],
        army_cap=values["nato_renounced"],
    )


def predict(items: list[Item], weights: TermWeights) -> NDArray[np.float64]:
    """Modelled shares (accept, reject, undecided) of every item, shape (items, 3)."""
    out = np.empty((len(items), 3))
    informal = weights.with_values(recognition=0.0)
    for k, item in enumerate(items):
        demand, weight = population(item.regions)
        if item.kind == "monitoring":
            shares = no_concessions_answer(demand, weight, weights)
        else:
            shares = package_support(
                opinion.reservation_point(demand),
                weight,
                weights if item.formal_recognition else informal,
                held_share=item.held_share,
                **item.terms,
            )
        out[k] = [float(s) for s in shares]
    return out


class _Transform:
    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def to_natural(self, phi: NDArray[np.float64]) -> dict[str, float]:
        out = {}
        for name, v in zip(self.names, phi, strict=True):
            kind, (low, high) = FITTED[name]
            if kind == "log":
                value = float(np.exp(v))
            elif kind == "logit":
                value = float(1.0 / (1.0 + np.exp(-v)))
            else:
                value = float(v)
            out[name] = float(np.clip(value, low, high))
        return out

    def to_free(self, values: dict[str, float]) -> NDArray[np.float64]:
        out = []
        for name in self.names:
            kind, _ = FITTED[name]
            v = values[name]
            out.append(
                np.log(v) if kind == "log" else np.log(v / (1 - v)) if kind == "logit" else v
            )
        return np.array(out, dtype=float)

    def bounds(self) -> list[tuple[float, float]]:
        return [tuple(self.to_free_one(n, b) for b in FITTED[n][1]) for n in self.names]

    def to_free_one(self, name: str, value: float) -> float:
        kind, _ = FITTED[name]
        if kind == "log":
            return float(np.log(value))
        if kind == "logit":
            return float(np.log(value / (1 - value)))
        return float(value)


def negative_log_likelihood(items: list[Item], weights: TermWeights) -> float:
    """Multinomial negative log-likelihood of the items (constant terms dropped)."""
    p = np.clip(predict(items, weights), 1e-9, 1.0)
    y = np.array([item.observed for item in items])
    n = np.array([item.n for item in items])
    return float(-np.sum(n[:, None] * y * np.log(p)))


@dataclass
class DealWeightFit:
    """A fit of the term weights: estimates, intervals, each item's error."""

    estimate: dict[str, float]
    intervals: dict[str, tuple[float, float, bool]]
    items: list[Item]
    fitted: NDArray[np.float64]
    neg_log_likelihood: float
    dispersion: float
    starts: int
    seconds: float

    @property
    def weights(self) -> TermWeights:
        return weights_from(self.estimate)

    def table(self) -> list[dict[str, Any]]:
        """One row per item and answer: observed, fitted, error and margin (pp)."""
        rows = []
        labels = ("accept", "reject", "undecided")
        for item, fitted in zip(self.items, self.fitted, strict=True):
            margin = 100 * 1.959963984540054 * np.sqrt(0.25 / item.n)
            for label, obs, fit in zip(labels, item.observed, fitted, strict=True):
                rows.append(
                    {
                        "item": item.name,
                        "date": item.date,
                        "answer": label,
                        "observed": round(100 * obs, 1),
                        "fitted": round(100 * fit, 1),
                        "error_pp": round(100 * (fit - obs), 1),
                        "margin_pp": round(margin, 1),
                        "within_margin": bool(abs(fit - obs) * 100 <= margin + 1e-9),
                        "n": item.n,
                        "n_assumed": item.n_assumed,
                    }
                )
        return rows


def _objective(items: list[Item], transform: _Transform) -> Callable[[NDArray], float]:
    def f(phi: NDArray[np.float64]) -> float:
        return negative_log_likelihood(items, weights_from(transform.to_natural(phi)))

    return f


def _minimise(f: Callable, start: NDArray, bounds: list[tuple[float, float]]) -> Any:
    from scipy.optimize import minimize

    return minimize(f, start, method="L-BFGS-B", bounds=bounds)


def fit_deal_weights(
    items: list[Item] | None = None,
    starts: int = 3,
    seed: int = 20250603,
    intervals: bool = True,
) -> DealWeightFit:
    """Maximum-likelihood term weights, multi-start from the neutral values.

    Parameters
    ----------
    items : list of Item, optional
        The items (default: :func:`fit_items`, nothing after June 2025).
    starts : int
        Starting points: the neutral values and ``starts - 1`` jittered copies.
    intervals : bool
        Compute the profile-likelihood intervals (the slow part).
    """
    started = time.perf_counter()
    items = fit_items() if items is None else items
    names = tuple(FITTED)
    transform = _Transform(names)
    f = _objective(items, transform)
    bounds = transform.bounds()
    rng = np.random.default_rng(seed)
    neutral = transform.to_free(NEUTRAL)
    best = None
    for k in range(starts):
        start = neutral if k == 0 else neutral + rng.normal(0.0, 1.0, len(neutral))
        start = np.clip(start, [b[0] for b in bounds], [b[1] for b in bounds])
        result = _minimise(f, start, bounds)
        if best is None or result.fun < best.fun:
            best = result
    assert best is not None
    estimate = transform.to_natural(best.x)
    fitted = predict(items, weights_from(estimate))
    dispersion = _dispersion(items, fitted, len(names))
    found = {}
    if intervals:
        found = _profile_intervals(f, best.x, best.fun, bounds, transform, dispersion)
    return DealWeightFit(
        estimate=estimate,
        intervals=found,
        items=items,
        fitted=fitted,
        neg_log_likelihood=float(best.fun),
        dispersion=dispersion,
        starts=starts,
        seconds=round(time.perf_counter() - started, 1),
    )


def free_shares(items: list[Item]) -> int:
    """Shares the items pin: two per three-way item, one per monitoring wave."""
    return sum(1 if item.kind == "monitoring" else 2 for item in items)


def _dispersion(items: list[Item], fitted: NDArray[np.float64], k: int) -> float:
    y = np.array([item.observed for item in items])
    n = np.array([item.n for item in items])
    p = np.clip(fitted, 1e-9, 1.0)
    pearson = float(np.sum(n[:, None] * (y - p) ** 2 / p))
    df = max(1, free_shares(items) - k)
    return max(1.0, pearson / df)


def _profile_intervals(f, phi_hat, f_hat, bounds, transform, dispersion, bisections=6):
    """90% profile-likelihood ends of each parameter (bracket by doubling, then bisect)."""
    threshold = 0.5 * CHI2_1_90 * dispersion
    out: dict[str, tuple[float, float, bool]] = {}
    for i, name in enumerate(transform.names):
        others = [j for j in range(len(phi_hat)) if j != i]
        ends, bounded = [], True
        for side, limit in ((-1, bounds[i][0]), (1, bounds[i][1])):
            warm = phi_hat[others].copy()

            def excess(
                value: float, start: NDArray, i: int = i, others: list[int] = others
            ) -> tuple[float, NDArray]:
                def g(free: NDArray) -> float:
                    phi = phi_hat.copy()
                    phi[i] = value
                    phi[others] = free
                    return f(phi)

                result = _minimise(g, start, [bounds[j] for j in others])
                return float(result.fun - f_hat - threshold), result.x

            inside, step, outside = phi_hat[i], 0.25, None
            while outside is None:
                trial = phi_hat[i] + side * step
                trial = max(trial, limit) if side < 0 else min(trial, limit)
                value, rest = excess(trial, warm)
                if value > 0:
                    outside = trial
                elif trial == limit:
                    break
                else:
                    inside, warm, step = trial, rest, step * 2
            if outside is None:
                bounded = False
                ends.append(limit)
                continue
            # The sign is known at both ends: bisect without re-evaluating them.
            for _ in range(bisections):
                middle = 0.5 * (inside + outside)
                value, rest = excess(middle, warm)
                if value > 0:
                    outside = middle
                else:
                    inside, warm = middle, rest
            ends.append(0.5 * (inside + outside))
        at = [phi_hat.copy(), phi_hat.copy()]
        at[0][i], at[1][i] = ends
        out[name] = (
            transform.to_natural(at[0])[name],
            transform.to_natural(at[1])[name],
            bounded,
        )
    return out


def term_weights_rows(fit: DealWeightFit) -> list[dict[str, Any]]:
    """Rows of ``term_weights.csv``: every term's weight, interval, identification, basis."""
    shares = free_shares(fit.items)
    basis = (
        f"maximum likelihood on {len(fit.items)} KIIS/NDI/Razumkov items up to {FIT_END} "
        f"({shares} free shares, {len(FITTED)} fitted parameters); 90% profile-likelihood "
        f"interval (dispersion {fit.dispersion:.2f})"
    )
    rows = []
    for name in FITTED:
        low, high, bounded = fit.intervals.get(name, (np.nan, np.nan, False))
        rows.append(
            {
                "term": name,
                "value": fit.estimate[name],
                "p05": low,
                "p95": high,
                "identified": "yes" if bounded else "no",
                "fit": basis,
            }
        )
    tied = fit.weights
    for name, (value, why) in ASSUMED.items():
        rows.append(
            {
                "term": name,
                "value": getattr(tied, name),
                "p05": np.nan,
                "p95": np.nan,
                "identified": "tied" if isinstance(value, str) else "no",
                "fit": why,
            }
        )
    return rows


_DEFINITIONS = {
    "peace_value": "alpha: utility of the war ending at all (logit units)",
    "territory": "beta: logit units per unit share by which the package falls short of the "
    "agent's reservation point",
    "undecided_band": "delta: half-width of the 'hard to say' band around indifference",
    "no_opinion": "eta: share answering 'hard to say' whatever the package (non-attitudes)",
    "leniency": "lambda: share of the occupied, unrecognised area judged as if kept",
    "monitoring_threshold": "KIIS monitoring question: room for a concession (1 - reservation "
    "point) at which an agent not refusing every concession says 'may give up some'",
    "monitoring_slope": "KIIS monitoring question: steepness of 'may give up some' around the "
    "threshold",
    "withdrawal": "fixed weight of handing over land the defender holds (beyond its area)",
    "recognition": "fixed weight of the defender's own de jure recognition of any occupied "
    "area as the invader's (beyond the recognised area's loss of leniency); at most 0",
}


def term_weights_csv(fit: DealWeightFit) -> str:
    """The text of ``src/offramp/data/term_weights.csv`` for this fit (tidy, sourced)."""
    out = io.StringIO()
    columns = [
        "date",
        "fieldwork_start",
        "fieldwork_end",
        "term",
        "value",
        "p05",
        "p95",
        "identified",
        "unit",
        "definition",
        "publisher",
        "sample_n",
        "source_url",
        "verified",
        "fit",
        "note",
    ]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in term_weights_rows(fit):
        name = row["term"]
        writer.writerow(
            [
                "2025-06-03",
                "2022-05-02",
                "2025-06-03",
                name,
                f"{row['value']:.4f}",
                "" if np.isnan(row["p05"]) else f"{row['p05']:.4f}",
                "" if np.isnan(row["p95"]) else f"{row['p95']:.4f}",
                row["identified"],
                "share"
                if name in ("leniency", "no_opinion", "monitoring_threshold")
                else "logit units",
                _DEFINITIONS.get(name, f"weight of the term {name} in a package's utility"),
                "offramp (fit of offramp.calibration.deal_weights)",
                "",
                "docs/deals.md (calibration); data: kiis_no_concessions, ndi_ladder_2022, "
                "other_polls (KIIS split ballots, Razumkov recognition), kiis_peace_plans_2025",
                "no",
                row["fit"],
                "a model estimate, not a published figure (verified = no)",
            ]
        )
    return out.getvalue()


#: Razumkov Centre, 28 Feb - 6 Mar 2025 (face-to-face, n = 2,018; ``other_polls``): single
#: concessions, agree / disagree. Each wording, the item's name, and the package it asks
#: about. Only the recognition item is fitted (:data:`RAZUMKOV_FITTED`; the module
#: docstring argues why); the other two are checks out of sample.
_WITHDRAW_FOUR = (
    "Agree to withdraw Ukrainian troops from Donetsk, Luhansk, Kherson and Zaporizhzhia oblasts"
)
RAZUMKOV_WORDINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "Recognise the four oblasts and Crimea as Russian in international agreements": (
        "razumkov-recognise-occupied-as-russian",
        {"recognized": True},
    ),
    _WITHDRAW_FOUR: (
        "razumkov-withdraw-from-four-oblasts",
        {"withdraw": ["donetsk", "luhansk", "kherson", "zaporizhzhia"]},
    ),
    "Enshrine neutral, non-aligned, non-nuclear status in the Constitution": (
        "razumkov-neutral-status",
        {"nato": "renounced"},
    ),
}
RAZUMKOV_FITTED = ("razumkov-recognise-occupied-as-russian",)
#: KIIS's national no-concessions share in the wave nearest Razumkov's fieldwork (Feb 2025).
RAZUMKOV_NO_CONCESSIONS = 0.50


def razumkov_items(fit_end: str = FIT_END) -> list[Item]:
    """Razumkov's February-March 2025 single concessions as items (all three wordings).

    ``agree`` is coded as acceptable, ``disagree`` as completely unacceptable, the rest
    (not reported: 100 minus the two) as hard to say; the population is KIIS's February
    2025 wave (50% no concessions, its regional pattern), the line the trend's at the
    fieldwork month.
    """
    from offramp.datasets import load_dataset
    from offramp.mechanisms.deal_terms import withdrawal_share

    polls = load_dataset("other_polls")
    rows = polls[
        (polls["pollster"] == "Razumkov Centre")
        & (polls["region"] == "national")
        & (polls["date"].dt.strftime("%Y-%m") <= fit_end)
    ]
    items = []
    for wording, frame in rows.groupby("item", sort=False):
        if wording not in RAZUMKOV_WORDINGS:
            continue
        name, spec = RAZUMKOV_WORDINGS[str(wording)]
        month = frame["date"].iloc[0].strftime("%Y-%m")
        held = held_share_trend(month)
        terms: dict[str, Any] = {}
        if spec.get("recognized"):
            terms["recognized_de_jure"] = 1.0 - held
        if "withdraw" in spec:
            terms["withdraw_from"] = withdrawal_share(spec["withdraw"])
        if "nato" in spec:
            terms["nato"] = spec["nato"]
        values = dict(zip(frame["answer"], frame["value"] / 100.0, strict=True))
        agree, disagree = values["agree"], values["disagree"]
        items.append(
            Item(
                name=name,
                date=month,
                kind="package",
                observed=(agree, disagree, max(0.0, 1.0 - agree - disagree)),
                n=float(frame["sample_n"].iloc[0]),
                n_assumed=False,
                source="other_polls (Razumkov Centre, face-to-face)",
                regions=regions_for(RAZUMKOV_NO_CONCESSIONS, PATTERN_2025),
                held_share=held,
                terms=terms,
            )
        )
    return items


def fit_items(fit_end: str = FIT_END) -> list[Item]:
    """The items the weights are fitted to: the KIIS/NDI items and Razumkov's recognition."""
    razumkov = [item for item in razumkov_items(fit_end) if item.name in RAZUMKOV_FITTED]
    return kiis_items(fit_end) + razumkov


def out_of_sample_items(fit_end: str = FIT_END) -> list[Item]:
    """Razumkov's items that are not fitted: withdrawal and neutrality."""
    return [item for item in razumkov_items(fit_end) if item.name not in RAZUMKOV_FITTED]


def out_of_sample_checks(weights: TermWeights) -> list[dict[str, Any]]:
    """Razumkov's withdrawal and neutrality items against the fitted public (not fitted)."""
    items = out_of_sample_items()
    rows = []
    for item, shares in zip(items, predict(items, weights), strict=True):
        rows.append(
            {
                "item": item.name,
                "n": item.n,
                "observed_accept": round(100 * item.observed[0], 1),
                "modelled_accept": round(100 * float(shares[0]), 1),
                "observed_reject": round(100 * item.observed[1], 1),
                "modelled_reject": round(100 * float(shares[1]), 1),
                "observed_undecided": round(100 * item.observed[2], 1),
                "modelled_undecided": round(100 * float(shares[2]), 1),
            }
        )
    return rows


def calibrate_deals(starts: int = 3, intervals: bool = True) -> dict[str, Any]:
    """The JSON document of ``offramp calibrate --deals`` (hook for the command line)."""
    fit = fit_deal_weights(starts=starts, intervals=intervals)
    rows = term_weights_rows(fit)
    return {
        "items": fit.table(),
        "weights": [
            {
                "term": r["term"],
                "weight": round(float(r["value"]), 4),
                "p05": None if np.isnan(r["p05"]) else round(float(r["p05"]), 4),
                "p95": None if np.isnan(r["p95"]) else round(float(r["p95"]), 4),
                "identified": r["identified"],
                "basis": r["fit"],
            }
            for r in rows
        ],
        "count": {
            "items": len(fit.items),
            "free_shares": free_shares(fit.items),
            "fitted": len(FITTED),
            "assumed": len(ASSUMED),
        },
        "out_of_sample": out_of_sample_checks(fit.weights),
        "dispersion": round(fit.dispersion, 3),
        "neg_log_likelihood": round(fit.neg_log_likelihood, 2),
        "settings": {"fit_end": FIT_END, "starts": fit.starts, "seconds": fit.seconds},
    }


def main() -> None:  # pragma: no cover - regenerates the shipped file
    """Print ``term_weights.csv`` for a fresh fit (redirect it into ``src/offramp/data``)."""
    import sys

    sys.stdout.write(term_weights_csv(fit_deal_weights()))


if __name__ == "__main__":  # pragma: no cover
    main()
