"""The scenario's numeric parameters with their value, unit, allowed range and source.

Read from the parameter catalogue (``offramp.scenario.catalogue``, built once from the
schema), so that the report's assumption table and the dashboard's sliders say what the
schema says, and nothing else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from offramp.scenario.catalogue import Bounded, CatalogueEntry, per_run_parameters

if TYPE_CHECKING:
    from offramp.scenario.schema import Policy, Scenario


@dataclass(frozen=True)
class ParameterInfo(Bounded):
    """One numeric parameter: where it lives, its value, what it means and what is allowed."""

    path: str
    section: str
    name: str
    value: float
    integer: bool
    description: str
    unit: str
    source: str
    ge: float | None
    gt: float | None
    le: float | None
    lt: float | None
    policy: str | None = None  # for a policy's lever: the policy's name
    region: str | None = None  # for a region's parameter: the region's name

    @classmethod
    def from_entry(
        cls, entry: CatalogueEntry, value: float, path: str | None = None, policy: str | None = None
    ) -> ParameterInfo:
        """A catalogue entry with its value (and another path, for one policy's lever)."""
        return cls(
            path=path or entry.path,
            section=entry.section,
            name=entry.name,
            value=float(value),
            integer=entry.whole,
            description=entry.description,
            unit=entry.unit,
            source=entry.source,
            ge=entry.ge,
            gt=entry.gt,
            le=entry.le,
            lt=entry.lt,
            policy=policy,
            region=entry.region,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the dashboard's parameter list)."""
        return {**asdict(self), "range": self.range_text}


def scenario_parameters(scenario: Scenario) -> list[ParameterInfo]:
    """Every numeric model parameter of ``scenario`` with its value and metadata.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    list of ParameterInfo
        The engine's per-run parameters but the policy levers (shown with each policy), in
        the engine's order: section by section, field by field, then the population's
        spread and each region's poll share; the path is the dotted name used by
        ``offramp.engine.parameters`` (``"bargaining.emboldening"``).
    """
    return [
        ParameterInfo.from_entry(entry, entry.value(scenario))
        for entry in per_run_parameters(scenario)
        if entry.section != "policy"
    ]


def policy_parameters(scenario: Scenario) -> list[ParameterInfo]:
    """Each policy's levers, path ``policies.<policy>.<lever>`` (the dashboard's sliders)."""
    levers = [entry for entry in per_run_parameters(scenario) if entry.section == "policy"]
    return [
        ParameterInfo.from_entry(
            entry,
            entry.value(scenario, policy),
            path=policy_lever_path(policy, entry.name),
            policy=policy.name,
        )
        for policy in scenario.policies
        for entry in levers
    ]


def policy_lever_path(policy: Policy, lever: str) -> str:
    """The path of one policy's lever: ``policies.<policy>.<lever>``."""
    return f"policies.{policy.name}.{lever}"
