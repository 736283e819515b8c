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


def summarize_outcomes(
    outcomes: pd.DataFrame, deal_policy: bool, vote_delay_months: int = 0
) -> dict[str, Any]:
    """Summary of one policy's outcomes (the JSON shape of ``offramp run``).

    One key per outcome the registry (:data:`offramp.outcomes.OUTCOMES`) gives a
    :class:`~offramp.outcomes.Summary`: ``p_<name>`` for a share of runs (None for a share
    that needs a deal under a policy without one), ``<name>`` for quantiles; then ``runs``,
    ``runs_with_ceasefire`` and ``resumption_causes`` (:func:`resumption_causes`, None
    without a deal; ``vote_delay_months`` is the deal's, see there). Shares and quantiles
    "among ceasefires" are over the runs whose deal took effect.
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
    summary["resumption_causes"] = (
        resumption_causes(outcomes, vote_delay_months) if deal_policy else None
    )
    return summary


def resumption_causes(outcomes: pd.DataFrame, vote_delay_months: int = 0) -> dict[str, Any]:
    """Why the ceasefires that ended ended: shares of the runs in which war resumed.

    Each run whose ceasefire ended (``war_resumed``) has one cause
    (:data:`offramp.outcomes.RESUMPTION_CAUSES`):

    - ``repudiation``: a successor repudiated the deal (``resumed_by_repudiation``);
    - ``rejected_vote``: the deal gave a ceasefire before its vote, and the vote, held
      ``vote_delay_months`` after the ceasefire began, rejected it: not ratified, and the
      war resumed in exactly that month (the vote comes before the invader's choice in a
      month, and a rejection leaves no ceasefire to attack);
    - ``invader``: every other end, the invader's choice to resume (during a pending
      vote too).

    Parameters
    ----------
    outcomes
        One policy's outcomes (``Results.outcomes``).
    vote_delay_months
        Months between the ceasefire and the deferred vote: the deal's
        ``ceasefire_days_before_vote`` / 30, rounded up (``DealTerms.vote_delay_months``); 0
        for a deal voted on before the ceasefire, when no vote can end one.

    Returns
    -------
    dict
        ``resumptions`` (the number of runs in which war resumed) and, per cause, its share
        of them (None for every cause when none resumed); the shares add up to 1.
    """
    from offramp.outcomes import RESUMPTION_CAUSES

    resumed = outcomes["war_resumed"].to_numpy(bool)
    repudiated = resumed & outcomes["resumed_by_repudiation"].to_numpy(bool)
    if vote_delay_months > 0:
        gap = (outcomes["war_resumed_month"] - outcomes["ceasefire_month"]).to_numpy(float)
        rejected = (
            resumed
            & ~repudiated
            & ~outcomes["deal_ratified"].to_numpy(bool)
            & (gap == vote_delay_months)
        )
    else:
        rejected = np.zeros_like(resumed)
    flags = {
        "invader": resumed & ~repudiated & ~rejected,
        "repudiation": repudiated,
        "rejected_vote": rejected,
    }
    count = int(resumed.sum())
    shares = {
        cause: (float(flags[cause].sum() / count) if count else None) for cause in RESUMPTION_CAUSES
    }
    return {"resumptions": count, **shares}


def removal_cause_shares(outcomes: pd.DataFrame) -> dict[str, float | None]:
    """Share of runs in which the leader lost office, by cause (``removal_cause``).

    Returns
    -------
    dict
        ``hazard`` (the monthly removal hazard: protest, low approval, other causes) and
        ``election`` (lost the election held after a deal), each a share of all runs
        (None without runs); they add up to ``p_leader_removed``.
    """
    from offramp.outcomes import REMOVAL_CAUSES

    causes = outcomes["removal_cause"]
    return {cause: _share(causes == cause) for cause in REMOVAL_CAUSES}


def summarize_study(results: Mapping[str, Results]) -> dict[str, dict[str, Any]]:
    """Summaries of every policy of a study, in the order given."""
    return {
        name: summarize_outcomes(result.outcomes, result.is_deal_policy, _vote_delay(result))
        for name, result in results.items()
    }


def _vote_delay(result: Results) -> int:
    """Months from a policy's ceasefire to its deferred vote (0 without one)."""
    from offramp.engine.deal_terms import compile_deal

    terms = compile_deal(result.scenario, result.scenario.policy(result.policy))
    return 0 if terms is None else terms.vote_delay_months
