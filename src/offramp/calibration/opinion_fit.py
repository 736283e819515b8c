r"""Fit the opinion mechanism to the KIIS 'no concessions' series.

**Simulator.** The model's share for a month is the weighted share of agents with demand
:math:`\ge 1` (:func:`offramp.mechanisms.opinion.refusing_share`), averaged over an
ensemble of runs. :func:`simulate_opinion` composes the opinion mechanism's functions in the
engine's order (stalemate count, weariness, rally, bounded-confidence step) with the
engine's own random draws, so for the same territory path it gives the engine's
``no_concessions`` trajectory under fight-on exactly. The calibration drives it with the
*observed* front line (liveuamap, monthly) where there is one, as a climate model is driven
by observed forcings, and with the calibrated battlefield's simulated increments after it.

**Likelihood.** Wave :math:`k` (month :math:`t_k`, region :math:`g_k`) reports a share
:math:`y_k` of :math:`n_k` respondents; with :math:`p_k(\theta)` the simulated share,

.. math::

    -\log L(\theta) = -\sum_k n_k \big[y_k \log p_k + (1 - y_k) \log (1 - p_k)\big] + C.

**Search.** Global: SciPy's differential evolution (Storn & Price 1997) over the schema's
box of the free parameters in log-uniform unit coordinates
(:mod:`offramp.calibration.search`), its first population a fixed scrambled Sobol design,
each generation simulated as one batch of runs over common random numbers (the same draws
at every parameter set, so the objective is smooth up to the agents' granularity). The fit
takes no starting values and overrides the scenario's values of the free parameters at
every evaluation, so nothing fitted before, on any data, can steer it.

**Uncertainty.** The surface is not quadratic (it is long and curved along weariness x
stalemate lag), so no Laplace approximation: an importance sample of the quasi-likelihood
:math:`\exp(-(\ell(\theta) - \ell_{\min}) / \hat\phi)`, with :math:`\hat\phi =
\max(1, X^2 / (N - k))` the Pearson dispersion (quasi-likelihood; McCullagh & Nelder 1989,
ch. 9: polls differ by more than sampling error, from house effects, wording and the model's
own misfit), over a Sobol design in a box around the optimum that is widened until the
weight has fallen off inside it (a flat prior on the log scale there). Intervals are its
weighted quantiles, profiles its envelope per parameter, draws are resampled from it
(sampling-importance-resampling; Rubin 1988). A parametric bootstrap would need a global
refit per replicate (hundreds of seconds each); this costs one batch of simulations.

References
----------
McCullagh, P., & Nelder, J. A. (1989). *Generalized Linear Models* (2nd ed.). Chapman &
Hall.
Rubin, D. B. (1988). Using the SIR algorithm to simulate posterior distributions. In
*Bayesian Statistics 3*, 395-402. Oxford University Press.
Storn, R., & Price, K. (1997). Differential evolution - a simple and efficient heuristic for
global optimization over continuous spaces. *Journal of Global Optimization* 11, 341-359.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from offramp.calibration.search import DESIGN_SEED, ParameterBox, parameter_box, sobol_design
from offramp.engine.draws import UNIFORM_RALLY, Draws
from offramp.engine.parameters import compile_parameters
from offramp.mechanisms import opinion

if TYPE_CHECKING:
    import pandas as pd

    from offramp.scenario.schema import Scenario

#: Parameters fitted to the series, and why these: ``weariness`` sets how far the share
#: falls, ``stalemate_lag`` when, ``success_rally`` the rise after the autumn-2022
#: counteroffensives. ``influence`` was fitted too and left out: fits with 0.013 and 0.057
#: were equally good (RMSE 2.75 vs 2.79 pp), so the data do not pin it; nor do
#: ``weariness_heterogeneity`` and ``confidence`` (their log-scale Laplace intervals span
#: more than a factor of ten when freed). The rally parameters enter the ensemble mean only
#: as ``rally_probability x rally_size``, which ``weariness`` absorbs. These keep their
#: scenario values (docs/calibration.md).
FREE_PARAMETERS = ("opinion.weariness", "opinion.stalemate_lag", "opinion.success_rally")
#: Runs per likelihood evaluation (common random numbers): 16 runs x 400 agents; the
#: negative log-likelihood at the shipped values is 11,784.3 at 16 runs, 11,786.0 at 32 and
#: 11,786.1 at 64 (differences far below the dispersion-scaled 90% threshold of about 4.6).
RUNS = 16
#: Differential evolution: a first population of this many Sobol points, at most this many
#: generations, parameter sets simulated this many at a time.
POPULATION = 32
GENERATIONS = 12
BATCH = 64
#: Slices: points along each parameter's whole range; the surface sample's box reaches
#: SAMPLE_REACH times as far as the slice deviance stays below SLICE_DEVIANCE.
SLICE_POINTS = 16
SLICE_DEVIANCE = 12.0
SAMPLE_REACH = 3.0
WIDENINGS = 2
#: Points of the surface sample (a power of two).
SURFACE_POINTS = 512


def simulate_opinion(
    scenario: Scenario,
    territory: NDArray[np.float64],
    overrides: Mapping[str, NDArray[np.float64] | float] | None = None,
    seed: int | None = None,
    draws: Draws | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Refusing share per run and month, national and by region, at war throughout.

    Parameters
    ----------
    scenario : Scenario
    territory : ndarray, shape (runs, months + 1)
        The defender's share each month (column 0 is month 0).
    overrides : mapping, optional
        Per-run parameter values by dotted path (as ``simulate``'s).
    seed : int, optional
        Master seed (the scenario's by default); run ``i`` draws what the engine's run
        ``i`` draws.
    draws : Draws, optional
        Pre-drawn random numbers for these runs (to reuse across calls).

    Returns
    -------
    dict
        ``"national"`` and each region's name -> array (runs, months + 1).
    """
    runs, columns = territory.shape
    horizon = columns - 1
    run_index = np.arange(runs)
    params = compile_parameters(scenario, scenario.policies[0], run_index, overrides)
    if draws is None:
        seed = scenario.seed if seed is None else seed
        draws = Draws(seed, run_index, params.n_agents, horizon)
    weight = params.weight
    sensitivity = opinion.weariness_sensitivity(
        params["opinion.weariness_heterogeneity"][:, None], draws.sensitivity
    )
    demand = np.broadcast_to(params.demand, (runs, params.n_agents)).copy()
    order = np.broadcast_to(np.argsort(params.demand, kind="stable"), demand.shape).copy()
    best = territory[:, 0].copy()
    stalemate = np.zeros(runs)
    masks = {name: (params.region == g) for g, name in enumerate(params.region_names)}
    out = {"national": np.empty((runs, columns))}
    out.update({name: np.empty((runs, columns)) for name in masks})

    def record(t: int) -> None:
        out["national"][:, t] = opinion.refusing_share(demand, weight)
        for name, mask in masks.items():
            out[name][:, t] = opinion.refusing_share(
                demand[:, mask], weight[mask] / weight[mask].sum()
            )

    record(0)
    for t in range(horizon):
        stalemate, best, gain = opinion.update_stalemate(stalemate, best, territory[:, t + 1])
        weariness = opinion.stalemate_weariness(
            params["opinion.weariness"], stalemate, params["opinion.stalemate_lag"]
        )
        rally = draws.uniform[t][:, UNIFORM_RALLY] < params["opinion.rally_probability"]
        demand, order, _ = opinion.opinion_month(
            demand,
            order,
            weight,
            sensitivity,
            weariness,
            params["opinion.rally_size"] * rally + params["opinion.success_rally"] * gain,
            params["opinion.confidence"],
            params["opinion.influence"],
        )
        record(t + 1)
    return out


