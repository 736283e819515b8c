"""Mobilization against Granovetter (1978) and Epstein (2002)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from offramp.mechanisms.mobilization import (
    TOLERANCE,
    _cascade_one,
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


def _synchronous_map_in_agent_order(row, weights):
    """The fused kernel's definition written out: instigators, then up to six rounds of
    the synchronous map (weights added in agent order), then the sorted cascade."""
    share = 0.0
    for theta, w in zip(row, weights, strict=True):
        if theta <= TOLERANCE:
            share += w
    if not share > 0.0:
        return 0.0
    for _ in range(6):
        nxt = 0.0
        for theta, w in zip(row, weights, strict=True):
            if theta <= share + TOLERANCE:
                nxt += w
        if nxt <= share + TOLERANCE:
            return min(nxt, 1.0)
        share = nxt
    return float(_cascade_one(np.array(row), np.array(weights)))


_EDGES = st.sampled_from([0.0, TOLERANCE, 0.0625, 0.125, np.nextafter(0.125, 1), 0.25])


@given(
    arrays(np.float64, (6, 40), elements=st.one_of(st.floats(-0.2, 0.6), _EDGES)),
    st.sampled_from(["regions", "distinct"]),
)
def test_fused_monthly_protest_adds_the_weights_of_its_definition(base, weighting):
    # Bit for bit, also when a cascade climbs past the listed low thresholds (1/8) and at
    # thresholds exactly on it: the kernel rescans only the agents listed as low.
    if weighting == "regions":
        weights = np.repeat([0.3, 0.2, 0.4, 0.1], 10) / 10
    else:
        weights = np.linspace(1, 2, 40) / np.linspace(1, 2, 40).sum()
    runs = base.shape[0]
    fused = protest_month(
        np.zeros_like(base), weights, np.zeros_like(base), base, np.ones(runs), 0.8, 1.5, False
    )
    shares = weights / weights.sum()  # as protest_month normalises them
    expected = [_synchronous_map_in_agent_order(np.clip(row, 0, 1), shares) for row in base]
    assert fused.tolist() == expected


def test_a_cascade_past_the_low_thresholds_reaches_granovetters_riot():
    thresholds = np.arange(100) / 100  # needs all the rounds and the sorted fallback
    share = protest_month(
        np.zeros((1, 100)), np.ones(100), np.zeros((1, 100)), thresholds[None], 1.0, 0.8, 0, 0
    )
    assert share.tolist() == [1.0]


def test_a_staircase_cascade_climbs_past_the_listed_thresholds():
    # 40 people of 1/40: three instigators, then one joiner a round, the third round's
    # bound just above 1/8 and the next ones between 1/8 and 1/4, where the low list ends.
    thresholds = np.full(40, 0.9)
    thresholds[:8] = [0.0, 0.0, 0.0, 0.07, 0.09, 0.12, 0.14, 0.16]
    share = protest_month(
        np.zeros((1, 40)), np.ones(40), np.zeros((1, 40)), thresholds[None], 1.0, 0.8, 0, 0
    )
    assert share.tolist() == [_synchronous_map_in_agent_order(thresholds, np.full(40, 1 / 40))]
    assert share[0] == pytest.approx(threshold_cascade(thresholds)) == pytest.approx(0.2)
