r"""Bargaining: the range of deals both sides prefer to war, shifting power, resumption.

**Fearon's bargaining range** (1995). Two sides divide a stake of value 1; :math:`x` is side
A's share, :math:`p` A's probability of winning a war, and war costs A :math:`c_A` and B
:math:`c_B` (in units of the stake). A prefers :math:`x` to war when :math:`x > p - c_A`;
B when :math:`1 - x > 1 - p - c_B`. Every :math:`x` strictly inside

.. math:: (p - c_A,\; p + c_B)

is preferred by both; the range is never empty when costs are positive.

**Powell's commitment problem** (2006). The declining state's probability of winning falls
from :math:`p_t` to :math:`p_{t+1}` and stays there; war is a costly lottery that ends the
game; costs :math:`c_D, c_R` are per period, in units of the per-period stake; :math:`\delta`
is the discount factor. The most the rising state can give the declining one today is the
whole period's stake, and from tomorrow on no more than the declining state could then get
by fighting, so the declining state needs

.. math::

    x_t \ge L = \frac{(p_t - c_D) - \delta (p_{t+1} - c_D)}{1 - \delta},

and the rising state gives at most :math:`U = 1 + \frac{\delta (1 - p_{t+1} + c_D) - (1 -
p_t - c_R)}{1 - \delta}`. No peaceful division survives the shift when :math:`L > 1` or
:math:`U < 0` (with :math:`x_t \in [0, 1]`): large, rapid shifts mean war, small ones do not.

**The invader's choice during a ceasefire.** Each month the invader compares renewed war,

.. math::

    V_{war} = p_I \cdot W (1 + e \cdot \text{cession}) - c_I - g C_G - S,

(:math:`p_I` its probability of winning against the defender's *current* effective power,
lowered by instability; :math:`W` its war aim; :math:`e` emboldening after a de jure
cession; :math:`g C_G` the expected cost of a guarantee; :math:`S` the sanctions relief it
would lose) with peace (value 0), and resumes with monthly probability

.. math::

    h \cdot \sigma\big((V_{war} - V_{peace}) / \tau\big)
    + h_{prev} \cdot \mathbf 1[\text{Powell's condition}],

a logit choice with temperature :math:`\tau` (quantal response, McKelvey & Palfrey 1995),
plus a preventive term when the power the invader expects to lose over the coming year
leaves no peaceful division (the engine evaluates Powell's condition with costs per unit of
the war aim). :math:`S` is the value of the sanctions relief the deal granted, which a
resumption forfeits.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization*
49(3), 379-414.
Powell, R. (2006). War as a commitment problem. *International Organization* 60(1),
169-203.
Tullock, G. (1980). Efficient rent seeking. In *Toward a Theory of the Rent-Seeking
Society* (contest success function p = a / (a + b)).
McKelvey, R. D., & Palfrey, T. R. (1995). Quantal response equilibria for normal form
games. *Games and Economic Behavior* 10(1), 6-38.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm
from offramp.mechanisms.battlefield import projected_force


def bargaining_range(
    p: ArrayLike, cost_a: ArrayLike, cost_b: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Fearon's range of A's share that both sides prefer to war.

    Parameters
    ----------
    p : array_like
        A's probability of winning a war, in [0, 1].
    cost_a, cost_b : array_like
        Costs of war to A and to B, in units of the stake (non-negative).

    Returns
    -------
    low, high : ndarray
        ``max(p - cost_a, 0)`` and ``min(p + cost_b, 1)``: the shares of A both prefer
        (strictly inside) to war, within the stake [0, 1].

    Examples
    --------
    >>> low, high = bargaining_range(0.6, 0.1, 0.2)
    >>> float(low), float(high)
    (0.5, 0.8)
    """
    p = np.asarray(p, dtype=float)
    low = np.clip(p - np.asarray(cost_a, dtype=float), 0.0, 1.0)
    high = np.clip(p + np.asarray(cost_b, dtype=float), 0.0, 1.0)
    return low, high


