"""Sensitivity measures through the explore code path, checked on the Ishigami function."""

from __future__ import annotations

import numpy as np
import pytest

from offramp.analysis.sensitivity import METHOD_BY_SAMPLER, sensitivity
from offramp.explore.sampling import sample_design
from offramp.scenario.schema import Uniform

NAMES = ("x1", "x2", "x3")
# Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, and SALib's test values.
ISHIGAMI_S1 = (0.314, 0.442, 0.0)
ISHIGAMI_ST = (0.558, 0.442, 0.244)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990): sin x1 + a sin^2 x2 + b x3^4 sin x1."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def uncertainties() -> dict:
    return {n: Uniform(distribution="uniform", low=-np.pi, high=np.pi) for n in NAMES}


def test_sobol_indices_of_ishigami():
    design = sample_design(uncertainties(), "sobol", 1024, seed=1)
    assert design.n_samples == 1024 * (len(NAMES) + 2)
    method, table = sensitivity("sobol", NAMES, design.unit, ishigami(design.values), seed=1)
    assert method == "sobol"
    table = table.set_index("parameter").loc[list(NAMES)]
    for name, s1, st in zip(NAMES, ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        row = table.loc[name]
        # within the bootstrap interval (and a small absolute slack for the reference's rounding)
        assert abs(row["S1"] - s1) <= max(row["S1_conf"], 0.02) + 0.01
        assert abs(row["ST"] - st) <= max(row["ST_conf"], 0.02) + 0.01


def test_morris_ranks_ishigami_inputs():
    design = sample_design(uncertainties(), "morris", 200, seed=2)
    method, table = sensitivity("morris", NAMES, design.unit, ishigami(design.values), seed=2)
    assert method == "morris"
    # x2 acts alone and strongly; x3 only through its interaction with x1 (large sigma).
    assert table["parameter"].iloc[0] == "x2"
    row = table.set_index("parameter").loc["x3"]
    assert row["sigma"] > 0.5 * row["mu_star"]


def test_pawn_and_first_order_for_latin_hypercube_designs():
    dummy = {**uncertainties(), "x4": Uniform(distribution="uniform", low=0.0, high=1.0)}
    design = sample_design(dummy, "lhs", 2000, seed=3)
    names = (*NAMES, "x4")
    method, table = sensitivity("lhs", names, design.unit, ishigami(design.values), seed=3)
    assert method == "pawn"
    table = table.set_index("parameter")
    assert table.loc["x2", "S1"] == pytest.approx(0.442, abs=0.08)
    assert table.loc["x3", "S1"] < 0.1
    # x4 does not enter the function: its conditional distributions are the unconditional one
    assert table["median"].idxmin() == "x4"
    # ... up to the KS noise of 200 points a slice; x1 and x2 are well above it
    assert table.loc["x4", "median"] < 0.1 < 0.2 < table.loc[["x1", "x2"], "median"].min()


def test_undefined_output_is_refused():
    design = sample_design(uncertainties(), "lhs", 50, seed=3)
    y = ishigami(design.values)
    y[3] = np.nan
    with pytest.raises(ValueError, match="undefined"):
        sensitivity("lhs", NAMES, design.unit, y)


def test_tornado_whiskers_are_the_interval_each_method_reports() -> None:
    import pandas as pd

    from offramp.analysis.sensitivity import INFLUENCE

    # dyadic values, so the differences are exact
    pawn = pd.DataFrame({"median": [0.5, 0.25], "minimum": [0.25, 0.25], "maximum": [1.0, 0.5]})
    assert INFLUENCE["pawn"].whiskers(pawn).tolist() == [[0.25, 0.0], [0.5, 0.25]]
    sobol = pd.DataFrame({"ST": [0.625], "ST_conf": [0.125]})
    assert INFLUENCE["sobol"].whiskers(sobol).tolist() == [[0.125], [0.125]]
    assert set(INFLUENCE) == set(METHOD_BY_SAMPLER.values())
