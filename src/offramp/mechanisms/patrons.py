r"""Patrons: aid with donor fatigue, sanctions on the invader, security guarantees.

Aid is an index (1 = the 2022-24 average of military allocations, Kiel Ukraine Support
Tracker). Donor fatigue accumulates with the duration of war and with the economic costs
that the op-ed's critics stress (food and energy prices):

.. math::

    F_{t+1} = F_t + \tfrac{1}{12}\,(\phi + \eta\, \pi_t)\ \text{while at war}, \qquad
    \text{aid}_t = \text{aid}_0 \cdot \ell \cdot e^{-F_t},

with :math:`\phi` the yearly fatigue rate, :math:`\eta` the price sensitivity, :math:`\ell`
the policy's aid level, and economic pressure :math:`\pi_t \ge 0` an AR(1) process
:math:`\pi_{t+1} = \max(0, \rho \pi_t + s \varepsilon_t)`. During a ceasefire aid falls to a
share of the wartime level. Sanctions remove a share of the invader's intake; a deal may
lift part of them. A security guarantee of credibility :math:`g` costs a resuming invader
:math:`g \cdot C_G` in expectation.

References
----------
Trebesch, C. et al. (2023). The Ukraine Support Tracker. Kiel Working Paper 2218.
Kertzer, J. D., Brooks, D. J., & Brooks, S. G. (2021). Do partisan types stop at the
water's edge? *Journal of Politics* 83(4) (on public support for costly foreign policy).
Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of peace.
*International Organization* 57(2), 337-372 (third-party guarantees and durable peace).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm


def economic_pressure(
    pressure: ArrayLike, persistence: ArrayLike, volatility: ArrayLike, shock: ArrayLike
) -> NDArray[np.float64]:
    """One month of the AR(1) economic pressure on patrons, floored at zero."""
    nxt = np.asarray(persistence) * np.asarray(pressure) + np.asarray(volatility) * np.asarray(
        shock
    )
    return np.maximum(nxt, 0.0)


def accumulate_fatigue(
    fatigue: ArrayLike,
    at_war: ArrayLike,
    fatigue_per_year: ArrayLike,
    price_sensitivity: ArrayLike,
    pressure: ArrayLike,
) -> NDArray[np.float64]:
    """Donor fatigue after one more month (it grows only while at war)."""
    rate = (np.asarray(fatigue_per_year) + np.asarray(price_sensitivity) * pressure) / 12.0
    return np.asarray(fatigue, dtype=float) + rate * np.asarray(at_war, dtype=float)


def aid_level(
    base_aid: ArrayLike,
    policy_aid: ArrayLike,
    fatigue: ArrayLike,
    at_war: ArrayLike,
    peace_share: ArrayLike,
) -> NDArray[np.float64]:
    """Aid index this month: ``aid0 * policy * exp(-F)``, times ``peace_share`` in peace."""
    wartime = np.asarray(base_aid) * np.asarray(policy_aid) * libm.exp(-np.asarray(fatigue))
    return np.where(np.asarray(at_war, dtype=bool), wartime, wartime * np.asarray(peace_share))


def sanctioned_intake(
    intake: ArrayLike, sanctions: ArrayLike, relief: ArrayLike
) -> NDArray[np.float64]:
    """Invader's monthly intake under sanctions of which a share ``relief`` was lifted."""
    remaining = np.asarray(sanctions) * (1.0 - np.asarray(relief))
    return np.asarray(intake, dtype=float) * (1.0 - remaining)


def guarantee_expected_cost(credibility: ArrayLike, cost: ArrayLike) -> NDArray[np.float64]:
    """Expected cost of a guarantee to a resuming invader: credibility times cost."""
    return np.asarray(credibility, dtype=float) * np.asarray(cost, dtype=float)
