"""The explore store: round trip, chunking and worker invariance, resume after a real kill."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from offramp.cli.main import app
from offramp.engine.simulate import simulate
from offramp.explore import explore, open_store
from offramp.scenario.loading import load_scenario

POLICIES = ["fight-on", "land-for-peace"]
HORIZON = 18


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("ukraine-2022")


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory):
    """An uninterrupted store: 20 LHS samples x 2 replications, chunks of 16 runs."""
    out = tmp_path_factory.mktemp("explore") / "reference"
    explore(
        scenario,
        str(out),
        samples=20,
        replications=2,
        policies=POLICIES,
        chunk=16,
        horizon=HORIZON,
        seed=7,
        trajectories=True,
    )
    return open_store(out)


def assert_same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_store_round_trip_matches_direct_simulation(scenario, reference):
    outcomes = reference.outcomes()
    assert len(outcomes) == 20 * 2 * len(POLICIES)
    assert list(outcomes.columns[:4]) == ["sample", "replication", "run", "policy"]
    np.testing.assert_array_equal(outcomes["run"], outcomes["sample"] * 2 + outcomes["replication"])
    samples = reference.samples()
    assert list(samples.columns) == ["sample", *scenario.uncertain]
    # Any run, recomputed on its own with its sampled values, gives the stored outcomes.
    row = outcomes[(outcomes["policy"] == "land-for-peace") & (outcomes["run"] == 13)].iloc[0]
    values = samples.set_index("sample").loc[row["sample"]]
    alone = simulate(
        scenario,
        "land-for-peace",
        runs=[13],
        seed=7,
        horizon=HORIZON,
        overrides={k: [values[k]] for k in scenario.uncertain},
    )
    for name, value in alone.outcomes.iloc[0].items():
        if name != "run":
            assert value == row[name] or (pd.isna(value) and pd.isna(row[name])), name
    manifest = reference.manifest
    assert manifest["status"] == "complete" and set(manifest["chunks"]) == {"done"}
    assert manifest["scenario_sha256"] and manifest["scenario_json"]["meta"]["name"]
    assert manifest["versions"]["numpy"] == np.__version__
    joined = reference.outcomes(parameters=True)
    assert "bargaining.emboldening" in joined.columns
    trajectories = reference.trajectories()
    assert len(trajectories) == len(outcomes) * (HORIZON + 1)
    last = trajectories[trajectories["month"] == HORIZON].reset_index(drop=True)
    np.testing.assert_array_equal(last["territory"], outcomes["territory_at_horizon"])
    # Plain data: every file is Parquet or JSON.
    suffixes = {p.suffix for p in Path(reference.root).rglob("*") if p.is_file()}
    assert suffixes == {".parquet", ".json"}


def test_chunking_and_workers_do_not_change_results(scenario, reference, tmp_path):
    explore(
        scenario,
        str(tmp_path / "a"),
        samples=20,
        replications=2,
        policies=POLICIES,
        chunk=7,
        horizon=HORIZON,
        seed=7,
        workers=2,
    )
    assert_same_rows(open_store(tmp_path / "a").outcomes(), reference.outcomes())


def test_a_worker_imports_neither_pandas_nor_pyarrow(scenario, tmp_path):
    # Either import costs a worker process a few tenths of a second before its first chunk
    # (measured); the chunk comes back as NumPy columns and the parent makes the tables.
    # The design is sampled here, as the parent does it (SALib imports pandas).
    from offramp.explore.runner import chunks
    from offramp.explore.sampling import sample_design

    design = sample_design(scenario.uncertain, "lhs", 4, 1)
    work = pickle.dumps((scenario, [POLICIES[0]], next(chunks(design, 1, 4, [0]))))
    code = f"""
import pickle, sys
from offramp.explore.runner import simulate_chunk
scenario, policies, chunk = pickle.loads({work!r})
simulate_chunk(scenario, policies, chunk, 1, 3, True, 1)
print(sorted({{"pandas", "pyarrow"}} & set(sys.modules)))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_default_chunk_gives_every_worker_work():
    from offramp.explore.runner import DEFAULT_CHUNK_RUNS, default_chunk_runs

    assert default_chunk_runs(20_000, 2) == DEFAULT_CHUNK_RUNS
    assert default_chunk_runs(800, 2) == 400  # two chunks for two workers, not one
    assert default_chunk_runs(801, 2) == 401
    assert default_chunk_runs(3, 8) == 1
    assert default_chunk_runs(0, 1) == 1


def test_existing_store_needs_resume_and_matching_request(reference):
    runner = CliRunner()
    base = [
        "explore",
        "ukraine-2022",
        "--out",
        str(reference.root),
        "--horizon",
        str(HORIZON),
        "--seed",
        "7",
        "-r",
        "2",
        "-p",
        POLICIES[0],
        "-p",
        POLICIES[1],
        "--trajectories",
    ]
    result = runner.invoke(app, [*base, "-n", "20"])
    assert result.exit_code == 2 and "--resume" in result.output
    result = runner.invoke(app, [*base, "-n", "21", "--resume"])
    assert result.exit_code == 2 and "samples = 20" in result.output
    # Resuming a complete store computes nothing and changes nothing.
    before = reference.outcomes()
    result = runner.invoke(app, [*base, "-n", "20", "--resume"])
    assert result.exit_code == 0, result.output
    assert_same_rows(reference.outcomes(), before)


@pytest.mark.slow
def test_resume_after_kill_gives_the_uninterrupted_store(scenario, tmp_path):
    args = [
        "explore",
        "ukraine-2022",
        "-n",
        "150",
        "-r",
        "2",
        "--chunk",
        "6",
        "--horizon",
        "24",
        "--seed",
        "3",
        "-p",
        "land-for-peace",
        "-p",
        "armistice",
    ]
    killed = tmp_path / "killed"
    command = [sys.executable, "-m", "offramp.cli.main", *args, "--out", str(killed)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    chunks = killed / "outcomes"
    while time.monotonic() < deadline:
        if chunks.is_dir() and len(list(chunks.glob("chunk-*.parquet"))) >= 3:
            break
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list(chunks.glob("chunk-*.parquet")))
    manifest = json.loads((killed / "manifest.json").read_text())
    assert 3 <= done < manifest["n_chunks"] == 50, "the kill came too late to test resuming"
    result = CliRunner().invoke(app, [*args, "--out", str(killed), "--resume"])
    assert result.exit_code == 0, result.output
    whole = tmp_path / "whole"
    explore(
        scenario,
        str(whole),
        samples=150,
        replications=2,
        chunk=6,
        horizon=24,
        seed=3,
        policies=["land-for-peace", "armistice"],
    )
    resumed = open_store(killed).outcomes()
    assert len(resumed) == 150 * 2 * 2
    assert not resumed.duplicated(["policy", "run"]).any()
    assert_same_rows(resumed, open_store(whole).outcomes())
    assert open_store(killed).manifest["status"] == "complete"
    assert not list(killed.rglob("*.tmp"))