def shifting_power_war(
    p_now: ArrayLike,
    p_next: ArrayLike,
    discount: ArrayLike,
    cost_declining: ArrayLike,
    cost_rising: ArrayLike,
) -> NDArray[np.bool_]:
    """Powell's condition: True where no peaceful division survives the shift of power.

    Parameters
    ----------
    p_now, p_next : array_like
        The declining state's probability of winning now and after the shift.
    discount : array_like
        Discount factor per period, in (0, 1).
    cost_declining, cost_rising : array_like
        Per-period costs of war, in units of the per-period stake.

    Returns
    -------
    ndarray of bool
        Whether the commitment problem makes war inevitable.
    """
    p_now = np.asarray(p_now, dtype=float)
    p_next = np.asarray(p_next, dtype=float)
    delta = np.asarray(discount, dtype=float)
    c_d = np.asarray(cost_declining, dtype=float)
    c_r = np.asarray(cost_rising, dtype=float)
    needed_by_declining = ((p_now - c_d) - delta * (p_next - c_d)) / (1.0 - delta)
    offered_by_rising = 1.0 + (delta * (1.0 - p_next + c_d) - (1.0 - p_now - c_r)) / (1.0 - delta)
    return (needed_by_declining > 1.0) | (offered_by_rising < 0.0)


def win_probability(power: ArrayLike, opposing_power: ArrayLike) -> NDArray[np.float64]:
    """Tullock contest success function ``power / (power + opposing_power)``."""
    power = np.asarray(power, dtype=float)
    total = power + np.asarray(opposing_power, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, power / total, 0.5)


def logit_choice(advantage: ArrayLike, temperature: ArrayLike) -> NDArray[np.float64]:
    """Probability of choosing an option with the given advantage, ``1 / (1 + e^{-a/tau})``."""
    z = np.asarray(advantage, dtype=float) / np.asarray(temperature, dtype=float)
    return 0.5 * (1.0 + libm.tanh(0.5 * z))


def accepts_deal(
    share_offered: ArrayLike,
    expected_war_share: ArrayLike,
    war_cost: ArrayLike,
    temperature: ArrayLike,
) -> NDArray[np.float64]:
    """Probability that a side accepts ``share_offered`` rather than fight on.

    The deal is inside Fearon's range for that side when ``share >= p - cost``; the logit
    turns the distance to that edge into a probability.
    """
    edge = np.asarray(expected_war_share) - np.asarray(war_cost)
    return logit_choice(np.asarray(share_offered) - edge, temperature)


def renewed_war_value(
    p_invader: ArrayLike,
    war_aim: ArrayLike,
    emboldening: ArrayLike,
    ceded: ArrayLike,
    war_cost: ArrayLike,
    guarantee_cost: ArrayLike,
    sanctions_value: ArrayLike,
) -> NDArray[np.float64]:
    """Invader's value of resuming war relative to keeping the ceasefire (stake units)."""
    gain = np.asarray(war_aim) * (1.0 + np.asarray(emboldening) * np.asarray(ceded, dtype=float))
    return (
        np.asarray(p_invader) * gain
        - np.asarray(war_cost)
        - np.asarray(guarantee_cost)
        - np.asarray(sanctions_value)
    )


def resumption_probability(
    war_value: ArrayLike,
    temperature: ArrayLike,
    max_hazard: ArrayLike,
    preventive: ArrayLike,
    preventive_hazard: ArrayLike,
) -> NDArray[np.float64]:
    """Monthly probability that the invader resumes war during a ceasefire."""
    logit = np.asarray(max_hazard) * logit_choice(war_value, temperature)
    extra = np.asarray(preventive_hazard) * np.asarray(preventive, dtype=float)
    return np.clip(logit + extra, 0.0, 1.0)


def expected_war_share(
    invader_share: ArrayLike, p_defender: ArrayLike, war_aim: ArrayLike
) -> NDArray[np.float64]:
    r"""The invader's expected share of the territory if it fights on rather than sign.

    It keeps what it holds and wins its war aim with its probability of winning:
    :math:`E[x_I] = x_I + (1 - p_D)\, W`. This is the :math:`p` of Fearon's range on the
    invader's side, so a deal at the line is inside the range when
    :math:`x_I \ge E[x_I] - c_I` (:func:`accepts_deal`).
    """
    return np.asarray(invader_share, dtype=float) + (1.0 - np.asarray(p_defender)) * np.asarray(
        war_aim
    )


