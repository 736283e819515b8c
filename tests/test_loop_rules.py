"""Rules that once lived only inside the monthly loop, now named mechanism functions.

Each is checked against the result its source states or a hand computation: the invader's
expected share of a war (Fearon's p on the invader's side), Powell's year-ahead shift of
power, the resumption surge, the post-deal election and a successor's repudiation.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import typing
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from offramp.engine import steps
from offramp.mechanisms import bargaining, battlefield, leadership
from offramp.scenario import schema

unit = st.floats(0.0, 1.0)


def test_expected_war_share_adds_the_war_aim_won_with_the_invaders_chance() -> None:
    # holds 20%, wins with probability 1 - 0.6 = 0.4, fights for 30% more: 0.2 + 0.4 * 0.3
    assert bargaining.expected_war_share(
        invader_share=0.2, p_defender=0.6, war_aim=0.3
    ) == pytest.approx(0.32)


@given(share=unit, p=unit, aim=unit, cost=st.floats(0.0, 0.5))
def test_a_deal_at_the_edge_of_fearons_range_is_a_coin_toss(share, p, aim, cost) -> None:
    expected = bargaining.expected_war_share(invader_share=share, p_defender=p, war_aim=aim)
    # the invader is offered exactly its expected war share less its cost of war
    offered = expected - cost
    p_accept = bargaining.accepts_deal(
        share_offered=offered, expected_war_share=expected, war_cost=cost, temperature=0.05
    )
    assert p_accept == pytest.approx(0.5)


def test_projected_force_recruits_to_the_cap_and_never_demobilises() -> None:
    force = battlefield.projected_force(
        force=np.array([100.0, 100.0, 300.0]), intake=5.0, cap=200.0, months=12
    )
    np.testing.assert_allclose(force, [160.0, 160.0, 300.0])
    assert battlefield.projected_force(force=190.0, intake=5.0, cap=200.0, months=12) == 200.0


def _year_ahead(defender_intake: float, invader_intake: float) -> float:
    return float(
        bargaining.year_ahead_win_probability(
            defender_force=100.0,
            invader_force=100.0,
            defender_intake=defender_intake,
            invader_intake=invader_intake,
            defender_cap=1000.0,
            invader_cap=1000.0,
            defender_lethality=0.1,
            invader_lethality=0.1,
            stalemate_ratio=1.0,
        )
    )


def test_year_ahead_forecast_is_todays_chance_when_nobody_recruits() -> None:
    assert _year_ahead(0.0, 0.0) == pytest.approx(0.5)


def test_year_ahead_forecast_by_hand() -> None:
    # defender 100 + 12 * 5 = 160, invader 100 + 12 * 10 = 220: p_I = 220 / 380
    assert _year_ahead(5.0, 10.0) == pytest.approx(220.0 / 380.0)


def test_a_defender_rearming_fast_makes_powells_condition_bite() -> None:
    """Powell 2006: a large, rapid shift against the invader leaves no peaceful division."""
    p_now = 0.5
    p_next = _year_ahead(defender_intake=40.0, invader_intake=0.0)
    assert p_next < 0.2
    war = bargaining.shifting_power_war(
        p_now=p_now, p_next=p_next, discount=0.9, cost_declining=0.05, cost_rising=0.05
    )
    small = bargaining.shifting_power_war(
        p_now=p_now,
        p_next=_year_ahead(defender_intake=0.5, invader_intake=0.0),
        discount=0.9,
        cost_declining=0.05,
        cost_rising=0.05,
    )
    assert bool(war) and not bool(small)


@given(territory=unit, surge=st.floats(0.0, 0.5), p=unit, floor=st.floats(0.0, 0.5))
def test_resumption_surge_takes_land_in_proportion_and_respects_the_floor(
    territory, surge, p, floor
) -> None:
    after = battlefield.resumption_surge(territory=territory, surge=surge, p_invader=p, floor=floor)
    assert after >= floor
    assert after <= max(territory, floor)
    if territory - surge * p >= floor:
        assert after == territory - surge * p


def test_the_postponed_election_falls_delay_months_after_the_deal() -> None:
    active = np.array([True, True, False, True])
    ceasefire = np.array([3, 4, 3, 3])
    delay = np.array([6.0, 6.0, 6.0, 0.0])
    due = leadership.election_due(
        deal_active=active, election_delay=delay, month=9, ceasefire_month=ceasefire
    )
    # in force and 9 = 3 + 6; too early; no deal in force; no election (delay 0)
    np.testing.assert_array_equal(due, [True, False, False, False])


def test_only_the_first_successor_after_a_deal_decides() -> None:
    removed = np.array([True, True, True, False])
    active = np.array([True, True, False, True])
    decided = np.array([False, True, False, False])
    decides, repudiates = leadership.successor_repudiates(
        removed=removed,
        deal_active=active,
        successor_decided=decided,
        uniform=np.array([0.1, 0.1, 0.1, 0.1]),
        repudiation_probability=0.5,
    )
    np.testing.assert_array_equal(decides, [True, False, False, False])
    np.testing.assert_array_equal(repudiates, [True, False, False, False])


def test_repudiation_happens_with_its_probability() -> None:
    n = 10_000
    u = (np.arange(n) + 0.5) / n  # an exact uniform grid
    _, repudiates = leadership.successor_repudiates(
        removed=np.ones(n, bool),
        deal_active=np.ones(n, bool),
        successor_decided=np.zeros(n, bool),
        uniform=u,
        repudiation_probability=0.3,
    )
    assert repudiates.mean() == 0.3


def test_the_loop_runs_the_steps_in_the_causal_order() -> None:
    names = [step.__name__ for step in steps.MONTHLY_STEPS]
    assert names == [
        "patrons_step",
        "battlefield_step",
        "opinion_step",
        "negotiation_step",
        "legitimacy_step",
        "mobilization_step",
        "leadership_step",
        "invader_step",
        "close_month",
    ]
    module = importlib.import_module("offramp.engine.simulate")
    documented = [line.split("``")[1] for line in module.__doc__.splitlines() if "_step``" in line]
    assert documented == names[:-1]


def test_no_engine_function_is_longer_than_a_reader_can_hold() -> None:
    engine = Path(inspect.getfile(steps)).parent
    for path in engine.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 80, f"{path.name}:{node.lineno} {node.name} has {length} lines"


def test_no_policy_kind_is_compared_as_a_string_outside_the_schema() -> None:
    # A policy is asked what it is (offers_deal, names_deal, recognises_cession,
    # ratification_rule); comparing its kind by name elsewhere is how adding a kind used to
    # mean editing seven files.
    kinds = set(typing.get_args(schema.PolicyKind))
    package = Path(inspect.getfile(schema)).parents[1]

    def kind_names(node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value} & kinds
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return set().union(*(kind_names(e) for e in node.elts))
        return set()

    def is_kind(node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "kind") or (
            isinstance(node, ast.Name) and node.id == "kind"
        )

    found = []
    for path in package.rglob("*.py"):
        if path == Path(inspect.getfile(schema)):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                names = set().union(*(kind_names(e) for e in operands))
                if names and any(is_kind(e) for e in operands):
                    found.append(f"{path.relative_to(package)}:{node.lineno} {sorted(names)}")
    assert not found, "policy kinds compared by name: " + "; ".join(found)


def test_a_fight_on_policys_deal_levers_change_nothing(ukraine) -> None:
    # lever_applies says which levers a policy without a deal ignores (the report writes
    # n/a for them): moving every one of them must leave its runs exactly as they were.
    from offramp import simulate
    from offramp.scenario.catalogue import per_run_parameters

    fight_on = ukraine.fight_on_policy()
    ignored = [
        e.name
        for e in per_run_parameters(ukraine)
        if e.section == "policy" and not fight_on.lever_applies(e.name)
    ]
    assert "deal_month" in ignored and "aid_level" not in ignored
    moved = fight_on.model_copy(
        update={"deal_month": 7, "offer_every": 3, "last_offer": 30, "aid_cut_if_refused": 0.5}
        | {"guarantee_credibility": 0.9, "sanctions_relief": 1.0}
    )
    assert set(ignored) == {"deal_month", "offer_every", "last_offer"} | {
        "aid_cut_if_refused",
        "guarantee_credibility",
        "sanctions_relief",
    }
    plain = simulate(ukraine, fight_on, runs=20, horizon=24).outcomes
    shifted = simulate(ukraine, moved, runs=20, horizon=24).outcomes
    assert plain.equals(shifted)
