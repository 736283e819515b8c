"""Compiled inner loops of the Epstein civil-violence mechanism.

Private to :mod:`offramp.mechanisms.epstein`, which documents the model. Everything here
works on plain arrays with a leading run axis; runs are independent, so the outer loop is
``prange`` over runs and a run's numbers never depend on which other runs share the batch.

Randomness inside the kernels comes from one SplitMix64 state per run (Steele, Lea and
Flood 2014), seeded from the run's own ``numpy`` generator by the caller. SplitMix64 is
small enough to keep in a register, passes BigCrush, and makes a run's stream a pure
function of its seed, whatever the thread that executes it.

References
----------
Steele, G. L., Lea, D., and Flood, C. H. (2014). Fast splittable pseudorandom number
generators. OOPSLA 2014, 453-472.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# Site codes. Each is a one in its own 16-bit field of a uint64, so that summing the codes
# over a neighbourhood counts cops (bits 0-15), actives (16-31) and empty sites (32-47) in
# one addition per site; quiet and jailed citizens go to the ignored top field. A jailed
# citizen occupies a site only when ``keep_cell`` is set.
COP = np.uint64(1)
ACTIVE = np.uint64(1 << 16)
EMPTY = np.uint64(1 << 32)
QUIET = np.uint64(1 << 48)
JAILED = np.uint64(2 << 48)
_S16 = np.uint64(16)
_FIELD = np.uint64(0xFFFF)

# Citizen status codes (cops carry no status).
STATUS_QUIET = np.uint8(0)
STATUS_ACTIVE = np.uint8(1)
STATUS_JAILED = np.uint8(2)

ROUND_EXACT = 0
ROUND_FLOOR = 1
ROUND_NEAREST = 2

# SplitMix64 constants; typed as uint64 so numba never promotes to float.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always", cache=True)
def _next_uniform(state):
    """Advance a SplitMix64 state; return (new state, uniform in [0, 1))."""
    state = state + _GAMMA
    z = state
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return state, float(z >> _S11) * _TO_UNIT


@njit(inline="always", cache=True)
def _next_below(state, n):
    """Advance the state; return (new state, integer uniform on 0..n-1), n < 2**32.

    Lemire's multiply-shift on the top 32 bits: integer-only, bias below n / 2**32.
    """
    state = state + _GAMMA
    z = state
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return state, np.int64(((z >> _S32) * np.uint64(n)) >> _S32)


@njit(inline="always", cache=True)
def arrest_probability_scalar(cops, actives_with_self, k, rounding):
    """Epstein's estimated arrest probability ``1 - exp(-k * ratio(C / A))``."""
    ratio = cops / actives_with_self
    if rounding == ROUND_FLOOR:
        ratio = np.floor(ratio)
    elif rounding == ROUND_NEAREST:
        # rint rounds half to even, exactly as Python's round() used by Mesa.
        ratio = np.rint(ratio)
    return 1.0 - np.exp(-k * ratio)


@njit(cache=True)
def arrest_probability_array(cops, actives_with_self, k, rounding):
    """Element-wise :func:`arrest_probability_scalar` over flat float arrays."""
    out = np.empty(cops.size)
    for i in range(cops.size):
        out[i] = arrest_probability_scalar(cops[i], actives_with_self[i], k, rounding)
    return out


@njit(inline="always", cache=True)
def _wrap(v, size):
    if v < 0:
        return v + size
    if v >= size:
        return v - size
    return v


@njit(inline="always", cache=True)
def _sum_range(kinds, lo, hi):
    """Sum of the site codes ``lo .. hi-1`` (a contiguous row stretch)."""
    total = np.uint64(0)
    for c in range(lo, hi):
        total += kinds[c]
    return total


