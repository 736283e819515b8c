"""Mobilization against Granovetter (1978) and Epstein (2002)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from offramp.mechanisms.mobilization import (
    grievance,
    protest_month,
    protest_share,
    protest_thresholds,
    threshold_cascade,
)


def test_granovetter_uniform_thresholds_everyone_riots():
    thresholds = np.arange(100) / 100  # 0, 1, ..., 99 people, as shares of 100
    assert threshold_cascade(thresholds) == 1.0


def test_granovetter_counterexample_only_the_instigator_riots():
    thresholds = np.arange(100) / 100
    thresholds[1] = 0.02  # the person with threshold 1 now needs 2
    assert threshold_cascade(thresholds) == pytest.approx(0.01)


def test_no_instigator_no_protest():
    assert threshold_cascade([0.1, 0.2, 0.3]) == 0.0


def test_weights_count_people_not_agents():
    # one heavy instigator (half the population) brings in a threshold-0.4 agent
    assert threshold_cascade([0.0, 0.4, 0.9], weights=[0.5, 0.2, 0.3]) == 0.7


@given(
    arrays(np.float64, (5, 30), elements=st.floats(0, 1)),
    arrays(np.float64, 30, elements=st.floats(0.01, 1)),
)
def test_batched_cascade_equals_the_synchronous_definition(thresholds, weights):
    batched = protest_share(thresholds, weights)
    reference = [threshold_cascade(row, weights) for row in thresholds]
    np.testing.assert_allclose(batched, reference, atol=1e-9)
    assert np.all((batched >= 0) & (batched <= 1))


def test_epstein_grievance_is_hardship_times_illegitimacy():
    hardship = np.array([[0.2, 0.9]])
    g = grievance(hardship, np.array([0.8]), np.array([[1.0, 1.0]]), np.array([0.8]), 1.5, False)
    np.testing.assert_allclose(g, hardship * (1 - 0.8))


def test_a_deal_below_reservation_points_adds_grievance():
    g = grievance(
        np.zeros((1, 2)), np.array([1.0]), np.array([[1.0, 0.5]]), np.array([0.8]), 2.0, True
    )
    np.testing.assert_allclose(g, [[0.4, 0.0]])


@given(
    arrays(np.float64, (3, 10), elements=st.floats(-2, 2)),
    arrays(np.float64, (3, 10), elements=st.floats(0, 3)),
)
def test_thresholds_stay_in_unit_interval(base, grievances):
    t = protest_thresholds(base, grievances)
    assert np.all((t >= 0) & (t <= 1))


@given(
    arrays(np.float64, (4, 30), elements=st.floats(-1, 2)),
    arrays(np.float64, (4, 30), elements=st.floats(0, 1)),
    arrays(np.float64, (4, 30), elements=st.floats(-0.5, 1.5)),
    arrays(np.float64, 4, elements=st.floats(0, 1)),
    st.booleans(),
)
def test_fused_monthly_protest_equals_its_definition(demand, hardship, base, legit, contested):
    weights = np.linspace(1, 2, 30)
    weights /= weights.sum()
    deal = np.full(4, 0.8)
    fused = protest_month(demand, weights, hardship, base, legit, deal, 1.5, contested)
    g = grievance(hardship, legit, np.clip(demand, 0, 1), deal, 1.5, contested)
    thresholds = protest_thresholds(base, g)
    expected = [threshold_cascade(row, weights) for row in thresholds]
    np.testing.assert_allclose(fused, expected, atol=1e-9)
