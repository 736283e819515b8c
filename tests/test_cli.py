"""The command line: the default study, validation, and every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offramp.cli.main import app
from offramp.scenario.loading import bundled_scenarios

runner = CliRunner()
UKRAINE = bundled_scenarios()["ukraine-2022"]


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = UKRAINE.read_text()
    assert old in text, old
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_run_json_has_the_documented_shape():
    result = _invoke("run", "--runs", "30", "--horizon", "24", "--seed", "3", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    manifest = doc["manifest"]
    for key in (
        "scenario",
        "scenario_sha256",
        "assumptions",
        "seed",
        "runs",
        "horizon_months",
        "version",
    ):
        assert key in manifest
    assert manifest["runs"] == 30 and manifest["horizon_months"] == 24 and manifest["seed"] == 3
    assert len(manifest["scenario_sha256"]) == 64
    assert set(doc["policies"]) == {
        "fight-on",
        "land-for-peace",
        "armistice",
        "land-for-peace+guarantees",
        "armistice+guarantees",
    }
    for name, row in doc["policies"].items():
        assert set(row["territory_at_horizon"]) >= {"mean", "median", "p05", "p95"}
        assert row["territory_at_horizon"]["p05"] <= row["territory_at_horizon"]["median"]
        assert 0 <= row["p_leader_removed"] <= 1
        for key in ("peak_protest", "months_at_war", "casualties"):
            assert row[key]["median"] is not None
        assert "p95" in row["peak_protest"]
        if name == "fight-on":
            assert row["p_war_resumed_60m"] is None and row["p_deal_ratified"] is None


def test_run_table_and_policy_selection():
    result = _invoke("run", "-n", "20", "--horizon", "12", "-p", "fight-on", "-p", "armistice")
    assert result.exit_code == 0, result.output
    assert "fight-on" in result.stdout and "armistice" in result.stdout
    assert "land-for-peace" not in result.stdout


def test_same_seed_same_json():
    args = ("run", "-n", "15", "--horizon", "12", "--seed", "5", "--json", "-p", "armistice")
    assert _invoke(*args).stdout == _invoke(*args).stdout


def test_scenarios_lists_the_bundled_scenario():
    result = _invoke("scenarios")
    assert result.exit_code == 0 and "ukraine-2022" in result.stdout


def test_validate_ok():
    result = _invoke("validate", str(UKRAINE))
    assert result.exit_code == 0 and result.stdout.startswith("OK")


BAD_INPUTS = [
    (
        "unknown field",
        "[bargaining]\n",
        "[bargaining]\nopportunism = 0.5\n",
        ["bargaining.opportunism", "unknown field", "allowed", "emboldening"],
    ),
    (
        "wrong type",
        "invader_force = 500.0",
        'invader_force = "many"',
        ["battlefield.invader_force", "'many'", "number"],
    ),
    (
        "out of range",
        "held_share = 0.795",
        "held_share = 1.7",
        ["territory.held_share", "1.7", "less than or equal to 1"],
    ),
    ("nan", "weariness = 0.105", "weariness = nan", ["opinion.weariness", "nan", "finite"]),
    ("infinity", "rally_size = 0.1", "rally_size = inf", ["opinion.rally_size", "inf", "finite"]),
    (
        "bad choice",
        'cession_rule = "referendum"',
        'cession_rule = "plebiscite"',
        ["ratification.cession_rule", "plebiscite", "referendum", "parliament", "decree"],
    ),
    ("malformed toml", "[battlefield]", "[battlefield", ["malformed TOML"]),
    ("weights", "weight = 0.252", "weight = 0.5", ["population", "sum to 1"]),
]


@pytest.mark.parametrize(
    ("label", "old", "new", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_scenario_names_field_value_and_what_is_allowed(tmp_path, label, old, new, expected):
    path = _variant(tmp_path, old, new)
    for command in ("validate", "run"):
        result = _invoke(command, str(path))
        assert result.exit_code == 2, (command, result.output)
        assert "Traceback" not in result.output
        for fragment in expected:
            assert fragment in result.stderr, (fragment, result.stderr)


def test_every_problem_is_listed_at_once(tmp_path):
    path = _variant(tmp_path, "held_share = 0.795", "held_share = -1.0")
    text = path.read_text().replace("weariness = 0.105", 'weariness = "high"')
    path.write_text(text)
    result = _invoke("validate", str(path))
    assert result.exit_code == 2
    assert "territory.held_share" in result.stderr and "opinion.weariness" in result.stderr


def test_missing_file_and_unknown_names():
    result = _invoke("validate", "no/such/file.toml")
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = _invoke("run", "atlantis-2030")
    assert result.exit_code == 2 and "ukraine-2022" in result.stderr
    result = _invoke("run", "-n", "5", "-p", "surrender")
    assert result.exit_code == 2
    assert "surrender" in result.stderr and "land-for-peace" in result.stderr


def test_a_scenario_file_cannot_run_code_or_include_files(tmp_path):
    # TOML has no includes or expressions; a string that looks like code is only a string.
    path = _variant(tmp_path, 'name = "ukraine-2022"', "name = \"__import__('os').system('x')\"")
    result = _invoke("validate", str(path))
    assert result.exit_code == 0
    path = _variant(tmp_path, "[actors]", "include = '/etc/passwd'\n[actors]")
    result = _invoke("validate", str(path))
    assert result.exit_code == 2 and "include" in result.stderr


def test_the_installed_command_exits_2_without_traceback(tmp_path):
    exe = Path(sys.executable).with_name("offramp")
    bad = _variant(tmp_path, "held_share = 0.795", "held_share = 2")
    done = subprocess.run([str(exe), "validate", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "territory.held_share" in done.stderr
