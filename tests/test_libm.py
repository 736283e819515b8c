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
    function, scalar = libm.FUNCTIONS[name]
    try:
        expected = scalar(x)
    except (ValueError, OverflowError):
        # Outside the domain Python raises where the compiled loop returns nan or inf.
        with np.errstate(all="ignore"):
            got = float(function(np.array([x]))[0])
        assert math.isnan(got) or math.isinf(got)
        return
    got = function(np.array([x, x]))
    assert _bits(got[0]) == _bits(expected) and _bits(got[1]) == _bits(expected)
    assert _bits(function(x)) == _bits(expected)


@pytest.mark.parametrize("name", sorted(libm.FUNCTIONS))
def test_each_function_matches_the_c_library_on_a_large_sample(name: str) -> None:
    # NumPy's own tanh differs from the C library's on about a quarter of such draws, so a
    # regression to a vector kernel cannot pass this by luck.
    function, scalar = libm.FUNCTIONS[name]
    x = np.random.default_rng(20261203).normal(size=20_000)
    if name == "log":
        x = np.abs(x) + 1e-3
    elif name in ("log1p", "arctanh"):
        x = np.tanh(x) * 0.999  # inside (-1, 1)
    got = function(x)
    expected = np.array([scalar(v) for v in x])
    assert np.array_equal(got.view(np.uint64), expected.view(np.uint64))


@pytest.mark.parametrize("name", sorted(libm.FUNCTIONS))
def test_each_function_keeps_the_shape_of_its_argument(name: str) -> None:
    function, scalar = libm.FUNCTIONS[name]
    grid = np.linspace(0.1, 0.9, 12).reshape(3, 4)
    assert function(grid).shape == (3, 4) and function(grid).dtype == np.float64
    # a view with strides (a transposed grid) and a list give the same values
    assert np.array_equal(function(grid.T), function(grid).T)
    assert np.array_equal(function(list(grid[0])), function(grid[0]))
    assert isinstance(function(0.5), np.float64) and function(0.5) == scalar(0.5)
    assert function(np.float64(0.5)).shape == () and function(np.empty(0)).shape == (0,)


def test_every_function_of_the_module_is_tested() -> None:
    functions = {name for name, value in vars(libm).items() if isinstance(value, libm.Elementwise)}
    assert functions == set(libm.FUNCTIONS)


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


# What simulate() and the samplers run: the model, and the quantiles of sampled parameters.
SIMULATION_PATH = ("engine", "mechanisms", "scenario", "explore/distributions.py",
                   "explore/sampling.py", "study.py", "rng.py", "outcomes.py")  # fmt: skip
# scipy.stats' distribution methods compute with NumPy's exp and log.
SCIPY_STATS_METHODS = {"ppf", "cdf", "pdf", "logpdf", "sf", "isf", "rvs"}


def _simulation_files() -> list[Path]:
    package = Path(inspect.getfile(offramp)).parent
    found = []
    for entry in SIMULATION_PATH:
        path = package / entry
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def test_the_model_calls_no_processor_dependent_numpy_function() -> None:
    package = Path(inspect.getfile(offramp)).parent
    found = []
    for path in _simulation_files():
        for node in ast.walk(ast.parse(path.read_text())):
            where = f"{path.relative_to(package)}:{getattr(node, 'lineno', 0)}"
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("np", "numpy")
            ):
                if node.attr in libm.NUMPY_DISPATCHED:
                    found.append(f"{where} np.{node.attr}")
                if node.attr in ("argpartition", "partition"):
                    found.append(f"{where} np.{node.attr} (ties ordered by the processor)")
            if isinstance(node, ast.ImportFrom) and node.module == "numpy":
                names = {alias.name for alias in node.names} & set(libm.NUMPY_DISPATCHED)
                found += [f"{where} from numpy import {name}" for name in sorted(names)]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SCIPY_STATS_METHODS
            ):
                found.append(f"{where} .{node.func.attr}() (scipy.stats calls NumPy's exp, log)")
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
                    f'{where} argsort without kind="stable" (NumPy orders ties by the '
                    "processor's vector width)"
                )
    assert not found, "; ".join(found)
