"""A lattice window's site codes summed sixteen sites of a row at a time, and its matches.

Private to :mod:`offramp.mechanisms._epstein_kernels`, whose agents count the cops, actives
and empty sites in vision by summing the sites' 32-bit codes (each kind a one in its own
8-bit field). Summed one neighbourhood offset at a time, the compiler gathers the sites (on
AMD processors a gather is slower than the scalar loads it replaces). A neighbourhood of
vision ``v <= 7`` lies in ``2 v + 1`` rows of at most fifteen consecutive sites of the haloed
lattice, so here each row is one masked vector load of sixteen sites (LLVM's
``masked.load``: a masked-off lane is not read, so a window at the lattice's last site reads
nothing past it) added into one accumulator, reduced once at the end. The sum is over
integers, so it is the offset-by-offset sum exactly.

The same pass compares each row with one code (the empty site's) and keeps the matches as
a 16-bit row mask, four rows to a 64-bit word. :func:`nth_match` then finds the ``j``-th
match without a branch, so an agent moves to a uniformly random empty site in vision with
one random draw: the ``j``-th empty site for ``j`` uniform on ``0 .. n-1`` is uniform over
the ``n`` empty sites, the law of Epstein's (and Mesa's) random choice among them.
"""

from __future__ import annotations

import numpy as np
from llvmlite import binding as llvm
from llvmlite import ir
from numba import config, types
from numba.core import cgutils
from numba.extending import intrinsic

LANES = 16
ROW_SITES = LANES  # sites read per row of the window: one load
MAX_VISION = (ROW_SITES - 1) // 2  # the widest row, 2 v + 1 sites, fits in ROW_SITES


def row_masks(offset_dx: np.ndarray, offset_dy: np.ndarray, vision: int) -> np.ndarray:
    """The sites in vision as bits: a flat uint8 array of ``LANES`` rows of two bytes.

    Bit ``b`` of byte ``2 i + h`` is the site at ``dy = i - vision``,
    ``dx = 8 h + b - vision``; the rows past ``2 vision + 1`` are zero (the scan reads a
    group of four rows at a time, see :func:`window_scan`).
    """
    if vision > MAX_VISION:
        raise ValueError(f"vision must be at most {MAX_VISION} for a window sum, not {vision}")
    bits = np.zeros((LANES, ROW_SITES), dtype=np.uint8)
    bits[np.asarray(offset_dy) + vision, np.asarray(offset_dx) + vision] = 1
    return np.packbits(bits, axis=1, bitorder="little").ravel()


MAX_ROWS = 2 * MAX_VISION + 1  # rows of the widest window


def _splat(builder, value, vector_type):
    """A vector of ``vector_type`` with ``value`` in every lane."""
    out = ir.Constant(vector_type, ir.Undefined)
    for lane in range(vector_type.count):
        out = builder.insert_element(out, value, ir.Constant(ir.IntType(32), lane))
    return out


def _scan_codegen(with_sum: bool):
    """The code of a window scan: see :func:`window_scan` (``with_sum``) and
    :func:`window_matches`."""

    def codegen(context, builder, signature, args):
        values, start, step, selected, count, code, out = args
        data = context.make_array(signature.args[0])(context, builder, values).data
        mask_data = context.make_array(signature.args[3])(context, builder, selected).data
        found_data = context.make_array(signature.args[6])(context, builder, out).data
        word = ir.IntType(64)
        site = ir.IntType(32)
        block = ir.VectorType(site, LANES)
        flags = ir.VectorType(ir.IntType(1), LANES)
        row_bits = ir.IntType(LANES)
        masked_load = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(block, [block.as_pointer(), ir.IntType(32), flags, block]),
            f"llvm.masked.load.v{LANES}i32.p0v{LANES}i32",
        )
        target = _splat(
            builder, context.cast(builder, code, signature.args[5], types.uint32), block
        )
        zeros = ir.Constant(block, [0] * LANES)
        total = cgutils.alloca_once_value(builder, zeros)
        n_found = cgutils.alloca_once_value(builder, ir.Constant(word, 0))
        words = builder.bitcast(found_data, word.as_pointer())
        align = ir.Constant(ir.IntType(32), 4)

        def row_hits(i):
            # Rows past the window have no bits (row_masks pads them); their address stays
            # the first row's, so no load is even aimed outside the lattice.
            inside = builder.icmp_unsigned(">", count, ir.Constant(word, i))
            row = builder.select(
                inside, builder.add(start, builder.mul(ir.Constant(word, i), step)), start
            )
            byte = builder.gep(mask_data, [ir.Constant(word, 2 * i)])
            bits = builder.load(builder.bitcast(byte, row_bits.as_pointer()), align=1)
            at = builder.bitcast(builder.gep(data, [row]), block.as_pointer())
            lanes = builder.call(masked_load, [at, align, builder.bitcast(bits, flags), zeros])
            if with_sum:
                builder.store(builder.add(builder.load(total), lanes), total)
            # A masked-off lane reads as 0, never a wanted code: no need to mask the hits.
            return builder.icmp_unsigned("==", lanes, target)

        def joined(a, b):
            lanes = a.type.count + b.type.count
            order = ir.Constant(ir.VectorType(ir.IntType(32), lanes), list(range(lanes)))
            return builder.shuffle_vector(a, b, order)

        # Four rows to a 64-bit word, their compares joined into one 64-bit mask (on
        # AVX-512 mask registers, kunpck) and stored whole, so that nth_match's loads of
        # the same words are served from the store buffer.
        no_hits = ir.Constant(flags, [0] * LANES)
        for group in range(LANES // 4):
            slot = builder.gep(words, [ir.Constant(word, group)])
            builder.store(ir.Constant(word, 0), slot, align=2)
            with builder.if_then(builder.icmp_unsigned(">", count, ir.Constant(word, 4 * group))):
                hits = [
                    row_hits(i) if i < MAX_ROWS else no_hits
                    for i in range(4 * group, 4 * group + 4)
                ]
                four = builder.bitcast(joined(joined(*hits[:2]), joined(*hits[2:])), word)
                builder.store(four, slot, align=2)
                if not with_sum:
                    builder.store(builder.add(builder.load(n_found), builder.ctpop(four)), n_found)
        if not with_sum:
            return builder.load(n_found)
        reduce_add = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(site, [block]), f"llvm.vector.reduce.add.v{LANES}i32"
        )
        return builder.call(reduce_add, [builder.load(total)])

    return codegen


