"""Find, read and validate scenario files.

A scenario is a TOML file. TOML has no include, no expression and no reference to other
files, and the file is only ever parsed as data (``tomllib``), so nothing in a scenario file
can run code or read another file. It is read by :func:`offramp.scenario.files.read_toml`,
which refuses, in one line, a file that is missing, a directory, over 1 MiB, binary, not
UTF-8, nested over 64 levels or malformed.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from offramp.scenario.files import read_toml
from offramp.scenario.schema import Scenario

BUNDLED_PACKAGE = "offramp.scenarios"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where, what was given, what is allowed."""

    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        shown = "(missing)" if self.value is _MISSING else repr(self.value)
        where = self.field or "(file)"
        return f"{where}: got {shown}; {self.message}"


_MISSING = object()


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists every reason."""

    what = "scenario"

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


class InputError(ScenarioError):
    """A value given on the command line or to an API call that cannot be used."""

    what = "input"


def bundled_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios shipped with the package."""
    folder = resources.files(BUNDLED_PACKAGE)
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name.removesuffix(".toml")] = Path(str(entry))
    return dict(sorted(found.items()))


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A bundled name (``ukraine-2022``) or a path to a TOML file."""
    text = str(name_or_path)
    bundled = bundled_scenarios()
    if text in bundled:
        return bundled[text]
    path = Path(text)
    if path.exists():
        return path  # a directory or a special file is refused, saying so, by read_toml
    if path.suffix == ".toml" or "/" in text or "\\" in text:
        raise ScenarioError(text, [Problem("", text, "no such file")])
    allowed = ", ".join(bundled) or "(none)"
    raise ScenarioError(
        text,
        [Problem("", text, f"not a bundled scenario or a file; bundled scenarios: {allowed}")],
    )


def read_scenario_table(path: Path) -> dict[str, Any]:
    """Parse a scenario file into a plain dict (:func:`~offramp.scenario.files.read_toml`).

    Raises
    ------
    UnreadableFileError
        If the file cannot be read or parsed (the reason in one line).
    """
    return read_toml(path, what="scenario")


def validate_scenario(table: dict[str, Any], source: str = "scenario") -> Scenario:
    """Validate a parsed scenario table; raise ScenarioError listing every problem."""
    problems = list(_non_finite_numbers(table))
    try:
        scenario = Scenario.model_validate(table)
    except ValidationError as error:
        problems.extend(problems_from(error))
        scenario = None
    if problems:
        # NaN and infinity are reported by both passes; keep each field once.
        unique = {(problem.field, problem.message): problem for problem in problems}
        raise ScenarioError(source, list(unique.values()))
    assert scenario is not None
    return scenario


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a bundled scenario by name, or a scenario file by path.

    Raises
    ------
    ScenarioError
        With one ``Problem`` per field in error (path, value given, what is allowed), or
        if the name is neither a bundled scenario nor an existing path.
    UnreadableFileError
        If the file cannot be read or parsed (missing, a directory, too large, binary, not
        UTF-8, nested too deep, malformed TOML), with the reason in one line.
    """
    path = resolve_scenario_path(name_or_path)
    return validate_scenario(read_scenario_table(path), source=str(name_or_path))


def scenario_sha256(scenario: BaseModel) -> str:
    """Hash of the validated scenario's canonical JSON (independent of file layout)."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _dotted(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _allowed_keys(model: type[BaseModel], location: tuple[Any, ...]) -> list[str]:
    """The field names allowed at ``location`` (for 'unknown field' messages)."""
    current: Any = model
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        nxt = None
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                nxt = candidate
                break
            for inner in getattr(candidate, "__args__", ()):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    nxt = inner
        if nxt is None:
            return []
        current = nxt
    return sorted(current.model_fields)


def problems_from(
    error: ValidationError, model: type[BaseModel] = Scenario, unknown: str = "unknown field"
) -> list[Problem]:
    """One :class:`Problem` per error pydantic found validating ``model`` (a scenario, a deal).

    ``unknown`` names what an unknown key is ("unknown field", "unknown term"); the keys
    ``model`` allows at that place are listed after it.
    """
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(item["loc"])
        field = _dotted(location)
        value = item.get("input", _MISSING)
        kind = item["type"]
        if kind == "missing":
            value, message = _MISSING, "this field is required"
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(model, location)
            message = unknown + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif kind == "value_error":
            message = str(item["msg"]).removeprefix("Value error, ")
        else:
            message = item["msg"]
            context = item.get("ctx") or {}
            if "expected" in context:
                message = f"must be one of {context['expected']}"
        if isinstance(value, dict | list) and kind != "extra_forbidden":
            value = type(value).__name__
        problems.append(Problem(field, value, message))
    return problems


def _non_finite_numbers(table: Any, location: tuple[Any, ...] = ()) -> list[Problem]:
    if isinstance(table, float) and not math.isfinite(table):
        return [Problem(_dotted(location), table, "must be a finite number (no NaN or infinity)")]
    if isinstance(table, dict):
        return [
            p for key, value in table.items() for p in _non_finite_numbers(value, (*location, key))
        ]
    if isinstance(table, list):
        return [
            p for i, value in enumerate(table) for p in _non_finite_numbers(value, (*location, i))
        ]
    return []
