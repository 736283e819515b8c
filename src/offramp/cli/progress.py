"""Progress bars for commands that take more than a second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def working(message: str, enabled: bool = True) -> Iterator[None]:
    """A spinner with elapsed time on standard error, for steps without countable parts."""
    if not enabled:
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


@contextmanager
def policy_progress(total: int, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A Rich progress bar on standard error, advanced once per finished policy."""
    if not enabled:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} policies"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("simulating", total=total)

        def advance(name: str) -> None:
            progress.update(task, advance=1, description=f"done: {name}")

        yield advance
