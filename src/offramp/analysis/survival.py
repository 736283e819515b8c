r"""How long peace lasts: the Kaplan-Meier estimate of the ceasefires' survival.

Among the runs whose deal took effect, a ceasefire lasts ``peace_months`` months; it ends
(an event) when war resumes, or is censored at the horizon when it still holds there
(``war_resumed`` false). The Kaplan-Meier (product-limit) estimate of the share still
holding after :math:`t` months is

.. math::

    \hat S(t) = \prod_{t_i \le t} \Big(1 - \frac{d_i}{n_i}\Big),

with :math:`d_i` ceasefires ending at :math:`t_i` out of :math:`n_i` still holding just
before; the 95% band is lifelines' exponential Greenwood interval.

References
----------
Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations.
*JASA* 53(282), 457-481.
Davidson-Pilon, C. (2019). lifelines: survival analysis in Python. *Journal of Open Source
Software* 4(40), 1317.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SurvivalCurve:
    """A step function: the share of ceasefires still holding from each month on."""

    months: NDArray[np.float64]  # where the steps are (0 first)
    holding: NDArray[np.float64]  # estimate, a share in [0, 1]
    lower: NDArray[np.float64]  # 95% confidence band
    upper: NDArray[np.float64]
    ceasefires: int  # runs whose deal took effect


def peace_survival(outcomes: pd.DataFrame) -> SurvivalCurve | None:
    """Kaplan-Meier curve of the ceasefires of one policy's runs (None without any).

    Parameters
    ----------
    outcomes
        One policy's outcomes (``Results.outcomes``): ``ceasefire_month``,
        ``peace_months`` and ``war_resumed`` are read.
    """
    from lifelines import KaplanMeierFitter

    held = outcomes[outcomes["ceasefire_month"].notna()]
    if held.empty:
        return None
    fitter = KaplanMeierFitter().fit(
        held["peace_months"], event_observed=held["war_resumed"], label="holding"
    )
    interval = fitter.confidence_interval_survival_function_
    return SurvivalCurve(
        months=fitter.survival_function_.index.to_numpy(float),
        holding=fitter.survival_function_["holding"].to_numpy(float),
        lower=interval.iloc[:, 0].to_numpy(float),
        upper=interval.iloc[:, 1].to_numpy(float),
        ceasefires=len(held),
    )
