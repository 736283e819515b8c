"""Battlefield-driven opinion (opinion.stalemate_lag, opinion.success_rally). Runtime < 1 s."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from offramp.mechanisms.opinion import (
    stalemate_weariness,
    update_stalemate,
    weariness_sensitivity,
)


def test_stalemate_counts_months_since_the_best_share():
    path = [0.80, 0.79, 0.81, 0.81, 0.80, 0.79, 0.82]
    months, best = np.zeros(1), np.array([path[0]])
    counted, gains = [], []
    for x in path[1:]:
        months, best, gain = update_stalemate(months, best, np.array([x]))
        counted.append(int(months[0]))
        gains.append(round(float(gain[0]), 6))
    assert counted == [1, 0, 0, 1, 2, 0]  # a tie with the best is not a stalemate month
    assert gains == [0.0, 0.01, 0.0, 0.0, 0.0, 0.01]
    assert best[0] == 0.82


def test_zero_lag_is_the_constant_weariness_of_the_original_model():
    rate = np.array([0.05, 0.1])
    np.testing.assert_array_equal(stalemate_weariness(rate, np.array([0.0, 37.0]), 0.0), rate)


@given(st.floats(0.5, 60.0), st.floats(0.001, 0.5))
def test_weariness_is_zero_while_advancing_and_peaks_after_lag_months(lag, rate):
    m = np.linspace(0.0, 10 * lag, 2001)
    w = stalemate_weariness(rate, m, lag)
    assert w[0] == 0.0
    assert w.max() == pytest.approx(rate, rel=1e-4)
    assert m[np.argmax(w)] == pytest.approx(lag, rel=0.01)
    assert w[-1] < 0.01 * rate  # adaptation: a long stalemate is the new normal


def test_sensitivities_have_mean_one():
    z = np.random.default_rng(0).standard_normal(200_000)
    assert weariness_sensitivity(0.8, z).mean() == pytest.approx(1.0, abs=0.01)
    np.testing.assert_array_equal(weariness_sensitivity(0.0, z), 1.0)
