"""Shared fixtures: the bundled scenario, loaded once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from offramp.scenario import Scenario, load_scenario

# Numba compiles on first call; keep hypothesis from flagging that as a slow example.
settings.register_profile(
    "offramp", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40
)
settings.load_profile("offramp")


@pytest.fixture(scope="session")
def ukraine() -> Scenario:
    return load_scenario("ukraine-2022")
