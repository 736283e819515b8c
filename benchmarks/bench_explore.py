"""Ensemble throughput of ``offramp explore`` against the same experiments run through EMA.

Run ``.venv/bin/python benchmarks/bench_explore.py`` (a few minutes; ``--quick`` for a
smaller ensemble). It prints:

1. explore's throughput on the bundled scenario (Latin hypercube over its 13 uncertainties,
   one policy, 120 months): run-months/s and agent-months/s (a run-month is one run
   simulated for one month; an agent-month one opinion agent updated for one month), with
   1 worker (in-process; the engine's Numba kernels then use every core) and 2 worker
   processes (one Numba thread each), wall time including sampling, process start-up and
   writing the store (explore returns when the store is complete; its worker processes
   then exit in the background);
2. the first ``--ema-runs`` of the same experiments (same parameter values, same run
   indices, hence the same random streams) driven one run at a time through the EMA
   Workbench adapter (``offramp.ema.as_model``) with its ``SequentialEvaluator``, checked
   equal to explore's outcomes, and the ratio of the two rates;
3. the projected wall time of a 1,000,000-run, 120-month ensemble at the better rate.

Targets (issue 9): >= 1e8 agent-months/s on 2 cores, >= 50x the EMA-driven evaluation per
run, 1,000,000 runs in under 20 minutes; a table at the end gives measure, value, target and
whether it is met. CPU time is given beside wall time (explore in-process and EMA run in
this process), as the robust figure when the machine is shared. The figures are what this
machine measures, whatever they are; the machine's load average is printed beside them.
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


def explore_rate(scenario, samples: int, horizon: int, workers: int, chunk: int | None) -> tuple:
    """Wall seconds, this process's CPU seconds and the store of one explore run."""
    out = tempfile.mkdtemp(prefix="bench-explore-") + "/store"
    cpu_start = time.process_time()
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
    wall = time.perf_counter() - start
    return wall, time.process_time() - cpu_start, open_store(out)


def ema_rate(scenario, store, runs: int, horizon: int) -> tuple[float, float]:
    """Wall and CPU seconds per run through EMA's SequentialEvaluator, outcomes checked."""
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
    cpu_start = time.process_time()
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        _, outcomes = perform_experiments(model, scenarios=points, evaluator=evaluator)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    expected = stored.loc[np.arange(runs), "territory_at_horizon"].to_numpy()
    if not np.array_equal(outcomes["territory_at_horizon"], expected):
        raise AssertionError("EMA-driven runs differ from explore's")
    return elapsed / runs, cpu / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20000, help="runs per measurement")
    parser.add_argument("--horizon", type=int, default=120)
    parser.add_argument("--chunk", type=int, help="runs per chunk (explore's default)")
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
        f"chunks of {args.chunk or 'explore.runner.DEFAULT_CHUNK_RUNS'} runs"
    )
    # Warm the Numba caches outside the measurement.
    explore_rate(scenario, 8, 2, 1, 8)
    rates, cpu_per_run = {}, None
    store = None
    for workers in (1, 2):
        seconds, cpu, result = explore_rate(
            scenario, args.samples, args.horizon, workers, args.chunk
        )
        store = store or result
        rates[workers] = run_months / seconds
        if workers == 1:
            cpu_per_run = cpu / args.samples
        how = "in-process, Numba threads on all cores" if workers == 1 else "processes"
        print(
            f"  explore, {workers} worker(s) ({how}): {seconds:7.1f} s  {rates[workers]:12,.0f} "
            f"run-months/s  {rates[workers] * agents:14,.0f} agent-months/s"
        )
    per_run, ema_cpu = ema_rate(scenario, store, args.ema_runs, args.horizon)
    ema_run_months = args.horizon / per_run
    explore_per_run = {w: args.horizon / rate for w, rate in rates.items()}
    print(
        f"  EMA SequentialEvaluator, run by run ({args.ema_runs} runs, outcomes equal): "
        f"{per_run * 1000:7.1f} ms/run  {ema_run_months:12,.0f} run-months/s"
    )
    print("\n  per run, same experiments, this run:")
    print(f"  {'':28} {'wall ms/run':>12} {'CPU ms/run':>11}")
    print(f"  {'explore, 1 worker':28} {explore_per_run[1] * 1e3:12.3f} {cpu_per_run * 1e3:11.3f}")
    print(f"  {'explore, 2 workers':28} {explore_per_run[2] * 1e3:12.3f} {'-':>11}")
    print(f"  {'EMA SequentialEvaluator':28} {per_run * 1e3:12.3f} {ema_cpu * 1e3:11.3f}")
    best = max(rates.values())
    projected = 1_000_000 * 120 / best
    ratio_wall = per_run / min(explore_per_run.values())
    ratio_cpu = ema_cpu / cpu_per_run
    agent_rate = best * agents
    rows = [
        (
            "explore agent-months/s (better of 1, 2 workers)",
            f"{agent_rate:.3e}",
            ">= 1e8",
            agent_rate >= 1e8,
        ),
        (
            "explore vs EMA per run (wall, better explore)",
            f"{ratio_wall:.1f}x",
            ">= 50x",
            ratio_wall >= 50,
        ),
        ("explore vs EMA per run (CPU, 1 worker)", f"{ratio_cpu:.1f}x", ">= 50x", ratio_cpu >= 50),
        (
            "1,000,000 runs x 120 months, projected",
            f"{projected / 60:.1f} min",
            "< 20 min",
            projected < 20 * 60,
        ),
    ]
    print(f"\n  {'measure':50} {'value':>12} {'target':>9}  met?")
    for measure, value, target, met in rows:
        print(f"  {measure:50} {value:>12} {target:>9}  {'yes' if met else 'no'}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
