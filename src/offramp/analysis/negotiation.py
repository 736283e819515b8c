"""When could a deal pass, and would it hold? The poll and the window of a deal.

``poll`` asks the modelled public, at a calendar month, what KIIS would ask it: whether a
deal is acceptable (readily or reluctantly), completely unacceptable, or hard to say; or
KIIS's monitoring question on territorial concessions. The public is the state of the
scenario's fighting-on runs at that month; each run is one possible Ukraine, so the answer
is a median and a 90% interval over runs (the sampling noise of a real survey of n = 1,000
is not added: the interval is the model's uncertainty about the public, not a poll's).

``window`` offers one deal once, at each of a range of months, and reports for each offer
month the probability that it is signed, ratified and in force, that war resumes within 60
months of it taking effect, and the territory held at the horizon against fighting on, all
over the same runs (common random numbers), so that differences between months are not
noise between draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from offramp.analysis.summary import summarize_outcomes
from offramp.outcomes import MONITORING_QUESTION, POLL_ANSWERS, WINDOW_SHARES
from offramp.scenario.deal import Deal, load_deal, package_terms
from offramp.scenario.loading import InputError, Problem
from offramp.scenario.schema import Policy, Scenario, months_between


def _quantiles(values: np.ndarray) -> dict[str, float]:
    q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
    return {"median": float(q50), "p05": float(q05), "p95": float(q95)}


def month_index(scenario: Scenario, month: str, field: str = "month") -> int:
    """Months from the scenario's start to ``month`` (YYYY-MM), or an InputError."""
    try:
        index = months_between(scenario.meta.start, month)
        valid = len(month) == 7 and 1 <= int(month[5:]) <= 12
    except ValueError:
        valid = False
    if not valid:
        raise InputError(field, [Problem(field, month, "a calendar month, YYYY-MM")])
    if index < 0:
        message = f"must not be before the scenario's start ({scenario.meta.start})"
        raise InputError(field, [Problem(field, month, message)])
    if index > 600:
        raise InputError(field, [Problem(field, month, "at most 600 months after the start")])
    return index


def resolve_deal(scenario: Scenario, name_or_path: str | Path) -> Deal:
    """One of the scenario's [[deals]], a bundled deal, or a deal file."""
    names = [table.get("name") for table in scenario.deals]
    return scenario.deal(str(name_or_path)) if name_or_path in names else load_deal(name_or_path)


@dataclass(frozen=True)
class PollResult:
    question: str
    deal: str
    month: str
    runs: int
    shares: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "question": self.question,
            "month": self.month,
            "runs": self.runs,
            **self.shares,
            "answers": dict(POLL_ANSWERS[self.question]),
        }


def poll(
    scenario: Scenario,
    month: str,
    deal: Deal | None = None,
    runs: int = 500,
    seed: int | None = None,
) -> PollResult:
    """The modelled public's answer at ``month``: a deal's package, or (no deal) KIIS's
    monitoring question, as medians and 90% intervals over runs."""
    from offramp.engine.simulate import simulate_state
    from offramp.mechanisms import package_support

    seed = scenario.seed if seed is None else seed
    state, P = simulate_state(
        scenario, scenario.fight_on_policy(), runs, seed, month_index(scenario, month)
    )
    if deal is None:
        answers = package_support.poll(
            state.public.demand, P.weight, P.term_weights, question=MONITORING_QUESTION
        )
    else:
        held = state.front.territory
        answers = package_support.poll(
            state.public.demand,
            P.weight,
            P.term_weights,
            question="deal",
            **package_terms(deal, held_share=held),
            held_share=held,
        )
    shares = {key: _quantiles(np.asarray(value)) for key, value in answers.items()}
    return PollResult(
        question=MONITORING_QUESTION if deal is None else "deal",
        deal=MONITORING_QUESTION if deal is None else deal.name,
        month=month,
        runs=runs,
        shares=shares,
    )


def window(
    scenario: Scenario,
    deal: Deal,
    offer_months: list[int],
    runs: int = 500,
    seed: int | None = None,
    horizon: int | None = None,
    on_offer_done: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """For each offer month, what becomes of the deal offered once then (see the module).

    ``on_offer_done`` is called with "fight-on" after the baseline and with each offer
    month (YYYY-MM) as it is done (the dashboard's progress). A scenario's own deal of the
    same name as ``deal`` is set aside, so an edited deal is simulated as given.
    """
    from offramp.engine.simulate import simulate

    seed = scenario.seed if seed is None else seed
    horizon = scenario.horizon_months if horizon is None else horizon
    others = [table for table in scenario.deals if table.get("name") != deal.name]
    with_deal = scenario.model_copy(update={"deals": [deal.model_dump(mode="json"), *others]})
    baseline = simulate(
        with_deal, scenario.fight_on_policy(), runs=runs, seed=seed, horizon=horizon
    )
    fight_on = float(np.median(baseline.outcomes["territory_at_horizon"]))
    if on_offer_done is not None:
        on_offer_done("fight-on")
    offers = []
    for m in offer_months:
        policy = Policy(name="offer", kind="deal", deal=deal.name, deal_month=m)
        out = simulate(with_deal, policy, runs=runs, seed=seed, horizon=horizon).outcomes
        summary = summarize_outcomes(out, deal_policy=True)
        summary["p_deal_in_force"] = summary["runs_with_ceasefire"] / summary["runs"]
        offers.append(
            {
                "offer_month": _calendar(scenario.meta.start, m),
                "month_index": m,
                **{share.key: summary[share.key] for share in WINDOW_SHARES},
                "median_support": _median_or_none(out["deal_support"]),
                "territory_at_horizon": {"median": float(out["territory_at_horizon"].median())},
                "territory_fight_on": {"median": fight_on},
            }
        )
        if on_offer_done is not None:
            on_offer_done(offers[-1]["offer_month"])
    return {"deal": deal.name, "runs": runs, "seed": seed, "horizon": horizon, "offers": offers}


def _median_or_none(values: Any) -> float | None:
    finite = values.dropna()
    return float(finite.median()) if len(finite) else None


def calendar_month(start: str, months: int) -> str:
    """The calendar month (YYYY-MM) ``months`` after ``start``."""
    return _calendar(start, months)


def _calendar(start: str, months: int) -> str:
    year, month = map(int, start.split("-"))
    total = year * 12 + (month - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
