"""Fast checks of the Epstein civil-violence mechanism: formulas, invariants, seeds, claims."""

from __future__ import annotations

import math
from dataclasses import replace

import numba
import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

from offramp.mechanisms import _epstein_kernels as _k
from offramp.mechanisms import _window_sums
from offramp.mechanisms._window_sums import LANES, MAX_VISION, nth_match, row_masks
from offramp.mechanisms.epstein import (
    SITE_ACTIVE,
    SITE_COP,
    SITE_EMPTY,
    SITE_JAILED,
    SITE_QUIET,
    EpsteinParameters,
    active_share,
    arrest_probability,
    grievance,
    init_state,
    jailed_share,
    lattice,
    neighbourhood_offsets,
    outbursts,
    simulate,
    step,
)

SMALL = EpsteinParameters.epstein_run1(
    width=21, height=17, vision=3, cop_density=0.05, legitimacy=0.8
)


# --- formulas ------------------------------------------------------------------------


def test_grievance_is_hardship_times_illegitimacy():
    h = np.array([0.0, 0.25, 0.5, 1.0])
    np.testing.assert_allclose(grievance(h, 0.8), h * 0.2)
    np.testing.assert_allclose(grievance(0.5, np.array([0.0, 1.0])), [0.5, 0.0])


def test_arrest_probability_exact_formula():
    # Epstein's calibration: one cop, one active (oneself) gives P = 1 - e^-2.3 ~ 0.9.
    lone = arrest_probability(1, 1, k=2.3, rounding="exact")[()]
    assert lone == pytest.approx(1 - math.exp(-2.3))
    assert lone == pytest.approx(0.8997, abs=1e-4)
    c = np.array([0, 1, 2, 3])
    a = np.array([1, 3, 4, 7])
    got = arrest_probability(c, a, k=2.3, rounding="exact")
    np.testing.assert_allclose(got, 1 - np.exp(-2.3 * c / a))


@pytest.mark.parametrize("rounding", ["floor", "round"])
def test_arrest_probability_rounding_rules(rounding):
    cops, actives = np.meshgrid(np.arange(0, 12), np.arange(1, 12), indexing="ij")
    got = arrest_probability(cops, actives, k=2.3, rounding=rounding)
    rule = math.floor if rounding == "floor" else round  # Mesa uses Python's round
    want = np.vectorize(lambda c, a: 1 - math.exp(-2.3 * rule(c / a)))(cops, actives)
    np.testing.assert_allclose(got, want)
    # Half-way ratios round to even, as Python's round: 1/2 -> 0, 3/2 -> 2, 5/2 -> 2.
    if rounding == "round":
        np.testing.assert_allclose(
            arrest_probability([1, 3, 5], [2, 2, 2], k=2.3, rounding="round"),
            1 - np.exp(-2.3 * np.array([0, 2, 2])),
        )


def test_arrest_probability_rejects_zero_actives():
    with pytest.raises(ValueError, match="itself"):
        arrest_probability(1, 0, k=2.3, rounding="exact")


@numba.njit
def _arrest_both_ways(cops, actives_with_self, k, rounding):
    """Each pair's arrest probability by the table the kernel reads and by the formula."""
    table = _k.arrest_table(k, cops.max())
    out = np.empty((cops.size, 2))
    for i in range(cops.size):
        out[i, 0] = table[_k._rounded_ratio(cops[i], actives_with_self[i], rounding)]
        out[i, 1] = _k.arrest_probability_scalar(cops[i], actives_with_self[i], k, rounding)
    return out


@pytest.mark.parametrize("rounding", [_k.ROUND_FLOOR, _k.ROUND_NEAREST])
@pytest.mark.parametrize("k", [2.3, 0.7, 5.0])
def test_the_arrest_table_gives_the_formula_bit_for_bit(rounding, k):
    # Every (cops, actives + 1) a Moore neighbourhood of vision 7 can see, halves included.
    cops, actives = np.meshgrid(np.arange(0, 225), np.arange(1, 226), indexing="ij")
    both = _arrest_both_ways(cops.ravel(), actives.ravel().astype(float), k, rounding)
    np.testing.assert_array_equal(both[:, 0], both[:, 1])


