"""One function per step of the month, in the causal order of the op-ed's chain.

Each step takes the run state, the compiled parameters and the month, calls its mechanisms
(keyword arguments named as the mechanisms name them) and replaces the state arrays it is
responsible for. ``MONTHLY_STEPS`` is the order, and ``simulate`` runs exactly that list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from offramp.engine import deal_terms
from offramp.engine.draws import (
    NORMAL_ELECTION,
    NORMAL_PRICE,
    NORMAL_REFERENDUM,
    NORMAL_TERRITORY,
    UNIFORM_ACCEPT,
    UNIFORM_INSTABILITY,
    UNIFORM_RALLY,
    UNIFORM_REMOVAL,
    UNIFORM_REPUDIATION,
    UNIFORM_RESUME,
    MonthDraws,
)
from offramp.engine.parameters import CompiledParameters
from offramp.engine.state import (
    CEASEFIRE,
    WAR,
    BoolArray,
    FloatArray,
    RunState,
    defender_effectiveness,
)
from offramp.mechanisms import (
    bargaining,
    battlefield,
    epstein,
    leadership,
    mobilization,
    opinion,
    package_support,
    patrons,
    ratification,
)


@dataclass(frozen=True)
class Month:
    """Month ``t`` (0-based): its draws and the state of the war as the month began."""

    t: int
    draws: MonthDraws
    at_war: BoolArray
    unstable: FloatArray

    @property
    def normal(self) -> FloatArray:
        return self.draws.normal

    @property
    def uniform(self) -> FloatArray:
        return self.draws.uniform


Step = Callable[[RunState, CompiledParameters, Month], None]


def patrons_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """1. Prices, donor fatigue, this month's aid and the invader's sanctioned intake."""
    aid = state.patrons
    aid.pressure = patrons.economic_pressure(
        pressure=aid.pressure,
        persistence=P["patrons.price_persistence"],
        volatility=P["patrons.price_volatility"],
        shock=month.normal[:, NORMAL_PRICE],
    )
    aid.fatigue = patrons.accumulate_fatigue(
        fatigue=aid.fatigue,
        at_war=month.at_war,
        fatigue_per_year=P["patrons.fatigue_per_year"],
        price_sensitivity=P["patrons.price_sensitivity"],
        pressure=aid.pressure,
    )
    aid.aid = (1.0 - aid.aid_cut) * patrons.aid_level(
        base_aid=P["patrons.aid_level"],
        policy_aid=P["policy.aid_level"],
        fatigue=aid.fatigue,
        at_war=month.at_war,
        peace_share=P["patrons.peace_aid_level"],
    )
    aid.invader_intake = patrons.sanctioned_intake(
        intake=P["battlefield.invader_recruitment"],
        sanctions=P["patrons.sanctions"],
        relief=aid.relief,
    )


def battlefield_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """2. Lanchester attrition, the line's drift, recruitment and casualties (at war only)."""
    front, at_war = state.front, month.at_war
    front.defender_effectiveness = defender_effectiveness(P, state.patrons.aid, month.unstable)
    a_lethality = P["battlefield.invader_lethality"]
    new_defender, new_invader = battlefield.lanchester_square(
        defender=front.defender_force,
        invader=front.invader_force,
        defender_lethality=front.defender_effectiveness,
        invader_lethality=a_lethality,
    )
    lost_defender = np.where(at_war, front.defender_force - new_defender, 0.0)
    lost_invader = np.where(at_war, front.invader_force - new_invader, 0.0)
    front.defender_force = front.defender_force - lost_defender
    front.invader_force = front.invader_force - lost_invader
    ratio = battlefield.effective_force_ratio(
        defender=front.defender_force,
        invader=front.invader_force,
        defender_lethality=front.defender_effectiveness,
        invader_lethality=a_lethality,
    )
    moved = battlefield.territory_drift(
        territory=front.territory,
        force_ratio=ratio,
        stalemate_ratio=P["battlefield.stalemate_ratio"],
        sensitivity=P["battlefield.territory_sensitivity"],
        noise_sd=P["battlefield.territory_noise"],
        shock=month.normal[:, NORMAL_TERRITORY],
        floor=P["territory.floor"],
    )
    front.territory = np.where(at_war, moved, front.territory)
    front.defender_force = battlefield.recruit(
        force=front.defender_force,
        intake=P["battlefield.defender_recruitment"],
        cap=defender_force_cap(state, P),
    )
    front.invader_force = battlefield.recruit(
        force=front.invader_force,
        intake=state.patrons.invader_intake,
        cap=P["battlefield.invader_force_cap"],
    )
    front.casualties_defender += 1000.0 * lost_defender
    front.casualties_invader += 1000.0 * lost_invader
    front.months_at_war += at_war


