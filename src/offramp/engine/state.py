"""The run state: everything that carries over from one month to the next, over runs.

Each group is one actor or arena of the model, with one entry per run (``n``) or per run and
agent (``n x agents``):

- :class:`Front`: forces, the line, casualties (battlefield);
- :class:`Patronage`: price pressure, donor fatigue, aid, sanctions relief (patrons);
- :class:`Public`: the citizens' demands and the month's protest (opinion, mobilization);
- :class:`DealState`: what was offered, signed, ratified and is in force (negotiation);
- :class:`Leader`: approval, legitimacy, removal, instability, pressure to settle
  (leadership).

``phase`` (war or ceasefire) belongs to the run as a whole. A step of the monthly loop reads
the state and replaces the arrays it is responsible for; nothing else holds model state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from offramp.engine.draws import Draws
from offramp.engine.parameters import CompiledParameters
from offramp.mechanisms import battlefield, epstein, leadership, opinion, patrons

WAR, CEASEFIRE = 0, 1

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass
class Front:
    territory: FloatArray
    territory_min: FloatArray
    defender_force: FloatArray
    invader_force: FloatArray
    # this month's defender effectiveness (d_eff): aid, instability and lethality combined
    defender_effectiveness: FloatArray
    months_at_war: FloatArray
    casualties_defender: FloatArray
    casualties_invader: FloatArray


@dataclass
class Patronage:
    pressure: FloatArray
    fatigue: FloatArray
    aid: FloatArray
    invader_intake: FloatArray
    relief: FloatArray
    aid_cut: FloatArray  # share of aid a patron cut after the government refused to sign


@dataclass
class Public:
    demand: FloatArray  # runs x agents
    order: NDArray[np.int32]  # runs x agents: each run's agents sorted by demand
    sensitivity: FloatArray  # runs x agents
    hardship: FloatArray  # runs x agents
    base_threshold: FloatArray  # runs x agents
    best_territory: FloatArray
    stalemate: FloatArray
    refusing: FloatArray
    protest: FloatArray
    peak_protest: FloatArray
    spatial: Any  # the Epstein lattice when mobilization.model = "epstein", else None


@dataclass
class DealState:
    offered: BoolArray
    offers: FloatArray  # how many times a deal was put on the table
    declined: BoolArray  # the government declined to sign a deal the invader accepted
    signed: BoolArray
    signed_now: BoolArray
    ratified: BoolArray
    active: BoolArray
    concession: FloatArray  # share of the occupied area the deal in force concedes (0-1)
    vote_month: IntArray  # month of a ratification vote pending after a ceasefire, or -1
    territory: FloatArray
    judged: FloatArray
    support: FloatArray
    legitimacy: FloatArray
    ceasefire_month: IntArray
    war_resumed_month: IntArray
    resumed_by_repudiation: BoolArray
    successor_decided: BoolArray
    repudiated_now: BoolArray


@dataclass
class Leader:
    approval: FloatArray
    legitimacy: FloatArray
    removed_month: IntArray
    removal_cause: NDArray[np.int8]  # 0 none, 1 hazard, 2 election
    instability_left: FloatArray
    months_instability: FloatArray
    # the incumbent's highest approval so far (reset when a successor takes office)
    peak_approval: FloatArray
    # pressure on the government to settle, in [0, 1] (leadership.settlement_pressure)
    pressure: FloatArray


@dataclass
class RunState:
    """The state of ``n`` runs at the end of a month."""

    phase: IntArray
    front: Front
    patrons: Patronage
    public: Public
    deal: DealState
    leader: Leader

    @property
    def at_war(self) -> BoolArray:
        return self.phase == WAR

    @property
    def unstable(self) -> FloatArray:
        """1 during an instability spell, else 0 (as the battlefield penalty takes it)."""
        return (self.leader.instability_left > 0).astype(float)


def initial_state(P: CompiledParameters, draws: Draws, spatial: Any = None) -> RunState:
    """The state at month 0, before any step has run."""
    n = P.n_runs
    territory = P["territory.held_share"].copy()
    approval = P["leadership.initial_approval"].copy()
    aid = patrons.aid_level(
        base_aid=P["patrons.aid_level"],
        policy_aid=P["policy.aid_level"],
        fatigue=np.zeros(n),
        at_war=True,
        peace_share=P["patrons.peace_aid_level"],
    )
    front = Front(
        territory=territory,
        territory_min=territory.copy(),
        defender_force=P["battlefield.defender_force"].copy(),
        invader_force=P["battlefield.invader_force"].copy(),
        defender_effectiveness=defender_effectiveness(P, aid, np.zeros(n)),
        months_at_war=np.zeros(n),
        casualties_defender=np.zeros(n),
        casualties_invader=np.zeros(n),
    )
    public = _initial_public(P, draws, territory, spatial)
    return RunState(
        phase=np.full(n, WAR),
        front=front,
        patrons=Patronage(
            pressure=np.zeros(n),
            fatigue=np.zeros(n),
            aid=aid,
            invader_intake=P["battlefield.invader_recruitment"].copy(),
            relief=np.zeros(n),
            aid_cut=np.zeros(n),
        ),
        public=public,
        deal=_no_deal(n),
        leader=_initial_leader(P, approval, public.refusing),
    )


def _initial_public(
    P: CompiledParameters, draws: Draws, territory: FloatArray, spatial: Any
) -> Public:
    n = P.n_runs
    public = Public(
        demand=np.broadcast_to(P.demand, (n, P.n_agents)).copy(),
        order=np.broadcast_to(
            np.argsort(P.demand, kind="stable").astype(opinion.ORDER_DTYPE), (n, P.n_agents)
        ).copy(),
        sensitivity=opinion.weariness_sensitivity(
            P["opinion.weariness_heterogeneity"][:, None], draws.sensitivity
        ),
        hardship=P["mobilization.hardship"][:, None] * draws.hardship,
        base_threshold=P["mobilization.threshold_mean"][:, None]
        + P["mobilization.threshold_sd"][:, None] * draws.threshold,
        best_territory=territory.copy(),
        stalemate=np.zeros(n),
        refusing=np.zeros(n),
        protest=np.zeros(n),
        peak_protest=np.zeros(n),
        spatial=spatial,
    )
    public.refusing = opinion.refusing_share(public.demand, P.weight)
    return public


def _no_deal(n: int) -> DealState:
    none = np.full(n, -1)
    return DealState(
        offered=np.zeros(n, dtype=bool),
        offers=np.zeros(n),
        declined=np.zeros(n, dtype=bool),
        signed=np.zeros(n, dtype=bool),
        signed_now=np.zeros(n, dtype=bool),
        ratified=np.zeros(n, dtype=bool),
        active=np.zeros(n, dtype=bool),
        concession=np.zeros(n),
        vote_month=none.copy(),
        territory=np.ones(n),
        judged=np.ones(n),
        support=np.full(n, np.nan),
        legitimacy=np.zeros(n),
        ceasefire_month=none.copy(),
        war_resumed_month=none.copy(),
        resumed_by_repudiation=np.zeros(n, dtype=bool),
        successor_decided=np.zeros(n, dtype=bool),
        repudiated_now=np.zeros(n, dtype=bool),
    )


def _initial_leader(P: CompiledParameters, approval: FloatArray, refusing: FloatArray) -> Leader:
    """The leader at month 0: approval at its initial level, which is also its peak so far."""
    n = P.n_runs
    return Leader(
        approval=approval,
        legitimacy=approval.copy(),
        removed_month=np.full(n, -1),
        removal_cause=np.zeros(n, dtype=np.int8),
        instability_left=np.zeros(n),
        months_instability=np.zeros(n),
        peak_approval=approval.copy(),
        pressure=leadership.settlement_pressure(
            refusing=refusing,
            approval=approval,
            peak_approval=approval,
            weariness_weight=P["leadership.pressure_weariness_weight"],
        ),
    )


def defender_effectiveness(
    P: CompiledParameters, aid: FloatArray, unstable: FloatArray | float
) -> FloatArray:
    """The defender's fire per soldier given this month's aid and instability."""
    return battlefield.defender_effectiveness(
        P["battlefield.defender_lethality"],
        aid,
        P["battlefield.aid_dependence"],
        unstable,
        P["leadership.instability_penalty"],
    )


def spatial_protest(P: CompiledParameters, seed: int) -> Any:
    """The Epstein lattice of each run, or None when the cascade model is used."""
    if P.epstein is None:
        return None
    return epstein.init_state(P.epstein, seed=seed, runs=P.runs)
