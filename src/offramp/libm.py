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
ones Python's :mod:`math` calls, compiled into NumPy ufuncs by Numba: broadcasting, ``out=``
and scalars work as with NumPy's, and the bits are those of :func:`math.exp` and so on for
every argument, whatever the processor (``tests/test_libm.py`` checks it). The C library
chooses among its own variants only by the presence of FMA, which every x86-64 CPU of the
last decade has.

Arithmetic (``+ - * /``, ``sqrt``, ``x ** 2``), comparisons, ``minimum``/``maximum`` and
sums are exact or fixed in order in NumPy and need nothing here. Numba's compiled kernels
call the C library already (without Intel's SVML installed, which Numba would use to
vectorise them; ``numba.config.USING_SVML`` must stay false, and the test checks that too).
"""

from __future__ import annotations

import math

import numba

_SIGNATURE = ["float64(float64)"]


@numba.vectorize(_SIGNATURE, cache=True)
def exp(x):  # pragma: no cover - compiled
    return math.exp(x)


@numba.vectorize(_SIGNATURE, cache=True)
def log(x):  # pragma: no cover - compiled
    # math.log raises on x <= 0 in Python; compiled, it returns -inf / nan as NumPy does.
    return math.log(x)


@numba.vectorize(_SIGNATURE, cache=True)
def log1p(x):  # pragma: no cover - compiled
    return math.log1p(x)


@numba.vectorize(_SIGNATURE, cache=True)
def tanh(x):  # pragma: no cover - compiled
    return math.tanh(x)


@numba.vectorize(_SIGNATURE, cache=True)
def cosh(x):  # pragma: no cover - compiled
    return math.cosh(x)


@numba.vectorize(_SIGNATURE, cache=True)
def sinh(x):  # pragma: no cover - compiled
    return math.sinh(x)


@numba.vectorize(_SIGNATURE, cache=True)
def arctanh(x):  # pragma: no cover - compiled
    return math.atanh(x)


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
"""Each ufunc here and the :mod:`math` function whose bits it returns."""