@intrinsic
def window_scan(typingctx, sites, first, stride, masks, rows, wanted, found):
    """``sum(sites[first + i*stride + j])`` over rows ``i < rows`` and the lanes ``j``
    (``j < ROW_SITES``) whose bit is set in ``masks`` (see :func:`row_masks`); and, as it
    goes, the lanes of each row in vision whose site equals ``wanted``, stored in ``found``
    as ``LANES`` 16-bit rows (zero past ``rows``) for :func:`nth_match`.

    ``sites`` is a uint32 array, ``masks`` uint8 (two bytes a row, read as one little-endian
    16-bit lane mask, ``LANES`` rows), ``first``, ``stride`` and ``rows`` uint64 (``rows <=
    MAX_ROWS``), ``wanted`` a nonzero uint32 code and ``found`` a uint16 array of ``LANES``
    places; the caller guarantees that every site a bit selects exists (the others are not
    read). The rows are unrolled, four to a group that ``rows`` may skip whole. The sum
    wraps modulo 2**32.
    """
    return types.uint32(sites, first, stride, masks, rows, wanted, found), _scan_codegen(True)


@intrinsic
def window_matches(typingctx, sites, first, stride, masks, rows, wanted, found):
    """:func:`window_scan`'s ``found`` without its sum: returns the number of matches.

    For an agent that needs only where the matching sites are (a mover that did not count
    its neighbourhood), one vector addition a row and the final reduction less.
    """
    return types.uint64(sites, first, stride, masks, rows, wanted, found), _scan_codegen(False)


# Processors whose pdep is microcoded (tens to hundreds of cycles): the selects instead.
_SLOW_PDEP = ("znver1", "znver2")


def _has_fast_pdep() -> bool:
    """Whether the code Numba compiles here may use BMI2's ``pdep`` (x86 only), fast."""
    name = config.CPU_NAME or llvm.get_host_cpu_name()
    features = config.CPU_FEATURES or llvm.get_host_cpu_features().flatten()
    return "+bmi2" in features.split(",") and name not in _SLOW_PDEP


@intrinsic
def nth_match(typingctx, found, j):
    """The window place ``LANES * i + b`` of the ``j``-th set bit of ``found`` (from 0),
    counting row ``i``'s bits ``b`` in order, rows in order: the ``j``-th match of a
    :func:`window_scan`.

    ``found`` is a uint16 array of ``LANES`` rows, read as four 64-bit words, ``j`` a uint64
    below its number of set bits. No branch: the word is the last whose running count of
    bits before it is at most ``j`` (three compares of the words' population counts), the
    bit within it BMI2's ``pdep`` of ``1 << rest`` (or, without BMI2, a binary search by
    halves with selects) and its trailing zeros.
    """

    def codegen(context, builder, signature, args):
        out, index = args
        data = context.make_array(signature.args[0])(context, builder, out).data
        word = ir.IntType(64)
        words = builder.bitcast(data, word.as_pointer())
        parts = [
            builder.load(builder.gep(words, [ir.Constant(word, w)]), align=2) for w in range(4)
        ]
        chosen = parts[0]
        before = ir.Constant(word, 0)
        place = ir.Constant(word, 0)
        running = builder.ctpop(parts[0])
        for w in range(1, 4):
            later = builder.icmp_unsigned(">=", index, running)
            chosen = builder.select(later, parts[w], chosen)
            before = builder.select(later, running, before)
            place = builder.select(later, ir.Constant(word, 64 * w), place)
            running = builder.add(running, builder.ctpop(parts[w]))
        rest = builder.sub(index, before)
        if _has_fast_pdep():
            pdep = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(word, [word, word]), "llvm.x86.bmi.pdep.64"
            )
            deposited = builder.call(pdep, [builder.shl(ir.Constant(word, 1), rest), chosen])
            bit = builder.cttz(deposited, ir.Constant(ir.IntType(1), 1))
        else:
            bits = chosen
            bit = ir.Constant(word, 0)
            half = 32
            while half >= 1:
                low = builder.and_(bits, ir.Constant(word, (1 << half) - 1))
                n_low = builder.ctpop(low)
                upper = builder.icmp_unsigned(">=", rest, n_low)
                bit = builder.select(upper, builder.add(bit, ir.Constant(word, half)), bit)
                rest = builder.select(upper, builder.sub(rest, n_low), rest)
                bits = builder.select(upper, builder.lshr(bits, ir.Constant(word, half)), low)
                half //= 2
        return builder.add(place, bit)

    return types.uint64(found, j), codegen
