"""Drive Mesa's Epstein civil-violence example, the peer our spatial protest model is checked
against (tests, benchmark, documentation figures).

Mesa is a development dependency (``pip install -e .[dev]``), not a runtime one, so it is
imported here only when a run is asked for.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np


def mesa_run(args: tuple[int, int, dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Active and jailed counts per step of one Mesa model: ``(seed, steps, model kwargs)``."""
    seed, steps, kwargs = args
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(seed=seed, **kwargs)
    active, jailed = [], []
    for _ in range(steps):
        model.step()
        active.append(model.ACTIVE)
        jailed.append(model.ARRESTED)
    return np.array(active), np.array(jailed)


def mesa_batch(
    seeds: int, steps: int, kwargs: dict[str, Any], workers: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Active and jailed counts, (seeds, steps) each, of Mesa models with seeds 0..seeds-1."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(mesa_run, [(s, steps, kwargs) for s in range(seeds)]))
    return np.array([r[0] for r in results]), np.array([r[1] for r in results])
