"""Named assumption sets: each side of the debate as an overlay of scenario parameters.

An assumption set is a TOML file with the same sections as a scenario file
(``[bargaining]``, ``[ratification]``, ...) holding only the values it changes, plus

- ``[about]``: ``name``, ``title``, ``argument`` (the claim in a sentence or two) and
  ``citations`` (the works the set stands for);
- ``[sources]``: for every parameter it sets, ``"section.field" = "citation"`` or
  ``"assumption"`` (a set with an unsourced value is refused);
- ``[ranges]`` (optional): ``"section.field" = [low, high]``, the range the set claims for a
  parameter (the baseline's span both sides of the debate).

Applying a set re-validates the merged scenario, so an unknown section or field, a value
out of its allowed range or a malformed range is reported like any scenario problem
(field, value given, what is allowed) and the CLI exits with code 2.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from offramp.scenario.files import read_toml
from offramp.scenario.loading import Problem, ScenarioError, validate_scenario
from offramp.scenario.schema import ASSUMPTION, PARAMETER_SECTIONS, Scenario

BUNDLED_PACKAGE = "offramp.assumptions"
OVERLAY_SECTIONS = PARAMETER_SECTIONS
_META_TABLES = ("about", "sources", "ranges")


@dataclass(frozen=True)
class AssumptionSet:
    """One side of the debate: values by dotted path, each with its source."""

    name: str
    title: str
    argument: str
    citations: tuple[str, ...]
    values: dict[str, Any]
    sources: dict[str, str]
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    path: str = ""

    def overlay(self) -> dict[str, dict[str, Any]]:
        """The values as scenario tables (``{"bargaining": {"emboldening": 1.5}}``)."""
        tables: dict[str, dict[str, Any]] = {}
        for dotted, value in self.values.items():
            section, name = dotted.split(".", 1)
            tables.setdefault(section, {})[name] = value
        return tables


def bundled_assumption_sets() -> dict[str, Path]:
    """Names and paths of the assumption sets shipped with the package."""
    folder = resources.files(BUNDLED_PACKAGE)
    found = {
        entry.name.removesuffix(".toml"): Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }
    return dict(sorted(found.items()))


def assumption_sets() -> list[AssumptionSet]:
    """Every bundled assumption set, parsed and checked (sources, shapes)."""
    return [load_assumption_set(name) for name in bundled_assumption_sets()]


def load_assumption_set(name_or_path: str | Path) -> AssumptionSet:
    """A bundled set by name (``domestic-veto``) or an assumption file by path.

    Raises
    ------
    ScenarioError
        Listing every problem (unknown table, unsourced value, malformed range).
    UnreadableFileError
        If the file cannot be read or parsed (see :func:`offramp.scenario.files.read_toml`).
    """
    text = str(name_or_path)
    bundled = bundled_assumption_sets()
    if text in bundled:
        path = bundled[text]
    elif Path(text).exists():
        path = Path(text)  # a directory or a special file is refused, saying so, by read_toml
    else:
        allowed = ", ".join(bundled) or "(none)"
        raise ScenarioError(
            f"assumption set {text!r}",
            [Problem("", text, f"not a bundled assumption set or a file; bundled: {allowed}")],
        )
    table = read_toml(path, what="assumption set")
    source = f"assumption set {text!r}"
    problems: list[Problem] = []
    for key in table:
        if key not in OVERLAY_SECTIONS and key not in _META_TABLES:
            allowed = ", ".join((*OVERLAY_SECTIONS, *_META_TABLES))
            problems.append(Problem(key, "(table)", f"unknown table; allowed: {allowed}"))
    values: dict[str, Any] = {}
    for section in OVERLAY_SECTIONS:
        entries = table.get(section, {})
        if not isinstance(entries, dict):
            problems.append(Problem(section, entries, "must be a table of parameter values"))
            continue
        for name, value in entries.items():
            values[f"{section}.{name}"] = value
    sources = table.get("sources", {})
    raw_ranges = table.get("ranges", {})
    for dotted in values:
        cited = sources.get(dotted)
        if not isinstance(cited, str) or not cited.strip():
            problems.append(
                Problem(
                    f"sources.{dotted}",
                    cited if cited is not None else "(missing)",
                    "every parameter the set changes needs a source "
                    f'(a citation or "{ASSUMPTION}")',
                )
            )
    for dotted in sources:
        if dotted not in values and dotted not in raw_ranges:
            problems.append(
                Problem(
                    f"sources.{dotted}", sources[dotted], "cites a parameter the set does not set"
                )
            )
    ranges: dict[str, tuple[float, float]] = {}
    for dotted, pair in raw_ranges.items():
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)
            or pair[0] > pair[1]
        ):
            problems.append(
                Problem(f"ranges.{dotted}", pair, "must be [low, high] with low <= high")
            )
            continue
        ranges[dotted] = (float(pair[0]), float(pair[1]))
        if dotted not in sources:
            problems.append(Problem(f"sources.{dotted}", "(missing)", "a range needs a source too"))
    about = table.get("about", {})
    if problems:
        raise ScenarioError(source, problems)
    return AssumptionSet(
        name=str(about.get("name", path.stem)),
        title=str(about.get("title", "")),
        argument=str(about.get("argument", "")),
        citations=tuple(about.get("citations", ())),
        values=values,
        sources=dict(sources),
        ranges=ranges,
        path=str(path),
    )


def apply_assumptions(scenario: Scenario, name: str | Path) -> Scenario:
    """The scenario with the assumption set's values in place, validated again.

    Raises
    ------
    ScenarioError
        If the set is malformed, names an unknown parameter, gives a value outside the
        parameter's allowed range, or claims a range the parameter does not allow.
    """
    chosen = load_assumption_set(name)
    table = scenario.model_dump(mode="python")
    merged = copy.deepcopy(table)
    for section, entries in chosen.overlay().items():
        merged.setdefault(section, {}).update(entries)
    source = f"assumption set {str(name)!r} applied to {scenario.meta.name}"
    problems: list[Problem] = []
    allowed = scenario.parameter_ranges()
    for dotted, (low, high) in chosen.ranges.items():
        limits = allowed.get(dotted)
        if limits is None:
            problems.append(Problem(f"ranges.{dotted}", [low, high], "not a numeric parameter"))
            continue
        for end in (low, high):
            if not limits.allows(end):
                problems.append(Problem(f"ranges.{dotted}", end, f"{dotted} allows {limits}"))
    try:
        result = validate_scenario(merged, source=source)
    except ScenarioError as error:
        problems = [*error.problems, *problems]
        result = None
    if problems:
        raise ScenarioError(source, problems)
    assert result is not None
    return result
