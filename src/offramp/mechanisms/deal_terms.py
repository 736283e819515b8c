r"""Deal territory: the share of national territory a deal hands over or recognises.

A deal names areas (``crimea``, ``sevastopol``, ``luhansk``, ``donetsk``, ``zaporizhzhia``,
``kherson``; see :mod:`offramp.scenario.deal`). With :math:`A_a` the area of :math:`a` in
km², :math:`o_a` the share of it occupied, and :math:`A = 603{,}628` km² Ukraine's
internationally recognised area:

.. math::

    \text{withdrawal}(W) = \frac{1}{A} \sum_{a \in W} A_a (1 - o_a), \qquad
    \text{recognised}(R, W) = \frac{1}{A} \sum_{a \in R} A_a
        \big(o_a + (1 - o_a)\,\mathbf 1[a \in W]\big):

a withdrawal hands over the part of an area the defender still holds; a recognition covers
the part the invader holds, and the whole area when the defender also withdraws from it
(as in the November 2025 US draft for Donetsk). ``all-occupied`` recognises every occupied
area. The areas are Ukrstat's (``offramp data show oblast_areas``); the occupied shares are
January 2025's (``occupied_by_area``: published for Luhansk, Donetsk and Kharkiv, derived
for Zaporizhzhia and Kherson, by definition for Crimea and Sevastopol).

Example (hand computation): the held part of Donetsk oblast is
:math:`26{,}517 \times 0.34 = 9{,}016` km², 1.49% of the country.

The functions take an :class:`AreaTable` (defaulting to the shipped one), so they stay
pure: no state, the same answer for the same table.

References
----------
State Statistics Service of Ukraine (areas, via secondary tables); DeepState map (January
2025, via the press); liveuamap occupied area (conflict-investigations/liveuamap-analysis).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

#: Ukraine's internationally recognised area, km² (the denominator of every shipped share).
NATIONAL_AREA_KM2 = 603_628.0
#: The areas a deal may name, and the keyword for all of the occupied territory.
DEAL_AREAS = ("crimea", "sevastopol", "luhansk", "donetsk", "zaporizhzhia", "kherson")
ALL_OCCUPIED = "all-occupied"


@dataclass(frozen=True)
class AreaTable:
    """Area (km²) and occupied share (0-1) of each named area, at one date."""

    area_km2: Mapping[str, float]
    occupied: Mapping[str, float]
    date: str = ""
    national_km2: float = NATIONAL_AREA_KM2

    def held_share(self, area: str) -> float:
        """Share of ``area`` the defender holds (0-1)."""
        return 1.0 - self.occupied.get(area, 0.0)


@lru_cache(maxsize=1)
def shipped_areas() -> AreaTable:
    """The shipped table: ``oblast_areas`` x ``occupied_by_area`` (January 2025)."""
    from offramp.datasets import dataset_rows

    areas = dataset_rows("oblast_areas")
    occupied = dataset_rows("occupied_by_area")
    return AreaTable(
        area_km2={row["area"]: float(row["value"]) for row in areas},
        occupied={row["area"]: float(row["value"]) / 100.0 for row in occupied},
        date=max(row["date"] for row in occupied),  # ISO dates sort as text
    )


def _expand(areas: Iterable[str], table: AreaTable) -> list[str]:
    names = list(dict.fromkeys(areas))
    if ALL_OCCUPIED in names:
        names = [a for a in table.area_km2 if table.occupied.get(a, 0.0) > 0]
    return names


def withdrawal_share(withdraw_from: Iterable[str], table: AreaTable | None = None) -> float:
    """Share of national territory the defender hands over: the held part of each area."""
    table = shipped_areas() if table is None else table
    km2 = sum(table.area_km2[a] * table.held_share(a) for a in dict.fromkeys(withdraw_from))
    return km2 / table.national_km2


def recognised_share(
    recognized_de_jure: Iterable[str],
    withdraw_from: Iterable[str] = (),
    table: AreaTable | None = None,
) -> float:
    """Share of national territory recognised as the invader's.

    The occupied part of each named area, and the whole of an area the defender also
    withdraws from; ``all-occupied`` names every occupied area.
    """
    table = shipped_areas() if table is None else table
    withdrawn = set(withdraw_from)
    km2 = 0.0
    for a in _expand(recognized_de_jure, table):
        share = 1.0 if a in withdrawn else table.occupied.get(a, 0.0)
        km2 += table.area_km2[a] * share
    return km2 / table.national_km2


def occupied_share(table: AreaTable | None = None) -> float:
    """Share of national territory occupied in the table (all areas summed)."""
    table = shipped_areas() if table is None else table
    return recognised_share([ALL_OCCUPIED], (), table)
