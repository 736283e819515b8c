r"""The observations a calibration is fitted to, and the survey items that set the population.

**From survey items to reservation points.** An agent's reservation point is the least
share :math:`r` of the recognised territory it accepts for peace (``offramp.mechanisms.
opinion``). A survey item that offers an outcome leaving the defender a share :math:`x`
and finds a share :math:`a` accepting it measures :math:`P(r \le x) = a`; the KIIS item
"under no circumstances give up any territory" measures :math:`P(r \ge 1) = q`. With the
latent demand :math:`z \sim N(\mu, s^2)` and :math:`r = \mathrm{clip}(z, 0, 1)`:

.. math::

    q = 1 - \Phi\Big(\frac{1 - \mu}{s}\Big), \qquad
    a = \Phi\Big(\frac{x - \mu}{s}\Big)
    \;\Rightarrow\;
    s = \frac{1 - x}{\Phi^{-1}(1 - q) - \Phi^{-1}(a)}.

With KIIS July 2022 (:math:`q = 0.84`) and NDI/KIIS May 2022 (13% accept the lines then
held, :math:`x = 0.797`) the spread is :math:`s \approx 1.5`, the scenario's value
(:func:`ladder_spread`). The region weights are the 2021 resident populations of KIIS's
macro-regions, and a region KIIS did not publish is the value that makes the weighted mean
equal the national figure (:func:`missing_region_share`).

Poll counts for the binomial likelihood are ``value x n``; where KIIS did not publish the
sample size, :data:`DEFAULT_SAMPLE_SIZE` (1,000 national, 1,000 x the region's population
share for a region: KIIS's usual telephone omnibus) is used and the wave is flagged.

References
----------
Kyiv International Institute of Sociology (2022-2025), omnibus surveys (``offramp data show
kiis_no_concessions``). National Democratic Institute and KIIS (May 2022), acceptability of
war outcomes (``offramp data show ndi_ladder_2022``).
"""

from __future__ import annotations

from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from offramp.scenario.schema import Scenario

DEFAULT_SAMPLE_SIZE = 1000
_NORMAL = NormalDist()


def month_index(dates: pd.Series, start: str) -> np.ndarray:
    """Months from the scenario's month 0 (``start``, YYYY-MM) to each date's month."""
    year, month = (int(part) for part in start.split("-"))
    return ((dates.dt.year - year) * 12 + dates.dt.month - month).to_numpy()


def calendar_month(index: int, start: str) -> str:
    """The YYYY-MM of month ``index`` counted from ``start``."""
    year, month = (int(part) for part in start.split("-"))
    total = year * 12 + month - 1 + int(index)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def poll_waves(scenario: Scenario, first: str, last: str) -> pd.DataFrame:
    """KIIS 'no concessions' waves between ``first`` and ``last`` (YYYY-MM, inclusive).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (YYYY-MM), ``month`` (index from the scenario's start),
        ``region`` ("national" or the scenario's region name), ``observed`` (share),
        ``n`` (sample size for the likelihood) and ``n_assumed`` (True where the default
        sample size stands in for an unpublished one). National rows first.
    """
    import pandas as pd

    from offramp.datasets import kiis_no_concessions, macroregion_population

    shares = dict(zip(*macroregion_population()[["region", "share"]].T.to_numpy(), strict=True))
    names = {region.name.lower(): region.name for region in scenario.population.regions}
    frames = []
    for region in ("national", *names):
        if region != "national" and region not in shares:
            continue
        data = kiis_no_concessions(region)
        month = data["date"].dt.strftime("%Y-%m")
        data = data[(month >= first) & (month <= last)]
        default = DEFAULT_SAMPLE_SIZE * (1.0 if region == "national" else shares[region])
        frames.append(
            pd.DataFrame(
                {
                    "date": data["date"].dt.strftime("%Y-%m"),
                    "month": month_index(data["date"], scenario.meta.start),
                    "region": "national" if region == "national" else names[region],
                    "observed": data["value_pct"].to_numpy() / 100.0,
                    "n": data["n"].fillna(default).to_numpy(),
                    "n_assumed": data["n"].isna().to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def territory_series(scenario: Scenario) -> pd.DataFrame:
    """Monthly defender-held share from the scenario's month 0 on (liveuamap, month-end).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (YYYY-MM), ``month`` (index from the scenario's start) and
        ``held_share``; months before the start are dropped.
    """
    import pandas as pd

    from offramp.datasets import territory_held_monthly

    data = territory_held_monthly()
    stamps = data["month"].dt.to_timestamp()
    months = month_index(pd.Series(stamps), scenario.meta.start)
    keep = months >= 0
    return pd.DataFrame(
        {
            "date": data["month"].astype(str).to_numpy()[keep],
            "month": months[keep],
            "held_share": data["held_share"].to_numpy()[keep],
        }
    ).reset_index(drop=True)


def ladder_spread(no_concessions_share: float, accept_share: float, held_share: float) -> float:
    r"""Spread ``s`` of latent demand implied by two survey items (see the module docstring).

    Parameters
    ----------
    no_concessions_share : float
        :math:`q = P(r \ge 1)`, the share refusing any concession.
    accept_share : float
        :math:`a = P(r \le x)`, the share accepting an outcome that leaves ``held_share``.
    held_share : float
        :math:`x`, the territory that outcome leaves the defender (below 1).
    """
    gap = _NORMAL.inv_cdf(1.0 - no_concessions_share) - _NORMAL.inv_cdf(accept_share)
    if held_share >= 1.0 or gap <= 0:
        raise ValueError(
            "the two items must order the outcomes: fewer accept less territory "
            f"(got q={no_concessions_share}, a={accept_share}, x={held_share})"
        )
    return (1.0 - held_share) / gap


def ndi_ladder_item(item: str = "currently_controlled") -> tuple[float, float]:
    """(share accepting, territory share implied) of one NDI/KIIS May 2022 ladder item."""
    from offramp.datasets import load_dataset

    data = load_dataset("ndi_ladder_2022")
    row = data[(data["item"] == item) & (data["answer"] == "acceptable")].iloc[0]
    return float(row["value"]) / 100.0, float(row["territory_share_implied"])


def missing_region_share(
    national: float, known: dict[str, float], weights: dict[str, float]
) -> float:
    """The share a region must have for the population-weighted mean to equal ``national``.

    ``known`` maps the other regions to their shares; ``weights`` maps every region
    (including the missing one, which is the one absent from ``known``) to its weight.
    """
    (missing,) = set(weights) - set(known)
    rest = sum(weights[name] * share for name, share in known.items())
    return (national - rest) / weights[missing]
