"""Figures of docs/calibration.md: the outside view and the ceasefire panel's PIT.

Usage (from the repository root)::

    python docs/scripts/evidence_figures.py [--panel-json F] [--evidence-json F] [--shared DIR]

``--panel-json``: the output of ``offramp backtest --panel --runs 500 --json`` (run here when
absent). ``--evidence-json``: the output of ``offramp evidence ukraine-2022 --json`` (the
model's recurrence points; skipped when absent). ``--shared``: the shared folder holding
data/crossnational (default ../shared beside the repository), for the Kaplan-Meier curves.
Writes docs/images/ceasefire_pit.png and docs/images/recurrence_km.png.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"


def pit_figure(panel: dict, out: Path) -> None:
    cases = panel["cases"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1, 1.4]})
    bins = panel["pit_histogram"]["bins"]
    counts = panel["pit_histogram"]["counts"]
    left.bar(bins[:-1], counts, width=np.diff(bins), align="edge", edgecolor="black", alpha=0.7)
    left.axhline(len(cases) / (len(bins) - 1), color="grey", ls="--", label="uniform")
    test = panel["uniformity"]
    left.set(
        xlabel="PIT of the observed months until war resumed",
        ylabel="cases",
        title=f"PIT histogram (n = {test['n']}); KS p = {test['p_value']:.2f}",
        xlim=(0, 1),
    )
    left.legend(frameon=False)
    order = sorted(range(len(cases)), key=lambda i: cases[i]["pit"])
    for y, i in enumerate(order):
        c = cases[i]
        if c["censored"]:
            right.plot([c["pit_low"], 1.0], [y, y], color="tab:blue", lw=4, alpha=0.3)
        right.plot(c["pit"], y, "o", color="tab:blue" if c["censored"] else "tab:red")
    right.set_yticks(range(len(order)))
    right.set_yticklabels(
        [
            f"{cases[i]['case']} ({'>' if cases[i]['censored'] else ''}"
            f"{cases[i]['observed_months']} mo)"
            for i in order
        ]
    )
    right.axvline(0.5, color="grey", lw=0.5)
    right.set(
        xlim=(0, 1),
        xlabel="PIT (red: resumed; blue: censored, draw in [F(c), 1])",
        title="Where history falls in the model",
    )
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def km_figure(shared: Path, evidence: dict | None, out: Path) -> None:
    from lifelines import KaplanMeierFitter

    from offramp.analysis.base_rates import CONFLICT_TYPES, conflict_episodes

    ucdp = pd.read_csv(shared / "data" / "crossnational" / "ucdp_acd.csv")
    episodes = conflict_episodes(ucdp)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, code in CONFLICT_TYPES.items():
        sub = episodes[episodes["type"] == code]
        fitter = KaplanMeierFitter().fit(
            sub["years"], sub["recurred"], label=f"{label} (n={len(sub)})"
        )
        cdf = 1 - fitter.survival_function_.iloc[:, 0]
        ci = fitter.confidence_interval_survival_function_
        ax.step(cdf.index, cdf.values, where="post", label=fitter._label)
        ax.fill_between(ci.index, 1 - ci.iloc[:, 1], 1 - ci.iloc[:, 0], step="post", alpha=0.15)
    if evidence is not None:
        for policy, marker in (("armistice", "s"), ("armistice+guarantees", "^")):
            points = [
                (int(r["name"].split("_")[1][:-1]), r["value"])
                for r in evidence["model"]
                if r["policy"] == policy and r["name"].startswith("recurrence_")
            ]
            if points:
                x, y = zip(*sorted(points), strict=True)
                ax.plot(
                    x,
                    y,
                    marker,
                    color="black",
                    ms=7,
                    ls=":",
                    label=f"model: {evidence['scenario']} {policy}",
                )
    ax.set(
        xlim=(0, 20),
        ylim=(0, 1),
        xlabel="years since the episode ended (model: since the ceasefire)",
        ylabel="probability the conflict has recurred",
        title="Recurrence after an episode ends: UCDP/PRIO ACD v25.1, Kaplan-Meier, 95% bands",
    )
    ax.title.set_fontsize(9)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--panel-json", type=Path)
    parser.add_argument("--evidence-json", type=Path)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    if args.panel_json:
        panel = json.loads(args.panel_json.read_text())
    else:
        from offramp.calibration.backtest import panel_backtest

        panel = panel_backtest(runs=500)
    pit_figure(panel, IMAGES / "ceasefire_pit.png")
    evidence = json.loads(args.evidence_json.read_text()) if args.evidence_json else None
    km_figure(args.shared, evidence, IMAGES / "recurrence_km.png")
    print("wrote", IMAGES / "ceasefire_pit.png", "and", IMAGES / "recurrence_km.png")
