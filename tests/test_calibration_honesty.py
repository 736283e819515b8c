"""Honest calibration: neutral multi-start search, blind rolling origins, proper scores,
and parameter draws in a study.

Runtime: about 20 s on a loaded 2-core machine (small fits: a few runs, few generations).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from offramp.calibration.draws import draw_index, uncertain_units
from offramp.calibration.evaluate import (
    evaluate,
    forecast_from_origin,
    linear_trend,
    origin_data,
    random_walk_variance,
    score_gaussian,
    score_sample,
)
from offramp.calibration.observations import poll_waves, territory_series
from offramp.calibration.opinion_fit import FREE_PARAMETERS, fit_opinion
from offramp.calibration.search import parameter_box, sobol_design
from offramp.cli.main import app
from offramp.engine.simulate import simulate
from offramp.study import parameter_draws, run_study

SMALL = {"runs": 4, "generations": 2, "surface_points": 0}


# --- the search -----------------------------------------------------------------------


def test_box_is_read_from_the_schema(ukraine):
    box = parameter_box(ukraine, FREE_PARAMETERS)
    ranges = ukraine.parameter_ranges()
    for i, name in enumerate(FREE_PARAMETERS):
        assert box.high[i] == ranges[name].le
        assert 0 < box.low[i] < box.high[i]
    u = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(box.unit(box.values(u)), u)


def test_sobol_design_is_fixed_and_fills_the_cube():
    a, b = sobol_design(3, 32), sobol_design(3, 32)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (32, 3) and (a >= 0).all() and (a < 1).all()
    # every half of every axis holds half the points (a (0, m, s)-net property)
    assert ((a < 0.5).sum(axis=0) == 16).all()
    with pytest.raises(ValueError, match="power of two"):
        sobol_design(3, 30)


def _fit_inputs(ukraine):
    line = territory_series(ukraine)["held_share"].to_numpy()
    waves = poll_waves(ukraine, ukraine.meta.start, "2024-06")
    return line, waves[waves["month"] >= 1].reset_index(drop=True)


def test_the_fit_never_reads_the_fitted_parameters_values(ukraine):
    # By construction: change the scenario's values of the fitted parameters to anything and
    # the fit is the same (its starts are the Sobol design over the schema's box).
    line, waves = _fit_inputs(ukraine)
    shipped = fit_opinion(ukraine, line, waves, **SMALL)
    elsewhere = ukraine.model_copy(
        update={
            "opinion": ukraine.opinion.model_copy(
                update={"weariness": 0.3, "stalemate_lag": 60.0, "success_rally": 0.5}
            )
        }
    )
    moved = fit_opinion(elsewhere, line, waves, **SMALL)
    assert moved.estimate == shipped.estimate
    assert moved.neg_log_likelihood == shipped.neg_log_likelihood


# --- rolling origins --------------------------------------------------------------------


def test_a_rolling_origin_never_sees_data_at_or_after_it(ukraine):
    line, waves = _fit_inputs(ukraine)
    origin = 19  # 2024-02: waves to 2023-12, the line to 2024-01
    perturbed_waves = waves.copy()
    later = perturbed_waves["month"] >= origin
    assert later.any()
    perturbed_waves.loc[later, "observed"] = 0.99
    perturbed_line = line.copy()
    perturbed_line[origin:] = 0.5
    kept, changed = (
        origin_data(origin, waves, line),
        origin_data(origin, perturbed_waves, perturbed_line),
    )
    assert changed.waves["month"].max() < origin and len(changed.line) == origin
    settings = {"runs": 4, "generations": 1, "surface_points": 16, "draws": 20}
    a = forecast_from_origin(ukraine, kept, origin + 6, **settings)
    b = forecast_from_origin(ukraine, changed, origin + 6, **settings)
    assert a.opinion_estimate == b.opinion_estimate
    assert a.territory_estimate == b.territory_estimate
    np.testing.assert_array_equal(a.no_concessions, b.no_concessions)


def test_scores_on_known_cases():
    # CRPS of a point mass is the absolute error; of N(0, 1) at its mean (sqrt 2 - 1)/sqrt pi.
    assert score_sample(3.0, np.full(50, 1.0))["crps"] == pytest.approx(2.0)
    assert score_gaussian(0.0, 0.0, 1.0)["crps"] == pytest.approx(
        (np.sqrt(2) - 1) / np.sqrt(np.pi), rel=1e-6
    )
    # Interval score (Gneiting & Raftery 2007, eq. 43): width + (2/alpha) x the miss.
    sample = np.linspace(0.0, 10.0, 100_001)  # q05 = 0.5, q95 = 9.5
    inside = score_sample(5.0, sample)
    assert inside["interval_score_90"] == pytest.approx(9.0, abs=1e-3)
    below = score_sample(-1.5, sample)
    assert below["interval_score_90"] == pytest.approx(9.0 + 20 * 2.0, abs=1e-2)
    # Coverage of the central 50% (2.5..7.5) and 90% intervals.
    assert (inside["covered_50"], inside["covered_90"]) == (1.0, 1.0)
    edge = score_sample(8.0, sample)
    assert (edge["covered_50"], edge["covered_90"]) == (0.0, 1.0)
    assert (below["covered_50"], below["covered_90"]) == (0.0, 0.0)


def test_baselines():
    months = np.array([0.0, 1.0, 3.0])
    values = np.array([10.0, 12.0, 10.0])
    # (2^2 / 1 + 2^2 / 2) / 2
    assert random_walk_variance(months, values) == pytest.approx(3.0)
    mean, sd = linear_trend(np.arange(4.0), 2.0 * np.arange(4.0) + 1.0, 6.0)
    assert mean == pytest.approx(13.0) and sd == pytest.approx(0.0, abs=1e-9)


def test_evaluate_json_shape(ukraine):
    document = evaluate(
        ukraine, origins=("2025-01",), runs=4, surface_points=16, draws=20, generations=1
    )
    document = json.loads(json.dumps(document))
    assert document["scores"]
    for row in document["scores"]:
        assert row["target"] in ("no_concessions", "territory")
        assert row["method"] in ("model", "no-change", "linear-trend")
        assert isinstance(row["horizon_months"], int) and isinstance(row["n"], int)
        for key in ("crps", "interval_score_90", "coverage_50", "coverage_90"):
            assert isinstance(row[key], float)
        assert 0 <= row["coverage_50"] <= row["coverage_90"] <= 1 or row["n"] > 0
    # Nothing after the data cut-off is scored.
    assert all(row["date"] <= "2025-06" for row in document["forecasts"])
    assert {row["date"] for row in document["forecasts"]} >= {"2025-02", "2025-05"}


# --- parameter uncertainty in a study ---------------------------------------------------


def test_draw_assignment_is_per_run_and_chunk_invariant():
    whole = draw_index(7, np.arange(40), 400)
    np.testing.assert_array_equal(whole[25:], draw_index(7, np.arange(25, 40), 400))
    assert len(set(whole)) > 30
    units = uncertain_units(7, np.arange(10), 3)
    np.testing.assert_array_equal(units[4:], uncertain_units(7, np.arange(4, 10), 3))


def test_study_draws_calibrated_parameters_and_says_so(ukraine):
    overrides, manifest = parameter_draws(ukraine, 12, ukraine.seed, "calibrated")
    assert (
        set(manifest["calibrated_parameters"])
        == set(overrides)
        >= {
            "opinion.weariness",
            "battlefield.territory_sensitivity",
        }
    )
    assert len(set(overrides["opinion.weariness"])) > 1
    assert "calibrated-parameter" in manifest["carries"]
    _, uncertain = parameter_draws(ukraine, 12, ukraine.seed, "uncertain")
    assert "bargaining.war_aim" in uncertain["uncertain_parameters"]
    assert "opinion.weariness" not in uncertain["uncertain_parameters"]  # calibrated wins
    study = run_study(ukraine, policies=["fight-on"], runs=6, horizon=12)
    assert study.manifest["parameter_uncertainty"]["mode"] == "calibrated"
    fixed = run_study(ukraine, policies=["fight-on"], runs=6, horizon=12, parameters="fixed")
    plain = simulate(ukraine, "fight-on", runs=6, horizon=12)
    np.testing.assert_array_equal(
        fixed.results["fight-on"].trajectory_data["territory"],
        plain.trajectory_data["territory"],
    )


def test_a_value_set_by_the_user_is_not_drawn(ukraine):
    chosen = ukraine.model_copy(
        update={"opinion": ukraine.opinion.model_copy(update={"weariness": 0.05})}
    )
    overrides, manifest = parameter_draws(chosen, 5, 1, "calibrated")
    assert "opinion.weariness" not in overrides
    assert "opinion.stalemate_lag" in overrides


def test_cli_run_parameter_options():
    runner = CliRunner()
    both = runner.invoke(app, ["run", "--fixed-parameters", "--uncertain", "-n", "2"])
    assert both.exit_code == 2 and "exclude each other" in both.output
    out = runner.invoke(app, ["run", "-n", "4", "--horizon", "6", "--json", "-p", "fight-on"])
    assert out.exit_code == 0, out.output
    manifest = json.loads(out.stdout)["manifest"]
    assert manifest["parameter_uncertainty"]["mode"] == "calibrated"


def test_every_fits_search_range_lies_inside_the_schemas() -> None:
    from offramp.calibration import approval_fit, territory_fit
    from offramp.scenario.catalogue import entry

    for path, (low, high) in approval_fit.BOUNDS.items():
        assert entry(path).range.allows(low) and entry(path).range.allows(high), path
    ratio = entry(territory_fit.STALEMATE_RATIO).range
    assert all(ratio.allows(end) for end in territory_fit.RATIO_RANGE)
