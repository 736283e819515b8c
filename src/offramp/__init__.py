"""offramp: will a negotiated settlement hold?

The Python API has the CLI's verbs as functions::

    import offramp
    scenario = offramp.load_scenario("ukraine-2022")
    results = offramp.simulate(scenario, "land-for-peace", runs=500, seed=1)
    results.outcomes          # pandas DataFrame, one row per run
    results.trajectories      # xarray Dataset, run x month
    study = offramp.run_study(scenario, runs=500)
    study.summary()           # per-policy summaries, as `offramp run --json`
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Numba's OpenMP threads spin between kernel calls by default; the engine calls its kernels
# many times a month, so spinning threads take cores from whatever else runs (another worker,
# the peer tool in a benchmark). Sleeping threads give the same results and, measured on 2
# shared cores, cut a study's CPU time from 23.5 s to 14.0 s (benchmarks/bench_study.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# The one place the version is written: pyproject.toml reads it (dynamic version), and the
# CLI (`offramp --version`), the manifests and the report print it.
__version__ = "0.1.0"

#: How to cite this version (CITATION.cff at the repository's root holds the full metadata).
CITATION = (
    f"offramp contributors. offramp: will a negotiated settlement hold? Version {__version__} "
    "(software, MIT licence). Citation metadata: CITATION.cff."
)

__all__ = ["CITATION", "load_scenario", "run_study", "simulate", "__version__"]

if TYPE_CHECKING:
    from offramp.engine.simulate import simulate
    from offramp.scenario.loading import load_scenario
    from offramp.study import run_study


def __getattr__(name: str) -> Any:
    # Lazy, so that `offramp --help` and `offramp validate` do not import the numerics.
    if name == "load_scenario":
        from offramp.scenario.loading import load_scenario

        return load_scenario
    if name == "simulate":
        from offramp.engine.simulate import simulate

        return simulate
    if name == "run_study":
        from offramp.study import run_study

        return run_study
    raise AttributeError(f"module 'offramp' has no attribute {name!r}")
