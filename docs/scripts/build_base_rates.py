"""Rebuild src/offramp/data/base_rates.csv from the shared cross-national CSVs.

Usage (from the repository root): ``python docs/scripts/build_base_rates.py [SHARED_DIR]``.
SHARED_DIR defaults to ``../shared`` beside the repository; it must hold
``data/crossnational/archigos.csv`` and ``ucdp_acd.csv`` (Archigos 4.1 and UCDP/PRIO ACD v25.1
as distributed in peacesciencer 1.2.9). Only the derived rates are written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from offramp.analysis.base_rates import all_base_rates, base_rate_table

ROOT = Path(__file__).resolve().parents[2]


def build(shared: Path) -> pd.DataFrame:
    folder = shared / "data" / "crossnational"
    archigos = pd.read_csv(folder / "archigos.csv")
    ucdp = pd.read_csv(folder / "ucdp_acd.csv")
    return base_rate_table(all_base_rates(archigos, ucdp))


if __name__ == "__main__":
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    table = build(shared)
    out = ROOT / "src" / "offramp" / "data" / "base_rates.csv"
    table.to_csv(out, index=False)
    print(f"wrote {len(table)} rates to {out}")
