"""The report's figures of a study: one function per figure, each with its caption.

Figures are drawn with matplotlib's object API (``matplotlib.figure.Figure``, never
``pyplot``), so that the dashboard's worker threads can draw reports side by side. Every
number shown comes from the study's outcomes and trajectories, from
``offramp.analysis.summary`` (medians, intervals, shares) or ``offramp.analysis.survival``
(the Kaplan-Meier estimate), and every outcome's label and unit from the registry
(``offramp.outcomes``): the report draws, it does not model.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from offramp.analysis.summary import removal_cause_shares, trajectory_bands
from offramp.outcomes import (
    OUTCOMES,
    PERCENT,
    REMOVAL_CAUSES,
    TRAJECTORIES,
    WINDOW_SHARE_AXIS,
    WINDOW_SHARE_DISPLAY,
    WINDOW_SHARES,
    WINDOW_TERRITORY,
    summary_column,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from offramp.study import Study


@dataclass
class ReportFigure:
    """A drawn figure with the name of its files, its title and its caption."""

    name: str
    title: str
    caption: str
    figure: Figure

    def svg(self) -> bytes:
        """The figure as SVG (text drawn as paths, so no font is needed to show it)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="svg", bbox_inches="tight")
        return buffer.getvalue()

    def save(self, folder: Path) -> list[Path]:
        """Write ``<name>.png`` (200 dpi) and ``<name>.svg`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for extension, options in (("png", {"dpi": 200}), ("svg", {})):
            path = folder / f"{self.name}.{extension}"
            self.figure.savefig(path, bbox_inches="tight", **options)
            written.append(path)
        return written


def new_figure(width: float, height: float) -> Figure:
    """A matplotlib figure not registered with pyplot (safe to draw in any thread)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def policy_colors(names: Sequence[str]) -> dict[str, str]:
    """One colour per policy, the same in every figure of a report."""
    from matplotlib import colormaps

    palette = colormaps["tab10"].colors
    return {
        name: "#{:02x}{:02x}{:02x}".format(*(int(255 * c) for c in palette[i % 10]))
        for i, name in enumerate(names)
    }


def territory_fan(study: Study) -> ReportFigure:
    """Fan charts of the territory the defender holds, month by month, one panel per policy."""
    names = list(study.results)
    colors = policy_colors(names)
    columns = min(len(names), 3)
    rows = int(np.ceil(len(names) / columns))
    figure = new_figure(4.0 * columns, 3.0 * rows)
    axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    territory = TRAJECTORIES["territory"]
    scale = territory.display[0]
    months = np.arange(study.horizon + 1)
    for ax, name in zip(axes, names, strict=False):
        bands = trajectory_bands(study.results[name].trajectory_data[territory.name])
        color = colors[name]
        ax.fill_between(
            months,
            scale * bands["p05"],
            scale * bands["p95"],
            color=color,
            alpha=0.18,
            linewidth=0,
            label="90% of runs",
        )
        ax.fill_between(
            months,
            scale * bands["p25"],
            scale * bands["p75"],
            color=color,
            alpha=0.35,
            linewidth=0,
            label="50% of runs",
        )
        ax.plot(months, scale * bands["median"], color=color, linewidth=1.8, label="median")
        ax.set_title(name, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel(territory.axis_title)
    for ax in axes[-columns:]:
        ax.set_xlabel(f"months since {study.scenario.meta.start}")
    axes[0].legend(loc="lower left", fontsize=8, frameon=False)
    defender = study.scenario.actors.defender
    return ReportFigure(
        name="territory_fan",
        title="Territory over time",
        caption=(
            f"Share of its internationally recognised area that {defender} holds, month by "
            f"month, under each policy ({study.runs} runs each). Line: median run; dark band: "
            "the central 50% of runs (25th-75th percentile); light band: the central 90% "
            "(5th-95th percentile)."
        ),
        figure=figure,
    )


def _interval_plot(
    ax: Axes,
    samples: dict[str, NDArray[np.float64]],
    summaries: dict[str, dict[str, float | None]],
    colors: dict[str, str],
    scale: float,
) -> None:
    """Violins of each policy's runs with the summary's median and 5-95% interval on top."""
    names = list(samples)
    for position, name in enumerate(names):
        values = scale * samples[name][~np.isnan(samples[name])]
        if values.size > 1 and np.ptp(values) > 0:
            parts = ax.violinplot(
                values,
                positions=[position],
                orientation="horizontal",
                widths=0.8,
                showextrema=False,
            )
            for body in parts["bodies"]:
                body.set_facecolor(colors[name])
                body.set_alpha(0.35)
        stats = summaries[name]
        if stats.get("median") is not None:
            ax.plot([scale * stats["median"]], [position], "o", color=colors[name])
        if stats.get("p05") is not None:
            ax.plot(
                [scale * stats["p05"], scale * stats["p95"]],
                [position, position],
                color=colors[name],
                linewidth=2,
            )
        elif stats.get("p95") is not None:
            # summaries of one-sided outcomes (peak protest) give only the upper percentile
            ax.plot(
                [scale * stats["p95"]],
                [position],
                "|",
                color=colors[name],
                markersize=14,
                markeredgewidth=2,
            )
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)


