"""Minsk II backtest, the ceasefire panel and the generic teaching dyad. Runtime: about 15 s
on an idle machine, plus the slow full-panel CLI test (about a minute)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from offramp.calibration.backtest import (
    OBSERVED_MONTHS,
    backtest,
    ks_power,
    ks_uniform,
    months_until_resumed,
    observed_percentile,
    panel_backtest,
    panel_cases,
    pit_interval,
)
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


# --- the ceasefire panel ---------------------------------------------------------------------


def test_pit_of_a_resumed_case_is_mid_rank_and_of_a_censored_case_an_interval():
    durations = np.array([2.0, 4.0, 4.0, 10.0, np.inf])
    assert pit_interval(durations, 4, censored=False) == pytest.approx((0.4, 0.4))
    # still holding at 5 months: P(T <= 5) = 3/5, the PIT lies in [0.6, 1]
    assert pit_interval(durations, 5, censored=True) == pytest.approx((0.6, 1.0))


def test_months_until_resumed_counts_from_the_ceasefire():
    outcomes = pd.DataFrame(
        {
            "ceasefire_month": [1.0, 3.0, np.nan],
            "war_resumed": [True, False, False],
            "war_resumed_month": [7.0, np.nan, np.nan],
        }
    )
    assert months_until_resumed(outcomes).tolist() == [6.0, np.inf]


def test_ks_uniformity_and_its_power():
    grid = (np.arange(7) + 0.5) / 7
    assert ks_uniform(grid)["p_value"] > 0.9
    assert ks_uniform(np.full(7, 0.99))["p_value"] < 0.001
    assert ks_power(7, "upper-half", runs=500) > 0.95  # every PIT above 1/2 is always caught
    assert ks_power(7, "beta(2,1)", runs=500) < 0.5  # a milder tilt mostly is not
    with pytest.raises(ValueError, match="alternative"):
        ks_power(7, "normal")


def test_panel_data_has_at_least_five_cited_cases_with_a_scenario_each():
    panel = panel_cases()
    assert len(panel) >= 5
    assert {
        "korea-1953",
        "minsk-2014",
        "minsk-2015",
        "nagorno-karabakh-1994",
        "abkhazia-1994",
    } <= set(panel["item"])
    assert set(panel["value_kind"]) == {"resumed", "censored"}
    assert (panel["source_url"].str.startswith("http")).all()
    minsk = panel[panel["item"] == "minsk-2015"].iloc[0]
    assert minsk["value"] == OBSERVED_MONTHS["minsk-2015"]
    for case in panel.itertuples(index=False):
        scenario = load_scenario(case.item)
        deal = [p for p in scenario.policies if p.kind == "armistice"]
        assert deal and deal[0].deal_month == 0, case.item
        assert scenario.meta.start == case.date.strftime("%Y-%m"), case.item
        months = (case.fieldwork_end - case.date).days // 30.4375
        assert case.value == months, case.item


def test_panel_backtest_reports_a_pit_per_case():
    result = panel_backtest(runs=20, cases=["minsk-2014"])
    assert [c["case"] for c in result["cases"]] == ["minsk-2014"]
    for case in result["cases"]:
        assert 0.0 <= case["pit_low"] <= case["pit"] <= case["pit_high"] <= 1.0
        assert 0 < case["runs_with_ceasefire"] <= 20
    assert sum(result["pit_histogram"]["counts"]) == 1
    assert 0.0 <= result["uniformity"]["p_value"] <= 1.0
    with pytest.raises(ValueError, match="not in the ceasefire panel"):
        panel_backtest(runs=5, cases=["ukraine-2022"])


@pytest.mark.slow
def test_backtest_cli_panel_json_and_a_censored_case():
    out = runner.invoke(app, ["backtest", "--panel", "--runs", "10", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert len(result["cases"]) >= 5 and result["uniformity"]["n"] == len(result["cases"])
    korea = next(c for c in result["cases"] if c["case"] == "korea-1953")
    assert korea["censored"] and korea["horizon_months"] == 600
    single = runner.invoke(app, ["backtest", "georgia-2008", "--runs", "10", "--json"])
    assert single.exit_code == 0, single.output
    assert json.loads(single.stdout)["censored"] is True
