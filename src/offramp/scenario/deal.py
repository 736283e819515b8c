"""A deal as a set of terms: the vocabulary, its validation, and loading a deal file.

A deal is written in TOML, as a bundled file (``src/offramp/deals/NAME.toml``, loaded by
name), a user's file, or (wired by the engine) a ``[[deals]]`` entry of a scenario::

    [deal]
    name = "european-plan-may-2025"
    description = "..."
    source = "KIIS May 2025 split sample, wording as published"
    [deal.territory]
    line = "current"
    recognized_de_jure = []
    recognized_by = "defender"
    withdraw_from = []
    [deal.security]
    guarantees = "europe+us"
    ...

Every table and field is closed (an unknown key is an error naming it and listing what is
allowed), every enumerated term lists its values, and the checks that need data run at
load: a withdrawal must name an area the defender still partly holds (the shipped
``occupied_by_area`` shares), an army cap cannot be negative. Errors are
:class:`~offramp.scenario.loading.Problem` lists in a :class:`DealError` (a
``ScenarioError``), so the command line prints ``field: got X; allowed ...`` and exits with
code 2.

What each term does (to the public, the invader, the resumption hazard, the patrons) is in
``docs/deals.md``; the public's weights are fitted by
:mod:`offramp.calibration.deal_weights`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from offramp.mechanisms.deal_terms import (
    ALL_OCCUPIED,
    DEAL_AREAS,
    recognised_share,
    shipped_areas,
    withdrawal_share,
)
from offramp.scenario.files import read_toml
from offramp.scenario.loading import (
    Problem,
    ScenarioError,
    _non_finite_numbers,
    problems_from,
)

if TYPE_CHECKING:
    from offramp.scenario.schema import Policy, Ratification

BUNDLED_DEALS = "offramp.deals"

Area = Literal["crimea", "sevastopol", "luhansk", "donetsk", "zaporizhzhia", "kherson"]
RecognisedArea = Literal[
    "crimea", "sevastopol", "luhansk", "donetsk", "zaporizhzhia", "kherson", "all-occupied"
]
GUARANTEES = ("none", "europe", "europe+us", "invader-among-guarantors")
SANCTIONS = ("kept", "eased", "lifted")
RATIFICATION = ("referendum", "parliament", "decree")


class DealError(ScenarioError):
    """A deal that cannot be used; ``problems`` lists every reason (exit code 2 on the CLI)."""

    what = "deal"


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


def _partly_held(area: str) -> str:
    table = shipped_areas()
    if table.held_share(area) <= 0:
        held = [a for a in DEAL_AREAS if table.held_share(a) > 0]
        raise ValueError(
            f"the defender holds none of {area} (occupied 100% in {table.date[:7]}); "
            f"allowed: areas it partly holds: {', '.join(held)}"
        )
    return area


class DealTerritory(_Terms):
    line: Literal["current"] = Field(
        "current",
        description="The ceasefire line: 'current' = where the front stands when the deal "
        "takes effect (the only value so far).",
    )
    recognized_de_jure: list[RecognisedArea] = Field(
        default_factory=list,
        description="Areas recognised as the invader's: crimea, sevastopol, luhansk, donetsk, "
        "zaporizhzhia, kherson, or all-occupied. The rest of the occupied area stays under the "
        "invader's control, unrecognised.",
    )
    recognized_by: Literal["defender", "patrons"] = Field(
        "defender",
        description="Who recognises: 'defender' (the defender itself, de jure) or 'patrons' (a "
        "third party's recognition, as the 2025 US proposals' Crimea term).",
    )
    withdraw_from: list[Annotated[Area, AfterValidator(_partly_held)]] = Field(
        default_factory=list,
        description="Areas the defender still partly holds and hands over (e.g. ['donetsk']); "
        "the share of national territory is area x held share (offramp.mechanisms.deal_terms).",
    )


class DealSecurity(_Terms):
    guarantees: Literal["none", "europe", "europe+us", "invader-among-guarantors"] = Field(
        "none",
        description="Security guarantees: none, europe (European states without the US), "
        "europe+us, or invader-among-guarantors (the invader is one of the guarantors, as in "
        "the Istanbul draft of 2022).",
    )
    foreign_troops: bool = Field(
        False, description="A reassurance force of the patrons on the defender's territory."
    )
    army_cap: float = Field(
        0,
        description="Peacetime ceiling on the defender's army, thousand troops; 0 = no cap.",
    )
    nato: Literal["open", "renounced"] = Field(
        "open", description="NATO membership: open, or renounced by the defender."
    )
    weapons_limits: bool = Field(
        False, description="Limits on the defender's weapons (ranges, kinds, numbers)."
    )

    @field_validator("army_cap")
    @classmethod
    def _cap_not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("must be at least 0 (thousand troops; 0 = no cap)")
        return value


class DealEconomy(_Terms):
    sanctions: Literal["kept", "eased", "lifted"] = Field(
        "kept", description="Sanctions on the invader: kept, eased (gradually), or lifted."
    )


class DealPolitics(_Terms):
    eu_path: bool = Field(True, description="The defender keeps its path to EU membership.")
    language_status: bool = Field(
        False, description="Official status for the invader's language in the defender's state."
    )


class DealProcess(_Terms):
    ratification: Literal["referendum", "parliament", "decree"] | None = Field(
        None,
        description="How the defender ratifies: referendum, parliament, or decree; unset, the "
        "scenario's rule: `ratification.cession_rule` for a deal that recognises or hands "
        "over territory (Ukraine's constitution, Art. 73: a referendum), "
        "`ratification.armistice_rule` otherwise.",
    )
    ceasefire_days_before_vote: int = Field(
        0,
        ge=0,
        le=3650,
        description="Days of ceasefire before the ratification vote (0 = vote during the war).",
    )


class Deal(_Terms):
    """A deal: its name, what it is, where its terms come from, and the terms."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9+_.-]*$",
        description="Short name (lower case, digits, + _ . -), used on the command line.",
    )
    description: str = Field("", description="What the deal is.")
    source: str = Field(
        "", description="Where the terms come from (a survey's wording, a published draft)."
    )
    territory: DealTerritory = Field(default_factory=DealTerritory)
    security: DealSecurity = Field(default_factory=DealSecurity)
    economy: DealEconomy = Field(default_factory=DealEconomy)
    politics: DealPolitics = Field(default_factory=DealPolitics)
    process: DealProcess = Field(default_factory=DealProcess)

    def withdrawal_share(self) -> float:
        """Share of national territory the deal hands over (held parts of the areas named)."""
        return withdrawal_share(self.territory.withdraw_from)

    def recognised_share(self) -> float:
        """Share of national territory the deal recognises as the invader's (shipped table).

        For ``all-occupied`` under a moving front line, the engine should use its own
        occupied share instead (``1 - held share``, plus any withdrawal).
        """
        return recognised_share(self.territory.recognized_de_jure, self.territory.withdraw_from)


