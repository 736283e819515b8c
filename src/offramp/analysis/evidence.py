r"""The model's own rates, to set beside the outside view (``data/base_rates.csv``).

For each policy of a scenario, from :attr:`Results.outcomes`:

* **irregular removal per leader-month**: removals by the leadership hazard (``removal_cause``
  = ``hazard``: protest, low approval or other causes; a lost election is an orderly transfer
  and censors the spell) divided by the first leader's months at risk, :math:`\sum_i
  \min(m_i + 1, H)` with :math:`m_i` the removal month and :math:`H` the horizon. Only the
  first removal is recorded, so this is the first leader's rate. Every month of ``fight-on``
  is wartime, so the model's rate is set beside both the all-leader and the wartime base rates.
* **removal by popular protest per leader-month**: the rate above minus the same rate with
  ``leadership.protest_hazard`` set to 0 in every run (same seed, so the same draws: the
  difference is the removals the protest channel adds).
* **recurrence within 2, 5, 10 years**: among runs whose ceasefire took effect, one minus the
  Kaplan-Meier survival of months from the ceasefire to renewed war, censored at the horizon;
  a horizon the follow-up does not reach is left out. The model's wars are interstate, so it
  is set beside UCDP's interstate rate (the clocks differ: UCDP's starts after a calendar year
  below 25 deaths, the model's at the ceasefire).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from offramp.analysis.base_rates import kaplan_meier_cumulative

#: Base rates each model rate is compared with (names of ``base_rates.csv`` items).
IRREGULAR = (
    "irregular_removal_per_leader_month",
    "irregular_removal_per_leader_month_since_1990",
    "irregular_removal_per_leader_month_wartime",
    "irregular_removal_per_leader_month_wartime_since_1990",
    "irregular_removal_per_leader_month_interstate_war",
)
PROTEST = (
    "removal_by_popular_protest_per_leader_month",
    "removal_by_popular_protest_per_leader_month_since_1990",
)
RECURRENCE_YEARS = (2, 5, 10)


def irregular_removal_rate(outcomes: pd.DataFrame, horizon: int) -> tuple[float, int, float]:
    """Hazard removals per leader-month of the first leader: (rate, removals, months at risk)."""
    month = outcomes["leader_removed_month"].to_numpy(dtype=float)
    removed = outcomes["leader_removed"].to_numpy(dtype=bool)
    by_hazard = removed & (outcomes["removal_cause"].to_numpy() == "hazard")
    at_risk = np.where(removed, np.minimum(month + 1.0, horizon), float(horizon))
    exposure = float(at_risk.sum())
    events = int(by_hazard.sum())
    return (events / exposure if exposure > 0 else float("nan")), events, exposure


def recurrence_probabilities(
    outcomes: pd.DataFrame, horizon: int, years: tuple[int, ...] = RECURRENCE_YEARS
) -> dict[int, float]:
    """Kaplan-Meier probability that war resumed within each of ``years`` of the ceasefire."""
    ceasefire = outcomes[outcomes["ceasefire_month"].notna()]
    if ceasefire.empty:
        return {}
    start = ceasefire["ceasefire_month"].to_numpy(dtype=float)
    resumed = ceasefire["war_resumed"].to_numpy(dtype=bool)
    # Months from the ceasefire to renewed war, or to the horizon (censored).
    end = np.where(resumed, ceasefire["war_resumed_month"].to_numpy(dtype=float), float(horizon))
    follow = end - start
    reachable = [y for y in years if 12 * y <= follow.max()]
    if not reachable:
        return {}
    table = kaplan_meier_cumulative(follow, resumed, [12 * y for y in reachable])
    return {y: float(v) for y, v in zip(reachable, table["value"], strict=True)}


def default_horizon(scenario: Any) -> int:
    """The scenario's horizon, lengthened so that a deal's ten-year recurrence is observed."""
    latest_deal = max((p.deal_month for p in scenario.policies if p.offers_deal), default=0)
    return max(scenario.horizon_months, 12 * max(RECURRENCE_YEARS) + latest_deal)


def model_rates(
    scenario: Any, runs: int | None = None, seed: int | None = None, horizon: int | None = None
) -> list[dict[str, Any]]:
    """The model's rate for each base rate it can be set beside, under every policy."""
    from offramp.engine.simulate import simulate

    runs = scenario.runs if runs is None else int(runs)
    horizon = default_horizon(scenario) if horizon is None else int(horizon)
    no_protest = {"leadership.protest_hazard": np.zeros(runs)}
    rows: list[dict[str, Any]] = []
    for policy in scenario.policy_names:
        outcomes = simulate(scenario, policy, runs=runs, seed=seed, horizon=horizon).outcomes
        rate, events, exposure = irregular_removal_rate(outcomes, horizon)
        for name in IRREGULAR:
            rows.append(
                {"name": name, "policy": policy, "value": rate, "events": events, "n": runs}
            )
        quiet = simulate(
            scenario, policy, runs=runs, seed=seed, horizon=horizon, overrides=no_protest
        ).outcomes
        quiet_rate, _, _ = irregular_removal_rate(quiet, horizon)
        for name in PROTEST:
            rows.append(
                {
                    "name": name,
                    "policy": policy,
                    "value": max(rate - quiet_rate, 0.0),
                    "events": None,
                    "n": runs,
                }
            )
        n_ceasefire = int(outcomes["ceasefire_month"].notna().sum())
        for years, value in recurrence_probabilities(outcomes, horizon).items():
            rows.append(
                {
                    "name": f"recurrence_{years}y_interstate",
                    "policy": policy,
                    "value": value,
                    "events": None,
                    "n": n_ceasefire,
                }
            )
    return rows


def shipped_base_rates() -> list[dict[str, Any]]:
    """The shipped base rates as the ``offramp evidence`` JSON lists them."""
    from offramp.datasets import load_dataset

    df = load_dataset("base_rates")
    return [
        {
            "name": row.item,
            "definition": row.definition,
            "source": row.publisher,
            "value": float(row.value),
            "ci": [float(row.ci_low), float(row.ci_high)],
            "n": int(row.sample_n),
            "events": int(row.events),
            "unit": row.unit,
            "period": [
                row.fieldwork_start.strftime("%Y-%m-%d"),
                row.fieldwork_end.strftime("%Y-%m-%d"),
            ],
        }
        for row in df.itertuples(index=False)
    ]


def evidence(
    scenario: Any, runs: int | None = None, seed: int | None = None, horizon: int | None = None
) -> dict[str, Any]:
    """Base rates and the model's rates with matching names (the ``offramp evidence`` result)."""
    return {
        "scenario": scenario.meta.name,
        "runs": scenario.runs if runs is None else int(runs),
        "horizon_months": default_horizon(scenario) if horizon is None else int(horizon),
        "seed": scenario.seed if seed is None else int(seed),
        "base_rates": shipped_base_rates(),
        "model": model_rates(scenario, runs=runs, seed=seed, horizon=horizon),
    }
