"""Scenario discovery (PRIM) on a case with a known box; regret and satisficing; the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from offramp.analysis.cruxes import a_beats_b, find_boxes, summary
from offramp.analysis.robustness import higher_is_better, regret, robustness
from offramp.cli.main import app
from offramp.explore import explore
from offramp.scenario.loading import load_scenario


def test_prim_recovers_a_known_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((4000, 4)), columns=["opportunism", "credibility", "a", "b"])
    y = (x["opportunism"] < 0.3) & (x["credibility"] > 0.7)
    boxes = find_boxes(x, y.to_numpy())
    assert boxes
    box = boxes[0]
    limits = box.limits.set_index("parameter")
    assert set(limits.index) == {"opportunism", "credibility"}
    assert limits.loc["opportunism", "high"] == pytest.approx(0.3, abs=0.03)
    assert limits.loc["credibility", "low"] == pytest.approx(0.7, abs=0.03)
    assert box.coverage > 0.85 and box.density > 0.85
    text = summary("land-for-peace", "fight-on", "territory_at_horizon", True, y.mean(), boxes)
    assert text.startswith("land-for-peace keeps more territory at the horizon than fight-on")
    assert "100% of those have opportunism <= 0.3" in text and "credibility >= 0.69" in text


def test_no_box_when_one_policy_always_wins():
    x = pd.DataFrame({"p": np.linspace(0, 1, 50)})
    assert find_boxes(x, np.ones(50, dtype=bool)) == []
    text = summary("a", "b", "casualties", False, 1.0, [])
    assert "in 100% of sampled worlds" in text and "no assumption decides it" in text


def test_paired_wins_follow_the_metric_direction():
    assert higher_is_better("territory_at_horizon") and not higher_is_better("casualties")
    assert higher_is_better("casualties", lower_is_better=False)
    np.testing.assert_array_equal(a_beats_b([1, 2, 3], [2, 2, 2], False), [True, False, False])


def test_regret_and_satisficing():
    values = pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [0.8, 0.4, 0.5]})
    np.testing.assert_allclose(regret(values, True), [[0, 0.2], [0.4, 0], [0, 0]])
    table = robustness(values, True, threshold=0.45)
    assert list(table.index) == ["b", "a"]  # b's worst regret (0.2) beats a's (0.4)
    assert table.loc["a", "max_regret"] == pytest.approx(0.4)
    assert table.loc["a", "satisficing"] == pytest.approx(2 / 3)
    assert table.loc["b", "satisficing"] == pytest.approx(2 / 3)
    lower = robustness(values, False)
    assert lower.loc["a", "max_regret"] == pytest.approx(0.2)
    assert lower["satisficing"].isna().all()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("cruxes") / "store"
    explore(
        load_scenario("ukraine-2022"),
        str(out),
        samples=40,
        policies=["fight-on", "armistice"],
        horizon=24,
        seed=11,
        chunk=20,
    )
    return str(out)


def test_analysis_commands_print_json(store):
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["cruxes", store, "-p", "armistice", "--versus", "fight-on", "-m", "casualties", "--json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["better"] == "lower" and 0 <= document["share"] <= 1
    assert document["summary"].startswith("armistice costs fewer lives")
    result = runner.invoke(app, ["robustness", store, "-m", "territory_at_horizon", "--json"])
    assert result.exit_code == 0, result.output
    assert {p["policy"] for p in json.loads(result.output)["policies"]} == {"fight-on", "armistice"}
    result = runner.invoke(app, ["sensitivity", store, "-m", "casualties", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["method"] == "pawn"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["robustness", "{store}", "-m", "nonsense"], "unknown metric 'nonsense'; allowed:"),
        (["cruxes", "{store}", "-p", "armistice", "--versus", "x"], "unknown policy 'x'"),
        (["sensitivity", "{store}", "-m", "war_resumed_month"], "undefined (NaN)"),
        (["robustness", "/nonexistent", "-m", "casualties"], "not an explore store"),
        # a stored numeric outcome without a registered direction must be told which is better
        (["robustness", "{store}", "-m", "ceasefire_month"], "has no better direction"),
        (
            [
                "cruxes",
                "{store}",
                "-p",
                "armistice",
                "--versus",
                "fight-on",
                "-m",
                "casualties_invader_military",
            ],
            "has no better direction",
        ),
    ],
)
def test_analysis_user_errors_exit_2(store, args, words):
    result = CliRunner().invoke(app, [a.format(store=store) for a in args])
    assert result.exit_code == 2
    assert words in result.output


def test_a_box_summarises_its_peeling_trajectory(store):
    from offramp.analysis.cruxes import compare
    from offramp.explore.store import open_store

    opened = open_store(store)
    values = opened.metric_by_world("casualties", ["armistice", "fight-on"])
    parameters = opened.samples().set_index("sample").loc[values.index, opened.parameters]
    found = compare(
        parameters, values["armistice"], values["fight-on"], "armistice", "fight-on",
        "casualties", False, 2,
    )  # fmt: skip
    for box in found.boxes:
        shown = box.trajectory_summary()
        assert shown["chosen"].sum() == 1 and shown.loc[shown["chosen"], "box"].item() == box.chosen
        # Each number of restricted parameters appears with its densest box.
        densest = box.trajectory.groupby("res_dim")["density"].max()
        assert shown.groupby("res_dim")["density"].max().equals(densest)
