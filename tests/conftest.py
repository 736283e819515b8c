"""Shared fixtures (the bundled scenario, loaded once) and the hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from offramp.scenario import Scenario, load_scenario

# Numba compiles on first call; keep hypothesis from flagging that as a slow example. The
# parent is hypothesis' plain default: hypothesis loads its own "ci" profile when it sees a
# CI variable, and these profiles say what they are whatever it detects.
settings.register_profile(
    "offramp",
    parent=settings.get_profile("default"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=40,
)
# CI (the CI environment variable set, as CI services and .ci/run do): the same examples on
# every run, so a red build is never a lucky draw, and no example database. A failure
# prints its example and a @reproduce_failure blob. A developer reproduces it with
#     CI=1 python3 tasks.py test tests/test_x.py::test_y
# (the same derandomized examples as CI), or by pasting the printed @reproduce_failure line
# above the test; a failing example worth keeping becomes an @example on the test.
settings.register_profile(
    "ci", parent=settings.get_profile("offramp"), derandomize=True, print_blob=True, database=None
)
# Many more examples, to look for float edges before CI does:
#     python3 tasks.py test tests/test_bargaining.py --hypothesis-profile=thorough
settings.register_profile("thorough", parent=settings.get_profile("offramp"), max_examples=2000)
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
settings.load_profile("ci" if IN_CI else "offramp")


@pytest.fixture(scope="session")
def ukraine() -> Scenario:
    return load_scenario("ukraine-2022")
