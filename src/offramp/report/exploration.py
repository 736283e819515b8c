"""The HTML report of an exploration (an ``offramp explore`` store).

Besides each policy's outcomes over every sampled world, it shows which uncertain
assumptions drive the outcome (the sensitivity tornado: Sobol' indices for a Sobol' design,
Morris or delta otherwise, from :mod:`offramp.analysis.sensitivity`), where each deal beats
fighting on (PRIM boxes with coverage and density, from :mod:`offramp.analysis.cruxes`),
how robust each policy is (regret, from :mod:`offramp.analysis.robustness`) and the
trade-off between territory and lives. The report reads the store and draws; every number
comes from those modules or from :mod:`offramp.analysis.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from offramp.analysis.summary import quantiles, summarize_outcomes
from offramp.outcomes import OUTCOMES, PERCENT, with_unit
from offramp.report import html
from offramp.report.figures import (
    ReportFigure,
    new_figure,
    outcome_panels,
    policy_colors,
)

if TYPE_CHECKING:
    from offramp.analysis.cruxes import Box
    from offramp.explore.store import Store

# The outcome the tornado, the cruxes and the robustness table speak of: the op-ed's
# question is about land, so land it is; lives are the trade-off plot's other axis.
MAIN_METRIC = "territory_at_horizon"
COST_METRIC = "casualties"


@dataclass
class Crux:
    """One comparison (policy A against the baseline B) and the PRIM boxes that explain it."""

    a: str
    b: str
    share: float
    boxes: list[Box]
    sentence: str


def _deal_policies(store: Store) -> dict[str, bool]:
    from offramp.scenario.schema import Policy

    declared = store.manifest["scenario_json"]["policies"]
    policies = {p["name"]: Policy.model_validate(p) for p in declared}
    return {name: name in policies and policies[name].offers_deal for name in store.policies}


def baseline_policy(store: Store) -> str:
    """The policy the others are compared with: fight-on if the store has it, else the first."""
    deals = _deal_policies(store)
    return next((name for name, deal in deals.items() if not deal), store.policies[0])


def sensitivity_tornado(store: Store, metric: str = MAIN_METRIC) -> ReportFigure:
    """Tornado of the uncertain parameters' influence on ``metric``, one panel per policy."""
    from offramp.analysis.sensitivity import INFLUENCE, influence_order, store_sensitivity

    names = store.parameters
    method, tables = store_sensitivity(store, metric)
    influence = INFLUENCE[method]
    order = influence_order(method, tables)  # most influential at the top
    colors = policy_colors(store.policies)
    columns = min(len(store.policies), 3)
    rows = int(np.ceil(len(store.policies) / columns))
    figure = new_figure(4.2 * columns, 0.8 + 0.28 * len(names) * rows)
    axes = figure.subplots(rows, columns, sharey=True, squeeze=False).ravel()
    positions = np.arange(len(order))
    for ax, policy in zip(axes, store.policies, strict=False):
        table = tables[policy].loc[order]
        ax.barh(
            positions,
            table[influence.main],
            xerr=influence.whiskers(table),
            color=colors[policy],
            alpha=0.75,
            error_kw={"linewidth": 0.8},
        )
        if influence.first is not None:
            ax.plot(table[influence.first], positions, "o", color="black", markersize=3)
        ax.set_title(policy, fontsize=10)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel(influence.axis)
    for ax in axes[len(store.policies) :]:
        ax.set_visible(False)
    axes[0].set_yticks(positions, order)
    for ax in axes:
        ax.tick_params(axis="y", labelsize=7)
    return ReportFigure(
        name="sensitivity_tornado",
        title=f"Which assumptions drive {OUTCOMES[metric].label}",
        caption=(
            f"Influence of each uncertain parameter on {metric} per policy, over "
            f"{store.manifest['design_rows']} sampled worlds ({store.manifest['sampler']} design): "
            f"{influence.description} (SALib). Parameters are ordered by their influence summed "
            "over policies, the most influential at the top. An index near 0 means the "
            "outcome does not depend on that assumption within its sampled range."
        ),
        figure=figure,
    )


def find_cruxes(store: Store, metric: str = MAIN_METRIC) -> list[Crux]:
    """For every policy but the baseline: where it beats the baseline on ``metric`` (PRIM)."""
    from offramp.analysis import cruxes
    from offramp.analysis.robustness import higher_is_better

    baseline = baseline_policy(store)
    higher = higher_is_better(metric)
    values = store.metric_by_world(metric)
    x = store.samples().set_index("sample").loc[values.index, store.parameters]
    found = []
    for policy in store.policies:
        if policy == baseline:
            continue
        crux = cruxes.compare(x, values[policy], values[baseline], policy, baseline, metric, higher)
        found.append(Crux(policy, baseline, crux.share, crux.boxes, crux.sentence))
    return found


