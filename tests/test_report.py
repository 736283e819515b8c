"""The HTML report: self-contained, every figure labelled and captioned, numbers from analysis."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

import numpy as np
import pytest
from typer.testing import CliRunner

from offramp.analysis.summary import quantiles, trajectory_bands
from offramp.cli.main import app
from offramp.engine.parameters import numeric_parameters
from offramp.report import study_report, write_study_report
from offramp.report.figures import ReportFigure, study_figures
from offramp.report.parameters import scenario_parameters
from offramp.scenario.schema import PARAMETER_SECTIONS
from offramp.study import Study, run_study

runner = CliRunner()


@pytest.fixture(scope="module")
def study(ukraine) -> Study:
    return run_study(ukraine, runs=40, horizon=36, seed=7)


@pytest.fixture(scope="module")
def figures(study) -> list[ReportFigure]:
    return study_figures(study)


@pytest.fixture(scope="module")
def report_html(study) -> str:
    return study_report(study)[0]


def test_report_is_self_contained(report_html):
    assert "<script" not in report_html.lower()
    # nothing is fetched: no http(s) or protocol-relative src/href, no stylesheet link
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', report_html)
    assert "<link" not in report_html.lower()
    images = re.findall(r'<img [^>]*src="([^"]+)"', report_html)
    assert images and all(src.startswith("data:image/svg+xml;base64,") for src in images)


def test_report_has_every_figure_with_a_numbered_caption(report_html, figures):
    assert report_html.count('<figure class="chart"') == len(figures) == 4
    for number, figure in enumerate(figures, start=1):
        assert f"Figure {number}. {escape(figure.title)}." in report_html
        assert f'id="figure-{figure.name}"' in report_html


def test_every_chart_has_axis_labels_and_a_caption(figures):
    for figure in figures:
        assert len(figure.caption) > 80, figure.name
        for ax in figure.figure.get_axes():
            if not ax.get_visible():
                continue
            # a panel of a grid may rely on its row's or column's shared label
            x_siblings = ax.get_shared_x_axes().get_siblings(ax)
            y_siblings = ax.get_shared_y_axes().get_siblings(ax)
            assert any(a.get_xlabel() for a in x_siblings), (figure.name, ax.get_title())
            assert any(
                a.get_ylabel() or any(t.get_text() for t in a.get_yticklabels()) for a in y_siblings
            ), (figure.name, ax.get_title())


def test_summary_table_shows_the_studys_summary(report_html, study):
    for name, row in study.summary().items():
        stats = row["territory_at_horizon"]
        expected = (
            f"{100 * stats['median']:.1f} [{100 * stats['p05']:.1f}, {100 * stats['p95']:.1f}]"
        )
        assert expected in report_html, name
        assert f"<td>{name}</td>" in report_html


def test_report_lists_assumptions_sources_and_manifest(report_html, study):
    for source in study.scenario.meta.sources:
        assert source.replace("&", "&amp;").replace('"', "&quot;").split(":")[0] in report_html
    assert study.manifest["scenario_sha256"] in report_html
    assert "Tomz 2007" in report_html  # a parameter's source, from the schema
    assert "<code>bargaining.emboldening</code>" in report_html


def test_trajectory_bands_are_the_summary_quantiles_month_by_month():
    rng = np.random.default_rng(1)
    values = rng.random((50, 7))
    values[3, 2] = np.nan
    bands = trajectory_bands(values)
    for month in range(7):
        expected = quantiles(values[:, month], ("p05", "p25", "median", "p75", "p95"))
        for key, value in expected.items():
            assert bands[key][month] == pytest.approx(value)
    ordered = np.stack([bands[k] for k in ("p05", "p25", "median", "p75", "p95")])
    assert np.all(np.diff(ordered, axis=0) >= 0)


def test_survival_figure_has_one_curve_per_deal_with_ceasefires(study, figures):
    survival = next(f for f in figures if f.name == "peace_survival")
    with_ceasefire = [
        name for name, row in study.summary().items() if row["runs_with_ceasefire"] > 0
    ]
    ax = survival.figure.get_axes()[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == len(with_ceasefire)
    for name in with_ceasefire:
        count = study.summary()[name]["runs_with_ceasefire"]
        assert f"{name} ({count} ceasefires)" in labels


def test_parameter_table_covers_the_engines_parameters(ukraine):
    paths = {info.path for info in scenario_parameters(ukraine)}
    engine = {
        key
        for key in numeric_parameters(ukraine, ukraine.policies[0])
        if key.split(".")[0] in PARAMETER_SECTIONS
    }
    assert engine <= paths
    emboldening = next(i for i in scenario_parameters(ukraine) if i.name == "emboldening")
    assert (emboldening.ge, emboldening.le, emboldening.unit) == (0.0, 5.0, "share")
    assert emboldening.value == ukraine.bargaining.emboldening


def test_figures_are_written_as_png_and_svg(study, tmp_path):
    written = write_study_report(study, tmp_path / "r.html", tmp_path / "figures")
    assert written[0].read_text().startswith("<!DOCTYPE html>")
    files = sorted(p.name for p in (tmp_path / "figures").iterdir())
    names = [f.name for f in study_figures(study)]
    assert files == sorted([f"{n}.png" for n in names] + [f"{n}.svg" for n in names])
    for name in names:
        assert (tmp_path / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert ET.parse(tmp_path / "figures" / f"{name}.svg").getroot().tag.endswith("svg")


def test_cli_report_writes_the_report(tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "report",
            "--runs",
            "20",
            "--horizon",
            "12",
            "--out",
            str(out),
            "--figures",
            str(tmp_path / "f"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and "Figure 4." in out.read_text()
    assert len(list((tmp_path / "f").glob("*.svg"))) == 4


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--assumptions", "no-such-set"], ["--assumptions", "no-such-set", "allowed: scenario"]),
        (["no-such-scenario"], ["no-such-scenario", "bundled scenarios"]),
        (["--runs", "0"], ["--runs"]),
    ],
)
def test_cli_report_bad_input_exits_2_with_a_message(tmp_path, args, words):
    result = runner.invoke(app, ["report", *args, "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()


def test_cli_report_of_a_folder_that_is_not_a_store_exits_2(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = runner.invoke(app, ["report", str(folder), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "not an explore store" in result.output


# Each design gets its own sensitivity measure (Sobol' for sobol, PAWN for lhs, the
# default): the tornado must draw whichever the store allows.
@pytest.mark.parametrize("sampler", ["sobol", "lhs"])
def test_exploration_report_has_tornado_cruxes_and_tradeoff(ukraine, tmp_path, sampler):
    from offramp.explore import explore

    store = tmp_path / "store"
    explore(ukraine, str(store), samples=8, sampler=sampler, horizon=24)
    out = tmp_path / "explore.html"
    result = runner.invoke(
        app, ["report", str(store), "--out", str(out), "--figures", str(tmp_path / "f")]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "<script" not in text
    for name in ("outcome_distributions", "sensitivity_tornado", "cruxes_prim", "tradeoff"):
        assert f'id="figure-{name}"' in text
        assert (tmp_path / "f" / f"{name}.png").exists()
    assert "coverage" in text and "density" in text
    assert "armistice vs fight-on" in text
    assert "bargaining.emboldening" in text


def test_parameter_rows_range_text():
    from offramp.report.parameters import ParameterInfo

    info = ParameterInfo("a.b", "a", "b", 1.0, False, "", "", "", 0.0, None, None, 1.0)
    assert info.range_text == "≥ 0, < 1"
    assert (info.lower, info.upper) == (0.0, 1.0)


# --- the deals on the table, and the window ------------------------------------------------


def test_deals_section_shows_each_deal_policys_terms(report_html, study):
    from offramp.report.study_report import policy_deal
    from offramp.scenario.deal import terms_in_words

    assert 'id="deals"' in report_html
    for name in study.results:
        deal = policy_deal(study.scenario, study.scenario.policy(name))
        if deal is None:
            continue
        assert f"{escape(name)} ({escape(deal.name)})" in report_html
        for text in terms_in_words(deal).values():
            assert escape(text) in report_html, (name, text)
    guaranteed = study.scenario.deal(study.scenario.policy("land-for-peace+guarantees").deal)
    assert "guarantees: europe+us" in terms_in_words(guaranteed)["security"]


def test_report_polls_each_deal_at_the_start_and_the_first_offer(study, report_html):
    from offramp.analysis.negotiation import poll
    from offramp.report.study_report import POLL_RUNS, deal_polls, policy_deal

    polls = deal_polls(study)
    scenario = study.scenario
    assert set(polls) == {n for n in study.results if scenario.policy(n).offers_deal}
    armistice = scenario.policy("armistice")
    (start, start_poll), (first, first_poll) = polls["armistice"]
    assert start == f"{scenario.meta.start} (start)" and first.endswith("(first offer)")
    expected = poll(
        scenario, first_poll.month, policy_deal(scenario, armistice), POLL_RUNS, study.seed
    )
    assert first_poll.shares == expected.shares
    assert first_poll.month == "2022-08"  # deal_month 1 of a start in 2022-07
    share = first_poll.shares["accept"]
    cell = f"{100 * share['median']:.0f}% [{100 * share['p05']:.0f}, {100 * share['p95']:.0f}]"
    assert cell in report_html


def test_resumption_causes_are_the_summarys(study, report_html):
    from offramp.outcomes import RESUMPTION_CAUSES

    assert "Why the ceasefires that ended ended" in report_html
    for label in RESUMPTION_CAUSES.values():
        assert escape(f"{label}, % of resumptions") in report_html
    summary = study.summary()
    assert summary["fight-on"]["resumption_causes"] is None
    for name, row in summary.items():
        causes = row["resumption_causes"]
        if causes is None or not causes["resumptions"]:
            continue
        outcomes = study.results[name].outcomes
        assert causes["resumptions"] == int(outcomes["war_resumed"].sum())
        assert causes["repudiation"] == pytest.approx(
            outcomes["resumed_by_repudiation"].sum() / causes["resumptions"]
        )
        assert sum(causes[c] for c in RESUMPTION_CAUSES) == pytest.approx(1.0)


def _window_of(offers: list[tuple[float, float | None]]) -> dict:
    return {
        "deal": "a-deal",
        "runs": 10,
        "seed": 1,
        "horizon": 24,
        "offers": [
            {
                "offer_month": f"2023-{i + 1:02d}",
                "p_deal_signed": signed,
                "p_deal_ratified": signed / 2,
                "p_deal_in_force": signed / 2,
                "p_war_resumed_60m": resumed,
                "territory_at_horizon": {"median": 0.7 + 0.01 * i},
                "territory_fight_on": {"median": 0.7},
            }
            for i, (signed, resumed) in enumerate(offers)
        ],
    }


def test_window_figure_draws_the_windows_numbers():
    from offramp.report.figures import deal_window

    window = _window_of([(0.0, None), (0.4, 0.25), (0.8, 0.5)])
    figure = deal_window(window, "2023-01")
    chances, land = figure.figure.get_axes()
    lines = {line.get_label(): line.get_ydata() for line in chances.get_lines()}
    assert list(lines["deal signed"]) == pytest.approx([0, 40, 80])
    resumed = lines["war resumed within 60 months (of those in force)"]
    assert np.isnan(resumed[0]) and list(resumed[1:]) == pytest.approx([25, 50])
    territory = [line.get_ydata() for line in land.get_lines()]
    assert list(territory[0]) == pytest.approx([70, 71, 72])
    assert list(territory[1]) == pytest.approx([70, 70, 70])
    assert [t.get_text() for t in chances.get_xticklabels()] == ["2023-01", "2023-02", "2023-03"]
    assert chances.get_xlabel() and chances.get_ylabel() and land.get_ylabel()
    assert "a-deal" in figure.title and len(figure.caption) > 80


def test_report_with_a_window_has_a_fifth_figure(study):
    text, figures = study_report(study, window=_window_of([(0.5, 0.1)]), poll_runs=20)
    assert [f.name for f in figures][-1] == "deal_window"
    assert text.count('<figure class="chart"') == 5 and "Figure 5. When could" in text


def test_cli_report_window_adds_the_window_figure(tmp_path):
    out = tmp_path / "report.html"
    args = ["report", "--runs", "20", "--horizon", "12", "--out", str(out)]
    window = ["--window", "freeze-without-recognition", "--window-months", "0:6:3"]
    result = runner.invoke(app, [*args, *window, "--window-runs", "10"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert 'id="figure-deal_window"' in text and "freeze-without-recognition" in text
    bad = runner.invoke(app, [*args, "--window", "no-such-deal"])
    assert bad.exit_code == 2 and "bundled deals" in bad.output and "Traceback" not in bad.output
