"""The parameter catalogue: every numeric parameter of the schema, built once from it.

Each numeric field declared with :func:`offramp.scenario.schema.parameter` becomes one
:class:`CatalogueEntry`: its dotted path, meaning, unit, allowed range (pydantic's
``ge``/``gt``/``le``/``lt``), default and the source of the default. Everything that lists
parameters reads this catalogue rather than walking the schema again:

- the engine's compiled parameters (``offramp.engine.parameters.numeric_parameters``: the
  entries that are ``per_run``, with the scenario's and the policy's values),
- ``Scenario.parameter_ranges()`` (what ``[uncertain]`` and assumption sets may set),
- the generated reference (``docs/parameters.md``, :mod:`offramp.scenario.reference`),
- the report's assumption table and the dashboard's sliders
  (:mod:`offramp.report.parameters`),
- the calibration's bounds (``offramp.calibration.opinion_fit``).

Paths are those of the engine and of ``[uncertain]``: ``"battlefield.invader_force"``,
``"policy.guarantee_credibility"`` (the simulated policy's lever), ``"population.
demand_spread"``, and, per scenario, ``"population.<region>.no_concessions_share"``. Entries
that configure a run rather than vary within an ensemble (``horizon_months``,
``mobilization.epstein.grid``, ``population.agents_per_region``, region weights) are in the
catalogue with ``per_run`` false.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic import BaseModel

if TYPE_CHECKING:
    from offramp.scenario.schema import ParameterRange, Policy, Scenario


class Bounded:
    """A parameter's bounds (pydantic's ``ge``/``gt``/``le``/``lt``), as a reader reads them."""

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
        """The allowed range as a reader writes it: '≥ 0, ≤ 1', '> 0', 'any'."""
        return range_text(self.ge, self.gt, self.le, self.lt)


@dataclass(frozen=True)
class CatalogueEntry(Bounded):
    """One numeric parameter of the schema."""

    path: str  # dotted path ("bargaining.emboldening"); see the module docstring
    section: str  # where it lives: "bargaining", "policy", "population", "" (top level)
    name: str  # the field's name
    model: type[BaseModel]  # the schema class declaring it
    whole: bool  # an integer parameter
    description: str
    unit: str
    source: str  # of the default ("assumption" where there is none)
    default: float | None  # None if required
    ge: float | None
    gt: float | None
    le: float | None
    lt: float | None
    per_run: bool  # compiled into per-run arrays (an engine parameter, overridable)
    region: str | None = None  # for a region's parameter: the region's name

    @property
    def range(self) -> ParameterRange:
        """The allowed values as a :class:`~offramp.scenario.schema.ParameterRange`."""
        from offramp.scenario.schema import ParameterRange

        return ParameterRange(whole=self.whole, ge=self.ge, gt=self.gt, le=self.le, lt=self.lt)

    def value(self, scenario: Scenario, policy: Policy | None = None) -> float:
        """This parameter's value in ``scenario`` (and ``policy`` for a policy lever)."""
        if self.section == "policy":
            if policy is None:
                raise ValueError(f"{self.path} is a policy lever: give the policy")
            return getattr(policy, self.name)
        if self.region is not None:
            region = next(r for r in scenario.population.regions if r.name == self.region)
            return getattr(region, self.name)
        owner: Any = scenario
        for part in self.section.split(".") if self.section else ():
            owner = getattr(owner, part)
        return getattr(owner, self.name)


def range_text(ge: float | None, gt: float | None, le: float | None, lt: float | None) -> str:
    """Bounds as a reader writes them: '≥ 0, ≤ 1', '> 0', 'any' (the reference's and the
    report's form)."""
    parts = []
    for bound, symbol in ((ge, "≥"), (gt, ">"), (le, "≤"), (lt, "<")):
        if bound is not None:
            parts.append(f"{symbol} {bound:g}")
    return ", ".join(parts) or "any"


def _bound(metadata: list[Any], attribute: str, whole: bool) -> float | None:
    for item in metadata:
        value = getattr(item, attribute, None)
        if value is not None:
            # An integer parameter's bound stays exact (a seed's 2**63 - 1 is no float).
            return int(value) if whole else float(value)
    return None


