"""How results and studies show themselves in Jupyter: a readable table and the manifest.

``Results._repr_html_`` and ``Study._repr_html_`` call these, so that a notebook cell ending
in ``results`` or ``study`` shows the side-by-side summary (the numbers of
``offramp.analysis.summary``, as ``offramp run`` prints them) and what reproduces them,
instead of an object's address. Like the report, this module only presents: the numbers
come from the analysis, the tables from ``offramp.report.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from offramp.analysis.summary import summarize_outcomes
from offramp.report.html import summary_table, table

if TYPE_CHECKING:
    from offramp.engine.results import Results
    from offramp.study import Study


def results_manifest(results: Results) -> dict[str, Any]:
    """What reproduces one policy's results (the study manifest's keys, for one policy)."""
    from offramp import CITATION, __version__
    from offramp.scenario.loading import scenario_sha256

    runs = results.outcomes_data["run"]
    first, last = (int(runs[0]), int(runs[-1])) if len(runs) else (0, -1)
    return {
        "scenario": results.scenario.meta.name,
        "scenario_sha256": scenario_sha256(results.scenario),
        "policy": results.policy,
        "seed": results.seed,
        "runs": results.n_runs,
        "run_indices": f"{first}..{last}",
        "horizon_months": results.horizon,
        "start": results.scenario.meta.start,
        "version": __version__,
        "cite": CITATION,
    }


def manifest_table(manifest: Mapping[str, Any]) -> str:
    """The manifest as a two-column table (lists joined by commas)."""

    def shown(value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return str(value)

    rows = [(escape(str(key)), escape(shown(value))) for key, value in manifest.items()]
    return table(("manifest", "value"), rows, numeric_from=2)


def results_html(results: Results) -> str:
    """One policy's summary and manifest as HTML (``Results._repr_html_``)."""
    summary = {results.policy: summarize_outcomes(results.outcomes, results.is_deal_policy)}
    title = f"offramp results: {results.scenario.meta.name}, policy {results.policy}"
    return _block(title, summary, results_manifest(results))


def study_html(study: Study) -> str:
    """A study's policies side by side and its manifest as HTML (``Study._repr_html_``)."""
    title = f"offramp study: {study.scenario.meta.name}, assumptions {study.assumptions}"
    return _block(title, study.summary(), study.manifest)


def _block(title: str, summary: Mapping[str, Mapping[str, Any]], manifest: Mapping) -> str:
    return (
        f"<div><p><strong>{escape(title)}</strong></p>{summary_table(summary)}"
        f"<details open><summary>Manifest (what reproduces these numbers)</summary>"
        f"{manifest_table(manifest)}</details></div>"
    )
