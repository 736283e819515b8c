"""The HTML report of a study: the policies side by side, in figures a reader can look at.

For the deal policies it also shows each deal's terms, the modelled public's answer to it
(:func:`offramp.analysis.negotiation.poll`, at the scenario's start and at the first offer),
and why the ceasefires that ended ended (:func:`offramp.analysis.summary.resumption_causes`,
the summary's ``resumption_causes``); with a window (:func:`offramp.analysis.negotiation.
window`'s dict) it draws the window figure. It computes none of these numbers itself.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offramp.outcomes import POLL_ANSWERS
from offramp.report import html
from offramp.report.assumptions import assumption_set_description
from offramp.report.figures import ReportFigure, deal_window, study_figures
from offramp.report.parameters import policy_parameters, scenario_parameters
from offramp.scenario.deal import TERM_GROUPS, terms_in_words

if TYPE_CHECKING:
    from offramp.analysis.negotiation import PollResult
    from offramp.scenario.deal import Deal
    from offramp.scenario.schema import Policy, Scenario
    from offramp.study import Study

#: Runs of each poll in the report: the answer's interval is over runs, and 200 keep the
#: report's polls to seconds (a poll simulates the fighting-on runs up to its month).
POLL_RUNS = 200


def policy_table(study: Study) -> str:
    """The policies compared: kind, description and levers (named as the catalogue does)."""
    levers = policy_parameters(study.scenario)
    names = list(dict.fromkeys(info.name for info in levers))
    rows = []
    for name in study.results:
        policy = study.scenario.policy(name)
        values = {info.name: info for info in levers if info.policy == name}
        cells = [
            f"{values[lever].value:g}" if policy.lever_applies(lever) else "n/a" for lever in names
        ]
        rows.append((escape(name), escape(policy.kind), escape(policy.description), *cells))
    units = {info.name: info.unit for info in levers}
    header = (
        "policy",
        "kind",
        "what it is",
        *(f"{lever.replace('_', ' ')} ({units[lever]})" for lever in names),
    )
    return html.table(header, rows, numeric_from=3)


def policy_deal(scenario: Scenario, policy: Policy) -> Deal | None:
    """The deal ``policy`` offers, in the deal vocabulary (None for fighting on)."""
    deal = scenario.offered_deal(policy)
    if deal is None or policy.names_deal:
        return deal
    return deal.model_copy(update={"source": f"the policy's own kind ({policy.kind})"})


def deal_terms_table(deals: dict[str, Deal]) -> str:
    """One column per deal policy, one row per group of terms (and the source)."""
    texts = {name: terms_in_words(deal) for name, deal in deals.items()}
    header = ("terms", *(f"{name} ({deal.name})" for name, deal in deals.items()))
    rows = [
        (group, *(escape(texts[name][group]) for name in deals))
        for group in (*TERM_GROUPS, "source")
    ]
    return html.table(header, rows, numeric_from=len(header))


def _share_text(stats: dict[str, float]) -> str:
    return f"{100 * stats['median']:.0f}% [{100 * stats['p05']:.0f}, {100 * stats['p95']:.0f}]"


def deal_polls(study: Study, runs: int = POLL_RUNS) -> dict[str, list[tuple[str, PollResult]]]:
    """Per deal policy, the poll of its deal at the scenario's start and at its first offer
    (one poll if they are the same month), each with what the month is."""
    from offramp.analysis.negotiation import calendar_month, poll

    scenario = study.scenario
    start = scenario.meta.start
    polls: dict[str, list[tuple[str, PollResult]]] = {}
    for name in study.results:
        policy = scenario.policy(name)
        deal = policy_deal(scenario, policy)
        if deal is None:
            continue
        first = calendar_month(start, min(policy.first_offer(start), study.horizon))
        months = {start: "start"} | {first: "first offer"}
        if first == start:
            months = {start: "start, first offer"}
        polls[name] = [
            (f"{month} ({what})", poll(scenario, month, deal, runs=runs, seed=study.seed))
            for month, what in months.items()
        ]
    return polls


def poll_table(polls: dict[str, list[tuple[str, PollResult]]]) -> str:
    """The public's answer to each deal: median and 90% interval over runs, in %."""
    rows = [
        (
            escape(name),
            escape(when),
            *(escape(_share_text(result.shares[key])) for key in POLL_ANSWERS["deal"]),
        )
        for name, results in polls.items()
        for when, result in results
    ]
    answers = POLL_ANSWERS["deal"].values()
    header = ("policy", "month", *(f"{label}, % [5%, 95%]" for label in answers))
    return html.table(header, rows, numeric_from=2)


def resumption_table(summary: dict[str, dict[str, Any]]) -> str:
    """Why ceasefires ended, per deal policy (``resumption_causes`` of the summary)."""
    from offramp.outcomes import RESUMPTION_CAUSES

    rows = []
    for name, row in summary.items():
        causes = row.get("resumption_causes")
        if causes is None:
            continue
        cells = [
            "n/a" if causes[cause] is None else f"{100 * causes[cause]:.0f}%"
            for cause in RESUMPTION_CAUSES
        ]
        rows.append(
            (escape(name), str(row["runs_with_ceasefire"]), str(causes["resumptions"]), *cells)
        )
    header = (
        "policy",
        "runs with a ceasefire",
        "runs in which war resumed",
        *(f"{label}, % of resumptions" for label in RESUMPTION_CAUSES.values()),
    )
    return html.table(header, rows)