#: The groups of a deal's terms, in the order every face shows them (the Deal's sub-tables).
TERM_GROUPS = tuple(
    name
    for name, field in Deal.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, _Terms)
)
#: What a deal that names no ratification rule gets (``Scenario.ratification``'s defaults).
SCENARIO_RULE = "the scenario's rule"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def terms_in_words(deal: Deal) -> dict[str, str]:
    """Each group of a deal's terms in words (:data:`TERM_GROUPS`), and its source."""
    territory, security = deal.territory, deal.security
    recognised = ", ".join(territory.recognized_de_jure) or "none"
    cap = f"{security.army_cap:g} thousand" if security.army_cap > 0 else "none"
    days = deal.process.ceasefire_days_before_vote
    return {
        "territory": f"line: {territory.line}; recognised de jure: {recognised}"
        + (f" (by the {territory.recognized_by})" if territory.recognized_de_jure else "")
        + f"; withdraw from: {', '.join(territory.withdraw_from) or 'nothing'}",
        "security": f"guarantees: {security.guarantees}; foreign troops: "
        f"{_yes(security.foreign_troops)}; army cap: {cap}; NATO: {security.nato}; "
        f"weapons limits: {_yes(security.weapons_limits)}",
        "economy": f"sanctions: {deal.economy.sanctions}",
        "politics": f"EU path: {_yes(deal.politics.eu_path)}; official status of the "
        f"invader's language: {_yes(deal.politics.language_status)}",
        "process": f"ratification: {deal.process.ratification or SCENARIO_RULE}; "
        "ceasefire before the vote: " + (f"{days} days" if days else "none (the vote comes first)"),
        "source": deal.source or "(none given)",
    }


#: The columns of :func:`terms_in_brief`, in order.
BRIEF_TERMS = ("territory", "security", "sanctions", "ratification", "source")


def terms_in_brief(deal: Deal) -> dict[str, str]:
    """A deal's terms in a few words each, as a list of deals shows them (``offramp deals``).

    Only what departs from no deal is named (a cap, foreign troops, NATO renounced); the
    full wording, term by term, is :func:`terms_in_words`.
    """
    territory, security = deal.territory, deal.security
    land = ", ".join(territory.recognized_de_jure) or "no recognition"
    if territory.recognized_de_jure and territory.recognized_by != "defender":
        land += f" (by {territory.recognized_by})"
    if territory.withdraw_from:
        land += "; withdraw from " + ", ".join(territory.withdraw_from)
    terms = [f"guarantees {security.guarantees}"]
    terms += ["foreign troops"] * security.foreign_troops
    terms += [f"army cap {security.army_cap:g}k"] * (security.army_cap > 0)
    terms += ["NATO renounced"] * (security.nato == "renounced")
    return {
        "territory": land,
        "security": ", ".join(terms),
        "sanctions": deal.economy.sanctions,
        "ratification": deal.process.ratification or SCENARIO_RULE,
        "source": deal.source,
    }


