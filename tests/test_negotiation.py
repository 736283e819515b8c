"""Negotiation as it happens: deals as terms, schedules, a government that chooses, an
invader that bargains, and guarantees and emboldening where their authors say they matter."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from offramp import simulate
from offramp.cli.main import app
from offramp.engine import steps
from offramp.engine.deal_terms import compile_deal
from offramp.engine.simulate import simulate_state
from offramp.mechanisms import bargaining
from offramp.scenario.schema import Policy, Scenario

unit = st.floats(0.0, 1.0)


def _policy(ukraine: Scenario, **fields) -> Policy:
    base = {"name": "test", "kind": "armistice", "deal_month": 1}
    return Policy(**(base | fields))


@pytest.fixture(scope="module")
def ceasefire(ukraine):
    """Runs under an armistice in force (decree), after two years, with their parameters."""
    state, P = simulate_state(ukraine, _policy(ukraine), runs=40, seed=11, horizon=24)
    return state, P


def _hazard(state, P, **values) -> np.ndarray:
    P = dataclasses.replace(P, values={**P.values, **values})
    p_invader = np.full(P.n_runs, 0.5)
    return steps._resumption_probability(state, P, p_invader)


@given(low=unit, high=unit)
def test_more_credible_guarantees_never_raise_the_resumption_hazard(ceasefire, low, high):
    state, P = ceasefire
    low, high = min(low, high), max(low, high)
    n = P.n_runs
    weak = _hazard(state, P, **{"policy.guarantee_credibility": np.full(n, low)})
    strong = _hazard(state, P, **{"policy.guarantee_credibility": np.full(n, high)})
    assert (strong <= weak).all()


def test_a_reassurance_force_never_raises_the_resumption_hazard(ukraine, ceasefire):
    state, P = ceasefire
    deal = ukraine.deal("armistice-with-guarantees")
    terms = compile_deal(ukraine, _policy(ukraine, kind="deal", deal=deal.name))
    without = dataclasses.replace(P, deal=terms)
    with_troops = dataclasses.replace(P, deal=dataclasses.replace(terms, foreign_troops=True))
    p_invader = np.full(P.n_runs, 0.5)
    assert (
        steps._resumption_probability(state, with_troops, p_invader)
        <= steps._resumption_probability(state, without, p_invader)
    ).all()


@given(small=unit, large=unit, emboldening=st.floats(0.0, 5.0), p=unit)
def test_a_larger_concession_never_lowers_the_value_of_renewed_war(small, large, emboldening, p):
    small, large = min(small, large), max(small, large)
    common = dict(p_invader=p, war_aim=0.25, emboldening=emboldening, war_cost=0.06)
    common |= dict(guarantee_cost=0.1, sanctions_value=0.02)
    assert bargaining.renewed_war_value(ceded=large, **common) >= bargaining.renewed_war_value(
        ceded=small, **common
    )


@given(territory=st.floats(0.5, 0.95))
def test_recognising_more_is_a_larger_concession(ukraine, territory):
    armistice = compile_deal(ukraine, _policy(ukraine, kind="armistice"))
    cession = compile_deal(ukraine, _policy(ukraine, kind="land-for-peace"))
    x = np.array([territory])
    assert armistice.concession(x)[0] == 0.0
    assert cession.concession(x)[0] == pytest.approx(1.0)


def test_the_invader_values_recognition_at_the_table(ukraine):
    """Fearon's range with recognition worth something: a cession is signed more often."""
    kw = dict(runs=300, seed=5, horizon=3)
    freeze = simulate(ukraine, _policy(ukraine, ratification="decree"), **kw).outcomes
    cession = simulate(
        ukraine, _policy(ukraine, kind="land-for-peace", ratification="decree"), **kw
    ).outcomes
    assert cession["deal_signed"].mean() > freeze["deal_signed"].mean()


def test_the_government_does_not_sign_what_the_referendum_would_reject(ukraine):
    """August 2022: a cession put to a referendum fails; the government declines to sign."""
    out = simulate(ukraine, _policy(ukraine, kind="land-for-peace"), runs=200, seed=2, horizon=3)
    outcomes = out.outcomes
    assert not outcomes["deal_signed"].any()
    assert outcomes["deal_declined"].mean() > 0.5


def test_a_patron_can_push_the_government_into_signing(ukraine):
    pushed = _policy(ukraine, kind="land-for-peace", aid_cut_if_refused=1.0)
    plain = _policy(ukraine, kind="land-for-peace")
    kw = dict(runs=200, seed=2, horizon=3)
    assert (
        simulate(ukraine, pushed, **kw).outcomes["deal_signed"].mean()
        > simulate(ukraine, plain, **kw).outcomes["deal_signed"].mean()
    )