# The four outcomes drawn, each on the registry's scale.
OUTCOME_PANELS = ("territory_at_horizon", "territory_min", "months_at_war", "casualties")


def outcome_panels(
    outcomes: Mapping[str, pd.DataFrame], summary: Mapping[str, Mapping[str, Any]], what: str
) -> ReportFigure:
    """Distributions of the main outcomes per policy, with the summary's intervals.

    Parameters
    ----------
    outcomes
        One outcomes table per policy (rows are runs).
    summary
        Per policy, :func:`offramp.analysis.summary.summarize_outcomes` of that table.
    what
        What the rows are, for the caption ("200 runs per policy, 120 months").
    """
    names = list(outcomes)
    colors = policy_colors(names)
    figure = new_figure(11.0, 1.2 + 1.1 * len(names))
    axes = figure.subplots(2, 2, squeeze=False).ravel()
    for ax, column in zip(axes, OUTCOME_PANELS, strict=True):
        samples = {name: outcomes[name][column].to_numpy(float) for name in names}
        stats = {name: summary[name][column] for name in names}
        _interval_plot(ax, samples, stats, colors, OUTCOMES[column].display[0])
        ax.set_xlabel(OUTCOMES[column].axis_title)
    return ReportFigure(
        name="outcome_distributions",
        title="Outcomes at a glance",
        caption=(
            f"Distribution over runs ({what}) of four outcomes. Shaded: the shape of the "
            "distribution; dot: median; bar: 5th-95th percentile (the numbers of the summary "
            "table). A policy whose runs all end alike shows only a dot."
        ),
        figure=figure,
    )


def outcome_distributions(study: Study) -> ReportFigure:
    """Distributions of a study's main outcomes per policy (see :func:`outcome_panels`)."""
    outcomes = {name: result.outcomes for name, result in study.results.items()}
    what = f"{study.runs} per policy, {study.horizon} months"
    return outcome_panels(outcomes, study.summary(), what)


def peace_survival(study: Study) -> ReportFigure:
    """Kaplan-Meier curves of how long the ceasefire lasts after each deal."""
    from offramp.analysis.survival import peace_survival as survival_curve

    names = [name for name, result in study.results.items() if result.is_deal_policy]
    colors = policy_colors(list(study.results))
    figure = new_figure(8.0, 4.5)
    ax = figure.subplots()
    without = []
    for name in names:
        curve = survival_curve(study.results[name].outcomes)
        if curve is None:
            without.append(name)
            continue
        ax.fill_between(
            curve.months,
            PERCENT * curve.lower,
            PERCENT * curve.upper,
            step="post",
            color=colors[name],
            alpha=0.15,
            linewidth=0,
        )
        ax.step(
            curve.months,
            PERCENT * curve.holding,
            where="post",
            color=colors[name],
            label=f"{name} ({curve.ceasefires} ceasefires)",
        )
    ax.set_xlabel("months since the ceasefire took effect")
    ax.set_ylabel("ceasefires still holding, %")
    ax.set_ylim(0, 102)
    ax.set_xlim(0, study.horizon)
    ax.grid(alpha=0.3)
    if len(without) < len(names):
        ax.legend(fontsize=8, loc="lower left", frameon=False)
    if without or not names:
        note = (
            "no deal policy in this study"
            if not names
            else "no ceasefire took effect in any run of: " + ", ".join(without)
        )
        ax.text(0.98, 0.98, note, transform=ax.transAxes, ha="right", va="top", fontsize=8)
    return ReportFigure(
        name="peace_survival",
        title="How long peace lasts",
        caption=(
            "Kaplan-Meier estimate of the share of ceasefires still holding, by months since "
            "the deal took effect, among the runs whose deal took effect; bands: 95% "
            "confidence intervals (lifelines). A ceasefire still holding at the horizon "
            f"({study.horizon} months from the start) is censored there, not counted as ended."
        ),
        figure=figure,
    )


