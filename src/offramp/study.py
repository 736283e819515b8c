"""A study: every chosen policy of a scenario run side by side on the same runs.

Policies share run indices and therefore random streams (common random numbers), so the
differences between them are the policies' doing, not sampling noise.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from offramp import CITATION, __version__
from offramp.analysis.summary import summarize_study
from offramp.engine.results import Results
from offramp.engine.simulate import simulate_policies
from offramp.scenario.loading import scenario_sha256
from offramp.scenario.schema import Scenario


class UnknownPolicyError(ValueError):
    """A policy name the scenario does not define."""

    def __init__(self, name: str, allowed: Sequence[str]):
        self.name = name
        self.allowed = list(allowed)
        super().__init__(f"unknown policy {name!r}; the scenario defines: {', '.join(allowed)}")


@dataclass
class Study:
    """Results of several policies on the same runs, with the manifest that reproduces them."""

    scenario: Scenario
    results: dict[str, Results]
    seed: int
    runs: int
    horizon: int
    assumptions: str = "scenario"
    extra_manifest: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        policies = ", ".join(self.results)
        return f"Study({self.scenario.meta.name!r}, policies=[{policies}], runs={self.runs})"

    @property
    def manifest(self) -> dict[str, Any]:
        """What is needed to reproduce the study (and to check a stored result)."""
        import numpy

        return {
            "scenario": self.scenario.meta.name,
            "scenario_sha256": scenario_sha256(self.scenario),
            "assumptions": self.assumptions,
            "seed": self.seed,
            "runs": self.runs,
            "horizon_months": self.horizon,
            "start": self.scenario.meta.start,
            "policies": list(self.results),
            "version": __version__,
            "cite": CITATION,
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            **self.extra_manifest,
        }

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per-policy summaries (see ``offramp.analysis.summary``)."""
        return summarize_study(self.results)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document printed by ``offramp run --json``."""
        return {"manifest": self.manifest, "policies": self.summary()}

    def outcomes(self):
        """All policies' outcomes in one DataFrame with a ``policy`` column."""
        import pandas as pd

        frames = [r.outcomes.assign(policy=name) for name, r in self.results.items()]
        return pd.concat(frames, ignore_index=True)

    def _repr_html_(self) -> str:
        """The policies side by side and the manifest as HTML tables, for Jupyter."""
        from offramp.notebook import study_html

        return study_html(self)


#: How a study's runs get their parameters: the scenario's values ("fixed"), the calibrated
#: ones drawn from the calibration's uncertainty ("calibrated", the default), or those and
#: the scenario's ``[uncertain]`` ranges ("uncertain").
PARAMETER_MODES = ("fixed", "calibrated", "uncertain")


def parameter_draws(
    scenario: Scenario, runs: int, seed: int, mode: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per-run overrides for ``mode`` and the manifest entry that says what they carry.

    Run ``i`` takes draw ``draw_index(seed, i)`` of the shipped calibration draws
    (``offramp.calibration.draws``), and with ``"uncertain"`` also a value of each
    ``[uncertain]`` parameter the calibration does not cover, from its own generator:
    chunk-invariant, and the same across policies (common random numbers). A calibrated
    parameter is drawn only where the scenario still holds the calibrated scenario's value
    (an assumption set or a user's file that sets it wins), and only for the scenario the
    draws were fitted to.
    """
    import numpy as np

    if mode not in PARAMETER_MODES:
        raise ValueError(f"parameters must be one of {', '.join(PARAMETER_MODES)} (got {mode!r})")
    if mode == "fixed":
        return {}, {"mode": "fixed", "carries": "run-to-run (stochastic) uncertainty only"}
    from offramp.calibration.draws import (
        CALIBRATED_SCENARIO,
        draw_index,
        load_draws,
        uncertain_units,
    )
    from offramp.engine.parameters import numeric_parameters
    from offramp.scenario.loading import load_scenario

    index = np.arange(runs)
    overrides: dict[str, Any] = {}
    drawn: list[str] = []
    if scenario.meta.name == CALIBRATED_SCENARIO:
        draws = load_draws()
        calibrated = numeric_parameters(load_scenario(CALIBRATED_SCENARIO), scenario.policies[0])
        current = numeric_parameters(scenario, scenario.policies[0])
        count = len(next(iter(draws.values())))
        chosen = draw_index(seed, index, count)
        for name, values in draws.items():
            if np.isclose(current[name], calibrated[name]):
                overrides[name] = values[chosen]
                drawn.append(name)
    sampled: list[str] = []
    if mode == "uncertain":
        from offramp.explore.distributions import from_unit

        sampled = [name for name in scenario.uncertain if name not in overrides]
        units = uncertain_units(seed, index, len(sampled))
        for j, name in enumerate(sampled):
            overrides[name] = from_unit(scenario.uncertain[name], units[:, j])
    carries = ["run-to-run"]
    if drawn:
        carries.append("calibrated-parameter (data/calibration_draws.csv)")
    if sampled:
        carries.append("assumed-range (the scenario's uncertain ranges)")
    return overrides, {
        "mode": mode,
        "carries": " + ".join(carries) + " uncertainty",
        "calibrated_parameters": drawn,
        "uncertain_parameters": sampled,
    }


def run_study(
    scenario: Scenario,
    policies: Sequence[str] | None = None,
    runs: int | None = None,
    seed: int | None = None,
    horizon: int | None = None,
    assumptions: str = "scenario",
    on_policy_done: Callable[[str], None] | None = None,
    parameters: str = "calibrated",
) -> Study:
    """Run each policy (all of the scenario's by default) on the same runs.

    ``parameters`` says where each run's parameters come from (:data:`PARAMETER_MODES`,
    :func:`parameter_draws`); every policy gets the same draws.
    """
    names = list(policies) if policies else scenario.policy_names
    for name in names:
        if name not in scenario.policy_names:
            raise UnknownPolicyError(name, scenario.policy_names)
    runs = scenario.runs if runs is None else int(runs)
    seed = scenario.seed if seed is None else int(seed)
    horizon = scenario.horizon_months if horizon is None else int(horizon)
    overrides, uncertainty = parameter_draws(scenario, runs, seed, parameters)
    results = {}
    simulated = simulate_policies(scenario, names, runs, seed, horizon, overrides or None)
    for name, result in zip(names, simulated, strict=True):
        results[name] = result
        if on_policy_done is not None:
            on_policy_done(name)
    return Study(
        scenario,
        results,
        seed,
        runs,
        horizon,
        assumptions,
        extra_manifest={"parameter_uncertainty": uncertainty},
    )
