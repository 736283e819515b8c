"""Rich tables of a study's summary (presentation only: the numbers come from analysis).

The columns are the registry's (:func:`offramp.outcomes.summary_columns`), the same as the
HTML report's and the dashboard's.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.table import Table

from offramp.outcomes import summary_columns
from offramp.study import Study

# Headings wrap at this width (or the column's widest cell) so that the table fits 150
# columns; the numbers never wrap.
HEADING_WIDTH = 10


def study_table(study: Study) -> Table:
    """The side-by-side comparison of a study's policies as a Rich table."""
    manifest = study.manifest
    columns = summary_columns()
    table = Table(
        title=f"{study.scenario.meta.title or manifest['scenario']}",
        caption=(
            f"{manifest['runs']} runs per policy, {manifest['horizon_months']} months from "
            f"{manifest['start']}, seed {manifest['seed']}, assumptions: "
            f"{manifest['assumptions']}. Intervals are the 5th-95th percentiles of runs. "
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
