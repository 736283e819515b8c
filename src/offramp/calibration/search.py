r"""The search box of a calibration, read from the scenario's schema, and its Sobol design.

A calibration objective here is a Monte Carlo likelihood with local optima and long flat
ridges (a weariness that bites early can trade against a rally that lifts late), so one local
search from one start finds whichever optimum is nearest (the issue that led here: from
(0.05, 5, 2) Nelder-Mead stopped at success_rally 0.92). The fits search the whole box from
a scrambled Sobol design (Sobol 1967; Owen 1998; SciPy's ``scipy.stats.qmc.Sobol``).

**The box.** Each fitted parameter's range is its schema range
(``Scenario.parameter_ranges()``). The search works in unit coordinates :math:`u \in [0, 1]`
mapped log-uniformly, :math:`x = a (b / a)^u`, between the schema's upper bound :math:`b`
and a floor :math:`a` (the schema's lower bound, or :math:`10^{-3} b` where the schema
allows 0): these are scale parameters, and three decades give every order of magnitude the
same share of the design. The starting points depend on the box and a fixed design seed
only; no value fitted before, and no value in the scenario, can be a start.

References
----------
Owen, A. B. (1998). Scrambling Sobol' and Niederreiter-Xing points. *Journal of Complexity*
14(4), 466-489.
Sobol', I. M. (1967). On the distribution of points in a cube and the approximate evaluation
of integrals. *USSR Computational Mathematics and Mathematical Physics* 7(4), 86-112.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from offramp.scenario.schema import Scenario

#: Seed of the scrambled Sobol design: a constant, so the starts are the same for every fit
#: (and never depend on the data or on the scenario's values).
DESIGN_SEED = 20_230_701
#: Where the schema allows 0, the box's floor is this fraction of its upper bound.
FLOOR_FRACTION = 1e-3


@dataclass(frozen=True)
class ParameterBox:
    """Log-uniform unit coordinates over the schema ranges of some parameters."""

    names: tuple[str, ...]
    low: NDArray[np.float64]
    high: NDArray[np.float64]

    def values(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Parameter values of unit coordinates ``u`` (..., k)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        return self.low * (self.high / self.low) ** u

    def unit(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Unit coordinates of parameter values ``x`` (..., k)."""
        x = np.clip(np.asarray(x, dtype=float), self.low, self.high)
        return np.log(x / self.low) / np.log(self.high / self.low)

    def as_dict(self, x: NDArray[np.float64]) -> dict[str, float]:
        return {name: float(v) for name, v in zip(self.names, x, strict=True)}


def parameter_box(scenario: Scenario, names: Sequence[str]) -> ParameterBox:
    """The search box of ``names`` from the scenario's schema ranges (the catalogue's)."""
    from offramp.scenario.catalogue import entry

    low, high = [], []
    for name in names:
        allowed = entry(name, scenario)
        upper, lower = allowed.upper, allowed.lower
        if upper is None or not np.isfinite(upper):
            raise ValueError(f"{name} has no finite upper bound in the schema; cannot search it")
        lower = 0.0 if lower is None else float(lower)
        low.append(lower if lower > 0 else FLOOR_FRACTION * float(upper))
        high.append(float(upper))
    return ParameterBox(tuple(names), np.array(low), np.array(high))


def sobol_design(dimension: int, points: int, seed: int = DESIGN_SEED) -> NDArray[np.float64]:
    """``points`` (a power of two) scrambled Sobol points in the unit cube."""
    from scipy.stats import qmc

    exponent = int(np.log2(points))
    if 2**exponent != points:
        raise ValueError(f"design points must be a power of two (got {points})")
    return qmc.Sobol(dimension, scramble=True, seed=seed).random_base2(exponent)
