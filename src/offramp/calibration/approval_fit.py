r"""Fit the leader's approval to KIIS trust in the president, and report its error.

**What is fitted to what.** Approval is proxied by *trust*: the KIIS share of respondents
who fully or rather trust the president (``offramp data show kiis_trust_president``,
measure ``trust``). Trust in a wartime president is not approval of his conduct of the
war; it is the closest series published for Ukraine throughout 2022-2025 (there are no
elections or regular job-approval polls under martial law), and the model uses approval
only as the incumbent's standing with the public (removal hazard, post-deal election),
which is what trust measures. Each wave's share is compared with the model's mean
approval in the wave's month (``month`` counted from the scenario's start, as the opinion
fit counts it).

**Simulator.** The fight-on path of the scenario from its start (2022-07) through
``last`` (2025-06): the engine is run once (``offramp.simulate``, the scenario's fight-on
policy) and its battlefield record -- the defender's cumulative casualties and the line
-- drives approval by the same functions, in the same order, as the engine's
``legitimacy_step`` (:func:`simulate_approval`; a test checks the two agree exactly).
Runs whose leader was removed inside the window are dropped: the series is one
president's, who stayed in office. Approval does not feed back on the battlefield while
the incumbent stays, so the driving record does not depend on the fitted values.

**Objective.** Gaussian errors of unknown variance, profiled out:
:math:`-\log L(\theta) = \tfrac{N}{2} \log(\mathrm{RSS}(\theta) / N) + C`. A binomial
likelihood would treat each wave's sampling error (about 1.5 pp) as the whole error, which
the model's misfit and the polls' house effects exceed several times over.

**Search.** L-BFGS-B (SciPy) from a scrambled Sobol design of neutral starting points over
the parameters' bounds (never from the shipped values); the best optimum is kept and the
number of distinct optima reported.

**Intervals.** Profile likelihood (Venzon & Moolgavkar 1988): for each parameter a grid
over its bounds, the others re-optimised at each point; the 90% interval is where
:math:`N \log(\mathrm{RSS}_{\text{profile}} / \mathrm{RSS}_{\min}) \le \chi^2_{1, 0.9}
= 2.71`. An interval that reaches a bound says the data do not bound the parameter on that
side (reported as ``identified = False``).

References
----------
Venzon, D. J., & Moolgavkar, S. H. (1988). A method for computing profile-likelihood-based
confidence intervals. *Applied Statistics* 37(1), 87-94.
Byrd, R. H., Lu, P., Nocedal, J., & Zhu, C. (1995). A limited memory algorithm for bound
constrained optimization. *SIAM Journal on Scientific Computing* 16(5), 1190-1208.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from offramp.calibration.observations import month_index
from offramp.mechanisms import leadership, opinion

if TYPE_CHECKING:
    import pandas as pd

    from offramp.scenario.schema import Scenario

#: The parameters fitted, with their search bounds: ``casualty_sensitivity`` (the
#: log-casualty slope), ``stalemate_sensitivity`` (the erosion when the war stops going
#: well) and ``approval_reversion`` (how fast approval moves to its target). The others keep
#: their scenario values. The wartime level before costs, ``approval_baseline +
#: war_rally``, is not identified together with the slope (at 0.6, 0.7 and 0.84 the fit is
#: equally good, RMSE 7.16, 7.15 and 7.12 pp, the slope falling from 0.062 to 0.005 as the
#: level falls), so the scenario fixes it at the initial approval; ``casualty_scale`` trades
#: off exactly against that level once casualties are large; the line moved too little in
#: 2023-2025 to tell ``stalemate_half_months`` or ``loss_sensitivity`` (docs/calibration.md).
BOUNDS: dict[str, tuple[float, float]] = {
    "leadership.approval_reversion": (0.005, 0.5),
    "leadership.casualty_sensitivity": (0.0, 0.3),
    "leadership.stalemate_sensitivity": (0.0, 0.5),
}
FREE_PARAMETERS = tuple(BOUNDS)
CHI2_90 = 2.705543454095404  # chi-squared, 1 df, 0.90 quantile
FIRST, LAST = "2022-07", "2025-06"


@dataclass(frozen=True)
class Forcing:
    """The battlefield record that drives approval: runs x months (column 0: month 0)."""

    casualties: NDArray[np.float64]
    territory: NDArray[np.float64]
    initial_approval: NDArray[np.float64]
    runs: NDArray[np.int64]


def trust_waves(scenario: Scenario, first: str = FIRST, last: str = LAST) -> pd.DataFrame:
    """KIIS trust-in-the-president waves (national) from ``first`` to ``last`` inclusive.

    Columns ``date`` (YYYY-MM-DD), ``month`` (from the scenario's start) and ``observed``
    (share).
    """
    import pandas as pd

    from offramp.datasets import load_dataset

    data = load_dataset("kiis_trust_president")
    data = data[data["measure"] == "trust"].copy()
    dates = pd.to_datetime(data["date"])
    month = dates.dt.strftime("%Y-%m")
    keep = (month >= first) & (month <= last)
    data, dates = data[keep], dates[keep]
    return pd.DataFrame(
        {
            "date": dates.dt.strftime("%Y-%m-%d").to_numpy(),
            "month": month_index(dates, scenario.meta.start),
            "observed": data["value"].astype(float).to_numpy() / 100.0,
        }
    ).reset_index(drop=True)


def fight_on_forcing(
    scenario: Scenario, horizon: int, runs: int = 64, seed: int | None = None
) -> Forcing:
    """Run the scenario's fight-on policy for ``horizon`` months and keep its record."""
    from offramp.engine.simulate import simulate

    policy = next(p for p in scenario.policies if not p.offers_deal)
    result = simulate(scenario, policy, runs=runs, seed=seed, horizon=horizon)
    kept = ~np.asarray(result.outcomes_data["leader_removed"], dtype=bool)
    data = result.trajectory_data
    return Forcing(
        casualties=np.asarray(data["casualties_defender"])[kept],
        territory=np.asarray(data["territory"])[kept],
        initial_approval=np.asarray(data["approval"])[kept, 0],
        runs=np.asarray(result.outcomes_data["run"])[kept],
    )


def simulate_approval(
    forcing: Forcing, values: Mapping[str, float], defaults: Mapping[str, float]
) -> NDArray[np.float64]:
    """Approval per run and month at war, as the engine's ``legitimacy_step`` computes it.

    ``values`` override ``defaults`` (both keyed ``leadership.NAME``).
    """
    p = {**defaults, **values}
    runs, columns = forcing.territory.shape
    approval = np.empty((runs, columns))
    approval[:, 0] = forcing.initial_approval
    stalemate = np.zeros(runs)
    best = forcing.territory[:, 0].copy()
    for t in range(1, columns):
        stalemate, best, _ = opinion.update_stalemate(stalemate, best, forcing.territory[:, t])
        target = leadership.approval_target(
            baseline=p["leadership.approval_baseline"] + p["leadership.war_rally"],
            casualty_loss=leadership.casualty_cost(
                casualties=forcing.casualties[:, t],
                sensitivity=p["leadership.casualty_sensitivity"],
                scale=p["leadership.casualty_scale"],
            ),
            setback_loss=leadership.setback_cost(
                stalemate=stalemate,
                best_territory=best,
                territory=forcing.territory[:, t],
                stalemate_sensitivity=p["leadership.stalemate_sensitivity"],
                stalemate_half_months=p["leadership.stalemate_half_months"],
                loss_sensitivity=p["leadership.loss_sensitivity"],
            ),
        )
        approval[:, t] = leadership.revert_approval(
            approval[:, t - 1], target, p["leadership.approval_reversion"]
        )
    return approval


@dataclass
class ApprovalFit:
    """Fitted approval parameters, their profile intervals and the fit to each wave."""

    estimate: dict[str, float]
    intervals: dict[str, dict[str, Any]]
    waves: pd.DataFrame  # date, month, observed, simulated, residual_pp
    rmse_pp: float
    starts: int
    distinct_optima: int
    runs: int
    profiles: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def table(self) -> str:
        """The fit as plain text: parameters with 90% profile intervals, then each wave."""
        lines = ["parameter                         estimate   p05      p95      identified"]
        for name, row in self.intervals.items():
            lines.append(
                f"{name:<33} {row['estimate']:<10.4f} {row['p05']:<8.4f} {row['p95']:<8.4f} "
                f"{'yes' if row['identified'] else 'no (interval reaches a bound)'}"
            )
        lines.append("")
        lines.append(f"approval vs KIIS trust: RMSE {self.rmse_pp:.2f} pp over {len(self.waves)}")
        lines.append("wave        observed  model   residual (pp, observed - model)")
        for row in self.waves.itertuples():
            lines.append(
                f"{row.date:<11} {100 * row.observed:6.1f}   {100 * row.simulated:5.1f}   "
                f"{row.residual_pp:+6.1f}"
            )
        lines.append(
            f"({self.starts} Sobol starts, {self.distinct_optima} distinct optima; "
            f"{self.runs} runs)"
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "intervals": self.intervals,
            "rmse_pp": self.rmse_pp,
            "waves": [
                {
                    "date": row.date,
                    "observed": float(row.observed),
                    "simulated": float(row.simulated),
                    "residual_pp": float(row.residual_pp),
                }
                for row in self.waves.itertuples()
            ],
            "starts": self.starts,
            "distinct_optima": self.distinct_optima,
            "runs": self.runs,
        }


class _Objective:
    """Residual sum of squares of the mean approval at the waves, over a fixed record."""

    def __init__(
        self,
        forcing: Forcing,
        waves: pd.DataFrame,
        names: Sequence[str],
        defaults: Mapping[str, float],
    ):
        self.forcing = forcing
        self.names = tuple(names)
        self.defaults = dict(defaults)
        self.months = waves["month"].to_numpy()
        self.y = waves["observed"].to_numpy()

    def simulated(self, theta: Sequence[float]) -> NDArray[np.float64]:
        values = dict(zip(self.names, (float(v) for v in theta), strict=True))
        path = simulate_approval(self.forcing, values, self.defaults).mean(axis=0)
        return path[self.months]

    def __call__(self, theta: Sequence[float]) -> float:
        return float(np.sum((self.y - self.simulated(theta)) ** 2))


def _minimise(objective: _Objective, start: NDArray, bounds: list[tuple[float, float]]):
    from scipy.optimize import minimize

    return minimize(objective, start, method="L-BFGS-B", bounds=bounds)


def fit_approval(
    scenario: Scenario,
    runs: int = 64,
    seed: int | None = None,
    starts: int = 16,
    profile_points: int = 21,
    first: str = FIRST,
    last: str = LAST,
) -> ApprovalFit:
    """Fit the approval parameters to KIIS trust on the fight-on path (see the module doc)."""
    from scipy.stats import qmc

    waves = trust_waves(scenario, first, last)
    if waves.empty:
        raise ValueError(f"no KIIS trust waves between {first} and {last}")
    horizon = int(waves["month"].max())
    forcing = fight_on_forcing(scenario, horizon, runs=runs, seed=seed)
    defaults = {
        f"leadership.{k}": float(v)
        for k, v in scenario.leadership.model_dump().items()
        if isinstance(v, int | float)
    }
    names = FREE_PARAMETERS
    bounds = [BOUNDS[n] for n in names]
    low, high = np.array(bounds).T
    objective = _Objective(forcing, waves, names, defaults)
    sobol = qmc.Sobol(len(names), scramble=True, seed=0)
    design = sobol.random_base2(int(np.ceil(np.log2(max(starts, 1)))))[:starts]
    results = [_minimise(objective, low + u * (high - low), bounds) for u in design]
    best = min(results, key=lambda r: r.fun)
    optima = np.array([r.x for r in results if r.fun <= best.fun * 1.01 + 1e-12])
    scaled = (optima - low) / (high - low)
    distinct = _distinct(scaled, 0.05)
    rss_min = float(best.fun)
    n = len(waves)
    intervals, profiles = {}, {}
    for i, name in enumerate(names):
        grid = np.linspace(low[i], high[i], profile_points)
        deviance = [
            n * np.log(max(_profile_rss(objective, best.x, i, value, bounds), 1e-300) / rss_min)
            for value in grid
        ]
        deviance = np.maximum(np.array(deviance), 0.0)
        inside = grid[deviance <= CHI2_90]
        lo_v = float(inside.min()) if inside.size else float(best.x[i])
        hi_v = float(inside.max()) if inside.size else float(best.x[i])
        intervals[name] = {
            "estimate": float(best.x[i]),
            "p05": min(lo_v, float(best.x[i])),
            "p95": max(hi_v, float(best.x[i])),
            "identified": bool(deviance[0] > CHI2_90 and deviance[-1] > CHI2_90),
        }
        profiles[name] = {"value": grid.tolist(), "deviance": deviance.tolist()}
    simulated = objective.simulated(best.x)
    table = waves.assign(simulated=simulated, residual_pp=100 * (waves["observed"] - simulated))
    return ApprovalFit(
        estimate={n_: float(v) for n_, v in zip(names, best.x, strict=True)},
        intervals=intervals,
        waves=table,
        rmse_pp=float(100 * np.sqrt(rss_min / n)),
        starts=starts,
        distinct_optima=distinct,
        runs=len(forcing.runs),
        profiles=profiles,
    )


def _profile_rss(
    objective: _Objective,
    best: NDArray,
    index: int,
    value: float,
    bounds: list[tuple[float, float]],
) -> float:
    """The least RSS with parameter ``index`` held at ``value``, the others re-optimised."""
    from scipy.optimize import minimize

    def restricted(x: NDArray) -> float:
        return objective(np.insert(np.asarray(x), index, value))

    others = [b for j, b in enumerate(bounds) if j != index]
    return float(minimize(restricted, np.delete(best, index), method="L-BFGS-B", bounds=others).fun)


def _distinct(points: NDArray, tolerance: float) -> int:
    """How many clusters of points lie further than ``tolerance`` apart (greedy)."""
    centres: list[NDArray] = []
    for p in points:
        if all(np.max(np.abs(p - c)) > tolerance for c in centres):
            centres.append(p)
    return len(centres)
