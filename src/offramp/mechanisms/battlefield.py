r"""Battlefield: Lanchester attrition, force ratio, territory and casualties.

Attrition follows Lanchester's square law (aimed fire). Over one month of fighting, with
defender force :math:`D`, invader force :math:`I`, and coefficients :math:`d` (invader
losses per defender unit and month) and :math:`a` (defender losses per invader unit),

.. math::

    \dot D = -a I, \qquad \dot I = -d D,

whose exact solution over a step :math:`t`, with :math:`w = \sqrt{a d}`, is

.. math::

    D(t) = D_0 \cosh wt - \sqrt{a/d}\, I_0 \sinh wt, \qquad
    I(t) = I_0 \cosh wt - \sqrt{d/a}\, D_0 \sinh wt,

and which conserves :math:`d D^2 - a I^2` (the square law). Recruitment is added after the
attrition step, up to each side's cap.

The line moves with the effective force ratio :math:`r = d_{\mathrm{eff}} D / (a I)`, the
ratio of the losses each side inflicts. With :math:`r^*` the ratio at which the line holds
(the defence's advantage), the defender's share of its territory changes by

.. math::

    \Delta x = \kappa \ln(r / r^*) + \sigma \varepsilon, \qquad \varepsilon \sim N(0, 1),

kept within [floor, 1]. This "force ratio to territory drift" form is the usual reduced
form of attrition models of the front (Epstein 1985; Biddle 2004 on force employment makes
:math:`r^*` larger than one for a prepared defence).

References
----------
Lanchester, F. W. (1916). *Aircraft in Warfare: The Dawn of the Fourth Arm*. Constable.
Taylor, J. G. (1983). *Lanchester Models of Warfare*. Operations Research Society of America.
Epstein, J. M. (1985). *The Calculus of Conventional War*. Brookings.
Biddle, S. (2004). *Military Power*. Princeton University Press.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm


def lanchester_square(
    defender: ArrayLike,
    invader: ArrayLike,
    defender_lethality: ArrayLike,
    invader_lethality: ArrayLike,
    months: float = 1.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact solution of Lanchester's square law over ``months``; forces floored at zero.

    Parameters
    ----------
    defender, invader : array_like
        Forces at the start of the step.
    defender_lethality, invader_lethality : array_like
        ``d`` (invader losses per defender unit and month) and ``a`` (defender losses per
        invader unit and month); both positive.
    months : float
        Length of the step.

    Returns
    -------
    defender, invader : ndarray
        Forces at the end of the step.
    """
    d0 = np.asarray(defender, dtype=float)
    i0 = np.asarray(invader, dtype=float)
    d = np.asarray(defender_lethality, dtype=float)
    a = np.asarray(invader_lethality, dtype=float)
    w = np.sqrt(a * d)
    # The closed form holds only until one side is destroyed, at t* = atanh(ratio) / w,
    # where the ratio is the loser's share of the conserved quantity's square root.
    with np.errstate(divide="ignore", invalid="ignore"):
        invader_ratio = np.sqrt(a / d) * i0 / d0
        defender_ratio = np.sqrt(d / a) * d0 / i0
        invader_ends = np.where(invader_ratio < 1, libm.arctanh(invader_ratio) / w, np.inf)
        defender_ends = np.where(defender_ratio < 1, libm.arctanh(defender_ratio) / w, np.inf)
    t = np.minimum(np.minimum(months, invader_ends), defender_ends)
    cosh, sinh = libm.cosh(w * t), libm.sinh(w * t)
    d1 = d0 * cosh - np.sqrt(a / d) * i0 * sinh
    i1 = i0 * cosh - np.sqrt(d / a) * d0 * sinh
    d1 = np.where(defender_ends <= t, 0.0, d1)
    i1 = np.where(invader_ends <= t, 0.0, i1)
    return np.maximum(d1, 0.0), np.maximum(i1, 0.0)


def effective_force_ratio(
    defender: ArrayLike,
    invader: ArrayLike,
    defender_lethality: ArrayLike,
    invader_lethality: ArrayLike,
) -> NDArray[np.float64]:
    """Ratio of the losses each side inflicts, ``d D / (a I)`` (infinite if I is zero)."""
    inflicted_by_defender = np.asarray(defender_lethality) * np.asarray(defender, dtype=float)
    inflicted_by_invader = np.asarray(invader_lethality) * np.asarray(invader, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = inflicted_by_defender / inflicted_by_invader
    return np.where(inflicted_by_invader > 0, ratio, np.inf)


def defender_effectiveness(
    base_lethality: ArrayLike,
    aid: ArrayLike,
    aid_dependence: ArrayLike,
    instability: ArrayLike,
    instability_penalty: ArrayLike,
) -> NDArray[np.float64]:
    """Defender's lethality given aid and political instability.

    ``d_eff = d * ((1 - s) + s * aid) * (1 - penalty * instability)``, with ``s`` the share
    of effectiveness that depends on patron aid (aid is an index, 1 = the reference level)
    and ``instability`` 1 during an instability spell and 0 otherwise.
    """
    s = np.asarray(aid_dependence, dtype=float)
    aid_factor = (1.0 - s) + s * np.asarray(aid, dtype=float)
    politics = 1.0 - np.asarray(instability_penalty) * np.asarray(instability, dtype=float)
    return np.asarray(base_lethality, dtype=float) * aid_factor * politics


def territory_drift(
    territory: ArrayLike,
    force_ratio: ArrayLike,
    stalemate_ratio: ArrayLike,
    sensitivity: ArrayLike,
    noise_sd: ArrayLike,
    shock: ArrayLike,
    floor: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Defender's share after one month of fighting: ``x + k ln(r/r*) + sigma * shock``."""
    ratio = np.clip(np.asarray(force_ratio, dtype=float), 1e-6, 1e6)
    change = np.asarray(sensitivity) * libm.log(ratio / np.asarray(stalemate_ratio))
    change = change + np.asarray(noise_sd) * np.asarray(shock)
    return np.clip(np.asarray(territory, dtype=float) + change, floor, 1.0)


def recruit(force: ArrayLike, intake: ArrayLike, cap: ArrayLike) -> NDArray[np.float64]:
    """Add a month's intake, up to the cap (a force above its cap is not cut)."""
    force = np.asarray(force, dtype=float)
    return np.maximum(force, np.minimum(force + np.asarray(intake), cap))


def projected_force(
    force: ArrayLike, intake: ArrayLike, cap: ArrayLike, months: float
) -> NDArray[np.float64]:
    """The force after ``months`` without fighting: recruitment up to the cap.

    A force already above its cap keeps its size (recruitment never demobilises).
    """
    force = np.asarray(force, dtype=float)
    return np.minimum(force + months * np.asarray(intake), np.maximum(force, cap))


def resumption_surge(
    territory: ArrayLike, surge: ArrayLike, p_invader: ArrayLike, floor: ArrayLike
) -> NDArray[np.float64]:
    r"""The defender's territory after the invader's opening offensive of a renewed war.

    A surprise offensive takes :math:`\Delta x = s \cdot p_I` at once (the surge share times
    the invader's probability of winning), above the floor: the "further loss of land" of the
    op-ed's chain, step 4.
    """
    territory = np.asarray(territory, dtype=float)
    return np.maximum(territory - np.asarray(surge) * np.asarray(p_invader), floor)
