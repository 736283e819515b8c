"""The sum of a lattice window's site codes, sixteen sites of a row at a time.

Private to :mod:`offramp.mechanisms._epstein_kernels`, whose agents count the cops, actives
and empty sites in vision by summing the sites' codes (each kind a one in its own 16-bit
field). Summed one neighbourhood offset at a time, the compiler gathers the sites (on AMD
processors a gather is slower than the scalar loads it replaces). A neighbourhood of vision
``v <= 7`` lies in ``2 v + 1`` rows of at most fifteen consecutive sites of the haloed
lattice, so here each row is two masked vector loads of eight sites (LLVM's
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

LANES = 8
ROW_SITES = 2 * LANES  # sites read per row of the window
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

    ``sites`` is a uint64 array, ``masks`` uint8, ``first``, ``stride`` and ``rows`` uint64;
    the caller guarantees that every site a bit selects exists (the others are not read).
    """

    def codegen(context, builder, signature, args):
        values, start, step, selected, count = args
        data = context.make_array(signature.args[0])(context, builder, values).data
        mask_data = context.make_array(signature.args[3])(context, builder, selected).data
        word = ir.IntType(64)
        block = ir.VectorType(word, LANES)
        flags = ir.VectorType(ir.IntType(1), LANES)
        masked_load = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(block, [block.as_pointer(), ir.IntType(32), flags, block]),
            "llvm.masked.load.v8i64.p0v8i64",
        )
        zeros = ir.Constant(block, [0] * LANES)
        total = cgutils.alloca_once_value(builder, zeros)
        with cgutils.for_range(builder, count) as loop:
            row = builder.add(start, builder.mul(loop.index, step))
            row_mask = builder.mul(loop.index, ir.Constant(word, ROW_SITES // LANES))
            acc = builder.load(total)
            for part in range(ROW_SITES // LANES):
                lane0 = ir.Constant(word, part * LANES)
                byte = builder.gep(mask_data, [builder.add(row_mask, ir.Constant(word, part))])
                on = builder.bitcast(builder.load(byte), flags)
                site = builder.gep(data, [builder.add(row, lane0)])
                at = builder.bitcast(site, block.as_pointer())
                acc = builder.add(
                    acc, builder.call(masked_load, [at, ir.Constant(ir.IntType(32), 8), on, zeros])
                )
            builder.store(acc, total)
        reduce_add = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(word, [block]), "llvm.vector.reduce.add.v8i64"
        )
        return builder.call(reduce_add, [builder.load(total)])

    return types.uint64(sites, first, stride, masks, rows), codegen