def crux_figure(found: list[Crux], colors: dict[str, str]) -> ReportFigure:
    """PRIM's peeling trajectories: coverage against density, the reported box marked."""
    figure = new_figure(7.5, 4.8)
    ax = figure.subplots()
    for crux in found:
        if not crux.boxes:
            continue
        box = crux.boxes[0]
        trajectory = box.trajectory
        ax.plot(
            PERCENT * trajectory["coverage"],
            PERCENT * trajectory["density"],
            ".-",
            color=colors[crux.a],
            alpha=0.7,
            markersize=3,
            label=f"{crux.a} beats {crux.b}",
        )
        ax.plot(
            PERCENT * box.coverage,
            PERCENT * box.density,
            "*",
            color=colors[crux.a],
            markersize=14,
            markeredgecolor="black",
        )
    ax.set_xlabel("coverage: share of the policy's wins inside the box, %")
    ax.set_ylabel("density: share of worlds in the box where it wins, %")
    ax.set_xlim(0, 102)
    ax.set_ylim(0, 102)
    ax.grid(alpha=0.3)
    if any(crux.boxes for crux in found):
        ax.legend(fontsize=8, frameon=False, loc="lower left")
    else:
        ax.text(
            0.5, 0.5, "PRIM found no box for any comparison", ha="center", transform=ax.transAxes
        )
    return ReportFigure(
        name="cruxes_prim",
        title="Cruxes: where a deal beats the baseline",
        caption=(
            "PRIM's peeling trajectory for each comparison (EMA Workbench): each point is a box "
            "in the space of uncertain assumptions; peeling moves from the whole space (right: "
            "all wins covered, low density) towards small boxes where the policy wins reliably "
            "(left, high density). Star: the reported box (best balance of coverage and "
            "density restricting at most three assumptions), whose limits are in the table."
        ),
        figure=figure,
    )


def crux_table(found: list[Crux]) -> str:
    """Each comparison: how often A beats B, the box's limits, coverage and density."""
    rows = []
    for crux in found:
        box = crux.boxes[0] if crux.boxes else None
        rows.append(
            (
                f"{escape(crux.a)} vs {escape(crux.b)}",
                f"{PERCENT * crux.share:.0f}%",
                "<br>".join(escape(c) for c in box.conditions()) if box else "no box",
                f"{PERCENT * box.coverage:.0f}%" if box else "n/a",
                f"{PERCENT * box.density:.0f}%" if box else "n/a",
                str(box.n) if box else "n/a",
            )
        )
    header = (
        "comparison",
        "A beats B in (share of worlds)",
        "box (the cruxes)",
        "coverage",
        "density",
        "worlds in box",
    )
    return html.table(header, rows, numeric_from=1) + html.bullet_list(
        crux.sentence for crux in found
    )


def tradeoff(store: Store) -> ReportFigure:
    """Territory kept against lives lost: every world per policy, and each policy's median."""
    territory = store.metric_by_world(MAIN_METRIC)
    cost = store.metric_by_world(COST_METRIC)
    colors = policy_colors(store.policies)
    figure = new_figure(7.5, 5.0)
    ax = figure.subplots()
    for policy in store.policies:
        x = OUTCOMES[COST_METRIC].display[0] * cost[policy].to_numpy()
        y = OUTCOMES[MAIN_METRIC].display[0] * territory[policy].to_numpy()
        ax.scatter(x, y, s=6, alpha=0.25, color=colors[policy], linewidths=0)
        mx = quantiles(x, ("median",))["median"]
        my = quantiles(y, ("median",))["median"]
        ax.plot(
            [mx],
            [my],
            "o",
            markersize=10,
            color=colors[policy],
            markeredgecolor="black",
            label=policy,
        )
    ax.set_xlabel(f"{OUTCOMES[COST_METRIC].axis_title} (mean per world)")
    ax.set_ylabel(f"{OUTCOMES[MAIN_METRIC].axis_title} (mean per world)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    return ReportFigure(
        name="tradeoff",
        title="Trade-off: territory against lives",
        caption=(
            "Each small dot is one sampled world (its runs' mean) under one policy; large "
            "dots: each policy's median world. Up is more territory kept, left is fewer "
            "casualties: a policy up and to the left of another does better on both."
        ),
        figure=figure,
    )


