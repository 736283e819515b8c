"""Figures and numbers for docs/mechanisms/epstein.md.

Run ``.venv/bin/python docs/scripts/epstein_figures.py`` (about a minute; Mesa runs on two
processes). Writes PNGs into ``docs/images/`` and prints the statistics quoted in the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.stats import ks_2samp, mannwhitneyu  # noqa: E402

from offramp.mechanisms.epstein import EpsteinParameters, outbursts, simulate  # noqa: E402

# The Mesa driver lives in peers/ at the repository's root (development only, not installed).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from peers.mesa_epstein import mesa_batch  # noqa: E402

IMAGES = Path(__file__).resolve().parents[1] / "images"
LEVEL = 50


def figure_outbursts() -> None:
    """Actives over time under the three rounding rules (Epstein's run, one seed)."""
    fig, axes = plt.subplots(3, 1, figsize=(9, 6.5), sharex=True, sharey=True)
    for ax, rounding in zip(axes, ("round", "floor", "exact"), strict=True):
        params = EpsteinParameters.epstein_run1(rounding=rounding)
        out = simulate(params, n_runs=1, steps=600, seed=2002)
        ax.plot(out["active"][0], lw=0.8, color="tab:red")
        ax.axhline(LEVEL, color="grey", lw=0.6, ls="--")
        ax.set_ylabel("actives")
        ax.set_title(f'rounding = "{rounding}"', fontsize=10, loc="left")
    axes[-1].set_xlabel("step")
    fig.suptitle("Epstein Model I, 40x40, cops 0.04, L = 0.82, J_max = 30 (dashed: outburst level)")
    fig.tight_layout()
    fig.savefig(IMAGES / "epstein_outbursts.png", dpi=120)
    plt.close(fig)


def outburst_table() -> None:
    print("Outburst statistics, 40 runs x 2,900 steps after burn-in, level 50 actives")
    print(
        f"{'rounding':8} {'per 1000':>9} {'wait mean':>10} {'wait sd':>8} {'wait med':>9} "
        f"{'peak':>6} {'duration':>9} {'total act.':>11}"
    )
    for rounding in ("round", "floor", "exact"):
        params = EpsteinParameters.epstein_run1(rounding=rounding)
        active = simulate(params, n_runs=40, steps=3000, seed=1)["active"][:, 100:]
        pooled = [outbursts(series, LEVEL) for series in active]
        waits = np.concatenate([o["waiting"] for o in pooled]).astype(float)
        count = sum(o["start"].size for o in pooled)
        if count == 0:
            print(f"{rounding:8} {0:9.1f}   (no outburst; max actives {active.max()})")
            continue
        peak = np.concatenate([o["peak"] for o in pooled]).mean()
        dur = np.concatenate([o["duration"] for o in pooled]).mean()
        total = np.concatenate([o["total"] for o in pooled]).mean()
        print(
            f"{rounding:8} {1000 * count / active.size:9.1f} {waits.mean():10.1f} "
            f"{waits.std():8.1f} {np.median(waits):9.0f} {peak:6.0f} {dur:9.1f} {total:11.0f}"
        )


def figure_legitimacy_shock() -> None:
    """Same fall in legitimacy (0.9 -> 0.7), at once or over 150 steps (Figs. 9-10)."""
    steps, t0 = 300, 100
    sudden = np.full(steps, 0.9)
    sudden[t0:] = 0.7
    gradual = np.full(steps, 0.9)
    gradual[t0:] = np.maximum(0.7, 0.9 - 0.2 * (np.arange(steps - t0) + 1) / 150)
    params = EpsteinParameters.epstein_run1()
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    for path, label, colour in ((sudden, "sudden", "tab:red"), (gradual, "gradual", "tab:blue")):
        share = simulate(params, n_runs=30, steps=steps, seed=3, legitimacy=path)["active_share"]
        top.plot(share[0], color=colour, lw=0.9, label=f"{label}: run 0")
        top.plot(share.mean(0), color=colour, lw=2, alpha=0.5, label=f"{label}: mean of 30")
        bottom.plot(path, color=colour, label=label)
        peaks = share[:, t0:].max(1)
        print(
            f"{label:8} peak active share after t0: mean {peaks.mean():.3f}, "
            f"median {np.median(peaks):.3f}, min {peaks.min():.3f}, max {peaks.max():.3f}"
        )
    top.set_ylabel("active share")
    top.legend(fontsize=8)
    bottom.set_ylabel("legitimacy")
    bottom.set_xlabel("step")
    fig.suptitle("A sudden fall in legitimacy vs. the same fall in small steps")
    fig.tight_layout()
    fig.savefig(IMAGES / "epstein_legitimacy_shock.png", dpi=120)
    plt.close(fig)


def figure_mesa() -> None:
    """offramp vs Mesa 3.3.1, same rules, per-step mean and 10-90% band over seeds."""
    cases = [
        ("Mesa defaults", {}, EpsteinParameters.mesa_defaults()),
        (
            "Epstein run (cops 0.04, L 0.82, J_max 30)",
            {"cop_density": 0.04, "legitimacy": 0.82, "max_jail_term": 30},
            EpsteinParameters.epstein_run1(jailed_keep_cell=True),
        ),
    ]
    steps, seeds = 100, 24
    fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
    for col, (label, kwargs, params) in enumerate(cases):
        mesa_active, mesa_jailed = mesa_batch(seeds, steps, kwargs)
        mesa = {"active": mesa_active, "jailed": mesa_jailed}
        ours = simulate(params, n_runs=200, steps=steps, seed=2002)
        for row, key in enumerate(("active", "jailed")):
            ax = axes[row, col]
            for data, name, colour in ((mesa, "Mesa 3.3.1", "black"), (ours, "offramp", "tab:red")):
                x = data[key]
                ax.plot(x.mean(0), color=colour, label=f"{name} ({x.shape[0]} runs)")
                lo, hi = np.percentile(x, [10, 90], axis=0)
                ax.fill_between(np.arange(steps), lo, hi, color=colour, alpha=0.15)
            ax.set_ylabel(key)
            if row == 0:
                ax.set_title(label, fontsize=10)
            a, b = mesa[key].mean(1), ours[key].mean(1)  # per-run time averages
            print(
                f"{label:45} {key:7} time-mean: Mesa {a.mean():7.2f} ± {a.std():6.2f}, "
                f"offramp {b.mean():7.2f} ± {b.std():6.2f}; "
                f"KS p = {ks_2samp(a, b).pvalue:.2f}, MW p = {mannwhitneyu(a, b).pvalue:.2f}"
            )
        axes[1, col].set_xlabel("step")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle("offramp vs. Mesa: mean and 10-90% band over runs")
    fig.tight_layout()
    fig.savefig(IMAGES / "epstein_vs_mesa.png", dpi=120)
    plt.close(fig)


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    figure_outbursts()
    outburst_table()
    figure_legitimacy_shock()
    figure_mesa()
    print(f"figures written to {IMAGES}")


if __name__ == "__main__":
    main()
