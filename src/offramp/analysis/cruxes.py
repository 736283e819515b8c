r"""Cruxes: the few assumptions that decide whether one policy beats another.

Scenario discovery (Bryant & Lempert 2010) with PRIM, the Patient Rule Induction Method
(Friedman & Fisher 1999), as implemented in the EMA Workbench (Kwakkel 2017). Each sampled
world :math:`s` is labelled :math:`y_s = 1` when policy A does strictly better than policy B
on the metric (both averaged over the world's replications, which share random streams:
a paired comparison). PRIM peels thin slices off a box in parameter space, each time the
one that most raises the share of :math:`y = 1` inside it, and then pastes back what helps.
Each box on the peeling trajectory trades

.. math::

    \text{coverage} = \frac{\sum_{s \in B} y_s}{\sum_s y_s}, \qquad
    \text{density} = \frac{\sum_{s \in B} y_s}{|B|},

the share of A's wins the box explains against how reliably A wins inside it. We report
the box with the best balance of the two (their harmonic mean) among boxes restricting at
most three parameters (Bryant & Lempert's interpretability criterion) whose density reaches
the threshold (one half: inside the box, A wins more often than not), and the whole
trajectory so the trade-off is visible.

References
----------
Friedman, J. H., & Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9, 123-143.
Bryant, B. P., & Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and Social
Change* 77(1), 34-49.
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. *Environmental Modelling &
Software* 96, 239-250.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    import pandas as pd

MAX_RESTRICTED = 3


@dataclass
class Box:
    """A PRIM box: parameter limits, how many of A's wins it covers and how densely."""

    limits: pd.DataFrame  # parameter, low, high, restricted ("low", "high" or "both")
    coverage: float
    density: float
    mass: float
    n: int
    k: int
    trajectory: pd.DataFrame = field(repr=False)
    chosen: int = 0

    def conditions(self, digits: int = 2) -> list[str]:
        """Each restriction in words: ``emboldening < 0.62``, ``0.2 < weariness < 0.5``."""
        words = []
        for row in self.limits.itertuples():
            low, high = f"{row.low:.{digits}g}", f"{row.high:.{digits}g}"
            if row.restricted == "both":
                words.append(f"{low} <= {row.parameter} <= {high}")
            elif row.restricted == "low":
                words.append(f"{row.parameter} >= {low}")
            else:
                words.append(f"{row.parameter} <= {high}")
        return words

    def trajectory_summary(self) -> pd.DataFrame:
        """The peeling trajectory in brief: for each number of restricted parameters its
        densest box, and the chosen box (columns box, res_dim, coverage, density, mass,
        chosen; ``chosen`` is True on the chosen box's row)."""
        trajectory = self.trajectory.assign(
            box=range(len(self.trajectory)), chosen=lambda t: t["box"] == self.chosen
        )
        densest = trajectory.groupby("res_dim")["density"].idxmax()
        shown = trajectory.loc[sorted({*densest, self.chosen})]
        return shown[["box", "res_dim", "coverage", "density", "mass", "chosen"]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "n": self.n,
            "k": self.k,
            "limits": self.limits.to_dict(orient="records"),
            "conditions": self.conditions(),
            "trajectory": self.trajectory.to_dict(orient="records"),
            "chosen": self.chosen,
        }


def a_beats_b(a: ArrayLike, b: ArrayLike, higher_better: bool) -> NDArray[np.bool_]:
    """Per world: does A do strictly better than B (ties are not wins)?"""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a > b if higher_better else a < b


@dataclass
class Comparison:
    """Policy A against policy B on one metric over the sampled worlds, with its cruxes."""

    a: str
    b: str
    metric: str
    higher_better: bool
    wins: NDArray[np.bool_] = field(repr=False)  # per world: A does strictly better
    share: float  # share of worlds in which A wins
    boxes: list[Box]
    sentence: str


def compare(
    x: pd.DataFrame,
    a_values: ArrayLike,
    b_values: ArrayLike,
    a: str,
    b: str,
    metric: str,
    higher_better: bool,
    max_boxes: int = 2,
) -> Comparison:
    """Where A beats B: the per-world wins, their share, PRIM's boxes and the sentence.

    Parameters
    ----------
    x
        Sampled parameter values, one row per world (in the order of the values).
    a_values, b_values
        The metric per world under A and under B (replications averaged).
    """
    wins = a_beats_b(a_values, b_values, higher_better)
    boxes = find_boxes(x, wins, max_boxes=max_boxes)
    share = float(np.mean(wins)) if wins.size else float("nan")
    sentence = summary(a, b, metric, higher_better, share, boxes)
    return Comparison(a, b, metric, higher_better, wins, share, boxes, sentence)


