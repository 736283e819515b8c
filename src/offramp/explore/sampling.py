r"""Experimental designs over a scenario's uncertainties.

A design is a matrix of unit-hypercube points (one row per sample, one column per uncertain
parameter) drawn by one of four samplers, mapped to parameter values through each
uncertainty's quantile function (:mod:`offramp.explore.distributions`):

``lhs``
    Latin hypercube (McKay, Beckman & Conover 1979): ``N`` rows, every parameter's range cut
    into ``N`` equal-probability strata each sampled once (``SALib.sample.latin``).
``sobol``
    Saltelli's extension of a scrambled Sobol' sequence (Saltelli 2002; Saltelli et al. 2010):
    ``N (D + 2)`` rows, the design that first- and total-order Sobol' indices need
    (``SALib.sample.sobol`` without second-order terms). ``N`` must be a power of two.
``morris``
    ``N`` one-at-a-time trajectories on a 4-level grid (Morris 1991; Campolongo et al. 2007):
    ``N (D + 1)`` rows (``SALib.sample.morris``).
``mc``
    Plain Monte Carlo: ``N`` independent uniform rows from the seed's sampling stream
    (``offramp.rng.STREAM_SAMPLING``).

References
----------
McKay, M. D., Beckman, R. J., & Conover, W. J. (1979). A comparison of three methods for
selecting values of input variables. *Technometrics* 21(2), 239-245.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2), 161-174.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. *Computer
Physics Communications* 181(2), 259-270.
Herman, J., & Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. *Journal of Open Source Software* 2(9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from offramp.explore.distributions import from_unit
from offramp.rng import STREAM_SAMPLING, run_generator

if TYPE_CHECKING:
    import pandas as pd

    from offramp.scenario.schema import Distribution

Sampler = Literal["lhs", "sobol", "morris", "mc"]
SAMPLERS: tuple[str, ...] = ("lhs", "sobol", "morris", "mc")
MORRIS_LEVELS = 4


class DesignError(ValueError):
    """A design that cannot be drawn (no uncertainties, a bad N for the sampler)."""


@dataclass(frozen=True)
class Design:
    """Samples of the uncertain parameters: unit points and the parameter values."""

    sampler: str
    n: int
    names: tuple[str, ...]
    unit: NDArray[np.float64]
    values: NDArray[np.float64]

    @property
    def n_samples(self) -> int:
        """Rows of the design (``n`` for lhs and mc, more for sobol and morris)."""
        return self.unit.shape[0]

    @property
    def problem(self) -> dict:
        """SALib's problem dictionary over the unit hypercube."""
        return unit_problem(self.names)

    def frame(self) -> pd.DataFrame:
        """Parameter values, one row per sample, with a ``sample`` column."""
        import pandas as pd

        frame = pd.DataFrame(self.values, columns=list(self.names))
        frame.insert(0, "sample", np.arange(self.n_samples, dtype=np.int64))
        return frame


def unit_problem(names: tuple[str, ...] | list[str]) -> dict:
    """SALib's ``problem`` over the unit hypercube, one dimension per uncertain parameter."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def design_rows(sampler: str, n: int, n_parameters: int) -> int:
    """Rows a sampler draws for ``n`` samples of ``n_parameters`` parameters."""
    if sampler == "sobol":
        return n * (n_parameters + 2)
    if sampler == "morris":
        return n * (n_parameters + 1)
    return n


def sample_design(uncertain: Mapping[str, Distribution], sampler: str, n: int, seed: int) -> Design:
    """Draw a design of ``n`` samples over ``uncertain`` (dotted path -> distribution).

    Parameters
    ----------
    uncertain
        The scenario's ``uncertain`` table.
    sampler
        ``lhs``, ``sobol``, ``morris`` or ``mc`` (see the module docstring).
    n
        Samples (Sobol': base samples, a power of two; Morris: trajectories).
    seed
        Master seed; the same seed gives the same design.

    Returns
    -------
    Design
    """
    names = tuple(uncertain)
    if not names:
        raise DesignError(
            'the scenario declares no uncertainties; add [uncertain."SECTION.FIELD"] tables '
            "(see docs/explore.md)"
        )
    if n < 1:
        raise DesignError(f"--samples must be at least 1 (got {n})")
    unit = _unit_design(names, sampler, n, seed)
    values = np.column_stack(
        [from_unit(uncertain[name], unit[:, j]) for j, name in enumerate(names)]
    )
    return Design(sampler=sampler, n=n, names=names, unit=unit, values=values)


def _unit_design(names: tuple[str, ...], sampler: str, n: int, seed: int) -> NDArray[np.float64]:
    problem = unit_problem(names)
    # SALib seeds NumPy's legacy generator, which takes 32-bit seeds.
    salib_seed = int(seed) % 2**32
    if sampler == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=salib_seed)
    if sampler == "sobol":
        if n & (n - 1):
            raise DesignError(
                f"--samples for the sobol sampler must be a power of two (got {n}; "
                f"try {1 << max(n - 1, 1).bit_length()})"
            )
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=False, seed=salib_seed)
    if sampler == "morris":
        if n < 2:
            raise DesignError(f"--samples for the morris sampler must be at least 2 (got {n})")
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=salib_seed)
    if sampler == "mc":
        return run_generator(seed, 0, stream=STREAM_SAMPLING).random((n, len(names)))
    raise DesignError(f"unknown sampler {sampler!r}; allowed: {', '.join(SAMPLERS)}")
