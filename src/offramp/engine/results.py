"""Results of a simulation: per-run outcomes and run x month trajectories.

Outcomes are a pandas DataFrame (one row per run, column ``run`` the global run index);
trajectories an xarray Dataset over ``run`` x ``month``. Both are built on first access
from the engine's plain arrays, so a caller who needs only the outcomes never imports
xarray.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from offramp.scenario.schema import Scenario

TRAJECTORY_UNITS = {
    "territory": ("share of recognised area held by the defender", "share"),
    "phase": ("0 war, 1 ceasefire", "code"),
    "protest": ("share of the population protesting", "share"),
    "approval": ("leader's approval", "share"),
    "legitimacy": ("government legitimacy", "share"),
    "no_concessions": ("share refusing any territorial concession", "share"),
    "defender_power": ("defender's effective fire (d_eff x D)", "thousand troops/month"),
    "invader_power": ("invader's effective fire (a x I)", "thousand troops/month"),
    "aid": ("patron aid index (1 = 2022-24 average)", "index"),
    "casualties": ("cumulative military casualties (killed and wounded), both sides", "persons"),
    "casualties_defender": (
        "cumulative military casualties (killed and wounded), defender",
        "persons",
    ),
    "settlement_pressure": ("pressure on the defender's government to settle", "index 0-1"),
}


class Results:
    """Outcomes and trajectories of one policy's runs."""

    def __init__(
        self,
        outcomes: dict[str, NDArray[Any]],
        trajectories: dict[str, NDArray[np.float64]],
        policy: str,
        scenario: Scenario,
        seed: int,
        horizon: int,
    ):
        self.outcomes_data = outcomes
        self.trajectory_data = trajectories
        self.policy = policy
        self.scenario = scenario
        self.seed = seed
        self.horizon = horizon

    def __repr__(self) -> str:
        return f"Results(policy={self.policy!r}, runs={self.n_runs}, horizon={self.horizon})"

    @property
    def is_deal_policy(self) -> bool:
        """Whether the policy offers a deal (everything but fight-on)."""
        return self.scenario.policy(self.policy).offers_deal

    @property
    def n_runs(self) -> int:
        return len(self.outcomes_data["run"])

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """One row per run; see ``docs/model.md`` for the columns."""
        import pandas as pd

        return pd.DataFrame(self.outcomes_data)

    @cached_property
    def trajectories(self) -> xr.Dataset:
        """Monthly state over ``run`` x ``month`` (month 0 is the start)."""
        import xarray as xr

        months = np.arange(self.horizon + 1)
        variables = {}
        for name, values in self.trajectory_data.items():
            long_name, units = TRAJECTORY_UNITS[name]
            variables[name] = xr.Variable(
                ("run", "month"), values, attrs={"long_name": long_name, "units": units}
            )
        return xr.Dataset(
            variables,
            coords={"run": self.outcomes_data["run"], "month": months},
            attrs={
                "scenario": self.scenario.meta.name,
                "policy": self.policy,
                "seed": self.seed,
                "start": self.scenario.meta.start,
            },
        )
