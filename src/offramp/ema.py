"""Drive offramp from the EMA Workbench: a scenario and a policy as an EMA ``Model``.

The model's uncertainties are the scenario's ``[uncertain]`` table (each distribution as an
EMA parameter) plus ``run``, the index of the random stream; its outcomes are offramp's
per-run outcomes. One experiment is one offramp run: ``simulate(scenario, policy,
runs=[run], overrides=...)``, seeded by (seed, run) like every offramp run, so an EMA
experiment and the ``explore`` run with the same index and parameter values give the same
outcomes.

Examples
--------
>>> from ema_workbench import SequentialEvaluator, perform_experiments  # doctest: +SKIP
>>> model = as_model(load_scenario("ukraine-2022"), "land-for-peace")
>>> experiments, outcomes = perform_experiments(model, scenarios=100)

``offramp explore`` runs the same experiments vectorised over runs and chunked over workers;
the adapter exists so that EMA users can use its samplers, evaluators and analyses unchanged.

References
----------
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench: an open source toolkit for
exploratory modeling, scenario discovery, and (multi-objective) robust decision making.
*Environmental Modelling & Software* 96, 239-250.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any

from offramp.outcomes import OUTCOMES as REGISTRY
from offramp.outcomes import ranked_outcomes
from offramp.scenario.schema import Choice

if TYPE_CHECKING:
    from ema_workbench import Model

    from offramp.scenario.schema import Distribution, Scenario

RUN = "run"
# Per-run numeric outcomes offered to EMA (booleans as 0/1): every outcome of the registry
# with a direction, which also sets its ScalarOutcome kind (maximise or minimise).
OUTCOMES = tuple(outcome.name for outcome in ranked_outcomes())


class OfframpRun:
    """One offramp run as a plain function of keyword arguments (picklable for EMA's pools)."""

    def __init__(self, scenario: Scenario, policy: str, seed: int, horizon: int):
        self.scenario = scenario
        self.policy = policy
        self.seed = seed
        self.horizon = horizon

    def __call__(self, run: int = 0, **parameters: float) -> dict[str, float]:
        from offramp.engine.simulate import simulate

        overrides = {path: [float(value)] for path, value in parameters.items()}
        results = simulate(
            self.scenario,
            self.policy,
            runs=[int(run)],
            seed=self.seed,
            horizon=self.horizon,
            overrides=overrides,
        )
        return {name: float(results.outcomes_data[name][0]) for name in OUTCOMES}


def as_model(
    scenario: Scenario, policy: str, seed: int | None = None, horizon: int | None = None
) -> Model:
    """An EMA Workbench ``Model`` running ``policy`` of ``scenario`` one run per experiment.

    Parameters
    ----------
    scenario
        A validated scenario; its ``uncertain`` table gives the model's uncertainties.
    policy
        Name of one of the scenario's policies (the lever setting).
    seed, horizon
        Master seed and months simulated (the scenario's by default).

    Returns
    -------
    ema_workbench.Model
        Uncertainties: one per uncertain parameter (named by its dotted path) and ``run``
        (the random stream's index); outcomes: ``OUTCOMES``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optional parallel back-ends we do not use
        from ema_workbench import IntegerParameter, Model, ScalarOutcome
    scenario.policy(policy)  # KeyError for an unknown policy
    seed = scenario.seed if seed is None else int(seed)
    horizon = scenario.horizon_months if horizon is None else int(horizon)
    name = "offramp" + re.sub(r"[^A-Za-z0-9]", "", policy)
    model = Model(name, function=OfframpRun(scenario, policy, seed, horizon))
    model.uncertainties = [
        _parameter(path, distribution) for path, distribution in scenario.uncertain.items()
    ] + [IntegerParameter(RUN, 0, 2**31 - 1)]
    kinds = {"higher": ScalarOutcome.MAXIMIZE, "lower": ScalarOutcome.MINIMIZE}
    model.outcomes = [ScalarOutcome(name, kind=kinds[REGISTRY[name].better]) for name in OUTCOMES]
    return model


def _parameter(path: str, distribution: Distribution) -> Any:
    from ema_workbench import CategoricalParameter, RealParameter

    from offramp.explore.distributions import frozen

    if isinstance(distribution, Choice):
        return CategoricalParameter(path, list(distribution.values))
    return RealParameter.from_dist(path, frozen(distribution))
