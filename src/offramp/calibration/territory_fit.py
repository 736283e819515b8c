r"""Fit the battlefield's drift and noise to the monthly front line.

The battlefield mechanism moves the defender's share by

.. math::

    \Delta x_t = \kappa \ln r_t - \kappa \ln r^* + \sigma \varepsilon_t,

with :math:`r_t` the effective force ratio of the Lanchester step
(``offramp.mechanisms.battlefield``). Under fight-on the forces do not depend on the
territory, so the path :math:`\ln r_t` is the engine's own, read from a probe run with
:math:`\kappa` tiny, :math:`r^* = 1` and no noise (each month's change divided by
:math:`\kappa` is :math:`\ln r_t`; :func:`log_force_ratio_path`). The model is then a
regression of the observed monthly changes on :math:`\ln r_t`, with :math:`\kappa` the slope and
:math:`r^* = \exp(-\text{intercept}/\kappa)`. The changes are heavy-tailed (the September
2022 counteroffensive moved the line by 1.7 points in a month, against a few hundredths in
most months), so the errors are Student-t with :math:`\nu = 4` degrees of freedom, the
robust default of Lange, Little & Taylor (1989), fitted by maximum likelihood; least squares
would let that one month set the slope. The likelihood is maximised by Nelder-Mead from the
least-squares solution and from a Sobol design of 16 starts over the schema's ranges (the
best optimum wins). The engine's Gaussian noise takes the t's standard
deviation :math:`s \sqrt{\nu / (\nu - 2)}`. Uncertainty is a Laplace approximation of
(intercept, slope, :math:`\log s`), sampled.

Forecasts condition on the last observed month: because the territory does not feed back
on the forces under fight-on, the simulated changes after it are added to its observed level.

References
----------
Lange, K. L., Little, R. J. A., & Taylor, J. M. G. (1989). Robust statistical modeling using
the t distribution. *Journal of the American Statistical Association* 84(408), 881-896.
Gelman, A., Carlin, J. B., Stern, H. S., Dunson, D. B., Vehtari, A., & Rubin, D. B. (2013).
*Bayesian Data Analysis* (3rd ed.). CRC Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from offramp.calibration.laplace import hessian, inverse_positive
from offramp.scenario.catalogue import entry
from offramp.scenario.schema import Scenario

SENSITIVITY = "battlefield.territory_sensitivity"
STALEMATE_RATIO = "battlefield.stalemate_ratio"
NOISE = "battlefield.territory_noise"
_PROBE = 1e-4


def log_force_ratio_path(
    scenario: Scenario, months: int, runs: int = 32, seed: int | None = None
) -> NDArray[np.float64]:
    """Mean over runs of the engine's log effective force ratio in months 1..``months``."""
    from offramp.engine.simulate import simulate

    probe = {SENSITIVITY: _PROBE, STALEMATE_RATIO: 1.0, NOISE: 0.0, "territory.floor": 0.0}
    result = simulate(
        scenario, scenario.fight_on_policy(), runs=runs, seed=seed, horizon=months, overrides=probe
    )
    steps = np.diff(result.trajectory_data["territory"], axis=1) / _PROBE
    return steps.mean(axis=0)


DEGREES_OF_FREEDOM = 4.0
# The fit works in thousandths of the territory share per month, so that one finite-
# difference step suits every coordinate.
_SCALE = 1e-3


