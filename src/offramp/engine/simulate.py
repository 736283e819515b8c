"""The monthly loop: compose the mechanisms over an ensemble of runs.

Order within a month follows the op-ed's causal chain (DESIGN.md, section 2):

1. patrons: economic pressure, donor fatigue, aid, sanctions;
2. battlefield: Lanchester attrition, the line, casualties, recruitment;
3. opinion: war weariness, rallies, bounded-confidence influence;
4. negotiation and ratification at the policy's deal month;
5. legitimacy;
6. mobilization: the protest cascade;
7. leadership: removal, instability, elections, repudiation;
8. the invader's decision to resume war during a ceasefire;
9. record.

All state is held in arrays over runs (and runs x agents for the population). Randomness is
drawn per run from ``offramp.rng`` before the loop, so a run's path depends only on
(seed, run index) and on its parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from offramp.engine.parameters import CompiledParameters, compile_parameters
from offramp.engine.results import Results
from offramp.mechanisms import (
    bargaining,
    battlefield,
    epstein,
    leadership,
    mobilization,
    opinion,
    patrons,
    ratification,
)
from offramp.rng import run_generator
from offramp.scenario.schema import EpsteinSettings, Policy, Scenario

WAR, CEASEFIRE = 0, 1
DEAL_NONE, DEAL_CESSION, DEAL_ARMISTICE = 0, 1, 2

# Per-run random draws, in a fixed layout (changing it changes every result).
NORMAL_TERRITORY, NORMAL_PRICE, NORMAL_REFERENDUM, NORMAL_ELECTION = range(4)
UNIFORM_RALLY, UNIFORM_ACCEPT, UNIFORM_RESUME, UNIFORM_REMOVAL = range(4)
UNIFORM_INSTABILITY, UNIFORM_REPUDIATION = 4, 5
N_NORMAL, N_UNIFORM = 4, 6

TRAJECTORY_VARIABLES = (
    "territory",
    "phase",
    "protest",
    "approval",
    "legitimacy",
    "no_concessions",
    "defender_power",
    "invader_power",
    "aid",
    "casualties",
)


class Draws:
    """All random numbers of a set of runs, drawn run by run from their own streams."""

    def __init__(self, seed: int, runs: NDArray[np.int64], n_agents: int, horizon: int):
        sensitivity, hardship, threshold, normal, uniform = [], [], [], [], []
        for run in runs:
            rng = run_generator(seed, int(run))
            sensitivity.append(rng.standard_normal(n_agents))
            hardship.append(rng.random(n_agents))
            threshold.append(rng.standard_normal(n_agents))
            normal.append(rng.standard_normal((horizon, N_NORMAL)))
            uniform.append(rng.random((horizon, N_UNIFORM)))
        self.sensitivity = np.array(sensitivity)
        self.hardship = np.array(hardship)
        self.threshold = np.array(threshold)
        # month-major, so that draws[t] is a contiguous (runs, k) block
        self.normal = np.ascontiguousarray(np.array(normal).transpose(1, 0, 2))
        self.uniform = np.ascontiguousarray(np.array(uniform).transpose(1, 0, 2))


def simulate(
    scenario: Scenario,
    policy: str | Policy,
    runs: int | Sequence[int] | NDArray[np.int64] | None = None,
    seed: int | None = None,
    horizon: int | None = None,
    overrides: Mapping[str, NDArray[np.float64]] | None = None,
) -> Results:
    """Simulate ``runs`` runs of ``scenario`` under ``policy``.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (``offramp.load_scenario``).
    policy : str or Policy
        A policy name of the scenario, or a Policy.
    runs : int or sequence of int, optional
        Number of runs (indices 0..runs-1) or explicit global run indices; the
        scenario's ``runs`` by default. Run ``i``'s result depends only on (seed, i).
    seed : int, optional
        Master seed; the scenario's by default.
    horizon : int, optional
        Months to simulate; the scenario's ``horizon_months`` by default.
    overrides : mapping, optional
        Per-run parameter values by dotted path (see ``compile_parameters``).

    Returns
    -------
    Results
        ``.outcomes`` (one row per run) and ``.trajectories`` (run x month).
    """
    chosen = scenario.policy(policy) if isinstance(policy, str) else policy
    if runs is None:
        runs = scenario.runs
    run_index = np.arange(runs) if np.isscalar(runs) else np.asarray(runs, dtype=np.int64)
    seed = scenario.seed if seed is None else int(seed)
    horizon = scenario.horizon_months if horizon is None else int(horizon)
    params = compile_parameters(scenario, chosen, run_index, overrides)
    draws = Draws(seed, run_index, params.n_agents, horizon)
    return _run(params, draws, horizon, scenario=scenario, seed=seed)


def _run(
    P: CompiledParameters, draws: Draws, horizon: int, scenario: Scenario, seed: int
) -> Results:
    n = P.n_runs
    policy = P.policy
    weight = P.weight

    # --- state -------------------------------------------------------------------------
    territory = P["territory.held_share"].copy()
    defender_force = P["battlefield.defender_force"].copy()
    invader_force = P["battlefield.invader_force"].copy()
    phase = np.full(n, WAR)
    fatigue = np.zeros(n)
    pressure = np.zeros(n)
    approval = P["leadership.initial_approval"].copy()
    demand = np.broadcast_to(P.demand, (n, P.n_agents)).copy()
    order = np.broadcast_to(np.argsort(P.demand, kind="stable"), (n, P.n_agents)).copy()
    sensitivity = opinion.weariness_sensitivity(
        P["opinion.weariness_heterogeneity"][:, None], draws.sensitivity
    )
    best_territory = territory.copy()
    stalemate = np.zeros(n)
    hardship = P["mobilization.hardship"][:, None] * draws.hardship
    base_threshold = (
        P["mobilization.threshold_mean"][:, None]
        + P["mobilization.threshold_sd"][:, None] * draws.threshold
    )

    deal_kind = np.full(n, DEAL_NONE)
    deal_active = np.zeros(n, dtype=bool)
    deal_signed = np.zeros(n, dtype=bool)
    deal_ratified = np.zeros(n, dtype=bool)
    deal_offered = np.zeros(n, dtype=bool)
    deal_territory = np.ones(n)
    deal_judged = np.ones(n)
    deal_support_at_signing = np.full(n, np.nan)
    deal_legit = np.zeros(n)
    ceasefire_month = np.full(n, -1)
    relief = np.zeros(n)
    war_resumed_month = np.full(n, -1)
    resumed_by_repudiation = np.zeros(n, dtype=bool)
    successor_decided = np.zeros(n, dtype=bool)
    leader_removed_month = np.full(n, -1)
    removal_cause = np.zeros(n, dtype=np.int8)  # 0 none, 1 hazard, 2 election
    instability_left = np.zeros(n)
    months_instability = np.zeros(n)
    months_at_war = np.zeros(n)
    territory_min = territory.copy()
    peak_protest = np.zeros(n)
    casualties_defender = np.zeros(n)
    casualties_invader = np.zeros(n)

    record = {name: np.empty((n, horizon + 1)) for name in TRAJECTORY_VARIABLES}

    spatial, spatial_settings, spatial_steps = None, None, 0
    if scenario.mobilization.model == "epstein":
        settings = scenario.mobilization.epstein
        spatial_settings = epstein_parameters(settings)
        spatial_steps = settings.steps_per_month
        spatial = epstein.init_state(spatial_settings, seed=seed, runs=P.runs)

    d_lethality = P["battlefield.defender_lethality"]
    a_lethality = P["battlefield.invader_lethality"]
    is_deal_policy = policy.kind != "fight-on"
    recognition = policy.kind == "land-for-peace"
    rule = P.cession_rule if recognition else P.armistice_rule
    instability = np.zeros(n)

    def defender_eff(aid: NDArray[np.float64], unstable: NDArray[np.float64]) -> NDArray:
        return battlefield.defender_effectiveness(
            d_lethality,
            aid,
            P["battlefield.aid_dependence"],
            unstable,
            P["leadership.instability_penalty"],
        )

    aid = patrons.aid_level(
        P["patrons.aid_level"], P["policy.aid_level"], fatigue, True, P["patrons.peace_aid_level"]
    )
    protest = np.zeros(n)
    legit = approval.copy()
    _record(
        record,
        0,
        territory,
        phase,
        protest,
        approval,
        legit,
        opinion.refusing_share(demand, weight),
        defender_eff(aid, instability) * defender_force,
        a_lethality * invader_force,
        aid,
        casualties_defender + casualties_invader,
    )

    for t in range(horizon):
        normal = draws.normal[t]
        uniform = draws.uniform[t]
        at_war = phase == WAR
        instability = (instability_left > 0).astype(float)

        # 1. patrons
        pressure = patrons.economic_pressure(
            pressure,
            P["patrons.price_persistence"],
            P["patrons.price_volatility"],
            normal[:, NORMAL_PRICE],
        )
        fatigue = patrons.accumulate_fatigue(
            fatigue, at_war, P["patrons.fatigue_per_year"], P["patrons.price_sensitivity"], pressure
        )
        aid = patrons.aid_level(
            P["patrons.aid_level"],
            P["policy.aid_level"],
            fatigue,
            at_war,
            P["patrons.peace_aid_level"],
        )
        invader_intake = patrons.sanctioned_intake(
            P["battlefield.invader_recruitment"], P["patrons.sanctions"], relief
        )

        # 2. battlefield
        d_eff = defender_eff(aid, instability)
        new_defender, new_invader = battlefield.lanchester_square(
            defender_force, invader_force, d_eff, a_lethality
        )
        lost_defender = np.where(at_war, defender_force - new_defender, 0.0)
        lost_invader = np.where(at_war, invader_force - new_invader, 0.0)
        defender_force = defender_force - lost_defender
        invader_force = invader_force - lost_invader
        ratio = battlefield.effective_force_ratio(defender_force, invader_force, d_eff, a_lethality)
        moved = battlefield.territory_drift(
            territory,
            ratio,
            P["battlefield.stalemate_ratio"],
            P["battlefield.territory_sensitivity"],
            P["battlefield.territory_noise"],
            normal[:, NORMAL_TERRITORY],
            P["territory.floor"],
        )
        territory = np.where(at_war, moved, territory)
        defender_force = battlefield.recruit(
            defender_force,
            P["battlefield.defender_recruitment"],
            P["battlefield.defender_force_cap"],
        )
        invader_force = battlefield.recruit(
            invader_force, invader_intake, P["battlefield.invader_force_cap"]
        )
        casualties_defender += 1000.0 * lost_defender
        casualties_invader += 1000.0 * lost_invader
        months_at_war += at_war

        # 3. opinion (weariness follows the months of stalemate when opinion.stalemate_lag > 0)
        new_stalemate, new_best, gain = opinion.update_stalemate(
            stalemate, best_territory, territory
        )
        stalemate = np.where(at_war, new_stalemate, stalemate)
        best_territory = np.where(at_war, new_best, best_territory)
        weariness = opinion.stalemate_weariness(
            P["opinion.weariness"], stalemate, P["opinion.stalemate_lag"]
        )
        rally = at_war & (uniform[:, UNIFORM_RALLY] < P["opinion.rally_probability"])
        shift = P["opinion.rally_size"] * rally + P["opinion.peace_recovery"] * ~at_war
        shift = shift + P["opinion.success_rally"] * gain * at_war
        demand, order, refusing = opinion.opinion_month(
            demand,
            order,
            weight,
            sensitivity,
            weariness * at_war,
            shift,
            P["opinion.confidence"],
            P["opinion.influence"],
        )

        # 4. negotiation and ratification
        signing_now = np.zeros(n, dtype=bool)
        if is_deal_policy:
            offer = at_war & ~deal_offered & (t >= P["policy.deal_month"])
            if offer.any():
                deal_offered |= offer
                p_defender = bargaining.win_probability(
                    d_eff * defender_force,
                    P["battlefield.stalemate_ratio"] * a_lethality * invader_force,
                )
                invader_share = 1.0 - territory
                expected_war_share = invader_share + (1.0 - p_defender) * P["bargaining.war_aim"]
                p_accept = bargaining.accepts_deal(
                    invader_share,
                    expected_war_share,
                    P["bargaining.invader_war_cost"],
                    P["bargaining.decision_noise"],
                )
                signing_now = offer & (uniform[:, UNIFORM_ACCEPT] < p_accept)
                judged = ratification.judged_territory(
                    territory, recognition, P["ratification.armistice_leniency"]
                )
                reservation = opinion.reservation_point(demand)
                support = ratification.deal_support(reservation, weight, judged)
                passed = ratification.ratified(
                    support,
                    rule,
                    P["ratification.referendum_noise"] * normal[:, NORMAL_REFERENDUM],
                    P["ratification.parliament_bias"],
                )
                in_force = signing_now & passed
                deal_signed |= signing_now
                deal_ratified |= in_force
                deal_support_at_signing = np.where(signing_now, support, deal_support_at_signing)
                approval = np.where(
                    signing_now,
                    ratification.approval_after_signing(
                        approval, support, P["ratification.audience_cost"]
                    ),
                    approval,
                )
                deal_territory = np.where(signing_now, territory, deal_territory)
                deal_judged = np.where(signing_now, judged, deal_judged)
                deal_legit = np.where(
                    in_force,
                    ratification.deal_legitimacy(
                        support, rule == "referendum", P["ratification.procedural_legitimacy"]
                    ),
                    deal_legit,
                )
                deal_kind = np.where(
                    in_force, DEAL_CESSION if recognition else DEAL_ARMISTICE, deal_kind
                )
                deal_active |= in_force
                phase = np.where(in_force, CEASEFIRE, phase)
                ceasefire_month = np.where(in_force, t, ceasefire_month)
                relief = np.where(in_force, P["policy.sanctions_relief"], relief)

        # 5. legitimacy
        approval = leadership.revert_approval(
            approval, P["leadership.approval_baseline"], P["leadership.approval_reversion"]
        )
        legit = leadership.legitimacy(
            approval, deal_legit, deal_active, P["ratification.deal_weight_in_legitimacy"]
        )

        # 6. mobilization: a deal on the table or in force adds its shortfall to grievance
        if spatial is not None:
            # Epstein's citizens see the deal only through legitimacy; the month's protest is
            # the peak active share of its activation rounds.
            spatial, path = epstein.step(spatial, spatial_settings, legit, spatial_steps)
            protest = path.active_share.max(axis=1)
        else:
            contested = deal_active | signing_now
            protest = mobilization.protest_month(
                demand,
                weight,
                hardship,
                base_threshold,
                legit,
                deal_judged,
                P["mobilization.deal_gap_weight"],
                contested,
            )
        peak_protest = np.maximum(peak_protest, protest)

        # 7. leadership
        hazard = leadership.removal_hazard(
            protest,
            approval,
            P["leadership.base_hazard"],
            P["leadership.protest_hazard"],
            P["leadership.critical_protest"],
            P["leadership.protest_steepness"],
            P["leadership.approval_hazard"],
            P["leadership.approval_floor"],
        )
        ousted = uniform[:, UNIFORM_REMOVAL] < hazard
        election_due = (
            deal_active
            & (P["leadership.election_delay"] > 0)
            & (t == ceasefire_month + P["leadership.election_delay"])
        )
        voted_out = election_due & leadership.incumbent_loses_election(
            approval, P["leadership.election_noise"], normal[:, NORMAL_ELECTION]
        )
        removed = ousted | voted_out
        first = removed & (leader_removed_month < 0)
        leader_removed_month = np.where(first, t, leader_removed_month)
        removal_cause = np.where(first, np.where(ousted, 1, 2), removal_cause).astype(np.int8)
        spell = leadership.instability_length(
            P["leadership.instability_months"], uniform[:, UNIFORM_INSTABILITY]
        )
        instability_left = np.where(ousted, np.maximum(instability_left, spell), instability_left)
        approval = np.where(removed, P["leadership.approval_baseline"], approval)
        # The first successor after a deal decides once whether to keep it; a deal kept by
        # a successor is no longer one leader's personal concession.
        successor_decides = removed & deal_active & ~successor_decided
        successor_decided |= successor_decides
        repudiated = successor_decides & (
            uniform[:, UNIFORM_REPUDIATION] < P["leadership.repudiation_probability"]
        )

        # 8. the invader's decision during a ceasefire
        in_ceasefire = (phase == CEASEFIRE) & ~repudiated
        unstable_now = (instability_left > 0).astype(float)
        d_eff_now = defender_eff(aid, unstable_now)
        p_defender = bargaining.win_probability(
            d_eff_now * defender_force,
            P["battlefield.stalemate_ratio"] * a_lethality * invader_force,
        )
        p_invader = 1.0 - p_defender
        p_invader_next = _invader_win_probability_in_a_year(
            P, defender_force, invader_force, invader_intake, aid, d_eff_now
        )
        # Powell's stake is what a renewed war is fought over (the war aim), so costs are
        # expressed per unit of it.
        stake = np.maximum(P["bargaining.war_aim"], 1e-9)
        preventive = bargaining.shifting_power_war(
            p_invader,
            p_invader_next,
            P["bargaining.discount"],
            P["bargaining.invader_war_cost"] / stake,
            P["bargaining.defender_war_cost"] / stake,
        )
        value = bargaining.renewed_war_value(
            p_invader,
            P["bargaining.war_aim"],
            P["bargaining.emboldening"],
            deal_kind == DEAL_CESSION,
            P["bargaining.invader_war_cost"],
            patrons.guarantee_expected_cost(
                P["policy.guarantee_credibility"], P["patrons.guarantee_cost"]
            ),
            P["bargaining.sanctions_value"] * relief,
        )
        p_resume = bargaining.resumption_probability(
            value,
            P["bargaining.decision_noise"],
            P["bargaining.max_resumption_hazard"],
            preventive,
            P["bargaining.preventive_hazard"],
        )
        attacks = in_ceasefire & (uniform[:, UNIFORM_RESUME] < p_resume)
        resumes = attacks | repudiated
        war_resumed_month = np.where(resumes & (war_resumed_month < 0), t, war_resumed_month)
        resumed_by_repudiation |= repudiated & (war_resumed_month == t)
        territory = np.where(
            attacks,
            np.maximum(
                territory - P["bargaining.resumption_surge"] * p_invader, P["territory.floor"]
            ),
            territory,
        )
        phase = np.where(resumes, WAR, phase)
        deal_active &= ~resumes
        relief = np.where(resumes, 0.0, relief)

        months_instability += instability_left > 0
        instability_left = np.maximum(instability_left - 1, 0)
        territory_min = np.minimum(territory_min, territory)

        # 9. record
        _record(
            record,
            t + 1,
            territory,
            phase,
            protest,
            approval,
            legit,
            refusing,
            d_eff_now * defender_force,
            a_lethality * invader_force,
            aid,
            casualties_defender + casualties_invader,
        )

    civilian = P["battlefield.civilian_ratio"] * casualties_defender
    outcomes = {
        "run": P.runs,
        "territory_at_horizon": territory,
        "territory_min": territory_min,
        "months_at_war": months_at_war,
        "casualties_defender_military": casualties_defender,
        "casualties_invader_military": casualties_invader,
        "casualties_civilian": civilian,
        "casualties": casualties_defender + casualties_invader + civilian,
        "deal_signed": deal_signed,
        "deal_support": deal_support_at_signing,
        "deal_territory": np.where(deal_signed, deal_territory, np.nan),
        "deal_ratified": deal_ratified,
        "ceasefire_month": _missing_as_nan(ceasefire_month),
        "war_resumed": war_resumed_month >= 0,
        "war_resumed_month": _missing_as_nan(war_resumed_month),
        "peace_months": _peace_months(ceasefire_month, war_resumed_month, horizon),
        "war_resumed_60m": (war_resumed_month >= 0)
        & (war_resumed_month - ceasefire_month < 60)
        & (ceasefire_month >= 0),
        "resumed_by_repudiation": resumed_by_repudiation,
        "leader_removed": leader_removed_month >= 0,
        "leader_removed_month": _missing_as_nan(leader_removed_month),
        "removal_cause": np.array(["", "hazard", "election"])[removal_cause],
        "peak_protest": peak_protest,
        "months_instability": months_instability,
    }
    return Results(
        outcomes=outcomes,
        trajectories=record,
        policy=policy.name,
        scenario=scenario,
        seed=seed,
        horizon=horizon,
    )


def epstein_parameters(settings: EpsteinSettings) -> epstein.EpsteinParameters:
    """The spatial protest model's parameters from a scenario's ``[mobilization.epstein]``."""
    return epstein.EpsteinParameters(
        width=settings.grid,
        height=settings.grid,
        citizen_density=settings.citizen_density,
        cop_density=settings.cop_density,
        vision=settings.vision,
        k=settings.k,
        threshold=settings.threshold,
        max_jail_term=settings.max_jail_term,
        rounding=settings.rounding,
        neighbourhood=settings.neighbourhood,
        jailed_keep_cell=settings.jailed_keep_cell,
    )


def _invader_win_probability_in_a_year(
    P: CompiledParameters,
    defender_force: NDArray[np.float64],
    invader_force: NDArray[np.float64],
    invader_intake: NDArray[np.float64],
    aid: NDArray[np.float64],
    d_eff_now: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The invader's probability of winning in twelve months if peace holds.

    Both sides recruit towards their caps and any instability has ended: the shift of power
    that Powell's commitment problem is about.
    """
    defender_next = np.minimum(
        defender_force + 12 * P["battlefield.defender_recruitment"],
        np.maximum(defender_force, P["battlefield.defender_force_cap"]),
    )
    invader_next = np.minimum(
        invader_force + 12 * invader_intake,
        np.maximum(invader_force, P["battlefield.invader_force_cap"]),
    )
    d_eff_next = battlefield.defender_effectiveness(
        P["battlefield.defender_lethality"],
        aid,
        P["battlefield.aid_dependence"],
        0.0,
        P["leadership.instability_penalty"],
    )
    p_defender = bargaining.win_probability(
        d_eff_next * defender_next,
        P["battlefield.stalemate_ratio"] * P["battlefield.invader_lethality"] * invader_next,
    )
    return 1.0 - p_defender


