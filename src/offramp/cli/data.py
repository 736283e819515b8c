"""``offramp data``: list and show the data sets shipped with offramp."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

data_app = typer.Typer(
    help="List and show the reference data shipped with offramp (polls, territory, population).",
    no_args_is_help=True,
)


def _fmt(value: object) -> str:
    import pandas as pd

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@data_app.command("list")
def list_command() -> None:
    """List the shipped data sets (name, rows, title, file)."""
    from rich.console import Console
    from rich.table import Table

    from offramp.datasets import list_datasets

    df = list_datasets()
    table = Table(title="offramp data sets")
    table.add_column("name", style="bold")
    table.add_column("rows", justify="right")
    table.add_column("title")
    table.add_column("file", style="dim")
    for row in df.itertuples(index=False):
        table.add_row(row.name, str(row.rows), row.title, row.file)
    Console().print(table)


@data_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="Data set name (see `offramp data list`).")],
    rows: Annotated[
        int | None,
        typer.Option("--rows", "-n", min=1, help="Show only the first N rows."),
    ] = None,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write the raw CSV to standard output.")
    ] = False,
) -> None:
    """Show one data set as a table, or as raw CSV with --csv."""
    from offramp.datasets import UnknownDatasetError, dataset_text, load_dataset

    try:
        if as_csv:
            text = dataset_text(name)
        else:
            df = load_dataset(name)
    except UnknownDatasetError as err:
        typer.echo(
            f"Error: unknown dataset {err.name!r}. Allowed names: {', '.join(err.allowed)}",
            err=True,
        )
        raise typer.Exit(code=2) from None

    if as_csv:
        lines = text.splitlines(keepends=True)
        if rows is not None:
            import csv
            import io

            reader = csv.reader(io.StringIO(text))
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            for i, record in enumerate(reader):
                if i > rows:
                    break
                writer.writerow(record)
            lines = [buf.getvalue()]
        sys.stdout.write("".join(lines))
        return

    from rich.console import Console
    from rich.table import Table

    shown = df if rows is None else df.head(rows)
    table = Table(title=f"{name} ({len(shown)} of {len(df)} rows)", show_lines=False)
    for col in shown.columns:
        table.add_column(str(col), overflow="fold")
    for record in shown.itertuples(index=False):
        table.add_row(*(_fmt(v) for v in record))
    Console().print(table)