def robustness_table(store: Store, metric: str = MAIN_METRIC) -> str:
    """Regret-based robustness of each policy on ``metric`` (analysis.robustness)."""
    from offramp.analysis.robustness import higher_is_better, robustness

    table = robustness(store.metric_by_world(metric), higher_is_better(metric))
    scale, unit = OUTCOMES[metric].display
    # Regret is in the metric's own units ("points" of a percentage).
    regret_unit = "points" if unit == "%" else unit
    rows = [
        (
            escape(str(policy)),
            f"{scale * row['mean']:.1f}",
            f"{scale * row['mean_regret']:.1f}",
            f"{scale * row['p90_regret']:.1f}",
            f"{scale * row['max_regret']:.1f}",
            f"{PERCENT * row['best_in_share']:.0f}%",
        )
        for policy, row in table.iterrows()
    ]
    header = (
        "policy (most robust first)",
        f"mean {OUTCOMES[metric].axis_title}",
        *(
            with_unit(f"{what} regret", regret_unit)
            for what in ("mean", "90th-percentile", "maximum")
        ),
        "best policy in (share of worlds)",
    )
    return html.table(header, rows)


def uncertainty_table(store: Store) -> str:
    """The uncertain parameters: distribution, its parameters and the source of the range."""
    uncertain: dict[str, dict[str, Any]] = store.manifest["scenario_json"].get("uncertain", {})
    rows = []
    for path in store.parameters:
        spec = uncertain.get(path, {})
        shape = ", ".join(
            f"{k} {v:g}" for k, v in spec.items() if k not in ("distribution", "source")
        )
        rows.append(
            (
                f"<code>{escape(path)}</code>",
                escape(str(spec.get("distribution", ""))),
                escape(shape),
                escape(str(spec.get("source", ""))),
            )
        )
    return html.table(("parameter", "distribution", "shape", "source"), rows, numeric_from=9)


def exploration_report(store: Store) -> tuple[str, list[ReportFigure]]:
    """The report of an explore store as one self-contained HTML document, and its figures."""
    from offramp import CITATION, __version__

    manifest = store.manifest
    deals = _deal_policies(store)
    outcomes = store.outcomes()
    by_policy = {name: outcomes[outcomes["policy"] == name] for name in store.policies}
    summary = {name: summarize_outcomes(by_policy[name], deals[name]) for name in by_policy}
    colors = policy_colors(store.policies)
    found = find_cruxes(store)
    what = (
        f"{manifest['runs_per_policy']} runs per policy over {manifest['design_rows']} sampled "
        f"worlds, {manifest['horizon_months']} months"
    )
    figures = [
        outcome_panels(by_policy, summary, what),
        sensitivity_tornado(store),
        crux_figure(found, colors),
        tradeoff(store),
    ]
    blocks = [html.figure_html(figure, i + 1) for i, figure in enumerate(figures)]
    title = manifest["scenario_json"]["meta"].get("title") or manifest["scenario"]
    compact = {k: v for k, v in manifest.items() if k not in ("scenario_json", "chunks")}
    sections = [
        f"<header><h1>Exploration: {escape(title)}</h1>"
        + html.paragraph(
            f"{what}; {manifest['sampler']} design of {len(store.parameters)} uncertain "
            f"assumptions, seed {manifest['seed']}. Each world is run under every policy on "
            "the same random streams.",
            "lede",
        )
        + "</header>",
        html.section(
            "Policies over all sampled worlds",
            html.summary_table(summary),
            blocks[0],
            anchor="summary",
        ),
        html.section("Sensitivity", blocks[1], anchor="sensitivity"),
        html.section(
            "Cruxes",
            html.paragraph(
                f"For each policy against {baseline_policy(store)}, on {MAIN_METRIC}: the "
                "box of assumptions where it wins (PRIM, Friedman & Fisher 1999; scenario "
                "discovery, Bryant & Lempert 2010)."
            ),
            crux_table(found),
            blocks[2],
            anchor="cruxes",
        ),
        html.section(
            "Robustness and trade-offs",
            html.paragraph(
                "Regret: in each world, how far a policy falls short of that world's best "
                f"policy on {MAIN_METRIC}, in percentage points of the recognised area."
            ),
            robustness_table(store),
            blocks[3],
            anchor="tradeoffs",
        ),
        html.section("Uncertain assumptions", uncertainty_table(store), anchor="uncertain"),
        html.section("Manifest", html.manifest_block(compact), anchor="manifest"),
    ]
    footer = (
        f"Generated by offramp {__version__} from the store {store.root.name}. "
        f"Cite it as: {CITATION}"
    )
    return html.page(f"offramp exploration: {title}", sections, footer), figures


def write_exploration_report(root: Path, out: Path, figures_dir: Path | None = None) -> list[Path]:
    """Write the report of the store at ``root`` to ``out`` (figures to ``figures_dir``).

    Raises
    ------
    offramp.explore.StoreError
        If ``root`` is not an explore store, or is unfinished.
    """
    from offramp.explore import open_store

    text, figures = exploration_report(open_store(root))
    return html.write_report(text, figures, out, figures_dir)
