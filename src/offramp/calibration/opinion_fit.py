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

The free parameters are fitted on a log scale with Nelder-Mead over common random numbers
(the same draws at every :math:`\theta`, so the objective is smooth up to the agents'
granularity).

**Uncertainty.** A Laplace approximation: the covariance of the log-parameters is
:math:`\hat\phi H^{-1}`, with :math:`H` the finite-difference Hessian of
:math:`-\log L` at the optimum (steps of 0.15 on the log scale, wide enough to smooth the
Monte Carlo steps) and :math:`\hat\phi = \max(1, X^2 / (N - k))` the Pearson dispersion
(quasi-likelihood; McCullagh & Nelder 1989, ch. 9): polls differ by more than sampling
error (house effects, wording, the model's own misfit), and the intervals widen by that
much rather than pretend the binomial is the whole story.

References
----------
McCullagh, P., & Nelder, J. A. (1989). *Generalized Linear Models* (2nd ed.). Chapman &
Hall.
Nelder, J. A., & Mead, R. (1965). A simplex method for function minimization. *The
Computer Journal* 7(4), 308-313.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from offramp.calibration.laplace import hessian, inverse_positive
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
_LOWER = {
    "opinion.weariness": 1e-4,
    "opinion.stalemate_lag": 0.5,
    "opinion.influence": 1e-4,
    "opinion.weariness_heterogeneity": 1e-3,
    "opinion.confidence": 1e-3,
    "opinion.success_rally": 1e-2,
}
_UPPER = {
    "opinion.weariness": 0.5,
    "opinion.stalemate_lag": 120.0,
    "opinion.influence": 1.0,
    "opinion.weariness_heterogeneity": 3.0,
    "opinion.confidence": 5.0,
    "opinion.success_rally": 100.0,
}
HESSIAN_STEP = 0.15


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


@dataclass
class OpinionFit:
    """A fitted opinion mechanism: estimates, their covariance, and the fit to the waves."""

    names: tuple[str, ...]
    log_estimate: NDArray[np.float64]
    log_covariance: NDArray[np.float64]
    dispersion: float
    neg_log_likelihood: float
    waves: pd.DataFrame
    simulated: NDArray[np.float64]
    evaluations: int
    extras: dict = field(default_factory=dict)

    @property
    def estimate(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, np.exp(self.log_estimate), strict=True)}

    def interval(self, z: float = 1.6448536269514722) -> dict[str, dict[str, float]]:
        """Estimate with p05/p95 (normal on the log scale, back-transformed)."""
        sd = np.sqrt(np.clip(np.diag(self.log_covariance), 0.0, None))
        out = {}
        for i, name in enumerate(self.names):
            low, high = _LOWER[name], _UPPER[name]
            out[name] = {
                "estimate": float(np.exp(self.log_estimate[i])),
                "p05": float(np.clip(np.exp(self.log_estimate[i] - z * sd[i]), low, high)),
                "p95": float(np.clip(np.exp(self.log_estimate[i] + z * sd[i]), low, high)),
            }
        return out

    def draw(self, count: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
        """Parameter sets drawn from the approximate posterior, clipped to their ranges."""
        logs = rng.multivariate_normal(self.log_estimate, self.log_covariance, size=count)
        return {
            name: np.clip(np.exp(logs[:, i]), _LOWER[name], _UPPER[name])
            for i, name in enumerate(self.names)
        }


class _Objective:
    """Negative binomial log-likelihood of a parameter vector, over fixed draws."""

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
        self.territory = np.broadcast_to(path, (runs, len(path))).copy()
        params = compile_parameters(scenario, scenario.policies[0], np.arange(runs))
        self.draws = Draws(seed, np.arange(runs), params.n_agents, len(path) - 1)
        self.y = self.waves["observed"].to_numpy()
        self.n = self.waves["n"].to_numpy()
        self.evaluations = 0

    def shares(self, log_theta: NDArray[np.float64]) -> NDArray[np.float64]:
        overrides = {
            name: float(np.clip(np.exp(v), _LOWER[name], _UPPER[name]))
            for name, v in zip(self.names, log_theta, strict=True)
        }
        self.evaluations += 1
        paths = simulate_opinion(self.scenario, self.territory, overrides, draws=self.draws)
        means = {name: path.mean(axis=0) for name, path in paths.items()}
        return np.array(
            [means[r][m] for r, m in zip(self.waves["region"], self.waves["month"], strict=True)]
        )

    def __call__(self, log_theta: NDArray[np.float64]) -> float:
        p = np.clip(self.shares(log_theta), 1e-6, 1 - 1e-6)
        return float(-np.sum(self.n * (self.y * np.log(p) + (1 - self.y) * np.log1p(-p))))


def fit_opinion(
    scenario: Scenario,
    territory_path: NDArray[np.float64],
    waves: pd.DataFrame,
    names: Sequence[str] = FREE_PARAMETERS,
    runs: int = 64,
    seed: int | None = None,
    start: Mapping[str, float] | None = None,
    max_evaluations: int = 150,
) -> OpinionFit:
    """Maximum-likelihood fit of ``names`` to ``waves``, with a Laplace covariance.

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
        Dotted paths of the free parameters (a subset of :data:`FREE_PARAMETERS`).
    runs : int
        Ensemble size per evaluation (common random numbers).
    start : mapping, optional
        Starting values (the scenario's by default).
    """
    from scipy.optimize import minimize

    from offramp.engine.parameters import numeric_parameters

    seed = scenario.seed if seed is None else int(seed)
    objective = _Objective(scenario, territory_path, waves, names, runs, seed)
    values = numeric_parameters(scenario, scenario.policies[0])
    x0 = np.log(
        [
            np.clip((start or {}).get(name, values[name]), _LOWER[name], _UPPER[name])
            for name in names
        ]
    )
    # A simplex a third of a log-unit wide: wide enough to step over the Monte Carlo
    # granularity of the objective.
    simplex = np.vstack([x0] + [x0 + 0.35 * np.eye(len(x0))[i] for i in range(len(x0))])
    result = minimize(
        objective,
        x0,
        method="Nelder-Mead",
        options={
            "initial_simplex": simplex,
            "xatol": 0.01,
            "fatol": 0.05,
            "maxfev": max_evaluations,
        },
    )
    best = result.x
    curvature = hessian(objective, best, float(result.fun), HESSIAN_STEP)
    simulated = objective.shares(best)
    y, n = objective.y, objective.n
    pearson = float(np.sum(n * (y - simulated) ** 2 / (simulated * (1 - simulated))))
    dof = max(len(y) - len(names), 1)
    dispersion = max(1.0, pearson / dof)
    covariance = dispersion * inverse_positive(curvature)
    return OpinionFit(
        names=tuple(names),
        log_estimate=best,
        log_covariance=covariance,
        dispersion=dispersion,
        neg_log_likelihood=float(result.fun),
        waves=objective.waves,
        simulated=simulated,
        evaluations=objective.evaluations,
    )
