r"""Robustness of policies across sampled worlds: regret and satisficing.

Each sampled world :math:`s` (a row of the design, outcomes averaged over its replications)
gives every policy :math:`p` a value :math:`v_{sp}` of a metric. With higher values better,
a policy's **regret** in a world is how much worse it does than the best policy there
(Savage 1951):

.. math::

    R_{sp} = \max_q v_{sq} - v_{sp} \qquad (\text{lower better: } v_{sp} - \min_q v_{sq}),

and a robust policy keeps its regret small in every world (minimax regret) or in most of
them (the 90th percentile). **Satisficing** (Simon 1956; Starr 1963's domain criterion) is the
share of worlds in which a policy meets a threshold :math:`\tau`: :math:`v_{sp} \ge \tau`
(:math:`\le` when lower is better).

References
----------
Savage, L. J. (1951). The theory of statistical decision. *JASA* 46(253), 55-67.
Lempert, R. J., Popper, S. W., & Bankes, S. C. (2003). *Shaping the Next One Hundred Years*.
RAND (robust decision making).
McPhail, C. et al. (2018). Robustness metrics: how are they calculated, when should they
be used and why do they give different results? *Earth's Future* 6, 169-191.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def higher_is_better(metric: str, lower_is_better: bool | None = None) -> bool:
    """Direction of ``metric``: the caller's choice, else the registry's (``offramp.outcomes``).

    Raises
    ------
    offramp.outcomes.UnknownOutcomeError
        For a metric the registry does not declare, or one without a direction (a month, a
        run index) when the caller gives none: a new outcome never silently counts as
        "higher is better".
    """
    from offramp.outcomes import higher_is_better as registry_direction

    return registry_direction(metric, lower_is_better)


def regret(values: pd.DataFrame, higher_better: bool) -> pd.DataFrame:
    """Regret of each policy (column) in each world (row) against that world's best."""
    if higher_better:
        return values.max(axis=1).to_numpy()[:, None] - values
    return values - values.min(axis=1).to_numpy()[:, None]


def robustness(
    values: pd.DataFrame, higher_better: bool, threshold: float | None = None
) -> pd.DataFrame:
    """Per policy: mean value, mean / 90th-percentile / maximum regret, satisficing share.

    Parameters
    ----------
    values
        One row per world (sample), one column per policy: the metric averaged over the
        world's replications.
    higher_better
        Direction of the metric.
    threshold
        Satisficing threshold; without it the ``satisficing`` column is NaN.

    Returns
    -------
    DataFrame
        Indexed by policy, sorted from the most robust (lowest maximum regret, then 90th
        percentile regret).
    """
    import pandas as pd

    worlds_regret = regret(values, higher_better)
    table = pd.DataFrame(
        {
            "mean": values.mean(),
            "mean_regret": worlds_regret.mean(),
            "p90_regret": worlds_regret.quantile(0.9),
            "max_regret": worlds_regret.max(),
            "best_in_share": (worlds_regret <= 0).mean(),
        }
    )
    if threshold is None:
        table["satisficing"] = np.nan
    else:
        meets = values >= threshold if higher_better else values <= threshold
        table["satisficing"] = meets.mean()
    table.index.name = "policy"
    return table.sort_values(["max_regret", "p90_regret"], kind="stable")
