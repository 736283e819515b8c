"""The two sides of the debate, each under its own assumptions (docs/debate.md).

300 runs per policy with a fixed seed; the margins are wide compared with the run-to-run
spread of the medians. Runtime: about 10 s.
"""

from __future__ import annotations

import pytest

from offramp.scenario.assumptions import apply_assumptions
from offramp.study import run_study

RUNS, SEED = 300, 2022


def _summary(ukraine, name):
    scenario = apply_assumptions(ukraine, name)
    study = run_study(
        scenario, policies=["fight-on", "land-for-peace"], runs=RUNS, seed=SEED, assumptions=name
    )
    return study.summary()


@pytest.fixture(scope="module")
def veto(ukraine):
    return _summary(ukraine, "domestic-veto")


@pytest.fixture(scope="module")
def realism(ukraine):
    return _summary(ukraine, "stalemate-realism")


def test_domestic_veto_land_for_peace_brings_renewed_war(veto):
    deal = veto["land-for-peace"]
    assert deal["runs_with_ceasefire"] >= 50  # enough deals in force to judge
    assert deal["p_war_resumed_60m"] > 0.5


def test_domestic_veto_land_for_peace_loses_more_land(veto):
    deal = veto["land-for-peace"]["territory_at_horizon"]["median"]
    fight = veto["fight-on"]["territory_at_horizon"]["median"]
    assert deal < fight - 0.01


def test_stalemate_realism_land_for_peace_saves_lives_and_land(realism):
    deal, fight = realism["land-for-peace"], realism["fight-on"]
    assert deal["runs_with_ceasefire"] >= 0.5 * RUNS
    assert deal["casualties"]["median"] < 0.5 * fight["casualties"]["median"]
    assert deal["territory_at_horizon"]["median"] >= fight["territory_at_horizon"]["median"]
