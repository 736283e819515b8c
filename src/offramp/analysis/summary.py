"""Summaries of outcomes: the numbers a study reports per policy.

One function computes quantile summaries (:func:`quantiles`), one summarises a policy's
outcomes (:func:`summarize_outcomes`), one a whole study (:func:`summarize_study`). The CLI,
the report and the dashboard all print these, so a figure means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

    from offramp.engine.results import Results


def quantiles(values: ArrayLike, which: tuple[str, ...] = ("median", "p05", "p95")) -> dict:
    """Mean, median and percentiles of ``values`` by name ('mean', 'median', 'pNN').

    NaNs are ignored; an empty input gives ``None`` for every statistic.
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    out: dict[str, float | None] = {}
    for name in which:
        if data.size == 0:
            out[name] = None
        elif name == "mean":
            out[name] = float(np.mean(data))
        elif name == "median":
            out[name] = float(np.median(data))
        elif name.startswith("p"):
            out[name] = float(np.percentile(data, float(name[1:])))
        else:
            raise ValueError(f"unknown statistic {name!r}; use mean, median or pNN")
    return out


BAND_STATISTICS = ("p05", "p25", "median", "p75", "p95")


def trajectory_bands(values: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """Month-by-month median and percentiles of a (runs, months + 1) trajectory.

    Parameters
    ----------
    values : ndarray, shape (runs, months + 1)
        One trajectory per run (``Results.trajectory_data[name]``).

    Returns
    -------
    dict
        ``p05, p25, median, p75, p95``: arrays over months, each computed with :func:`quantiles`.
    """
    per_month = [quantiles(values[:, month], BAND_STATISTICS) for month in range(values.shape[1])]
    return {
        statistic: np.array([np.nan if q[statistic] is None else q[statistic] for q in per_month])
        for statistic in BAND_STATISTICS
    }


def _share(flags: pd.Series) -> float | None:
    return None if len(flags) == 0 else float(np.mean(flags.astype(bool)))


def summarize_outcomes(outcomes: pd.DataFrame, deal_policy: bool) -> dict[str, Any]:
    """Summary of one policy's outcomes (the JSON shape of ``offramp run``).

    One key per outcome the registry (:data:`offramp.outcomes.OUTCOMES`) gives a
    :class:`~offramp.outcomes.Summary`: ``p_<name>`` for a share of runs (None for a share
    that needs a deal under a policy without one), ``<name>`` for quantiles; then ``runs``
    and ``runs_with_ceasefire``. Shares and quantiles "among ceasefires" are over the runs
    whose deal took effect.
    """
    from offramp.outcomes import OUTCOMES

    ceasefires = outcomes[outcomes["ceasefire_month"].notna()]
    summary: dict[str, Any] = {}
    for entry in OUTCOMES.values():
        spec = entry.summary
        if spec is None:
            continue
        rows = ceasefires if spec.among == "ceasefires" else outcomes
        if spec.statistic == "share":
            wanted = deal_policy or not spec.deal_only
            summary[entry.summary_key] = _share(rows[entry.name]) if wanted else None
        else:
            summary[entry.summary_key] = quantiles(rows[entry.name], spec.statistics)
    summary["runs"] = int(len(outcomes))
    summary["runs_with_ceasefire"] = int(len(ceasefires))
    return summary


REMOVAL_CAUSES = ("hazard", "election")


def removal_cause_shares(outcomes: pd.DataFrame) -> dict[str, float | None]:
    """Share of runs in which the leader lost office, by cause (``removal_cause``).

    Returns
    -------
    dict
        ``hazard`` (the monthly removal hazard: protest, low approval, other causes) and
        ``election`` (lost the election held after a deal), each a share of all runs
        (None without runs); they add up to ``p_leader_removed``.
    """
    causes = outcomes["removal_cause"]
    return {cause: _share(causes == cause) for cause in REMOVAL_CAUSES}


def summarize_study(results: Mapping[str, Results]) -> dict[str, dict[str, Any]]:
    """Summaries of every policy of a study, in the order given."""
    return {
        name: summarize_outcomes(result.outcomes, result.is_deal_policy)
        for name, result in results.items()
    }
