r"""Rolling-origin evaluation: forecasts of the KIIS series and the front line, scored.

The way the VIEWS conflict forecasting system scores its entrants (Hegre et al. 2019;
Vesco et al. 2022): at each **origin** (every six months from July 2023 to January 2025),
fit only on what was known before the origin, forecast every later observation 1-12 months
ahead up to the data cut-off (June 2025), and score the forecasts as distributions.

**What is known before an origin.** The national and regional KIIS waves fielded in months
before the origin, and the monthly front line up to the month before it. Nothing at or
after the origin reaches a fit (:func:`origin_data`; a test perturbs the later data and
checks the fits do not move).

**The model's predictive distribution.** ``draws`` runs, each with its own draw of the
battlefield parameters (their Laplace approximation) and of the opinion parameters (the
quasi-likelihood sample of :func:`offramp.calibration.opinion_fit.fit_opinion`), its own
shocks, and, for a poll, the sampling noise of a wave of that size: the forecast share of
a run is :math:`\mathrm{Binomial}(n, p_r) / n` with :math:`p_r` the run's simulated share
and :math:`n` the wave's sample size (1,000 where KIIS did not publish it).

**Baselines**, each a Gaussian predictive distribution so that CRPS compares like with like:

- *no change*: the last observation before the origin, with variance :math:`\hat\sigma^2
  g`, :math:`g` the months from that observation to the target and :math:`\hat\sigma^2 =
  \overline{(\Delta y)^2 / \Delta t}` over consecutive pre-origin observations (a random
  walk with the series' own empirical spread of changes, poll noise included);
- *linear trend*: least squares on the pre-origin observations of the last 12 months (at
  least three; all of them if fewer), extrapolated, with the classical prediction
  variance :math:`s^2 (1 + 1/m + (x_0 - \bar x)^2 / S_{xx})`.

**Scores** (in percentage points), from ``scoringrules`` 0.10.0 (PyPI): CRPS (of the
ensemble for the model, closed form for a Gaussian; Gneiting & Raftery 2007, eq. 20-21),
the interval score of the central 90% interval (Gneiting & Raftery 2007, eq. 43), and the
share of observations inside the central 50% and 90% intervals. Horizons are grouped into
bins 1-3, 4-6 and 7-12 months and reported by the bin's upper end.

References
----------
Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
estimation. *JASA* 102(477), 359-378.
Hegre, H., et al. (2019). ViEWS: A political violence early-warning system. *Journal of
Peace Research* 56(2), 155-174.
Vesco, P., et al. (2022). United they stand: Findings from an escalation prediction
competition. *International Interactions* 48(4), 860-896.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from offramp.calibration.observations import calendar_month, poll_waves, territory_series
from offramp.calibration.opinion_fit import fit_opinion, simulate_opinion
from offramp.calibration.territory_fit import fit_territory, forecast_territory
from offramp.rng import STREAM_SAMPLING, run_generator

if TYPE_CHECKING:
    import pandas as pd

    from offramp.scenario.schema import Scenario

ORIGINS = ("2023-07", "2024-01", "2024-07", "2025-01")
#: The Ukraine data stop here on purpose; later waves are not scored.
DATA_END = "2025-06"
MAX_HORIZON = 12
#: Horizon bins (first, last month ahead); a row reports the last.
HORIZON_BINS = ((1, 3), (4, 6), (7, 12))
METHODS = ("model", "no-change", "linear-trend")
TARGETS = ("no_concessions", "territory")
#: Settings of each origin's fits (smaller than ``offramp calibrate``'s to bound the time).
RUNS = 16
SURFACE_POINTS = 256
DRAWS = 400
TREND_WINDOW = 12


def _month(date: str, start: str) -> int:
    y0, m0 = (int(p) for p in start.split("-"))
    y1, m1 = (int(p) for p in date.split("-"))
    return (y1 - y0) * 12 + m1 - m0


@dataclass
class OriginData:
    """What was known before an origin: waves, the front line, and the origin's month index."""

    origin: int
    waves: pd.DataFrame
    line: NDArray[np.float64]


def origin_data(origin: int, waves: pd.DataFrame, line: NDArray[np.float64]) -> OriginData:
    """Only the observations before month ``origin``: waves fielded in months 1..origin-1,
    the front line in months 0..origin-1."""
    before = waves[(waves["month"] >= 1) & (waves["month"] < origin)].reset_index(drop=True)
    return OriginData(origin, before, np.asarray(line[:origin], dtype=float).copy())


@dataclass
class OriginForecast:
    """One origin's fits and its forecast samples for the later observations."""

    origin: int
    opinion_estimate: dict[str, float]
    territory_estimate: dict[str, float]
    territory: NDArray[np.float64]  # (draws, months + 1), the share
    no_concessions: NDArray[np.float64]  # (draws, months + 1), the simulated share