def field_bounds(metadata: list[Any], whole: bool = False) -> dict[str, float | None]:
    """A pydantic field's ``ge``, ``gt``, ``le`` and ``lt`` (None where it sets none)."""
    return {attribute: _bound(metadata, attribute, whole) for attribute in ("ge", "gt", "le", "lt")}


def _entries(model: type[BaseModel], section: str, per_run: bool) -> list[CatalogueEntry]:
    """The numeric parameters declared by ``model`` (not its sub-tables)."""
    found = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra
        if field.annotation not in (int, float) or not isinstance(extra, dict):
            continue
        if "unit" not in extra:
            continue
        default = None if field.is_required() else field.default
        whole = field.annotation is int
        found.append(
            CatalogueEntry(
                path=f"{section}.{name}" if section else name,
                section=section,
                name=name,
                model=model,
                whole=whole,
                description=field.description or "",
                unit=str(extra["unit"]),
                source=str(extra["source"]),
                default=default,
                **field_bounds(field.metadata, whole),
                per_run=per_run,
            )
        )
    return found


def _section_models(model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """(field name, class) of the sub-tables of ``model`` (``[battlefield]``, ...)."""
    return [
        (name, field.annotation)
        for name, field in model.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    ]


def _list_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    (item,) = get_args(model.model_fields[name].annotation)
    assert get_origin(model.model_fields[name].annotation) is list
    return item


@cache
def schema_catalogue() -> dict[str, CatalogueEntry]:
    """Every numeric parameter the schema declares, by path (built once).

    The region table's parameters appear once, as ``population.regions.<name>``; a
    scenario's own regions are in :func:`parameter_catalogue`.
    """
    from offramp.scenario.schema import PARAMETER_SECTIONS, Population, Scenario

    entries = _entries(Scenario, "", per_run=False)
    for section, model in _section_models(Scenario):
        if model is Population:
            for entry in _entries(Population, "population", per_run=False):
                entries.append(replace(entry, per_run=entry.name == "demand_spread"))
            region = _list_model(Population, "regions")
            entries += _entries(region, "population.regions", per_run=False)
            continue
        per_run = section in PARAMETER_SECTIONS
        entries += _entries(model, section, per_run)
        for sub, sub_model in _section_models(model):
            entries += _entries(sub_model, f"{section}.{sub}", per_run=False)
    entries += _entries(_list_model(Scenario, "policies"), "policy", per_run=True)
    return {entry.path: entry for entry in entries}


def parameter_catalogue(scenario: Scenario | None = None) -> dict[str, CatalogueEntry]:
    """The catalogue, with each of ``scenario``'s regions' per-run parameters if given.

    A region's ``no_concessions_share`` is ``population.<region>.no_concessions_share``
    (per run: an ensemble may vary the polls).
    """
    catalogue = dict(schema_catalogue())
    if scenario is not None:
        template = catalogue["population.regions.no_concessions_share"]
        for region in scenario.population.regions:
            path = f"population.{region.name}.no_concessions_share"
            catalogue[path] = replace(
                template, path=path, section="population", per_run=True, region=region.name
            )
    return catalogue


def per_run_parameters(scenario: Scenario) -> list[CatalogueEntry]:
    """The engine's parameters (``numeric_parameters``' keys), in the engine's order:
    the model sections, the policy's levers, the population's spread, then the regions."""
    entries = [e for e in parameter_catalogue(scenario).values() if e.per_run]
    order = {"policy": 1, "population": 2}
    return sorted(entries, key=lambda e: (order.get(e.section, 0), e.region is not None))


def numeric_values(scenario: Scenario, policy: Policy) -> dict[str, float]:
    """Dotted path -> value of every per-run parameter of ``scenario`` under ``policy``."""
    return {
        entry.path: float(entry.value(scenario, policy)) for entry in per_run_parameters(scenario)
    }


def entry(path: str, scenario: Scenario | None = None) -> CatalogueEntry:
    """The catalogue's entry for ``path`` (KeyError naming the path if there is none)."""
    try:
        return parameter_catalogue(scenario)[path]
    except KeyError:
        raise KeyError(f"no parameter {path!r} in the catalogue") from None
