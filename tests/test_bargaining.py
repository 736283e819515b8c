"""Bargaining against Fearon (1995) and Powell (2006)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st

from offramp.mechanisms.bargaining import (
    bargaining_range,
    logit_choice,
    renewed_war_value,
    resumption_probability,
    shifting_power_war,
    win_probability,
)

unit = st.floats(0.0, 1.0)
cost = st.floats(0.0, 0.5)


def test_fearon_range_closed_form():
    low, high = bargaining_range(0.6, 0.1, 0.2)
    assert (float(low), float(high)) == (0.5, 0.8)


@given(
    p=unit,
    cost_a=st.floats(0.001, 0.5),
    cost_b=st.floats(0.001, 0.5),
    u=st.floats(0.0, 1.0, exclude_min=True, exclude_max=True),
)
# x one step of rounding below the upper end: 1 - x and 1 - p - cost_b round to the same
# float, though x < p + cost_b holds exactly (the README's test run once failed here).
@example(p=0.35, cost_a=0.5, cost_b=0.1313244752230946, u=0.9999999999999999)
def test_both_sides_prefer_any_division_inside_the_range_to_war(p, cost_a, cost_b, u):
    low, high = bargaining_range(p, cost_a, cost_b)
    assert low < high  # positive costs: the range is never empty
    x = float(low + u * (high - low))
    assume(low < x < high)  # u near 0 or 1 can round x onto an end, which is not inside
    # The payoffs are compared exactly (as fractions of the floats), so the check is the
    # property itself, not a second rounding of it: a share strictly inside the range the
    # mechanism computed is strictly better than war for both.
    x, p, cost_a, cost_b = (Fraction(v) for v in (x, p, cost_a, cost_b))
    assert x > p - cost_a  # A: its share beats its expected war payoff p - c_A
    assert 1 - x > 1 - p - cost_b  # B: its share beats 1 - p - c_B


def test_bargaining_range_accepts_arrays():
    low, high = bargaining_range(np.array([0.2, 0.5]), 0.1, np.array([0.1, 0.3]))
    np.testing.assert_allclose(low, [0.1, 0.4])
    np.testing.assert_allclose(high, [0.3, 0.8])


def test_powell_large_rapid_shift_means_war_small_shift_peace():
    assert shifting_power_war(0.5, 0.1, 0.9, 0.05, 0.05)
    assert not shifting_power_war(0.5, 0.49, 0.9, 0.05, 0.05)
    # no shift: the declining state's war payoff never beats peace
    assert not shifting_power_war(0.7, 0.7, 0.95, 0.01, 0.01)


@given(
    p_now=unit,
    drop=st.floats(0, 1),
    extra=st.floats(0, 1),
    delta=st.floats(0.5, 0.99),
    c_d=cost,
    c_r=cost,
)
def test_powell_war_is_monotone_in_the_size_of_the_shift(p_now, drop, extra, delta, c_d, c_r):
    small = p_now * drop
    large = min(small + extra, p_now)
    if shifting_power_war(p_now, p_now - small, delta, c_d, c_r):
        assert shifting_power_war(p_now, p_now - large, delta, c_d, c_r)


def test_powell_patience_makes_war_more_likely():
    # A more patient declining state values the lost future more (Powell 2006, p. 182).
    assert not shifting_power_war(0.6, 0.5, 0.5, 0.05, 0.05)
    assert shifting_power_war(0.6, 0.5, 0.95, 0.05, 0.05)


def test_win_probability_is_tullock_ratio():
    np.testing.assert_allclose(win_probability([1, 3], [3, 1]), [0.25, 0.75])


def test_resumption_falls_with_guarantee_cost():
    base = dict(p_invader=0.6, war_aim=0.25, emboldening=0.5, ceded=True, war_cost=0.1)
    values = [
        renewed_war_value(**base, guarantee_cost=g, sanctions_value=0.0) for g in (0, 0.1, 0.3)
    ]
    probs = [resumption_probability(v, 0.03, 0.05, False, 0.02) for v in values]
    assert probs[0] > probs[1] > probs[2]
    assert 0 <= probs[2] <= probs[0] <= 0.05


def test_logit_choice_is_one_half_at_indifference():
    assert float(logit_choice(0.0, 0.1)) == 0.5
