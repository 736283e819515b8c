"""Exploration under deep uncertainty: ensembles over a scenario's uncertainties.

``offramp explore`` samples the scenario's ``[uncertain]`` parameters (Latin hypercube,
Sobol', Morris or Monte Carlo), runs every policy on each sampled world with common random
numbers, and streams the outcomes into a resumable store of Parquet files;
:func:`open_store` reads it back for analysis (``offramp sensitivity``, ``cruxes``,
``robustness``).
"""

from __future__ import annotations

from offramp.explore.runner import explore
from offramp.explore.store import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "explore", "open_store"]
