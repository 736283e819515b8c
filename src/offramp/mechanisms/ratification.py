r"""Ratification: the public's support for a deal, the win-set, legitimacy, audience costs.

Putnam's two-level game (1988): a deal struck at the table (level I) must be ratified at
home (level II); the **win-set** is the set of deals that would be ratified. Here a deal
leaves the defender a share :math:`x` of its recognised territory, and an agent accepts it
when its reservation point is met. An armistice without recognition gives up no claim, so it
is judged more leniently, as if it kept :math:`x + \lambda (1 - x)` (KIIS's 2025 split
ballot: 43% accept freezing the line, 15% handing over territory):

.. math::

    \text{support}(x) = \sum_i w_i\, \mathbf 1[r_i \le x_{\text{judged}}].

Rules: a **referendum** ratifies when the yes share (support plus campaign noise) exceeds
one half — Ukraine's constitution (Art. 73) puts any change of territory to an
all-Ukrainian referendum; **parliament** when support plus an elite bias exceeds one half;
a **decree** always. Under a referendum the win-set is every :math:`x` at or above the
weighted median reservation point.

The deal's legitimacy mixes procedure and substance,
:math:`\ell = \omega\,\mathbf 1[\text{referendum}] + (1-\omega)\,\text{support}`, and a
leader who signs pays an audience cost in approval proportional to the share opposing the
deal (Fearon 1994; Tomz 2007 measures about 16 points for backing down).

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3), 427-460.
Fearon, J. D. (1994). Domestic political audiences and the escalation of international
disputes. *American Political Science Review* 88(3), 577-592.
Tomz, M. (2007). Domestic audience costs in international relations: an experimental
approach. *International Organization* 61(4), 821-840.
Constitution of Ukraine (1996), Article 73.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

RULES = ("referendum", "parliament", "decree")


def judged_territory(
    deal_territory: ArrayLike, recognition: ArrayLike, leniency: ArrayLike
) -> NDArray[np.float64]:
    """The territory share a deal is judged as keeping (armistices judged leniently)."""
    x = np.asarray(deal_territory, dtype=float)
    lenient = x + np.asarray(leniency) * (1.0 - x)
    return np.where(np.asarray(recognition, dtype=bool), x, lenient)


def deal_support(
    reservation_points: ArrayLike, weights: ArrayLike, judged: ArrayLike
) -> NDArray[np.float64]:
    """Weighted share of agents whose reservation point the deal meets.

    ``reservation_points`` has shape (runs, agents) (or (agents,)); ``judged`` one value per
    run.
    """
    r = np.asarray(reservation_points, dtype=float)
    meets = r <= np.asarray(judged, dtype=float)[..., None]
    # A row-wise sum, not a matrix product: BLAS's result for a row depends on how many rows
    # it is given, and a run's result must not depend on the chunk it is simulated in.
    return (meets * np.asarray(weights, dtype=float)).sum(axis=-1)


def win_set_floor(reservation_points: ArrayLike, weights: ArrayLike) -> NDArray[np.float64]:
    """Least territory share a referendum would ratify: the weighted median reservation point.

    Deals leaving the defender at least this share form the referendum's win-set.
    """
    r = np.atleast_2d(np.asarray(reservation_points, dtype=float))
    w = np.asarray(weights, dtype=float)
    # Stable: ties (points clipped at 0 or 1) are common, and NumPy's default sort orders
    # them by the CPU's vector width, which would change the cumulative sums' last bits.
    order = np.argsort(r, axis=1, kind="stable")
    sorted_r = np.take_along_axis(r, order, axis=1)
    cumulative = np.cumsum(w[order], axis=1)
    # support(x) > 1/2 needs the cumulative weight at x to pass one half.
    first = np.argmax(cumulative > 0.5 * cumulative[:, -1:], axis=1)
    floor = sorted_r[np.arange(r.shape[0]), first]
    return floor if np.ndim(reservation_points) > 1 else floor[0]


def ratified(
    support: ArrayLike,
    rule: str,
    noise: ArrayLike,
    parliament_bias: ArrayLike,
) -> NDArray[np.bool_]:
    """Whether the deal is ratified under ``rule``.

    ``noise`` is the referendum's deviation of the yes share from support (drawn by the
    caller), ignored by the other rules.
    """
    support = np.asarray(support, dtype=float)
    if rule == "referendum":
        return support + np.asarray(noise) > 0.5
    if rule == "parliament":
        return support + np.asarray(parliament_bias) > 0.5
    if rule == "decree":
        return np.ones_like(support, dtype=bool)
    raise ValueError(f"unknown ratification rule {rule!r}; allowed: {', '.join(RULES)}")


def deal_legitimacy(
    support: ArrayLike, by_referendum: ArrayLike, procedural_weight: ArrayLike
) -> NDArray[np.float64]:
    """Legitimacy of a deal in force: ``omega * referendum + (1 - omega) * support``."""
    omega = np.asarray(procedural_weight, dtype=float)
    procedure = np.asarray(by_referendum, dtype=float)
    return np.clip(omega * procedure + (1.0 - omega) * np.asarray(support), 0.0, 1.0)


def approval_after_signing(
    approval: ArrayLike, support: ArrayLike, audience_cost: ArrayLike
) -> NDArray[np.float64]:
    """Leader's approval after signing: the audience cost times the share opposing."""
    opposed = 1.0 - np.asarray(support, dtype=float)
    return np.clip(np.asarray(approval) - np.asarray(audience_cost) * opposed, 0.0, 1.0)