class DealFile(BaseModel):
    """A deal file: one ``[deal]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    deal: Deal


def bundled_deals() -> dict[str, Path]:
    """Names and paths of the deals shipped with the package (``src/offramp/deals``)."""
    folder = resources.files(BUNDLED_DEALS)
    found = {
        entry.name.removesuffix(".toml"): Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }
    return dict(sorted(found.items()))


def _read_user_file(path: Path) -> dict[str, Any]:
    return read_toml(path, what="deal")


def load_deal(name_or_path: str | Path) -> Deal:
    """A bundled deal by name (``european-plan-may-2025``) or a deal file by path.

    Raises
    ------
    DealError
        With one ``Problem`` per field in error (``deal.security.army_cap: got -5; ...``).
    """
    text = str(name_or_path)
    bundled = bundled_deals()
    if text in bundled:
        path = bundled[text]
    else:
        path = Path(text)
        if not path.is_file():
            hint = (
                "no such file"
                if path.suffix == ".toml" or "/" in text or "\\" in text
                else f"not a bundled deal or a file; bundled deals: {', '.join(bundled)}"
            )
            raise DealError(text, [Problem("", text, hint)])
    try:
        table = _read_user_file(path)
    except ScenarioError as error:
        raise DealError(error.source, error.problems) from None
    return deal_from_mapping(table, source=text)


def deal_from_mapping(data: dict[str, Any], source: str = "deal") -> Deal:
    """Validate a parsed deal: a file's table (``{"deal": {...}}``) or the inner table alone.

    The inner table alone is what a scenario's ``[[deals]]`` entry holds; its errors are
    reported under ``deal.`` all the same.
    """
    wrapped = data if set(data) == {"deal"} else {"deal": data}
    problems = list(_non_finite_numbers(wrapped))
    deal = None
    try:
        deal = DealFile.model_validate(wrapped).deal
    except ValidationError as error:
        # NaN and infinity are reported by both passes: keep the first message per field.
        seen = {problem.field for problem in problems}
        problems.extend(
            p for p in problems_from(error, DealFile, "unknown term") if p.field not in seen
        )
    if problems:
        raise DealError(source, problems)
    assert deal is not None
    return deal


__all__ = [
    "ALL_OCCUPIED",
    "GUARANTEES",
    "RATIFICATION",
    "SANCTIONS",
    "Deal",
    "DealError",
    "bundled_deals",
    "deal_from_mapping",
    "implied_deal",
    "load_deal",
    "package_terms",
    "terms_in_words",
]


def implied_deal(policy: Policy, ratification: Ratification) -> Deal:
    """The deal a land-for-peace or armistice policy stands for, in the deal vocabulary.

    Land-for-peace recognises all of the occupied territory at the line de jure; an
    armistice freezes the line and recognises nothing. Sanctions are named by the policy's
    ``sanctions_relief`` (0 kept, 1 lifted, between: eased); the ratification rule is the
    policy's own, else the scenario's default for its kind.
    """
    relief = policy.sanctions_relief
    sanctions = "kept" if relief <= 0 else "lifted" if relief >= 1 else "eased"
    recognised = [ALL_OCCUPIED] if policy.recognises_cession else []
    return deal_from_mapping(
        {
            "name": policy.kind,
            "description": policy.description,
            "territory": {"recognized_de_jure": recognised},
            "economy": {"sanctions": sanctions},
            "process": {"ratification": policy.ratification_rule(ratification)},
        },
        source=f"policy {policy.name}",
    )


def package_terms(deal: Deal, held_share: Any = None) -> dict[str, Any]:
    """The keyword arguments of :func:`offramp.mechanisms.package_support.package_support`.

    ``recognized_de_jure`` is the recognised share of the area occupied before the deal
    (a withdrawn area is costed through ``withdraw_from``); with ``held_share`` given,
    ``all-occupied`` means all of ``1 - held_share`` (the engine's own line; a scalar or one
    value per run).
    """
    from offramp.mechanisms.deal_terms import recognised_share as recognised

    territory = deal.territory
    if held_share is not None and ALL_OCCUPIED in territory.recognized_de_jure:
        rho = 1.0 - np.asarray(held_share, dtype=float)
    else:
        rho = recognised(territory.recognized_de_jure, ())
    return {
        "withdraw_from": deal.withdrawal_share(),
        "recognized_de_jure": rho,
        "recognized_by": territory.recognized_by,
        "guarantees": deal.security.guarantees,
        "foreign_troops": deal.security.foreign_troops,
        "army_cap": deal.security.army_cap,
        "nato": deal.security.nato,
        "weapons_limits": deal.security.weapons_limits,
        "sanctions": deal.economy.sanctions,
        "eu_path": deal.politics.eu_path,
        "language_status": deal.politics.language_status,
    }
