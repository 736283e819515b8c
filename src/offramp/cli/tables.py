"""Rich tables of a study's summary (presentation only: the numbers come from analysis)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from offramp.study import Study


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


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


def print_study(study: Study, console: Console | None = None) -> None:
    """Print the side-by-side comparison of a study's policies."""
    # A pipe or a log gets a wide table rather than Rich's 80-column default.
    console = console or Console(width=None if Console().is_terminal else 150)
    manifest = study.manifest
    summary = study.summary()
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
    table.add_column("policy", style="bold")
    table.add_column("territory held at horizon, %\nmedian [5%, 95%]", justify="right")
    table.add_column("deal in force", justify="right")
    table.add_column("war resumed\nwithin 60 mo.", justify="right")
    table.add_column("leader\nremoved", justify="right")
    table.add_column("peak protest, %\nmedian", justify="right")
    table.add_column("months\nat war", justify="right")
    table.add_column("casualties, thousands\nmedian [5%, 95%]", justify="right")
    for name, row in summary.items():
        table.add_row(
            name,
            _interval(row["territory_at_horizon"]),
            _pct(row["p_deal_ratified"]),
            _pct(row["p_war_resumed_60m"]),
            _pct(row["p_leader_removed"]),
            f"{100 * row['peak_protest']['median']:.1f}",
            f"{row['months_at_war']['median']:.0f}",
            _interval(row["casualties"], scale=1e-3, digits=0),
        )
    console.print(table)
