"""Assumption sets: they load, every value has a source, bad overlays fail clearly (exit 2).

Runtime: about 3 s.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from offramp.cli.main import app
from offramp.scenario.assumptions import apply_assumptions, assumption_sets, load_assumption_set
from offramp.scenario.loading import ScenarioError

runner = CliRunner()


def test_the_three_sets_load_with_a_source_for_every_value(ukraine):
    sets = {s.name: s for s in assumption_sets()}
    assert set(sets) == {"baseline", "domestic-veto", "stalemate-realism"}
    for chosen in sets.values():
        assert chosen.citations and chosen.argument
        assert set(chosen.values) <= set(chosen.sources)
        applied = apply_assumptions(ukraine, chosen.name)
        for path, value in chosen.values.items():
            section, field = path.split(".")
            assert getattr(getattr(applied, section), field) == value


def test_baseline_ranges_span_both_sides_of_the_debate(ukraine):
    baseline = load_assumption_set("baseline")
    for side in ("domestic-veto", "stalemate-realism"):
        for path, value in load_assumption_set(side).values.items():
            if isinstance(value, str):
                continue  # ratification rules are choices, not ranges
            low, high = baseline.ranges[path]
            assert low <= value <= high, (side, path, value)
    for path, value in baseline.values.items():
        low, high = baseline.ranges[path]
        assert low <= value <= high
    ranges = ukraine.parameter_ranges()
    assert all(path in ranges for path in baseline.ranges)


def test_domestic_veto_forces_the_deal_through(ukraine):
    applied = apply_assumptions(ukraine, "domestic-veto")
    assert applied.ratification.cession_rule == "decree"
    assert applied.bargaining.emboldening > ukraine.bargaining.emboldening


@pytest.mark.parametrize(
    ("overlay", "field", "fragment"),
    [
        (
            '[opinion]\nweariness = 9.0\n[sources]\n"opinion.weariness" = "x"\n',
            "opinion.weariness",
            "9.0",
        ),
        (
            '[opinion]\nwearyness = 0.1\n[sources]\n"opinion.wearyness" = "x"\n',
            "opinion.wearyness",
            "unknown field",
        ),
        ("[opinion]\nweariness = 0.1\n", "sources.opinion.weariness", "needs a source"),
        ("[politics]\nx = 1\n", "politics", "unknown table"),
        (
            '[ranges]\n"opinion.weariness" = [0.2, 0.1]\n[sources]\n"opinion.weariness" = "x"\n',
            "ranges.opinion.weariness",
            "low <= high",
        ),
        (
            '[ranges]\n"opinion.weariness" = [0.1, 0.9]\n[sources]\n"opinion.weariness" = "x"\n',
            "ranges.opinion.weariness",
            "allows",
        ),
    ],
)
def test_bad_overlay_is_a_clear_error_exit_2(tmp_path, ukraine, overlay, field, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(overlay)
    with pytest.raises(ScenarioError) as caught:
        apply_assumptions(ukraine, str(path))
    assert any(p.field == field for p in caught.value.problems), caught.value.problems
    out = runner.invoke(app, ["run", "--runs", "2", "--assumptions", str(path)])
    assert out.exit_code == 2
    assert field in out.output and fragment in out.output
    assert "Traceback" not in out.output


def test_unknown_set_names_the_bundled_ones():
    out = runner.invoke(app, ["run", "--runs", "2", "--assumptions", "optimism"])
    assert out.exit_code == 2
    assert "domestic-veto" in out.output and "stalemate-realism" in out.output


def test_manifest_names_the_assumption_set():
    out = runner.invoke(
        app, ["run", "--runs", "3", "--policy", "fight-on", "--assumptions", "baseline", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["manifest"]["assumptions"] == "baseline"


def test_assumptions_command_lists_sets_and_sources():
    out = runner.invoke(app, ["assumptions", "--json"])
    assert out.exit_code == 0
    listed = {s["name"]: s for s in json.loads(out.stdout)}
    assert "Posen" in " ".join(listed["stalemate-realism"]["citations"])
    table = runner.invoke(app, ["assumptions"])
    assert table.exit_code == 0 and "bargaining.emboldening" in table.output
