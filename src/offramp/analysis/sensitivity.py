r"""Global sensitivity of an outcome to the scenario's uncertainties.

Three measures, each matched to the design it needs (SALib; Herman & Usher 2017):

**Sobol' indices** (Sobol' 2001; Saltelli et al. 2010), for the ``sobol`` design. With
:math:`Y = f(X_1, \dots, X_D)`, the first-order index is the share of the variance of
:math:`Y` explained by :math:`X_i` alone and the total-order index the share left
unexplained when every input but :math:`X_i` is known:

.. math::

    S_i = \frac{V[E(Y \mid X_i)]}{V(Y)}, \qquad
    S_{Ti} = \frac{E[V(Y \mid X_{\sim i})]}{V(Y)} ,

estimated from the Saltelli design, with bootstrap confidence intervals.

**Morris elementary effects** (Morris 1991; Campolongo et al. 2007), for the ``morris``
design: along each one-at-a-time trajectory, :math:`EE_i = (Y(x + \Delta e_i) - Y(x))/\Delta`;
:math:`\mu^*_i` is the mean of :math:`|EE_i|` (overall influence) and :math:`\sigma_i` their
standard deviation (non-linearity and interactions). Inputs are in quantile units (the unit
hypercube), so :math:`\mu^*` compares parameters on the same footing whatever their units.

**PAWN** (Pianosi & Wagener 2015, 2018), for any other design (``lhs``, ``mc``): a
moment-independent measure, the Kolmogorov-Smirnov distance between the output's
unconditional distribution and its distribution with :math:`X_i` fixed within one of
:math:`S` equal-probability slices,
:math:`T_i = \operatorname{median}_{k} \sup_y |F_Y(y) - F_{Y \mid X_i \in I_k}(y)|`,
reported with its minimum and maximum over the slices, beside a given-data first-order
Sobol' estimate :math:`S_i` with a bootstrap interval (Plischke, Borgonovo & Smith 2013).
Borgonovo's delta (SALib ``delta``) answers the same question but took 95 s for 13
parameters and 1000 samples here, against 0.04 s for PAWN, so PAWN is the default.

References
----------
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation* 55, 271-280.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
*Computer Physics Communications* 181(2), 259-270.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2), 161-174.
Campolongo, F., Cariboni, J., & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software* 22, 1509-1518.
Pianosi, F., & Wagener, T. (2015). A simple and efficient method for global sensitivity
analysis based on cumulative distribution functions. *Environmental Modelling & Software*
67, 1-11.
Plischke, E., Borgonovo, E., & Smith, C. L. (2013). Global sensitivity measures from given
data. *European Journal of Operational Research* 226(3), 536-550.
Herman, J., & Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. *Journal of Open Source Software* 2(9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from offramp.explore.sampling import MORRIS_LEVELS, unit_problem

if TYPE_CHECKING:
    import pandas as pd

    from offramp.explore.store import Store

METHOD_BY_SAMPLER = {"sobol": "sobol", "morris": "morris", "lhs": "pawn", "mc": "pawn"}
PAWN_SLICES = 10
RESAMPLES = 100
CONFIDENCE = 0.95


def sobol_indices(names: Sequence[str], y: ArrayLike, seed: int = 0) -> pd.DataFrame:
    """First- and total-order Sobol' indices with 95% bootstrap intervals (Saltelli design).

    ``y`` holds the output at every row of a ``sobol`` design, in design order.
    """
    from SALib.analyze import sobol

    result = sobol.analyze(
        unit_problem(list(names)),
        np.asarray(y, dtype=float),
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        seed=seed % 2**32,
    )
    return _table(names, result, ("S1", "S1_conf", "ST", "ST_conf"))


def morris_indices(
    names: Sequence[str], unit_x: ArrayLike, y: ArrayLike, seed: int = 0
) -> pd.DataFrame:
    """Morris :math:`\\mu^*`, its 95% interval, :math:`\\mu` and :math:`\\sigma` (unit inputs)."""
    from SALib.analyze import morris

    result = morris.analyze(
        unit_problem(list(names)),
        np.asarray(unit_x, dtype=float),
        np.asarray(y, dtype=float),
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        num_levels=MORRIS_LEVELS,
        seed=seed % 2**32,
    )
    return _table(names, result, ("mu_star", "mu_star_conf", "mu", "sigma"))


def pawn_indices(
    names: Sequence[str], unit_x: ArrayLike, y: ArrayLike, seed: int = 0
) -> pd.DataFrame:
    """PAWN (median, minimum, maximum over slices) and a given-data first-order S1 (any design)."""
    import warnings

    from SALib.analyze import delta, pawn

    problem = unit_problem(list(names))
    x, y = np.asarray(unit_x, dtype=float), np.asarray(y, dtype=float)
    result = dict(pawn.analyze(problem, x, y, S=PAWN_SLICES, seed=seed % 2**32))
    with warnings.catch_warnings():
        # SALib's delta resets the warning filters and prints binning notices.
        warnings.simplefilter("ignore")
        first = delta.analyze(
            problem,
            x,
            y,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            seed=seed % 2**32,
            method="sobol",
        )
    result.update(S1=first["S1"], S1_conf=first["S1_conf"])
    return _table(names, result, ("median", "minimum", "maximum", "S1", "S1_conf"))


def sensitivity(
    sampler: str, names: Sequence[str], unit_x: ArrayLike, y: ArrayLike, seed: int = 0
) -> tuple[str, pd.DataFrame]:
    """The measure suited to the design (Sobol', Morris or PAWN) and its table.

    Parameters
    ----------
    sampler
        The design's sampler (``sobol``, ``morris``, ``lhs``, ``mc``).
    names
        Uncertain parameters (columns of ``unit_x``).
    unit_x
        The design in the unit hypercube, one row per sample.
    y
        The output per sample (averaged over replications), in design order.

    Returns
    -------
    method, table
        ``"sobol"``, ``"morris"`` or ``"pawn"``; one row per parameter, most influential
        first.
    """
    y = np.asarray(y, dtype=float)
    if np.isnan(y).any():
        raise ValueError(
            f"the output is undefined (NaN) in {int(np.isnan(y).sum())} of {len(y)} samples; "
            "choose a metric every run has (e.g. territory_at_horizon, casualties)"
        )
    method = METHOD_BY_SAMPLER[sampler]
    if method == "sobol":
        return method, sobol_indices(names, y, seed)
    if method == "morris":
        return method, morris_indices(names, unit_x, y, seed)
    return method, pawn_indices(names, unit_x, y, seed)


def _table(names: Sequence[str], result: dict, columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    table = pd.DataFrame({c: np.asarray(result[c], dtype=float) for c in columns})
    table.insert(0, "parameter", list(names))
    return table.sort_values(columns[0], ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Influence:
    """How a method's table reads as one influence per parameter (the report's tornado).

    ``main`` is the influence, ``interval`` the columns of its uncertainty (one symmetric
    half-width, or a low and a high end), ``first`` a first-order index shown beside it.
    """

    main: str
    interval: tuple[str, ...]
    first: str | None
    axis: str
    description: str

    def whiskers(self, table: pd.DataFrame) -> np.ndarray:
        """Distances below and above ``main``, ``[2, parameter]``, for an error bar."""
        main = table[self.main].to_numpy(float)
        if len(self.interval) == 1:
            half = table[self.interval[0]].to_numpy(float)
            return np.vstack([half, half])
        low, high = (table[c].to_numpy(float) for c in self.interval)
        return np.vstack([main - low, high - main])


INFLUENCE = {
    "sobol": Influence(
        "ST",
        ("ST_conf",),
        "S1",
        "ST (share of output variance)",
        "total-order Sobol' index ST (bar, 95% bootstrap interval) and first-order S1 (dot)",
    ),
    "morris": Influence(
        "mu_star",
        ("mu_star_conf",),
        None,
        "mu* (quantile units)",
        "Morris mu*, the mean absolute elementary effect (bar, 95% bootstrap interval)",
    ),
    "pawn": Influence(
        "median",
        ("minimum", "maximum"),
        "S1",
        "PAWN median KS distance; S1",
        "PAWN's median Kolmogorov-Smirnov distance over slices (bar, minimum to maximum "
        "over slices) and a first-order Sobol' estimate S1 (dot)",
    ),
}


def store_sensitivity(
    store: Store, metric: str, policies: Sequence[str] | None = None
) -> tuple[str, dict[str, pd.DataFrame]]:
    """:func:`sensitivity` of ``metric`` for each policy of an explore store.

    Returns the method and, per policy, its table indexed by parameter (most influential
    first). Raises ``ValueError`` for a metric some world leaves undefined.
    """
    # The outcomes first: reading them checks the store (its chunks, the metric, policies).
    values = store.metric_by_world(metric, list(policies) if policies else None)
    names = store.parameters
    unit_x = store.design().set_index("sample")[names]
    sampler, seed = store.manifest["sampler"], store.manifest["seed"]
    tables = {}
    for policy in values.columns:
        y = values[policy].loc[unit_x.index].to_numpy(float)
        _, table = sensitivity(sampler, names, unit_x.to_numpy(), y, seed)
        tables[policy] = table.set_index("parameter")
    return METHOD_BY_SAMPLER[sampler], tables


def influence_order(method: str, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Parameters by their influence summed over the policies' tables, least first."""
    main = INFLUENCE[method].main
    total = sum(table[main].fillna(0.0) for table in tables.values())
    return list(total.sort_values(kind="stable").index)
