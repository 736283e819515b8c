"""The engine: compiled parameters, the monthly loop and its results."""

from offramp.engine.results import Results
from offramp.engine.simulate import simulate, simulate_policies

__all__ = ["Results", "simulate", "simulate_policies"]