def forecast_from_origin(
    scenario: Scenario,
    data: OriginData,
    last_month: int,
    runs: int = RUNS,
    surface_points: int = SURFACE_POINTS,
    generations: int | None = None,
    draws: int = DRAWS,
    seed: int | None = None,
) -> OriginForecast:
    """Fit on ``data`` only and simulate ``draws`` runs to ``last_month``."""
    from offramp.calibration.opinion_fit import GENERATIONS

    seed = scenario.seed if seed is None else int(seed)
    rng = run_generator(seed, data.origin, STREAM_SAMPLING)
    territory_fit = fit_territory(scenario, data.line, seed=seed)
    paths = forecast_territory(
        scenario, data.line, last_month, territory_fit.draw(draws, rng), seed=seed
    )
    opinion = fit_opinion(
        scenario,
        data.line,
        data.waves,
        runs=runs,
        seed=seed,
        generations=GENERATIONS if generations is None else generations,
        surface_points=surface_points,
    )
    shares = simulate_opinion(scenario, paths, opinion.draw(draws, rng), seed=seed)["national"]
    return OriginForecast(data.origin, opinion.estimate, territory_fit.estimate(), paths, shares)


def _gaussian_quantiles(mean: float, sd: float, levels: NDArray[np.float64]) -> NDArray:
    from scipy.stats import norm

    return norm.ppf(levels, mean, max(sd, 1e-9))


def random_walk_variance(months: NDArray[np.float64], values: NDArray[np.float64]) -> float:
    """Mean of (change)^2 / (months between) over consecutive observations."""
    gaps = np.diff(months)
    changes = np.diff(values)
    keep = gaps > 0
    return float(np.mean(changes[keep] ** 2 / gaps[keep])) if keep.any() else 0.0


def linear_trend(
    months: NDArray[np.float64], values: NDArray[np.float64], target: float
) -> tuple[float, float]:
    """Least-squares trend's forecast at ``target`` and its prediction standard deviation."""
    m = len(months)
    x_bar = months.mean()
    sxx = float(np.sum((months - x_bar) ** 2))
    slope = float(np.sum((months - x_bar) * (values - values.mean())) / sxx) if sxx else 0.0
    intercept = float(values.mean() - slope * x_bar)
    residual = values - (intercept + slope * months)
    s2 = float(np.sum(residual**2) / (m - 2)) if m > 2 else float(np.var(values))
    leverage = 1.0 + 1.0 / m + ((target - x_bar) ** 2 / sxx if sxx else 0.0)
    return intercept + slope * target, float(np.sqrt(s2 * leverage))


def _trend_window(months: NDArray[np.float64], origin: int) -> NDArray[np.bool_]:
    recent = months >= origin - TREND_WINDOW
    if recent.sum() < 3:
        recent = np.ones_like(recent)
    return recent


def score_sample(observed: float, sample: NDArray[np.float64]) -> dict[str, float]:
    """CRPS, 90% interval score and 50%/90% coverage of an ensemble forecast."""
    import scoringrules as sr

    q05, q25, q75, q95 = np.quantile(sample, [0.05, 0.25, 0.75, 0.95])
    return {
        "crps": float(sr.crps_ensemble(observed, np.asarray(sample, dtype=float))),
        "interval_score_90": float(sr.interval_score(observed, q05, q95, 0.1)),
        "covered_50": float(q25 <= observed <= q75),
        "covered_90": float(q05 <= observed <= q95),
    }


def score_gaussian(observed: float, mean: float, sd: float) -> dict[str, float]:
    """The same scores of a Gaussian forecast (closed-form CRPS)."""
    import scoringrules as sr

    q05, q25, q75, q95 = _gaussian_quantiles(mean, sd, np.array([0.05, 0.25, 0.75, 0.95]))
    return {
        "crps": float(sr.crps_normal(observed, mean, max(sd, 1e-9))),
        "interval_score_90": float(sr.interval_score(observed, q05, q95, 0.1)),
        "covered_50": float(q25 <= observed <= q75),
        "covered_90": float(q05 <= observed <= q95),
    }


def _baselines(
    months: NDArray[np.float64], values: NDArray[np.float64], origin: int, target: int
) -> dict[str, tuple[float, float]]:
    variance = random_walk_variance(months, values)
    gap = target - months[-1]
    recent = _trend_window(months, origin)
    return {
        "no-change": (float(values[-1]), float(np.sqrt(variance * gap))),
        "linear-trend": linear_trend(months[recent], values[recent], target),
    }


