"""Results and studies show themselves in Jupyter as tables, with the manifest."""

from __future__ import annotations

import re

import pytest

from offramp import CITATION, __version__
from offramp.engine.simulate import simulate
from offramp.study import run_study


@pytest.fixture(scope="module")
def study(ukraine):
    return run_study(ukraine, policies=["fight-on", "armistice"], runs=40, seed=3, horizon=24)


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def test_a_study_shows_its_policies_side_by_side_and_its_manifest(study):
    html = study._repr_html_()
    cells = _cells(html)
    assert "fight-on" in cells and "armistice" in cells
    # The table's numbers are the summary's: the leader-removed share of each policy.
    for name, summary in study.summary().items():
        assert f"{100 * summary['p_leader_removed']:.0f}%" in html, name
    manifest = dict(zip(cells[::2], cells[1::2], strict=False))
    assert manifest["scenario_sha256"] == study.manifest["scenario_sha256"]
    assert manifest["seed"] == "3" and manifest["runs"] == "40"
    assert manifest["policies"] == "fight-on, armistice"
    assert manifest["version"] == __version__


def test_one_policys_results_show_their_summary_and_what_reproduces_them(ukraine):
    results = simulate(ukraine, "armistice", runs=[5, 6, 7], seed=11, horizon=12)
    html = results._repr_html_()
    cells = _cells(html)
    manifest = dict(zip(cells[-20::2], cells[-19::2], strict=True))
    assert manifest["policy"] == "armistice" and manifest["seed"] == "11"
    assert manifest["run_indices"] == "5..7" and manifest["horizon_months"] == "12"
    assert manifest["cite"] == CITATION


def test_markup_in_a_name_is_escaped(ukraine):
    renamed = ukraine.model_copy(update={"meta": ukraine.meta.model_copy(update={"name": "<b>"})})
    html = run_study(renamed, policies=["fight-on"], runs=5, horizon=6)._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;" in html