@dataclass
class TerritoryFit:
    """Student-t maximum-likelihood fit of the front line's drift and noise."""

    estimate_vector: NDArray[np.float64]  # intercept/_SCALE, slope/_SCALE, log(scale/_SCALE)
    covariance: NDArray[np.float64]
    observations: int
    log_ratio: NDArray[np.float64]
    neg_log_likelihood: float

    @staticmethod
    def parameters(vector: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        """Battlefield parameters of one or many (rows) fitted vectors."""
        v = np.atleast_2d(vector)
        slope = np.clip(v[:, 1] * _SCALE, 1e-5, entry(SENSITIVITY).upper)
        ratio = np.clip(np.exp(-v[:, 0] * _SCALE / slope), *RATIO_RANGE)
        nu = DEGREES_OF_FREEDOM
        noise = np.exp(v[:, 2]) * _SCALE * np.sqrt(nu / (nu - 2))
        noise = np.clip(noise, entry(NOISE).lower, entry(NOISE).upper)
        return {SENSITIVITY: slope, STALEMATE_RATIO: ratio, NOISE: noise}

    def estimate(self) -> dict[str, float]:
        return {k: float(v[0]) for k, v in self.parameters(self.estimate_vector).items()}

    def predicted_changes(self) -> NDArray[np.float64]:
        """Fitted mean change of each observed month (the drift)."""
        v = self.estimate_vector
        return (v[0] + v[1] * self.log_ratio) * _SCALE

    def draw(self, count: int, rng: np.random.Generator) -> dict[str, NDArray[np.float64]]:
        """Draws from the Laplace approximation, kept to the schema's ranges."""
        return self.parameters(
            rng.multivariate_normal(self.estimate_vector, self.covariance, count)
        )

    def interval(self, rng: np.random.Generator, count: int = 4000) -> dict[str, dict[str, float]]:
        from offramp.analysis.summary import quantiles

        draws = self.draw(count, rng)
        out = {}
        for name, value in self.estimate().items():
            q = quantiles(draws[name], ("p05", "p95"))
            out[name] = {"estimate": value, "p05": q["p05"], "p95": q["p95"]}
        return out


#: Sobol starts of the front-line fit, and the range its stalemate ratio is searched over
#: (the schema leaves it unbounded above; :meth:`TerritoryFit.parameters` clips to it).
STARTS = 16
RATIO_RANGE = (0.05, 50.0)


def _design_starts(scenario: Scenario) -> list[NDArray[np.float64]]:
    """Fit vectors (intercept, slope, log scale in thousandths) of a Sobol design over
    log-uniform sensitivity, stalemate ratio and noise."""
    from offramp.calibration.search import parameter_box, sobol_design

    box = parameter_box(scenario, (SENSITIVITY, NOISE))
    unit = sobol_design(3, STARTS, seed=20_220_701)
    values = box.values(unit[:, :2])
    ratio = RATIO_RANGE[0] * (RATIO_RANGE[1] / RATIO_RANGE[0]) ** unit[:, 2]
    nu = DEGREES_OF_FREEDOM
    slope = values[:, 0] / _SCALE
    intercept = -slope * np.log(ratio)
    log_scale = np.log(values[:, 1] / _SCALE / np.sqrt(nu / (nu - 2)))
    return list(np.column_stack([intercept, slope, log_scale]))


def fit_territory(
    scenario: Scenario, held_share: NDArray[np.float64], runs: int = 32, seed: int | None = None
) -> TerritoryFit:
    """Fit drift and noise to the observed shares of months 0..len-1 (month 0 the start)."""
    from scipy.optimize import minimize
    from scipy.stats import t as student_t

    held_share = np.asarray(held_share, dtype=float)
    months = len(held_share) - 1
    log_ratio = log_force_ratio_path(scenario, months, runs=runs, seed=seed)
    changes = np.diff(held_share) / _SCALE

    def neg_log_likelihood(v: NDArray[np.float64]) -> float:
        centre = v[0] + v[1] * log_ratio
        return float(-np.sum(student_t.logpdf(changes, DEGREES_OF_FREEDOM, centre, np.exp(v[2]))))

    # Starts: the least-squares solution and a Sobol design over the schema's ranges of
    # sensitivity and noise (the stalemate ratio, unbounded in the schema, over the range
    # `parameters` keeps it to); the best local optimum wins.
    design = np.column_stack([np.ones(months), log_ratio])
    start, *_ = np.linalg.lstsq(design, changes, rcond=None)
    spread = np.log(np.median(np.abs(changes - design @ start)) + 1e-6)
    starts = [np.array([*start, spread]), *_design_starts(scenario)]
    results = [
        minimize(
            neg_log_likelihood,
            x0,
            method="Nelder-Mead",
            options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000},
        )
        for x0 in starts
    ]
    result = min(results, key=lambda r: float(r.fun))
    curvature = hessian(neg_log_likelihood, result.x, float(result.fun), 1e-3)
    return TerritoryFit(
        estimate_vector=result.x,
        covariance=inverse_positive(curvature),
        observations=months,
        log_ratio=log_ratio,
        neg_log_likelihood=float(result.fun),
    )


def forecast_territory(
    scenario: Scenario,
    observed: NDArray[np.float64],
    horizon: int,
    parameters: dict[str, NDArray[np.float64]],
    seed: int | None = None,
) -> NDArray[np.float64]:
    """Paths (runs, horizon + 1): observed months, then simulated changes added to the last.

    ``parameters`` gives per-run values (one run per entry) of the battlefield parameters.
    """
    from offramp.engine.simulate import simulate

    runs = len(next(iter(parameters.values())))
    result = simulate(
        scenario,
        scenario.fight_on_policy(),
        runs=runs,
        seed=seed,
        horizon=horizon,
        overrides=parameters,
    )
    simulated = result.trajectory_data["territory"]
    last = len(observed) - 1
    paths = np.empty((runs, horizon + 1))
    paths[:, : last + 1] = observed
    paths[:, last + 1 :] = observed[-1] + simulated[:, last + 1 :] - simulated[:, [last]]
    return np.clip(paths, scenario.territory.floor, 1.0)