def deals_section(study: Study, poll_runs: int = POLL_RUNS) -> str | None:
    """The section on the deals on the table (None when no policy offers one)."""
    scenario = study.scenario
    deals = {
        name: deal
        for name in study.results
        if (deal := policy_deal(scenario, scenario.policy(name))) is not None
    }
    if not deals:
        return None
    polls = deal_polls(study, poll_runs)
    return html.section(
        "The deals on the table",
        html.paragraph(
            "The terms each deal policy offers, in the deal vocabulary (docs/deals.md); a "
            "land-for-peace or armistice policy stands for the deal shown."
        ),
        deal_terms_table(deals),
        html.paragraph(
            "What the modelled public answers, as a KIIS survey would ask it (adults in "
            "government-controlled areas), at the scenario's start and at the month of the "
            f"first offer: median and 5th-95th percentiles over {poll_runs} fighting-on runs "
            "(the model's uncertainty about the public, not a survey's sampling error)."
        ),
        poll_table(polls),
        html.paragraph(
            "Why the ceasefires that ended ended: the invader's choice to resume, a "
            "successor's repudiation of the deal, or the vote held after the ceasefire "
            "rejecting it; shares of the runs in which war resumed."
        ),
        resumption_table(study.summary()),
        anchor="deals",
    )


def study_report(
    study: Study,
    window: dict[str, Any] | None = None,
    poll_runs: int = POLL_RUNS,
) -> tuple[str, list[ReportFigure]]:
    """The report of ``study`` as one self-contained HTML document, and its figures.

    Parameters
    ----------
    study : Study
        From :func:`offramp.study.run_study`.
    window : dict, optional
        :func:`offramp.analysis.negotiation.window`'s result: adds the window figure.
    poll_runs : int
        Runs of each poll of the deals' section.

    Returns
    -------
    (str, list of ReportFigure)
        The HTML text, and the figures it embeds (to be saved for papers if asked).
    """
    from offramp import CITATION, __version__

    scenario = study.scenario
    manifest = study.manifest
    figures = study_figures(study)
    if window is not None:
        figures.append(deal_window(window, scenario.meta.start))
    assumptions = assumption_set_description(study.assumptions)
    title = scenario.meta.title or scenario.meta.name
    intro = html.paragraph(
        f"{study.runs} runs per policy over {study.horizon} months from {scenario.meta.start}, "
        f"seed {study.seed}, assumption set '{study.assumptions}'. Every policy is run on the "
        "same random streams, so differences between policies are the policies' doing. "
        "Intervals are the 5th-95th percentiles of runs.",
        "lede",
    )
    figure_blocks = [html.figure_html(figure, i + 1) for i, figure in enumerate(figures)]
    assumption_parts = [
        html.paragraph(
            f"Assumption set: {assumptions['name']}. {assumptions['description']}".strip()
        ),
    ]
    if assumptions["sources"]:
        assumption_parts += [
            html.paragraph("Sources of the set:"),
            html.bullet_list(assumptions["sources"]),
        ]
    if scenario.meta.sources:
        assumption_parts += [
            html.paragraph("The scenario draws on:"),
            html.bullet_list(scenario.meta.sources),
        ]
    assumption_parts += [
        html.paragraph(
            "Every model parameter as simulated, with its unit, the range the schema allows "
            "and the source of its value ('assumption' where there is none)."
        ),
        html.parameter_table(scenario_parameters(scenario)),
    ]
    sections: list[str | None] = [
        f"<header><h1>{escape(title)}</h1>"
        f"{html.paragraph(scenario.meta.description, 'lede')}{intro}</header>",
        html.section(
            "Policies compared side by side",
            html.summary_table(study.summary()),
            anchor="summary",
        ),
        html.section("Figures", *figure_blocks, anchor="figures"),
        html.section("The policies", policy_table(study), anchor="policies"),
        deals_section(study, poll_runs),
        html.section("Assumptions and their sources", *assumption_parts, anchor="assumptions"),
        html.section(
            "Manifest",
            html.paragraph("What reproduces these numbers: `offramp report` with these values."),
            html.manifest_block(manifest),
            html.paragraph(f"How to cite: {CITATION}"),
            anchor="manifest",
        ),
    ]
    footer = f"Generated by offramp {__version__}. Cite it as: {CITATION}"
    shown = [section for section in sections if section is not None]
    return html.page(f"offramp report: {title}", shown, footer), figures


def write_study_report(
    study: Study,
    out: Path,
    figures_dir: Path | None = None,
    window: dict[str, Any] | None = None,
) -> list[Path]:
    """Write the report to ``out`` (and its figures as PNG and SVG to ``figures_dir``).

    Returns
    -------
    list of Path
        Every file written, the report first.
    """
    text, figures = study_report(study, window=window)
    return html.write_report(text, figures, out, figures_dir)
