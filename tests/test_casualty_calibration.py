"""The battlefield's cumulative casualties against published estimates (casualty_estimates).

The engine counts a force loss of one thousand troops as 1,000 military casualties (killed,
wounded, missing: everyone the force loses), from the scenario's start in July 2022. The
published figures count killed and wounded from 24 February 2022, so the model should lie
somewhat below them: by early August 2022 the US put Russia's losses alone at 70,000-80,000
(Kahl), almost all before the model's month 0. Only estimates dated at least a year after
the start are compared, when those first months are a small part of the total.

Tolerances, argued:

- *both sides*, model / published in [0.75, 1.25]: the total does not depend on the
  exchange ratio, and the first four months (about 0.1 million, both sides) are 7-20% of
  the published totals compared here;
- *each side*, model / published in [0.67, 1.5]: estimates of the same side's losses at
  about the same date differ by 10-30% (Russia at the turn of 2025: UK 790,000, Ukraine's
  President 750,000; Ukraine: its own 435,000 in February 2025 counting repeat wounds,
  CSIS 400,000 in June), and the model's exchange ratio (about 1.8 Russian casualties per
  Ukrainian by mid-2025 against CSIS's 2.4) is set by the lethalities the front-line fit
  uses, not by these figures.
"""

from __future__ import annotations

import numpy as np
import pytest

from offramp import simulate
from offramp.calibration.observations import month_index
from offramp.datasets import load_dataset
from offramp.scenario import Scenario

HORIZON = 36  # 2022-07 .. 2025-06


@pytest.fixture(scope="module")
def model_and_estimates(ukraine: Scenario):
    result = simulate(ukraine, "fight-on", runs=8, horizon=HORIZON)
    both = result.trajectory_data["casualties"].mean(axis=0)
    defender = result.trajectory_data["casualties_defender"].mean(axis=0)
    series = {"both": both, "defender": defender, "invader": both - defender}
    estimates = load_dataset("casualty_estimates")
    estimates = estimates[estimates["measure"] == "killed_and_wounded"].copy()
    estimates["month"] = month_index(estimates["date"], ukraine.meta.start)
    estimates = estimates[estimates["month"] >= 12]
    estimates["model"] = [
        series[item][min(m, HORIZON)]
        for item, m in zip(estimates["item"], estimates["month"], strict=True)
    ]
    estimates["ratio"] = estimates["model"] / estimates["value"]
    return estimates


def test_enough_estimates_are_compared(model_and_estimates) -> None:
    counts = model_and_estimates["item"].value_counts()
    assert counts["both"] >= 2 and counts["invader"] >= 4 and counts["defender"] >= 3


def test_both_sides_total_matches_published_estimates(model_and_estimates) -> None:
    both = model_and_estimates[model_and_estimates["item"] == "both"]
    assert both["ratio"].between(0.75, 1.25).all(), both[["date", "value", "model"]]


def test_each_sides_casualties_match_published_estimates(model_and_estimates) -> None:
    sides = model_and_estimates[model_and_estimates["item"] != "both"]
    assert sides["ratio"].between(0.67, 1.5).all(), sides[["date", "item", "value", "model"]]
    # and the model is not systematically off in one direction by more than a quarter
    assert 0.75 < np.exp(np.log(sides["ratio"]).mean()) < 1.25
