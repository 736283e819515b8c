"""A policy's deal, compiled into the numbers the monthly steps use.

A policy of kind ``deal`` offers the terms of a :class:`~offramp.scenario.deal.Deal`. The
two older kinds are deals too: ``land-for-peace`` recognises all of the occupied territory
at the line de jure, ``armistice`` freezes the line without recognition; their guarantees
and sanctions relief come from the policy's own numbers (``guarantee_credibility``,
``sanctions_relief``), their ratification rule from the scenario's defaults.

What each term does, and where (docs/deals.md):

- the public judges the package (``mechanisms.package_support``): ``package`` holds the
  keyword arguments of its terms;
- the invader values the deal at the table (``invader_term_value``: recognition, an army
  cap, NATO renounced, weapons limits and sanctions relief are worth something to it, a
  foreign force costs it);
- the invader's later choice to resume weighs the guarantees' credibility (raised by a
  tripwire force), the relief it would forfeit, the emboldening of the concession, and an
  army cap that holds the defender's peacetime force down;
- the patrons lift sanctions as the deal says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from offramp.mechanisms.deal_terms import ALL_OCCUPIED
from offramp.scenario.deal import Deal, package_terms
from offramp.scenario.schema import Policy, Scenario


@dataclass(frozen=True)
class DealTerms:
    """The engine's view of the deal a policy offers (None for fighting on)."""

    name: str
    ratification_rule: str
    # territory: de jure recognition of all occupied land (moves with the line), or a fixed
    # share of national territory for named areas; a withdrawal hands over held land
    recognises_all_occupied: bool
    recognised_share: float
    recognised_by_defender: bool
    withdrawal_share: float
    # security and economy
    guarantees: str
    guarantee_credibility: float | None  # the policy's own number (older kinds), else None
    foreign_troops: bool
    army_cap: float
    nato_renounced: bool
    weapons_limits: bool
    sanctions: str
    sanctions_relief: float | None  # the policy's own number (older kinds), else None
    vote_delay_months: int
    package: dict[str, Any] = field(default_factory=dict)

    def recognised(self, territory: NDArray[np.float64]) -> NDArray[np.float64]:
        """Share of national territory recognised as the invader's, for a line at ``territory``."""
        if self.recognises_all_occupied:
            return 1.0 - territory + self.withdrawal_share
        return np.full_like(territory, self.recognised_share)

    @property
    def by_referendum(self) -> bool:
        """Whether the public ratifies the deal itself (its legitimacy is then the vote's)."""
        return self.ratification_rule == "referendum"

    def concession(self, territory: NDArray[np.float64]) -> NDArray[np.float64]:
        """Size of the concession, 0-1: what is recognised de jure or handed over, as a share
        of the area occupied when the deal is signed (all of it recognised: 1).

        This scales the emboldening of the invader (``bargaining.renewed_war_value``).
        """
        occupied = np.maximum(1.0 - territory, 1e-9)
        recognised = self.recognised(territory) if self.recognised_by_defender else 0.0
        given = np.maximum(recognised, self.withdrawal_share)
        return np.clip(given / occupied, 0.0, 1.0)


def compile_deal(scenario: Scenario, policy: Policy) -> DealTerms | None:
    """The terms ``policy`` offers under ``scenario`` (None when it fights on)."""
    deal = scenario.offered_deal(policy)
    if deal is None:
        return None
    return _terms(scenario, deal, policy, own_numbers=not policy.names_deal)


def _scenario_rule(scenario: Scenario, deal: Deal) -> str:
    """The scenario's rule for a deal that does not name its own: a change of territory is
    a cession (Art. 73), anything else an armistice."""
    territory = deal.territory
    cedes = bool(territory.withdraw_from) or (
        bool(territory.recognized_de_jure) and territory.recognized_by == "defender"
    )
    rules = scenario.ratification
    return rules.cession_rule if cedes else rules.armistice_rule


def _terms(scenario: Scenario, deal: Deal, policy: Policy, own_numbers: bool) -> DealTerms:
    territory, security = deal.territory, deal.security
    everything = ALL_OCCUPIED in territory.recognized_de_jure
    package = {
        key: value
        for key, value in package_terms(deal).items()
        if key not in ("withdraw_from", "recognized_de_jure")
    }
    return DealTerms(
        name=deal.name,
        ratification_rule=policy.ratification
        or deal.process.ratification
        or _scenario_rule(scenario, deal),
        recognises_all_occupied=everything,
        recognised_share=0.0 if everything else deal.recognised_share(),
        recognised_by_defender=territory.recognized_by == "defender",
        withdrawal_share=deal.withdrawal_share(),
        guarantees=security.guarantees,
        guarantee_credibility=policy.guarantee_credibility if own_numbers else None,
        foreign_troops=security.foreign_troops,
        army_cap=float(security.army_cap),
        nato_renounced=security.nato == "renounced",
        weapons_limits=security.weapons_limits,
        sanctions=deal.economy.sanctions,
        sanctions_relief=policy.sanctions_relief if own_numbers else None,
        vote_delay_months=int(np.ceil(deal.process.ceasefire_days_before_vote / 30.0)),
        package=package,
    )


def guarantee_credibility(terms: DealTerms, P: Any) -> NDArray[np.float64]:
    """Per-run credibility of the deal's guarantees, as the invader sees it.

    A land-for-peace or armistice policy states its own number; a deal's category takes the
    scenario's credibility for it. A reassurance force on the ground adds a tripwire:
    :math:`c' = 1 - (1 - c)(1 - \tau)` (Schelling 1966).
    """
    if terms.guarantee_credibility is not None:
        credibility = P["policy.guarantee_credibility"]
    elif terms.guarantees == "none":
        credibility = np.zeros(P.n_runs)
    else:
        credibility = P[
            "patrons.credibility_" + terms.guarantees.replace("+", "_").replace("-", "_")
        ]
    if terms.foreign_troops:
        credibility = 1.0 - (1.0 - credibility) * (1.0 - P["patrons.tripwire"])
    return credibility


def sanctions_relief(terms: DealTerms, P: Any) -> NDArray[np.float64]:
    """Per-run share of sanctions lifted when the deal takes effect."""
    if terms.sanctions_relief is not None:
        return P["policy.sanctions_relief"]
    if terms.sanctions == "lifted":
        return np.ones(P.n_runs)
    if terms.sanctions == "eased":
        return P["patrons.eased_relief"]
    return np.zeros(P.n_runs)
