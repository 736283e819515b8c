"""Benchmark the default study: wall time and agent-months per second.

    .venv/bin/python benchmarks/bench_study.py [--runs 2000] [--horizon 120]

Prints the wall time of `offramp run` on the bundled scenario (every policy), split into
start-up (imports and Numba's cached kernels) and simulation, and the throughput in
run-months and agent-months per second (runs x months x agents / s). Targets (issue 9):
default study under 60 s on 2 cores; at least 1e8 agent-months/s. The table at the end gives
each measure, its value, the target and whether it is met; CPU time is printed beside wall
time because the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--horizon", type=int, default=120)
    args = parser.parse_args()

    started = time.perf_counter()
    from offramp.scenario import load_scenario
    from offramp.study import run_study

    scenario = load_scenario("ukraine-2022")
    run_study(scenario, runs=8, horizon=2)  # warm the compiled kernels
    warm = time.perf_counter() - started

    timings = {}
    study_started = time.perf_counter()
    last = study_started

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = now - last
        last = now

    cpu_started = time.process_time()
    study = run_study(scenario, runs=args.runs, horizon=args.horizon, on_policy_done=lap)
    simulated = time.perf_counter() - study_started
    cpu = time.process_time() - cpu_started
    agents = study.results[scenario.policy_names[0]].scenario.population.agents_per_region * len(
        scenario.population.regions
    )
    run_months = args.runs * args.horizon * len(timings)
    print(
        f"offramp default study: {args.runs} runs x {args.horizon} months x {len(timings)} "
        f"policies, {agents} agents per run, {os.cpu_count()} cores"
    )
    for name, seconds in timings.items():
        rate = args.runs * args.horizon * agents / seconds
        print(f"  {name:28s} {seconds:6.2f} s   {rate:12.3e} agent-months/s")
    print(f"start-up (imports, cached kernels): {warm:6.2f} s")
    print(f"simulation:                         {simulated:6.2f} s (CPU {cpu:6.2f} s)")
    print(f"run-months/s:   {run_months / simulated:12.3e}")
    rate = run_months * agents / simulated

    exe = Path(sys.executable).with_name("offramp")
    command = [str(exe), "run", "--runs", str(args.runs), "--horizon", str(args.horizon)]
    begun = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    end_to_end = time.perf_counter() - begun
    print(f"`offramp run` end to end (fresh process): {end_to_end:6.2f} s")
    # CPU-seconds per agent-month: robust to other jobs on the machine; x cores gives the
    # rate the cores would reach if the study had them to itself (Numba threads scale).
    cores = os.cpu_count() or 1
    cpu_rate = run_months * agents / cpu * cores
    rows = [
        ("agent-months/s (wall)", f"{rate:.3e}", ">= 1e8", rate >= 1e8),
        (f"agent-months/CPU-s x {cores} cores", f"{cpu_rate:.3e}", ">= 1e8", cpu_rate >= 1e8),
        ("`offramp run` end to end", f"{end_to_end:.1f} s", "< 60 s", end_to_end < 60),
    ]
    print(f"\nload average: {os.getloadavg()[0]:.1f} on {cores} cores")
    print(f"{'measure':36} {'value':>12} {'target':>8}  met?")
    for measure, value, target, met in rows:
        print(f"{measure:36} {value:>12} {target:>8}  {'yes' if met else 'no'}")


if __name__ == "__main__":
    main()
