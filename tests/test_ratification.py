"""Ratification: Putnam's win-set, the referendum rule, legitimacy, audience costs."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from offramp.mechanisms.ratification import (
    approval_after_signing,
    deal_legitimacy,
    deal_support,
    judged_territory,
    ratified,
    win_set_floor,
)

points = arrays(np.float64, 25, elements=st.floats(0, 1))
weights = arrays(np.float64, 25, elements=st.floats(0.01, 1))


@given(points, weights, st.floats(0, 1), st.floats(0, 1))
def test_support_is_a_share_and_grows_with_the_territory_kept(r, w, x1, x2):
    w = w / w.sum()
    low, high = sorted((x1, x2))
    s_low, s_high = deal_support(r, w, low), deal_support(r, w, high)
    assert 0 <= s_low <= s_high <= 1 + 1e-12


@given(points, weights, st.floats(0, 1))
def test_armistice_is_judged_at_least_as_leniently_as_cession(r, w, x):
    w = w / w.sum()
    cession = deal_support(r, w, judged_territory(x, True, 0.5))
    armistice = deal_support(r, w, judged_territory(x, False, 0.5))
    assert armistice >= cession


@given(points, weights)
def test_win_set_floor_is_the_least_ratifiable_deal(r, w):
    w = w / w.sum()
    floor = win_set_floor(r, w)
    assert deal_support(r, w, floor) > 0.5
    below = r[r < floor]
    if below.size:
        assert deal_support(r, w, below.max()) <= 0.5 + 1e-12


def test_rules():
    support = np.array([0.3, 0.45, 0.6])
    assert ratified(support, "referendum", 0.0, 0.1).tolist() == [False, False, True]
    assert ratified(support, "parliament", 0.0, 0.1).tolist() == [False, True, True]
    assert ratified(support, "decree", 0.0, 0.1).all()


def test_legitimacy_and_audience_cost():
    assert deal_legitimacy(0.3, True, 0.2) == 0.2 + 0.8 * 0.3
    assert deal_legitimacy(0.3, False, 0.2) == 0.8 * 0.3
    # Tomz (2007): about 16 points for a leader facing unanimous opposition
    np.testing.assert_allclose(approval_after_signing(0.8, 0.0, 0.16), 0.64)
    np.testing.assert_allclose(approval_after_signing(0.8, 1.0, 0.16), 0.8)