def year_ahead_win_probability(
    defender_force: ArrayLike,
    invader_force: ArrayLike,
    defender_intake: ArrayLike,
    invader_intake: ArrayLike,
    defender_cap: ArrayLike,
    invader_cap: ArrayLike,
    defender_lethality: ArrayLike,
    invader_lethality: ArrayLike,
    stalemate_ratio: ArrayLike,
    months: float = 12,
) -> NDArray[np.float64]:
    r"""The invader's probability of winning after ``months`` of peace (Powell's p_{t+1}).

    Both sides recruit towards their caps
    (:func:`~offramp.mechanisms.battlefield.projected_force`) and any instability has ended
    (``defender_lethality`` is the defender's effectiveness without the instability
    penalty); the power each then brings is weighed as today,

    .. math:: p_I' = 1 - \frac{d D'}{d D' + r^* a I'},

    so that the shift of power Powell's commitment problem is about is the change from
    today's :math:`p_I` to :math:`p_I'`.
    """
    defender_next = projected_force(
        force=defender_force, intake=defender_intake, cap=defender_cap, months=months
    )
    invader_next = projected_force(
        force=invader_force, intake=invader_intake, cap=invader_cap, months=months
    )
    p_defender = win_probability(
        power=np.asarray(defender_lethality) * defender_next,
        opposing_power=np.asarray(stalemate_ratio) * np.asarray(invader_lethality) * invader_next,
    )
    return 1.0 - p_defender


def deal_value_to_invader(
    invader_share: ArrayLike,
    withdrawal: ArrayLike,
    recognised_fraction: ArrayLike,
    recognition_value: ArrayLike,
    army_cap: ArrayLike,
    army_cap_value: ArrayLike,
    nato_renounced: ArrayLike,
    nato_value: ArrayLike,
    weapons_limits: ArrayLike,
    weapons_limits_value: ArrayLike,
    sanctions_relief: ArrayLike,
    sanctions_value: ArrayLike,
    foreign_troops: ArrayLike,
    foreign_troops_cost: ArrayLike,
) -> NDArray[np.float64]:
    r"""The invader's value of a deal, in units of the stake (its side of Fearon's division).

    .. math::

        x_I^{deal} = x_I + v + \rho\, V_R + [\text{cap}]\, V_C + [\text{NATO}]\, V_N
        + [\text{limits}]\, V_W + s\, V_S - [\text{troops}]\, C_T,

    the territory it holds and is handed (:math:`v`), plus what recognition (of a fraction
    :math:`\rho` of what it occupies), an army cap, NATO renounced, weapons limits and
    sanctions relief :math:`s` are worth to it, less the cost of a foreign force on the
    defender's territory. With no terms this is the line itself, as in Fearon (1995).
    """
    return (
        np.asarray(invader_share, dtype=float)
        + np.asarray(withdrawal)
        + np.asarray(recognised_fraction) * np.asarray(recognition_value)
        + (np.asarray(army_cap) > 0) * np.asarray(army_cap_value)
        + np.asarray(nato_renounced, dtype=float) * np.asarray(nato_value)
        + np.asarray(weapons_limits, dtype=float) * np.asarray(weapons_limits_value)
        + np.asarray(sanctions_relief) * np.asarray(sanctions_value)
        - np.asarray(foreign_troops, dtype=float) * np.asarray(foreign_troops_cost)
    )


def invader_accepts(
    deal_value: ArrayLike,
    expected_war_share: ArrayLike,
    invader_war_cost: ArrayLike,
    defender_war_cost: ArrayLike,
    temperature: ArrayLike,
) -> NDArray[np.float64]:
    """Probability that the invader signs: the deal against the low end of Fearon's range.

    The invader prefers a deal to fighting on when its value is above ``low`` of
    :func:`bargaining_range` (its expected war share less its cost of war); the logit turns
    the distance into a probability (quantal response).
    """
    low, _ = bargaining_range(expected_war_share, invader_war_cost, defender_war_cost)
    return logit_choice(np.asarray(deal_value) - low, temperature)