def _record(
    record: dict[str, NDArray[np.float64]],
    t: int,
    territory: NDArray[np.float64],
    phase: NDArray[np.int64],
    protest: NDArray[np.float64],
    approval: NDArray[np.float64],
    legit: NDArray[np.float64],
    refusing: NDArray[np.float64],
    defender_power: NDArray[np.float64],
    invader_power: NDArray[np.float64],
    aid: NDArray[np.float64],
    casualties: NDArray[np.float64],
) -> None:
    record["territory"][:, t] = territory
    record["phase"][:, t] = phase
    record["protest"][:, t] = protest
    record["approval"][:, t] = approval
    record["legitimacy"][:, t] = legit
    record["no_concessions"][:, t] = refusing
    record["defender_power"][:, t] = defender_power
    record["invader_power"][:, t] = invader_power
    record["aid"][:, t] = aid
    record["casualties"][:, t] = casualties


def _missing_as_nan(months: NDArray[np.int64]) -> NDArray[np.float64]:
    return np.where(months >= 0, months.astype(float), np.nan)


def _peace_months(ceasefire: NDArray, resumed: NDArray, horizon: int) -> NDArray[np.float64]:
    """Months the first ceasefire lasted (censored at the horizon); NaN without a ceasefire."""
    end = np.where(resumed >= 0, resumed, horizon)
    return np.where(ceasefire >= 0, (end - ceasefire).astype(float), np.nan)