def opinion_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """3. War weariness after stalemate, rallies, success, and bounded-confidence influence."""
    public, at_war = state.public, month.at_war
    new_stalemate, new_best, gain = opinion.update_stalemate(
        stalemate=public.stalemate,
        best_territory=public.best_territory,
        territory=state.front.territory,
    )
    public.stalemate = np.where(at_war, new_stalemate, public.stalemate)
    public.best_territory = np.where(at_war, new_best, public.best_territory)
    weariness = opinion.stalemate_weariness(
        rate=P["opinion.weariness"], stalemate=public.stalemate, lag=P["opinion.stalemate_lag"]
    )
    rally = at_war & (month.uniform[:, UNIFORM_RALLY] < P["opinion.rally_probability"])
    shift = P["opinion.rally_size"] * rally + P["opinion.peace_recovery"] * ~at_war
    shift = shift + P["opinion.success_rally"] * gain * at_war
    public.demand, public.order, public.refusing = opinion.opinion_month(
        demand=public.demand,
        order=public.order,
        weights=P.weight,
        sensitivity=public.sensitivity,
        weariness=weariness * at_war,
        shift=shift,
        confidence=P["opinion.confidence"],
        influence=P["opinion.influence"],
        overwrite=True,
    )


def negotiation_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """4. A deal on the schedule is offered; the invader and the government sign or not;
    the public ratifies it at once, or after the ceasefire the deal provides for."""
    deal = state.deal
    deal.signed_now = np.zeros(P.n_runs, dtype=bool)
    if P.deal is None:
        return
    voting = deal.vote_month == month.t
    if voting.any():
        _vote(state, P, month, voting)
    due = _offer_due(state, P, month)
    if not due.any():
        return
    support = _public_support(state, P, due)
    if P.policy.offer_if_support_at_least is not None:
        due &= support >= P.policy.offer_if_support_at_least
    deal.offered |= due
    deal.offers += due
    invader_signs = due & (month.uniform[:, UNIFORM_ACCEPT] < _invader_accepts(state, P))
    signing = invader_signs & _government_signs(state, P, support)
    declined = invader_signs & ~signing
    deal.declined |= declined
    cut = np.maximum(state.patrons.aid_cut, P["policy.aid_cut_if_refused"])
    state.patrons.aid_cut = np.where(declined, cut, state.patrons.aid_cut)
    if P.deal.vote_delay_months > 0:
        # the ceasefire comes first; the vote, with the public's opinion then, decides later
        _sign(state, P, month, signing, support, in_force=signing, ratified=np.zeros_like(signing))
        deal.vote_month = np.where(signing, month.t + P.deal.vote_delay_months, deal.vote_month)
        return
    passed = signing & _ratified(state, P, month, support)
    _sign(state, P, month, signing, support, in_force=passed, ratified=passed)


def _offer_due(state: RunState, P: CompiledParameters, month: Month) -> BoolArray:
    """Runs in which the schedule puts the deal on the table this month (at war only)."""
    t, deal = month.t, state.deal
    first = P["policy.deal_month"]
    window = month.at_war & (t >= first) & (t <= P["policy.last_offer"])
    every = P["policy.offer_every"]
    again = (every > 0) & (np.mod(t - first, np.maximum(every, 1)) == 0)
    return window & (~deal.offered | again) & (deal.vote_month < 0)


