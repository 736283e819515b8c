"""Drive Mesa's Epstein civil-violence example, the peer our spatial protest model is checked
against: the validation tests, the benchmark and the documentation figures all build and step
Mesa's model through these functions, so they measure one and the same peer.

Mesa is a development dependency (``pip install -e .[dev]``), not a runtime one, so it is
imported only when a model is asked for.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np


def mesa_model(seed: int, **kwargs: Any) -> Any:
    """Mesa 3's ``EpsteinCivilViolence`` with ``seed`` and the given model keywords."""
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    return EpsteinCivilViolence(seed=seed, **kwargs)


def mesa_steps(model: Any, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Step ``model`` ``steps`` times (its own ``step()``, data collector included); the
    active and jailed counts after each step."""
    active, jailed = [], []
    for _ in range(steps):
        model.step()
        active.append(model.ACTIVE)
        jailed.append(model.ARRESTED)
    return np.array(active), np.array(jailed)


def mesa_run(args: tuple[int, int, dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Active and jailed counts per step of one Mesa model: ``(seed, steps, model kwargs)``."""
    seed, steps, kwargs = args
    return mesa_steps(mesa_model(seed, **kwargs), steps)


def mesa_batch(
    seeds: int | list[int], steps: int, kwargs: dict[str, Any], workers: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Active and jailed counts, (seeds, steps) each, of Mesa models with the given seeds
    (``0..seeds-1`` for a number), on ``workers`` processes."""
    chosen = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(mesa_run, [(s, steps, kwargs) for s in chosen]))
    return np.array([r[0] for r in results]), np.array([r[1] for r in results])
