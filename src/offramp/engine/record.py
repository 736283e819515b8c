"""What the engine records: the monthly trajectories and the per-run outcomes.

Each trajectory variable is read off the run state at the end of a month (month 0 is the
start); each outcome is read off the state after the last month. Their names, units and
meanings are declared once in ``offramp.outcomes``; this module only says how each is read.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from offramp.engine.parameters import CompiledParameters
from offramp.engine.state import RunState

Reader = Callable[[RunState, CompiledParameters], NDArray]

TRAJECTORY_READERS: dict[str, Reader] = {
    "territory": lambda s, P: s.front.territory,
    "phase": lambda s, P: s.phase,
    "protest": lambda s, P: s.public.protest,
    "approval": lambda s, P: s.leader.approval,
    "legitimacy": lambda s, P: s.leader.legitimacy,
    "no_concessions": lambda s, P: s.public.refusing,
    "defender_power": lambda s, P: s.front.defender_effectiveness * s.front.defender_force,
    "invader_power": lambda s, P: P["battlefield.invader_lethality"] * s.front.invader_force,
    "aid": lambda s, P: s.patrons.aid,
    "casualties": lambda s, P: s.front.casualties_defender + s.front.casualties_invader,
    "casualties_defender": lambda s, P: s.front.casualties_defender,
    "settlement_pressure": lambda s, P: s.leader.pressure,
}


def empty_trajectories(n_runs: int, horizon: int) -> dict[str, NDArray[np.float64]]:
    """Room for every trajectory variable over ``horizon + 1`` months x ``n_runs``.

    Month-major, so that a month's record is one contiguous write per variable (a column of
    a run-major array touches a cache line per run); :func:`trajectories` turns it round.
    """
    return {name: np.empty((horizon + 1, n_runs)) for name in TRAJECTORY_READERS}


def record_month(
    record: dict[str, NDArray[np.float64]], t: int, state: RunState, P: CompiledParameters
) -> None:
    """Write the state at the end of month ``t`` (0: the start) into ``record``."""
    for name, read in TRAJECTORY_READERS.items():
        record[name][t] = read(state, P)


def trajectories(record: dict[str, NDArray[np.float64]]) -> dict[str, NDArray[np.float64]]:
    """The finished record as run x month arrays (what ``Results`` holds)."""
    return {name: np.ascontiguousarray(values.T) for name, values in record.items()}


def outcomes(state: RunState, P: CompiledParameters, horizon: int) -> dict[str, NDArray]:
    """One value per run of every outcome, after ``horizon`` months."""
    front, deal, leader = state.front, state.deal, state.leader
    civilian = P["battlefield.civilian_ratio"] * front.casualties_defender
    resumed = deal.war_resumed_month >= 0
    return {
        "run": P.runs,
        "territory_at_horizon": front.territory,
        "territory_min": front.territory_min,
        "months_at_war": front.months_at_war,
        "casualties_defender_military": front.casualties_defender,
        "casualties_invader_military": front.casualties_invader,
        "casualties_civilian": civilian,
        "casualties": front.casualties_defender + front.casualties_invader + civilian,
        "deal_offers": deal.offers,
        "deal_declined": deal.declined,
        "deal_signed": deal.signed,
        "deal_support": deal.support,
        "deal_territory": np.where(deal.signed, deal.territory, np.nan),
        "deal_ratified": deal.ratified,
        "ceasefire_month": _missing_as_nan(deal.ceasefire_month),
        "war_resumed": resumed,
        "war_resumed_month": _missing_as_nan(deal.war_resumed_month),
        "peace_months": _peace_months(deal.ceasefire_month, deal.war_resumed_month, horizon),
        "war_resumed_60m": resumed
        & (deal.war_resumed_month - deal.ceasefire_month < 60)
        & (deal.ceasefire_month >= 0),
        "resumed_by_repudiation": deal.resumed_by_repudiation,
        "leader_removed": leader.removed_month >= 0,
        "leader_removed_month": _missing_as_nan(leader.removed_month),
        "removal_cause": np.array(["", "hazard", "election"])[leader.removal_cause],
        "peak_protest": state.public.peak_protest,
        "months_instability": leader.months_instability,
    }


def _missing_as_nan(months: NDArray[np.int64]) -> NDArray[np.float64]:
    return np.where(months >= 0, months.astype(float), np.nan)


def _peace_months(ceasefire: NDArray, resumed: NDArray, horizon: int) -> NDArray[np.float64]:
    """Months the first ceasefire lasted (censored at the horizon); NaN without a ceasefire."""
    end = np.where(resumed >= 0, resumed, horizon)
    return np.where(ceasefire >= 0, (end - ceasefire).astype(float), np.nan)
