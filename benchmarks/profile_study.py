"""Where the default study's time goes: a cProfile of the simulation, by function.

    .venv/bin/python benchmarks/profile_study.py [--runs 2000] [--horizon 120] [--top 25]

Profiles ``run_study`` on the bundled scenario (every policy) after a small warm-up run, so
Numba's cached kernels are loaded and not counted. Prints the functions with the most time
of their own: calls, seconds, share of the simulation and, for a function called once a
month of each policy (a step, or a compiled kernel that does every run at once), its
nanoseconds per agent-month. The kernels run on every core, so this is wall time, not CPU
time. Profile before optimising; see
CONTRIBUTING.md ("Speed work") for how a change is then timed and checked bit for bit.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--horizon", type=int, default=120)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    from offramp.scenario import load_scenario
    from offramp.study import run_study

    scenario = load_scenario("ukraine-2022")
    run_study(scenario, runs=8, horizon=2)  # load the compiled kernels before profiling

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    study = run_study(scenario, runs=args.runs, horizon=args.horizon)
    profile.disable()
    total = time.perf_counter() - started

    first = next(iter(study.results.values()))
    agents = first.scenario.population.agents_per_region * len(scenario.population.regions)
    agent_months = args.runs * args.horizon * agents * len(study.results)
    print(
        f"default study: {args.runs} runs x {args.horizon} months x {len(study.results)} "
        f"policies x {agents} agents, {os.cpu_count()} cores, profiled {total:.2f} s "
        f"({agent_months / total:.3e} agent-months/s under the profiler)"
    )
    print(f"{'function':58} {'calls':>8} {'own s':>7} {'share':>6} {'ns/agent-month':>15}")
    stats = pstats.Stats(profile).stats
    rows = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)
    monthly = args.horizon * len(study.results)
    for (filename, line, name), (_, calls, own, _, _) in rows[: args.top]:
        where = f"{Path(filename).name}:{line}({name})" if line else name
        per_agent = f"{own / agent_months * 1e9:.2f}" if calls == monthly else ""
        print(f"{where[:58]:58} {calls:8d} {own:7.2f} {own / total:6.1%} {per_agent:>15}")


if __name__ == "__main__":
    main()
