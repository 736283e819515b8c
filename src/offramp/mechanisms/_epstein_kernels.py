"""Compiled inner loops of the Epstein civil-violence mechanism.

Private to :mod:`offramp.mechanisms.epstein`, which documents the model. Everything here
works on plain arrays with a leading run axis; runs are independent, so the outer loop is
``prange`` over runs and a run's numbers never depend on which other runs share the batch.

The lattice is stored with a halo: a torus of ``height x width`` sites becomes a padded
array of ``(height + 2 v) x (width + 2 v)`` (``v`` the vision) whose border repeats the
opposite edges. A neighbour is then ``centre + offset`` with no wrap-around arithmetic; each
write updates the site and its (at most three) halo copies. Reads outnumber writes about
fifty to one, so this pays.

Randomness inside the kernels comes from one SplitMix64 state per run (Steele, Lea and
Flood 2014), seeded from the run's own ``numpy`` generator by the caller. SplitMix64 is
small enough to keep in a register, passes BigCrush, and makes a run's stream a pure
function of its seed, whatever the thread that executes it.

References
----------
Granlund, T., and Montgomery, P. L. (1994). Division by invariant integers using
multiplication. PLDI 1994, 61-72.

Steele, G. L., Lea, D., and Flood, C. H. (2014). Fast splittable pseudorandom number
generators. OOPSLA 2014, 453-472.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit, prange

from offramp.mechanisms._window_sums import LANES, nth_match, window_matches, window_scan

# Site codes. Each is a one in its own 8-bit field of a uint32, so that summing the codes
# over a neighbourhood counts cops (bits 0-7), actives (8-15) and empty sites (16-23) in one
# addition per site; quiet and jailed citizens go to the ignored top field (its overflow
# leaves the word). A window sum sees at most 224 sites (Moore, vision 7), so no field
# overflows; a wider vision counts site by site. A jailed citizen occupies a site only when
# ``keep_cell`` is set.
SITE_DTYPE = np.uint32
COP = np.uint32(1)
ACTIVE = np.uint32(1 << 8)
EMPTY = np.uint32(1 << 16)
QUIET = np.uint32(1 << 24)
JAILED = np.uint32(2 << 24)
_S8 = np.uint32(8)
_S16 = np.uint32(16)
_FIELD = np.uint32(0xFF)

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
_S32 = np.uint64(32)


@njit(inline="always", cache=True)
def _splitmix(state):
    """Advance a SplitMix64 state; return (new state, its 64-bit output)."""
    state = state + _GAMMA
    z = state
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return state, z ^ (z >> _S31)


@njit(inline="always", cache=True)
def _next_index(state, n):
    """Advance the state; return (new state, unsigned integer uniform on 0..n-1), n < 2**32.

    Lemire's multiply-shift on the top 32 bits: integer-only, bias below n / 2**32.
    Unsigned, to index with (see run_steps).
    """
    state, z = _splitmix(state)
    return state, ((z >> _S32) * np.uint64(n)) >> _S32


_LOW32 = np.uint64(0xFFFFFFFF)
# A pick walks the neighbourhood instead of rejecting when fewer than one site in this many
# matches: at 16 the walk's ~n compares cost about what 16 expected tries do.
WALK_BELOW = 16


@njit(inline="always", cache=True)
def _next_two_indices(state, n):
    """Advance the state once; return (new state, two uniforms on 0..n-1), n < 2**32.

    :func:`_next_index` on each half of one output (bias below n / 2**32 each); the halves
    of SplitMix64's output are independent uniform 32-bit words.
    """
    state, z = _splitmix(state)
    un = np.uint64(n)
    return state, ((z >> _S32) * un) >> _S32, ((z & _LOW32) * un) >> _S32


@njit(inline="always", cache=True)
def _next_below(state, n):
    """:func:`_next_index` as a signed integer, for counts and sentinels."""
    state, i = _next_index(state, n)
    return state, np.int64(i)


@njit(inline="always", cache=True)
def arrest_probability_scalar(cops, actives_with_self, k, rounding):
    """Epstein's estimated arrest probability ``1 - exp(-k * ratio(C / A))``."""
    ratio = cops / actives_with_self
    if rounding == ROUND_FLOOR:
        ratio = np.floor(ratio)
    elif rounding == ROUND_NEAREST:
        # rint rounds half to even, exactly as Python's round() used by Mesa.
        ratio = np.rint(ratio)
    return 1.0 - math.exp(-k * ratio)


