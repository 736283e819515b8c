"""Random streams that depend only on (master seed, run index).

Every run draws from its own ``numpy.random.Generator`` whose ``SeedSequence`` is
``SeedSequence(seed, spawn_key=(stream, run))``. A run's numbers therefore do not depend on
which other runs share its chunk, how many workers there are, or how many runs were asked
for: asking for 100 runs gives the same first 50 runs as asking for 50.

``stream`` separates independent uses of the same run index (the core model uses
``STREAM_MODEL``; a separate mechanism, such as the spatial protest model, takes its own
stream so that switching it on does not change the core model's draws).

Policies compared in one study share the runs' streams: run *i* under "fight-on" and run *i*
under "land-for-peace" see the same shocks (common random numbers), so differences between
policies are not noise between draws.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

STREAM_MODEL = 0
STREAM_EPSTEIN = 1
STREAM_SAMPLING = 2


def run_generator(seed: int, run: int, stream: int = STREAM_MODEL) -> np.random.Generator:
    """The generator of run ``run`` under master seed ``seed``."""
    sequence = np.random.SeedSequence(entropy=int(seed), spawn_key=(int(stream), int(run)))
    return np.random.Generator(np.random.PCG64(sequence))


def run_generators(
    seed: int, runs: Iterable[int], stream: int = STREAM_MODEL
) -> list[np.random.Generator]:
    """One generator per run index, in the order given."""
    return [run_generator(seed, run, stream) for run in runs]