@pytest.mark.parametrize(
    ("shape", "size"), [("von_neumann", 2 * 7 * 8), ("moore", 15 * 15 - 1), ("euclidean", 148)]
)
def test_neighbourhood_sizes(shape, size):
    dx, dy = neighbourhood_offsets(7, shape)
    assert dx.size == size
    assert not np.any((dx == 0) & (dy == 0))
    assert len(set(zip(dx.tolist(), dy.tolist(), strict=True))) == size


@numba.njit
def _counts_both_ways(kinds, centres, offset_rel, masks, back, stride, rows):
    """Each centre's (cops, actives, empty) by window rows and by offsets, side by side; the
    empty sites the window scan marks, as its ``LANES`` rows of bits; and the same marks
    and their number from the scan without the sum."""
    no_masks = np.zeros(0, dtype=np.uint8)
    out = np.empty((centres.size, 2, 3), dtype=np.int64)
    found = np.zeros((centres.size, LANES), dtype=np.uint16)
    untouched = np.zeros(LANES, dtype=np.uint16)
    # The mover's scan without the sum: its marks and its count.
    alone = np.zeros((centres.size, LANES), dtype=np.uint16)
    alone_count = np.empty(centres.size, dtype=np.int64)
    for i in range(centres.size):
        window = (masks, back, stride, rows)
        out[i, 0] = _k._scan(kinds, centres[i], offset_rel, window, found[i], True)
        out[i, 1] = _k._scan(
            kinds, centres[i], offset_rel, (no_masks, back, stride, rows), untouched, False
        )
        alone_count[i] = _k._find_empty(kinds, centres[i], window, alone[i])
    return out, found, alone, alone_count


@pytest.mark.parametrize("shape", ["von_neumann", "moore", "euclidean"])
@pytest.mark.parametrize("vision", [1, 2, 5, 7])
def test_a_window_counts_the_sites_its_offsets_count(shape, vision):
    # The kernel sums a neighbourhood by rows of sixteen masked sites when vision <= 7;
    # every site of a random haloed lattice, the last one included, counts the same, and
    # the scan marks exactly the empty sites in vision, at their window places.
    width, height = 2 * vision + 3, 2 * vision + 2
    padded_width = width + 2 * vision
    codes = np.array([_k.COP, _k.ACTIVE, _k.EMPTY, _k.QUIET, _k.JAILED], dtype=_k.SITE_DTYPE)
    rng = np.random.default_rng(vision)
    kinds = codes[rng.integers(0, codes.size, (height + 2 * vision) * padded_width)]
    dx, dy = neighbourhood_offsets(vision, shape)
    masks = row_masks(dx, dy, vision)
    assert int(np.unpackbits(masks).sum()) == dx.size
    centres = np.array(
        [(y + vision) * padded_width + x + vision for y in range(height) for x in range(width)],
        dtype=np.uint64,
    )
    offset_rel = (dy * padded_width + dx).astype(np.uint64)
    back = np.uint64(vision * padded_width + vision)
    rows = np.uint64(2 * vision + 1)
    counts, found, alone, alone_count = _counts_both_ways(
        kinds, centres, offset_rel, masks, back, np.uint64(padded_width), rows
    )
    np.testing.assert_array_equal(alone, found)
    np.testing.assert_array_equal(alone_count, counts[:, 0, 2])
    np.testing.assert_array_equal(counts[:, 0], counts[:, 1])
    assert counts[:, 0].sum(axis=1).max() <= dx.size  # jailed and quiet sites not counted
    for i, centre in enumerate(centres):
        empty = kinds[(centre + offset_rel).astype(np.int64)] == _k.EMPTY
        expected = np.zeros(LANES, dtype=np.uint16)
        np.bitwise_or.at(
            expected, dy[empty] + vision, (1 << (dx[empty] + vision)).astype(np.uint16)
        )
        np.testing.assert_array_equal(found[i], expected)
    assert int(np.unpackbits(found.view(np.uint8)).sum()) == counts[:, 0, 2].sum()


