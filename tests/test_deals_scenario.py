"""The ukraine-2025 scenario: loads, runs under today's policy kinds, starts from June 2025."""

from __future__ import annotations

import numpy as np
import pytest

import offramp
from offramp.calibration.deal_weights import held_share_trend


@pytest.fixture(scope="module")
def scenario() -> offramp.Scenario:
    return offramp.load_scenario("ukraine-2025")


def test_starts_in_june_2025_from_the_trend_and_the_may_wave(scenario) -> None:
    assert scenario.meta.start == "2025-06"
    assert scenario.territory.held_share == pytest.approx(held_share_trend("2025-06"), abs=0.001)
    regions = scenario.population.regions
    national = sum(r.weight * r.no_concessions_share for r in regions)
    assert national == pytest.approx(0.52, abs=0.001)  # KIIS, 15 May - 3 June 2025
    assert scenario.leadership.initial_approval == pytest.approx(0.65)


def test_every_policy_runs(scenario) -> None:
    for name in scenario.policy_names:
        result = offramp.simulate(scenario, name, runs=8, seed=3, horizon=12)
        territory = result.trajectories["territory"]
        assert territory.sizes == {"run": 8, "month": 13}
        assert np.all(territory.isel(month=0).to_numpy() == pytest.approx(0.81))
        assert len(result.outcomes) == 8
