"""Battlefield against Lanchester's square law."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from offramp.mechanisms.battlefield import (
    defender_effectiveness,
    effective_force_ratio,
    lanchester_square,
    recruit,
    territory_drift,
)


def test_square_law_conserves_its_invariant():
    d, a = 0.03, 0.02
    defender, invader = np.array([700.0]), np.array([500.0])
    before = d * defender**2 - a * invader**2
    for _ in range(12):
        defender, invader = lanchester_square(defender, invader, d, a)
    np.testing.assert_allclose(d * defender**2 - a * invader**2, before, rtol=1e-10)


def test_closed_form_matches_numerical_integration():
    d, a, months = 0.04, 0.025, 3.0
    solution = solve_ivp(
        lambda t, y: [-a * y[1], -d * y[0]], (0, months), [600.0, 450.0], rtol=1e-10, atol=1e-10
    )
    defender, invader = lanchester_square(600.0, 450.0, d, a, months)
    np.testing.assert_allclose([defender, invader], solution.y[:, -1], rtol=1e-7)


def test_the_side_stronger_in_the_invariant_wins_and_the_loser_reaches_zero():
    defender, invader = 100.0, 100.0
    for _ in range(400):
        defender, invader = lanchester_square(defender, invader, 0.05, 0.02)
    assert float(invader) == 0.0
    # the winner keeps sqrt((d D0^2 - a I0^2) / d)
    np.testing.assert_allclose(defender, np.sqrt((0.05 - 0.02) * 100.0**2 / 0.05), rtol=1e-6)


@given(st.floats(0, 1), st.floats(1e-3, 1e3), st.floats(-5, 5), st.floats(0, 0.3))
def test_territory_stays_between_floor_and_one(x, ratio, shock, floor):
    new = territory_drift(max(x, floor), ratio, 2.0, 0.05, 0.02, shock, floor)
    assert floor <= new <= 1.0


def test_line_holds_at_the_stalemate_ratio_without_noise():
    assert territory_drift(0.8, 2.0, 2.0, 0.01, 0.0, 0.0) == 0.8
    assert territory_drift(0.8, 4.0, 2.0, 0.01, 0.0, 0.0) > 0.8


def test_instability_and_less_aid_lower_effectiveness():
    base = defender_effectiveness(0.03, 1.0, 0.5, 0.0, 0.3)
    assert defender_effectiveness(0.03, 0.5, 0.5, 0.0, 0.3) < base
    np.testing.assert_allclose(defender_effectiveness(0.03, 1.0, 0.5, 1.0, 0.3), 0.7 * base)
    assert effective_force_ratio(700, 500, 0.03, 0.02) == 0.03 * 700 / (0.02 * 500)


def test_recruitment_stops_at_the_cap():
    np.testing.assert_allclose(recruit([890.0, 950.0], 15.0, 900.0), [900.0, 950.0])
