"""NumPy's pairwise summation, compiled: ``row.sum()`` to the last bit inside a kernel.

A compiled kernel that sums what it computes, instead of writing it out for NumPy to sum,
must add in NumPy's order or the golden master moves. NumPy adds a contiguous row of
``n`` doubles (``DOUBLE_pairwise_sum`` in ``numpy/_core/src/umath/loops_utils.h.src``):
fewer than 8 one after the other from 0; up to 128 in eight running sums, lane ``j``
taking places ``j, j + 8, ...``, combined as ``((s0 + s1) + (s2 + s3)) + ((s4 + s5) +
(s6 + s7))``, then the remainder one by one; more than 128 as the sum of two halves, the
first ``n // 2`` rounded down to a multiple of 8. Its error grows as ``O(log n)`` rather
than ``O(n)`` (Higham 1993, "The accuracy of floating point summation", *SIAM J. Sci.
Comput.* 14(4)). A test checks it against ``numpy.sum`` over many lengths.

The halving is walked with an explicit stack, not by recursion: Numba's cached machine
code for a recursive function called from a parallel kernel calls a null address when it
is loaded from the cache (seen here with Numba 0.68.1).
"""

from __future__ import annotations

import numba
import numpy as np

_BLOCK = 128
# Each halving at least halves the left part and leaves at most half plus 8 on the right,
# so 64 levels cover any array that fits in memory.
_DEPTH = 64


@numba.njit(cache=True)
def pairwise_stack():  # pragma: no cover - compiled
    """Work space for :func:`pairwise_sum`: per level, the right half and the left sum.

    A level's row of ``halves`` is the right half's start, its size, and 1 once the left
    half is summed (its sum is then in ``lefts``).
    """
    return np.empty((_DEPTH, 3), dtype=np.int64), np.empty(_DEPTH)


@numba.njit(cache=True)
def pairwise_sum(values, start, n, halves, lefts):  # pragma: no cover - compiled
    """``values[start:start + n].sum()`` as NumPy computes it, for a 1-d float array.

    ``halves, lefts = pairwise_stack()`` is the work space, made once and reused.
    """
    depth = 0
    begin, size = start, n
    while True:
        # Down the left side to a block, leaving each right half on the stack.
        while size > _BLOCK:
            left = size // 2
            left -= left % 8
            halves[depth, 0] = begin + left
            halves[depth, 1] = size - left
            halves[depth, 2] = 0
            depth += 1
            size = left
        total = _block_sum(values, begin, size)
        # Up past every level whose right half this was, adding its left half's sum.
        while depth > 0 and halves[depth - 1, 2] == 1:
            depth -= 1
            total = lefts[depth] + total
        if depth == 0:
            return total
        lefts[depth - 1] = total
        halves[depth - 1, 2] = 1
        begin, size = halves[depth - 1, 0], halves[depth - 1, 1]


@numba.njit(cache=True, inline="always")
def _block_sum(values, start, n):  # pragma: no cover - compiled
    """NumPy's sum of at most 128 places: eight running sums, then the remainder."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += values[i]
        return total
    s0, s1, s2, s3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    s4, s5, s6, s7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    end = start + n - n % 8
    for i in range(start + 8, end, 8):
        s0 += values[i]
        s1 += values[i + 1]
        s2 += values[i + 2]
        s3 += values[i + 3]
        s4 += values[i + 4]
        s5 += values[i + 5]
        s6 += values[i + 6]
        s7 += values[i + 7]
    total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    for i in range(end, start + n):
        total += values[i]
    return total
