r"""Map unit-hypercube points to the scenario's uncertainty distributions.

A sampler (Latin hypercube, Sobol', Morris, Monte Carlo) draws points :math:`u \in [0, 1)^D`;
each uncertain parameter's value is its distribution's quantile function at :math:`u`,
:math:`x = F^{-1}(u)` (inverse transform sampling), so the design's space-filling properties
carry over to any marginal distribution.

=================  =============================================================
distribution        quantile function
=================  =============================================================
uniform             :math:`a + u (b - a)`
triangular          scipy.stats.triang, :math:`c = (m - a) / (b - a)`
truncated-normal    scipy.stats.truncnorm on :math:`[(a - \mu)/\sigma, (b - \mu)/\sigma]`
log-uniform         :math:`a (b / a)^u` (scipy.stats.loguniform)
choice              :math:`v_{\lfloor k u \rfloor}` of :math:`k` values
=================  =============================================================

References
----------
Devroye, L. (1986). *Non-Uniform Random Variate Generation*. Springer, ch. 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

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
    """Values of ``distribution`` at unit-interval points: :math:`F^{-1}(u)`."""
    u = np.asarray(unit, dtype=float)
    if isinstance(distribution, Choice):
        values = np.asarray(distribution.values, dtype=float)
        index = np.minimum((u * len(values)).astype(np.int64), len(values) - 1)
        return values[index]
    values = np.asarray(frozen(distribution).ppf(u), dtype=float)
    # ppf(0) and ppf(1) are the ends (Morris levels reach both); keep them exactly there.
    low, high = distribution.low, distribution.high
    return np.clip(values, low, high)
