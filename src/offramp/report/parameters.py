"""The scenario's numeric parameters with their unit, allowed range and source.

Read from the schema's field metadata (``parameter(...)`` in ``offramp.scenario.schema``:
``json_schema_extra`` unit and source, pydantic's ge/gt/le/lt bounds), so that the report's
assumption table and the dashboard's sliders say what the schema says, and nothing else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel

from offramp.scenario.schema import ASSUMPTION, PARAMETER_SECTIONS, Scenario


@dataclass(frozen=True)
class ParameterInfo:
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

    @property
    def lower(self) -> float | None:
        """The lower bound (inclusive or not), if any."""
        return self.ge if self.ge is not None else self.gt

    @property
    def upper(self) -> float | None:
        """The upper bound (inclusive or not), if any."""
        return self.le if self.le is not None else self.lt

    @property
    def range_text(self) -> str:
        """The allowed range as a reader writes it: '0 ≤ x ≤ 1', '> 0'."""
        parts = []
        if self.ge is not None:
            parts.append(f"≥ {self.ge:g}")
        if self.gt is not None:
            parts.append(f"> {self.gt:g}")
        if self.le is not None:
            parts.append(f"≤ {self.le:g}")
        if self.lt is not None:
            parts.append(f"< {self.lt:g}")
        return ", ".join(parts) or "any"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the dashboard's parameter list)."""
        return {**asdict(self), "range": self.range_text}


def _bound(metadata: list[Any], attribute: str) -> float | None:
    for item in metadata:
        if hasattr(item, attribute):
            return float(getattr(item, attribute))
    return None


def _section_parameters(model: BaseModel, section: str) -> list[ParameterInfo]:
    rows = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        extra = field.json_schema_extra
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not isinstance(extra, dict) or "unit" not in extra:
            continue
        rows.append(
            ParameterInfo(
                path=f"{section}.{name}",
                section=section,
                name=name,
                value=float(value),
                integer=isinstance(value, int),
                description=field.description or "",
                unit=str(extra["unit"]),
                source=str(extra.get("source", ASSUMPTION)),
                ge=_bound(field.metadata, "ge"),
                gt=_bound(field.metadata, "gt"),
                le=_bound(field.metadata, "le"),
                lt=_bound(field.metadata, "lt"),
            )
        )
    return rows


def scenario_parameters(scenario: Scenario) -> list[ParameterInfo]:
    """Every numeric model parameter of ``scenario`` with its value and metadata.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    list of ParameterInfo
        In the order of the schema: section by section, field by field; the path is the
        dotted name used by ``offramp.engine.parameters`` (``"bargaining.emboldening"``).
    """
    rows = []
    for section in PARAMETER_SECTIONS:
        rows.extend(_section_parameters(getattr(scenario, section), section))
    population = [
        row
        for row in _section_parameters(scenario.population, "population")
        if row.name == "demand_spread"
    ]
    return rows + population
