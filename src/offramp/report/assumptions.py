"""Named assumption sets, as the report and the dashboard offer them.

The sets themselves live in ``offramp.scenario.assumptions``; this module is the faces' one
door to them. It expects there ``assumption_set_names() -> list[str]`` and
``apply_assumptions(scenario, name) -> Scenario``, and uses ``describe_assumptions(name)``
(a dict or object with ``description`` and ``sources``) when present. Where that module is
absent it offers only ``"scenario"`` (the scenario file's own values) and says so.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from offramp.scenario.schema import Scenario

SCENARIO_AS_WRITTEN = "scenario"


class UnknownAssumptionsError(ValueError):
    """An assumption-set name that is not offered."""

    def __init__(self, name: str, allowed: list[str], why: str = ""):
        self.name = name
        self.allowed = allowed
        message = f"unknown assumption set {name!r}; allowed: {', '.join(allowed)}"
        super().__init__(message + (f" ({why})" if why else ""))


def _module() -> ModuleType | None:
    try:
        return importlib.import_module("offramp.scenario.assumptions")
    except ModuleNotFoundError as error:
        if error.name != "offramp.scenario.assumptions":
            raise
        return None


def assumption_set_names() -> list[str]:
    """``"scenario"`` first, then every named set the installation ships."""
    module = _module()
    if module is None or not hasattr(module, "assumption_set_names"):
        return [SCENARIO_AS_WRITTEN]
    names = [str(name) for name in module.assumption_set_names()]
    return [SCENARIO_AS_WRITTEN, *(n for n in names if n != SCENARIO_AS_WRITTEN)]


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
    module = _module()
    if module is None:
        raise UnknownAssumptionsError(
            name, allowed, "named assumption sets are not available in this installation"
        )
    if name not in allowed:
        raise UnknownAssumptionsError(name, allowed)
    return module.apply_assumptions(scenario, name)


def assumption_set_description(name: str) -> dict[str, Any]:
    """What the report says about a set: its name, a description and its sources."""
    if name == SCENARIO_AS_WRITTEN:
        return {
            "name": name,
            "description": "The scenario file's own values, unchanged.",
            "sources": [],
        }
    module = _module()
    describe = getattr(module, "describe_assumptions", None) if module else None
    if describe is None:
        return {"name": name, "description": "", "sources": []}
    described = describe(name)
    if isinstance(described, dict):
        return {
            "name": name,
            "description": str(described.get("description", "")),
            "sources": [str(s) for s in described.get("sources", [])],
        }
    return {
        "name": name,
        "description": str(getattr(described, "description", "")),
        "sources": [str(s) for s in getattr(described, "sources", [])],
    }
