"""Opinion against Hegselmann & Krause (2002) and the poll it starts from."""

from __future__ import annotations

import numba
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from offramp.mechanisms._vector_counts import LANES, count_at_most, count_below
from offramp.mechanisms.opinion import (
    ORDER_DTYPE,
    hegselmann_krause,
    initial_demand,
    opinion_month,
    refusing_share,
    reservation_point,
    war_weariness,
)


@numba.njit
def _vector_counts(values, start, bound):
    return count_below(values, start, bound), count_at_most(values, start, bound)


def _iterate(x, eps, steps=60):
    w = np.full(x.shape[-1], 1 / x.shape[-1])
    for _ in range(steps):
        x = hegselmann_krause(x, w, eps)
    return x


def _clusters(x, tol=1e-6):
    return len(np.unique(np.round(np.sort(x) / tol)))


def test_hk_consensus_above_the_confidence_threshold():
    # Uniform opinions on [0, 1] reach consensus for eps above about 0.2 (Lorenz 2006).
    x = _iterate(np.linspace(0, 1, 201), 0.3)
    assert np.ptp(x) < 1e-9


def test_hk_fragments_below_the_confidence_threshold():
    x = _iterate(np.linspace(0, 1, 201), 0.05)
    assert _clusters(x, 1e-3) >= 4  # about 1/(2 eps) clusters


def test_hk_one_step_matches_brute_force():
    rng = np.random.default_rng(1)
    x = rng.random(50)
    w = rng.random(50)
    eps = 0.2
    neighbours = np.abs(x[:, None] - x[None, :]) <= eps
    expected = (neighbours * w).dot(x) / (neighbours * w).sum(axis=1)
    np.testing.assert_allclose(hegselmann_krause(x, w, eps), expected)
    np.testing.assert_allclose(hegselmann_krause(x, w, eps, 0.25), x + 0.25 * (expected - x))


def _reference_update(x, w, eps, mu):
    """The HK step by the definition the kernel implements, with its exact arithmetic.

    Stable sort, running sums in sorted order, and the window of agent k from k's own
    comparisons (``x_j >= x_k - eps`` and ``x_j <= x_k + eps``) found by bisection.
    """
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    cum_w = np.concatenate([[0.0], np.cumsum(ws)])
    cum_wx = np.concatenate([[0.0], np.cumsum(ws * xs)])
    lo = np.searchsorted(xs, xs - eps, side="left")
    hi = np.searchsorted(xs, xs + eps, side="right")
    total = cum_w[hi] - cum_w[lo]
    mean = np.where(total > 0, (cum_wx[hi] - cum_wx[lo]) / np.where(total > 0, total, 1), xs)
    out = np.empty_like(x)
    out[order] = xs + mu * (mean - xs)
    return out


@given(
    st.integers(1, 30).flatmap(
        lambda n: (
            arrays(np.float64, n, elements=st.sampled_from([-1.0, 0.0, 0.25, 0.5, 2.0]))
            | arrays(np.float64, n, elements=st.floats(-3, 4))
        )
    ),
    st.sampled_from([0.0, 0.1, 0.3, 1.0, 10.0, np.inf]),
    st.floats(0, 1),
)
def test_hk_window_search_is_exactly_the_definition(x, eps, mu):
    # Ties, rows shorter than the kernel's eight-place scan and an unbounded radius are the
    # cases its sentinel padding must get right; the result must be bit-identical.
    w = np.linspace(1.0, 2.0, x.size)
    np.testing.assert_array_equal(
        hegselmann_krause(x, w, eps, mu), _reference_update(x, w, eps, mu)
    )


@given(
    arrays(np.float64, (4, 20), elements=st.floats(-3, 4)),
    arrays(np.float64, (4, 20), elements=st.floats(1e-3, 1e3)),
    arrays(np.float64, 4, elements=st.sampled_from([0.0, -0.0, 0.05, 1.5])),
    arrays(np.float64, 4, elements=st.sampled_from([0.0, -0.0, 0.1, -0.3])),
    st.floats(0, 1),
)
def test_opinion_month_is_weariness_shift_then_the_definition(demand, sens, wear, shift, mu):
    # A run without weariness skips reading its sensitivities; whatever the sign of its
    # zero, each row must be the plain definition's, bit for bit, in the order's own type.
    order = np.tile(np.arange(20), (4, 1))
    w = np.linspace(1.0, 2.0, 20)
    new, new_order, _ = opinion_month(demand, order, w, sens, wear, shift, 0.3, mu)
    moved = demand - wear[:, None] * sens + shift[:, None]
    for r in range(4):
        np.testing.assert_array_equal(new[r], _reference_update(moved[r], w, 0.3, mu))
        assert sorted(new_order[r]) == list(range(20))
    assert new_order.dtype == ORDER_DTYPE


@given(
    arrays(np.float64, 12, elements=st.floats(allow_nan=True, allow_infinity=True)),
    st.integers(0, 4),
    st.one_of(st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, np.inf, -np.inf])),
)
def test_vector_counts_are_the_scalar_comparisons(values, start, bound):
    # The window search's one-instruction counts must be the eight comparisons they
    # replace, NaN (never counted), signed zeros and infinities included.
    block = values[start : start + LANES]
    below, at_most = _vector_counts(values, np.uint64(start), bound)
    assert below == sum(v < bound for v in block)
    assert at_most == sum(v <= bound for v in block)


@given(arrays(np.float64, (3, 40), elements=st.floats(-3, 4)), st.floats(0, 2), st.floats(0, 1))
def test_hk_keeps_opinions_within_their_range_and_rows_independent(x, eps, mu):
    w = np.full(40, 1 / 40)
    new = hegselmann_krause(x, w, eps, mu)
    assert np.all(new >= x.min(axis=1, keepdims=True) - 1e-9)
    assert np.all(new <= x.max(axis=1, keepdims=True) + 1e-9)
    np.testing.assert_allclose(new[1], hegselmann_krause(x[1], w, eps, mu))


def test_initial_demand_reproduces_each_region_share():
    shares = [0.87, 0.878, 0.82, 0.77]
    weights = [0.252, 0.311, 0.224, 0.213]
    demand, region, weight = initial_demand(shares, weights, 1.5, 100)
    for g, q in enumerate(shares):
        in_region = region == g
        share = refusing_share(demand[in_region], weight[in_region] / weight[in_region].sum())
        assert abs(share - q) <= 1 / 200 + 1e-12
    assert abs(weight.sum() - 1) < 1e-12
    assert abs(refusing_share(demand, weight) - np.dot(shares, weights)) < 0.01


@given(arrays(np.float64, 20, elements=st.floats(-10, 10)))
def test_reservation_points_are_shares(demand):
    r = reservation_point(demand)
    assert np.all((r >= 0) & (r <= 1))


def test_weariness_acts_only_at_war():
    demand = np.ones((2, 3))
    after = war_weariness(demand, np.ones(3), np.array([0.1, 0.1]), np.array([True, False]))
    np.testing.assert_allclose(after, [[0.9] * 3, [1.0] * 3])
