"""The sum of a lattice window's site codes, sixteen sites of a row at a time.

Private to :mod:`offramp.mechanisms._epstein_kernels`, whose agents count the cops, actives
and empty sites in vision by summing the sites' 32-bit codes (each kind a one in its own
8-bit field). Summed one neighbourhood offset at a time, the compiler gathers the sites (on
AMD processors a gather is slower than the scalar loads it replaces). A neighbourhood of
vision ``v <= 7`` lies in ``2 v + 1`` rows of at most fifteen consecutive sites of the haloed
lattice, so here each row is one masked vector load of sixteen sites (LLVM's
``masked.load``: a masked-off lane is not read, so a window at the lattice's last site reads
nothing past it) added into one accumulator, reduced once at the end. The sum is over
integers, so it is the offset-by-offset sum exactly.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

LANES = 16
ROW_SITES = LANES  # sites read per row of the window: one load
MAX_VISION = (ROW_SITES - 1) // 2  # the widest row, 2 v + 1 sites, fits in ROW_SITES


def row_masks(offset_dx: np.ndarray, offset_dy: np.ndarray, vision: int) -> np.ndarray:
    """The sites in vision as bits: a flat uint8 array of ``2 vision + 1`` rows of two bytes.

    Bit ``b`` of byte ``2 i + h`` is the site at ``dy = i - vision``,
    ``dx = 8 h + b - vision``.
    """
    if vision > MAX_VISION:
        raise ValueError(f"vision must be at most {MAX_VISION} for a window sum, not {vision}")
    bits = np.zeros((2 * vision + 1, ROW_SITES), dtype=np.uint8)
    bits[np.asarray(offset_dy) + vision, np.asarray(offset_dx) + vision] = 1
    return np.packbits(bits, axis=1, bitorder="little").ravel()


@intrinsic
def window_sum(typingctx, sites, first, stride, masks, rows):
    """``sum(sites[first + i*stride + j])`` over rows ``i < rows`` and the lanes ``j``
    (``j < ROW_SITES``) whose bit is set in ``masks`` (see :func:`row_masks`).

    ``sites`` is a uint32 array, ``masks`` uint8 (two bytes a row, read as one little-endian
    16-bit lane mask), ``first``, ``stride`` and ``rows`` uint64; the caller guarantees that
    every site a bit selects exists (the others are not read). The sum wraps modulo 2**32.
    """

    def codegen(context, builder, signature, args):
        values, start, step, selected, count = args
        data = context.make_array(signature.args[0])(context, builder, values).data
        mask_data = context.make_array(signature.args[3])(context, builder, selected).data
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
        zeros = ir.Constant(block, [0] * LANES)
        total = cgutils.alloca_once_value(builder, zeros)
        with cgutils.for_range(builder, count) as loop:
            row = builder.add(start, builder.mul(loop.index, step))
            byte = builder.gep(mask_data, [builder.mul(loop.index, ir.Constant(word, 2))])
            bits = builder.load(builder.bitcast(byte, row_bits.as_pointer()), align=1)
            at = builder.bitcast(builder.gep(data, [row]), block.as_pointer())
            align = ir.Constant(ir.IntType(32), 4)
            lanes = builder.call(masked_load, [at, align, builder.bitcast(bits, flags), zeros])
            builder.store(builder.add(builder.load(total), lanes), total)
        reduce_add = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(site, [block]), f"llvm.vector.reduce.add.v{LANES}i32"
        )
        return builder.call(reduce_add, [builder.load(total)])

    return types.uint32(sites, first, stride, masks, rows), codegen
