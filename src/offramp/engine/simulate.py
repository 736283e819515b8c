"""The monthly loop: compose the mechanisms over an ensemble of runs.

Each month runs these steps, in the causal order of the op-ed's chain (DESIGN.md,
section 2); ``offramp.engine.steps.MONTHLY_STEPS`` is this list and the loop runs exactly it:

1. ``patrons_step``: economic pressure, donor fatigue, aid, sanctions;
2. ``battlefield_step``: Lanchester attrition, the line, casualties, recruitment;
3. ``opinion_step``: war weariness, rallies, bounded-confidence influence;
4. ``negotiation_step``: the deal offered this month, the invader's signature, ratification;
5. ``legitimacy_step``: approval and the government's legitimacy;
6. ``mobilization_step``: the protest cascade (or Epstein's lattice);
7. ``leadership_step``: removal, instability, elections, a successor's repudiation;
8. ``invader_step``: the invader's decision to resume war during a ceasefire;
9. ``close_month``, then the month is recorded (``offramp.engine.record``).

The state (``offramp.engine.state.RunState``) is held in arrays over runs (and runs x
agents for the population). Randomness is drawn per run before the loop
(``offramp.engine.draws``), so a run's path depends only on (seed, run index) and on its
parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from offramp.engine.draws import Draws
from offramp.engine.parameters import CompiledParameters, compile_parameters
from offramp.engine.record import empty_trajectories, outcomes, record_month, trajectories
from offramp.engine.results import Results
from offramp.engine.state import RunState, initial_state, spatial_protest
from offramp.engine.steps import MONTHLY_STEPS, Month
from offramp.scenario.schema import Policy, Scenario


def simulate(
    scenario: Scenario,
    policy: str | Policy,
    runs: int | Sequence[int] | NDArray[np.int64] | None = None,
    seed: int | None = None,
    horizon: int | None = None,
    overrides: Mapping[str, NDArray[np.float64]] | None = None,
) -> Results:
    """Simulate ``runs`` runs of ``scenario`` under ``policy``.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (``offramp.load_scenario``).
    policy : str or Policy
        A policy name of the scenario, or a Policy.
    runs : int or sequence of int, optional
        Number of runs (indices 0..runs-1) or explicit global run indices; the
        scenario's ``runs`` by default. Run ``i``'s result depends only on (seed, i).
    seed : int, optional
        Master seed; the scenario's by default.
    horizon : int, optional
        Months to simulate; the scenario's ``horizon_months`` by default.
    overrides : mapping, optional
        Per-run parameter values by dotted path (see ``compile_parameters``).

    Returns
    -------
    Results
        ``.outcomes`` (one row per run) and ``.trajectories`` (run x month).
    """
    (results,) = simulate_policies(scenario, [policy], runs, seed, horizon, overrides)
    return results


def simulate_policies(
    scenario: Scenario,
    policies: Iterable[str | Policy],
    runs: int | Sequence[int] | NDArray[np.int64] | None = None,
    seed: int | None = None,
    horizon: int | None = None,
    overrides: Mapping[str, NDArray[np.float64]] | None = None,
) -> Iterator[Results]:
    """:func:`simulate` the same runs under each of ``policies`` in turn, yielding each.

    The runs' random numbers depend only on (seed, run), not on the policy (common random
    numbers), so they are drawn once and every policy reads the same :class:`Draws`: the
    results are those of one :func:`simulate` call per policy, bit for bit.
    """
    if runs is None:
        runs = scenario.runs
    run_index = np.arange(runs) if np.isscalar(runs) else np.asarray(runs, dtype=np.int64)
    seed = scenario.seed if seed is None else int(seed)
    horizon = scenario.horizon_months if horizon is None else int(horizon)
    draws = None
    for policy in policies:
        chosen = scenario.policy(policy) if isinstance(policy, str) else policy
        params = compile_parameters(scenario, chosen, run_index, overrides)
        if draws is None or draws.n_agents != params.n_agents:
            draws = Draws(seed, run_index, params.n_agents, horizon)
        state, record = run_months(params, draws, horizon, seed=seed)
        yield Results(
            outcomes=outcomes(state, params, horizon),
            trajectories=record,
            policy=chosen.name,
            scenario=scenario,
            seed=seed,
            horizon=horizon,
        )


def simulate_state(
    scenario: Scenario,
    policy: str | Policy,
    runs: int | Sequence[int] | NDArray[np.int64],
    seed: int,
    horizon: int,
) -> tuple[RunState, CompiledParameters]:
    """The run state after ``horizon`` months (for a poll of the public at that month)."""
    chosen = scenario.policy(policy) if isinstance(policy, str) else policy
    run_index = np.arange(runs) if np.isscalar(runs) else np.asarray(runs, dtype=np.int64)
    params = compile_parameters(scenario, chosen, run_index)
    draws = Draws(seed, run_index, params.n_agents, max(horizon, 1))
    state, _ = run_months(params, draws, horizon, seed=seed)
    return state, params


def run_months(
    P: CompiledParameters, draws: Draws, horizon: int, seed: int
) -> tuple[RunState, dict[str, NDArray[np.float64]]]:
    """Run ``horizon`` months of every step in ``MONTHLY_STEPS``: the final state, the record."""
    state = initial_state(P, draws, spatial_protest(P, seed))
    record = empty_trajectories(P.n_runs, horizon)
    record_month(record, 0, state, P)
    for t in range(horizon):
        month = Month(t=t, draws=draws.month(t), at_war=state.at_war, unstable=state.unstable)
        for step in MONTHLY_STEPS:
            step(state, P, month)
        record_month(record, t + 1, state, P)
    return state, trajectories(record)