def _public_support(state: RunState, P: CompiledParameters, asked: BoolArray) -> FloatArray:
    """Share of those with an answer who find the package acceptable (what a poll shows).

    Only the runs ``asked`` (offered the deal or voting on it this month) are polled: every
    agent of every run is the engine's costliest question. The others get NaN, which no
    decision reads (each is masked by the runs asked).
    """
    rows = np.flatnonzero(asked)
    territory = state.front.territory[rows]
    accept, reject, _ = package_support.package_support(
        reservation_points=opinion.reservation_point(state.public.demand[rows]),
        population_weight=P.weight,
        weights=P.term_weights,
        held_share=territory,
        withdraw_from=P.deal.withdrawal_share,
        recognized_de_jure=P.deal.recognised(territory),
        **P.deal.package,
    )
    support = np.full(P.n_runs, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        support[rows] = np.where(accept + reject > 0, accept / (accept + reject), 0.0)
    return support


def _invader_accepts(state: RunState, P: CompiledParameters) -> FloatArray:
    """The invader's probability of signing: the deal's value to it against Fearon's range."""
    front, terms = state.front, P.deal
    p_defender = bargaining.win_probability(
        power=front.defender_effectiveness * front.defender_force,
        opposing_power=P["battlefield.stalemate_ratio"]
        * P["battlefield.invader_lethality"]
        * front.invader_force,
    )
    invader_share = 1.0 - front.territory
    recognised = terms.recognised(front.territory) / np.maximum(invader_share, 1e-9)
    recognised = np.clip(recognised, 0.0, 1.0) * np.where(
        terms.recognised_by_defender, 1.0, P["bargaining.patron_recognition_share"]
    )
    value = bargaining.deal_value_to_invader(
        invader_share=invader_share,
        withdrawal=terms.withdrawal_share,
        recognised_fraction=recognised,
        recognition_value=P["bargaining.recognition_value"],
        army_cap=terms.army_cap,
        army_cap_value=P["bargaining.army_cap_value"],
        nato_renounced=terms.nato_renounced,
        nato_value=P["bargaining.nato_value"],
        weapons_limits=terms.weapons_limits,
        weapons_limits_value=P["bargaining.weapons_limits_value"],
        sanctions_relief=deal_terms.sanctions_relief(terms, P),
        sanctions_value=P["bargaining.sanctions_value"],
        foreign_troops=terms.foreign_troops,
        foreign_troops_cost=P["bargaining.foreign_troops_cost"],
    )
    return bargaining.invader_accepts(
        deal_value=value,
        expected_war_share=bargaining.expected_war_share(
            invader_share=invader_share, p_defender=p_defender, war_aim=P["bargaining.war_aim"]
        ),
        invader_war_cost=P["bargaining.invader_war_cost"],
        defender_war_cost=P["bargaining.defender_war_cost"],
        temperature=P["bargaining.decision_noise"],
    )


def _government_signs(state: RunState, P: CompiledParameters, support: FloatArray) -> BoolArray:
    """Putnam's chief negotiator: sign what should pass, or what a patron pushes it into."""
    chance = ratification.ratification_chance(
        support=support,
        rule=P.deal.ratification_rule,
        noise_sd=P["ratification.referendum_noise"],
        parliament_bias=P["ratification.parliament_bias"],
    )
    # pushed from outside (a patron's threatened aid cut) and from inside (weariness)
    pressure = (
        P["ratification.push_weight"] * P["policy.aid_cut_if_refused"] * state.patrons.aid
        + P["ratification.pressure_weight"] * state.leader.pressure
    )
    return ratification.government_signs(
        ratification_chance=chance,
        signing_confidence=P["ratification.signing_confidence"],
        pressure=pressure,
        approval_after_signing=ratification.approval_after_signing(
            approval=state.leader.approval,
            support=support,
            audience_cost=P["ratification.audience_cost"],
        ),
        approval_floor=P["leadership.approval_floor"],
    )


def _ratified(
    state: RunState, P: CompiledParameters, month: Month, support: FloatArray
) -> BoolArray:
    return ratification.ratified(
        support=support,
        rule=P.deal.ratification_rule,
        noise=P["ratification.referendum_noise"] * month.normal[:, NORMAL_REFERENDUM],
        parliament_bias=P["ratification.parliament_bias"],
    )


def _vote(state: RunState, P: CompiledParameters, month: Month, voting: BoolArray) -> None:
    """The vote a ceasefire deferred: a deal rejected by it ends the ceasefire."""
    deal = state.deal
    passed = _ratified(state, P, month, _public_support(state, P, voting))
    deal.ratified |= voting & passed
    rejected = voting & ~passed
    deal.vote_month = np.where(voting, -1, deal.vote_month)
    deal.active &= ~rejected
    deal.war_resumed_month = np.where(
        rejected & (deal.war_resumed_month < 0), month.t, deal.war_resumed_month
    )
    state.phase = np.where(rejected, WAR, state.phase)
    state.patrons.relief = np.where(rejected, 0.0, state.patrons.relief)


def _sign(
    state: RunState,
    P: CompiledParameters,
    month: Month,
    signing: BoolArray,
    support: FloatArray,
    in_force: BoolArray,
    ratified: BoolArray,
) -> None:
    """Record a signature (and the audience cost) and put a deal into force.

    ``support`` is the public's support this month, as the government saw it when signing.
    """
    deal, leader, territory = state.deal, state.leader, state.front.territory
    deal.signed_now = signing
    deal.signed |= signing
    deal.ratified |= ratified
    deal.support = np.where(signing, support, deal.support)
    leader.approval = np.where(
        signing,
        ratification.approval_after_signing(
            approval=leader.approval,
            support=support,
            audience_cost=P["ratification.audience_cost"],
        ),
        leader.approval,
    )
    deal.territory = np.where(signing, territory - P.deal.withdrawal_share, deal.territory)
    judged = package_support.judged_package_territory(
        territory,
        P.term_weights.leniency,
        withdraw_from=P.deal.withdrawal_share,
        recognized_de_jure=P.deal.recognised(territory),
        recognized_by=P.deal.package["recognized_by"],
    )
    deal.judged = np.where(signing, judged, deal.judged)
    deal.legitimacy = np.where(
        in_force,
        ratification.deal_legitimacy(
            support=support,
            by_referendum=P.deal.by_referendum,
            procedural_weight=P["ratification.procedural_legitimacy"],
        ),
        deal.legitimacy,
    )
    deal.concession = np.where(in_force, P.deal.concession(territory), deal.concession)
    state.front.territory = np.where(in_force, territory - P.deal.withdrawal_share, territory)
    deal.active |= in_force
    state.phase = np.where(in_force, CEASEFIRE, state.phase)
    # the first ceasefire is the one whose duration the outcomes measure
    first = in_force & (deal.ceasefire_month < 0)
    deal.ceasefire_month = np.where(first, month.t, deal.ceasefire_month)
    state.patrons.relief = np.where(
        in_force, deal_terms.sanctions_relief(P.deal, P), state.patrons.relief
    )


def defender_force_cap(state: RunState, P: CompiledParameters) -> FloatArray:
    """The defender's force ceiling: its own, or a deal's army cap while the deal holds."""
    cap = P["battlefield.defender_force_cap"]
    if P.deal is None or P.deal.army_cap <= 0:
        return cap
    return np.where(state.deal.active, np.minimum(cap, P.deal.army_cap), cap)


def legitimacy_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """5. Approval moves to a target the war's costs pull down; legitimacy mixes in the deal's.

    The rally lifts the target while the war is fought. Casualties are sunk and stay in the
    target during a ceasefire (approval returns only to the baseline less what the war
    cost); stalemate and lost ground are news from a war being fought and count only while
    it is (a frozen line is judged through the deal).
    """
    leader, public = state.leader, state.public
    setback = leadership.setback_cost(
        stalemate=public.stalemate,
        best_territory=public.best_territory,
        territory=state.front.territory,
        stalemate_sensitivity=P["leadership.stalemate_sensitivity"],
        stalemate_half_months=P["leadership.stalemate_half_months"],
        loss_sensitivity=P["leadership.loss_sensitivity"],
    )
    target = leadership.approval_target(
        baseline=P["leadership.approval_baseline"] + P["leadership.war_rally"] * state.at_war,
        casualty_loss=leadership.casualty_cost(
            casualties=state.front.casualties_defender,
            sensitivity=P["leadership.casualty_sensitivity"],
            scale=P["leadership.casualty_scale"],
        ),
        setback_loss=np.where(state.at_war, setback, 0.0),
    )
    leader.approval = leadership.revert_approval(
        approval=leader.approval,
        baseline=target,
        reversion=P["leadership.approval_reversion"],
    )
    leader.legitimacy = leadership.legitimacy(
        approval=leader.approval,
        deal_legitimacy=state.deal.legitimacy,
        deal_active=state.deal.active,
        deal_weight=P["ratification.deal_weight_in_legitimacy"],
    )


def mobilization_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """6. This month's protest: the threshold cascade, or Epstein's lattice."""
    public = state.public
    if public.spatial is not None:
        # Epstein's citizens see the deal only through legitimacy; the month's protest is
        # the peak active share of its activation rounds.
        public.spatial, path = epstein.step(
            public.spatial, P.epstein, state.leader.legitimacy, P.epstein_steps
        )
        public.protest = path.active_share.max(axis=1)
    else:
        # a deal on the table or in force adds its shortfall to grievance
        public.protest = mobilization.protest_month(
            demand=public.demand,
            weights=P.weight,
            hardship=public.hardship,
            base_threshold=public.base_threshold,
            legitimacy=state.leader.legitimacy,
            deal_territory=state.deal.judged,
            gap_weight=P["mobilization.deal_gap_weight"],
            contested=state.deal.active | state.deal.signed_now,
        )
    public.peak_protest = np.maximum(public.peak_protest, public.protest)


def leadership_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """7. Removal by the hazard, the post-deal election, instability, repudiation; then the
    pressure to settle that next month's government feels."""
    leader, deal = state.leader, state.deal
    hazard = leadership.removal_hazard(
        protest=state.public.protest,
        approval=leader.approval,
        base_hazard=P["leadership.base_hazard"],
        protest_hazard=P["leadership.protest_hazard"],
        critical_protest=P["leadership.critical_protest"],
        steepness=P["leadership.protest_steepness"],
        approval_hazard=P["leadership.approval_hazard"],
        approval_floor=P["leadership.approval_floor"],
    )
    ousted = month.uniform[:, UNIFORM_REMOVAL] < hazard
    voted_out = leadership.election_due(
        deal_active=deal.active,
        election_delay=P["leadership.election_delay"],
        month=month.t,
        ceasefire_month=deal.ceasefire_month,
    ) & leadership.incumbent_loses_election(
        approval=leader.approval,
        noise_sd=P["leadership.election_noise"],
        shock=month.normal[:, NORMAL_ELECTION],
    )
    removed = ousted | voted_out
    first = removed & (leader.removed_month < 0)
    leader.removed_month = np.where(first, month.t, leader.removed_month)
    leader.removal_cause = np.where(first, np.where(ousted, 1, 2), leader.removal_cause).astype(
        np.int8
    )
    spell = leadership.instability_length(
        mean_months=P["leadership.instability_months"],
        uniform=month.uniform[:, UNIFORM_INSTABILITY],
    )
    leader.instability_left = np.where(
        ousted, np.maximum(leader.instability_left, spell), leader.instability_left
    )
    leader.approval = np.where(removed, P["leadership.approval_baseline"], leader.approval)
    leader.peak_approval = np.where(
        removed, leader.approval, np.maximum(leader.peak_approval, leader.approval)
    )
    leader.pressure = leadership.settlement_pressure(
        refusing=state.public.refusing,
        approval=leader.approval,
        peak_approval=leader.peak_approval,
        weariness_weight=P["leadership.pressure_weariness_weight"],
    )
    decides, deal.repudiated_now = leadership.successor_repudiates(
        removed=removed,
        deal_active=deal.active,
        successor_decided=deal.successor_decided,
        uniform=month.uniform[:, UNIFORM_REPUDIATION],
        repudiation_probability=P["leadership.repudiation_probability"],
    )
    deal.successor_decided |= decides


def invader_step(state: RunState, P: CompiledParameters, month: Month) -> None:
    """8. During a ceasefire the invader weighs renewed war; a repudiation ends the peace."""
    front, deal, t = state.front, state.deal, month.t
    in_ceasefire = (state.phase == CEASEFIRE) & ~deal.repudiated_now
    front.defender_effectiveness = defender_effectiveness(P, state.patrons.aid, state.unstable)
    p_invader = 1.0 - bargaining.win_probability(
        power=front.defender_effectiveness * front.defender_force,
        opposing_power=P["battlefield.stalemate_ratio"]
        * P["battlefield.invader_lethality"]
        * front.invader_force,
    )
    p_resume = _resumption_probability(state, P, p_invader)
    attacks = in_ceasefire & (month.uniform[:, UNIFORM_RESUME] < p_resume)
    resumes = attacks | deal.repudiated_now
    deal.war_resumed_month = np.where(
        resumes & (deal.war_resumed_month < 0), t, deal.war_resumed_month
    )
    deal.resumed_by_repudiation |= deal.repudiated_now & (deal.war_resumed_month == t)
    front.territory = np.where(
        attacks,
        battlefield.resumption_surge(
            territory=front.territory,
            surge=P["bargaining.resumption_surge"],
            p_invader=p_invader,
            floor=P["territory.floor"],
        ),
        front.territory,
    )
    state.phase = np.where(resumes, WAR, state.phase)
    deal.active &= ~resumes
    deal.vote_month = np.where(resumes, -1, deal.vote_month)  # no vote on a dead ceasefire
    state.patrons.relief = np.where(resumes, 0.0, state.patrons.relief)


def _resumption_probability(
    state: RunState, P: CompiledParameters, p_invader: FloatArray
) -> FloatArray:
    """The invader's monthly probability of resuming: its logit choice plus Powell's term."""
    front = state.front
    p_invader_next = bargaining.year_ahead_win_probability(
        defender_force=front.defender_force,
        invader_force=front.invader_force,
        defender_intake=P["battlefield.defender_recruitment"],
        invader_intake=state.patrons.invader_intake,
        defender_cap=defender_force_cap(state, P),
        invader_cap=P["battlefield.invader_force_cap"],
        defender_lethality=defender_effectiveness(P, state.patrons.aid, 0.0),
        invader_lethality=P["battlefield.invader_lethality"],
        stalemate_ratio=P["battlefield.stalemate_ratio"],
    )
    # Powell's stake is what a renewed war is fought over (the war aim), so costs are
    # expressed per unit of it.
    stake = np.maximum(P["bargaining.war_aim"], 1e-9)
    preventive = bargaining.shifting_power_war(
        p_now=p_invader,
        p_next=p_invader_next,
        discount=P["bargaining.discount"],
        cost_declining=P["bargaining.invader_war_cost"] / stake,
        cost_rising=P["bargaining.defender_war_cost"] / stake,
    )
    value = bargaining.renewed_war_value(
        p_invader=p_invader,
        war_aim=P["bargaining.war_aim"],
        emboldening=P["bargaining.emboldening"],
        ceded=state.deal.concession,
        war_cost=P["bargaining.invader_war_cost"],
        guarantee_cost=patrons.guarantee_expected_cost(
            credibility=_guarantee_credibility(P), cost=P["patrons.guarantee_cost"]
        ),
        sanctions_value=P["bargaining.sanctions_value"] * state.patrons.relief,
    )
    return bargaining.resumption_probability(
        war_value=value,
        temperature=P["bargaining.decision_noise"],
        max_hazard=P["bargaining.max_resumption_hazard"],
        preventive=preventive,
        preventive_hazard=P["bargaining.preventive_hazard"],
    )


def _guarantee_credibility(P: CompiledParameters) -> FloatArray:
    if P.deal is None:
        return P["policy.guarantee_credibility"]
    return deal_terms.guarantee_credibility(P.deal, P)


def close_month(state: RunState, P: CompiledParameters, month: Month) -> None:
    """The month's bookkeeping: an army cap demobilises, instability runs down, the minimum."""
    front, leader = state.front, state.leader
    front.defender_force = np.minimum(front.defender_force, defender_force_cap(state, P))
    leader.months_instability += leader.instability_left > 0
    leader.instability_left = np.maximum(leader.instability_left - 1, 0)
    front.territory_min = np.minimum(front.territory_min, front.territory)


MONTHLY_STEPS: tuple[Step, ...] = (
    patrons_step,
    battlefield_step,
    opinion_step,
    negotiation_step,
    legitimacy_step,
    mobilization_step,
    leadership_step,
    invader_step,
    close_month,
)