def protest_and_removal(study: Study) -> ReportFigure:
    """Peak protest per policy and the share of runs in which the leader lost office."""
    names = list(study.results)
    colors = policy_colors(names)
    summary = study.summary()
    figure = new_figure(11.0, 1.2 + 0.9 * len(names))
    protest_ax, removal_ax = figure.subplots(1, 2)
    protest = OUTCOMES["peak_protest"]
    samples = {name: study.results[name].outcomes[protest.name].to_numpy(float) for name in names}
    stats = {name: summary[name][protest.summary_key] for name in names}
    _interval_plot(protest_ax, samples, stats, colors, protest.display[0])
    critical = protest.display[0] * study.scenario.leadership.critical_protest
    protest_ax.axvline(critical, color="black", linestyle="--", linewidth=1)
    protest_ax.annotate(
        f"critical share {critical:g}%",
        (critical, 0),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=7,
        va="top",
    )
    protest_ax.set_xlabel(protest.axis_title)

    by_cause = {name: removal_cause_shares(study.results[name].outcomes) for name in names}
    left = np.zeros(len(names))
    for cause, hatch in zip(REMOVAL_CAUSES, ("", "//"), strict=True):
        shares = np.array([PERCENT * (by_cause[name][cause] or 0.0) for name in names])
        removal_ax.barh(
            range(len(names)),
            shares,
            left=left,
            hatch=hatch,
            edgecolor="white",
            color=[colors[name] for name in names],
            label=REMOVAL_CAUSES[cause],
        )
        left += shares
    for position, name in enumerate(names):
        removed = summary[name]["p_leader_removed"]
        removal_ax.text(
            PERCENT * removed + 1, position, f"{PERCENT * removed:.0f}%", va="center", fontsize=8
        )
    removal_ax.set_yticks(range(len(names)), names, fontsize=8)
    removal_ax.invert_yaxis()
    removal_ax.set_xlim(0, 110)
    removal_ax.set_xlabel(summary_column("leader_removed").title)
    removal_ax.legend(
        fontsize=8, frameon=False, loc="lower center", ncols=2, bbox_to_anchor=(0.5, 1.0)
    )
    removal_ax.grid(axis="x", alpha=0.3)
    return ReportFigure(
        name="protest_and_removal",
        title="Protest and the leader's fate",
        caption=(
            "Left: the highest monthly share of the population protesting in each run (dot: "
            "median; tick: 95th percentile); dashed: the share at which the removal hazard "
            "is half its maximum (Chenoweth's 3.5% rule in the bundled scenario). Right: share "
            "of runs in which the leader lost office within the horizon, by cause (solid: "
            "removed by the protest-driven hazard, which includes low approval and other "
            "causes; hatched: lost the election held after a deal)."
        ),
        figure=figure,
    )


# The window's probabilities, drawn in the registry's order with these markers.
WINDOW_STYLES = ("o-", "s-", "^-", "x--")


def deal_window(window: Mapping[str, Any], start: str) -> ReportFigure:
    """When could a deal pass, and would it hold: one offer at each month, side by side.

    Parameters
    ----------
    window
        :func:`offramp.analysis.negotiation.window`'s result (``deal``, ``runs``,
        ``horizon`` and ``offers``, each with ``offer_month``, the shares of
        :data:`offramp.outcomes.WINDOW_SHARES` (None when never in force),
        ``territory_at_horizon`` and ``territory_fight_on`` medians).
    start
        The scenario's first month (YYYY-MM), for the caption.
    """
    offers = list(window["offers"])
    months = [offer["offer_month"] for offer in offers]
    x = np.arange(len(months))
    figure = new_figure(11.0, 4.2)
    chance_ax, land_ax = figure.subplots(1, 2)
    share_scale = WINDOW_SHARE_DISPLAY[0]
    for share, style in zip(WINDOW_SHARES, WINDOW_STYLES, strict=True):
        values = [np.nan if o[share.key] is None else share_scale * o[share.key] for o in offers]
        chance_ax.plot(x, values, style, label=share.label, markersize=5)
    chance_ax.set_ylim(-0.02 * share_scale, 1.02 * share_scale)
    chance_ax.set_ylabel(WINDOW_SHARE_AXIS)
    chance_ax.legend(fontsize=8, frameon=False, loc="upper left")
    scale = WINDOW_TERRITORY.display[0]
    deal_line = [scale * offer[WINDOW_TERRITORY.name]["median"] for offer in offers]
    fight_line = [scale * offer["territory_fight_on"]["median"] for offer in offers]
    land_ax.plot(x, deal_line, "o-", label=f"offer '{window['deal']}' in this month")
    land_ax.plot(x, fight_line, "k--", label="fight on (no offer)")
    land_ax.set_ylabel(WINDOW_TERRITORY.median_title)
    land_ax.legend(fontsize=8, frameon=False, loc="best")
    step = max(1, int(np.ceil(len(months) / 8)))
    for ax in (chance_ax, land_ax):
        ax.set_xticks(x[::step], months[::step], rotation=45, ha="right", fontsize=8)
        ax.set_xlabel("month of the offer")
        ax.grid(alpha=0.3)
    return ReportFigure(
        name="deal_window",
        title=f"When could '{window['deal']}' pass, and would it hold?",
        caption=(
            f"The deal '{window['deal']}' offered once, at each month shown (from the scenario's "
            f"start, {start}), on the same {window['runs']} runs over {window['horizon']} "
            "months (analysis.negotiation.window). Left: share of runs in which the deal was "
            "signed, ratified and in force, and, among the runs in which it took effect, the "
            "share in which war resumed within 60 months (no point where it never took effect). "
            "Right: median territory held at the horizon when the deal is offered in that month, "
            "against fighting on."
        ),
        figure=figure,
    )


def study_figures(study: Study) -> list[ReportFigure]:
    """Every figure of a study's report, in reading order."""
    return [
        territory_fan(study),
        outcome_distributions(study),
        peace_survival(study),
        protest_and_removal(study),
    ]
