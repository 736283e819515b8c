"""Uncertainty specs in scenario files: validation (exit 2), ranges, distributions."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from offramp.cli.main import app
from offramp.engine.parameters import numeric_parameters
from offramp.engine.simulate import simulate
from offramp.explore.distributions import from_unit
from offramp.scenario.loading import (
    ScenarioError,
    load_scenario,
    read_scenario_table,
    resolve_scenario_path,
    validate_scenario,
)
from offramp.scenario.schema import Choice, LogUniform, Triangular, TruncatedNormal, Uniform

BASE = resolve_scenario_path("ukraine-2022").read_text().split("\n# --- uncertainties")[0]


def _with_uncertain(tmp_path, block: str):
    path = tmp_path / "s.toml"
    path.write_text(BASE + "\n" + block)
    return path


@pytest.mark.parametrize(
    ("block", "field", "words"),
    [
        (
            '[uncertain."bargaining.embolden"]\ndistribution = "uniform"\nlow = 0\nhigh = 1\n',
            'uncertain."bargaining.embolden"',
            "did you mean bargaining.emboldening",
        ),
        (
            '[uncertain."bargaining.emboldening"]\ndistribution = "uniform"\nlow = 2\nhigh = 1\n',
            'uncertain."bargaining.emboldening".high',
            "must be greater than low",
        ),
        (
            '[uncertain."opinion.weariness"]\ndistribution = "log-uniform"\nlow = 0.01\n'
            "high = 0.9\n",
            'uncertain."opinion.weariness".high',
            "allows [0, 0.5]",
        ),
        (
            '[uncertain."leadership.election_delay"]\ndistribution = "uniform"\nlow = 0\n'
            "high = 12\n",
            'uncertain."leadership.election_delay".distribution',
            '"choice"',
        ),
        (
            '[uncertain."population.West.no_concessions_share"]\ndistribution = "choice"\n'
            "values = [0.5, 1.5]\n",
            'uncertain."population.West.no_concessions_share".values[1]',
            "allows [0, 1]",
        ),
        (
            '[uncertain."battlefield.stalemate_ratio"]\ndistribution = "triangular"\n'
            "low = 1\nmode = 4\nhigh = 3\n",
            'uncertain."battlefield.stalemate_ratio".mode',
            "must lie in [1.0, 3.0]",
        ),
        (
            '[uncertain."mobilization.threshold_mean"]\ndistribution = "truncated-normal"\n'
            "mean = 2.5\nsd = 0.01\nlow = 1\nhigh = 1.5\n",
            'uncertain."mobilization.threshold_mean".high',
            "within 30 sd of the mean",
        ),
    ],
)
def test_bad_uncertainty_is_a_clear_problem_and_exit_2(tmp_path, block, field, words):
    path = _with_uncertain(tmp_path, block)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert problem.field == field
    assert words in problem.message
    result = CliRunner().invoke(
        app, ["explore", str(path), "-n", "4", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert field in result.output
    assert "Traceback" not in result.output


def test_scenario_without_uncertainties_cannot_be_explored(tmp_path):
    path = _with_uncertain(tmp_path, "")
    result = CliRunner().invoke(
        app, ["explore", str(path), "-n", "4", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "declares no uncertainties" in result.output


def test_unknown_sampler_and_bad_sobol_n_exit_2(tmp_path):
    runner = CliRunner()
    out = str(tmp_path / "o")
    result = runner.invoke(
        app, ["explore", "ukraine-2022", "-n", "4", "--sampler", "x", "--out", out]
    )
    assert result.exit_code == 2 and "allowed: lhs, sobol, morris, mc" in result.output
    result = runner.invoke(
        app, ["explore", "ukraine-2022", "-n", "6", "--sampler", "sobol", "--out", out]
    )
    assert result.exit_code == 2 and "power of two" in result.output


def test_parameter_ranges_cover_exactly_the_numeric_parameters():
    scenario = load_scenario("ukraine-2022")
    for policy in scenario.policies:
        assert set(scenario.parameter_ranges()) == set(numeric_parameters(scenario, policy))
    ranges = scenario.parameter_ranges()
    assert str(ranges["patrons.sanctions"]) == "[0, 1)"
    assert ranges["leadership.election_delay"].whole


def test_bundled_uncertainties_are_valid_and_sourced():
    scenario = load_scenario("ukraine-2022")
    assert 8 <= len(scenario.uncertain) <= 20
    assert all(d.source for d in scenario.uncertain.values())


def test_quantile_functions_map_the_unit_interval():
    u = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    uniform = Uniform(distribution="uniform", low=1.0, high=3.0)
    np.testing.assert_allclose(from_unit(uniform, u), [1.0, 1.5, 2.0, 2.5, 3.0])
    log = LogUniform(distribution="log-uniform", low=0.01, high=1.0)
    np.testing.assert_allclose(from_unit(log, u), [0.01, 10**-1.5, 0.1, 10**-0.5, 1.0])
    choice = Choice(distribution="choice", values=[2.0, 5.0])
    np.testing.assert_array_equal(from_unit(choice, u), [2.0, 2.0, 5.0, 5.0, 5.0])
    triangle = Triangular(distribution="triangular", low=0.0, mode=0.0, high=1.0)
    # F(x) = 1 - (1 - x)^2, so the median is 1 - sqrt(0.5)
    assert from_unit(triangle, [0.5])[0] == pytest.approx(1 - np.sqrt(0.5))
    normal = TruncatedNormal(distribution="truncated-normal", mean=0.5, sd=0.1, low=0.0, high=1.0)
    values = from_unit(normal, u)
    assert values[0] == 0.0 and values[-1] == 1.0 and values[2] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "distribution",
    [
        Uniform(distribution="uniform", low=1.0, high=3.0),
        LogUniform(distribution="log-uniform", low=0.01, high=0.15),
        Triangular(distribution="triangular", low=1.0, mode=1.5, high=3.0),
        TruncatedNormal(distribution="truncated-normal", mean=1.3, sd=0.15, low=1.0, high=1.7),
        TruncatedNormal(distribution="truncated-normal", mean=0.0, sd=1.0, low=3.0, high=5.0),
        TruncatedNormal(distribution="truncated-normal", mean=0.0, sd=1.0, low=-8.0, high=8.0),
        TruncatedNormal(distribution="truncated-normal", mean=0.9, sd=0.02, low=0.0, high=0.5),
    ],
    ids=lambda d: f"{d.distribution}-{d.low}-{d.high}",
)
def test_quantile_functions_agree_with_scipys(distribution):
    # Written out so that their bits do not depend on the processor (scipy's call NumPy's
    # exp and log), they must still be scipy's quantiles, tails included.
    from offramp.explore.distributions import frozen

    u = np.concatenate([np.linspace(0.0, 1.0, 2001), [1e-12, 1e-6, 1 - 1e-6, 1 - 1e-12]])
    expected = np.clip(frozen(distribution).ppf(u), distribution.low, distribution.high)
    np.testing.assert_allclose(from_unit(distribution, u), expected, rtol=1e-12, atol=1e-14)


def test_per_run_population_parameters_match_scenario_edits():
    """An override of a poll share per run equals editing the scenario for that run."""
    table = read_scenario_table(resolve_scenario_path("ukraine-2022"))
    shares = [0.6, 0.9]
    overrides = {"population.East.no_concessions_share": np.array(shares)}
    scenario = validate_scenario(table)
    varied = simulate(scenario, "land-for-peace", runs=[3, 4], horizon=24, overrides=overrides)
    for i, share in enumerate(shares):
        table["population"]["regions"][3]["no_concessions_share"] = share
        edited = validate_scenario(table)
        alone = simulate(edited, "land-for-peace", runs=[3 + i], horizon=24)
        for name in ("territory_at_horizon", "peak_protest", "deal_support"):
            np.testing.assert_array_equal(
                varied.outcomes_data[name][i], alone.outcomes_data[name][0]
            )