@numba.njit
def _nth_matches(found, n):
    out = np.empty(n, dtype=np.uint64)
    for j in range(n):
        out[j] = nth_match(found, np.uint64(j))
    return out


@given(st.lists(st.integers(0, 2**16 - 1), min_size=LANES, max_size=LANES))
def test_the_nth_match_is_the_nth_set_bit_in_row_order(rows):
    # Every j below the number of set bits gives the place 16 i + b of the j-th set bit
    # (row i, bit b), rows in order: what listing the bits gives, for any rows.
    found = np.array(rows, dtype=np.uint16)
    places = [LANES * i + b for i in range(LANES) for b in range(LANES) if rows[i] >> b & 1]
    assert _nth_matches(found, len(places)).tolist() == places


@numba.njit
def _rows(sites, width, height):
    divisor = _k.row_divisor(width, height)
    out = np.empty(sites.size, dtype=np.int64)
    for i in range(sites.size):
        out[i] = _k.row_of(sites[i], divisor)
    return out


_INT32_MAX = 2**31 - 1


@given(st.integers(1, _INT32_MAX), st.data())
def test_a_site_row_by_multiplication_is_integer_division(width, data):
    # The kernel's row of a site, c // width, by a multiply and a shift: exact for every
    # site of every torus the parameters allow (width x height <= 2**31 - 1), the last
    # sites of the largest lattices, where the rounding error is greatest, included.
    height = data.draw(st.integers(1, _INT32_MAX // width))
    n = width * height
    drawn = data.draw(st.lists(st.integers(0, n - 1), max_size=20))
    sites = np.unique(np.array([0, n - 1, max(n - width, 0), *drawn], dtype=np.int64))
    np.testing.assert_array_equal(_rows(sites, width, height), sites // width)


@pytest.mark.parametrize(
    "width, height", [(1, _INT32_MAX), (_INT32_MAX, 1), (46340, 46340), (65536, 32767), (40, 40)]
)
def test_a_site_row_is_exact_at_the_extreme_shapes(width, height):
    n = width * height
    sites = np.unique(np.r_[np.arange(min(n, 5000)), n - 1 - np.arange(min(n, 5000))])
    np.testing.assert_array_equal(_rows(sites, width, height), sites // width)


@numba.njit
def _window_picks(found, count, vision, n_picks, seed):
    state = np.uint64(seed)
    out = np.empty((n_picks, 2), dtype=np.int64)
    for i in range(n_picks):
        state, dx, dy = _k._pick_in_window(state, found, count, vision)
        out[i, 0] = dx
        out[i, 1] = dy
    return out


@pytest.mark.parametrize("matches", [1, 2, 13, 50, 111])
def test_a_window_pick_is_uniform_over_the_empty_sites(matches):
    # The mover's pick: one draw, the j-th empty site of the scan's rows. It lands only on
    # the marked sites, each as often (chi-square; fixed seeds, the same p-value every run).
    vision = 7
    dx, dy = neighbourhood_offsets(vision, "moore")
    chosen = np.random.default_rng(matches).choice(dx.size, matches, replace=False)
    found = np.zeros(LANES, dtype=np.uint16)
    np.bitwise_or.at(found, dy[chosen] + vision, (1 << (dx[chosen] + vision)).astype(np.uint16))
    picks = _window_picks(found, matches, vision, 400 * matches, 777 + matches)
    index = {(int(dx[o]), int(dy[o])): o for o in chosen}
    assert {tuple(p) for p in picks.tolist()} <= set(index)
    if matches > 1:
        counts = np.bincount([index[tuple(p)] for p in picks.tolist()], minlength=dx.size)
        assert scipy.stats.chisquare(counts[chosen]).pvalue > 1e-3


def test_a_window_takes_at_most_fifteen_sites_a_row():
    dx, dy = neighbourhood_offsets(MAX_VISION + 1, "von_neumann")
    with pytest.raises(ValueError, match="vision must be at most 7"):
        row_masks(dx, dy, MAX_VISION + 1)


def test_parameters_validate():
    with pytest.raises(ValueError, match="vision"):
        EpsteinParameters.epstein_run1(width=10, height=10, vision=5)
    with pytest.raises(ValueError, match="density"):
        EpsteinParameters.epstein_run1(citizen_density=0.9, cop_density=0.2)
    with pytest.raises(ValueError, match="rounding"):
        EpsteinParameters.epstein_run1(rounding="ceil")
    with pytest.raises(ValueError, match="int32 site indices"):
        EpsteinParameters.epstein_run1(width=50_000, height=50_000)
    with pytest.raises(ValueError, match="max_jail_term"):
        EpsteinParameters.epstein_run1(max_jail_term=2**31)
    with pytest.raises(ValueError, match="legitimacy"):
        step(init_state(SMALL, 2), SMALL, np.array([0.5, 1.5]), 1)


# --- randomness ----------------------------------------------------------------------


@numba.njit
def _picks(kinds, wanted, count, centre, offset_rel, n_picks, seed):
    state = np.uint64(seed)
    out = np.empty(n_picks, dtype=np.int64)
    for i in range(n_picks):
        state, o = _k._pick_offset(state, kinds, wanted, count, centre, offset_rel)
        out[i] = o
    return out


@pytest.mark.parametrize("matches", [1, 3, 7, 8, 30, 111])
def test_a_pick_is_uniform_over_the_matching_sites(matches):
    # Up to 112 / WALK_BELOW = 7 matches the pick walks the neighbourhood, above it rejects;
    # both must be uniform over the matches and never land elsewhere. Fixed seeds: the
    # chi-square p-value is the same every run.
    dx, dy = neighbourhood_offsets(7, "von_neumann")
    width = 15
    offset_rel = ((dy + 7) * width + dx + 7).astype(np.uint64)
    kinds = np.full(width * width, _k.QUIET, dtype=_k.SITE_DTYPE)
    chosen = np.random.default_rng(matches).choice(dx.size, matches, replace=False)
    kinds[offset_rel[chosen]] = _k.ACTIVE
    n_picks = 400 * matches
    picks = _picks(kinds, _k.ACTIVE, matches, np.uint64(0), offset_rel, n_picks, 12345 + matches)
    assert set(picks.tolist()) <= set(chosen.tolist())
    if matches > 1:
        counts = np.bincount(picks, minlength=dx.size)[chosen]
        assert scipy.stats.chisquare(counts).pvalue > 1e-3


def test_run_depends_only_on_seed_and_index():
    batch = simulate(SMALL, n_runs=10, steps=40, seed=42)
    alone = simulate(SMALL, runs=[3, 4, 5], steps=40, seed=42)
    for key in ("active", "jailed", "quiet", "n_citizens"):
        np.testing.assert_array_equal(batch[key][3:6], alone[key])
    again = simulate(SMALL, n_runs=10, steps=40, seed=42)
    np.testing.assert_array_equal(batch["active"], again["active"])
    other = simulate(SMALL, n_runs=10, steps=40, seed=43)
    assert not np.array_equal(batch["jailed"], other["jailed"])


def test_stepping_in_months_equals_one_long_stretch():
    state = init_state(SMALL, n_runs=4, seed=5)
    lam = np.array([0.6, 0.7, 0.8, 0.9])
    _, whole = step(state, SMALL, lam, 30)
    s, first = step(state, SMALL, lam, 10)
    s, second = step(s, SMALL, lam, 20)
    np.testing.assert_array_equal(np.hstack([first.active, second.active]), whole.active)
    np.testing.assert_array_equal(np.hstack([first.jailed, second.jailed]), whole.jailed)
    # step() is pure: the input state is untouched and can be reused.
    _, again = step(state, SMALL, lam, 30)
    np.testing.assert_array_equal(again.active, whole.active)


def test_legitimacy_shapes():
    state = init_state(SMALL, n_runs=3, seed=1)
    _, scalar = step(state, SMALL, 0.7, 5)
    _, per_run = step(state, SMALL, np.full(3, 0.7), 5)
    _, per_step = step(state, SMALL, np.full(5, 0.7), 5)
    _, full = step(state, SMALL, np.full((3, 5), 0.7), 5)
    for traj in (per_run, per_step, full):
        np.testing.assert_array_equal(traj.active, scalar.active)
    with pytest.raises(ValueError, match="shape"):
        step(state, SMALL, np.full(4, 0.7), 5)


# --- invariants ----------------------------------------------------------------------


@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("shape", ["von_neumann", "moore", "euclidean"])
def test_lattice_stays_consistent(keep, shape):
    params = replace(
        SMALL, jailed_keep_cell=keep, neighbourhood=shape, legitimacy=0.6, max_jail_term=5
    )
    state = init_state(params, n_runs=3, seed=9)
    new, traj = step(state, params, 0.6, 25)
    total = traj.active + traj.jailed + traj.quiet
    np.testing.assert_array_equal(total, np.broadcast_to(traj.n_citizens[:, None], total.shape))
    sites = lattice(new, params)
    for r in range(new.n_runs):
        nc, na = new.n_citizens[r], new.n_agents[r]
        flat = sites[r].ravel()
        status = new.status[r, :nc]
        assert np.sum(flat == SITE_COP) == na - nc
        assert np.sum(flat == SITE_ACTIVE) == np.sum(status == 1)
        assert np.sum(flat == SITE_QUIET) == np.sum(status == 0)
        jailed = np.sum(status == 2)
        assert np.sum(flat == SITE_JAILED) == (jailed if keep else 0)
        on_lattice = new.position[r, :na] >= 0
        assert np.sum(flat != SITE_EMPTY) == on_lattice.sum()
        pos = new.position[r, :na][on_lattice]
        np.testing.assert_array_equal(new.occupant[r, pos], np.flatnonzero(on_lattice))
    np.testing.assert_allclose(active_share(new), traj.active_share[:, -1])
    np.testing.assert_allclose(jailed_share(new), traj.jailed_share[:, -1])


def test_no_movement_keeps_everyone_in_place():
    params = replace(SMALL, movement=False, jailed_keep_cell=True)
    state = init_state(params, n_runs=2, seed=3)
    new, _ = step(state, params, 0.7, 10)
    np.testing.assert_array_equal(new.position, state.position)


# --- Epstein's claims, small and fast ------------------------------------------------


@pytest.mark.parametrize("with_cops", [False, True])
def test_without_arrest_risk_the_active_are_exactly_the_aggrieved(with_cops):
    """Analytic bound: with P = 0 a citizen is active iff H (1 - L) > T.

    Every citizen acts in step 1, so those ever active are then active or (if a cop took
    them) jailed; their share tends to 1 - T / (1 - L) for H ~ U(0, 1).
    """
    legit, t = 0.5, 0.1
    params = EpsteinParameters.epstein_run1(
        legitimacy=legit,
        threshold=t,
        cop_density=0.04 if with_cops else 0.0,
        k=0.0 if with_cops else 2.3,
    )
    state = init_state(params, n_runs=64, seed=2)
    _, traj = step(state, params, legit, 1)
    cols = np.arange(state.hardship.shape[1])[None, :]
    aggrieved = ((state.hardship * (1 - legit) > t) & (cols < state.n_citizens[:, None])).sum(1)
    np.testing.assert_array_equal(traj.active[:, 0] + traj.jailed[:, 0], aggrieved)
    share = (traj.active[:, 0] + traj.jailed[:, 0]).sum() / traj.n_citizens.sum()
    bound = 1 - t / (1 - legit)
    se = math.sqrt(bound * (1 - bound) / traj.n_citizens.sum())
    assert abs(share - bound) < 4 * se
    if not with_cops:
        # No cops: nobody is ever jailed and the aggrieved stay active for good.
        _, later = step(state, params, legit, 20)
        np.testing.assert_array_equal(later.active[:, -1], aggrieved)


def test_literal_formula_gives_no_outbursts_rounding_does():
    peaks = {}
    for rounding in ("exact", "round"):
        params = EpsteinParameters.epstein_run1(rounding=rounding)
        out = simulate(params, n_runs=8, steps=400, seed=4)
        peaks[rounding] = out["active"][:, 50:].max(axis=1)
    # Mesa's note: "without [the round] it's impossible to replicate the dynamics".
    assert peaks["exact"].max() < 50
    assert np.sum(peaks["round"] > 50) >= 6


def test_sudden_legitimacy_drop_makes_a_bigger_outburst_than_a_gradual_one():
    """Epstein (2002), Figs. 9-10: the same fall in L, sudden vs. in small increments."""
    from scipy.stats import mannwhitneyu

    params = EpsteinParameters.epstein_run1()
    steps, t0 = 250, 100
    sudden = np.full(steps, 0.9)
    sudden[t0:] = 0.7
    gradual = np.full(steps, 0.9)
    gradual[t0:] = np.maximum(0.7, 0.9 - 0.2 * (np.arange(steps - t0) + 1) / 150)
    peak_s = simulate(params, 30, steps, seed=3, legitimacy=sudden)["active_share"][:, t0:]
    peak_g = simulate(params, 30, steps, seed=3, legitimacy=gradual)["active_share"][:, t0:]
    peak_s, peak_g = peak_s.max(axis=1), peak_g.max(axis=1)
    assert peak_s.mean() > 2 * peak_g.mean()
    assert mannwhitneyu(peak_s, peak_g, alternative="greater").pvalue < 0.01


def test_outburst_bookkeeping():
    active = np.array([60, 0, 10, 70, 80, 20, 0, 0, 90, 10, 55])
    o = outbursts(active, level=50)
    # The episodes touching either end are dropped; two complete ones remain.
    np.testing.assert_array_equal(o["start"], [3, 8])
    np.testing.assert_array_equal(o["duration"], [2, 1])
    np.testing.assert_array_equal(o["peak"], [80, 90])
    np.testing.assert_array_equal(o["total"], [150, 90])
    np.testing.assert_array_equal(o["waiting"], [3])


def test_the_nth_match_without_pdep_gives_the_same_places(monkeypatch):
    # Without a fast BMI2 pdep (another processor, or AMD's Zen 1-2) the bit is found by a
    # binary search with selects: compiled here with that path forced, it must agree.
    calls = []
    monkeypatch.setattr(_window_sums, "_has_fast_pdep", lambda: calls.append(1) or False)

    @numba.njit
    def places(found, n):
        out = np.empty(n, dtype=np.uint64)
        for j in range(n):
            out[j] = nth_match(found, np.uint64(j))
        return out

    rng = np.random.default_rng(5)
    for _ in range(200):
        found = (rng.integers(0, 2**16, LANES) & rng.integers(0, 2**16, LANES)).astype(np.uint16)
        bits = np.unpackbits(found.view(np.uint8), bitorder="little")
        expected = np.flatnonzero(bits).astype(np.uint64)
        np.testing.assert_array_equal(places(found, expected.size), expected)
    assert calls, "the selects path was not compiled"