def _tiled(draws: Draws, copies: int) -> Draws:
    """The same runs' draws repeated ``copies`` times (common random numbers per block)."""
    tiled = object.__new__(Draws)
    for name in ("sensitivity", "hardship", "threshold"):
        setattr(tiled, name, np.tile(getattr(draws, name), (copies, 1)))
    for name in ("normal", "uniform"):
        setattr(tiled, name, np.ascontiguousarray(np.tile(getattr(draws, name), (1, copies, 1))))
    return tiled


class _Objective:
    """Negative binomial log-likelihood of parameter values, over fixed draws."""

    def __init__(
        self,
        scenario: Scenario,
        territory_path: NDArray[np.float64],
        waves: pd.DataFrame,
        names: Sequence[str],
        runs: int,
        seed: int,
    ):
        self.scenario = scenario
        self.names = tuple(names)
        self.runs = runs
        self.waves = waves.reset_index(drop=True)
        # Simulate only as far as the last wave.
        path = np.asarray(territory_path, dtype=float)[: int(self.waves["month"].max()) + 1]
        self.path = path
        params = compile_parameters(scenario, scenario.policies[0], np.arange(runs))
        self.draws = Draws(seed, np.arange(runs), params.n_agents, len(path) - 1)
        self.y = self.waves["observed"].to_numpy()
        self.n = self.waves["n"].to_numpy()
        self.evaluations = 0

    def shares_many(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Simulated share of every wave (columns) for each parameter set (rows of ``values``)."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        sets = len(values)
        self.evaluations += sets
        overrides = {name: np.repeat(values[:, i], self.runs) for i, name in enumerate(self.names)}
        territory = np.broadcast_to(self.path, (sets * self.runs, len(self.path))).copy()
        draws = self.draws if sets == 1 else _tiled(self.draws, sets)
        paths = simulate_opinion(self.scenario, territory, overrides, draws=draws)
        months = self.waves["month"].to_numpy()
        out = np.empty((sets, len(self.waves)))
        for region in self.waves["region"].unique():
            rows = (self.waves["region"] == region).to_numpy()
            means = paths[region].reshape(sets, self.runs, -1).mean(axis=1)
            out[:, rows] = means[:, months[rows]]
        return out

    def shares(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.shares_many(values)[0]

    def neg_log_likelihood(self, shares: NDArray[np.float64]) -> NDArray[np.float64]:
        p = np.clip(shares, 1e-6, 1 - 1e-6)
        return -np.sum(self.n * (self.y * np.log(p) + (1 - self.y) * np.log1p(-p)), axis=-1)

    def __call__(self, values: NDArray[np.float64]) -> float:
        return float(self.neg_log_likelihood(self.shares(values)))

    def many(self, values: NDArray[np.float64], batch: int = 32) -> NDArray[np.float64]:
        """Negative log-likelihood of each row of ``values``, simulated ``batch`` rows at once."""
        values = np.atleast_2d(values)
        return np.concatenate(
            [
                self.neg_log_likelihood(self.shares_many(values[i : i + batch]))
                for i in range(0, len(values), batch)
            ]
        )


#: 90% quantile of chi-squared with one degree of freedom: a profile deviance below it is
#: inside the 90% profile-likelihood interval.
CHI2_90 = 2.705543454095404
#: A parameter whose quasi-posterior puts more than this weight in the outer tenth of the
#: sampled box is reported as not identified (its surface is still flat at the box's edge).
EDGE_MASS = 0.05


@dataclass
class OpinionFit:
    """A fitted opinion mechanism: the optimum, the quasi-likelihood surface, the waves.

    ``cloud`` and ``weights`` are the importance sample of the surface (unit coordinates of
    the search box, with normalised weights ``exp(-(nll - nll_min) / dispersion)``);
    ``profiles`` and ``slices`` report the surface per parameter (see :func:`fit_opinion`).
    """

    names: tuple[str, ...]
    box: ParameterBox
    best_unit: NDArray[np.float64]
    neg_log_likelihood: float
    dispersion: float
    waves: pd.DataFrame
    simulated: NDArray[np.float64]
    evaluations: int
    cloud: NDArray[np.float64]
    cloud_nll: NDArray[np.float64]
    sample_box: tuple[NDArray[np.float64], NDArray[np.float64]]
    slices: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    search: dict = field(default_factory=dict)

    @property
    def estimate(self) -> dict[str, float]:
        return self.box.as_dict(self.box.values(self.best_unit))

    @property
    def weights(self) -> NDArray[np.float64]:
        w = np.exp(-(self.cloud_nll - self.cloud_nll.min()) / self.dispersion)
        return w / w.sum()

    @property
    def effective_sample_size(self) -> float:
        w = self.weights
        return float(1.0 / np.sum(w**2))

    def profiles(self, bins: int = 12) -> dict[str, dict[str, list[float]]]:
        """Profile deviance per parameter: the lowest ``2 (nll - nll_min) / dispersion`` of
        the sampled points in each of ``bins`` bins of that parameter (an envelope of the
        surface sample, so a profile over the other parameters up to the sample's spacing)."""
        out = {}
        low, high = self.sample_box
        for i, name in enumerate(self.names):
            edges = np.linspace(low[i], high[i], bins + 1)
            which = np.clip(np.searchsorted(edges, self.cloud[:, i], side="right") - 1, 0, bins - 1)
            deviance = 2 * (self.cloud_nll - self.neg_log_likelihood) / self.dispersion
            centres, values = [], []
            for b in range(bins):
                inside = which == b
                if inside.any():
                    u = np.full(len(self.names), np.nan)
                    u[i] = 0.5 * (edges[b] + edges[b + 1])
                    centres.append(float(self.box.values(np.nan_to_num(u))[i]))
                    values.append(float(max(deviance[inside].min(), 0.0)))
            out[name] = {"value": centres, "deviance": values}
        return out

    def interval(self) -> dict[str, dict[str, float | bool]]:
        """Estimate, 5% and 95% quantiles of the quasi-posterior sample, and whether the data
        identify the parameter (the sample's weight has fallen off inside the sampled box;
        where the box meets the schema's own bound, that side counts as closed)."""
        values = self.box.values(self.cloud)
        w = self.weights
        out = {}
        for i, name in enumerate(self.names):
            order = np.argsort(values[:, i])
            cdf = np.cumsum(w[order])
            p05, p95 = np.interp([0.05, 0.95], cdf - 0.5 * w[order], values[order, i])
            estimate = self.estimate[name]
            # Identified: the quasi-posterior has fallen off inside the sampled box (less
            # than EDGE_MASS of its weight in the outer tenth of the box on either side).
            low, high = self.sample_box[0][i], self.sample_box[1][i]
            tenth = 0.1 * (high - low)
            edge_low = float(w[self.cloud[:, i] < low + tenth].sum()) if low > 0 else 0.0
            edge_high = float(w[self.cloud[:, i] > high - tenth].sum()) if high < 1 else 0.0
            identified = bool(max(edge_low, edge_high) < EDGE_MASS)
            out[name] = {
                "estimate": estimate,
                "p05": float(min(p05, estimate)),
                "p95": float(max(p95, estimate)),
                "identified": identified,
                "edge_mass": round(max(edge_low, edge_high), 4),
            }
        return out

    def draw(self, count: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
        """Parameter sets resampled from the quasi-posterior sample (sampling-importance-
        resampling, Rubin 1988)."""
        index = rng.choice(len(self.cloud), size=count, p=self.weights)
        values = self.box.values(self.cloud[index])
        return {name: values[:, i] for i, name in enumerate(self.names)}


def _reach(
    grid: NDArray[np.float64], deviance: NDArray[np.float64], at: float, side: float
) -> float:
    """How far from ``at`` (deviance 0) towards ``side`` the slice stays below
    :data:`SLICE_DEVIANCE`, interpolating linearly between grid points (on a convex slice
    this overstates the reach: the sample box errs wide)."""
    order = np.argsort(side * (grid - at))
    previous_u, previous_d = at, 0.0
    for j in order:
        if side * (grid[j] - at) <= 0:
            continue
        if deviance[j] >= SLICE_DEVIANCE:
            fraction = (SLICE_DEVIANCE - previous_d) / max(deviance[j] - previous_d, 1e-12)
            return float(abs(previous_u - at) + fraction * abs(grid[j] - previous_u))
        previous_u, previous_d = grid[j], deviance[j]
    return float(abs(previous_u - at)) or float(grid[1] - grid[0])


def fit_opinion(
    scenario: Scenario,
    territory_path: NDArray[np.float64],
    waves: pd.DataFrame,
    names: Sequence[str] = FREE_PARAMETERS,
    runs: int = RUNS,
    seed: int | None = None,
    generations: int = GENERATIONS,
    surface_points: int = SURFACE_POINTS,
) -> OpinionFit:
    """Global maximum-likelihood fit of ``names`` to ``waves``, and its quasi-likelihood surface.

    1. **Search.** SciPy's ``differential_evolution`` (Storn & Price 1997) over the schema
       box of ``names`` (:func:`offramp.calibration.search.parameter_box`, log-uniform unit
       coordinates), its first population a fixed scrambled Sobol design of
       :data:`POPULATION` points: neutral by construction, since the fit never reads the
       scenario's values of the fitted parameters (it overrides them at every evaluation).
       Each generation is simulated as one batch of runs.
    2. **Slices.** The deviance along each parameter's whole schema range through the
       optimum (the others held), 16 points each: where the surface is flat over decades.
    3. **Surface sample.** A Sobol design of ``surface_points`` points in a box around the
       optimum (each side where the slice deviance stays below :data:`SLICE_DEVIANCE`,
       then tripled, since profiles are wider than slices), weighted by the
       quasi-likelihood ``exp(-(nll - nll_min) / dispersion)`` (a flat prior on the log
       scale within the box): intervals are its weighted quantiles, draws are resampled
       from it, and profiles are its envelope per parameter.

    Parameters
    ----------
    scenario : Scenario
        Supplies the population and every parameter not fitted.
    territory_path : ndarray, shape (months + 1,)
        The front line the opinion is driven by (observed, then forecast).
    waves : pandas.DataFrame
        From :func:`offramp.calibration.observations.poll_waves` (rows at month 0 are the
        initial condition and should be left out).
    names : sequence of str
        Dotted paths of the free parameters.
    runs : int
        Ensemble size per evaluation (common random numbers).
    generations : int
        Differential-evolution generations at most.
    surface_points : int
        Size of the surface sample (a power of two), or 0 for the optimum alone (no
        slices, no sample: the fit's intervals are then empty).
    """
    from scipy.optimize import differential_evolution

    seed = scenario.seed if seed is None else int(seed)
    names = tuple(names)
    box = parameter_box(scenario, names)
    objective = _Objective(scenario, territory_path, waves, names, runs, seed)
    points: list[NDArray[np.float64]] = []
    values: list[NDArray[np.float64]] = []

    def batch(unit: NDArray[np.float64]) -> NDArray[np.float64]:
        unit = np.clip(np.atleast_2d(unit), 0.0, 1.0)
        nll = objective.many(box.values(unit), batch=BATCH)
        points.append(unit)
        values.append(nll)
        return nll

    k = len(names)
    result = differential_evolution(
        lambda u: batch(u.T),
        [(0.0, 1.0)] * k,
        init=sobol_design(k, POPULATION),
        maxiter=generations,
        tol=1e-3,
        seed=DESIGN_SEED,
        polish=False,
        vectorized=True,
        updating="deferred",
    )
    generations_run = int(result.nit)

    def current_best() -> tuple[NDArray[np.float64], float]:
        cloud, nll = np.vstack(points), np.concatenate(values)
        i = int(np.argmin(nll))
        return cloud[i], float(nll[i])

    best, best_nll = current_best()
    simulated = objective.shares(box.values(best))
    y, n = objective.y, objective.n
    pearson = float(np.sum(n * (y - simulated) ** 2 / (simulated * (1 - simulated))))
    dispersion = max(1.0, pearson / max(len(y) - k, 1))

    if surface_points == 0:  # the optimum only (a hold-out refit, a test)
        cloud = np.vstack(points)
        return OpinionFit(
            names=names,
            box=box,
            best_unit=best,
            neg_log_likelihood=best_nll,
            dispersion=dispersion,
            waves=objective.waves,
            simulated=simulated,
            evaluations=objective.evaluations,
            cloud=best[None, :],
            cloud_nll=np.array([best_nll]),
            sample_box=(best.copy(), best.copy()),
            search={"generations": generations_run, "converged": bool(result.success)},
        )

    # 2. slices over the whole range
    grid = np.linspace(0.0, 1.0, SLICE_POINTS)
    slice_rows = np.repeat(best[None, :], k * SLICE_POINTS, axis=0)
    for i in range(k):
        slice_rows[i * SLICE_POINTS : (i + 1) * SLICE_POINTS, i] = grid
    slice_nll = batch(slice_rows)
    slices, low, high = {}, np.empty(k), np.empty(k)
    for i, name in enumerate(names):
        deviance = 2 * (slice_nll[i * SLICE_POINTS : (i + 1) * SLICE_POINTS] - best_nll)
        deviance = np.maximum(deviance / dispersion, 0.0)
        slices[name] = {
            "value": [float(v) for v in box.values(np.outer(grid, np.ones(k)))[:, i]],
            "deviance": [float(d) for d in deviance],
        }
        reach = [_reach(grid, deviance, best[i], side) for side in (-1.0, 1.0)]
        low[i] = max(0.0, best[i] - SAMPLE_REACH * reach[0])
        high[i] = min(1.0, best[i] + SAMPLE_REACH * reach[1])

    # 3. the surface sample; a side where the weight has not fallen off is widened (up to
    # WIDENINGS times) and the whole sample redrawn, so the proposal stays uniform
    for widening in range(WIDENINGS + 1):
        unit = low + (high - low) * sobol_design(k, surface_points, seed=DESIGN_SEED + 1)
        cloud_nll = batch(unit)
        weight = np.exp(-(cloud_nll - min(cloud_nll.min(), best_nll)) / dispersion)
        weight /= weight.sum()
        widened = False
        for i in range(k):
            tenth = 0.1 * (high[i] - low[i])
            if low[i] > 0 and weight[unit[:, i] < low[i] + tenth].sum() >= EDGE_MASS:
                low[i], widened = max(0.0, low[i] - (best[i] - low[i])), True
            if high[i] < 1 and weight[unit[:, i] > high[i] - tenth].sum() >= EDGE_MASS:
                high[i], widened = min(1.0, high[i] + (high[i] - best[i])), True
        if not widened or widening == WIDENINGS:
            break
    cloud = unit
    best, best_nll = current_best()
    simulated = objective.shares(box.values(best))
    return OpinionFit(
        names=names,
        box=box,
        best_unit=best,
        neg_log_likelihood=best_nll,
        dispersion=dispersion,
        waves=objective.waves,
        simulated=simulated,
        evaluations=objective.evaluations,
        cloud=cloud,
        cloud_nll=cloud_nll,
        sample_box=(low.copy(), high.copy()),
        slices=slices,
        search={"generations": generations_run, "converged": bool(result.success)},
    )


#: Opinion parameters that keep their scenario values; :func:`fixed_slices` shows why.
FIXED_PARAMETERS = (
    "opinion.influence",
    "opinion.weariness_heterogeneity",
    "opinion.confidence",
)


def fixed_slices(
    scenario: Scenario,
    territory_path: NDArray[np.float64],
    waves: pd.DataFrame,
    fit: OpinionFit,
    names: Sequence[str] = FIXED_PARAMETERS,
    runs: int = RUNS,
    seed: int | None = None,
) -> dict[str, dict[str, list[float]]]:
    """Deviance along each of ``names``' schema range with the fitted parameters at the
    optimum: a slice bounds the profile from above, so a flat slice means a flat profile
    (the series cannot identify the parameter) and a steep one says the value matters."""
    seed = scenario.seed if seed is None else int(seed)
    extra = tuple(names)
    objective = _Objective(scenario, territory_path, waves, fit.names + extra, runs, seed)
    box = parameter_box(scenario, extra)
    grid = np.linspace(0.0, 1.0, SLICE_POINTS)
    best = np.array(list(fit.estimate.values()))
    values = numeric_scenario_values(scenario, extra)
    rows, out = [], {}
    for i in range(len(extra)):
        x = np.tile(np.r_[best, values], (SLICE_POINTS, 1))
        x[:, len(best) + i] = box.values(np.outer(grid, np.ones(len(extra))))[:, i]
        rows.append(x)
    nll = objective.many(np.vstack(rows), batch=BATCH)
    at_scenario = objective(np.r_[best, values])
    for i, name in enumerate(extra):
        deviance = 2 * (nll[i * SLICE_POINTS : (i + 1) * SLICE_POINTS] - at_scenario)
        out[name] = {
            "value": [float(v) for v in rows[i][:, len(best) + i]],
            "deviance": [float(d) for d in deviance / fit.dispersion],
            "scenario_value": float(values[i]),
        }
    return out


def numeric_scenario_values(scenario: Scenario, names: Sequence[str]) -> NDArray[np.float64]:
    """The scenario's values of ``names`` (parameters the fit does not free)."""
    from offramp.engine.parameters import numeric_parameters

    values = numeric_parameters(scenario, scenario.policies[0])
    return np.array([values[name] for name in names])
