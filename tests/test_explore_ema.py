"""The EMA Workbench adapter: the scenario's uncertainties, one seeded run per experiment."""

from __future__ import annotations

import warnings

import numpy as np

from offramp.ema import OUTCOMES, RUN, as_model
from offramp.engine.simulate import simulate
from offramp.scenario.loading import load_scenario


def test_ema_experiments_are_offramp_runs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import Scenario, SequentialEvaluator, perform_experiments
    scenario = load_scenario("ukraine-2022")
    model = as_model(scenario, "armistice", seed=4, horizon=12)
    names = [u.name for u in model.uncertainties]
    assert names == [*scenario.uncertain, RUN]
    assert [o.name for o in model.outcomes] == list(OUTCOMES)
    values = {name: (d.low + d.high) / 2 for name, d in scenario.uncertain.items()}
    points = [Scenario(f"s{run}", run=run, **values) for run in (5, 9)]
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=points, evaluator=evaluator)
    direct = simulate(
        scenario,
        "armistice",
        runs=[5, 9],
        seed=4,
        horizon=12,
        overrides={k: [v, v] for k, v in values.items()},
    )
    for name in OUTCOMES:
        np.testing.assert_array_equal(outcomes[name], direct.outcomes[name].astype(float))
    assert list(experiments[RUN]) == [5, 9]
