"""Why ceasefires ended: the invader's choice, a successor's repudiation, a rejected vote."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from offramp.analysis.summary import resumption_causes, summarize_outcomes
from offramp.outcomes import RESUMPTION_CAUSES

NAN = np.nan


def _outcomes(rows: list[tuple]) -> pd.DataFrame:
    columns = (
        "war_resumed",
        "resumed_by_repudiation",
        "deal_ratified",
        "ceasefire_month",
        "war_resumed_month",
    )
    return pd.DataFrame(rows, columns=columns)


# resumed, repudiated, ratified, ceasefire month, resumed month
RUNS = [
    (True, False, True, 10, 30),  # the invader attacked a ratified peace
    (True, True, True, 10, 14),  # a successor repudiated it
    (True, False, False, 10, 13),  # the vote 3 months after the ceasefire rejected it
    (True, False, False, 10, 12),  # the invader attacked before the vote
    (False, False, True, 10, NAN),  # holds
    (False, False, False, NAN, NAN),  # never a ceasefire
]


def test_each_resumption_has_one_cause():
    causes = resumption_causes(_outcomes(RUNS), vote_delay_months=3)
    assert causes == {
        "resumptions": 4,
        "invader": 0.5,
        "repudiation": 0.25,
        "rejected_vote": 0.25,
    }
    assert list(causes)[1:] == list(RESUMPTION_CAUSES)


def test_without_a_deferred_vote_no_vote_ends_a_ceasefire():
    causes = resumption_causes(_outcomes(RUNS), vote_delay_months=0)
    assert causes["rejected_vote"] == 0.0
    assert causes["invader"] == pytest.approx(0.75)


def test_no_resumption_gives_no_shares():
    causes = resumption_causes(_outcomes(RUNS[4:]), vote_delay_months=3)
    assert causes == {"resumptions": 0, "invader": None, "repudiation": None, "rejected_vote": None}


def test_a_deferred_vote_in_the_engine_is_counted(ukraine):
    """A deal with a ceasefire before its vote: the study's summary counts rejected votes."""
    from offramp.study import run_study

    deal = dict(ukraine.deals[0])
    deal.update(name="vote-later", process={"ceasefire_days_before_vote": 90})
    policy = {
        "name": "vote-later",
        "kind": "deal",
        "deal": "vote-later",
        "deal_month": 12,
        "offer_every": 6,
        "aid_cut_if_refused": 1.0,
        "ratification": "referendum",
    }
    table = ukraine.model_dump()
    table["deals"] = [*table["deals"], deal]
    table["policies"] = [*table["policies"], policy]
    from offramp.scenario.loading import validate_scenario

    scenario = validate_scenario(table, source="test")
    study = run_study(scenario, policies=["vote-later"], runs=200, horizon=60, seed=3)
    outcomes = study.results["vote-later"].outcomes
    summary = study.summary()["vote-later"]
    assert summary["resumption_causes"] == resumption_causes(outcomes, vote_delay_months=3)
    assert summary == summarize_outcomes(outcomes, True, vote_delay_months=3)
    rejected = summary["resumption_causes"]["rejected_vote"]
    assert rejected is not None and rejected > 0