@njit(inline="always", cache=True)
def _rounded_ratio(cops, actives_with_self, rounding):
    """C / A rounded as :func:`arrest_probability_scalar` rounds it, as a table index."""
    ratio = cops / actives_with_self
    if rounding == ROUND_FLOOR:
        return np.uint64(np.floor(ratio))
    return np.uint64(np.rint(ratio))


@njit(cache=True)
def arrest_table(k, n_max):
    """``1 - exp(-k n)`` for ``n = 0 .. n_max``: the arrest probability of a rounded ratio.

    The same expression as :func:`arrest_probability_scalar`, so the same bits; a scan then
    reads it instead of calling ``exp`` (about 3 ns per agent-step at Mesa's defaults).
    """
    out = np.empty(n_max + 1)
    for n in range(n_max + 1):
        out[n] = 1.0 - math.exp(-k * np.float64(n))
    return out


@njit(cache=True)
def arrest_probability_array(cops, actives_with_self, k, rounding):
    """Element-wise :func:`arrest_probability_scalar` over flat float arrays."""
    out = np.empty(cops.size)
    for i in range(cops.size):
        out[i] = arrest_probability_scalar(cops[i], actives_with_self[i], k, rounding)
    return out


@njit(inline="always", cache=True)
def row_divisor(width, height):
    """``(magic, shift)`` such that :func:`row_of` is ``c // width`` for every site index.

    ``shift = 63 - bit_length(height)``, ``magic = ceil(2**shift / width)``. With
    ``e = magic * width - 2**shift < width``, ``c * magic / 2**shift = c / width + c e /
    (width 2**shift)``, and for ``c < width * height <= 2**31`` the excess ``c e < width**2
    height <= 2**62 / height <= 2**shift`` never reaches the next multiple of ``1 / width``;
    ``c * magic < height 2**shift + width height < 2**64``, so the product does not
    overflow (Granlund and Montgomery 1994's division by invariant integers).
    """
    shift = 63
    rest = height
    while rest > 0:
        shift -= 1
        rest >>= 1
    magic = ((np.uint64(1) << np.uint64(shift)) + np.uint64(width - 1)) // np.uint64(width)
    return magic, np.uint64(shift)


@njit(inline="always", cache=True)
def row_of(c, divisor):
    """The row ``c // width`` of torus site ``c``, by one multiplication and one shift."""
    magic, shift = divisor
    return np.int64((np.uint64(c) * magic) >> shift)


@njit(inline="always", cache=True)
def _wrap(v, size):
    # Branch-free: sites near an edge are common, so a branch here mispredicts often.
    return v + size * ((v < 0) - (v >= size))


@njit(inline="always", cache=True)
def _put(kinds, x, y, code, width, height, vision, padded_width):
    """Write ``code`` at torus site (x, y) and at its halo copies."""
    px = x + vision
    py = y + vision
    # 2 v + 1 <= width, so a column has at most one halo copy (left or right), same for
    # rows. Always four stores (some to the same address): cheaper than branching.
    qx = px + width * ((x < vision) - (x >= width - vision))
    qy = py + height * ((y < vision) - (y >= height - vision))
    kinds[np.uint64(py * padded_width + px)] = code
    kinds[np.uint64(py * padded_width + qx)] = code
    kinds[np.uint64(qy * padded_width + px)] = code
    kinds[np.uint64(qy * padded_width + qx)] = code


@njit(inline="always", cache=True)
def _scan(kinds, centre, offset_rel, window, found, windowed):
    """Cops, actives and empty sites seen from padded index ``centre`` (own site excluded).

    ``window`` is ``(masks, back, stride, rows)``: the neighbourhood as rows of bits
    (:func:`offramp.mechanisms._window_sums.row_masks`), the distance from the window's
    first site back to the centre, the padded lattice's width and the number of rows; when
    ``windowed``, ``found`` receives the empty sites in vision as rows of bits, for
    :func:`_pick_in_window`. Otherwise (vision above ``MAX_VISION``, more sites than a
    field holds; ``masks`` empty) each site of ``offset_rel`` is compared in turn and
    ``found`` is left as it was. The two give the same integers.
    """
    masks, back, stride, rows = window
    if windowed:
        total = window_scan(kinds, centre - back, stride, masks, rows, EMPTY, found)
        return (
            np.int64(total & _FIELD),
            np.int64((total >> _S8) & _FIELD),
            np.int64((total >> _S16) & _FIELD),
        )
    # Wider than a window: more sites than an 8-bit field counts, so compare each.
    n_cops = 0
    n_active = 0
    n_empty = 0
    for o in range(offset_rel.size):
        site = kinds[centre + offset_rel[o]]
        n_cops += site == COP
        n_active += site == ACTIVE
        n_empty += site == EMPTY
    return n_cops, n_active, n_empty


