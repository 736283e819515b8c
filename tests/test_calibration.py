"""Calibration: the fit to KIIS reaches its target, the JSON has its shape, fits recover truth.

Runtime: about 55 s of CPU (one full calibration, 27 s; one synthetic global fit, marked
slow; one small CLI calibration); several minutes of wall time on a loaded 2-core machine.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from offramp.calibration.calibrate import calibrate
from offramp.calibration.observations import (
    ladder_spread,
    missing_region_share,
    ndi_ladder_item,
    poll_waves,
)
from offramp.calibration.opinion_fit import fit_opinion, simulate_opinion
from offramp.calibration.territory_fit import (
    DEGREES_OF_FREEDOM,
    fit_territory,
    log_force_ratio_path,
)
from offramp.cli.main import app
from offramp.engine.simulate import simulate

DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@pytest.fixture(scope="module")
def result(ukraine):
    return calibrate(ukraine, holdout=3)


def test_in_sample_rmse_within_three_points(result):
    assert result["rmse_pp"] <= 3.0
    fit = result["fit"]
    errors = [row["simulated"] - row["observed"] for row in fit]
    assert result["rmse_pp"] == pytest.approx(float(np.sqrt(np.mean(np.square(errors)))), abs=0.01)


def test_json_has_the_documented_shape(result):
    text = json.dumps(result)  # plain JSON types only
    document = json.loads(text)
    for row in document["fit"]:
        assert DATE.match(row["date"]) and {"observed", "simulated"} <= set(row)
    assert isinstance(document["rmse_pp"], float)
    assert set(document["parameters"]) == {
        "opinion.weariness",
        "opinion.stalemate_lag",
        "opinion.success_rally",
    }
    for stats in (*document["parameters"].values(), *document["territory"]["parameters"].values()):
        assert stats["p05"] <= stats["estimate"] <= stats["p95"]
    months = [row["date"] for row in document["forecast"]]
    assert months[0] == "2025-07" and months[-1] == "2026-06" and len(months) == 12
    assert [row["date"] for row in document["territory"]["forecast"]] == months
    assert isinstance(document["territory"]["fit_rmse_pp"], float)
    assert len(document["holdout"]) == 3
    surface = document["surface"]
    for name in document["parameters"]:
        profile = surface["profiles"][name]
        assert len(profile["value"]) == len(profile["deviance"]) > 3
        assert min(profile["deviance"]) >= 0
        assert isinstance(document["parameters"][name]["identified"], bool)
    assert set(surface["fixed_slices"]) == {
        "opinion.influence",
        "opinion.weariness_heterogeneity",
        "opinion.confidence",
    }


def test_forecast_bands_contain_their_median(result):
    for row in (*result["forecast"], *result["territory"]["forecast"]):
        assert row["p05"] <= row["median"] <= row["p95"]
    assert all(0 <= row["median"] <= 100 for row in result["forecast"])


def test_holdout_errors_are_predicted_minus_observed(result):
    for row in result["holdout"]:
        assert row["error_pp"] == pytest.approx(row["predicted"] - row["observed"], abs=0.02)
    assert result["holdout"][-1]["date"] == "2025-05"


def test_the_shipped_scenario_holds_the_fitted_values(ukraine, result):
    # The scenario starts from the fit; a refit on the same data lands within its interval.
    for name, stats in result["parameters"].items():
        section, field = name.split(".")
        assert stats["p05"] <= getattr(getattr(ukraine, section), field) <= stats["p95"], name


def test_calibration_simulator_is_the_engine(ukraine):
    # Driven by the engine's own front line, the calibration simulator reproduces the engine's
    # opinion trajectory under fight-on exactly (it composes the same mechanism functions).
    run = simulate(ukraine, "fight-on", runs=6, seed=3, horizon=24)
    ours = simulate_opinion(ukraine, run.trajectory_data["territory"], seed=3)
    np.testing.assert_allclose(ours["national"], run.trajectory_data["no_concessions"])


def test_survey_items_to_reservation_points(ukraine):
    accept, held = ndi_ladder_item("currently_controlled")
    assert (accept, round(held, 3)) == (0.13, 0.797)
    assert ladder_spread(0.84, accept, held) == pytest.approx(
        ukraine.population.demand_spread, abs=0.1
    )
    weights = {r.name: r.weight for r in ukraine.population.regions}
    known = {
        r.name: r.no_concessions_share for r in ukraine.population.regions if r.name != "Center"
    }
    center = missing_region_share(0.84, known, weights)
    assert center == pytest.approx(
        next(r.no_concessions_share for r in ukraine.population.regions if r.name == "Center"),
        abs=0.002,
    )
    with pytest.raises(ValueError, match="order the outcomes"):
        ladder_spread(0.84, 0.5, 0.8)


@pytest.mark.slow
def test_opinion_fit_recovers_known_parameters(ukraine):
    truth = {"opinion.weariness": 0.08, "opinion.stalemate_lag": 8.0, "opinion.success_rally": 5.0}
    months = np.array([2, 5, 8, 11, 14, 17, 20, 23, 26, 29])
    path = np.r_[0.8, np.full(4, 0.81), np.full(30, 0.80)]  # one advance, then stalemate
    generated = simulate_opinion(ukraine, np.tile(path, (256, 1)), truth, seed=11)
    expected = generated["national"].mean(axis=0)[months]
    rng = np.random.default_rng(5)
    n = np.full(len(months), 1500)
    waves = poll_waves(ukraine, "2022-07", "2022-07").iloc[:0].reindex(range(len(months)))
    waves = waves.assign(
        date="synthetic",
        month=months,
        region="national",
        observed=rng.binomial(n, expected) / n,
        n=n,
        n_assumed=False,
    )
    # The fit takes no starting values: it searches the schema's whole box.
    fit = fit_opinion(ukraine, path, waves)
    for name, stats in fit.interval().items():
        assert stats["p05"] <= truth[name] <= stats["p95"], (name, stats)
        assert stats["identified"], name


def test_territory_fit_recovers_known_drift(ukraine):
    months = 60
    ratio = log_force_ratio_path(ukraine, months, runs=8)
    kappa, log_star, scale = 0.004, np.log(1.9), 0.0006
    rng = np.random.default_rng(2)
    changes = kappa * (ratio - log_star) + scale * rng.standard_t(DEGREES_OF_FREEDOM, months)
    held = 0.8 + np.r_[0.0, np.cumsum(changes)]
    fit = fit_territory(ukraine, held, runs=8)
    stats = fit.interval(np.random.default_rng(0))
    assert stats["battlefield.territory_sensitivity"]["p05"] <= kappa
    assert kappa <= stats["battlefield.territory_sensitivity"]["p95"]
    assert (
        stats["battlefield.stalemate_ratio"]["p05"]
        <= 1.9
        <= stats["battlefield.stalemate_ratio"]["p95"]
    )


def test_cli_calibrate_json_and_bad_holdout():
    runner = CliRunner()
    out = runner.invoke(
        app, ["calibrate", "--json", "--holdout", "0", "--forecast-runs", "40", "--runs", "4"]
    )
    assert out.exit_code == 0, out.output
    document = json.loads(out.stdout)
    assert document["holdout"] == [] and document["rmse_pp"] <= 4.0
    bad = runner.invoke(app, ["calibrate", "--holdout", "11"])
    assert bad.exit_code == 2
    assert "--holdout 11" in bad.output
