"""Compile a validated scenario and one policy into per-run parameter arrays.

Every numeric parameter becomes an array with one value per run, keyed by its dotted path
in the scenario file (``"battlefield.invader_force"``, ``"policy.guarantee_credibility"``).
Ensembles over uncertain parameters (``offramp explore``) pass per-run values through
``overrides`` under the same keys; the engine never needs to know which values vary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from offramp.engine.deal_terms import DealTerms, compile_deal
from offramp.mechanisms.epstein import EpsteinParameters
from offramp.mechanisms.opinion import initial_demand
from offramp.mechanisms.package_support import TermWeights, shipped_term_weights
from offramp.scenario.catalogue import numeric_values
from offramp.scenario.schema import Mobilization, Policy, Scenario


@dataclass(frozen=True)
class CompiledParameters:
    """Per-run numeric parameters and the population template shared by all runs.

    ``demand`` is one row of agents' initial demands shared by all runs, or one row per run
    (runs x agents) when population parameters vary between runs. ``deal`` is what the
    policy offers (None for fighting on) and ``term_weights`` how the public values its
    terms; ``epstein`` the spatial protest model's settings
    when ``mobilization.model = "epstein"`` (None for the threshold cascade).
    """

    values: dict[str, NDArray[np.float64]]
    policy: Policy
    runs: NDArray[np.int64]
    demand: NDArray[np.float64]
    region: NDArray[np.int64]
    weight: NDArray[np.float64]
    region_names: tuple[str, ...]
    deal: DealTerms | None = None
    term_weights: TermWeights | None = None
    epstein: EpsteinParameters | None = None
    epstein_steps: int = 0

    def __getitem__(self, key: str) -> NDArray[np.float64]:
        return self.values[key]

    @property
    def n_runs(self) -> int:
        return len(self.runs)

    @property
    def n_agents(self) -> int:
        return len(self.weight)


def numeric_parameters(scenario: Scenario, policy: Policy) -> dict[str, float]:
    """Dotted path -> value of every numeric parameter of the scenario and the policy.

    The per-run entries of the parameter catalogue (``offramp.scenario.catalogue``).
    """
    return numeric_values(scenario, policy)


def compile_parameters(
    scenario: Scenario,
    policy: Policy,
    runs: NDArray[np.int64],
    overrides: Mapping[str, NDArray[np.float64]] | None = None,
) -> CompiledParameters:
    """Per-run arrays for ``runs`` (global run indices) under ``policy``.

    Parameters
    ----------
    overrides
        Per-run values (arrays of the same length as ``runs``, or scalars) replacing
        scenario values; keys are dotted paths as returned by :func:`numeric_parameters`.
    """
    runs = np.asarray(runs, dtype=np.int64)
    n = len(runs)
    flat = numeric_parameters(scenario, policy)
    flat["policy.deal_month"] = float(policy.first_offer(scenario.meta.start))
    unknown = sorted(set(overrides or {}) - set(flat))
    if unknown:
        raise KeyError(f"unknown parameter(s) {unknown}; allowed: {sorted(flat)}")
    values = {key: np.full(n, float(value)) for key, value in flat.items()}
    for key, value in (overrides or {}).items():
        values[key] = np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()

    regions = scenario.population.regions
    shares = [values[f"population.{r.name}.no_concessions_share"] for r in regions]
    spread = values["population.demand_spread"]
    region_weights = [r.weight for r in regions]
    agents = scenario.population.agents_per_region
    demand, region, weight = initial_demand(
        [s[0] for s in shares], region_weights, float(spread[0]), agents
    )
    varying = any(np.ptp(s) > 0 for s in shares) or np.ptp(spread) > 0
    if varying:
        # Per-run polls or spreads (an ensemble over them): one population row per run;
        # region and weight do not depend on them.
        demand = np.stack(
            [
                initial_demand([s[i] for s in shares], region_weights, float(spread[i]), agents)[0]
                for i in range(n)
            ]
        )
    return CompiledParameters(
        values=values,
        policy=policy,
        runs=runs,
        demand=demand,
        region=region,
        weight=weight,
        region_names=tuple(r.name for r in regions),
        deal=compile_deal(scenario, policy),
        term_weights=shipped_term_weights(),
        **_spatial_protest(scenario.mobilization),
    )


def _spatial_protest(mobilization: Mobilization) -> dict[str, object]:
    if mobilization.model != "epstein":
        return {}
    return {
        "epstein": mobilization.epstein.to_parameters(),
        "epstein_steps": mobilization.epstein.steps_per_month,
    }
