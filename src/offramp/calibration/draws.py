"""The calibration's parameter draws, shipped for ``offramp run``.

``offramp calibrate --write-draws`` writes ``src/offramp/data/calibration_draws.csv``: each
draw is one parameter set, the opinion parameters resampled from the quasi-likelihood
sample of the opinion fit and the battlefield parameters drawn from the front-line fit's
Laplace approximation (the two fits are independent, so are their draws). A study gives
run ``i`` the draw its own generator picks (:func:`draw_index`), so a run's parameters
depend only on the master seed and the run's index: the same in any chunking of the runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

DATASET = "calibration_draws"
#: The scenario the draws were fitted for (``offramp run`` draws them for it only).
CALIBRATED_SCENARIO = "ukraine-2022"
#: The random stream a study's parameter draws come from (apart from the model's, the
#: Epstein model's and the calibration's sampling streams of ``offramp.rng``).
STREAM_PARAMETERS = 3

_UNITS = {
    "opinion.weariness": "per month, at the stalemate peak",
    "opinion.stalemate_lag": "months",
    "opinion.success_rally": "demand per unit of share gained",
    "battlefield.territory_sensitivity": "share per month per unit log force ratio",
    "battlefield.stalemate_ratio": "force ratio",
    "battlefield.territory_noise": "share per month (sd)",
}
COLUMNS = (
    "date",
    "fieldwork_start",
    "fieldwork_end",
    "draw",
    "parameter",
    "value",
    "unit",
    "definition",
    "publisher",
    "sample_n",
    "source_url",
    "verified",
    "note",
)


def write_draws(draws: Mapping[str, Sequence[float]], path: Path, data_end: str) -> None:
    """Write ``draws`` (parameter -> values, one per draw) as the shipped long CSV."""
    names = list(draws)
    count = len(draws[names[0]])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    date = f"{data_end}-15"
    for k in range(count):
        for name in names:
            fit = "opinion fit" if name.startswith("opinion.") else "front-line fit"
            writer.writerow(
                (
                    date,
                    "",
                    "",
                    k,
                    name,
                    f"{float(draws[name][k]):.6g}",
                    _UNITS.get(name, ""),
                    f"draw {k} of the {fit}'s uncertainty",
                    "offramp calibrate --write-draws",
                    "",
                    "docs/calibration.md",
                    "yes",
                    "",
                )
            )
    Path(path).write_text(buffer.getvalue())


def load_draws() -> dict[str, NDArray[np.float64]]:
    """The shipped draws: parameter -> values (draw order)."""
    from offramp.datasets import load_dataset

    data = load_dataset(DATASET)
    wide = data.pivot(index="draw", columns="parameter", values="value").sort_index()
    return {str(name): wide[name].to_numpy(dtype=float) for name in wide.columns}


def draw_index(seed: int, runs: NDArray[np.int64], count: int) -> NDArray[np.int64]:
    """The draw each run uses: run ``i``'s own generator picks it (chunk-invariant)."""
    return np.array(
        [
            np.random.default_rng(
                np.random.SeedSequence(entropy=int(seed), spawn_key=(STREAM_PARAMETERS, int(r), 0))
            ).integers(count)
            for r in runs
        ],
        dtype=np.int64,
    )


def uncertain_units(seed: int, runs: NDArray[np.int64], dimensions: int) -> NDArray[np.float64]:
    """Unit-interval points (runs, dimensions) for the scenario's ``[uncertain]`` ranges,
    each run's from its own generator (a sibling of the draw index's)."""
    out = np.empty((len(runs), dimensions))
    for j, r in enumerate(runs):
        rng = np.random.default_rng(
            np.random.SeedSequence(entropy=int(seed), spawn_key=(STREAM_PARAMETERS, int(r), 1))
        )
        out[j] = rng.random(dimensions)
    return out
