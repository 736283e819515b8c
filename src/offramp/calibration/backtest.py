"""Historical backtests: how long does the model say an armistice lasts, case by case and
across a panel of ceasefires?

The observed case: the Minsk II ceasefire of February 2015 (an armistice along the line,
without recognition or guarantees, never ratified by the Rada) held, in the sense of no
renewed full-scale offensive, until Russia's invasion of 24 February 2022: 84 months.

The model's distribution of months from the ceasefire to renewed war is read from the
``minsk-2015`` scenario's runs whose ceasefire took effect; runs in which war had not resumed
by the horizon are censored (counted as lasting longer than the horizon). The observed 84
months fall at the percentile :math:`100 \\cdot P(T < 84) + 50 \\cdot P(T = 84)` (mid-rank
for ties); a percentile near 50 means the model's median matches history, near 0 or 100 that
history was in the model's tail.

**The panel** (:func:`panel_backtest`): the ceasefires of ``data/ceasefire_panel.csv``, each
with its backtest scenario. For each case the model's cumulative distribution
:math:`F(t) = P(T \\le t)` of months until war resumed is read from the scenario's deal policy
over a horizon that covers the observation (at most 600 months). The probability integral
transform (PIT) of the observation is

* war resumed after :math:`t` months: the mid-rank PIT :math:`P(T < t) + \\tfrac12 P(T = t)`;
* still holding at :math:`c` months (censored; :math:`c` capped at the horizon, which only
  widens the interval): history says :math:`T > c`, so under the model the PIT is uniform on
  :math:`[F(c), 1]`. We report that interval and a *randomized* PIT, a draw from it with a
  fixed seed (the survival-based randomized PIT for censored data; e.g. Czado, Gneiting &
  Held 2009 for the randomized PIT of discrete forecasts).

If the model is calibrated across cases the PITs are uniform on [0, 1]. The check is a
one-sample Kolmogorov-Smirnov test of the PITs against the uniform; with n = 7 it has little
power: only gross miscalibration (e.g. every PIT in one half) is detectable, which
:func:`ks_power` quantifies by simulation.
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
    censored = False
    if observed_months is None:
        panel = panel_cases()
        known = panel[panel["item"] == scenario.meta.name]
        if scenario.meta.name in OBSERVED_MONTHS:
            observed_months = OBSERVED_MONTHS[scenario.meta.name]
        elif len(known):
            observed_months = int(known["value"].iloc[0])
            censored = known["value_kind"].iloc[0] == "censored"
        else:
            raise ValueError(
                f"no observed duration known for {scenario.meta.name}; pass observed_months"
            )
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
        "censored": censored,
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


# --- the panel ---------------------------------------------------------------------------------

PANEL_MAX_HORIZON = 600


def months_until_resumed(outcomes: Any) -> np.ndarray:
    """Months from the ceasefire to renewed war per run with a ceasefire (``inf``: censored)."""
    ceasefire = outcomes[outcomes["ceasefire_month"].notna()]
    resumed = ceasefire["war_resumed"].to_numpy(dtype=bool)
    return np.where(
        resumed,
        ceasefire["war_resumed_month"].to_numpy() - ceasefire["ceasefire_month"].to_numpy(),
        np.inf,
    )


def pit_interval(durations: np.ndarray, observed: float, censored: bool) -> tuple[float, float]:
    """Range of the PIT of an observation: a point (low = high) unless it is censored."""
    d = np.asarray(durations, dtype=float)
    if censored:
        return float(np.mean(d <= observed)), 1.0
    mid = float(np.mean(d < observed) + 0.5 * np.mean(d == observed))
    return mid, mid


def ks_uniform(pits: np.ndarray) -> dict[str, float]:
    """One-sample Kolmogorov-Smirnov test of the PITs against U(0, 1)."""
    from scipy.stats import kstest

    result = kstest(np.asarray(pits, dtype=float), "uniform")
    return {"statistic": float(result.statistic), "p_value": float(result.pvalue)}


def ks_power(n: int, alternative: str, runs: int = 4000, seed: int = 0) -> float:
    """Share of ``runs`` samples of size ``n`` from ``alternative`` that KS rejects at 5%.

    ``alternative``: ``"beta(2,1)"`` (PITs pile up near 1: the model too pessimistic, its
    wars resume sooner than history's), ``"beta(0.5,0.5)"`` (PITs in both tails: the model
    over-confident) or ``"upper-half"`` (every PIT above 1/2).
    """
    from scipy.stats import kstest

    rng = np.random.default_rng(seed)
    draws = {
        "beta(2,1)": lambda: rng.beta(2.0, 1.0, n),
        "beta(0.5,0.5)": lambda: rng.beta(0.5, 0.5, n),
        "upper-half": lambda: rng.uniform(0.5, 1.0, n),
    }
    if alternative not in draws:
        raise ValueError(f"alternative must be one of {sorted(draws)}, got {alternative!r}")
    return float(
        np.mean([kstest(draws[alternative](), "uniform").pvalue < 0.05 for _ in range(runs)])
    )


def panel_cases() -> Any:
    """The ceasefire panel as shipped (``data/ceasefire_panel.csv``)."""
    from offramp.datasets import load_dataset

    return load_dataset("ceasefire_panel")


def panel_backtest(
    runs: int = 500, seed: int = 20261201, cases: list[str] | None = None
) -> dict[str, Any]:
    """Where history falls in the model's distribution of months until war resumed, per case.

    Parameters
    ----------
    runs : int
        Runs per case (the scenario's own seed; ``seed`` only drives the randomized PITs).
    cases : list of str, optional
        Scenario names to keep (all the panel's by default).
    """
    from offramp.engine.simulate import simulate
    from offramp.scenario.loading import load_scenario

    panel = panel_cases()
    if cases is not None:
        unknown = sorted(set(cases) - set(panel["item"]))
        if unknown:
            raise ValueError(
                f"not in the ceasefire panel: {unknown}; allowed: {list(panel['item'])}"
            )
        panel = panel[panel["item"].isin(cases)]
    rng = np.random.default_rng(seed)
    rows = []
    for case in panel.itertuples(index=False):
        scenario = load_scenario(case.item)
        deal = next(p.name for p in scenario.policies if p.offers_deal)
        censored = case.value_kind == "censored"
        observed = int(case.value)
        horizon = min(max(observed + 1, scenario.horizon_months), PANEL_MAX_HORIZON)
        observed_model = min(observed, horizon) if censored else observed
        result = simulate(scenario, deal, runs=runs, horizon=horizon)
        durations = months_until_resumed(result.outcomes)
        low, high = pit_interval(durations, observed_model, censored)
        pit = float(rng.uniform(low, high)) if censored else low
        finite = durations[np.isfinite(durations)]
        rows.append(
            {
                "case": case.item,
                "event": case.event,
                "ceasefire": case.date.strftime("%Y-%m-%d"),
                "policy": deal,
                "observed_months": observed,
                "censored": censored,
                "horizon_months": horizon,
                "runs_with_ceasefire": int(len(durations)),
                "p_resumed_by_observed": float(np.mean(durations <= observed_model)),
                "p_resumed_60m": float(np.mean(durations <= 60)),
                "median_months": float(np.median(durations))
                if np.isfinite(np.median(durations))
                else None,
                "median_months_if_resumed": float(np.median(finite)) if len(finite) else None,
                "pit": pit,
                "pit_low": low,
                "pit_high": high,
                "percentile": round(100 * pit, 1),
            }
        )
    pits = np.array([r["pit"] for r in rows])
    n = len(pits)
    counts, _ = np.histogram(pits, bins=5, range=(0.0, 1.0))
    return {
        "cases": rows,
        "pit_method": "mid-rank PIT for cases where war resumed; for censored cases a PIT drawn "
        "uniformly from [F(c), 1] (randomized, survival-based), seed fixed",
        "pit_histogram": {"bins": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], "counts": counts.tolist()},
        "uniformity": {
            "test": "one-sample Kolmogorov-Smirnov against U(0,1)",
            "n": n,
            **(ks_uniform(pits) if n else {"statistic": None, "p_value": None}),
            "power_at_5pct": {
                alt: ks_power(n, alt) for alt in ("beta(2,1)", "beta(0.5,0.5)", "upper-half")
            }
            if n
            else {},
        },
        "runs": runs,
        "seed": seed,
    }