@njit(inline="always", cache=True)
def _scan(kinds, x, y, width, height, vision, half_width):
    """Count cops, actives and empties seen from site (x, y), own site included.

    ``half_width[i]`` is how far the neighbourhood reaches along x on row ``y + i - vision``;
    every supported shape (diamond, square, disc) is a union of such centred row stretches.
    """
    total = np.uint64(0)
    for i in range(2 * vision + 1):
        w = half_width[i]
        row = _wrap(y + i - vision, height) * width
        lo = x - w
        hi = x + w + 1
        if lo >= 0 and hi <= width:
            total += _sum_range(kinds, row + lo, row + hi)
        elif lo < 0:
            total += _sum_range(kinds, row, row + hi) + _sum_range(
                kinds, row + width + lo, row + width
            )
        else:
            total += _sum_range(kinds, row + lo, row + width) + _sum_range(
                kinds, row, row + hi - width
            )
    return (
        np.int64(total & _FIELD),
        np.int64((total >> _S16) & _FIELD),
        np.int64((total >> _S32) & _FIELD),
    )


@njit(inline="always", cache=True)
def _pick_site(state, kinds, wanted, x, y, width, height, offset_dx, offset_dy):
    """A uniformly random site of kind ``wanted`` in vision (one must exist).

    Rejection sampling over the neighbourhood's offsets: uniform over the matching sites
    without storing them; the expected number of tries is (sites in vision) / (matches).
    """
    n = offset_dx.size
    while True:
        state, o = _next_below(state, n)
        c = _wrap(y + offset_dy[o], height) * width + _wrap(x + offset_dx[o], width)
        if kinds[c] == wanted:
            return state, c


@njit(inline="always", cache=True)
def _relocate(kinds, occ, pos, a, p, target):
    kinds[target] = kinds[p]
    occ[target] = a
    kinds[p] = EMPTY
    occ[p] = -1
    pos[a] = target


@njit(inline="always", cache=True)
def _move_if_possible(
    state, kinds, occ, pos, a, p, x, y, width, height, vision, half_width, offset_dx, offset_dy
):
    """Move agent ``a`` to a uniformly random empty site in vision, if there is one.

    Rejection sampling without counting first; only after many misses (a crowded
    neighbourhood) does it count, to tell "rare" from "none". Same law as counting first.
    """
    n = offset_dx.size
    for _ in range(32):
        state, o = _next_below(state, n)
        c = _wrap(y + offset_dy[o], height) * width + _wrap(x + offset_dx[o], width)
        if kinds[c] == EMPTY:
            _relocate(kinds, occ, pos, a, p, c)
            return state
    n_empty = _scan(kinds, x, y, width, height, vision, half_width)[2]
    if n_empty > 0:
        state, c = _pick_site(state, kinds, EMPTY, x, y, width, height, offset_dx, offset_dy)
        _relocate(kinds, occ, pos, a, p, c)
    return state