@njit(inline="always", cache=True)
def _find_empty(kinds, centre, window, found):
    """The empty sites in vision as :func:`_scan` marks them in ``found``, and their number,
    for a mover that did not count (vision within a window)."""
    masks, back, stride, rows = window
    return np.int64(window_matches(kinds, centre - back, stride, masks, rows, EMPTY, found))


@njit(inline="always", cache=True)
def _pick_offset(state, kinds, wanted, count, centre, offset_rel):
    """Index ``o`` of a uniformly random site of kind ``wanted`` in vision.

    ``count`` is the number of such sites (at least one). Rejection sampling over the
    neighbourhood's offsets is uniform over the matching sites without listing them, with
    (sites in vision) / ``count`` expected tries; when that exceeds ``WALK_BELOW``, the
    ``j``-th match in offset order, ``j`` uniform on ``0 .. count-1``, is as uniform and
    cheaper (a cop seeing one active among 112 sites would try 112 times).
    """
    n = offset_rel.size
    if count * WALK_BELOW <= n:
        state, j = _next_below(state, count)
        for o in range(n):
            if kinds[centre + offset_rel[o]] == wanted:
                if j == 0:
                    return state, np.uint64(o)
                j -= 1
    while True:
        state, hit, o = _try_two(state, kinds, wanted, centre, offset_rel)
        if hit:
            return state, o


@njit(inline="always", cache=True)
def _try_two(state, kinds, wanted, centre, offset_rel):
    """Two rejection tries from one draw: (new state, whether one matched, the first that did).

    One branch for the two, and the first match as if they were tried in turn.
    """
    state, o, o2 = _next_two_indices(state, offset_rel.size)
    hit = kinds[centre + offset_rel[o]] == wanted
    hit2 = kinds[centre + offset_rel[o2]] == wanted
    return state, hit | hit2, o if hit else o2


