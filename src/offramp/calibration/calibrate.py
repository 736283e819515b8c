"""``offramp calibrate``: fit opinion and battlefield to the shipped series, forecast a year.

The steps (each documented in ``docs/calibration.md``):

1. the front line (liveuamap, monthly, from the scenario's start): least-squares drift and
   noise (:mod:`offramp.calibration.territory_fit`), and a forecast conditioned on the last
   observed month;
2. opinion (KIIS, national and regional waves after month 0 up to ``fit_end``): binomial
   maximum likelihood of the opinion parameters driven by the observed front line
   (:mod:`offramp.calibration.opinion_fit`): a global search (differential evolution from a
   Sobol design over the schema's ranges), then an importance sample of the
   quasi-likelihood surface for the intervals, profiles and draws;
3. the last ``holdout`` national waves fitted without (the same search from the same
   neutral design: the fit takes no starting values), and predicted;
4. a monthly forecast of the national share over ``forecast_months`` months after
   ``fit_end``, drawing parameters from both fits' uncertainty and the runs' own shocks;
   waves published after ``fit_end`` are set beside it as an out-of-sample check.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from offramp.analysis.summary import quantiles
from offramp.calibration.observations import (
    calendar_month,
    ladder_spread,
    ndi_ladder_item,
    poll_waves,
    territory_series,
)
from offramp.calibration.opinion_fit import (
    FREE_PARAMETERS,
    RUNS,
    _Objective,
    fit_opinion,
    fixed_slices,
    simulate_opinion,
)
from offramp.calibration.territory_fit import (
    fit_territory,
    forecast_territory,
)
from offramp.rng import STREAM_SAMPLING, run_generator
from offramp.scenario.schema import Scenario

FIT_END = "2025-06"
FORECAST_MONTHS = 12


def _pct(value: float) -> float:
    return round(100.0 * float(value), 2)


def _months_between(start: str, end: str) -> int:
    y0, m0 = (int(p) for p in start.split("-"))
    y1, m1 = (int(p) for p in end.split("-"))
    return (y1 - y0) * 12 + m1 - m0


def calibrate(
    scenario: Scenario,
    holdout: int = 3,
    runs: int = RUNS,
    forecast_runs: int = 200,
    seed: int | None = None,
    fit_end: str = FIT_END,
    forecast_months: int = FORECAST_MONTHS,
    draws: int = 0,
) -> dict[str, Any]:
    """Fit, hold out, forecast; the JSON document of ``offramp calibrate --json``.

    Parameters
    ----------
    scenario : Scenario
        Month 0 is its ``meta.start``; it supplies every parameter not fitted (the fitted
        ones' values in it are never read).
    holdout : int
        National waves at the end of the fit window to predict from a fit without them
        (0: none).
    runs : int
        Ensemble size per likelihood evaluation.
    forecast_runs : int
        Runs (each with its own parameter draw) of the forecasts.
    draws : int
        Parameter sets drawn from both fits' uncertainty for ``offramp run`` (the
        ``"draws"`` key; 0: none). See :mod:`offramp.calibration.draws`.
    """
    started = time.perf_counter()
    cpu_started = time.process_time()
    seed = scenario.seed if seed is None else int(seed)
    rng = run_generator(seed, 0, STREAM_SAMPLING)
    start = scenario.meta.start
    last_month = _months_between(start, fit_end) + forecast_months

    waves = poll_waves(scenario, start, fit_end)
    waves = waves[waves["month"] >= 1].reset_index(drop=True)
    _check_holdout(waves, holdout)

    # 1. the front line
    front = territory_series(scenario)
    observed_line = front["held_share"].to_numpy()
    territory = fit_territory(scenario, observed_line, seed=seed)
    battle_draws = territory.draw(forecast_runs, rng)
    paths = forecast_territory(scenario, observed_line, last_month, battle_draws, seed=seed)
    central_path = np.median(paths, axis=0)
    fitted_line = _fitted_line(scenario, territory.estimate(), len(observed_line) - 1, seed)
    line_rmse = float(np.sqrt(np.mean((fitted_line[1:] - observed_line[1:]) ** 2)))
    one_step = float(
        np.sqrt(np.mean((np.diff(observed_line) - territory.predicted_changes()) ** 2))
    )

    # 2. opinion
    fit = fit_opinion(scenario, central_path, waves, runs=runs, seed=seed)
    national = (fit.waves["region"] == "national").to_numpy()
    errors = fit.simulated - fit.waves["observed"].to_numpy()
    rmse = float(np.sqrt(np.mean(errors[national] ** 2)))
    rmse_regions = float(np.sqrt(np.mean(errors[~national] ** 2))) if (~national).any() else None

    # 3. held-out waves
    held = _holdout(scenario, central_path, waves, fit, holdout, runs, seed)

    # 4. forecast
    opinion_draws = fit.draw(forecast_runs, rng)
    shares = simulate_opinion(scenario, paths, opinion_draws, seed=seed)["national"]
    first_forecast = _months_between(start, fit_end) + 1
    forecast = [
        {"date": calendar_month(m, start), **_band(shares[:, m])}
        for m in range(first_forecast, last_month + 1)
    ]
    later = poll_waves(
        scenario, calendar_month(first_forecast, start), calendar_month(last_month, start)
    )
    later = later[later["region"] == "national"]
    validation = [
        {
            "date": row.date,
            "observed": _pct(row.observed),
            **_band(shares[:, row.month]),
            "inside_band": bool(
                (band := quantiles(shares[:, row.month], ("p05", "p95")))["p05"]
                <= row.observed
                <= band["p95"]
            ),
        }
        for row in later.itertuples()
    ]

    q_july = next(
        (w for w in poll_waves(scenario, start, start).itertuples() if w.region == "national"),
        None,
    )
    accept, held_share = ndi_ladder_item("currently_controlled")
    fixed = {
        name: getattr(scenario.opinion, name.split(".")[1])
        for name in (
            "opinion.weariness_heterogeneity",
            "opinion.confidence",
            "opinion.rally_probability",
            "opinion.rally_size",
        )
    }
    document: dict[str, Any] = {
        "scenario": scenario.meta.name,
        "fit": [
            {
                "date": row.date,
                "observed": _pct(row.observed),
                "simulated": _pct(sim),
                "n": int(row.n),
                "n_assumed": bool(row.n_assumed),
            }
            for row, sim in zip(fit.waves.itertuples(), fit.simulated, strict=True)
            if row.region == "national"
        ],
        "fit_regions": [
            {
                "date": row.date,
                "region": row.region,
                "observed": _pct(row.observed),
                "simulated": _pct(sim),
                "n": int(row.n),
                "n_assumed": bool(row.n_assumed),
            }
            for row, sim in zip(fit.waves.itertuples(), fit.simulated, strict=True)
            if row.region != "national"
        ],
        "rmse_pp": round(100 * rmse, 2),
        "rmse_regions_pp": None if rmse_regions is None else round(100 * rmse_regions, 2),
        "parameters": fit.interval(),
        "surface": {
            **surface_report(fit),
            "fixed_slices": fixed_slices(scenario, central_path, waves, fit, runs=runs, seed=seed),
        },
        "fixed_parameters": fixed,
        "dispersion": round(fit.dispersion, 3),
        "neg_log_likelihood": round(fit.neg_log_likelihood, 2),
        "holdout": held["waves"],
        "holdout_rmse_pp": held["rmse_pp"],
        "holdout_parameters": held.get("parameters"),
        "forecast": forecast,
        "validation": validation,
        "territory": {
            "fit_rmse_pp": round(100 * line_rmse, 3),
            "one_step_rmse_pp": round(100 * one_step, 3),
            "parameters": territory.interval(rng),
            "observed_through": front["date"].iloc[-1],
            "forecast": [
                {"date": calendar_month(m, start), **_band(paths[:, m])}
                for m in range(first_forecast, last_month + 1)
            ],
        },
        "population": {
            "demand_spread": scenario.population.demand_spread,
            "demand_spread_from_ladder": round(
                ladder_spread(q_july.observed if q_july else 0.84, accept, held_share), 3
            ),
            "ladder_item": {"accepting": accept, "held_share": held_share},
        },
        "settings": {
            "start": start,
            "fit_end": fit_end,
            "holdout": holdout,
            "runs": runs,
            "forecast_runs": forecast_runs,
            "seed": seed,
            "evaluations": fit.evaluations,
            "search": fit.search,
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu_started, 1),
        },
    }
    if draws > 0:
        # Their own stream, so that asking for draws leaves every other number unchanged.
        draw_rng = run_generator(seed, 1, STREAM_SAMPLING)
        document["draws"] = {
            name: [float(v) for v in values]
            for name, values in {
                **fit.draw(draws, draw_rng),
                **territory.draw(draws, draw_rng),
            }.items()
        }
    return document


def _band(values: np.ndarray) -> dict[str, float]:
    q = quantiles(values, ("median", "p05", "p95"))
    return {name: _pct(v) for name, v in q.items()}


def _fitted_line(
    scenario: Scenario, values: dict[str, float], months: int, seed: int
) -> np.ndarray:
    """Mean front line of the engine under fight-on with the fitted battlefield values."""
    from offramp.engine.simulate import simulate

    result = simulate(
        scenario, scenario.fight_on_policy(), runs=64, seed=seed, horizon=months, overrides=values
    )
    return result.trajectory_data["territory"].mean(axis=0)


def _check_holdout(waves, k: int) -> None:
    national_months = waves.loc[waves["region"] == "national", "month"].unique()
    if k > 0 and k >= len(national_months) - len(FREE_PARAMETERS):
        raise ValueError(
            f"--holdout {k} leaves too few waves to fit {len(FREE_PARAMETERS)} parameters "
            f"(there are {len(national_months)} national waves)"
        )


def _holdout(scenario, path, waves, fit, k, runs, seed) -> dict[str, Any]:
    if k <= 0:
        return {"waves": [], "rmse_pp": None}
    national_months = sorted(waves.loc[waves["region"] == "national", "month"].unique())
    cut = national_months[-k]
    training = waves[waves["month"] < cut]
    # The optimum only: a hold-out refit reports its predictions, not a surface.
    refit = fit_opinion(scenario, path, training, runs=runs, seed=seed, surface_points=0)
    test = waves[(waves["month"] >= cut) & (waves["region"] == "national")]
    # Predict with the refit's estimates on the same draws (one more likelihood evaluation).
    predictor = _Objective(scenario, path, test, refit.names, runs, seed)
    predicted = predictor.shares(np.array(list(refit.estimate.values())))
    rows = [
        {
            "date": row.date,
            "observed": _pct(row.observed),
            "predicted": _pct(p),
            "error_pp": round(100 * (p - row.observed), 2),
        }
        for row, p in zip(test.itertuples(), predicted, strict=True)
    ]
    rmse = float(np.sqrt(np.mean([(r["error_pp"]) ** 2 for r in rows])))
    return {"waves": rows, "rmse_pp": round(rmse, 2), "parameters": refit.estimate}


def surface_report(fit) -> dict[str, Any]:
    """The likelihood surface of an opinion fit, for the JSON and the docs' table."""
    low, high = fit.sample_box
    return {
        "method": "quasi-likelihood importance sample (flat prior on the log scale in the "
        "sampled box, likelihood tempered by the Pearson dispersion)",
        "dispersion": round(fit.dispersion, 3),
        "effective_sample_size": round(fit.effective_sample_size, 1),
        "sample_points": len(fit.cloud),
        "sampled_box": {
            name: [float(a), float(b)]
            for name, a, b in zip(fit.names, fit.box.values(low), fit.box.values(high), strict=True)
        },
        "schema_box": {
            name: [float(a), float(b)]
            for name, a, b in zip(fit.names, fit.box.low, fit.box.high, strict=True)
        },
        "profiles": fit.profiles(),
        "slices": fit.slices,
    }
