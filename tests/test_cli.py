"""The command line: the default study, validation, and every kind of bad input."""

from __future__ import annotations

import json
import os
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
        "land-for-peace-by-decree",
        "land-for-peace-by-decree+guarantees",
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


# --- files that cannot be read or parsed: one line naming the file and the reason, exit 2 ---
MAX_BYTES = 1 << 20
UNREADABLE = [
    ("nested arrays", "a = " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64 levels"),
    ("nested tables", "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n", "nested more than 64"),
    ("dotted key", "a" + ".a" * 5000 + " = 1\n", "dotted key of more than 64 parts"),
    ("table header", "[" + "a." * 5000 + "a]\n", "dotted key of more than 64 parts"),
    ("too large", "# " + "x" * MAX_BYTES + "\n", "larger than the 1.0 MiB allowed"),
    ("binary", b"[meta]\nname = \0\x01\x02\n", "NUL byte at byte 14"),
    ("utf-16", "[meta]\n".encode("utf-16"), "NUL byte"),
    ("latin-1", "[meta]\nname = 'Kyïv'\n".encode("latin-1"), "not UTF-8 text: byte 0xef"),
    ("malformed", "[meta\n", "malformed TOML"),
]


def _unreadable_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "bad.toml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _assert_refused_in_one_line(result, path: Path, what: str, reason: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and f"this {what} file" in lines[0] and reason in lines[0], lines


@pytest.mark.parametrize(("label", "content", "reason"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_a_file_that_cannot_be_parsed_is_refused_in_one_line(tmp_path, label, content, reason):
    path = _unreadable_file(tmp_path, content)
    for command in (("validate",), ("run", "-n", "2", "--horizon", "2")):
        result = _invoke(*command, str(path))
        _assert_refused_in_one_line(result, path, "scenario", reason)
    result = _invoke("run", "-n", "2", "--horizon", "2", "--assumptions", str(path))
    _assert_refused_in_one_line(result, path, "assumption set", reason)


def _directory(tmp_path: Path) -> tuple[Path, str]:
    return tmp_path, "is a directory"


def _fifo(tmp_path: Path) -> tuple[Path, str]:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)  # reading it would block forever: refused from its type, unread
    return path, "not a regular file"


@pytest.mark.parametrize("make", [_directory, _fifo], ids=["directory", "named pipe"])
def test_a_path_that_is_not_a_file_is_refused_in_one_line(tmp_path, make):
    path, reason = make(tmp_path)
    for command in (("validate",), ("run", "-n", "2", "--horizon", "2")):
        _assert_refused_in_one_line(_invoke(*command, str(path)), path, "scenario", reason)
    result = _invoke("run", "-n", "2", "--assumptions", str(path))
    _assert_refused_in_one_line(result, path, "assumption set", reason)


def test_a_file_the_system_will_not_let_us_read_is_refused_in_one_line(tmp_path, monkeypatch):
    path = _variant(tmp_path, "[meta]", "[meta]")
    # Permission bits do not stop root (CI containers), so the refusal itself is simulated.
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    for command in (("validate",), ("run", "-n", "2", "--horizon", "2")):
        result = _invoke(*command, str(path))
        _assert_refused_in_one_line(result, path, "scenario", "cannot read it (Permission denied)")
    result = _invoke("run", "-n", "2", "--assumptions", str(path))
    _assert_refused_in_one_line(result, path, "assumption set", "Permission denied")


def test_files_within_the_limits_are_parsed_and_checked_as_usual(tmp_path):
    # 64 levels (the [meta] table and 63 arrays in it) are allowed: the schema then names
    # the field; one more level is refused.
    text = UKRAINE.read_text(encoding="utf-8")
    path = tmp_path / "deep.toml"
    for arrays, refused in ((63, False), (64, True)):
        deep = "[meta]\nnested = " + "[" * arrays + "]" * arrays + "\n"
        path.write_text(text.replace("[meta]\n", deep, 1), encoding="utf-8")
        result = _invoke("validate", str(path))
        assert result.exit_code == 2
        assert ("meta.nested" in result.stderr) != refused, result.stderr
        assert ("nested more than 64 levels" in result.stderr) == refused, result.stderr
    # Brackets, dots and quotes inside strings and comments are not nesting.
    noisy = '[meta]\n# [[[[ {{{{ a.a.a.a\nnote = "' + "[{." * 100 + '"\n'
    path.write_text(text.replace("[meta]\n", noisy, 1), encoding="utf-8")
    result = _invoke("validate", str(path))
    assert result.exit_code == 2 and "meta.note" in result.stderr, result.stderr
    # A UTF-8 byte-order mark (Windows editors write one) is accepted.
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert _invoke("validate", str(path)).exit_code == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format": "offramp-explore/1", ', "malformed JSON"),
        (b"[" * 5000 + b"]" * 5000, "nested more than 64 levels"),
        (b"\xff\xfe{\0}", "NUL byte"),
    ],
    ids=["malformed", "nested", "binary"],
)
def test_a_broken_store_manifest_is_refused_in_one_line(tmp_path, content, reason):
    (tmp_path / "manifest.json").write_bytes(content)
    result = _invoke("sensitivity", str(tmp_path), "--metric", "territory_at_horizon")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "manifest.json" in lines[0] and reason in lines[0], lines


def test_a_corrupt_store_chunk_is_refused_in_one_line(tmp_path):
    manifest = {"format": "offramp-explore/1", "policies": ["armistice"], "n_chunks": 1}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "outcomes").mkdir()
    chunk = tmp_path / "outcomes" / "chunk-00000.parquet"
    chunk.write_bytes(b"PAR1 not really parquet")
    result = _invoke("sensitivity", str(tmp_path), "--metric", "territory_at_horizon")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(chunk) in lines[0] and "cannot read" in lines[0], lines


@pytest.mark.parametrize(
    ("command", "option", "value", "path"),
    [
        ("run", "--horizon", "601", "horizon_months"),
        ("run", "--runs", "0", "runs"),
        ("explore", "--seed", "-1", "seed"),
        ("window", "--horizon", "0", "horizon_months"),
    ],
)
def test_run_seed_and_horizon_options_take_the_catalogues_bounds(command, option, value, path):
    from offramp.scenario.catalogue import entry

    result = _invoke(command, option, value)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert f"{path} must be {entry(path).range_text}" in text, text
