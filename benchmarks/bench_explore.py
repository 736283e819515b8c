"""Ensemble throughput of ``offramp explore`` against the same experiments run through EMA.

Run ``.venv/bin/python benchmarks/bench_explore.py`` (a few minutes; ``--quick`` for a
smaller ensemble). It prints:

1. explore's throughput on the bundled scenario (Latin hypercube over its 13 uncertainties,
   one policy, 120 months): run-months/s and agent-months/s (a run-month is one run
   simulated for one month; an agent-month one opinion agent updated for one month), with
   1 worker (in-process; the engine's Numba kernels then use every core) and 2 worker
   processes (one Numba thread each), wall time including sampling, process start-up and
   writing the store;
2. the first ``--ema-runs`` of the same experiments (same parameter values, same run
   indices, hence the same random streams) driven one run at a time through the EMA
   Workbench adapter (``offramp.ema.as_model``) with its ``SequentialEvaluator``, checked
   equal to explore's outcomes, and the ratio of the two rates;
3. the projected wall time of a 1,000,000-run, 120-month ensemble at the better rate.

Targets (issue #4): >= 1e8 agent-months/s on 2 cores, >= 50x the EMA-driven evaluation,
1,000,000 runs in under 20 minutes. The figures are what this machine measures, whatever
they are; the machine's load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np

from offramp.explore import explore, open_store
from offramp.scenario.loading import load_scenario

POLICY = "land-for-peace"


def explore_rate(scenario, samples: int, horizon: int, workers: int, chunk: int) -> tuple:
    """Wall seconds and the store of one explore run."""
    out = tempfile.mkdtemp(prefix="bench-explore-") + "/store"
    start = time.perf_counter()
    explore(
        scenario,
        out,
        samples=samples,
        policies=[POLICY],
        horizon=horizon,
        workers=workers,
        chunk=chunk,
        seed=1,
    )
    return time.perf_counter() - start, open_store(out)


def ema_rate(scenario, store, runs: int, horizon: int) -> float:
    """Seconds per run through EMA's SequentialEvaluator, checking outcomes against explore."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import Scenario, SequentialEvaluator, perform_experiments

    from offramp.ema import as_model

    samples = store.samples().set_index("sample")
    stored = store.outcomes().set_index("run")
    model = as_model(scenario, POLICY, seed=1, horizon=horizon)
    # replications = 1, so run index = sample index
    points = [
        Scenario(f"s{i}", run=i, **{k: float(v) for k, v in samples.loc[i].items()})
        for i in range(runs)
    ]
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        _, outcomes = perform_experiments(model, scenarios=points, evaluator=evaluator)
    elapsed = time.perf_counter() - start
    expected = stored.loc[np.arange(runs), "territory_at_horizon"].to_numpy()
    if not np.array_equal(outcomes["territory_at_horizon"], expected):
        raise AssertionError("EMA-driven runs differ from explore's")
    return elapsed / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20000, help="runs per measurement")
    parser.add_argument("--horizon", type=int, default=120)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--ema-runs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="1000 runs, 100 through EMA")
    args = parser.parse_args()
    if args.quick:
        args.samples, args.ema_runs = 1000, 100
    scenario = load_scenario("ukraine-2022")
    agents = scenario.population.agents_per_region * len(scenario.population.regions)
    run_months = args.samples * args.horizon
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"ensemble: {args.samples} runs x {args.horizon} months of {POLICY!r}, "
        f"{len(scenario.uncertain)} uncertainties (LHS), {agents} agents a run, "
        f"chunks of {args.chunk}"
    )
    # Warm the Numba caches outside the measurement.
    explore_rate(scenario, 8, 2, 1, 8)
    rates = {}
    store = None
    for workers in (1, 2):
        seconds, result = explore_rate(scenario, args.samples, args.horizon, workers, args.chunk)
        store = store or result
        rates[workers] = run_months / seconds
        how = "in-process, Numba threads on all cores" if workers == 1 else "processes"
        print(
            f"  explore, {workers} worker(s) ({how}): {seconds:7.1f} s  {rates[workers]:12,.0f} "
            f"run-months/s  {rates[workers] * agents:14,.0f} agent-months/s"
        )
    per_run = ema_rate(scenario, store, args.ema_runs, args.horizon)
    ema_run_months = args.horizon / per_run
    print(
        f"  EMA SequentialEvaluator, run by run ({args.ema_runs} runs, outcomes equal): "
        f"{per_run * 1000:7.1f} ms/run  {ema_run_months:12,.0f} run-months/s"
    )
    print(
        f"  explore / EMA: {rates[1] / ema_run_months:6.1f}x (1 worker), "
        f"{rates[2] / ema_run_months:6.1f}x (2 workers)"
    )
    best = max(rates.values())
    projected = 1_000_000 * 120 / best
    print(
        f"  projected 1,000,000 runs x 120 months at the better rate: {projected / 60:,.1f} min "
        f"(target < 20 min); agent-months/s: {best * agents / 1e8:.2f} of the 1e8 target"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
