r"""Map unit-hypercube points to the scenario's uncertainty distributions.

A sampler (Latin hypercube, Sobol', Morris, Monte Carlo) draws points :math:`u \in [0, 1)^D`;
each uncertain parameter's value is its distribution's quantile function at :math:`u`,
:math:`x = F^{-1}(u)` (inverse transform sampling), so the design's space-filling properties
carry over to any marginal distribution.

=================  ================================================================================
distribution        quantile function
=================  ================================================================================
uniform             :math:`a + u (b - a)`
triangular          :math:`a + w\sqrt{c u}` below :math:`c = (m - a) / w`, else
                    :math:`a + w (1 - \sqrt{(1 - c)(1 - u)})`, :math:`w = b - a`
truncated-normal    :math:`\mu + \sigma \Phi^{-1}(\Phi(\alpha) + u (\Phi(\beta) - \Phi(\alpha)))`,
                    :math:`\alpha, \beta = (a - \mu)/\sigma, (b - \mu)/\sigma`
log-uniform         :math:`\exp(\ln a + u (\ln b - \ln a))`
choice              :math:`v_{\lfloor k u \rfloor}` of :math:`k` values
=================  ================================================================================

References
----------
Devroye, L. (1986). *Non-Uniform Random Variate Generation*. Springer, ch. 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm
from offramp.scenario.schema import Choice, LogUniform, Triangular, TruncatedNormal, Uniform

if TYPE_CHECKING:
    from offramp.scenario.schema import Distribution


def frozen(distribution: Distribution) -> Any:
    """The ``scipy.stats`` frozen distribution of a continuous uncertainty.

    Raises
    ------
    TypeError
        For a ``choice`` uncertainty (a discrete set of values, not a scipy distribution).
    """
    from scipy import stats

    if isinstance(distribution, Uniform):
        return stats.uniform(distribution.low, distribution.high - distribution.low)
    if isinstance(distribution, Triangular):
        width = distribution.high - distribution.low
        return stats.triang((distribution.mode - distribution.low) / width, distribution.low, width)
    if isinstance(distribution, TruncatedNormal):
        mean, sd = distribution.mean, distribution.sd
        a, b = (distribution.low - mean) / sd, (distribution.high - mean) / sd
        return stats.truncnorm(a, b, loc=mean, scale=sd)
    if isinstance(distribution, LogUniform):
        return stats.loguniform(distribution.low, distribution.high)
    raise TypeError(f"{distribution.distribution} is not a continuous distribution")


def from_unit(distribution: Distribution, unit: ArrayLike) -> NDArray[np.float64]:
    """Values of ``distribution`` at unit-interval points: :math:`F^{-1}(u)`.

    The quantile functions are written out (the table above) rather than taken from
    ``scipy.stats``, whose log-uniform and truncated-normal quantiles call NumPy's ``exp``
    and ``log``: their last bits depend on the processor (see :mod:`offramp.libm`), and a
    sampled parameter feeds every month of a run. They agree with scipy's to about 1e-15.
    """
    u = np.asarray(unit, dtype=float)
    if isinstance(distribution, Choice):
        values = np.asarray(distribution.values, dtype=float)
        index = np.minimum((u * len(values)).astype(np.int64), len(values) - 1)
        return values[index]
    low, high = distribution.low, distribution.high
    if isinstance(distribution, Uniform):
        x = u * (high - low) + low
    elif isinstance(distribution, Triangular):
        width = high - low
        c = (distribution.mode - low) / width
        x = np.where(u < c, np.sqrt(c * u), 1.0 - np.sqrt((1.0 - c) * (1.0 - u))) * width + low
    elif isinstance(distribution, TruncatedNormal):
        x = _truncated_normal_quantile(u, distribution.mean, distribution.sd, low, high)
    elif isinstance(distribution, LogUniform):
        log_low = libm.log(low)
        x = libm.exp(log_low + u * (libm.log(high) - log_low))
    else:
        raise TypeError(f"{distribution.distribution} has no quantile function here")
    # ppf(0) and ppf(1) are the ends (Morris levels reach both); keep them exactly there.
    return np.clip(x, low, high)


def _truncated_normal_quantile(
    u: NDArray[np.float64], mean: float, sd: float, low: float, high: float
) -> NDArray[np.float64]:
    r""":math:`\mu + \sigma z`, :math:`z = \Phi^{-1}(\Phi(\alpha) + u(\Phi(\beta) - \Phi(\alpha)))`.

    Each point is computed in the tail it falls in (the upper one through
    :math:`\Phi(-z)`), where :math:`\Phi` keeps its precision. ``ndtr`` and ``ndtri`` are
    scipy's scalar C routines, the same bits on every machine.
    """
    from scipy.special import ndtr, ndtri

    alpha, beta = (low - mean) / sd, (high - mean) / sd
    lower = ndtr(alpha) + u * (ndtr(beta) - ndtr(alpha))
    upper = ndtr(-beta) + (1.0 - u) * (ndtr(-alpha) - ndtr(-beta))
    with np.errstate(divide="ignore"):
        z = np.where(lower <= upper, ndtri(lower), -ndtri(upper))
    return mean + sd * z
