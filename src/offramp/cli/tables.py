"""Rich tables of a study's summary (presentation only: the numbers come from analysis).

The columns are the registry's (:func:`offramp.outcomes.summary_columns`), the same as the
HTML report's and the dashboard's.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.console import Console
from rich.table import Table

from offramp.outcomes import (
    POLL_ANSWERS,
    WINDOW_SHARE_DISPLAY,
    WINDOW_SHARES,
    WINDOW_TERRITORY,
    summary_columns,
    with_unit,
)
from offramp.study import Study

# Headings wrap at this width (or the column's widest cell) so that the table fits 150
# columns; the numbers never wrap.
HEADING_WIDTH = 10


def _interval(stats: dict[str, Any], scale: float = 100.0, digits: int = 1) -> str:
    if stats.get("median") is None:
        return "n/a"
    fmt = f"{{:.{digits}f}}"
    median = fmt.format(scale * stats["median"])
    if stats.get("p05") is None:
        return median
    return f"{median} [{fmt.format(scale * stats['p05'])}, {fmt.format(scale * stats['p95'])}]"


def _carries(manifest: dict[str, Any]) -> str:
    carried = manifest.get("parameter_uncertainty", {}).get("carries")
    return carried or "run-to-run uncertainty only"


def study_table(study: Study) -> Table:
    """The side-by-side comparison of a study's policies as a Rich table."""
    manifest = study.manifest
    columns = summary_columns()
    table = Table(
        title=f"{study.scenario.meta.title or manifest['scenario']}",
        caption=(
            f"{manifest['runs']} runs per policy, {manifest['horizon_months']} months from "
            f"{manifest['start']}, seed {manifest['seed']}, assumptions: "
            f"{manifest['assumptions']}. Intervals are the 5th-95th percentiles of runs; they "
            f"carry {_carries(manifest)}. "
            "Resumption is among runs whose deal took effect."
        ),
    )
    rows = [
        (name, *(column.cell(row) for column in columns)) for name, row in study.summary().items()
    ]
    # Headings wrap; numbers never do (a column is at least as wide as its widest cell).
    widths = [max(len(row[i]) for row in rows) if rows else 0 for i in range(len(columns) + 1)]
    table.add_column("policy", style="bold", min_width=widths[0])
    for column, width in zip(columns, widths[1:], strict=True):
        wrap = max(width, HEADING_WIDTH)
        heading = "\n".join(
            [*textwrap.wrap(column.heading, wrap), *textwrap.wrap(column.statistic_text, wrap)]
        )
        table.add_column(heading, justify="right", min_width=width)
    for row in rows:
        table.add_row(*row)
    return table


def print_study(study: Study, console: Console | None = None) -> None:
    """Print the side-by-side comparison of a study's policies."""
    # A pipe or a log gets a wide table rather than Rich's 80-column default.
    console = console or Console(width=None if Console().is_terminal else 150)
    console.print(study_table(study))


def _window_share(value: float | None) -> str:
    scale, unit = WINDOW_SHARE_DISPLAY
    return "n/a" if value is None else f"{scale * value:.0f}{unit}"


def print_poll(result: Any, console: Console | None = None) -> None:
    """The modelled public's answer, as a survey table (shares in %, 90% intervals)."""
    console = console or Console()
    labels = POLL_ANSWERS[result.question]
    table = Table(
        title=f"Poll, {result.month}: {result.deal}",
        caption=f"Adults in government-controlled areas as modelled; median and 5th-95th "
        f"percentiles over {result.runs} runs (model uncertainty, not a survey's sampling error).",
    )
    table.add_column("answer", style="bold")
    table.add_column("share, %\nmedian [5%, 95%]", justify="right")
    for key, label in labels.items():
        table.add_row(label, _interval(result.shares[key]))
    console.print(table)


def print_window(result: dict[str, Any], console: Console | None = None) -> None:
    """For each offer month: signed, ratified, in force, resumed, territory vs fighting on."""
    console = console or Console()
    table = Table(
        title=f"When could '{result['deal']}' pass, and would it hold?",
        caption=f"One offer at each month; {result['runs']} runs each, {result['horizon']} "
        "months; resumption is among runs whose deal took effect.",
    )
    table.add_column("offer month", justify="right")
    for share in WINDOW_SHARES:
        table.add_column(share.label, justify="right")
    scale, unit = WINDOW_TERRITORY.display
    table.add_column(WINDOW_TERRITORY.median_title, justify="right")
    table.add_column(with_unit("fighting on", unit), justify="right")
    for row in result["offers"]:
        table.add_row(
            row["offer_month"],
            *(_window_share(row[share.key]) for share in WINDOW_SHARES),
            f"{scale * row[WINDOW_TERRITORY.name]['median']:.1f}",
            f"{scale * row['territory_fight_on']['median']:.1f}",
        )
    console.print(table)
