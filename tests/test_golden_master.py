"""Golden master: the exact outcomes and trajectories of ukraine-2022, pinned as data.

A refactoring must leave these bit-identical. A deliberate model change regenerates the
files in a commit of its own that says why::

    OFFRAMP_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_master.py

The cases are four policies x 50 runs x 60 months of the bundled scenario, and one run with
the spatial protest model (``mobilization.model = "epstein"``). Each case is one ``.npz``
file of plain arrays (no pickle) under ``tests/golden/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from offramp import simulate
from offramp.scenario import Scenario

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("OFFRAMP_REGENERATE_GOLDEN") == "1"

CASES = {
    "fight-on": dict(policy="fight-on", runs=50, horizon=60, epstein=False),
    "land-for-peace": dict(policy="land-for-peace", runs=50, horizon=60, epstein=False),
    "armistice": dict(policy="armistice", runs=50, horizon=60, epstein=False),
    "land-for-peace-by-decree": dict(
        policy="land-for-peace-by-decree", runs=50, horizon=60, epstein=False
    ),
    "armistice-epstein": dict(policy="armistice", runs=1, horizon=24, epstein=True),
}


def _case_arrays(scenario: Scenario, case: dict) -> dict[str, np.ndarray]:
    if case["epstein"]:
        mobilization = scenario.mobilization.model_copy(update={"model": "epstein"})
        scenario = scenario.model_copy(update={"mobilization": mobilization})
    results = simulate(
        scenario, case["policy"], runs=case["runs"], seed=20220701, horizon=case["horizon"]
    )
    arrays = {f"outcome.{k}": np.asarray(v) for k, v in results.outcomes_data.items()}
    arrays |= {f"trajectory.{k}": np.asarray(v) for k, v in results.trajectory_data.items()}
    return arrays


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_equal_the_golden_master_bit_for_bit(ukraine: Scenario, name: str) -> None:
    path = GOLDEN / f"{name}.npz"
    arrays = _case_arrays(ukraine, CASES[name])
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        np.savez_compressed(path, **arrays)
    with np.load(path, allow_pickle=False) as stored:
        assert sorted(stored.files) == sorted(arrays), "the set of outcomes changed"
        for key in stored.files:
            expected, actual = stored[key], arrays[key]
            assert expected.dtype.kind == actual.dtype.kind, key
            assert np.array_equal(expected, actual, equal_nan=expected.dtype.kind == "f"), key