def find_boxes(
    x: pd.DataFrame,
    y: ArrayLike,
    max_boxes: int = 2,
    threshold: float = 0.5,
    peel_alpha: float = 0.05,
    max_restricted: int = MAX_RESTRICTED,
) -> list[Box]:
    """PRIM boxes for the cases ``y == True`` over the parameters ``x`` (one row per world).

    A box is reported at the point of its peeling trajectory with the best harmonic mean
    of coverage and density among those restricting 1 to ``max_restricted`` parameters
    with a density of at least ``threshold``; the search stops at the first box without
    such a point.

    Parameters
    ----------
    x
        Sampled parameter values, one column per uncertain parameter.
    y
        Whether each world is a case of interest (A beats B).
    max_boxes
        Boxes to look for, one after the other on the worlds the previous left out.
    threshold
        Least density a box must reach to count (else PRIM stops).
    peel_alpha
        Share of the remaining worlds peeled off at each step.
    max_restricted
        Most parameters a reported box may restrict.

    Returns
    -------
    list of Box
        Possibly empty (no box reaches the threshold, or no or every world is a case).
    """
    import logging
    import warnings

    with warnings.catch_warnings():
        # The workbench warns on import about optional parallel back-ends we do not use.
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    y = np.asarray(y, dtype=bool)
    if y.all() or not y.any():
        return []
    x = x.reset_index(drop=True).astype(float)
    finder = prim.Prim(x, y.astype(int), threshold=threshold, peel_alpha=peel_alpha)
    boxes = []
    for _ in range(max_boxes):
        found = finder.find_box()
        if found is None:
            break
        trajectory = found.peeling_trajectory.copy()
        allowed = trajectory[
            (trajectory["res_dim"] > 0)
            & (trajectory["res_dim"] <= max_restricted)
            & (trajectory["density"] >= threshold)
        ]
        if allowed.empty:
            break  # no box of a few parameters reaches the threshold (or the dump box)
        balance = (
            2
            * allowed["coverage"]
            * allowed["density"]
            / (allowed["coverage"] + allowed["density"])
        )
        chosen = int(balance.idxmax())
        found.select(chosen)
        boxes.append(_box(found, finder.box_init, trajectory, chosen))
    return boxes


def _box(found: Any, box_init: pd.DataFrame, trajectory: pd.DataFrame, chosen: int) -> Box:
    import pandas as pd

    limits = found.box_lims[chosen]
    rows = []
    for name in limits.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        low0, high0 = float(box_init[name].iloc[0]), float(box_init[name].iloc[1])
        cut_low, cut_high = low > low0, high < high0
        if cut_low or cut_high:
            side = "both" if cut_low and cut_high else "low" if cut_low else "high"
            rows.append({"parameter": name, "low": low, "high": high, "restricted": side})
    stats = trajectory.iloc[chosen]
    return Box(
        limits=pd.DataFrame(rows, columns=["parameter", "low", "high", "restricted"]),
        coverage=float(stats["coverage"]),
        density=float(stats["density"]),
        mass=float(stats["mass"]),
        n=int(stats["n"]),
        k=int(stats["k"]),
        trajectory=trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True),
        chosen=chosen,
    )


def phrase(metric: str, higher_better: bool) -> str:
    """What "A beats B" means for ``metric``, in words (the registry's, in its direction)."""
    from offramp.outcomes import OUTCOMES

    entry = OUTCOMES.get(metric)
    if (
        entry is not None
        and entry.phrase
        and entry.better == ("higher" if higher_better else "lower")
    ):
        return entry.phrase
    return f"does better on {metric} ({'higher' if higher_better else 'lower'} is better)"


def summary(
    a: str, b: str, metric: str, higher_better: bool, share: float, boxes: list[Box]
) -> str:
    """One sentence: how often A beats B, and the box of assumptions where it does."""
    head = f"{a} {phrase(metric, higher_better)} than {b} in {share:.0%} of sampled worlds"
    if not boxes:
        if share in (0.0, 1.0):
            return head + "; no assumption decides it within the sampled ranges."
        return head + "; no small set of assumptions explains where (PRIM found no box)."
    box = boxes[0]
    conditions = " and ".join(box.conditions())
    return (
        f"{head}; {box.coverage:.0%} of those have {conditions}, and where that holds "
        f"{a} wins in {box.density:.0%} of worlds."
    )
