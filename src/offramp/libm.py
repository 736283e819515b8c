"""Elementary functions that give the same bits on every machine: the C library's.

NumPy picks the code behind ``exp``, ``log``, ``tanh`` and their kin when it starts, by
the processor it finds. On a CPU with AVX-512, float64 ``exp`` and ``log`` run NumPy's own
vector kernels and ``log1p``, ``sinh``, ``cosh``, ``arctanh`` Intel's SVML; on an AVX2 CPU
the same calls go to the C library, and ``tanh`` on both to a third, table-driven kernel
whose last bit differs from the C library's in about a quarter of arguments. Each is
accurate to about one unit in the last place; they do not agree on which one. A run feeds
its numbers back month after month, so one seed gave two machines different runs (the
golden master written on an AVX-512 machine failed on an AVX2 one).

The model therefore evaluates these functions with the C library's scalar routines, the
ones Python's :mod:`math` calls, in loops compiled by Numba: each function takes a scalar
or an array of any shape and returns a float64 of the same shape, and the bits are those of
:func:`math.exp` and so on for every argument, whatever the processor
(``tests/test_libm.py`` checks it). The C library chooses among its own variants only by
the presence of FMA, which every x86-64 CPU of the last decade has.

The loops are cached ``njit`` functions rather than ``numba.vectorize`` ufuncs: Numba
builds a ufunc's wrapper afresh in every process, which cost about 0.3 s of each start
(``offramp`` on the command line and every worker of ``offramp explore``), where loading a
cached function costs a few milliseconds.

Arithmetic (``+ - * /``, ``sqrt``, ``x ** 2``), comparisons, ``minimum``/``maximum`` and
sums are exact or fixed in order in NumPy and need nothing here. Numba's compiled kernels
call the C library already (without Intel's SVML installed, which Numba would use to
vectorise them; ``numba.config.USING_SVML`` must stay false, and the test checks that too).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray


class Elementwise:
    """``f(x)`` for a scalar or an array ``x``, element by element, by a compiled loop.

    ``loop(x, out)`` fills the flat float64 array ``out`` with the function of the flat
    float64 array ``x``. A scalar gives a NumPy float64, an array an array of its shape.
    """

    def __init__(self, name: str, loop: Callable[[NDArray, NDArray], None]) -> None:
        self.__name__ = name
        self._loop = loop

    def __call__(self, x: ArrayLike) -> NDArray[np.float64] | np.float64:
        values = np.asarray(x, dtype=np.float64)
        flat = np.ascontiguousarray(values).reshape(-1)
        out = np.empty(flat.shape)
        self._loop(flat, out)
        return out.reshape(values.shape) if values.ndim else out[0]

    def __repr__(self) -> str:
        return f"<offramp.libm.{self.__name__}>"


@numba.njit(cache=True)
def _exp(x, out):  # pragma: no cover - compiled
    for i in range(x.size):
        out[i] = math.exp(x[i])


@numba.njit(cache=True)
def _log(x, out):  # pragma: no cover - compiled
    # math.log raises on x <= 0 in Python; compiled, it returns -inf / nan as NumPy does.
    for i in range(x.size):
        out[i] = math.log(x[i])


@numba.njit(cache=True)
def _log1p(x, out):  # pragma: no cover - compiled
    for i in range(x.size):
        out[i] = math.log1p(x[i])


@numba.njit(cache=True)
def _tanh(x, out):  # pragma: no cover - compiled
    for i in range(x.size):
        out[i] = math.tanh(x[i])


@numba.njit(cache=True)
def _cosh(x, out):  # pragma: no cover - compiled
    for i in range(x.size):
        out[i] = math.cosh(x[i])


@numba.njit(cache=True)
def _sinh(x, out):  # pragma: no cover - compiled
    for i in range(x.size):
        out[i] = math.sinh(x[i])


@numba.njit(cache=True)
def _arctanh(x, out):  # pragma: no cover - compiled
    for i in range(x.size):
        out[i] = math.atanh(x[i])


exp = Elementwise("exp", _exp)
log = Elementwise("log", _log)
log1p = Elementwise("log1p", _log1p)
tanh = Elementwise("tanh", _tanh)
cosh = Elementwise("cosh", _cosh)
sinh = Elementwise("sinh", _sinh)
arctanh = Elementwise("arctanh", _arctanh)


NUMPY_DISPATCHED = (
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "cbrt",
    "cos",
    "cosh",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log10",
    "log1p",
    "log2",
    "power",
    "sin",
    "sinh",
    "tan",
    "tanh",
)
"""NumPy functions whose float64 bits depend on the processor (``opt_func_info`` lists an
AVX-512 kernel for them); the model's code calls none of them (a test walks it)."""

FUNCTIONS = {
    "exp": (exp, math.exp),
    "log": (log, math.log),
    "log1p": (log1p, math.log1p),
    "tanh": (tanh, math.tanh),
    "cosh": (cosh, math.cosh),
    "sinh": (sinh, math.sinh),
    "arctanh": (arctanh, math.atanh),
}
"""Each function here and the :mod:`math` function whose bits it returns."""
