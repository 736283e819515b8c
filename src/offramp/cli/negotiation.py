"""``offramp deals``, ``offramp poll`` and ``offramp window``: the deals on the table."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from offramp.cli.errors import fail_on_user_error
from offramp.cli.options import HorizonOption, SeedOption, runs_option
from offramp.outcomes import MONITORING_QUESTION

ScenarioArgument = Annotated[
    str, typer.Argument(help="A bundled scenario name (see `offramp scenarios`) or a TOML file.")
]
DealOption = Annotated[
    str | None,
    typer.Option(
        "--deal", "-d", help="A bundled deal (see `offramp deals`), a scenario's deal, or a file."
    ),
]
RunsOption = Annotated[int, runs_option("Runs.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def deals() -> None:
    """List the bundled deals, with their terms in brief and their sources."""
    from rich.console import Console
    from rich.table import Table

    from offramp.scenario.deal import BRIEF_TERMS, bundled_deals, load_deal, terms_in_brief

    table = Table(title="Bundled deals (use the name with --deal)")
    for column in ("name", *BRIEF_TERMS):
        table.add_column(column, overflow="fold")
    for name in bundled_deals():
        brief = terms_in_brief(load_deal(name))
        table.add_row(name, *(brief[column] for column in BRIEF_TERMS))
    Console().print(table)


def poll(
    scenario: ScenarioArgument = "ukraine-2025",
    deal: DealOption = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            help=f"{MONITORING_QUESTION}: KIIS's monitoring question instead of a deal.",
        ),
    ] = None,
    month: Annotated[str, typer.Option("--month", help="Calendar month, YYYY-MM.")] = "",
    runs: RunsOption = 500,
    seed: SeedOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask the modelled public about a deal (or KIIS's monitoring question) at a month."""
    with fail_on_user_error():
        from offramp.analysis.negotiation import poll as ask
        from offramp.analysis.negotiation import resolve_deal
        from offramp.scenario.loading import InputError, Problem, load_scenario

        loaded = load_scenario(scenario)
        if (deal is None) == (question is None):
            message = f"give exactly one of --deal NAME|FILE or --question {MONITORING_QUESTION}"
            raise InputError("poll", [Problem("--deal/--question", deal or question, message)])
        if question is not None and question != MONITORING_QUESTION:
            allowed = f"allowed: {MONITORING_QUESTION}"
            raise InputError("poll", [Problem("--question", question, allowed)])
        result = ask(
            loaded,
            month=month or loaded.meta.start,
            deal=None if deal is None else resolve_deal(loaded, deal),
            runs=runs,
            seed=seed,
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    from offramp.cli.tables import print_poll

    print_poll(result)


def window(
    scenario: ScenarioArgument = "ukraine-2025",
    deal: DealOption = None,
    months: Annotated[
        str | None,
        typer.Option(
            "--months",
            help="Offer months: FROM:TO:STEP in month indices or YYYY-MM "
            "(e.g. 2025-07:2027-07:3) [default: every 3 months over the first 3 years].",
        ),
    ] = None,
    runs: RunsOption = 300,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
    as_json: JsonOption = False,
) -> None:
    """When could a deal pass, and would it hold? One offer at each month, side by side."""
    with fail_on_user_error():
        from offramp.analysis.negotiation import resolve_deal
        from offramp.analysis.negotiation import window as offer_window
        from offramp.scenario.loading import InputError, Problem, load_scenario

        loaded = load_scenario(scenario)
        if deal is None:
            raise InputError("window", [Problem("--deal", None, "name a deal (offramp deals)")])
        chosen = resolve_deal(loaded, deal)
        result = offer_window(
            loaded, chosen, _offer_months(loaded, months), runs=runs, seed=seed, horizon=horizon
        )
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    from offramp.cli.tables import print_window

    print_window(result)


def _offer_months(scenario, text: str | None) -> list[int]:
    from offramp.analysis.negotiation import month_index
    from offramp.scenario.loading import InputError, Problem

    if text is None:
        return list(range(0, 37, 3))
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise InputError("--months", [Problem("--months", text, "FROM:TO or FROM:TO:STEP")])

    def as_index(part: str) -> int:
        if part.isdigit():
            return int(part)
        return month_index(scenario, part, field="--months")

    first, last = as_index(parts[0]), as_index(parts[1])
    step = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 3
    if last < first or step < 1:
        raise InputError("--months", [Problem("--months", text, "FROM <= TO and STEP >= 1")])
    return list(range(first, last + 1, step))


def register(app: typer.Typer) -> None:
    app.command()(deals)
    app.command()(poll)
    app.command()(window)
