"""Options that set a scenario's own parameters (``--runs``, ``--seed``, ``--horizon``).

Their bounds are the parameter catalogue's (``offramp.scenario.catalogue``), checked when a
value is given; the catalogue is imported only then, so that ``offramp --help`` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer


def within_catalogue(path: str) -> Callable[[Any], Any]:
    """A Typer callback refusing a value outside the catalogue's bounds for ``path``."""

    def check(value: Any) -> Any:
        if value is None:
            return value
        from offramp.scenario.catalogue import entry

        allowed = entry(path)
        if not allowed.range.allows(value):
            raise typer.BadParameter(f"{value} is not allowed; {path} must be {allowed.range_text}")
        return value

    return check


def runs_option(help: str = "Runs per policy (default: the scenario's).") -> Any:
    """``--runs`` / ``-n``: runs per policy, within the catalogue's ``runs``."""
    return typer.Option("--runs", "-n", help=help, callback=within_catalogue("runs"))


def seed_option(help: str = "Master seed (default: the scenario's).") -> Any:
    """``--seed``: the master seed, within the catalogue's ``seed``."""
    return typer.Option("--seed", help=help, callback=within_catalogue("seed"))


def horizon_option(help: str = "Months simulated (default: the scenario's).") -> Any:
    """``--horizon``: months simulated, within the catalogue's ``horizon_months``."""
    return typer.Option("--horizon", help=help, callback=within_catalogue("horizon_months"))


RunsOption = Annotated[int | None, runs_option()]
SeedOption = Annotated[int | None, seed_option()]
HorizonOption = Annotated[int | None, horizon_option()]
