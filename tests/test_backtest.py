"""Minsk II backtest and the generic teaching dyad. Runtime: about 4 s."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from offramp.calibration.backtest import backtest, observed_percentile
from offramp.cli.main import app
from offramp.scenario.loading import load_scenario

runner = CliRunner()


def test_observed_percentile_counts_censored_runs_as_longer():
    durations = np.array([10, 50, 84, np.inf, np.inf])
    # two shorter, one tie (half), two censored (longer)
    assert observed_percentile(durations, 84) == pytest.approx(100 * (2 + 0.5) / 5)
    assert observed_percentile(np.full(4, np.inf), 84) == 0.0


def test_minsk_scenario_is_the_2015_armistice():
    minsk = load_scenario("minsk-2015")
    assert minsk.meta.start == "2015-02"
    assert minsk.territory.held_share == pytest.approx(1 - 42_981 / 603_628, abs=5e-4)
    policy = minsk.policy("minsk-ii")
    assert (policy.kind, policy.deal_month, policy.guarantee_credibility) == ("armistice", 0, 0.0)
    assert minsk.ratification.armistice_rule == "decree"
    assert minsk.horizon_months >= 120


def test_backtest_reports_where_history_falls():
    result = backtest(load_scenario("minsk-2015"), runs=300)
    assert result["observed_months"] == 84 and result["horizon_months"] >= 120
    assert result["runs_with_ceasefire"] > 100
    assert 0.0 <= result["observed_percentile"] <= 100.0
    survival = result["survival"]
    assert survival["12"] >= survival["60"] >= survival["120"]


def test_backtest_cli_json():
    out = runner.invoke(app, ["backtest", "minsk-2015", "--runs", "100", "--json"])
    assert out.exit_code == 0, out.output
    assert "observed_percentile" in json.loads(out.stdout)
    bad = runner.invoke(app, ["backtest", "ukraine-2022", "--runs", "5"])
    assert bad.exit_code == 2 and "observed" in bad.output


def test_generic_dyad_is_symmetric_with_every_policy():
    dyad = load_scenario("generic-dyad")
    b = dyad.battlefield
    assert (
        b.defender_force,
        b.defender_lethality,
        b.defender_recruitment,
        b.defender_force_cap,
    ) == (
        b.invader_force,
        b.invader_lethality,
        b.invader_recruitment,
        b.invader_force_cap,
    )
    assert len(dyad.population.regions) == 2
    assert {p.kind for p in dyad.policies} == {"fight-on", "land-for-peace", "armistice"}
    assert len(dyad.policies) == 5
    assert any(p.guarantee_credibility > 0 for p in dyad.policies)
