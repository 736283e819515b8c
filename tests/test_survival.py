"""Estimates the faces draw: the ceasefires' Kaplan-Meier curve and removal-cause shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from offramp.analysis.summary import removal_cause_shares, summarize_outcomes
from offramp.analysis.survival import peace_survival


def test_kaplan_meier_matches_the_product_limit_by_hand():
    # Ceasefires lasting 2, 3, 3 (still holding: censored) and 5 months; one run had none.
    outcomes = pd.DataFrame(
        {
            "ceasefire_month": [1.0, 4.0, 2.0, 0.0, np.nan],
            "peace_months": [2.0, 3.0, 3.0, 5.0, np.nan],
            "war_resumed": [True, True, False, True, False],
        }
    )
    curve = peace_survival(outcomes)
    assert curve is not None and curve.ceasefires == 4
    holding = dict(zip(curve.months, curve.holding, strict=True))
    # S(2) = 3/4; S(3) = 3/4 x (1 - 1/3) = 1/2; S(5) = 1/2 x (1 - 1/1) = 0
    assert holding[0.0] == 1.0
    assert holding[2.0] == pytest.approx(0.75)
    assert holding[3.0] == pytest.approx(0.5)
    assert holding[5.0] == pytest.approx(0.0)
    assert np.all(curve.lower <= curve.holding + 1e-12)
    assert np.all(curve.holding <= curve.upper + 1e-12)


def test_no_ceasefire_gives_no_curve():
    outcomes = pd.DataFrame(
        {"ceasefire_month": [np.nan], "peace_months": [np.nan], "war_resumed": [False]}
    )
    assert peace_survival(outcomes) is None


def test_removal_causes_add_up_to_the_removal_share(ukraine):
    from offramp.engine.simulate import simulate

    outcomes = simulate(ukraine, "land-for-peace", runs=60, seed=5, horizon=60).outcomes
    shares = removal_cause_shares(outcomes)
    removed = summarize_outcomes(outcomes, deal_policy=True)["p_leader_removed"]
    assert shares["hazard"] + shares["election"] == pytest.approx(removed)
    assert shares == {cause: float(np.mean(outcomes["removal_cause"] == cause)) for cause in shares}
