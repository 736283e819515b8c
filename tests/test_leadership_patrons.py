"""Leadership survival and patrons' aid."""

from __future__ import annotations

import numpy as np

from offramp.mechanisms.leadership import (
    instability_length,
    legitimacy,
    removal_hazard,
    revert_approval,
)
from offramp.mechanisms.patrons import (
    accumulate_fatigue,
    aid_level,
    guarantee_expected_cost,
    sanctioned_intake,
)

HAZARD = dict(
    base_hazard=0.001,
    protest_hazard=0.3,
    critical_protest=0.035,
    steepness=0.005,
    approval_hazard=0.05,
    approval_floor=0.3,
)


def test_removal_hazard_rises_steeply_through_the_critical_share():
    protest = np.array([0.0, 0.02, 0.035, 0.05, 0.2])
    h = removal_hazard(protest, 0.6, **HAZARD)
    assert np.all(np.diff(h) > 0)
    np.testing.assert_allclose(h[2], 0.001 + 0.15)  # half the maximum at 3.5% (Chenoweth)
    assert h[0] < 0.002 and h[-1] > 0.3


def test_low_approval_adds_hazard():
    assert removal_hazard(0.0, 0.1, **HAZARD) > removal_hazard(0.0, 0.5, **HAZARD)


def test_instability_spells_are_geometric_with_the_given_mean():
    u = np.random.default_rng(0).random(200_000)
    lengths = instability_length(12.0, u)
    assert lengths.min() >= 1
    np.testing.assert_allclose(lengths.mean(), 12.0, rtol=0.02)
    assert np.all(instability_length(0.0, u[:10]) == 0)


def test_approval_reverts_and_legitimacy_mixes_the_deal_in():
    np.testing.assert_allclose(revert_approval(0.9, 0.6, 0.1), 0.87)
    np.testing.assert_allclose(legitimacy(0.8, 0.2, True, 0.5), 0.5)
    np.testing.assert_allclose(legitimacy(0.8, 0.2, False, 0.5), 0.8)


def test_fatigue_lowers_aid_only_while_at_war():
    fatigue = np.zeros(2)
    for _ in range(24):
        fatigue = accumulate_fatigue(fatigue, np.array([True, False]), 0.1, 0.2, 0.0)
    np.testing.assert_allclose(fatigue, [0.2, 0.0])
    aid = aid_level(1.0, 1.0, fatigue, np.array([True, False]), 0.5)
    np.testing.assert_allclose(aid, [np.exp(-0.2), 0.5])


def test_sanctions_and_guarantees():
    np.testing.assert_allclose(sanctioned_intake(30.0, 0.2, 0.5), 27.0)
    np.testing.assert_allclose(guarantee_expected_cost(0.6, 0.3), 0.18)
