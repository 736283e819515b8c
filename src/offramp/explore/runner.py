"""Run an ensemble over a scenario's uncertainties, chunk by chunk, into a store.

An experiment is one (sample, replication) pair; it becomes the global run index
``run = sample * replications + replication``, so its random stream depends only on the
seed and that index (``offramp.rng``). Every policy is simulated on the same runs (common
random numbers): a difference between policies in one run is the policies' doing.

Runs are cut into chunks of ``chunk`` consecutive run indices. A chunk is simulated for
every policy in one vectorised ``simulate`` call per policy (the engine works on arrays over
runs), on a local process pool or on a Dask cluster, and written to the store as soon as it
is back; at most two chunks per worker are in flight, so memory is bounded by the chunk
size, not by the ensemble. Because a run's values depend only on (seed, run, parameters),
the stored rows are identical whatever the chunk size, the number of workers or the
executor.
"""

from __future__ import annotations

import contextlib
import platform
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from offramp import __version__
from offramp.explore.sampling import Design, sample_design
from offramp.explore.store import FORMAT, Store, StoreError
from offramp.scenario.loading import scenario_sha256

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from offramp.scenario.schema import Scenario

# Runs per chunk unless asked: measured on 2 cores (20,000 runs of land-for-peace), 500 gave
# 6.6e7 agent-months/s, 1,000 7.0e7, 2,000 and 5,000 7.1e7; a chunk's memory grows with it.
DEFAULT_CHUNK_RUNS = 1000
IN_FLIGHT_PER_WORKER = 2
VERSIONED = ("numpy", "scipy", "pandas", "pyarrow", "numba", "pydantic", "salib", "dask")


@dataclass(frozen=True)
class Chunk:
    """Runs ``start`` to ``stop - 1`` of an ensemble, with their parameter overrides."""

    index: int
    runs: NDArray[np.int64]
    samples: NDArray[np.int64]
    replications: NDArray[np.int64]
    overrides: dict[str, NDArray[np.float64]]


def chunks(
    design: Design, replications: int, chunk_runs: int, todo: Sequence[int]
) -> Iterator[Chunk]:
    """The chunks ``todo`` of a design, each with its runs' sampled parameter values."""
    total = design.n_samples * replications
    for index in todo:
        runs = np.arange(index * chunk_runs, min((index + 1) * chunk_runs, total), dtype=np.int64)
        sample, replication = np.divmod(runs, replications)
        overrides = {name: design.values[sample, j] for j, name in enumerate(design.names)}
        yield Chunk(index, runs, sample, replication, overrides)


Columns = dict[str, NDArray]
"""A table as NumPy arrays, column name to values (what a worker sends back)."""


def simulate_chunk(
    scenario: Scenario,
    policies: Sequence[str],
    chunk: Chunk,
    seed: int,
    horizon: int,
    trajectories: bool = False,
    threads: int | None = None,
) -> tuple[int, Columns, Columns | None]:
    """Simulate one chunk under every policy (the task a worker runs).

    ``threads`` caps the Numba threads of the engine's kernels in this thread (one per
    worker when there is a worker per core; all cores by default). The tables come back as
    NumPy columns and the store makes them Arrow tables: building an Arrow array imports
    pandas (pyarrow checks whether it was given a pandas object), about 0.3 s that each
    worker process would otherwise spend before its first chunk.

    Returns
    -------
    index, outcomes, trajectories
        The chunk's index, its outcomes (one row per policy and run: ``sample``,
        ``replication``, ``run``, ``policy`` and the engine's outcome columns) and, if asked,
        its trajectories (one row per policy, run and month).
    """
    from offramp.engine.simulate import simulate_policies

    if threads is not None:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    outcome_parts, trajectory_parts = [], []
    n = len(chunk.runs)
    simulated = simulate_policies(
        scenario, policies, runs=chunk.runs, seed=seed, horizon=horizon, overrides=chunk.overrides
    )
    for policy, results in zip(policies, simulated, strict=True):
        columns: Columns = {
            "sample": chunk.samples,
            "replication": chunk.replications,
            "run": chunk.runs,
            "policy": np.full(n, policy),
        }
        columns.update({k: v for k, v in results.outcomes_data.items() if k != "run"})
        outcome_parts.append(columns)
        if trajectories:
            months = horizon + 1
            long: Columns = {
                "sample": np.repeat(chunk.samples, months),
                "replication": np.repeat(chunk.replications, months),
                "run": np.repeat(chunk.runs, months),
                "policy": np.full(n * months, policy),
                "month": np.tile(np.arange(months, dtype=np.int64), n),
            }
            long.update({k: v.ravel() for k, v in results.trajectory_data.items()})
            trajectory_parts.append(long)
    outcomes = _concatenate(outcome_parts)
    paths = _concatenate(trajectory_parts) if trajectories else None
    return chunk.index, outcomes, paths


