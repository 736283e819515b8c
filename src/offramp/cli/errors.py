"""Turn a user's mistake into a clear message and exit code 2, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

EXIT_USER_ERROR = 2


@contextmanager
def fail_on_user_error() -> Iterator[None]:
    """Catch the errors a user can cause (bad scenario, unknown name) and exit with code 2."""
    from offramp.scenario.files import UnreadableFileError
    from offramp.scenario.loading import ScenarioError
    from offramp.study import UnknownPolicyError

    try:
        yield
    except UnreadableFileError as error:
        typer.echo(f"error: {error}", err=True)  # one line: the file, what it is, the reason
        raise typer.Exit(EXIT_USER_ERROR) from None
    except ScenarioError as error:
        typer.echo(f"error: {error.source} is not a valid {error.what}:", err=True)
        for problem in error.problems:
            typer.echo(f"  - {problem}", err=True)
        if error.what == "scenario":
            typer.echo("Fix the fields above; `offramp validate FILE` checks a file.", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except UnknownPolicyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
