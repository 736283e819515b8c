"""Domestic politics both ways: casualties and stalemate lower approval, weariness presses
the government to settle, and approval is fitted to KIIS trust in the president."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from offramp.calibration import approval_fit
from offramp.mechanisms import leadership
from offramp.scenario import Scenario

DEFAULTS = {
    "leadership.approval_baseline": 0.6,
    "leadership.war_rally": 0.24,
    "leadership.approval_reversion": 0.12,
    "leadership.casualty_sensitivity": 0.065,
    "leadership.casualty_scale": 10000.0,
    "leadership.stalemate_sensitivity": 0.1,
    "leadership.stalemate_half_months": 12.0,
    "leadership.loss_sensitivity": 1.0,
}


def test_each_tenfold_rise_in_casualties_costs_mueller_fifteen_points() -> None:
    # Mueller 1973: about 15 points per tenfold rise in casualties, i.e. 0.065 per ln unit
    cost = leadership.casualty_cost(np.array([1e6, 1e7, 1e8]), sensitivity=0.065, scale=1e4)
    steps = np.diff(cost)
    assert steps == pytest.approx(0.15, rel=0.02)
    assert leadership.casualty_cost(0.0, 0.065, 1e4) == 0.0


def _forcing(territory: np.ndarray, casualties: np.ndarray) -> approval_fit.Forcing:
    return approval_fit.Forcing(
        casualties=casualties[None, :],
        territory=territory[None, :],
        initial_approval=np.array([0.84]),
        runs=np.array([0]),
    )


def test_approval_falls_with_the_log_of_cumulative_casualties() -> None:
    months = np.arange(61)
    flat = np.full(61, 0.8)
    # equal casualties each month: the log makes each later month cost less than the last
    casualties = 10000.0 * months
    path = approval_fit.simulate_approval(
        _forcing(flat + 1e-3 * months, casualties),  # the line advances: no stalemate
        {"leadership.approval_reversion": 1.0},
        DEFAULTS,
    )[0]
    assert np.all(np.diff(path[1:]) < 0)
    assert np.all(np.diff(path[1:], 2) > -1e-12)  # convex: falls with ln C, not C
    expected = 0.84 - 0.065 * np.log1p(casualties[1:] / 1e4)
    assert path[1:] == pytest.approx(expected)


def test_stalemate_erodes_approval_faster_than_success() -> None:
    months = np.arange(37)
    casualties = 10000.0 * months
    advancing = 0.8 + 1e-3 * months
    stalled = np.full(37, 0.8) - 1e-4 * (months > 0)
    success = approval_fit.simulate_approval(_forcing(advancing, casualties), {}, DEFAULTS)[0]
    stalemate = approval_fit.simulate_approval(_forcing(stalled, casualties), {}, DEFAULTS)[0]
    assert np.all(stalemate[1:] < success[1:])
    assert np.all(np.diff(stalemate[1:] - success[1:]) < 0)  # the gap widens
    # a gain resets the stalemate count: the erosion stops and reverses
    assert leadership.setback_cost(0.0, 0.8, 0.8, 0.1, 12.0, 1.0) == 0.0
    assert leadership.setback_cost(12.0, 0.8, 0.8, 0.1, 12.0, 1.0) == pytest.approx(0.05)


def test_lost_ground_costs_approval_in_proportion() -> None:
    cost = leadership.setback_cost(0.0, 0.8, np.array([0.8, 0.76, 0.72]), 0.0, 12.0, 1.0)
    assert cost == pytest.approx([0.0, 0.05, 0.1])


shares = st.floats(0.0, 1.0, allow_nan=False)


@given(refusing=shares, approval=shares, peak=shares, weight=shares)
def test_settlement_pressure_is_bounded(refusing, approval, peak, weight) -> None:
    p = leadership.settlement_pressure(refusing, approval, peak, weight)
    assert 0.0 <= float(p) <= 1.0


@given(low=shares, high=shares, approval=shares, weight=st.floats(0.01, 1.0))
def test_settlement_pressure_rises_with_weariness(low, high, approval, weight) -> None:
    low, high = sorted((low, high))  # high: more refuse, less weariness
    weary = leadership.settlement_pressure(low, approval, 0.9, weight)
    fresh = leadership.settlement_pressure(high, approval, 0.9, weight)
    assert weary >= fresh - 1e-12
    if high - low > 1e-6:
        assert weary > fresh


def test_settlement_pressure_rises_as_approval_falls_and_is_zero_when_nobody_tires() -> None:
    p = leadership.settlement_pressure(0.5, np.array([0.8, 0.6, 0.4]), 0.8, 0.5)
    assert np.all(np.diff(p) > 0)
    assert leadership.settlement_pressure(1.0, 0.8, 0.8, 0.5) == 0.0
    assert leadership.settlement_pressure(0.0, 0.0, 0.8, 0.5) == 1.0


def test_engine_records_pressure_and_the_fit_reproduces_the_engines_approval(
    ukraine: Scenario,
) -> None:
    from offramp import simulate

    result = simulate(ukraine, "fight-on", runs=12, horizon=35)
    pressure = result.trajectory_data["settlement_pressure"]
    assert np.all((pressure >= 0) & (pressure <= 1))
    # the public tires over three years of war: pressure rises on average
    assert pressure[:, -1].mean() > pressure[:, 0].mean() + 0.1
    forcing = approval_fit.fight_on_forcing(ukraine, 35, runs=12)
    values = {
        f"leadership.{k}": float(v)
        for k, v in ukraine.leadership.model_dump().items()
        if isinstance(v, int | float)
    }
    kept = np.isin(result.outcomes_data["run"], forcing.runs)
    engine = result.trajectory_data["approval"][kept]
    assert approval_fit.simulate_approval(forcing, {}, values) == pytest.approx(engine, abs=1e-12)


def test_shipped_approval_reproduces_the_trust_waves_within_the_reported_error(
    ukraine: Scenario,
) -> None:
    # The fit (64 runs) reports RMSE 7.1 pp and residuals within +-12.1 pp; 24 runs of the
    # same seed differ by Monte Carlo error of a few tenths of a point.
    waves = approval_fit.trust_waves(ukraine)
    assert len(waves) == 12
    assert waves["date"].iloc[-1] <= "2025-06-30"
    forcing = approval_fit.fight_on_forcing(ukraine, int(waves["month"].max()), runs=24)
    values = {
        f"leadership.{k}": float(v)
        for k, v in ukraine.leadership.model_dump().items()
        if isinstance(v, int | float)
    }
    mean = approval_fit.simulate_approval(forcing, {}, values).mean(axis=0)
    residual = 100 * (waves["observed"].to_numpy() - mean[waves["month"].to_numpy()])
    assert np.sqrt(np.mean(residual**2)) < 7.5
    assert np.max(np.abs(residual)) < 13.0


@pytest.mark.slow
def test_fit_from_neutral_starts_finds_the_shipped_values(ukraine: Scenario) -> None:
    # The shipped values come from the default settings (64 runs, 16 starts); a cheaper fit
    # (32 runs, 8 starts) lands on the other optimum of the ridge (reversion at its bound,
    # RMSE 7.08 pp against 7.11): the surface is flat along it, as docs/calibration.md says.
    fit = approval_fit.fit_approval(ukraine)
    assert fit.rmse_pp < 7.5
    assert fit.estimate["leadership.approval_reversion"] == pytest.approx(0.12, abs=0.04)
    assert fit.estimate["leadership.casualty_sensitivity"] == pytest.approx(0.062, abs=0.02)
    assert "RMSE" in fit.table()
