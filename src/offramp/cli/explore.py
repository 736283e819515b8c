"""`offramp explore`, `sensitivity`, `cruxes` and `robustness`: ensembles under deep uncertainty.

Presentation only: the ensemble is run by :mod:`offramp.explore`, the numbers come from
:mod:`offramp.analysis.sensitivity`, :mod:`~offramp.analysis.cruxes` and
:mod:`~offramp.analysis.robustness`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from offramp.cli.errors import EXIT_USER_ERROR, fail_on_user_error
from offramp.cli.options import HorizonOption, SeedOption
from offramp.outcomes import UnknownOutcomeError, ranked_outcomes

if TYPE_CHECKING:
    import pandas as pd

StoreArgument = Annotated[str, typer.Argument(help="An explore store (the --out of `explore`).")]
MetricOption = Annotated[
    str,
    typer.Option(
        "--metric",
        "-m",
        help="Outcome column (docs/model.md): " + ", ".join(o.name for o in ranked_outcomes()),
    ),
]
DirectionOption = Annotated[
    bool | None,
    typer.Option(
        "--lower-is-better/--higher-is-better",
        help="Which way is better [default: the metric's own: "
        + ", ".join(f"{o.better} {o.name}" for o in ranked_outcomes()[:3])
        + ", ... (docs/model.md)].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    """Add ``explore``, ``sensitivity``, ``cruxes`` and ``robustness`` to the app."""
    app.command()(explore)
    app.command()(sensitivity)
    app.command()(cruxes)
    app.command()(robustness)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Bad scenario or policy (via fail_on_user_error), bad store or design: exit 2."""
    from offramp.explore.sampling import DesignError
    from offramp.explore.store import StoreError

    with fail_on_user_error():
        try:
            yield
        except (StoreError, DesignError, UnknownOutcomeError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None


def explore(
    scenario: Annotated[
        str, typer.Argument(help="A bundled scenario name or a TOML file with [uncertain].")
    ],
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            "-n",
            min=1,
            help="Samples of the uncertainties (sobol: base samples, a power of two, giving "
            "N(D+2) rows; morris: trajectories, N(D+1) rows).",
        ),
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="Store folder to write.")],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Random runs per sample.")
    ] = 1,
    sampler: Annotated[
        str, typer.Option("--sampler", help="lhs, sobol, morris or mc (Monte Carlo).")
    ] = "lhs",
    policy: Annotated[
        list[str] | None,
        typer.Option("--policy", "-p", help="Policy to run (repeat for several); all by default."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Local worker processes.")
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (tcp://host:port) to run on."),
    ] = None,
    chunk: Annotated[
        int | None,
        typer.Option(
            "--chunk",
            min=1,
            help="Runs per chunk [default: 1000, fewer so every worker gets one; resume: stored].",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted store: only missing chunks.")
    ] = False,
    trajectories: Annotated[
        bool, typer.Option("--trajectories", help="Also store monthly trajectories.")
    ] = False,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
) -> None:
    """Sample the scenario's uncertainties and run every policy in each sampled world."""
    with _user_errors():
        from offramp.explore.runner import explore as run_explore
        from offramp.scenario.loading import load_scenario

        loaded = load_scenario(scenario)
        with _run_progress(enabled=sys.stderr.isatty()) as (start, advance):
            store = run_explore(
                loaded,
                out,
                samples=samples,
                replications=replications,
                sampler=sampler,
                policies=policy,
                seed=seed,
                horizon=horizon,
                chunk=chunk,
                workers=workers,
                scheduler=scheduler,
                resume=resume,
                trajectories=trajectories,
                on_start=start,
                on_chunk_done=advance,
            )
    manifest = store.manifest
    typer.echo(
        f"{store.root}: {manifest['runs_per_policy']} runs x {len(manifest['policies'])} "
        f"policies ({manifest['design_rows']} samples x {manifest['replications']} "
        f"replications, {manifest['sampler']}), {manifest['n_chunks']} chunks, "
        f"{manifest['status']}"
    )


@contextmanager
def _run_progress(enabled: bool) -> Iterator[tuple[Any, Any]]:
    """A Rich progress bar on standard error counting simulated runs, with rate and ETA."""
    if not enabled:
        yield (lambda total, done: None), (lambda runs: None)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} runs/s")

    columns = (
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("simulating", total=None)

        def start(total: int, done: int) -> None:
            progress.update(task, total=total, completed=done)

        def advance(runs: int) -> None:
            progress.update(task, advance=runs)

        yield start, advance


def sensitivity(
    store: StoreArgument,
    metric: MetricOption,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="Policy [default: the first stored].")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Which uncertainties drive a metric: Sobol' S1/ST, Morris mu*/sigma, or PAWN."""
    with _user_errors():
        from offramp.analysis.sensitivity import store_sensitivity
        from offramp.explore.store import StoreError, open_store

        opened = open_store(store)
        chosen = policy or opened.policies[0]
        try:
            method, tables = store_sensitivity(opened, metric, [chosen])
        except ValueError as error:
            raise StoreError(f"{metric}: {error}") from None
        table = tables[chosen].reset_index()
    note = {
        "sobol": "Sobol' first-order (S1) and total-order (ST) indices, 95% bootstrap intervals",
        "morris": "Morris elementary effects in quantile units: mu* (influence), sigma "
        "(non-linearity or interaction)",
        "pawn": "PAWN, moment-independent (median, min, max KS distance over 10 slices), and "
        "a first-order Sobol' estimate (S1, 95% interval)",
    }[method]
    if as_json:
        document = {
            "store": store,
            "metric": metric,
            "policy": chosen,
            "method": method,
            "indices": table.to_dict(orient="records"),
        }
        typer.echo(json.dumps(document, indent=2))
        return
    _print_frame(
        f"Sensitivity of {metric} under {chosen}",
        table,
        f"{note}; {opened.manifest['design_rows']} samples, replications averaged.",
    )


def cruxes(
    store: StoreArgument,
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy A.")],
    versus: Annotated[str, typer.Option("--versus", help="Policy B, compared with A.")],
    metric: MetricOption = "territory_at_horizon",
    lower_is_better: DirectionOption = None,
    max_boxes: Annotated[
        int, typer.Option("--max-boxes", min=1, max=10, help="PRIM boxes to look for.")
    ] = 2,
    as_json: JsonOption = False,
) -> None:
    """The assumptions that decide whether policy A beats policy B (scenario discovery, PRIM)."""
    with _user_errors():
        from offramp.analysis.cruxes import compare, phrase
        from offramp.analysis.robustness import higher_is_better
        from offramp.explore.store import open_store

        opened = open_store(store)
        values = opened.metric_by_world(metric, [policy, versus])
        higher = higher_is_better(metric, lower_is_better)
        parameters = opened.samples().set_index("sample").loc[values.index, opened.parameters]
        found = compare(
            parameters, values[policy], values[versus], policy, versus, metric, higher, max_boxes
        )
        boxes, sentence = found.boxes, found.sentence
    direction = "higher" if higher else "lower"
    if as_json:
        document = {
            "store": store,
            "policy": policy,
            "versus": versus,
            "metric": metric,
            "better": direction,
            "case": f"{policy} {phrase(metric, higher)} than {versus}",
            "share": found.share,
            "worlds": int(len(found.wins)),
            "boxes": [box.to_dict() for box in boxes],
            "summary": sentence,
        }
        typer.echo(json.dumps(document, indent=2))
        return
    from rich.console import Console

    console = Console(width=None if Console().is_terminal else 120)
    console.print(
        f"[bold]Case of interest:[/] {policy} beats {versus} on {metric} "
        f"({direction} is better; means over replications, same random streams), "
        f"in {found.share:.0%} of {len(found.wins)} sampled worlds."
    )
    for number, box in enumerate(boxes, start=1):
        _print_frame(
            f"Box {number}: coverage {box.coverage:.0%}, density {box.density:.0%}, "
            f"mass {box.mass:.0%} ({box.k} of {box.n} worlds in the box are wins)",
            box.limits,
            "Parameter ranges restricted by the box (others unrestricted).",
            console,
        )
        shown = box.trajectory_summary()
        shown["chosen"] = shown["chosen"].map({True: "<-", False: ""})
        _print_frame(
            f"Box {number}: peeling trajectory, coverage against density",
            shown,
            f"The densest box for each number of restricted parameters ({len(box.trajectory)} "
            "boxes in all; --json gives every one). The chosen box balances coverage and "
            "density (harmonic mean) with at most 3 restricted parameters.",
            console,
        )
    console.print(sentence)


def robustness(
    store: StoreArgument,
    metric: MetricOption,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Satisficing threshold (share of worlds meeting it)."),
    ] = None,
    lower_is_better: DirectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per policy: regret against the best policy in each sampled world, and satisficing."""
    with _user_errors():
        from offramp.analysis.robustness import higher_is_better
        from offramp.analysis.robustness import robustness as robustness_table
        from offramp.explore.store import open_store

        opened = open_store(store)
        values = opened.metric_by_world(metric)
        higher = higher_is_better(metric, lower_is_better)
        table = robustness_table(values, higher, threshold).reset_index()
    direction = "higher" if higher else "lower"
    if as_json:
        document = {
            "store": store,
            "metric": metric,
            "better": direction,
            "threshold": threshold,
            "worlds": int(len(values)),
            "policies": json.loads(table.to_json(orient="records")),
        }
        typer.echo(json.dumps(document, indent=2))
        return
    satisficing = (
        f"satisficing: share of worlds with {metric} {'>=' if higher else '<='} {threshold}"
        if threshold is not None
        else "pass --threshold for the satisficing share"
    )
    _print_frame(
        f"Robustness on {metric} ({direction} is better) across {len(values)} worlds",
        table,
        "Regret: shortfall from the best policy in the same world (replications averaged); "
        f"most robust first (lowest maximum, then 90th-percentile regret); {satisficing}.",
    )


def _print_frame(title: str, frame: pd.DataFrame, caption: str, console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console(width=None if Console().is_terminal else 120)
    table = Table(title=title, caption=caption, title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), justify="left" if frame[column].dtype == object else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(value) for value in row))
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if value != value else f"{value:.3g}"
    return str(value)