def ratification_chance(
    support: ArrayLike, rule: str, noise_sd: ArrayLike, parliament_bias: ArrayLike
) -> NDArray[np.float64]:
    r"""The government's expected probability that a deal is ratified under ``rule``.

    By referendum, :math:`\Phi((s - 1/2)/\sigma)` with :math:`\sigma` the referendum's noise
    (a step at one half when :math:`\sigma = 0`); by parliament, whether
    :math:`s + b > 1/2`; by decree, certainty. It is what :func:`ratified` would decide,
    before the draw.
    """
    from scipy.special import ndtr

    s = np.asarray(support, dtype=float)
    if rule == "referendum":
        sd = np.asarray(noise_sd, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(sd > 0, (s - 0.5) / np.where(sd > 0, sd, 1.0), np.sign(s - 0.5) * np.inf)
        return ndtr(z)
    if rule == "parliament":
        return (s + np.asarray(parliament_bias) > 0.5).astype(float)
    if rule == "decree":
        return np.ones_like(s)
    raise ValueError(f"unknown ratification rule {rule!r}; allowed: {', '.join(RULES)}")


def government_signs(
    ratification_chance: ArrayLike,
    signing_confidence: ArrayLike,
    pressure: ArrayLike,
    approval_after_signing: ArrayLike,
    approval_floor: ArrayLike,
) -> NDArray[np.bool_]:
    r"""Whether the defender's government signs a deal the invader has accepted.

    Putnam's chief negotiator signs what it expects level II to ratify, and weighs its own
    survival: it signs when

    .. math:: \pi \ge \bar\pi - q \quad\text{and}\quad A' \ge A^* - q,

    with :math:`\pi` its expected chance of ratification, :math:`\bar\pi` the confidence it
    needs, :math:`A'` its approval after paying the audience cost and :math:`A^*` the
    approval below which its removal hazard rises (leadership). Pressure :math:`q \ge 0` (a
    patron's threat to cut aid, the public's weariness) lowers both bars: a government can be
    pushed into a deal it would not choose.
    """
    q = np.asarray(pressure, dtype=float)
    confident = np.asarray(ratification_chance) >= np.asarray(signing_confidence) - q
    survives = np.asarray(approval_after_signing) >= np.asarray(approval_floor) - q
    return confident & survives