def origin_rows(
    scenario: Scenario,
    forecast: OriginForecast,
    data: OriginData,
    later_waves: pd.DataFrame,
    later_line: dict[int, float],
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """One row per (target observation, method): horizon and the four scores, in pp."""
    rows = []
    national = data.waves[data.waves["region"] == "national"]
    poll_months = national["month"].to_numpy(dtype=float)
    poll_values = 100 * national["observed"].to_numpy()
    for wave in later_waves.itertuples():
        horizon = int(wave.month) - data.origin + 1
        p = np.clip(forecast.no_concessions[:, int(wave.month)], 0.0, 1.0)
        sample = 100 * rng.binomial(int(round(wave.n)), p) / round(wave.n)
        observed = 100 * float(wave.observed)
        scored = {"model": score_sample(observed, sample)}
        for method, (mean, sd) in _baselines(
            poll_months, poll_values, data.origin, int(wave.month)
        ).items():
            scored[method] = score_gaussian(observed, mean, sd)
        rows += [
            {
                "target": "no_concessions",
                "origin": data.origin,
                "month": int(wave.month),
                "horizon_months": horizon,
                "method": m,
                "observed": observed,
                **s,
            }
            for m, s in scored.items()
        ]
    line_months = np.arange(len(data.line), dtype=float)
    line_values = 100 * data.line
    for month, value in later_line.items():
        horizon = month - data.origin + 1
        observed = 100 * value
        scored = {"model": score_sample(observed, 100 * forecast.territory[:, month])}
        for method, (mean, sd) in _baselines(line_months, line_values, data.origin, month).items():
            scored[method] = score_gaussian(observed, mean, sd)
        rows += [
            {
                "target": "territory",
                "origin": data.origin,
                "month": month,
                "horizon_months": horizon,
                "method": m,
                "observed": observed,
                **s,
            }
            for m, s in scored.items()
        ]
    return rows


def summarize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean scores per (target, horizon bin, method)."""
    out = []
    for target in TARGETS:
        for first, last in HORIZON_BINS:
            for method in METHODS:
                chosen = [
                    r
                    for r in rows
                    if r["target"] == target
                    and r["method"] == method
                    and first <= r["horizon_months"] <= last
                ]
                if not chosen:
                    continue
                out.append(
                    {
                        "target": target,
                        "horizon_months": last,
                        "horizons": [first, last],
                        "method": method,
                        "crps": round(float(np.mean([r["crps"] for r in chosen])), 3),
                        "interval_score_90": round(
                            float(np.mean([r["interval_score_90"] for r in chosen])), 3
                        ),
                        "coverage_50": round(float(np.mean([r["covered_50"] for r in chosen])), 3),
                        "coverage_90": round(float(np.mean([r["covered_90"] for r in chosen])), 3),
                        "n": len(chosen),
                    }
                )
    return out


def evaluate(
    scenario: Scenario,
    origins: tuple[str, ...] = ORIGINS,
    data_end: str = DATA_END,
    runs: int = RUNS,
    surface_points: int = SURFACE_POINTS,
    draws: int = DRAWS,
    seed: int | None = None,
    generations: int | None = None,
) -> dict[str, Any]:
    """The rolling-origin table of ``offramp calibrate --evaluate``."""
    started, cpu_started = time.perf_counter(), time.process_time()
    seed = scenario.seed if seed is None else int(seed)
    start = scenario.meta.start
    end = _month(data_end, start)
    waves = poll_waves(scenario, start, data_end)
    line = territory_series(scenario)["held_share"].to_numpy()
    rows, fits = [], []
    for origin_date in origins:
        origin = _month(origin_date, start)
        data = origin_data(origin, waves, line)
        last_month = min(origin + MAX_HORIZON - 1, end)
        later_waves = waves[
            (waves["region"] == "national")
            & (waves["month"] >= origin)
            & (waves["month"] <= last_month)
        ]
        later_line = {m: float(line[m]) for m in range(origin, min(last_month + 1, len(line)))}
        forecast = forecast_from_origin(
            scenario,
            data,
            last_month,
            runs=runs,
            surface_points=surface_points,
            generations=generations,
            draws=draws,
            seed=seed,
        )
        rng = run_generator(seed, origin, STREAM_SAMPLING + 1)
        rows += origin_rows(scenario, forecast, data, later_waves, later_line, rng)
        fits.append(
            {
                "origin": origin_date,
                "last_observation": calendar_month(origin - 1, start),
                "training_waves": int((data.waves["region"] == "national").sum()),
                "opinion": forecast.opinion_estimate,
                "territory": forecast.territory_estimate,
            }
        )
    for row in rows:
        row["origin"] = calendar_month(row["origin"], start)
        row["date"] = calendar_month(row.pop("month"), start)
    return {
        "scenario": scenario.meta.name,
        "scores": summarize(rows),
        "forecasts": rows,
        "fits": fits,
        "settings": {
            "origins": list(origins),
            "data_end": data_end,
            "horizon_bins": [list(b) for b in HORIZON_BINS],
            "runs": runs,
            "surface_points": surface_points,
            "draws": draws,
            "seed": seed,
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu_started, 1),
        },
    }
