"""Laplace approximation helpers: a finite-difference Hessian and a guarded inverse.

The Hessian :math:`H` of a negative log-likelihood at its minimum approximates the inverse
covariance of the estimate (Laplace's method; e.g. Gelman et al. 2013, sec. 4.1).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray


def hessian(
    f: Callable[[NDArray[np.float64]], float],
    x: NDArray[np.float64],
    fx: float,
    h: float | NDArray[np.float64],
) -> NDArray[np.float64]:
    """Central finite-difference Hessian of ``f`` at ``x`` (``fx = f(x)``), steps ``h``.

    ``h`` is one step for every coordinate or one per coordinate.
    """
    k = len(x)
    steps = np.broadcast_to(np.asarray(h, dtype=float), (k,))
    shift = np.diag(steps)
    plus = [f(x + shift[i]) for i in range(k)]
    minus = [f(x - shift[i]) for i in range(k)]
    H = np.empty((k, k))
    for i in range(k):
        H[i, i] = (plus[i] - 2 * fx + minus[i]) / steps[i] ** 2
    for i in range(k):
        for j in range(i):
            # f(x+hi+hj) + f(x-hi-hj) - 2f(x) = hi^2 Hii + hj^2 Hjj + 2 hi hj Hij + O(h^4)
            both = f(x + shift[i] + shift[j]) + f(x - shift[i] - shift[j]) - 2 * fx
            cross = both - steps[i] ** 2 * H[i, i] - steps[j] ** 2 * H[j, j]
            H[i, j] = H[j, i] = cross / (2 * steps[i] * steps[j])
    return H


def inverse_positive(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Inverse of a symmetric matrix with its eigenvalues floored (a flat direction gets a
    wide, not an infinite or negative, variance)."""
    values, vectors = np.linalg.eigh(0.5 * (matrix + matrix.T))
    floor = max(1e-6, 1e-6 * float(np.max(np.abs(values))))
    values = np.maximum(values, floor)
    return (vectors / values) @ vectors.T
