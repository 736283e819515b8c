"""The model's elementary functions give the C library's bits, so a seed means one run.

NumPy's ``exp``, ``tanh`` and their kin are computed by kernels chosen for the processor;
their last bits differ between an AVX2 and an AVX-512 machine, and the golden master
written on one failed on the other. ``offramp.libm`` evaluates them with the C library.
"""

from __future__ import annotations

import ast
import inspect
import math
from pathlib import Path

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import offramp
from offramp import libm

# Results that IEEE 754 fixes exactly (correct rounding, or no rounding at all): the
# processor's vector width cannot change them, whatever kernel NumPy picks.
EXACT = {
    "absolute", "negative", "positive", "sign", "add", "subtract", "multiply", "divide",
    "true_divide", "sqrt", "square", "reciprocal", "floor", "ceil", "rint", "trunc",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "maximum",
    "minimum", "fmax", "fmin", "frexp", "ldexp", "argmax", "argmin", "isnan", "isinf",
    "isfinite", "signbit", "copysign", "nextafter", "spacing", "modf", "fmod", "remainder",
    "floor_divide", "divmod", "logical_and", "logical_or", "logical_xor", "logical_not",
    "conjugate", "clip",
}  # fmt: skip


def _bits(value: float) -> int:
    return int(np.float64(value).view(np.uint64))


@pytest.mark.parametrize("name", sorted(libm.FUNCTIONS))
@given(x=st.floats(allow_nan=False, width=64))
def test_each_function_returns_the_c_librarys_bits(name: str, x: float) -> None:
    ufunc, scalar = libm.FUNCTIONS[name]
    try:
        expected = scalar(x)
    except (ValueError, OverflowError):
        # Outside the domain Python raises where a ufunc returns nan or inf.
        with np.errstate(all="ignore"):
            got = float(ufunc(np.array([x]))[0])
        assert math.isnan(got) or math.isinf(got)
        return
    got = ufunc(np.array([x, x]))
    assert _bits(got[0]) == _bits(expected) and _bits(got[1]) == _bits(expected)
    assert _bits(ufunc(x)) == _bits(expected)


def test_numba_calls_the_c_library_not_svml() -> None:
    # With Intel's SVML installed Numba vectorises these loops with its own, processor-
    # specific routines, and the bits would depend on the machine again.
    assert not numba.config.USING_SVML


def test_the_list_of_processor_dependent_numpy_functions_is_numpys_own() -> None:
    # opt_func_info names, for each ufunc, the kernels compiled for each processor level. A
    # float64 loop with more than one kernel whose result IEEE 754 does not fix exactly may
    # change its bits with the processor, so the model must not call it.
    info = np.lib.introspect.opt_func_info()
    dispatched = {
        name
        for name, loops in info.items()
        if name not in EXACT
        and any(
            "d" in signature and len(loop.get("available", "").split()) > 1
            for signature, loop in loops.items()
        )
    }
    assert dispatched <= set(libm.NUMPY_DISPATCHED), sorted(dispatched - set(libm.NUMPY_DISPATCHED))


def test_the_model_calls_no_processor_dependent_numpy_function() -> None:
    package = Path(inspect.getfile(offramp))
    found = []
    for folder in ("engine", "mechanisms", "scenario"):
        for path in (package.parent / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in ("np", "numpy")
                ):
                    where = f"{path.relative_to(package.parent)}:{node.lineno}"
                    if node.attr in libm.NUMPY_DISPATCHED:
                        found.append(f"{where} np.{node.attr}")
                    if node.attr in ("argpartition", "partition"):
                        found.append(f"{where} np.{node.attr} (ties ordered by the processor)")
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "argsort"
                    and not any(
                        k.arg == "kind"
                        and isinstance(k.value, ast.Constant)
                        and k.value.value == "stable"
                        for k in node.keywords
                    )
                ):
                    found.append(
                        f"{path.relative_to(package.parent)}:{node.lineno} argsort without "
                        'kind="stable" (NumPy orders ties by the processor\'s vector width)'
                    )
    assert not found, "; ".join(found)