@njit(parallel=True, cache=True)
def run_steps(
    cell_kind,
    occupant,
    position,
    status,
    jail_term,
    hardship,
    risk_aversion,
    n_citizens,
    n_agents,
    rng_state,
    legitimacy,
    width,
    height,
    vision,
    half_width,
    offset_dx,
    offset_dy,
    k,
    threshold,
    max_jail_term,
    movement,
    rounding,
    keep_cell,
    out_active,
    out_jailed,
):
    """Advance every run by ``legitimacy.shape[1]`` steps, in place.

    Agents ``0 .. n_citizens[r]-1`` of run ``r`` are citizens, the next ones up to
    ``n_agents[r]`` are cops. Each step activates all agents once in a fresh random order
    (asynchronous updating, as in Epstein 2002 and Mesa's ``shuffle_do``).
    """
    n_runs = cell_kind.shape[0]
    n_steps = legitimacy.shape[1]
    n_cells = width * height
    inv_width = 1.0 / width
    for r in prange(n_runs):
        kinds = cell_kind[r]
        occ = occupant[r]
        pos = position[r]
        stat = status[r]
        term = jail_term[r]
        hard = hardship[r]
        risk = risk_aversion[r]
        state = rng_state[r]
        nc = n_citizens[r]
        na = n_agents[r]
        order = np.arange(na)
        for t in range(n_steps):
            lam = legitimacy[r, t]
            # Fisher-Yates shuffle of the identity: a fresh random activation order every
            # step that depends on the random state only, so a month of 30 steps run in one
            # call or in two gives the same trajectory.
            for i in range(na):
                order[i] = i
            for i in range(na - 1, 0, -1):
                state, j = _next_below(state, i + 1)
                tmp = order[i]
                order[i] = order[j]
                order[j] = tmp
            for ii in range(na):
                a = order[ii]
                if a < nc and stat[a] == STATUS_JAILED:
                    if term[a] > 0:
                        term[a] -= 1
                        continue
                    if not keep_cell:
                        state, found = _release_site(state, kinds, n_cells)
                        if found < 0:
                            continue  # lattice full: stays in jail this step
                        pos[a] = found
                        occ[found] = a
                    stat[a] = STATUS_QUIET
                    kinds[pos[a]] = QUIET
                p = pos[a]
                # Row by multiplication, not integer division (several times slower);
                # exact since (p + 0.5) / width is never within 0.5 / width of an integer.
                y = int((p + 0.5) * inv_width)
                x = p - y * width
                if a < nc:
                    grievance = hard[a] * (1.0 - lam)
                    if grievance <= threshold:
                        # Net risk is never negative, so G <= T means quiet whatever the
                        # neighbourhood: skip the count (an exact shortcut, not a model change).
                        stat[a] = STATUS_QUIET
                        kinds[p] = QUIET
                        if movement:
                            state = _move_if_possible(
                                state,
                                kinds,
                                occ,
                                pos,
                                a,
                                p,
                                x,
                                y,
                                width,
                                height,
                                vision,
                                half_width,
                                offset_dx,
                                offset_dy,
                            )
                        continue
                n_cops, n_active, n_empty = _scan(kinds, x, y, width, height, vision, half_width)
                if a < nc:
                    if kinds[p] == ACTIVE:
                        n_active -= 1  # the scan saw the citizen's own site
                    prob = arrest_probability_scalar(n_cops, n_active + 1.0, k, rounding)
                    if grievance - risk[a] * prob > threshold:
                        stat[a] = STATUS_ACTIVE
                        kinds[p] = ACTIVE
                    else:
                        stat[a] = STATUS_QUIET
                        kinds[p] = QUIET
                elif n_active > 0:
                    state, c = _pick_site(
                        state, kinds, ACTIVE, x, y, width, height, offset_dx, offset_dy
                    )
                    victim = occ[c]
                    stat[victim] = STATUS_JAILED
                    state, sentence = _next_below(state, max_jail_term + 1)
                    term[victim] = sentence
                    if keep_cell:
                        kinds[c] = JAILED
                    else:
                        # Off the lattice: the arrestee's site is free for anyone, the cop too.
                        kinds[c] = EMPTY
                        occ[c] = -1
                        pos[victim] = -1
                        n_empty += 1
                if movement and n_empty > 0:
                    state, target = _pick_site(
                        state, kinds, EMPTY, x, y, width, height, offset_dx, offset_dy
                    )
                    _relocate(kinds, occ, pos, a, p, target)
            n_act = 0
            n_jail = 0
            for a in range(nc):
                s = stat[a]
                n_act += s == STATUS_ACTIVE
                n_jail += s == STATUS_JAILED
            out_active[r, t] = n_act
            out_jailed[r, t] = n_jail
        rng_state[r] = state


@njit(inline="always", cache=True)
def _release_site(state, kinds, n_cells):
    """A uniformly random empty site of the whole lattice, or -1 if there is none."""
    # Rejection first: the lattice is mostly not full, so a few tries suffice.
    for _ in range(64):
        state, c = _next_below(state, n_cells)
        if kinds[c] == EMPTY:
            return state, c
    n_free = 0
    for c in range(n_cells):
        n_free += kinds[c] == EMPTY
    if n_free == 0:
        return state, -1
    state, pick = _next_below(state, n_free)
    for c in range(n_cells):
        if kinds[c] == EMPTY:
            if pick == 0:
                return state, c
            pick -= 1
    return state, -1
