"""Every random number of a set of runs, drawn run by run from its own streams.

A run's numbers come from ``offramp.rng.run_generator(seed, run, stream)`` (the agents'
draws) and two children of it (the monthly normal and uniform draws, each filled month by
month), so they depend only on (seed, run index, stream), never on the chunk a run is
simulated in nor on the horizon: month t of a 60-month run is month t of a 120-month run.
The core model's draws share one stream in a fixed layout (changing the layout changes
every result). A mechanism added later takes a stream of its own (:meth:`Draws.stream`),
so switching it on or adding it does not move the numbers of the mechanisms already there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from offramp.rng import STREAM_MODEL, run_generator

# Columns of the monthly draws of the core stream.
NORMAL_TERRITORY, NORMAL_PRICE, NORMAL_REFERENDUM, NORMAL_ELECTION = range(4)
UNIFORM_RALLY, UNIFORM_ACCEPT, UNIFORM_RESUME, UNIFORM_REMOVAL = range(4)
UNIFORM_INSTABILITY, UNIFORM_REPUDIATION = 4, 5
N_NORMAL, N_UNIFORM = 4, 6


@dataclass(frozen=True)
class MonthDraws:
    """One month's draws: ``normal`` (runs x N_NORMAL) and ``uniform`` (runs x N_UNIFORM)."""

    normal: NDArray[np.float64]
    uniform: NDArray[np.float64]


class Draws:
    """All random numbers of the core model for ``runs``, in the fixed layout above."""

    def __init__(self, seed: int, runs: NDArray[np.int64], n_agents: int, horizon: int):
        self.seed = int(seed)
        self.runs = np.asarray(runs, dtype=np.int64)
        n = len(self.runs)
        self.sensitivity = np.empty((n, n_agents))
        self.hardship = np.empty((n, n_agents))
        self.threshold = np.empty((n, n_agents))
        normal = np.empty((n, horizon, N_NORMAL))
        uniform = np.empty((n, horizon, N_UNIFORM))
        for i, run in enumerate(self.runs):
            rng = run_generator(seed, int(run), STREAM_MODEL)
            rng.standard_normal(out=self.sensitivity[i])
            rng.random(out=self.hardship[i])
            rng.standard_normal(out=self.threshold[i])
            # The monthly draws come from streams of their own, filled month by month, so
            # that month t's numbers do not depend on the horizon asked for.
            _part(seed, run, 1).standard_normal(out=normal[i])
            _part(seed, run, 2).random(out=uniform[i])
        # month-major, so that a month's draws are a contiguous (runs, k) block
        self.normal = np.ascontiguousarray(normal.transpose(1, 0, 2))
        self.uniform = np.ascontiguousarray(uniform.transpose(1, 0, 2))
        # Read-only: one set of draws serves every policy of a study (common random numbers).
        for values in (self.sensitivity, self.hardship, self.threshold, self.normal, self.uniform):
            values.flags.writeable = False

    @property
    def n_agents(self) -> int:
        """Agents per run the draws were made for."""
        return self.sensitivity.shape[1]

    def month(self, t: int) -> MonthDraws:
        """The draws of month ``t``."""
        return MonthDraws(normal=self.normal[t], uniform=self.uniform[t])

    def stream(self, stream: int) -> list[np.random.Generator]:
        """One generator per run on a stream of its own (for a mechanism added later)."""
        if stream == STREAM_MODEL:
            raise ValueError("the core model's stream is drawn in a fixed layout; use another")
        return [run_generator(self.seed, int(run), stream) for run in self.runs]


def _part(seed: int, run: int, part: int) -> np.random.Generator:
    """A run's generator for one part of the core model's draws."""
    sequence = np.random.SeedSequence(entropy=int(seed), spawn_key=(STREAM_MODEL, int(run), part))
    return np.random.Generator(np.random.PCG64(sequence))