@njit(inline="always", cache=True)
def _pick_in_window(state, found, count, vision):
    """(new state, dx, dy) of a uniformly random one of the ``count`` sites set in ``found``.

    ``found`` is a window scan's rows of bits (:func:`_scan`); the ``j``-th set bit, ``j``
    uniform on ``0 .. count-1``, is uniform over them with one draw and no branch, where
    rejection takes (sites in vision) / ``count`` tries and mispredicts its exit.
    """
    state, j = _next_index(state, count)
    place = nth_match(found, j)
    return (
        state,
        np.int64(place % np.uint64(LANES)) - vision,
        np.int64(place // np.uint64(LANES)) - vision,
    )


@njit(inline="always", cache=True)
def _mark(found, column, row):
    """Set the bit of window site (``column``, ``row``) in ``found``."""
    found[row] |= np.uint16(1) << np.uint16(column)


@njit(inline="always", cache=True)
def _pick_empty_by_offsets(state, kinds, count, centre, offset_rel):
    """(new state, offset index) of a random empty site in vision, or -1 if there is none.

    For neighbourhoods wider than a window. ``count`` is the number of empty sites, or -1
    when not counted: rejection then goes first, and only after many misses (a crowded
    neighbourhood) counts, to tell "rare" from "none". Same law either way.
    """
    if count < 0:
        for _ in range(16):
            state, hit, o = _try_two(state, kinds, EMPTY, centre, offset_rel)
            if hit:
                return state, np.int64(o)
        count = 0
        for o in range(offset_rel.size):
            count += kinds[centre + offset_rel[o]] == EMPTY
        if count == 0:
            return state, np.int64(-1)
    state, o = _pick_offset(state, kinds, EMPTY, count, centre, offset_rel)
    return state, np.int64(o)


@njit(inline="always", cache=True)
def _target(x, y, o, offset_dx, offset_dy, width, height):
    """Torus coordinates of the site at offset ``o`` from (x, y)."""
    return _wrap(x + offset_dx[o], width), _wrap(y + offset_dy[o], height)


@functools.cache
def run_steps_for(movement: bool, rounding: int, keep_cell: bool, windowed: bool):
    """The stepping kernel compiled for one combination of the model's switches.

    ``movement``, ``rounding``, ``keep_cell`` and ``windowed`` (whether the vision fits a
    window, see :func:`_scan`) are constants of the compiled loop, so the paths they rule
    out are not in it: a smaller loop whose live values stay in registers. Measured on
    Epstein's run, one thread: 28.0 -> 27.3 ns per agent-step. Each combination compiles
    once per machine (cached on disk).
    """

    @njit(parallel=True, cache=True)
    def run_steps(
        padded_kind,
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
        offset_dx,
        offset_dy,
        k,
        threshold,
        max_jail_term,
        window_masks,
        out_active,
        out_jailed,
    ):
        """Advance every run by ``legitimacy.shape[1]`` steps, in place.

        ``padded_kind`` is the haloed lattice ``[run, (height + 2 vision) * (width + 2 vision)]``;
        ``occupant`` and ``position`` use plain torus indices ``y * width + x``. Agents
        ``0 .. n_citizens[r]-1`` of run ``r`` are citizens, the next ones up to ``n_agents[r]``
        cops. Each step activates all agents once in a fresh random order (asynchronous
        updating, as in Epstein 2002 and Mesa's ``shuffle_do``).
        """
        n_runs = padded_kind.shape[0]
        n_steps = legitimacy.shape[1]
        n_cells = width * height
        pw = width + 2 * vision
        rows_of = row_divisor(width, height)
        # Site and agent indices are unsigned: Numba wraps a negative signed index around, a
        # compare and a conditional move per access (the scan makes about a hundred). A
        # negative offset becomes its two's complement and the sum wraps to the right site.
        # Measured 65 -> 51 ns per agent-step at Mesa's defaults, the same runs bit for bit.
        offset_rel = (offset_dy * pw + offset_dx).astype(np.uint64)
        rows = np.uint64(2 * vision + 1)
        window = (window_masks, np.uint64(vision * pw + vision), np.uint64(pw), rows)
        # With C / A rounded, the ratio is an integer at most the cops in vision.
        arrests = arrest_table(k, offset_rel.size)
        for r in prange(n_runs):
            kinds = padded_kind[r]
            occ = occupant[r]
            pos = position[r]
            stat = status[r]
            term = jail_term[r]
            hard = hardship[r]
            risk = risk_aversion[r]
            state = rng_state[r]
            nc = n_citizens[r]
            na = n_agents[r]
            order = np.empty(na, dtype=np.uint32)
            # The empty sites of the last window scan, a row of bits each (LANES rows, the
            # ones past the window's kept zero for nth_match).
            empty_rows = np.zeros(LANES, dtype=np.uint16)
            ncu = np.uint64(nc)
            for t in range(n_steps):
                lam = legitimacy[r, t]
                # Fisher-Yates shuffle of the identity: a fresh random activation order every
                # step that depends on the random state only, so a month of 30 steps run in one
                # call or in two gives the same trajectory.
                for i in range(na):
                    order[i] = i
                for i in range(na - 1, 0, -1):
                    state, j = _next_index(state, i + 1)
                    tmp = order[i]
                    order[i] = order[j]
                    order[j] = tmp
                for ii in range(na):
                    a = order[ii]
                    is_citizen = a < ncu
                    if is_citizen and stat[a] == STATUS_JAILED:
                        if term[a] > 0:
                            term[a] -= 1
                            continue
                        if not keep_cell:
                            state, found = _release_site(
                                state, kinds, n_cells, rows_of, width, vision, pw
                            )
                            if found < 0:
                                continue  # lattice full: stays in jail this step
                            pos[a] = found
                            occ[found] = a
                            fy = row_of(found, rows_of)
                            _put(kinds, found - fy * width, fy, QUIET, width, height, vision, pw)
                        stat[a] = STATUS_QUIET
                    p = pos[a]
                    # Not p // width: an integer division takes several times as long.
                    y = row_of(p, rows_of)
                    x = p - y * width
                    centre = np.uint64((y + vision) * pw + x + vision)
                    code = COP
                    n_empty = 0
                    if is_citizen:
                        grievance = hard[a] * (1.0 - lam)
                        if grievance <= threshold:
                            # Net risk is never negative, so G <= T means quiet whatever the
                            # neighbourhood: skip the count (exact, not an approximation).
                            stat[a] = STATUS_QUIET
                            code = QUIET
                            n_empty = -1  # unknown: let the mover find out
                        else:
                            n_cops, n_active, n_empty = _scan(
                                kinds, centre, offset_rel, window, empty_rows, windowed
                            )
                            if rounding == ROUND_EXACT:
                                prob = arrest_probability_scalar(
                                    n_cops, n_active + 1.0, k, rounding
                                )
                            else:
                                prob = arrests[_rounded_ratio(n_cops, n_active + 1.0, rounding)]
                            if grievance - risk[a] * prob > threshold:
                                stat[a] = STATUS_ACTIVE
                                code = ACTIVE
                            else:
                                stat[a] = STATUS_QUIET
                                code = QUIET
                        if kinds[centre] != code:
                            _put(kinds, x, y, code, width, height, vision, pw)
                    else:
                        n_cops, n_active, n_empty = _scan(
                            kinds, centre, offset_rel, window, empty_rows, windowed
                        )
                        if n_active > 0:
                            state, o = _pick_offset(
                                state, kinds, ACTIVE, n_active, centre, offset_rel
                            )
                            tx, ty = _target(x, y, o, offset_dx, offset_dy, width, height)
                            c = ty * width + tx
                            victim = occ[c]
                            stat[victim] = STATUS_JAILED
                            state, sentence = _next_below(state, max_jail_term + 1)
                            term[victim] = sentence
                            if keep_cell:
                                _put(kinds, tx, ty, JAILED, width, height, vision, pw)
                            else:
                                # Off the lattice: the arrestee's site is free, the cop's too.
                                _put(kinds, tx, ty, EMPTY, width, height, vision, pw)
                                occ[c] = -1
                                pos[victim] = -1
                                n_empty += 1
                                if windowed:
                                    _mark(empty_rows, offset_dx[o] + vision, offset_dy[o] + vision)
                    if not movement or n_empty == 0:
                        continue
                    if windowed:
                        if n_empty < 0:
                            n_empty = _find_empty(kinds, centre, window, empty_rows)
                            if n_empty == 0:
                                continue
                        state, dx, dy = _pick_in_window(state, empty_rows, n_empty, vision)
                    else:
                        state, o = _pick_empty_by_offsets(state, kinds, n_empty, centre, offset_rel)
                        if o < 0:
                            continue
                        dx = offset_dx[o]
                        dy = offset_dy[o]
                    tx = _wrap(x + dx, width)
                    ty = _wrap(y + dy, height)
                    c = ty * width + tx
                    _put(kinds, tx, ty, code, width, height, vision, pw)
                    _put(kinds, x, y, EMPTY, width, height, vision, pw)
                    occ[c] = a
                    occ[p] = -1
                    pos[a] = c
                n_act = 0
                n_jail = 0
                for a in range(nc):
                    s = stat[a]
                    n_act += s == STATUS_ACTIVE
                    n_jail += s == STATUS_JAILED
                out_active[r, t] = n_act
                out_jailed[r, t] = n_jail
            rng_state[r] = state

    return run_steps


@njit(inline="always", cache=True)
def _release_site(state, kinds, n_cells, rows_of, width, vision, pw):
    """A uniformly random empty torus site (index ``y * width + x``), or -1 if none."""
    # Rejection first: the lattice is mostly not full, so a few tries suffice.
    for _ in range(64):
        state, c = _next_below(state, n_cells)
        if kinds[_padded(c, rows_of, width, vision, pw)] == EMPTY:
            return state, c
    n_free = 0
    for c in range(n_cells):
        n_free += kinds[_padded(c, rows_of, width, vision, pw)] == EMPTY
    if n_free == 0:
        return state, -1
    state, pick = _next_below(state, n_free)
    for c in range(n_cells):
        if kinds[_padded(c, rows_of, width, vision, pw)] == EMPTY:
            if pick == 0:
                return state, c
            pick -= 1
    return state, -1


@njit(inline="always", cache=True)
def _padded(c, rows_of, width, vision, pw):
    """The haloed lattice's index of torus site ``c``."""
    y = row_of(c, rows_of)
    return (y + vision) * pw + c - y * width + vision
