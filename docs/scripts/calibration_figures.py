"""The likelihood-surface figure of docs/calibration.md.

Run ``.venv/bin/python docs/scripts/calibration_figures.py [CALIBRATE.json]``: with a file
written by ``offramp calibrate --json``, draws from it; without, runs the calibration first
(under a minute on an idle 2-core machine). Writes ``docs/images/calibration_surface.png``:
for each fitted opinion parameter, the profile (envelope of the quasi-likelihood sample)
and the slice along its whole schema range; for each opinion parameter left at its
scenario value, its slice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMAGES = Path(__file__).resolve().parents[1] / "images"
CHI2_90 = 2.705543454095404


def main() -> None:
    if len(sys.argv) > 1:
        result = json.loads(Path(sys.argv[1]).read_text())
    else:
        from offramp.calibration.calibrate import calibrate
        from offramp.scenario.loading import load_scenario

        result = calibrate(load_scenario("ukraine-2022"))
    surface = result["surface"]
    fitted = list(result["parameters"])
    fixed = list(surface["fixed_slices"])
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    for ax, name in zip(axes[0], fitted, strict=True):
        stats = result["parameters"][name]
        profile = surface["profiles"][name]
        ax.plot(profile["value"], profile["deviance"], "o-", label="profile (sample envelope)")
        ax.axhline(CHI2_90, color="grey", ls=":", label="90% threshold")
        ax.axvspan(stats["p05"], stats["p95"], color="C1", alpha=0.2, label="90% interval")
        ax.axvline(stats["estimate"], color="C1")
        ax.set_title(name)
        ax.set_ylabel("deviance / dispersion")
        inset = ax.inset_axes([0.55, 0.55, 0.42, 0.4])
        curve = surface["slices"][name]
        inset.semilogx(curve["value"], curve["deviance"], "k.-", lw=0.8)
        inset.set_yscale("symlog")
        inset.set_title("slice, whole range", fontsize=7)
        inset.tick_params(labelsize=6)
    axes[0][0].legend(fontsize=7, loc="lower left")
    for ax, name in zip(axes[1], fixed, strict=True):
        curve = surface["fixed_slices"][name]
        ax.semilogx(curve["value"], curve["deviance"], "k.-")
        ax.axvline(curve["scenario_value"], color="C0", ls="--", label="scenario value")
        ax.axhline(CHI2_90, color="grey", ls=":")
        ax.set_title(f"{name} (not fitted)")
        ax.set_ylabel("deviance / dispersion vs scenario")
        ax.set_xlabel("value (log scale)")
    axes[1][0].legend(fontsize=7)
    fig.suptitle(
        "KIIS 'no concessions' fit: quasi-likelihood surface "
        f"(dispersion {surface['dispersion']:.2f})"
    )
    fig.tight_layout()
    IMAGES.mkdir(exist_ok=True)
    fig.savefig(IMAGES / "calibration_surface.png", dpi=110)
    print(f"wrote {IMAGES / 'calibration_surface.png'}")


if __name__ == "__main__":
    main()