def _concatenate(parts: Sequence[Columns]) -> Columns:
    """The rows of ``parts`` one after the other, column by column."""
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def explore(
    scenario: Scenario,
    out: str,
    samples: int,
    replications: int = 1,
    sampler: str = "lhs",
    policies: Sequence[str] | None = None,
    seed: int | None = None,
    horizon: int | None = None,
    chunk: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    trajectories: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_chunk_done: Callable[[int], None] | None = None,
) -> Store:
    """Run (or resume) an ensemble over the scenario's uncertainties into the store ``out``.

    Parameters
    ----------
    scenario
        A validated scenario with an ``[uncertain]`` table.
    out
        Store folder (created; with ``resume=True`` an existing store is finished).
    samples, sampler
        Design size and sampler (``lhs``, ``sobol``, ``morris``, ``mc``; see
        :mod:`offramp.explore.sampling`).
    replications
        Runs (random streams) per sample.
    policies
        Policy names (all the scenario's by default); they are the levers compared.
    seed, horizon
        Master seed and months simulated (the scenario's by default).
    chunk
        Runs per chunk: by default 1,000, or fewer so that every worker has a chunk (a
        resumed store keeps its own).
    workers, scheduler
        Local worker processes, or the address of a Dask scheduler (``tcp://host:port``).
    on_start, on_chunk_done
        Progress callbacks: ``on_start(total_runs, runs_already_done)`` and
        ``on_chunk_done(runs)``, counting simulated runs over all policies.

    Returns
    -------
    Store
    """
    from offramp.study import UnknownPolicyError

    names = list(policies) if policies else scenario.policy_names
    for name in names:
        if name not in scenario.policy_names:
            raise UnknownPolicyError(name, scenario.policy_names)
    if replications < 1:
        raise StoreError(f"--replications must be at least 1 (got {replications})")
    seed = scenario.seed if seed is None else int(seed)
    horizon = scenario.horizon_months if horizon is None else int(horizon)
    # Local workers start first: a spawned process takes about a second to import the
    # engine, and meanwhile the parent samples the design and creates the store.
    with _local_pool(0 if scheduler else workers, scenario, names[0]) as pool:
        design = sample_design(scenario.uncertain, sampler, samples, seed)
        experiments = design.n_samples * replications
        if chunk is None and resume:
            try:
                chunk = int(Store(out).manifest["chunk_runs"])
            except (StoreError, KeyError):
                chunk = None
        chunk_runs = int(chunk or default_chunk_runs(experiments, workers))
        if chunk_runs < 1:
            raise StoreError(f"--chunk must be at least 1 (got {chunk_runs})")
        n_chunks = -(-experiments // chunk_runs)
        manifest = {
            "format": FORMAT,
            "scenario": scenario.meta.name,
            "scenario_sha256": scenario_sha256(scenario),
            "scenario_json": scenario.model_dump(mode="json"),
            "uncertain": list(design.names),
            "sampler": sampler,
            "samples": samples,
            "design_rows": design.n_samples,
            "replications": replications,
            "runs_per_policy": experiments,
            "seed": seed,
            "horizon_months": horizon,
            "policies": names,
            "chunk_runs": chunk_runs,
            "n_chunks": n_chunks,
            "trajectories": trajectories,
            "run_index": "run = sample * replications + replication",
            "versions": _versions(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "status": "running",
        }
        design_frame = design.frame()
        unit_frame = design_frame.copy()
        unit_frame[list(design.names)] = design.unit
        store = Store.create(out, manifest, design_frame, unit_frame, resume)
        done = store.done_chunks()
        todo = [i for i in range(n_chunks) if i not in done]
        runs_done = sum(min(chunk_runs, experiments - i * chunk_runs) for i in done)
        if on_start is not None:
            on_start(experiments * len(names), runs_done * len(names))
        tasks = chunks(design, replications, chunk_runs, todo)
        args = (names, seed, horizon, trajectories)
        if scheduler:
            results = _on_dask(scheduler, scenario, tasks, args)
        elif pool is not None:
            results = _on_processes(pool, workers, scenario, tasks, args)
        else:
            results = (
                simulate_chunk(scenario, names, task, seed, horizon, trajectories) for task in tasks
            )
        for index, outcomes, paths in results:
            store.write_chunk(index, outcomes, paths)
            done.add(index)
            store.mark(done, "running")
            if on_chunk_done is not None:
                on_chunk_done(len(outcomes["run"]))
        store.mark(done, "complete")
        return store


def default_chunk_runs(experiments: int, workers: int) -> int:
    """Runs per chunk when none is asked: :data:`DEFAULT_CHUNK_RUNS`, or fewer so that each
    of ``workers`` local processes gets a chunk of a small ensemble."""
    return max(1, min(DEFAULT_CHUNK_RUNS, -(-experiments // max(workers, 1))))


@contextlib.contextmanager
def _local_pool(
    workers: int, scenario: Scenario, policy: str
) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``workers`` spawned processes, already starting (``None`` for one or none).

    On leaving, every result is in (or the run was stopped) and nothing is left for the
    caller to wait for: the pool is not joined. A spawned worker's own exit, a full
    interpreter shutdown, took about 0.3 s when measured; the workers finish it in the
    background (and the interpreter joins them before it exits itself).
    """
    if workers <= 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: the parent runs a progress thread, and forking a threaded process can deadlock.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        # A process is spawned when a task finds none idle, so these start all of them
        # (and usually each takes one).
        for _ in range(workers):
            pool.submit(_prepare_worker, scenario, policy)
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _prepare_worker(scenario: Scenario, policy: str) -> None:
    """Simulate one run of the scenario's defaults for one month, as a worker does a chunk,
    so that it has imported the engine (about 0.4 s, measured) and loaded the compiled
    kernels (another 0.4 s) before its first chunk arrives. The run is not kept."""
    one = np.zeros(1, dtype=np.int64)
    simulate_chunk(scenario, [policy], Chunk(-1, one, one, one, {}), 0, 1, threads=1)


def _on_processes(
    pool: ProcessPoolExecutor, workers: int, scenario: Scenario, tasks: Iterator[Chunk], args: tuple
) -> Iterator[tuple[int, Columns, Columns | None]]:
    from concurrent.futures import FIRST_COMPLETED, wait

    names, seed, horizon, trajectories = args
    # Each worker process runs the kernels on one thread (a process per core).
    pending = set()
    for task in tasks:
        pending.add(
            pool.submit(simulate_chunk, scenario, names, task, seed, horizon, trajectories, 1)
        )
        while len(pending) >= IN_FLIGHT_PER_WORKER * workers:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            yield future.result()


def _on_dask(
    address: str, scenario: Scenario, tasks: Iterator[Chunk], args: tuple
) -> Iterator[tuple[int, Columns, Columns | None]]:
    from distributed import Client, as_completed

    names, seed, horizon, trajectories = args
    try:
        client = Client(address, timeout="10s")
    except OSError as error:
        raise StoreError(
            f"--scheduler {address}: cannot reach a Dask scheduler ({error}); start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS`"
        ) from None
    token = uuid.uuid4().hex  # task keys unique to this call, whatever else the cluster runs
    with client:
        # A Dask worker runs one task per thread: keep every thread busy, two chunks deep.
        threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        limit = IN_FLIGHT_PER_WORKER * max(1, threads)
        [scenario_future] = client.scatter([scenario], broadcast=True)

        def submit(task: Chunk):
            return client.submit(
                simulate_chunk,
                scenario_future,
                names,
                task,
                seed,
                horizon,
                trajectories,
                1,
                key=f"offramp-chunk-{token}-{task.index}",
            )

        initial = [submit(task) for _, task in zip(range(limit), tasks, strict=False)]
        queue = as_completed(initial)
        for future in queue:
            yield future.result()
            future.release()
            task = next(tasks, None)
            if task is not None:
                queue.add(submit(task))


def _versions() -> dict[str, str]:
    versions = {"offramp": __version__, "python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
