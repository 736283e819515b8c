r"""Leadership: approval, removal hazard, instability, elections, repudiation of the deal.

The leader's monthly hazard of losing office rises steeply as protest passes a critical
share and as approval falls below a floor (leader-survival models: Bueno de Mesquita et al.
2003; Chiozza & Goemans 2011; Archigos, Goemans, Gleditsch & Chiozza 2009):

.. math::

    h = h_0 + h_P\, \sigma\!\Big(\frac{P - P^*}{s}\Big) + h_A \max(0, A^* - A),

with :math:`P^*` by default 3.5% (Chenoweth & Stephan 2011: no campaign that reached 3.5%
active participation at its peak failed). A removal by this hazard (protest, low approval
or other causes; not a lost election, which is an orderly transfer) starts an instability
spell of geometric length with mean :math:`m`, during which the defender's military
effectiveness is lowered (battlefield). The first successor after a deal, whether it came
by removal or by election, repudiates the deal with probability :math:`\rho`.

**Approval runs both ways.** Each month approval moves a share :math:`\kappa` of the way to
a *target* that the war's costs pull down (the wartime rally decays towards it):

.. math::

    A' = A + \kappa\,(A^\dagger - A), \qquad
    A^\dagger = \mathrm{clip}\big(\bar A + \rho\,\mathbf 1[\text{war}] - \beta_C \ln(1 + C / C_0)
        - \big(\beta_S \frac{m}{m + m_{1/2}} + \beta_L \frac{\max(0, x^+ - x)}{x^+}\big)
        \mathbf 1[\text{war}],\ 0,\ 1\big).

- *Casualties* (Mueller 1973, ch. 3): support for the wars in Korea and Vietnam fell with the
  logarithm of cumulative own casualties, by about 15 points for each tenfold rise, i.e.
  :math:`\beta_C \approx 0.15 / \ln 10 = 0.065` per unit of :math:`\ln C`. :math:`C` is the
  defender's cumulative military casualties (killed and wounded) since month 0 and
  :math:`C_0` the count at which the log term starts to bite.
- *Stalemate and losses* (Gelpi, Feaver & Reifler 2005/06, 2009): the public tolerates
  casualties while it expects success; when the war stops going well, support erodes.
  :math:`m` is the months since the line last reached its best (opinion's stalemate count),
  saturating with half-erosion at :math:`m_{1/2}`; :math:`x^+ - x` is the ground lost since
  the best line :math:`x^+`. A gain resets :math:`m` to zero, so success lifts the target
  back (:func:`approval_target`).
- *Rally* (Mueller 1973; Baker & Oneal 2001): while the war is fought the target is lifted
  by :math:`\rho`; approval above the target decays geometrically at rate :math:`\kappa`,
  and in a ceasefire approval returns towards :math:`\bar A` less the casualties' cost.

With :math:`\rho = \beta_C = \beta_S = \beta_L = 0` this is the plain reversion to :math:`\bar A`.
A deal costs the signer an audience cost (ratification). After a deal, the election that
martial law postponed is held; the incumbent loses when approval plus noise is below one half.

**Pressure to settle.** War weariness turns into pressure on the government to settle
(:func:`settlement_pressure`): a weighted mean of the share of citizens willing to concede
territory for peace, :math:`1 - R`, and approval's relative fall from the incumbent's
wartime peak,

.. math::

    \pi = \omega (1 - R) + (1 - \omega) \frac{\max(0, A^{\max} - A)}{A^{\max}} \in [0, 1],

the realists' channel (costs mount, the public tires, the government is pushed to settle;
Mueller 1973; Gartner & Segura 1998; Fearon 1995 on the defender's cost of war). It is
recorded each month as ``settlement_pressure``.

References
----------
Mueller, J. E. (1973). *War, Presidents and Public Opinion*. Wiley.
Gelpi, C., Feaver, P. D., & Reifler, J. (2005/06). Success matters: casualty sensitivity and
the war in Iraq. *International Security* 30(3), 7-46.
Gelpi, C., Feaver, P. D., & Reifler, J. (2009). *Paying the Human Costs of War*. Princeton
University Press.
Gartner, S. S., & Segura, G. M. (1998). War, casualties, and public opinion. *Journal of
Conflict Resolution* 42(3), 278-300.
Baker, W. D., & Oneal, J. R. (2001). Patriotism or opinion leadership? The nature and origins
of the "rally 'round the flag" effect. *Journal of Conflict Resolution* 45(5), 661-687.
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization* 49(3),
379-414.
Goemans, H. E., Gleditsch, K. S., & Chiozza, G. (2009). Introducing Archigos: a dataset of
political leaders. *Journal of Peace Research* 46(2), 269-283.
Chiozza, G., & Goemans, H. E. (2011). *Leaders and International Conflict*. Cambridge
University Press.
Chenoweth, E., & Stephan, M. J. (2011). *Why Civil Resistance Works*. Columbia University
Press.
Bueno de Mesquita, B., Smith, A., Siverson, R. M., & Morrow, J. D. (2003). *The Logic of
Political Survival*. MIT Press.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from offramp import libm


def removal_hazard(
    protest: ArrayLike,
    approval: ArrayLike,
    base_hazard: ArrayLike,
    protest_hazard: ArrayLike,
    critical_protest: ArrayLike,
    steepness: ArrayLike,
    approval_hazard: ArrayLike,
    approval_floor: ArrayLike,
) -> NDArray[np.float64]:
    """Monthly probability that the leader loses office."""
    z = (np.asarray(protest, dtype=float) - np.asarray(critical_protest)) / np.asarray(steepness)
    from_protest = np.asarray(protest_hazard) * 0.5 * (1.0 + libm.tanh(0.5 * z))
    shortfall = np.maximum(np.asarray(approval_floor) - np.asarray(approval, dtype=float), 0.0)
    h = np.asarray(base_hazard) + from_protest + np.asarray(approval_hazard) * shortfall
    return np.clip(h, 0.0, 1.0)


def revert_approval(
    approval: ArrayLike, baseline: ArrayLike, reversion: ArrayLike
) -> NDArray[np.float64]:
    """Approval after a month of reversion towards ``baseline`` (a level or the month's target)."""
    a = np.asarray(approval, dtype=float)
    return np.clip(a + np.asarray(reversion) * (np.asarray(baseline) - a), 0.0, 1.0)


def casualty_cost(
    casualties: ArrayLike, sensitivity: ArrayLike, scale: ArrayLike
) -> NDArray[np.float64]:
    """Approval lost to cumulative casualties, ``beta_C ln(1 + C / C_0)`` (Mueller 1973).

    Each tenfold rise in casualties (once ``C >> C_0``) costs ``beta_C ln 10`` of approval:
    Mueller's Korea and Vietnam series give about 0.15, so ``beta_C`` about 0.065.
    """
    c = np.maximum(np.asarray(casualties, dtype=float), 0.0)
    return np.asarray(sensitivity) * libm.log1p(c / np.maximum(np.asarray(scale, dtype=float), 1.0))


def setback_cost(
    stalemate: ArrayLike,
    best_territory: ArrayLike,
    territory: ArrayLike,
    stalemate_sensitivity: ArrayLike,
    stalemate_half_months: ArrayLike,
    loss_sensitivity: ArrayLike,
) -> NDArray[np.float64]:
    """Approval lost when the war stops going well (Gelpi, Feaver & Reifler 2009).

    ``beta_S m / (m + m_half) + beta_L max(0, x_best - x) / x_best``: months without an
    advance erode approval, saturating at ``beta_S``; ground lost since the best line costs
    ``beta_L`` per unit share of it. A month that reaches the best line resets ``m`` to zero.
    """
    m = np.maximum(np.asarray(stalemate, dtype=float), 0.0)
    half = np.maximum(np.asarray(stalemate_half_months, dtype=float), 1e-9)
    best = np.maximum(np.asarray(best_territory, dtype=float), 1e-9)
    lost = np.maximum(best - np.asarray(territory, dtype=float), 0.0) / best
    return np.asarray(stalemate_sensitivity) * m / (m + half) + np.asarray(loss_sensitivity) * lost


def approval_target(
    baseline: ArrayLike, casualty_loss: ArrayLike, setback_loss: ArrayLike
) -> NDArray[np.float64]:
    """The level approval reverts to this month: the baseline less the war's costs."""
    target = np.asarray(baseline, dtype=float) - np.asarray(casualty_loss) - setback_loss
    return np.clip(target, 0.0, 1.0)


def settlement_pressure(
    refusing: ArrayLike, approval: ArrayLike, peak_approval: ArrayLike, weariness_weight: ArrayLike
) -> NDArray[np.float64]:
    """Pressure on the government to settle, in [0, 1].

    ``omega (1 - R) + (1 - omega) max(0, A_max - A) / A_max``, with ``R`` the share refusing
    any concession (so ``1 - R`` is the share willing to concede), ``A`` approval and
    ``A_max`` the incumbent's highest approval of the war. It rises with weariness (as
    ``R`` falls) and with approval's fall, and is 0 only when nobody would concede and
    approval is at its peak.

    How it enters the defender's choice to sign: a government under pressure accepts worse
    terms, so the pressure lowers the bar an offered deal must clear.
    :func:`offramp.mechanisms.ratification.government_signs` lowers both its bars (the
    expected chance of ratification and the approval floor) by ``lambda pi``, with
    ``lambda`` the scenario's ``ratification.pressure_weight``. This function only computes
    ``pi``.
    """
    r = np.clip(np.asarray(refusing, dtype=float), 0.0, 1.0)
    a = np.clip(np.asarray(approval, dtype=float), 0.0, 1.0)
    peak = np.maximum(np.asarray(peak_approval, dtype=float), a)
    fall = np.where(peak > 0, (peak - a) / np.where(peak > 0, peak, 1.0), 0.0)
    w = np.clip(np.asarray(weariness_weight, dtype=float), 0.0, 1.0)
    return np.clip(w * (1.0 - r) + (1.0 - w) * fall, 0.0, 1.0)


def instability_length(mean_months: ArrayLike, uniform: ArrayLike) -> NDArray[np.float64]:
    """Length in months of an instability spell: geometric with the given mean (>= 1).

    Inverse-transform sampling from one uniform draw per run.
    """
    mean = np.maximum(np.asarray(mean_months, dtype=float), 1.0)
    p = 1.0 / mean
    u = np.clip(np.asarray(uniform, dtype=float), 1e-12, 1.0 - 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        length = np.ceil(libm.log1p(-u) / libm.log1p(-p))
    length = np.where(p >= 1.0, 1.0, length)
    return np.where(np.asarray(mean_months) <= 0, 0.0, np.maximum(length, 1.0))


def incumbent_loses_election(
    approval: ArrayLike, noise_sd: ArrayLike, shock: ArrayLike
) -> NDArray[np.bool_]:
    """Whether the incumbent's vote share (approval plus noise) falls below one half."""
    vote = np.asarray(approval, dtype=float) + np.asarray(noise_sd) * np.asarray(shock)
    return vote < 0.5


def legitimacy(
    approval: ArrayLike, deal_legitimacy: ArrayLike, deal_active: ArrayLike, deal_weight: ArrayLike
) -> NDArray[np.float64]:
    """Government legitimacy: approval, mixed with the deal's legitimacy while one is in force."""
    weight = np.asarray(deal_weight) * np.asarray(deal_active, dtype=float)
    mixed = (1.0 - weight) * np.asarray(approval) + weight * np.asarray(deal_legitimacy)
    return np.clip(mixed, 0.0, 1.0)


def election_due(
    deal_active: ArrayLike, election_delay: ArrayLike, month: int, ceasefire_month: ArrayLike
) -> NDArray[np.bool_]:
    """Whether the election that martial law postponed falls in ``month``.

    It is held ``election_delay`` months after a deal took effect, while the deal is in force
    (a delay of 0 means no election is held).
    """
    delay = np.asarray(election_delay)
    return (
        np.asarray(deal_active, dtype=bool)
        & (delay > 0)
        & (month == np.asarray(ceasefire_month) + delay)
    )


def successor_repudiates(
    removed: ArrayLike,
    deal_active: ArrayLike,
    successor_decided: ArrayLike,
    uniform: ArrayLike,
    repudiation_probability: ArrayLike,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """The first successor after a deal decides, once, whether to repudiate it.

    Returns ``(decides, repudiates)``: who decides this month, and who of them repudiates
    (with probability ``repudiation_probability``). A deal kept by a successor is no longer
    one leader's personal concession, so later successors do not decide again.
    """
    decides = (
        np.asarray(removed, dtype=bool)
        & np.asarray(deal_active, dtype=bool)
        & ~np.asarray(successor_decided, dtype=bool)
    )
    return decides, decides & (np.asarray(uniform) < np.asarray(repudiation_probability))
