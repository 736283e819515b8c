"""`offramp report`: one self-contained HTML file of figures and tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from offramp.cli.errors import EXIT_USER_ERROR, fail_on_user_error
from offramp.cli.options import HorizonOption, RunsOption, SeedOption


def report(
    source: Annotated[
        str,
        typer.Argument(
            help="A bundled scenario name or TOML file (a study of its policies), or a "
            "directory written by `offramp explore` (adds sensitivity, cruxes, trade-offs)."
        ),
    ] = "ukraine-2022",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The HTML file to write.", dir_okay=False)
    ] = Path("report.html"),
    assumptions: Annotated[
        str,
        typer.Option(
            "--assumptions",
            "-a",
            help="Named assumption set to apply to the scenario ('scenario': its own values).",
        ),
    ] = "scenario",
    figures: Annotated[
        Path | None,
        typer.Option(
            "--figures", help="Also write every figure as PNG and SVG into this directory."
        ),
    ] = None,
    runs: RunsOption = None,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Add the window figure of this deal (a bundled deal, a scenario's deal or a "
            "file): one offer at each month, as `offramp window`.",
        ),
    ] = None,
    window_months: Annotated[
        str | None,
        typer.Option(
            "--window-months",
            help="Offer months of the window, FROM:TO:STEP (as `offramp window --months`).",
        ),
    ] = None,
    window_runs: Annotated[
        int,
        typer.Option(
            "--window-runs",
            min=1,
            max=100_000,
            help="Runs of each offer month of the window (it simulates one study per month).",
        ),
    ] = 200,
) -> None:
    """Write an HTML report (fan charts, outcome distributions, survival of the peace,
    protest and removal, assumptions with sources, manifest) that opens offline."""
    from offramp.explore.store import StoreError
    from offramp.report.assumptions import UnknownAssumptionsError

    try:
        with fail_on_user_error():
            deal_window = (window, window_months, window_runs) if window else None
            written = _write(source, out, assumptions, figures, runs, seed, horizon, deal_window)
    except UnknownAssumptionsError as error:
        typer.echo(f"error: --assumptions: {error}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    except StoreError as error:
        typer.echo(f"error: {source}: {error}", err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    typer.echo(f"wrote {written[0]}")
    if len(written) > 1:
        typer.echo(f"wrote {len(written) - 1} figure files into {figures}")


def _write(
    source: str,
    out: Path,
    assumptions: str,
    figures: Path | None,
    runs: int | None,
    seed: int | None,
    horizon: int | None,
    deal_window: tuple[str, str | None, int] | None = None,
) -> list[Path]:
    from offramp.cli.progress import policy_progress
    from offramp.report import write_study_report
    from offramp.report.assumptions import apply_named_assumptions
    from offramp.scenario.loading import load_scenario
    from offramp.study import run_study

    if Path(source).is_dir():
        from offramp.report.exploration import write_exploration_report

        if deal_window is not None:
            from offramp.scenario.loading import Problem, ScenarioError

            message = "a window needs a scenario, not an exploration directory"
            raise ScenarioError("--window", [Problem("--window", deal_window[0], message)])
        return write_exploration_report(Path(source), out, figures)
    scenario = apply_named_assumptions(load_scenario(source), assumptions)
    chosen = None
    if deal_window is not None:
        # the deal and the months are checked before the study runs, so a typo fails fast
        from offramp.analysis.negotiation import resolve_deal
        from offramp.cli.negotiation import _offer_months

        name, months_text, window_runs = deal_window
        chosen = (resolve_deal(scenario, name), _offer_months(scenario, months_text))
    with policy_progress(len(scenario.policies), enabled=sys.stderr.isatty()) as advance:
        study = run_study(
            scenario,
            runs=runs,
            seed=seed,
            horizon=horizon,
            assumptions=assumptions,
            on_policy_done=advance,
        )
    window = None
    if chosen is not None:
        from offramp.analysis.negotiation import window as offer_window

        deal, months = chosen
        months = [m for m in months if m < study.horizon] or months  # offers after it: moot
        window = offer_window(
            scenario,
            deal,
            months,
            runs=deal_window[2],
            seed=study.seed,
            horizon=study.horizon,
        )
    return write_study_report(study, out, figures, window=window)


def register(app: typer.Typer) -> None:
    """Add `offramp report` to the `offramp` app."""
    app.command(name="report")(report)
