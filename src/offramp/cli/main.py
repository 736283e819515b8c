"""The ``offramp`` command: a thin face over the Python API.

Heavy libraries (NumPy, Numba, pandas) are imported inside the commands that need them, so
``offramp --help``, ``offramp scenarios`` and ``offramp validate`` answer at once.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from offramp.cli import calibrate, evidence, explore, negotiation, report, serve
from offramp.cli.data import data_app
from offramp.cli.errors import EXIT_USER_ERROR, fail_on_user_error
from offramp.cli.options import HorizonOption, RunsOption, SeedOption

app = typer.Typer(
    name="offramp",
    help="Will a negotiated settlement hold? Simulate land-for-peace, armistice and fighting "
    "on, with the public, the leader and the invader in the model.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from offramp import __version__

        typer.echo(f"offramp {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print offramp's version and exit.",
        ),
    ] = False,
) -> None:
    # The options before the verb (`offramp --version`); the help text is the app's.
    return None


ScenarioArgument = Annotated[
    str,
    typer.Argument(help="A bundled scenario name (see `offramp scenarios`) or a TOML file."),
]


@app.command()
def run(
    scenario: ScenarioArgument = "ukraine-2022",
    policy: Annotated[
        list[str] | None,
        typer.Option("--policy", "-p", help="Policy to run (repeat for several); all by default."),
    ] = None,
    runs: RunsOption = None,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
    assumptions: Annotated[
        str | None,
        typer.Option(
            "--assumptions",
            "-a",
            help="An assumption set (see `offramp assumptions`) or an overlay TOML file, "
            "applied to the scenario.",
        ),
    ] = None,
    deal_month: Annotated[
        str | None,
        typer.Option(
            "--deal-month",
            help="First offer of every deal policy: a month index or YYYY-MM (the schedule's "
            "other fields stay as the scenario sets them).",
        ),
    ] = None,
    fixed_parameters: Annotated[
        bool,
        typer.Option(
            "--fixed-parameters",
            help="Every run takes the scenario's values (intervals: run-to-run noise only).",
        ),
    ] = False,
    uncertain: Annotated[
        bool,
        typer.Option(
            "--uncertain",
            help="Also draw each run's values of the scenario's [uncertain] parameters.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the policies side by side and print their outcomes with intervals.

    By default each run draws the calibrated parameters from the calibration's uncertainty
    (data/calibration_draws.csv), so the intervals carry parameter and run uncertainty.
    """
    with fail_on_user_error():
        from offramp.cli.progress import policy_progress
        from offramp.scenario.loading import load_scenario
        from offramp.study import run_study

        loaded = load_scenario(scenario)
        if assumptions is not None:
            from offramp.scenario.assumptions import apply_assumptions

            loaded = apply_assumptions(loaded, assumptions)
        if deal_month is not None:
            loaded = _offered_from(loaded, deal_month)
        if fixed_parameters and uncertain:
            typer.echo("error: --fixed-parameters and --uncertain exclude each other", err=True)
            raise typer.Exit(EXIT_USER_ERROR)
        mode = "fixed" if fixed_parameters else ("uncertain" if uncertain else "calibrated")
        chosen = policy or loaded.policy_names
        with policy_progress(len(chosen), enabled=sys.stderr.isatty()) as advance:
            study = run_study(
                loaded,
                policies=chosen,
                runs=runs,
                seed=seed,
                horizon=horizon,
                assumptions=assumptions or "scenario",
                on_policy_done=advance,
                parameters=mode,
            )
    if as_json:
        typer.echo(json.dumps(study.to_dict(), indent=2))
        return
    from offramp.cli.tables import print_study

    print_study(study)


def _offered_from(scenario, month: str):
    """The scenario with every deal policy first offered at ``month`` (index or YYYY-MM)."""
    from offramp.analysis.negotiation import month_index

    index = int(month) if month.isdigit() else month_index(scenario, month, "--deal-month")
    policies = [
        p.model_copy(update={"deal_month": index, "offer_from": None}) if p.offers_deal else p
        for p in scenario.policies
    ]
    return scenario.model_copy(update={"policies": policies})


@app.command()
def validate(
    scenario: ScenarioArgument,
) -> None:
    """Check a scenario file: print OK, or every problem with its field (exit code 2)."""
    with fail_on_user_error():
        from offramp.scenario.loading import load_scenario

        loaded = load_scenario(scenario)
    typer.echo(
        f"OK: {scenario} is a valid scenario ({loaded.meta.name}, "
        f"{len(loaded.policies)} policies, {loaded.horizon_months} months)"
    )


@app.command()
def scenarios() -> None:
    """List the bundled scenarios."""
    from rich.console import Console
    from rich.table import Table

    from offramp.scenario.loading import bundled_scenarios, load_scenario

    table = Table(title="Bundled scenarios (use the name anywhere a scenario is asked for)")
    table.add_column("name", style="bold")
    table.add_column("start")
    table.add_column("policies")
    table.add_column("title")
    for name in bundled_scenarios():
        loaded = load_scenario(name)
        table.add_row(name, loaded.meta.start, ", ".join(loaded.policy_names), loaded.meta.title)
    Console().print(table)


# After the core verbs, so that `offramp --help` lists run, validate and scenarios first.
for _module in (negotiation, explore, calibrate, evidence, report, serve):
    _module.register(app)
app.add_typer(data_app, name="data")


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
