"""Historical backtest: how long does the model say an armistice like Minsk II lasts?

The observed case: the Minsk II ceasefire of February 2015 (an armistice along the line,
without recognition or guarantees, never ratified by the Rada) held, in the sense of no
renewed full-scale offensive, until Russia's invasion of 24 February 2022: 84 months.

The model's distribution of months from the ceasefire to renewed war is read from the
``minsk-2015`` scenario's runs whose ceasefire took effect; runs in which war had not resumed
by the horizon are censored (counted as lasting longer than the horizon). The observed 84
months fall at the percentile :math:`100 \\cdot P(T < 84) + 50 \\cdot P(T = 84)` (mid-rank
for ties); a percentile near 50 means the model's median matches history, near 0 or 100 that
history was in the model's tail.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from offramp.analysis.summary import quantiles
from offramp.scenario.schema import Scenario

OBSERVED_MONTHS = {"minsk-2015": 84}


def observed_percentile(durations: np.ndarray, observed: float) -> float:
    """Mid-rank percentile of ``observed`` among ``durations`` (``inf`` for censored runs)."""
    d = np.asarray(durations, dtype=float)
    return float(100.0 * np.mean(d < observed) + 50.0 * np.mean(d == observed))


def backtest(
    scenario: Scenario,
    policy: str | None = None,
    observed_months: int | None = None,
    runs: int | None = None,
    seed: int | None = None,
    horizon: int | None = None,
) -> dict[str, Any]:
    """Distribution of months until war resumed, and the observed duration's percentile.

    Parameters
    ----------
    scenario : Scenario
        A scenario whose policy (the first deal policy by default) is the historical deal.
    observed_months : int, optional
        Months the real ceasefire lasted (``OBSERVED_MONTHS`` by scenario name by default).
    horizon : int, optional
        At least 120 months is advised: censored runs count as lasting beyond it.
    """
    from offramp.engine.simulate import simulate

    if policy is None:
        deals = [p.name for p in scenario.policies if p.offers_deal]
        if not deals:
            raise ValueError(f"scenario {scenario.meta.name} has no deal policy to backtest")
        policy = deals[0]
    if observed_months is None:
        if scenario.meta.name not in OBSERVED_MONTHS:
            raise ValueError(
                f"no observed duration known for {scenario.meta.name}; pass observed_months"
            )
        observed_months = OBSERVED_MONTHS[scenario.meta.name]
    horizon = scenario.horizon_months if horizon is None else int(horizon)
    result = simulate(scenario, policy, runs=runs, seed=seed, horizon=horizon)
    outcomes = result.outcomes
    ceasefire = outcomes[outcomes["ceasefire_month"].notna()]
    resumed = ceasefire["war_resumed"].to_numpy(dtype=bool)
    # Months from the ceasefire to renewed war; censored runs lasted beyond the horizon.
    duration = np.where(
        resumed,
        ceasefire["war_resumed_month"].to_numpy() - ceasefire["ceasefire_month"].to_numpy(),
        np.inf,
    )
    n = len(duration)
    percentile = observed_percentile(duration, observed_months) if n else None
    finite = duration[np.isfinite(duration)]
    survival = {
        f"{m}": (None if n == 0 else float(np.mean(duration > m)))
        for m in (12, 24, 60, 84, 120)
        if m <= horizon
    }
    return {
        "scenario": scenario.meta.name,
        "policy": policy,
        "runs": int(len(outcomes)),
        "runs_with_ceasefire": int(n),
        "horizon_months": horizon,
        "observed_months": int(observed_months),
        "observed_percentile": None if percentile is None else round(percentile, 1),
        "p_resumed_by_horizon": None if n == 0 else float(np.mean(resumed)),
        "months_until_war_resumed": {
            **quantiles(finite, ("median", "p05", "p25", "p75", "p95")),
            "note": "among runs in which war resumed before the horizon",
        },
        "median_months_with_censoring": None
        if n == 0
        else (float(np.median(duration)) if np.isfinite(np.median(duration)) else f">{horizon}"),
        "survival": survival,
        "seed": result.seed,
    }
