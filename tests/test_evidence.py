"""The outside view: base-rate estimators, the shipped table, `offramp evidence`, and the
model-level checks against the base rates. Runtime: about 20 s on an idle machine (the two
model-level tests about 5-8 s each)."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from offramp.analysis.base_rates import (
    conflict_episodes,
    kaplan_meier_cumulative,
    leader_removal_rates,
    leader_spells,
    poisson_rate_interval,
    proportion_interval,
    wartime_leader_months,
)
from offramp.analysis.evidence import irregular_removal_rate, recurrence_probabilities
from offramp.cli.main import app
from offramp.datasets import load_dataset

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def shared_folder() -> Path | None:
    """The shared reference folder: $OFFRAMP_SHARED, else ../shared beside the repository."""
    for candidate in (os.environ.get("OFFRAMP_SHARED"), ROOT.parent / "shared"):
        if candidate and (Path(candidate) / "data" / "crossnational" / "archigos.csv").exists():
            return Path(candidate)
    return None


SHARED = shared_folder()
needs_shared = pytest.mark.skipif(
    SHARED is None,
    reason="shared/data/crossnational not found beside the repository (set OFFRAMP_SHARED)",
)


def rate(name: str) -> pd.Series:
    table = load_dataset("base_rates")
    return table[table["item"] == name].iloc[0]


# --- estimators on hand-computable data -------------------------------------------------------


def test_kaplan_meier_matches_the_hand_computed_product_limit():
    # times 1, 2+, 3, 4, 5+ (+ censored): S(1) = 4/5, S(3) = 4/5 * 2/3, S(4) = S(3) * 1/2
    table = kaplan_meier_cumulative([1, 2, 3, 4, 5], [1, 0, 1, 1, 0], [0.5, 1, 2.5, 3, 4, 6])
    s1, s3 = 4 / 5, 4 / 5 * 2 / 3
    expected = [0.0, 1 - s1, 1 - s1, 1 - s3, 1 - s3 / 2, 1 - s3 / 2]
    assert table["value"].to_numpy() == pytest.approx(expected)
    assert (table["ci_low"] <= table["value"] + 1e-12).all()
    assert (table["value"] <= table["ci_high"] + 1e-12).all()
    assert table["at_risk"].tolist() == [5, 5, 3, 3, 2, 0]


def test_poisson_and_binomial_intervals_match_known_values():
    # Garwood: 0 events -> upper chi2(0.975, 2)/2 = -ln(0.025) = 3.689 per unit exposure
    value, low, high = poisson_rate_interval(0, 1.0)
    assert (value, low) == (0.0, 0.0) and high == pytest.approx(-np.log(0.025), rel=1e-9)
    value, low, high = poisson_rate_interval(10, 100.0)
    assert value == 0.1 and low == pytest.approx(0.047954, abs=1e-5)
    assert high == pytest.approx(0.183904, abs=1e-5)
    # Clopper-Pearson, 0 of 10: upper = 1 - 0.025 ** (1/10)
    _, low, high = proportion_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(1 - 0.025**0.1)
    with pytest.raises(ValueError, match="exposure"):
        poisson_rate_interval(1, 0.0)


def _spells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gwcode": [1.0, 1.0, 2.0, 2.0],
            "startdate": ["1980-01-01", "1991-01-01", "1985-01-01", "1995-01-01"],
            "enddate": ["1990-12-31", "1993-01-01", "1995-01-01", "2015-12-31"],
            "exit": ["Irregular", "Regular", "Irregular", "Still in Office"],
            "exitcode": [
                "Popular Protest, without Foreign Support",
                "Regular",
                "Removed by Military, without Foreign Support",
                "Still in Office",
            ],
        }
    )


def test_leader_rates_count_removals_over_leader_months():
    spells = leader_spells(_spells())
    rates = {r.name: r for r in leader_removal_rates(spells)}
    overall = rates["irregular_removal_per_leader_month"]
    assert overall.events == 2
    assert overall.exposure == pytest.approx(spells["months"].sum())
    since = rates["irregular_removal_per_leader_month_since_1990"]
    assert (since.events, since.n) == (0, 2)
    assert rates["removal_by_popular_protest_per_leader_month"].events == 1
    assert rates["removal_by_military_per_leader_month"].events == 1
    protest = rates["tenures_ended_by_popular_protest"]
    assert (protest.events, protest.n) == (1, 3)  # the spell still in office is not completed


def test_wartime_months_cut_spells_at_year_boundaries():
    spells = leader_spells(_spells())
    # state 2 at war in 1994 and 1995 only: 12 months of 1994 and the one day of 1995 for the
    # first leader (removed irregularly in 1995), the whole of 1995 for the second
    events, exposure, n = wartime_leader_months(spells, {(2, 1994), (2, 1995)}, 1946, 2015)
    assert events == 1 and n == 2
    assert exposure == pytest.approx((365 + 0 + 365) / 30.4375)


def test_episodes_pair_each_end_with_the_next_start_and_censor_the_last():
    rows = pd.DataFrame(
        {
            "conflict_id": [1, 1, 1, 1, 2],
            "year": [1990, 1991, 1995, 1995, 2000],  # 1995 repeated (a second party)
            "type_of_conflict": ["interstate"] * 4 + ["intrastate"],
            "start_date2": ["1990-03-01", "1990-03-01", "1995-06-01", "1995-06-01", "2000-01-01"],
            "ep_end": [0, 1, 1, 1, 1],
            "ep_end_date": [None, "1991-06-01", "1995-12-01", "1995-12-01", "2000-12-31"],
        }
    )
    episodes = conflict_episodes(rows, end_of_data=pd.Timestamp("2004-12-31"))
    assert len(episodes) == 3
    first = episodes.iloc[0]
    assert bool(first["recurred"]) and first["years"] == pytest.approx(
        (pd.Timestamp("1995-06-01") - pd.Timestamp("1991-06-01")).days / 365.25
    )
    assert not episodes.iloc[1]["recurred"] and not episodes.iloc[2]["recurred"]
    assert episodes.iloc[2]["years"] == pytest.approx(4 / 1.0, abs=0.01)


def test_model_rates_from_outcomes():
    outcomes = pd.DataFrame(
        {
            "leader_removed": [True, True, False, False],
            "leader_removed_month": [9.0, 19.0, np.nan, np.nan],
            "removal_cause": ["hazard", "election", "", ""],
            "ceasefire_month": [1.0, 1.0, np.nan, 1.0],
            "war_resumed": [True, False, False, True],
            "war_resumed_month": [13.0, np.nan, np.nan, 61.0],
        }
    )
    value, events, exposure = irregular_removal_rate(outcomes, horizon=100)
    assert (events, exposure) == (1, 10 + 20 + 100 + 100) and value == pytest.approx(1 / 230)
    # durations 12, 99+ (censored at the horizon), 60 among three ceasefires
    got = recurrence_probabilities(outcomes, horizon=100, years=(1, 5, 10))
    assert got[1] == pytest.approx(1 / 3) and got[5] == pytest.approx(2 / 3)
    assert 10 not in got  # 120 months not reached by any follow-up


# --- the shipped table and its rebuild --------------------------------------------------------


def test_shipped_base_rates_match_the_issue():
    assert rate("irregular_removal_per_leader_month_since_1990")["value"] == pytest.approx(
        0.0015, abs=0.00005
    )
    assert rate("irregular_removal_per_leader_month")["value"] == pytest.approx(0.0035, abs=1e-4)
    protest = rate("tenures_ended_by_popular_protest")
    assert protest["events"] == 38 and 3200 <= protest["sample_n"] <= 3300
    assert rate("recurrence_5y_interstate")["value"] == pytest.approx(0.19, abs=0.015)
    assert rate("recurrence_5y_intrastate")["value"] == pytest.approx(0.43, abs=0.01)
    table = load_dataset("base_rates")
    assert ((table["ci_low"] <= table["value"]) & (table["value"] <= table["ci_high"])).all()


@needs_shared
def test_shipped_base_rates_rebuild_from_the_shared_data():
    spec = importlib.util.spec_from_file_location(
        "build_base_rates", ROOT / "docs" / "scripts" / "build_base_rates.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.build(SHARED)
    shipped = load_dataset("base_rates")
    assert rebuilt["item"].tolist() == shipped["item"].tolist()
    for column in ("value", "ci_low", "ci_high", "sample_n", "events"):
        assert rebuilt[column].to_numpy(dtype=float) == pytest.approx(
            shipped[column].to_numpy(dtype=float), rel=1e-5
        ), column


# --- offramp evidence ---------------------------------------------------------------------------


def test_evidence_cli_json_names_match():
    # 37 months: room for the two-year recurrence of a deal signed at month 1
    out = runner.invoke(
        app, ["evidence", "generic-dyad", "--runs", "20", "--horizon", "37", "--json"]
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    base = {r["name"] for r in result["base_rates"]}
    for row in result["base_rates"]:
        assert set(row) >= {"name", "definition", "source", "value", "ci", "n"}
    model = {(r["name"], r["policy"]) for r in result["model"]}
    assert {name for name, _ in model} <= base
    assert ("irregular_removal_per_leader_month", "fight-on") in model
    recurrence = {policy for name, policy in model if name == "recurrence_2y_interstate"}
    assert recurrence and "fight-on" not in recurrence
    bad = runner.invoke(app, ["evidence", "no-such-scenario"])
    assert bad.exit_code == 2


# --- model-level tests ------------------------------------------------------------------------


def test_fight_on_leader_removal_lies_in_the_argued_wartime_democracy_band():
    """The band argued in docs/calibration.md ("The outside view"): Archigos has no regime
    type, so no wartime-democracy rate exists in the shipped data. A wartime leader is taken
    to be at least as exposed as the average leader since 1990 (lower end: that rate's 95%
    lower bound) and a democracy no more exposed than the average leader at war since 1990
    (upper end: the wartime rate's 95% upper bound)."""
    from offramp import load_scenario, simulate

    low = rate("irregular_removal_per_leader_month_since_1990")["ci_low"]
    high = rate("irregular_removal_per_leader_month_wartime_since_1990")["ci_high"]
    scenario = load_scenario("ukraine-2022")
    outcomes = simulate(scenario, "fight-on", runs=400, seed=11, horizon=120).outcomes
    value, events, _ = irregular_removal_rate(outcomes, 120)
    assert events > 30
    assert low <= value <= high, (low, value, high)


def test_generic_dyad_recurrence_over_its_ranges_covers_the_cross_national_rate():
    from offramp import load_scenario, simulate
    from offramp.explore.sampling import sample_design

    scenario = load_scenario("generic-dyad")
    points, per_point = 40, 25
    design = sample_design(scenario.uncertain, "lhs", points, seed=11)
    overrides = {
        name: np.repeat(design.values[:, j], per_point) for j, name in enumerate(design.names)
    }
    outcomes = simulate(
        scenario, "armistice", runs=points * per_point, seed=5, horizon=61, overrides=overrides
    ).outcomes
    outcomes["point"] = np.repeat(np.arange(points), per_point)
    rates = [
        recurrence_probabilities(group, 61, (5,)).get(5) for _, group in outcomes.groupby("point")
    ]
    rates = np.array([r for r in rates if r is not None])
    assert len(rates) >= 20
    lo, hi = np.quantile(rates, [0.05, 0.95])
    base = rate("recurrence_5y_interstate")["value"]
    assert lo <= base <= hi, (lo, base, hi)


def test_calibration_doc_shows_the_shipped_base_rates():
    from offramp.analysis.base_rates import base_rate_markdown

    text = (ROOT / "docs" / "calibration.md").read_text()
    block = text.split("<!-- base-rates:start -->\n")[1].split("<!-- base-rates:end -->")[0]
    assert block == base_rate_markdown(load_dataset("base_rates")), (
        "docs/calibration.md's base-rate table is stale: regenerate it with "
        "offramp.analysis.base_rates.base_rate_markdown"
    )
