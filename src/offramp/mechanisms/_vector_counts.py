"""How many of eight consecutive doubles lie below a bound, in one vector comparison.

Private to :mod:`offramp.mechanisms.opinion`, whose confidence-window search advances each
bound by the count of the next eight sorted opinions on the near side of it. Written as
eight scalar comparisons, Numba emits a compare, a flag move and an add for each; written
here as one LLVM vector ``fcmp`` whose lane mask is counted with ``ctpop``, LLVM emits a
vector compare, a mask move and a population count (``vcmppd``/``vmovmskpd``/``popcnt`` on
AVX2, a mask register on AVX-512). The comparisons are IEEE ordered ones, so a NaN lane
never counts, exactly as Python's ``<`` and ``<=``: the counts, and every result built on
them, are the scalar ones bit for bit.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

LANES = 8


def _lane_count(operator: str):
    """An intrinsic ``(array, start, bound) -> count of array[start:start+8] <op> bound``.

    The caller guarantees the eight places exist (the opinion kernel pads its rows).
    """

    @intrinsic
    def count(typingctx, array, start, bound):
        def codegen(context, builder, signature, args):
            values, first, limit = args
            data = context.make_array(signature.args[0])(context, builder, values).data
            lanes = ir.VectorType(ir.DoubleType(), LANES)
            block = builder.load(
                builder.bitcast(builder.gep(data, [first]), lanes.as_pointer()), align=8
            )
            splat = ir.Constant(lanes, ir.Undefined)
            for lane in range(LANES):
                splat = builder.insert_element(splat, limit, ir.Constant(ir.IntType(32), lane))
            hits = builder.bitcast(builder.fcmp_ordered(operator, block, splat), ir.IntType(LANES))
            return builder.zext(builder.ctpop(hits), ir.IntType(64))

        return types.uint64(array, start, bound), codegen

    return count


count_below = _lane_count("<")
count_at_most = _lane_count("<=")
