"""Named assumption sets, as the report and the dashboard offer them.

The sets live in ``offramp.scenario.assumptions`` (bundled TOML files, each value with its
source); the faces offer ``"scenario"`` (the scenario file's own values) first, then every
bundled set.
"""

from __future__ import annotations

from typing import Any

from offramp.scenario.assumptions import (
    apply_assumptions,
    bundled_assumption_sets,
    load_assumption_set,
)
from offramp.scenario.schema import Scenario

SCENARIO_AS_WRITTEN = "scenario"


class UnknownAssumptionsError(ValueError):
    """An assumption-set name that is not offered."""

    def __init__(self, name: str, allowed: list[str]):
        self.name = name
        self.allowed = allowed
        super().__init__(f"unknown assumption set {name!r}; allowed: {', '.join(allowed)}")


def assumption_set_names() -> list[str]:
    """``"scenario"`` first, then every bundled set."""
    return [SCENARIO_AS_WRITTEN, *bundled_assumption_sets()]


def apply_named_assumptions(scenario: Scenario, name: str) -> Scenario:
    """The scenario under assumption set ``name`` (``"scenario"``: unchanged).

    Raises
    ------
    UnknownAssumptionsError
        If ``name`` is not offered (the message lists the names that are).
    """
    if name == SCENARIO_AS_WRITTEN:
        return scenario
    allowed = assumption_set_names()
    if name not in allowed:
        raise UnknownAssumptionsError(name, allowed)
    return apply_assumptions(scenario, name)


def assumption_set_description(name: str) -> dict[str, Any]:
    """What the report says about a set: its name, its argument and its citations."""
    if name == SCENARIO_AS_WRITTEN:
        return {
            "name": name,
            "description": "The scenario file's own values, unchanged.",
            "sources": [],
        }
    chosen = load_assumption_set(name)
    return {
        "name": name,
        "description": chosen.argument or chosen.title,
        "sources": list(chosen.citations),
    }
