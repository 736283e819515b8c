"""Generate the parameter reference (``docs/parameters.md``) from the schema.

The schema is the single place where a parameter's meaning, unit, range and source are
written; the numeric parameters' rows come from the parameter catalogue built from it
(``offramp.scenario.catalogue``), the other fields' (choices, names) from the schema.
Regenerate with::

    python -m offramp.scenario.reference > docs/parameters.md

A test checks that the shipped page equals the generated one.
"""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from offramp.scenario.catalogue import (
    CatalogueEntry,
    field_bounds,
    range_text,
    schema_catalogue,
)
from offramp.scenario.schema import Policy, Population, Region, Scenario


def _catalogued() -> dict[tuple[type[BaseModel], str], CatalogueEntry]:
    """The numeric parameters by (schema class, field): their rows come from the catalogue."""
    return {(entry.model, entry.name): entry for entry in schema_catalogue().values()}


HEADER = """# Parameter reference

Generated from `src/offramp/scenario/schema.py` by
`python -m offramp.scenario.reference`; do not edit by hand.

Each table is a section of a scenario file. *Range* is what validation allows; *default*
is the value used when a scenario omits the parameter (the bundled scenarios set their own
values, with sources in their comments); *source* is the source of the default, or
"assumption" where there is none.
"""


def _bounds(info: FieldInfo) -> str:
    """The range of a field the catalogue does not hold (an optional number)."""
    return range_text(**field_bounds(info.metadata))


def _allowed(info: FieldInfo) -> str:
    args = get_args(info.annotation)
    if get_origin(info.annotation) is not None and args and all(isinstance(a, str) for a in args):
        return " \\| ".join(f"`{a}`" for a in args)
    return _bounds(info)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        return "(see text)"
    value = info.default
    return (
        f"`{value!r}`"
        if isinstance(value, str)
        else f"{value:g}"
        if isinstance(value, float)
        else str(value)
    )


def _catalogue_row(entry: CatalogueEntry) -> tuple[str, str, str, str]:
    """Unit, range, default and source of a numeric parameter, from the catalogue."""
    value = entry.default
    default = (
        "required" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    )
    return entry.unit, entry.range_text, default, entry.source


def _table(model: type[BaseModel], title: str, note: str = "") -> str:
    lines = [f"## `{title}`", ""]
    if note:
        lines += [note, ""]
    lines += [
        "| parameter | meaning | unit | range | default | source |",
        "|---|---|---|---|---|---|",
    ]
    catalogued = _catalogued()
    for name, info in model.model_fields.items():
        extra: dict[str, Any] = info.json_schema_extra or {}  # type: ignore[assignment]
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            continue
        if get_origin(annotation) is list and any(
            isinstance(a, type) and issubclass(a, BaseModel) for a in get_args(annotation)
        ):
            continue
        meaning = (info.description or "").replace("|", "\\|")
        entry = catalogued.get((model, name))
        if entry is not None:
            unit, allowed, default, source = _catalogue_row(entry)
        else:
            unit, allowed = extra.get("unit", ""), _allowed(info)
            default, source = _default(info), extra.get("source", "")
        lines.append(f"| `{name}` | {meaning} | {unit} | {allowed} | {default} | {source} |")
    return "\n".join(lines) + "\n"


def parameter_reference_markdown() -> str:
    """The whole parameter reference as Markdown."""
    parts = [HEADER, _table(Scenario, "top level", "Run settings at the top of the file.")]
    for name, info in Scenario.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation is Population:
                parts.append(_table(Population, "population"))
                parts.append(
                    _table(Region, "population.regions", "One `[[population.regions]]` a region.")
                )
            else:
                parts.append(_table(annotation, name))
    parts.append(_table(Policy, "policies", "One `[[policies]]` table a policy (the levers)."))
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(parameter_reference_markdown(), end="")
