"""Scenario files: schema, loading and validation."""

from offramp.scenario.loading import (
    Problem,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    scenario_sha256,
    validate_scenario,
)
from offramp.scenario.schema import Policy, Scenario

__all__ = [
    "Policy",
    "Problem",
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "load_scenario",
    "scenario_sha256",
    "validate_scenario",
]
