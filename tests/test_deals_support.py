"""The public that answers packages: properties, the KIIS question, the fitted weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from offramp.calibration.deal_weights import (
    FITTED,
    RAZUMKOV_FITTED,
    fit_items,
    free_shares,
    out_of_sample_items,
    predict,
)
from offramp.mechanisms import opinion
from offramp.mechanisms._pairwise_sum import pairwise_stack, pairwise_sum
from offramp.mechanisms.package_support import (
    TermWeights,
    judged_package_territory,
    no_concessions_answer,
    package_support,
    poll,
    response_shares,
    shipped_term_weights,
)
from offramp.mechanisms.ratification import judged_territory
from offramp.scenario.deal import load_deal, package_terms

DEMAND, _, WEIGHT = opinion.initial_demand(
    [0.54, 0.54, 0.54, 0.45], [0.25, 0.31, 0.23, 0.21], 1.5, 50
)
RESERVATION = opinion.reservation_point(DEMAND)

weights_st = st.builds(
    TermWeights,
    peace_value=st.floats(-5, 5),
    territory=st.floats(0.0, 100.0),
    undecided_band=st.floats(0.0, 3.0),
    no_opinion=st.floats(0.0, 0.5),
    leniency=st.floats(0.0, 1.0),
    withdrawal=st.floats(-5, 5),
    guarantees_europe=st.floats(-5, 5),
    guarantees_europe_us=st.floats(-5, 5),
    sanctions_lifted=st.floats(-5, 5),
    nato_renounced=st.floats(-5, 5),
    recognition=st.floats(-5, 0),
)
held_st = st.floats(0.5, 1.0)


@given(weights_st, held_st, st.floats(0.0, 0.2), st.floats(0.0, 0.3))
def test_shares_are_a_distribution(w: TermWeights, held: float, v: float, rho: float) -> None:
    a, r, u = package_support(
        RESERVATION, WEIGHT, w, held_share=held, withdraw_from=v, recognized_de_jure=rho
    )
    assert 0 <= a <= 1 and 0 <= r <= 1 and 0 <= u <= 1
    assert a + r + u == pytest.approx(1.0)


@given(weights_st, held_st, st.floats(0.0, 5.0), st.sampled_from(["foreign_troops", "eu_path"]))
def test_a_term_of_positive_weight_never_lowers_acceptance(
    w: TermWeights, held: float, extra: float, term: str
) -> None:
    w = w.with_values(**{term: extra})
    without = package_support(RESERVATION, WEIGHT, w, held_share=held)[0]
    with_term = package_support(RESERVATION, WEIGHT, w, held_share=held, **{term: True})[0]
    assert with_term >= without - 1e-12


@given(weights_st, held_st, st.floats(0.0, 0.1), st.floats(0.0, 0.1), st.floats(0.0, 0.2))
def test_a_larger_cession_never_raises_acceptance(
    w: TermWeights, held: float, v: float, dv: float, rho: float
) -> None:
    smaller = package_support(
        RESERVATION, WEIGHT, w, held_share=held, withdraw_from=v + 1e-3, recognized_de_jure=rho
    )[0]
    larger_withdrawal = package_support(
        RESERVATION,
        WEIGHT,
        w,
        held_share=held,
        withdraw_from=v + 1e-3 + dv,
        recognized_de_jure=rho,
    )[0]
    larger_recognition = package_support(
        RESERVATION,
        WEIGHT,
        w,
        held_share=held,
        withdraw_from=v + 1e-3,
        recognized_de_jure=rho + dv,
    )[0]
    assert larger_withdrawal <= smaller + 1e-12
    assert larger_recognition <= smaller + 1e-12


@given(weights_st, held_st, st.floats(1e-3, 0.3))
def test_recognition_costs_its_fixed_weight_only_when_the_defender_recognises(
    w: TermWeights, held: float, rho: float
) -> None:
    plain = package_support(RESERVATION, WEIGHT, w.with_values(recognition=0.0), held_share=held)
    for by in ("defender", "patrons"):
        free, costly = (
            package_support(
                RESERVATION,
                WEIGHT,
                w.with_values(recognition=c),
                held_share=held,
                recognized_de_jure=rho,
                recognized_by=by,
            )[0]
            for c in (0.0, -3.0)
        )
        if by == "patrons":
            assert costly == pytest.approx(free)
        else:
            assert costly <= free + 1e-12
    # Recognising some land never raises acceptance above the armistice's.
    recognised = package_support(RESERVATION, WEIGHT, w, held_share=held, recognized_de_jure=rho)
    assert recognised[0] <= plain[0] + 1e-12


def test_a_positive_recognition_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="recognition"):
        TermWeights(recognition=0.5)


@given(held_st, st.floats(0.0, 1.0))
def test_judged_territory_is_the_ratification_rule_for_whole_deals(held: float, lam: float) -> None:
    armistice = judged_package_territory(held, lam)
    cession = judged_package_territory(held, lam, recognized_de_jure=1.0 - held)
    assert armistice == pytest.approx(judged_territory(held, False, lam))
    assert cession == pytest.approx(judged_territory(held, True, lam))
    # A third party's recognition leaves the defender's claim (judged as an armistice).
    patrons = judged_package_territory(
        held, lam, recognized_de_jure=1.0 - held, recognized_by="patrons"
    )
    assert patrons == pytest.approx(armistice)


def test_the_sharp_limit_is_todays_rule() -> None:
    # beta -> infinity, alpha > 0, no band: accept iff the reservation point is met.
    sharp = TermWeights(peace_value=40.0, territory=1e6, undecided_band=0.0, leniency=0.5)
    held = 0.8
    accept, _, _ = package_support(RESERVATION, WEIGHT, sharp, held_share=held)
    expected = WEIGHT[RESERVATION <= judged_territory(held, False, 0.5)].sum() / WEIGHT.sum()
    assert accept == pytest.approx(expected, abs=1e-6)


def test_response_band_is_undecided() -> None:
    a, r, u = response_shares(np.array([-10.0, 0.0, 10.0]), 0.5)
    assert u[1] > u[0] and u[1] > u[2]
    assert a[1] == pytest.approx(r[1])
    assert np.allclose(a + r + u, 1.0)


def test_monitoring_question_accept_is_the_refusing_share() -> None:
    w = shipped_term_weights()
    accept, reject, undecided = no_concessions_answer(DEMAND, WEIGHT, w)
    assert accept == pytest.approx(opinion.refusing_share(DEMAND, WEIGHT) / WEIGHT.sum())
    assert reject > 0 and undecided > 0
    assert accept + reject + undecided == pytest.approx(1.0)


def test_poll_per_run_and_with_deals() -> None:
    w = shipped_term_weights()
    demand = np.stack([DEMAND, DEMAND - 0.3])
    held = np.array([0.81, 0.81])
    plan = poll(
        demand,
        WEIGHT,
        w,
        held_share=held,
        **package_terms(load_deal("european-plan-may-2025"), held),
    )
    assert plan["accept"].shape == (2,)
    # A wearier public (lower demands) accepts more.
    assert plan["accept"][1] > plan["accept"][0]
    monitoring = poll(demand, WEIGHT, w, question="no-concessions")
    assert monitoring["accept"][1] < monitoring["accept"][0]
    with pytest.raises(ValueError, match="allowed"):
        poll(demand, WEIGHT, w, question="vote")


# --- the fit ---------------------------------------------------------------------------

#: Items the shipped fit misses by more than the 95% sampling margin (docs/deals.md); each
#: with the largest miss allowed here (pp), so that a worse fit fails.
KNOWN_MISSES = {
    "ndi-ladder-pre2014_borders": 4.5,
    "kiis-plan-european-plan": 6.0,
    # Razumkov's face-to-face "hard to say" (13%) is above the fitted no-opinion share.
    "razumkov-recognise-occupied-as-russian": 6.0,
}


def test_items_stop_at_the_cut_off() -> None:
    items = fit_items()
    assert max(item.date for item in items) <= "2025-06"
    assert len({i.name for i in items}) == len(items)
    assert free_shares(items) > len(FITTED)


def test_the_razumkov_items_split_into_fitted_and_out_of_sample() -> None:
    fitted = {item.name for item in fit_items()}
    held_out = {item.name for item in out_of_sample_items()}
    assert set(RAZUMKOV_FITTED) <= fitted
    assert held_out and not held_out & fitted
    # NDI's end states are not asked as a treaty: no fixed recognition cost there.
    assert all(not i.formal_recognition for i in fit_items() if i.name.startswith("ndi-"))


def test_shipped_weights_reproduce_each_item_within_its_margin() -> None:
    items = fit_items()
    fitted = predict(items, shipped_term_weights())
    for item, shares in zip(items, fitted, strict=True):
        margin = 100 * 1.96 * np.sqrt(0.25 / item.n)
        error = 100 * np.abs(shares - np.array(item.observed)).max()
        allowed = max(margin, KNOWN_MISSES.get(item.name, 0.0))
        assert error <= allowed + 0.05, (item.name, round(error, 1), round(margin, 1))


@pytest.mark.slow
def test_the_fit_finds_the_shipped_weights() -> None:
    from offramp.calibration.deal_weights import fit_deal_weights

    fit = fit_deal_weights(starts=2, intervals=False)
    shipped = shipped_term_weights()
    worse = fit.neg_log_likelihood
    from offramp.calibration.deal_weights import negative_log_likelihood

    assert negative_log_likelihood(fit.items, shipped) <= worse + 0.5


def _plain_package_support(reservation, weight, w, held, withdraw, rho):
    """package_support's definition as plain array expressions (the reference)."""
    from offramp.mechanisms.package_support import term_utility

    judged = judged_package_territory(
        held, w.leniency, withdraw_from=withdraw, recognized_de_jure=rho
    )
    other = term_utility(w, withdraw_from=withdraw, recognized_de_jure=rho)
    shortfall = np.maximum(0.0, reservation - np.asarray(judged)[..., None])
    utility = np.asarray(other)[..., None] - w.territory * shortfall
    shares = response_shares(utility, w.undecided_band, w.no_opinion)
    return tuple((s * weight).sum(axis=-1) / weight.sum() for s in shares)


