"""Longer validation of the Epstein mechanism: the paper's outbursts, and Mesa's numbers.

Marked ``slow`` (about a minute on 2 cores); they still run in CI. Seeds are fixed, so each
test is deterministic: the tolerances below say how far a correct model may be from the
reference, not how lucky a draw must be.
"""

from __future__ import annotations

import numpy as np
import pytest

from offramp.mechanisms.epstein import EpsteinParameters, outbursts, simulate
from offramp.validation.mesa_epstein import mesa_batch

pytestmark = pytest.mark.slow

OUTBURST_LEVEL = 50  # an outburst: more than 50 actives (about 4.5% of ~1,120 citizens)


def outburst_statistics(params: EpsteinParameters, runs: int, steps: int, seed: int) -> dict:
    """Pooled outburst statistics over runs, after a 100-step burn-in."""
    out = simulate(params, n_runs=runs, steps=steps, seed=seed)
    active = out["active"][:, 100:]
    pooled: dict[str, list] = {"waiting": [], "peak": [], "total": [], "count": []}
    for series in active:
        o = outbursts(series, OUTBURST_LEVEL)
        for key in ("waiting", "peak", "total"):
            pooled[key].extend(o[key].tolist())
        pooled["count"].append(o["start"].size)
    waiting = np.asarray(pooled["waiting"], dtype=float)
    return {
        "per_1000_steps": 1000 * np.mean(pooled["count"]) / active.shape[1],
        "waiting_mean": waiting.mean() if waiting.size else np.nan,
        "waiting_cv": waiting.std() / waiting.mean() if waiting.size else np.nan,
        "peak_mean": np.mean(pooled["peak"]) if pooled["peak"] else 0.0,
        "total_mean": np.mean(pooled["total"]) if pooled["total"] else 0.0,
        "max_active": active.max(),
    }


def test_epstein_run_shows_punctuated_equilibrium():
    """Epstein (2002), Figs. 3-7: long quiet spells broken by brief, irregular outbursts.

    Parameters: 40x40 torus, citizen density 0.7, cop density 0.04, vision 7 (von Neumann),
    L = 0.82, T = 0.1, k = 2.3, J_max = 30; jailed citizens leave the lattice. Reference
    values pooled over 40 runs x 2,900 steps (seeds 1-3 agree to within 15%); the paper
    reports these quantities as histograms (waiting times, Fig. 5; total activation, Fig. 7)
    whose shape, not a summary number, is the claim: irregular waits (coefficient of
    variation near or above 1 under Mesa's rule) and bursts a few steps long.
    """
    stats = outburst_statistics(EpsteinParameters.epstein_run1(rounding="round"), 40, 3000, 1)
    # Mesa's rule: ~20 outbursts per 1,000 steps, waits of ~45 steps (median ~30).
    assert 12 < stats["per_1000_steps"] < 30
    assert 30 < stats["waiting_mean"] < 70
    assert stats["waiting_cv"] > 0.8
    assert 55 < stats["peak_mean"] < 110
    assert stats["max_active"] > 150  # some outbursts involve >13% of citizens

    floor = outburst_statistics(EpsteinParameters.epstein_run1(rounding="floor"), 40, 3000, 2)
    # NetLogo's floor lowers P more often than round: outbursts twice as frequent, larger,
    # and more regular (CV ~0.55).
    assert 30 < floor["per_1000_steps"] < 50
    assert 15 < floor["waiting_mean"] < 30
    assert floor["peak_mean"] > stats["peak_mean"]

    exact = outburst_statistics(EpsteinParameters.epstein_run1(rounding="exact"), 40, 3000, 3)
    # The formula as printed: never an outburst.
    assert exact["per_1000_steps"] == 0
    assert exact["max_active"] < OUTBURST_LEVEL


@pytest.mark.parametrize(
    ("label", "mesa_kwargs", "params"),
    [
        # Mesa 3.3.1's defaults: 40x40, citizens 0.7, cops 0.074, vision 7 (von Neumann
        # grid), L = 0.8, T = 0.1, k = 2.3, J_max = 1000, round(C/A), jailed keep their cell.
        ("mesa defaults", {}, EpsteinParameters.mesa_defaults()),
        # Epstein's outburst run in Mesa's implementation: dynamics, not just a quiet grid.
        (
            "epstein run in mesa",
            {"cop_density": 0.04, "legitimacy": 0.82, "max_jail_term": 30},
            EpsteinParameters.epstein_run1(jailed_keep_cell=True),
        ),
    ],
)
def test_agrees_with_mesa(label, mesa_kwargs, params):
    """Per-seed time averages of active and jailed counts: same distribution as Mesa's.

    20 Mesa seeds x 60 steps against 200 offramp runs; two-sample Kolmogorov-Smirnov and
    Mann-Whitney tests must not reject at the 1% level.
    """
    pytest.importorskip("mesa")
    pytest.importorskip("networkx")
    from scipy.stats import ks_2samp, mannwhitneyu

    steps = 60
    mesa_active, mesa_jailed = mesa_batch(20, steps, mesa_kwargs)
    ours = simulate(params, n_runs=200, steps=steps, seed=2002)
    pairs = {
        "mean active": (mesa_active.mean(1), ours["active"].mean(1)),
        "mean jailed": (mesa_jailed.mean(1), ours["jailed"].mean(1)),
        "final jailed": (mesa_jailed[:, -1], ours["jailed"][:, -1]),
    }
    for name, (theirs, mine) in pairs.items():
        ks = ks_2samp(theirs, mine).pvalue
        mw = mannwhitneyu(theirs, mine).pvalue
        assert ks > 0.01 and mw > 0.01, f"{label}, {name}: KS p={ks:.4f}, MW p={mw:.4f}"
