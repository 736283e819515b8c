"""``offramp evidence``: the outside view beside the model's own rates.

Presentation only: the base rates come from ``data/base_rates.csv`` (built by
:mod:`offramp.analysis.base_rates`), the model's rates from :mod:`offramp.analysis.evidence`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from offramp.cli.errors import fail_on_user_error
from offramp.cli.options import HorizonOption, SeedOption

#: Runs per policy unless --runs says otherwise: the scenario's, capped here.
DEFAULT_RUNS_CAP = 1000


def register(app: typer.Typer) -> None:
    """Add this module's command to the `offramp` app."""
    app.command("evidence")(evidence_command)


def evidence_command(
    scenario: Annotated[
        str, typer.Argument(help="A bundled scenario name or a TOML file.")
    ] = "ukraine-2022",
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            "-n",
            min=10,
            help=f"Runs per policy [default: the scenario's, at most {DEFAULT_RUNS_CAP}].",
        ),
    ] = None,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Cross-national base rates beside the model's simulated rates under every policy."""
    with fail_on_user_error():
        from offramp.analysis.evidence import evidence
        from offramp.cli.progress import working
        from offramp.scenario.loading import load_scenario

        loaded = load_scenario(scenario)
        n = min(loaded.runs, DEFAULT_RUNS_CAP) if runs is None else runs
        with working(f"simulating {loaded.meta.name}...", sys.stderr.isatty()):
            result = evidence(loaded, runs=n, seed=seed, horizon=horizon)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    _print_evidence(result)


def _format(value: float, unit: str) -> str:
    return f"{value:.5f}" if unit == "per leader-month" else f"{100 * value:.1f}%"


def _print_evidence(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    model: dict[str, list[tuple[str, float]]] = {}
    for row in result["model"]:
        model.setdefault(row["name"], []).append((row["policy"], row["value"]))
    table = Table(
        title=f"The outside view beside {result['scenario']} ({result['runs']} runs per policy, "
        f"{result['horizon_months']} months)",
        caption="Base rates: data/base_rates.csv (Archigos 4.1; UCDP/PRIO ACD v25.1), 95% "
        "intervals. Model: removals by the leadership hazard per month of the first leader; "
        "protest = that rate minus the rate with protest_hazard 0; recurrence = Kaplan-Meier "
        "from the ceasefire (the model's wars are interstate). See docs/calibration.md.",
    )
    table.add_column("base rate / policy", overflow="fold")
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("95% interval, n", no_wrap=True)
    others = []
    for rate in result["base_rates"]:
        unit = rate["unit"]
        if rate["name"] not in model:
            others.append(rate["name"])
            continue
        low, high = rate["ci"]
        table.add_row(
            f"[bold]{rate['name']}[/bold]",
            _format(rate["value"], unit),
            f"[{_format(low, unit)}, {_format(high, unit)}], n={rate['n']}",
        )
        for policy, value in model[rate["name"]]:
            table.add_row(f"  model: {policy}", _format(value, unit), "")
    console = Console()
    console.print(table)
    if others:
        console.print(
            f"{len(others)} more base rates without a model counterpart (by who removed the "
            "leader; intrastate and internationalised recurrence): --json or "
            "`offramp data show base_rates`."
        )