@given(
    weights_st,
    st.lists(held_st, min_size=1, max_size=5),
    st.floats(0.0, 0.2),
    st.floats(0.0, 0.3),
    st.booleans(),
)
def test_package_support_is_its_plain_expressions_to_the_bit(w, held, withdraw, rho, per_run):
    # The compiled passes must give the same numbers as the definition, for one public or
    # for a batch of runs (each with its own front line), so the golden master holds.
    runs = len(held)
    reservation = np.tile(RESERVATION, (runs, 1)) if per_run else RESERVATION
    held_share = np.array(held) if per_run else held[0]
    got = package_support(
        reservation,
        WEIGHT,
        w,
        held_share=held_share,
        withdraw_from=withdraw,
        recognized_de_jure=rho,
    )
    expected = _plain_package_support(reservation, WEIGHT, w, held_share, withdraw, rho)
    for g, e in zip(got, expected, strict=True):
        assert np.shape(g) == np.shape(e)
        np.testing.assert_array_equal(g, e)


@given(
    st.integers(0, 1200),
    st.integers(0, 9),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0, 4, 12]),
)
def test_pairwise_sum_is_numpys_sum_to_the_bit(n, start, seed, decades):
    # The package kernel sums each row itself, in NumPy's order: any other order (one
    # running sum, the blocks combined otherwise, a halving point not a multiple of 8)
    # differs in the last bits for most rows once the magnitudes vary.
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(start + n) * 10.0 ** rng.integers(-decades, decades + 1, start + n)
    halves, lefts = pairwise_stack()
    assert pairwise_sum(values, start, n, halves, lefts) == values[start:].sum()


def test_pairwise_sum_reaches_the_largest_rows_and_keeps_nan():
    halves, lefts = pairwise_stack()
    rng = np.random.default_rng(3)
    for n in (2**17 + 5, 10**6):
        values = rng.standard_normal(n)
        assert pairwise_sum(values, 0, n, halves, lefts) == values.sum()
    values = np.ones(1000)
    values[700] = np.nan
    assert np.isnan(pairwise_sum(values, 0, 1000, halves, lefts))