def test_a_deal_is_offered_again_on_its_schedule(ukraine):
    once = _policy(ukraine, kind="land-for-peace")
    again = _policy(ukraine, kind="land-for-peace", offer_every=6, last_offer=25)
    kw = dict(runs=50, seed=3, horizon=36)
    assert (simulate(ukraine, once, **kw).outcomes["deal_offers"] <= 1).all()
    offers = simulate(ukraine, again, **kw).outcomes["deal_offers"]
    # months 1, 7, 13, 19 and 25 while no deal is in force
    assert offers.max() == 5


def test_an_offer_can_wait_for_the_public(ukraine):
    waiting = _policy(ukraine, kind="land-for-peace", offer_every=1, offer_if_support_at_least=0.9)
    out = simulate(ukraine, waiting, runs=50, seed=3, horizon=12).outcomes
    assert (out["deal_offers"] == 0).all()


def test_the_first_offer_may_be_a_calendar_month(ukraine):
    policy = _policy(ukraine, offer_from="2023-07")
    assert policy.first_offer(ukraine.meta.start) == 12


def test_a_vote_after_a_ceasefire_can_end_it(ukraine):
    deal = {
        "name": "cession-vote-later",
        "territory": {"recognized_de_jure": ["all-occupied"]},
        "process": {"ratification": "referendum", "ceasefire_days_before_vote": 90},
    }
    scenario = ukraine.model_copy(update={"deals": [*ukraine.deals, deal]})
    policy = _policy(
        ukraine, kind="deal", deal="cession-vote-later", aid_cut_if_refused=1.0
    ).model_copy(update={"name": "vote-later"})
    out = simulate(scenario, policy, runs=200, seed=4, horizon=12).outcomes
    signed = out["deal_signed"]
    assert signed.any()
    # the ceasefire starts at signing; the vote three months later fails at 2022 opinion
    assert (out.loc[signed, "ceasefire_month"] >= 1).all()
    rejected = signed & ~out["deal_ratified"]
    assert rejected.any()
    # a rejected deal ended with the vote, or earlier if the invader struck first
    gap = out.loc[rejected, "war_resumed_month"] - out.loc[rejected, "ceasefire_month"]
    assert (gap <= 3).all() and (gap == 3).any()


runner = CliRunner()


def test_poll_answers_as_a_survey_would(tmp_path):
    result = runner.invoke(
        app,
        [
            "poll",
            "ukraine-2022",
            "--question",
            "no-concessions",
            "--month",
            "2023-07",
            "--runs",
            "20",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["month"] == "2023-07"
    for key in ("accept", "reject", "undecided"):
        assert 0 <= answer[key]["p05"] <= answer[key]["median"] <= answer[key]["p95"] <= 1
    total = sum(answer[key]["median"] for key in ("accept", "reject", "undecided"))
    assert total == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(
    "ask", [["--question", "no-concessions"], ["--deal", "european-plan-may-2025"]]
)
def test_a_poll_words_its_answers_as_the_registry_does(ask):
    from offramp.outcomes import POLL_ANSWERS

    base = ["poll", "ukraine-2025", *ask, "--month", "2025-06", "--runs", "20"]
    answer = json.loads(runner.invoke(app, [*base, "--json"]).output)
    assert answer["answers"] == POLL_ANSWERS[answer["question"]]
    table = runner.invoke(app, base, env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    for label in POLL_ANSWERS[answer["question"]].values():
        assert label in table.output


def test_window_reports_each_offer_month():
    result = runner.invoke(
        app,
        [
            "window",
            "ukraine-2022",
            "--deal",
            "cession-with-guarantees",
            "--months",
            "0:12:6",
            "--runs",
            "20",
            "--horizon",
            "24",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    window = json.loads(result.output)
    assert [row["offer_month"] for row in window["offers"]] == ["2022-07", "2023-01", "2023-07"]
    for row in window["offers"]:
        assert 0 <= row["p_deal_in_force"] <= row["p_deal_signed"] + 1e-12 <= 1 + 1e-12
        assert set(row["territory_fight_on"]) == {"median"}


@pytest.mark.parametrize(
    "args",
    [
        ["poll", "ukraine-2022", "--month", "2023-07"],
        ["poll", "ukraine-2022", "--question", "yes", "--month", "2023-07"],
        ["poll", "ukraine-2022", "--question", "no-concessions", "--month", "2021-01"],
        ["poll", "ukraine-2022", "--question", "no-concessions", "--month", "2023-13"],
        ["window", "ukraine-2022", "--deal", "no-such-deal"],
        ["window", "ukraine-2022", "--deal", "donetsk-handover", "--months", "9:3"],
        ["run", "--deal-month", "1999-01", "--runs", "5"],
    ],
)
def test_bad_negotiation_input_exits_2_naming_the_field(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
