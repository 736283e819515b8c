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

Approval reverts to a baseline, :math:`A' = A + \kappa (\bar A - A)`, and a
deal costs the signer an audience cost (ratification). After a deal, the election that
martial law postponed is held; the incumbent loses when approval plus noise is below one half.

References
----------
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
    from_protest = np.asarray(protest_hazard) * 0.5 * (1.0 + np.tanh(0.5 * z))
    shortfall = np.maximum(np.asarray(approval_floor) - np.asarray(approval, dtype=float), 0.0)
    h = np.asarray(base_hazard) + from_protest + np.asarray(approval_hazard) * shortfall
    return np.clip(h, 0.0, 1.0)


def revert_approval(
    approval: ArrayLike, baseline: ArrayLike, reversion: ArrayLike
) -> NDArray[np.float64]:
    """Approval after a month of reversion towards its baseline."""
    a = np.asarray(approval, dtype=float)
    return np.clip(a + np.asarray(reversion) * (np.asarray(baseline) - a), 0.0, 1.0)


def instability_length(mean_months: ArrayLike, uniform: ArrayLike) -> NDArray[np.float64]:
    """Length in months of an instability spell: geometric with the given mean (>= 1).

    Inverse-transform sampling from one uniform draw per run.
    """
    mean = np.maximum(np.asarray(mean_months, dtype=float), 1.0)
    p = 1.0 / mean
    u = np.clip(np.asarray(uniform, dtype=float), 1e-12, 1.0 - 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        length = np.ceil(np.log1p(-u) / np.log1p(-p))
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
