"""The scenario file's schema: every parameter with its meaning, unit, range and source.

A scenario is the project's one shared vocabulary (as SALib's ``problem`` dict is for
SALib). It is validated once, at load time; everything downstream trusts it.

Each numeric parameter is declared with :func:`parameter`, which records its unit and the
source of its default in the JSON schema, so that ``docs/parameters.md`` is generated from
this file (``offramp.scenario.reference``) rather than written twice.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

if TYPE_CHECKING:
    from offramp.mechanisms.epstein import EpsteinParameters
    from offramp.scenario.deal import Deal

ASSUMPTION = "assumption"

# The sections of a scenario whose numbers are the mechanisms' parameters.
PARAMETER_SECTIONS = (
    "territory",
    "battlefield",
    "patrons",
    "bargaining",
    "opinion",
    "ratification",
    "mobilization",
    "leadership",
)


def parameter(
    default: Any,
    *,
    description: str,
    unit: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    source: str = ASSUMPTION,
) -> Any:
    """A documented model parameter (a pydantic ``Field`` with unit and source)."""
    return Field(
        default,
        description=description,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        json_schema_extra={"unit": unit, "source": source},
    )


class Section(BaseModel):
    """Base of every table in a scenario file: unknown keys, NaN and infinity are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Meta(Section):
    name: str = Field(description="Short name of the scenario (used on the command line).")
    title: str = Field("", description="One-line title.")
    description: str = Field("", description="What the scenario represents.")
    start: str = Field(
        "2022-07",
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="Calendar month of month 0 (YYYY-MM).",
    )
    sources: list[str] = Field(default_factory=list, description="Works the scenario draws on.")


class Actors(Section):
    defender: str = Field("Defender", description="Display name of the defending democracy.")
    invader: str = Field("Invader", description="Display name of the invading state.")
    patrons: list[str] = Field(
        default_factory=lambda: ["Patrons"], description="Display names of the defender's patrons."
    )


class Territory(Section):
    held_share: float = parameter(
        0.8,
        description="Share of its internationally recognised area the defender holds at month 0.",
        unit="share of recognised area",
        ge=0.0,
        le=1.0,
    )
    floor: float = parameter(
        0.3,
        description="Least share the defender can be pushed to within the horizon "
        "(the model's territory is not meant for total conquest).",
        unit="share of recognised area",
        ge=0.0,
        le=1.0,
    )


class Region(Section):
    name: str = Field(description="Region name (e.g. a KIIS macro-region).")
    weight: float = parameter(
        0.25, description="Population weight of the region.", unit="share of population", gt=0, le=1
    )
    no_concessions_share: float = parameter(
        0.8,
        description="Share of the region answering that the country must give up no territory "
        "at month 0; sets the region's reservation-point distribution.",
        unit="share of respondents",
        ge=0.0,
        le=1.0,
    )


class Population(Section):
    agents_per_region: int = parameter(
        100,
        description="Weighted agents per region (each stands for weight/agents of the population).",
        unit="agents",
        ge=4,
        le=5000,
    )
    demand_spread: float = parameter(
        1.5,
        description="Standard deviation of the latent territorial demand within a region; the "
        "reservation point is the demand clipped to [0, 1]. Pinned by the NDI/KIIS May 2022 "
        "ladder (13% accept the lines then held, against 16% open to some concession).",
        unit="share of recognised area",
        gt=0.0,
        le=10.0,
        source="NDI/KIIS May 2022; see docs/mechanisms/opinion.md",
    )
    regions: list[Region] = Field(min_length=1, description="Regions of the defender's population.")

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Population:
        total = sum(region.weight for region in self.regions)
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"region weights must sum to 1 (they sum to {total:.4f})")
        names = [region.name for region in self.regions]
        if len(set(names)) != len(names):
            raise ValueError(f"region names must be unique (got {names})")
        return self


class Battlefield(Section):
    defender_force: float = parameter(
        700.0, description="Defender's deployed force at month 0.", unit="thousand troops", gt=0
    )
    invader_force: float = parameter(
        500.0, description="Invader's deployed force at month 0.", unit="thousand troops", gt=0
    )
    defender_force_cap: float = parameter(
        900.0, description="Most the defender can field.", unit="thousand troops", gt=0
    )
    invader_force_cap: float = parameter(
        700.0, description="Most the invader can field in theatre.", unit="thousand troops", gt=0
    )
    defender_lethality: float = parameter(
        0.03,
        description="Lanchester coefficient d: invader losses per month per defender unit "
        "(at aid level 1, no instability).",
        unit="1/month",
        gt=0,
        le=1,
    )
    invader_lethality: float = parameter(
        0.02,
        description="Lanchester coefficient a: defender losses per month per invader unit.",
        unit="1/month",
        gt=0,
        le=1,
    )
    defender_recruitment: float = parameter(
        15.0, description="Defender's monthly intake.", unit="thousand troops/month", ge=0
    )
    invader_recruitment: float = parameter(
        25.0,
        description="Invader's monthly intake before sanctions.",
        unit="thousand troops/month",
        ge=0,
    )
    aid_dependence: float = parameter(
        0.5,
        description="Share of the defender's effectiveness that scales with patron aid.",
        unit="share",
        ge=0,
        le=1,
    )
    stalemate_ratio: float = parameter(
        2.0,
        description="Effective force ratio (defender fire over invader fire) at which the line "
        "does not move on average: the defence's advantage.",
        unit="ratio",
        gt=0,
    )
    territory_sensitivity: float = parameter(
        0.01,
        description="Monthly drift of the defender's share per unit of log force ratio above "
        "the stalemate ratio.",
        unit="share/month",
        ge=0,
        le=0.2,
    )
    territory_noise: float = parameter(
        0.004,
        description="Standard deviation of the monthly change in the defender's share.",
        unit="share/month",
        ge=0,
        le=0.2,
    )
    civilian_ratio: float = parameter(
        0.15,
        description="Civilian casualties per defender military casualty.",
        unit="ratio",
        ge=0,
        le=10,
    )


class Patrons(Section):
    aid_level: float = parameter(
        1.0,
        description="Aid at month 0 relative to the 2022-24 average (1 = that average).",
        unit="index",
        ge=0,
        le=5,
    )
    fatigue_per_year: float = parameter(
        0.1,
        description="Donor fatigue: yearly rate at which aid decays with the duration of war.",
        unit="1/year",
        ge=0,
        le=2,
    )
    price_sensitivity: float = parameter(
        0.2,
        description="Extra fatigue per year per unit of economic pressure (food and energy "
        "prices) in the patrons' economies.",
        unit="1/year",
        ge=0,
        le=5,
    )
    price_persistence: float = parameter(
        0.9,
        description="Month-to-month persistence of economic pressure (AR(1) coefficient).",
        unit="share",
        ge=0,
        lt=1,
    )
    price_volatility: float = parameter(
        0.1,
        description="Standard deviation of the monthly shock to economic pressure.",
        unit="index",
        ge=0,
        le=1,
    )
    peace_aid_level: float = parameter(
        0.5,
        description="Aid during a ceasefire, relative to the policy's wartime level.",
        unit="share",
        ge=0,
        le=2,
    )
    sanctions: float = parameter(
        0.2,
        description="Share of the invader's monthly recruitment removed by sanctions.",
        unit="share",
        ge=0,
        lt=1,
    )
    guarantee_cost: float = parameter(
        0.3,
        description="Cost to the invader, in units of the stake, of fighting the guarantors "
        "if they honour a security guarantee.",
        unit="stake",
        ge=0,
        le=5,
    )
    credibility_europe: float = parameter(
        0.3,
        description="Credibility, as the invader sees it, of security guarantees from European "
        "states without the US (a deal's security.guarantees = 'europe').",
        unit="probability",
        ge=0,
        le=1,
        source="assumption; the 'coalition of the willing' of 2025 conditioned its force on a "
        "US backstop",
    )
    credibility_europe_us: float = parameter(
        0.6,
        description="Credibility of guarantees from Europe and the US ('europe+us').",
        unit="probability",
        ge=0,
        le=1,
    )
    credibility_invader_among_guarantors: float = parameter(
        0.0,
        description="Credibility of guarantees in which the invader is itself a guarantor (the "
        "Istanbul draft of 2022: any guarantor could block assistance).",
        unit="probability",
        ge=0,
        le=1,
        source="Budapest Memorandum 1994: Russia was one of the signatories of the assurances",
    )
    tripwire: float = parameter(
        0.3,
        description="Probability that a reassurance force on the ground draws its states into a "
        "renewed war whatever the guarantee says (a tripwire); credibility becomes "
        "1 - (1 - c)(1 - tripwire).",
        unit="probability",
        ge=0,
        le=1,
        source="Schelling 1966, Arms and Influence (the tripwire force)",
    )
    eased_relief: float = parameter(
        0.5,
        description="Share of sanctions relief when a deal eases sanctions (lifted = 1, kept = 0).",
        unit="share",
        ge=0,
        le=1,
    )


class Bargaining(Section):
    war_aim: float = parameter(
        0.25,
        description="Share of the recognised area the invader expects to take if it wins a "
        "renewed war.",
        unit="share of recognised area",
        ge=0,
        le=1,
    )
    invader_war_cost: float = parameter(
        0.06,
        description="Invader's cost of a renewed war, in units of the stake.",
        unit="stake",
        ge=0,
        le=2,
    )
    defender_war_cost: float = parameter(
        0.1,
        description="Defender's cost of war, in units of the stake (sets the upper end of the "
        "bargaining range).",
        unit="stake",
        ge=0,
        le=2,
    )
    emboldening: float = parameter(
        0.5,
        description="Relative rise in the invader's expected gain from the next war after a "
        "de jure cession ('give an inch, take a mile').",
        unit="share",
        ge=0,
        le=5,
    )
    sanctions_value: float = parameter(
        0.05,
        description="Value to the invader, in units of the stake, of the sanctions relief it "
        "would lose by resuming war.",
        unit="stake",
        ge=0,
        le=2,
    )
    decision_noise: float = parameter(
        0.03,
        description="Logit temperature of the invader's choices (acceptance, resumption).",
        unit="stake",
        gt=0,
        le=1,
    )
    max_resumption_hazard: float = parameter(
        0.05,
        description="Monthly probability of resuming war when war is clearly preferred.",
        unit="1/month",
        ge=0,
        le=1,
    )
    discount: float = parameter(
        0.9,
        description="Invader's yearly discount factor (Powell's delta over one year).",
        unit="share/year",
        gt=0,
        lt=1,
    )
    preventive_hazard: float = parameter(
        0.02,
        description="Extra monthly probability of resuming war when the coming year's shift of "
        "power leaves no peaceful division (Powell 2006).",
        unit="1/month",
        ge=0,
        le=1,
    )
    recognition_value: float = parameter(
        0.06,
        description="Value to the invader, in units of the stake, of the defender's de jure "
        "recognition of all the territory it occupies (scaled by the recognised fraction).",
        unit="stake",
        ge=0,
        le=2,
        source="assumption; recognition of the annexed oblasts is the first of Russia's "
        "stated conditions (Putin, 14 June 2024; the Istanbul draft of April 2022 left Crimea "
        "to later talks)",
    )
    patron_recognition_share: float = parameter(
        0.5,
        description="A recognition by the patrons (not the defender) is worth this share of a "
        "recognition by the defender, to the invader.",
        unit="share",
        ge=0,
        le=1,
    )
    army_cap_value: float = parameter(
        0.03,
        description="Value to the invader of a cap on the defender's peacetime army.",
        unit="stake",
        ge=0,
        le=2,
        source="assumption; an army ceiling was a Russian demand in the Istanbul talks of 2022 "
        "(85,000 troops proposed against Ukraine's 250,000, as reported)",
    )
    nato_value: float = parameter(
        0.04,
        description="Value to the invader of the defender renouncing NATO membership.",
        unit="stake",
        ge=0,
        le=2,
        source="assumption; neutrality is one of Russia's stated conditions (Putin, 14 June 2024)",
    )
    weapons_limits_value: float = parameter(
        0.01,
        description="Value to the invader of limits on the defender's weapons.",
        unit="stake",
        ge=0,
        le=2,
    )
    foreign_troops_cost: float = parameter(
        0.05,
        description="Cost to the invader, at the table, of a reassurance force of the patrons on "
        "the defender's territory (it lowers the value of the deal to the invader).",
        unit="stake",
        ge=0,
        le=2,
        source="assumption; Russia's foreign ministry rejected any European force in Ukraine "
        "(statements of March 2025)",
    )
    resumption_surge: float = parameter(
        0.03,
        description="Share of the recognised area the invader takes in the first month of a "
        "renewed war, scaled by its probability of winning.",
        unit="share of recognised area",
        ge=0,
        le=0.5,
    )


class Opinion(Section):
    weariness: float = parameter(
        0.05,
        description="Monthly fall of the average latent demand while at war (war weariness).",
        unit="share/month",
        ge=0,
        le=0.5,
    )
    weariness_heterogeneity: float = parameter(
        0.5,
        description="Log-normal sigma of agents' individual weariness sensitivity.",
        unit="log",
        ge=0,
        le=3,
    )
    rally_probability: float = parameter(
        0.05,
        description="Monthly probability of a rally shock (an atrocity, an attack on cities).",
        unit="1/month",
        ge=0,
        le=1,
    )
    rally_size: float = parameter(
        0.1,
        description="Rise of every agent's demand in a rally shock.",
        unit="share",
        ge=0,
        le=2,
    )
    confidence: float = parameter(
        0.3,
        description="Bounded-confidence radius: agents listen to those whose demand is within it.",
        unit="share",
        ge=0,
        le=5,
    )
    influence: float = parameter(
        0.05,
        description="Monthly rate of movement towards the mean of agents within the confidence "
        "radius (1 = classic Hegselmann-Krause).",
        unit="share/month",
        ge=0,
        le=1,
    )
    stalemate_lag: float = parameter(
        0.0,
        description="Months of stalemate (since the defender last held its best share of "
        "territory) after which weariness peaks; weariness is weariness x (u e^(1-u))^2 with "
        "u = stalemate months / lag. 0: constant weariness.",
        unit="months",
        ge=0,
        le=120,
        source="Gelpi, Feaver & Reifler 2009 (expectations of success); fitted: "
        "docs/calibration.md",
    )
    success_rally: float = parameter(
        0.0,
        description="Rise of every agent's demand per unit of territory share the defender "
        "gains beyond its best so far (battlefield success raises what the public demands).",
        unit="1/share",
        ge=0,
        le=100,
        source="Gelpi, Feaver & Reifler 2009 (expectations of success); fitted: "
        "docs/calibration.md",
    )
    peace_recovery: float = parameter(
        0.0,
        description="Monthly rise of demand during a ceasefire (resentment of the loss).",
        unit="share/month",
        ge=-0.5,
        le=0.5,
    )


RatificationRule = Literal["referendum", "parliament", "decree"]


class Ratification(Section):
    cession_rule: RatificationRule = Field(
        "referendum",
        description="How a de jure cession is ratified (Ukraine's constitution, Art. 73: "
        "changes of territory only by an all-Ukrainian referendum).",
    )
    armistice_rule: RatificationRule = Field(
        "parliament", description="How an armistice without recognition is ratified."
    )
    armistice_leniency: float = parameter(
        0.5,
        description="How far an armistice without recognition is judged as if it kept the "
        "occupied land: the deal is judged as held + leniency x (1 - held).",
        unit="share",
        ge=0,
        le=1,
        source="KIIS May-June 2025 split ballot: 43% accept a freeze vs 15% a handover",
    )
    referendum_noise: float = parameter(
        0.03,
        description="Standard deviation of the referendum's yes share around the support the "
        "agents give (turnout, campaign).",
        unit="share",
        ge=0,
        le=0.5,
    )
    parliament_bias: float = parameter(
        0.1,
        description="How much more willing parliament is than the public to ratify (added to "
        "support before the majority test).",
        unit="share",
        ge=-0.5,
        le=0.5,
    )
    audience_cost: float = parameter(
        0.16,
        description="Fall in the leader's approval for signing a deal, times the share "
        "opposing it.",
        unit="share",
        ge=0,
        le=1,
        source="Tomz 2007 (about 16 points of disapproval for backing down)",
    )
    procedural_legitimacy: float = parameter(
        0.2,
        description="Weight of the ratification procedure (a referendum) in the deal's "
        "legitimacy; the rest is the share of the public whose reservation point it meets.",
        unit="share",
        ge=0,
        le=1,
    )
    signing_confidence: float = parameter(
        0.5,
        description="The defender's government signs a deal the invader accepts when it expects "
        "ratification with at least this probability (Putnam's chief negotiator signs what it "
        "expects to pass), less the pressure it is under.",
        unit="probability",
        ge=0,
        le=1,
        source="Putnam 1988 (a negotiator does not sign what level II would reject)",
    )
    push_weight: float = parameter(
        1.0,
        description="How much a patron's threatened aid cut (policy.aid_cut_if_refused) lowers "
        "the confidence the government needs before it signs, per unit of the aid at stake.",
        unit="probability per share of aid",
        ge=0,
        le=5,
    )
    pressure_weight: float = parameter(
        0.3,
        description="How much the pressure to settle (leader.pressure: the public's weariness "
        "and the leader's lost approval, 0-1) lowers the confidence the government needs "
        "before it signs.",
        unit="probability per unit of pressure",
        ge=0,
        le=2,
        source="assumption; the realists' channel: costs mount, the public tires, a government "
        "is pushed to settle (Gelpi, Feaver & Reifler 2009)",
    )
    deal_weight_in_legitimacy: float = parameter(
        0.5,
        description="Weight of the deal's legitimacy in the government's legitimacy while a deal "
        "is in force; the rest is the leader's approval.",
        unit="share",
        ge=0,
        le=1,
    )


class EpsteinSettings(Section):
    """Settings of the spatial protest model (``mobilization.model = "epstein"``)."""

    grid: int = parameter(
        20, description="Side of the square torus, in sites.", unit="sites", ge=5, le=1000
    )
    steps_per_month: int = parameter(
        10,
        description="Activation rounds of the spatial model per model month.",
        unit="steps/month",
        ge=1,
        le=1000,
    )
    citizen_density: float = parameter(
        0.7,
        description="Share of sites holding a citizen.",
        unit="share",
        ge=0,
        le=1,
        source="Epstein 2002; Mesa's example",
    )
    cop_density: float = parameter(
        0.04,
        description="Share of sites holding a cop.",
        unit="share",
        ge=0,
        le=1,
        source="Epstein 2002, Table 2 runs",
    )
    vision: int = parameter(
        4, description="Radius of citizens' and cops' vision.", unit="sites", ge=1, le=100
    )
    k: float = parameter(
        2.3,
        description="Arrest-probability constant.",
        unit="",
        ge=0,
        le=100,
        source="Epstein 2002",
    )
    threshold: float = parameter(
        0.1,
        description="Activation threshold T on G - N.",
        unit="",
        ge=0,
        le=1,
        source="Epstein 2002",
    )
    max_jail_term: int = parameter(
        30,
        description="Longest jail term.",
        unit="steps",
        ge=0,
        le=10_000,
        source="Epstein 2002",
    )
    rounding: Literal["exact", "floor", "round"] = Field(
        "round",
        description="How C/A enters the arrest probability: as printed, NetLogo's floor, or "
        "Mesa's round (the literal formula produces no outbursts).",
    )
    neighbourhood: Literal["von_neumann", "moore", "euclidean"] = Field(
        "von_neumann", description="Shape of the vision neighbourhood."
    )
    jailed_keep_cell: bool = Field(False, description="Whether jailed citizens keep their site.")

    def to_parameters(self) -> EpsteinParameters:
        """The spatial model's kernel parameters (one grouped value) from these settings.

        The settings here are the one set of defaults; ``EpsteinParameters`` declares none
        of its own for them.
        """
        from offramp.mechanisms.epstein import EpsteinParameters

        return EpsteinParameters(
            width=self.grid,
            height=self.grid,
            citizen_density=self.citizen_density,
            cop_density=self.cop_density,
            vision=self.vision,
            k=self.k,
            threshold=self.threshold,
            max_jail_term=self.max_jail_term,
            rounding=self.rounding,
            neighbourhood=self.neighbourhood,
            jailed_keep_cell=self.jailed_keep_cell,
        )

    @model_validator(mode="after")
    def _vision_fits_the_grid(self) -> EpsteinSettings:
        if 2 * self.vision + 1 > self.grid:
            raise ValueError(
                f"vision {self.vision} does not fit a {self.grid}x{self.grid} torus "
                f"(at most {(self.grid - 1) // 2})"
            )
        if self.citizen_density + self.cop_density > 1:
            raise ValueError("citizen_density + cop_density must not exceed 1")
        return self


class Mobilization(Section):
    model: Literal["threshold", "epstein"] = Field(
        "threshold",
        description="Protest model: 'threshold' is the Granovetter cascade over the opinion "
        "agents; 'epstein' is Epstein's spatial civil-violence model (its own citizens and "
        "cops on a torus), driven each month by the government's legitimacy.",
    )
    epstein: EpsteinSettings = Field(
        default_factory=EpsteinSettings, description="Settings of the spatial model."
    )
    threshold_mean: float = parameter(
        1.3,
        description="Mean of agents' base protest thresholds (share already protesting that "
        "makes them join), before grievance. Above 1, most people never protest: a threshold "
        "above 1 is never met.",
        unit="share of population",
        ge=0,
        le=3,
        source="Granovetter 1978 (normal thresholds); values: docs/mechanisms/mobilization.md",
    )
    threshold_sd: float = parameter(
        0.45,
        description="Standard deviation of base thresholds. Above about 0.4 the equilibrium "
        "moves continuously with grievance; below it a cascade tips from almost nobody to "
        "almost everybody (Granovetter 1978).",
        unit="share",
        ge=0,
        le=2,
        source="Granovetter 1978; assumption for the value",
    )
    hardship: float = parameter(
        0.5,
        description="Scale of agents' hardship H ~ U(0, hardship) (Epstein 2002).",
        unit="share",
        ge=0,
        le=1,
    )
    deal_gap_weight: float = parameter(
        1.5,
        description="Grievance per unit of territory by which a deal falls short of an agent's "
        "reservation point.",
        unit="1/share",
        ge=0,
        le=10,
    )


class Leadership(Section):
    initial_approval: float = parameter(
        0.84,
        description="Leader's approval (trust) at month 0.",
        unit="share",
        ge=0,
        le=1,
        source="KIIS trust in the president, Dec 2022: 84%",
    )
    approval_baseline: float = parameter(
        0.6,
        description="Level approval reverts to.",
        unit="share",
        ge=0,
        le=1,
    )
    approval_reversion: float = parameter(
        0.03,
        description="Monthly rate at which approval moves to its target (the rally decays).",
        unit="1/month",
        ge=0,
        le=1,
    )
    war_rally: float = parameter(
        0.0,
        description="Rally while the war is fought: added to the baseline approval reverts "
        "to at war (the wartime level before costs is approval_baseline + war_rally).",
        unit="share",
        ge=0,
        le=1,
        source="assumption; Mueller 1973 and Baker & Oneal 2001 (rally round the flag)",
    )
    casualty_sensitivity: float = parameter(
        0.065,
        description="Approval lost per unit of ln(1 + C/C0), C the defender's cumulative "
        "military casualties (Mueller's casualty hypothesis).",
        unit="share per ln(casualties)",
        ge=0,
        le=1,
        source="Mueller 1973: support fell about 15 points per tenfold rise in casualties "
        "(Korea, Vietnam): 0.15 / ln 10",
    )
    casualty_scale: float = parameter(
        10000.0,
        description="Cumulative defender casualties C0 at which the log casualty term starts "
        "to bite.",
        unit="persons",
        gt=0,
        le=1e7,
    )
    stalemate_sensitivity: float = parameter(
        0.1,
        description="Approval lost, at most, to a long stalemate (months without an "
        "advance), the public no longer expecting success.",
        unit="share",
        ge=0,
        le=1,
        source="assumption; mechanism: Gelpi, Feaver & Reifler 2009 (success matters)",
    )
    stalemate_half_months: float = parameter(
        12.0,
        description="Months of stalemate at which half the stalemate erosion is reached.",
        unit="months",
        gt=0,
        le=240,
    )
    loss_sensitivity: float = parameter(
        1.0,
        description="Approval lost per unit share of the best line's territory lost since.",
        unit="share per share",
        ge=0,
        le=10,
        source="assumption; mechanism: Gelpi, Feaver & Reifler 2009 (losing erodes support)",
    )
    pressure_weariness_weight: float = parameter(
        0.5,
        description="Weight of the public's willingness to concede (1 - refusing share) in "
        "the settlement pressure; the rest is approval's relative fall from its peak.",
        unit="share",
        ge=0,
        le=1,
    )
    base_hazard: float = parameter(
        0.001,
        description="Monthly probability of losing office for other reasons.",
        unit="1/month",
        ge=0,
        le=1,
        source="Goemans, Gleditsch & Chiozza 2009 (Archigos): democratic leaders' tenure",
    )
    protest_hazard: float = parameter(
        0.3,
        description="Monthly removal probability when protest is far above the critical share.",
        unit="1/month",
        ge=0,
        le=1,
    )
    critical_protest: float = parameter(
        0.035,
        description="Protest share at which the removal hazard is half its maximum.",
        unit="share of population",
        ge=0,
        le=1,
        source="Chenoweth & Stephan 2011 (3.5% rule)",
    )
    protest_steepness: float = parameter(
        0.01,
        description="Logistic scale of the removal hazard around the critical share.",
        unit="share of population",
        gt=0,
        le=1,
    )
    approval_hazard: float = parameter(
        0.05,
        description="Extra monthly removal probability per unit of approval below the floor.",
        unit="1/month",
        ge=0,
        le=1,
    )
    approval_floor: float = parameter(
        0.3, description="Approval below which low approval adds hazard.", unit="share", ge=0, le=1
    )
    instability_months: float = parameter(
        12.0,
        description="Mean length of the instability spell after a removal.",
        unit="months",
        ge=0,
        le=120,
    )
    instability_penalty: float = parameter(
        0.3,
        description="Fall of the defender's military effectiveness during instability.",
        unit="share",
        ge=0,
        le=1,
    )
    repudiation_probability: float = parameter(
        0.4,
        description="Probability that a successor repudiates a deal in force.",
        unit="probability",
        ge=0,
        le=1,
    )
    election_delay: int = parameter(
        6,
        description="Months after a deal takes effect until the election that martial law had "
        "postponed (0: no election).",
        unit="months",
        ge=0,
        le=120,
    )
    election_noise: float = parameter(
        0.05,
        description="Standard deviation of the incumbent's vote share around approval.",
        unit="share",
        ge=0,
        le=0.5,
    )


PolicyKind = Literal["fight-on", "land-for-peace", "armistice", "deal"]


class Policy(Section):
    """What the defender's government does: fight on, or offer a deal on a schedule.

    The rest of the code asks a policy what it is (:attr:`offers_deal`,
    :attr:`recognises_cession`, :meth:`ratification_rule`) rather than comparing ``kind``.
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9+_-]*$", description="Name used on the CLI.")
    kind: PolicyKind = Field(
        description="fight-on; land-for-peace (de jure cession of all occupied territory at the "
        "line); armistice (a freeze at the line, no recognition); or deal (the terms of `deal`)."
    )
    description: str = Field("", description="What the policy is.")
    deal: str | None = Field(
        None,
        description="With kind = 'deal': the deal offered, a bundled deal's name "
        "(`offramp deals`) or the name of one of the scenario's [[deals]].",
    )
    offer_from: str | None = Field(
        None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="Calendar month of the first offer (YYYY-MM); replaces deal_month.",
    )
    offer_if_support_at_least: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Offer only in months when the modelled public finds the deal acceptable "
        "at least this often (share of those with an answer); none: whenever the schedule says.",
    )
    ratification: RatificationRule | None = Field(
        None,
        description="How this policy's deal is ratified; by default the scenario's "
        "`ratification.cession_rule` for a cession, `ratification.armistice_rule` for an "
        "armistice.",
    )
    deal_month: int = parameter(
        1, description="Month the deal is first offered.", unit="month", ge=0, le=600
    )
    offer_every: int = parameter(
        0,
        description="Offer again every this many months while no deal is in force (0: once).",
        unit="months",
        ge=0,
        le=600,
    )
    last_offer: int = parameter(
        600, description="Last month in which the deal is offered.", unit="month", ge=0, le=600
    )
    aid_cut_if_refused: float = parameter(
        0.0,
        description="A patron's threat: the share of aid cut, from then on, if the defender's "
        "government declines to sign a deal the invader accepts (a push to sign).",
        unit="share",
        ge=0,
        le=1,
    )
    aid_level: float = parameter(
        1.0,
        description="Wartime aid relative to the scenario's aid level.",
        unit="share",
        ge=0,
        le=5,
    )
    guarantee_credibility: float = parameter(
        0.0,
        description="Probability, as the invader sees it, that guarantors fight if war resumes.",
        unit="probability",
        ge=0,
        le=1,
    )
    sanctions_relief: float = parameter(
        0.5,
        description="Share of sanctions lifted when the deal takes effect.",
        unit="share",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _deal_named_when_needed(self) -> Policy:
        if self.kind == "deal" and self.deal is None:
            raise ValueError("a policy of kind 'deal' names its deal (deal = NAME)")
        if self.kind != "deal" and self.deal is not None:
            raise ValueError(f"deal = {self.deal!r} needs kind = 'deal' (got {self.kind!r})")
        return self

    @property
    def offers_deal(self) -> bool:
        """Whether the policy puts a deal on the table (everything but fighting on)."""
        return self.kind != "fight-on"

    def lever_applies(self, lever: str) -> bool:
        """Whether the lever ``lever`` (a numeric field) means anything for this policy: the
        schedule, guarantees, relief and the push to sign only with a deal; wartime aid
        always."""
        return self.offers_deal or lever == "aid_level"

    @property
    def names_deal(self) -> bool:
        """Whether the policy offers a deal named in ``deal`` (kind ``deal``), whose terms,
        guarantees and sanctions relief are the deal's; otherwise its own kind says what it
        offers and its own numbers set the guarantees and relief."""
        return self.kind == "deal"

    @property
    def recognises_cession(self) -> bool:
        """Whether the policy's own kind is the de jure cession of all occupied territory.

        A policy of kind ``deal`` says what it recognises through its deal's terms.
        """
        return self.kind == "land-for-peace"

    def ratification_rule(self, ratification: Ratification) -> RatificationRule:
        """The rule of a land-for-peace or armistice policy, given the scenario's defaults.

        A policy of kind ``deal`` takes its deal's ``process.ratification`` unless the policy
        sets ``ratification`` itself (``offramp.engine.deal_terms`` resolves it).
        """
        if self.kind == "deal":
            raise ValueError("a deal policy's rule is its deal's (offramp.engine.deal_terms)")
        if self.ratification is not None:
            return self.ratification
        if self.recognises_cession:
            return ratification.cession_rule
        return ratification.armistice_rule

    def first_offer(self, start: str) -> int:
        """The month index of the first offer, for a scenario that starts in ``start``."""
        if self.offer_from is None:
            return self.deal_month
        return months_between(start, self.offer_from)


def months_between(start: str, month: str) -> int:
    """Whole months from ``start`` (YYYY-MM) to ``month`` (YYYY-MM)."""
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, month.split("-")))
    return (y1 - y0) * 12 + (m1 - m0)


# --- uncertainties (`offramp explore`) ----------------------------------------------------
# An uncertainty is a distribution over one numeric parameter, keyed by the parameter's
# dotted path (the keys of ``offramp.engine.parameters.numeric_parameters``). The sampler
# draws unit-hypercube points; ``offramp.explore.distributions`` maps them through each
# distribution's quantile function.


class _Distribution(Section):
    source: str = Field(ASSUMPTION, description="Where the range comes from.")

    def ends(self) -> dict[str, float]:
        """The values that must lie in the parameter's allowed range, by field name."""
        return {"low": self.low, "high": self.high}  # type: ignore[attr-defined]

    def order_problems(self) -> list[tuple[str, float, str]]:
        """(field, value, message) for ends given in the wrong order."""
        ends = self.ends()
        if ends["low"] >= ends["high"]:
            return [("high", ends["high"], f"must be greater than low ({ends['low']})")]
        return []


class Uniform(_Distribution):
    """Every value between ``low`` and ``high`` equally likely."""

    distribution: Literal["uniform"]
    low: float
    high: float


class Triangular(_Distribution):
    """Triangular density from ``low`` to ``high``, peaking at ``mode``."""

    distribution: Literal["triangular"]
    low: float
    mode: float
    high: float

    def ends(self) -> dict[str, float]:
        return {"low": self.low, "mode": self.mode, "high": self.high}

    def order_problems(self) -> list[tuple[str, float, str]]:
        problems = super().order_problems()
        if not problems and not self.low <= self.mode <= self.high:
            problems.append(("mode", self.mode, f"must lie in [{self.low}, {self.high}]"))
        return problems


class TruncatedNormal(_Distribution):
    """Normal of ``mean`` and ``sd``, truncated to [``low``, ``high``]."""

    distribution: Literal["truncated-normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float
    high: float

    #: Farther from the mean, in sds, the normal's tail has no mass a double can hold.
    MAX_SDS_FROM_MEAN: ClassVar[float] = 30.0

    def order_problems(self) -> list[tuple[str, float, str]]:
        problems = super().order_problems()
        reach = self.MAX_SDS_FROM_MEAN * self.sd
        if not problems and (self.low > self.mean + reach or self.high < self.mean - reach):
            field, value = ("low", self.low) if self.low > self.mean else ("high", self.high)
            problems.append(
                (
                    field,
                    value,
                    f"the range must come within {self.MAX_SDS_FROM_MEAN:g} sd of "
                    f"the mean ({self.mean} +/- {reach:g}): farther out it holds no probability",
                )
            )
        return problems


class LogUniform(_Distribution):
    """Uniform in log(value) between ``low`` > 0 and ``high`` (for orders of magnitude)."""

    distribution: Literal["log-uniform"]
    low: float = Field(gt=0)
    high: float


class Choice(_Distribution):
    """One of ``values``, each equally likely."""

    distribution: Literal["choice"]
    values: list[float] = Field(min_length=1)

    def ends(self) -> dict[str, float]:
        return {f"values[{i}]": value for i, value in enumerate(self.values)}

    def order_problems(self) -> list[tuple[str, float, str]]:
        return []


Distribution = Annotated[
    Uniform | Triangular | TruncatedNormal | LogUniform | Choice,
    Field(discriminator="distribution"),
]


class ParameterRange(BaseModel):
    """What values a numeric parameter allows (read from its schema field)."""

    whole: bool
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def allows(self, value: float) -> bool:
        if self.whole and value != int(value):
            return False
        return not (
            (self.ge is not None and value < self.ge)
            or (self.gt is not None and value <= self.gt)
            or (self.le is not None and value > self.le)
            or (self.lt is not None and value >= self.lt)
        )

    def __str__(self) -> str:
        low = "(-inf"
        if self.ge is not None or self.gt is not None:
            low = f"[{self.ge:g}" if self.ge is not None else f"({self.gt:g}"
        high = "inf)"
        if self.le is not None or self.lt is not None:
            high = f"{self.le:g}]" if self.le is not None else f"{self.lt:g})"
        return ("whole numbers in " if self.whole else "") + f"{low}, {high}"


class Scenario(Section):
    """A whole scenario file."""

    meta: Meta
    actors: Actors = Field(default_factory=Actors)
    territory: Territory = Field(default_factory=Territory)
    population: Population
    battlefield: Battlefield = Field(default_factory=Battlefield)
    patrons: Patrons = Field(default_factory=Patrons)
    bargaining: Bargaining = Field(default_factory=Bargaining)
    opinion: Opinion = Field(default_factory=Opinion)
    ratification: Ratification = Field(default_factory=Ratification)
    mobilization: Mobilization = Field(default_factory=Mobilization)
    leadership: Leadership = Field(default_factory=Leadership)
    policies: Annotated[list[Policy], Field(min_length=1)]
    deals: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Deals defined in the scenario ([[deals]] tables, each the inner table of a "
        "deal file: name, description, source, territory, security, economy, politics, "
        "process; see docs/deals.md).",
    )
    horizon_months: int = parameter(
        120, description="Months simulated.", unit="months", ge=1, le=600
    )
    runs: int = parameter(2000, description="Runs per policy.", unit="runs", ge=1, le=10_000_000)
    seed: int = parameter(0, description="Master seed.", unit="", ge=0, le=2**63 - 1)
    uncertain: dict[str, Distribution] = Field(
        default_factory=dict,
        description="Uncertainties explored by `offramp explore`: a distribution per numeric "
        'parameter, keyed by its dotted path (`[uncertain."bargaining.emboldening"]`).',
    )

    @model_validator(mode="after")
    def _policy_names_unique(self) -> Scenario:
        names = [policy.name for policy in self.policies]
        if len(set(names)) != len(names):
            raise ValueError(f"policy names must be unique (got {names})")
        return self

    @model_validator(mode="after")
    def _deals_valid(self) -> Scenario:
        from offramp.scenario.deal import DealError, bundled_deals, deal_from_mapping

        errors, names = [], set(bundled_deals())
        for i, table in enumerate(self.deals):
            try:
                names.add(deal_from_mapping(table, source=f"deals[{i}]").name)
            except DealError as error:
                for problem in error.problems:
                    inner = problem.field.removeprefix("deal").lstrip(".")
                    loc = ("deals", i, *(inner.split(".") if inner else ()))
                    errors.append((loc, problem.value, problem.message))
        for i, policy in enumerate(self.policies):
            if policy.deal is not None and policy.deal not in names:
                message = f"no such deal; allowed: {', '.join(sorted(names))}"
                errors.append((("policies", i, "deal"), policy.deal, message))
        if errors:
            raise ValidationError.from_exception_data(
                "Scenario",
                [
                    InitErrorDetails(type=PydanticCustomError("deal", message), loc=loc, input=v)
                    for loc, v, message in errors
                ],
            )
        return self

    def fight_on_policy(self) -> Policy:
        """The scenario's first policy that offers no deal, or a plain fight-on one (the
        baseline of fits, polls and windows)."""
        for policy in self.policies:
            if not policy.offers_deal:
                return policy
        return Policy(name="fight-on", kind="fight-on")

    def offered_deal(self, policy: Policy) -> Deal | None:
        """The deal ``policy`` offers, in the deal vocabulary (None when it fights on): the
        deal it names, or the one its own kind stands for (:func:`~offramp.scenario.deal.
        implied_deal`)."""
        from offramp.scenario.deal import implied_deal

        if not policy.offers_deal:
            return None
        if policy.names_deal:
            assert policy.deal is not None
            return self.deal(policy.deal)
        return implied_deal(policy, self.ratification)

    def deal(self, name: str) -> Deal:
        """The deal called ``name``: one of the scenario's [[deals]], else a bundled one."""
        from offramp.scenario.deal import deal_from_mapping, load_deal

        for table in self.deals:
            if table.get("name") == name:
                return deal_from_mapping(table, source=name)
        return load_deal(name)

    @model_validator(mode="after")
    def _uncertainties_valid(self) -> Scenario:
        ranges = self.parameter_ranges()
        errors = []
        for path, distribution in self.uncertain.items():
            where = ("uncertain", f'"{path}"')
            allowed = ranges.get(path)
            if allowed is None:
                errors.append((where, path, _unknown_parameter_message(path, ranges)))
                continue
            for name, value, message in distribution.order_problems():
                errors.append(((*where, name), value, message))
            for name, value in distribution.ends().items():
                if not allowed.allows(value):
                    errors.append(((*where, name), value, f"{path} allows {allowed}"))
            if allowed.whole and not isinstance(distribution, Choice):
                message = 'a whole-number parameter takes distribution = "choice" (whole values)'
                errors.append(((*where, "distribution"), distribution.distribution, message))
        if errors:
            raise ValidationError.from_exception_data(
                "Scenario",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("uncertain", message), loc=loc, input=value
                    )
                    for loc, value, message in errors
                ],
            )
        return self

    def parameter_ranges(self) -> dict[str, ParameterRange]:
        """Allowed range of each numeric parameter, keyed as ``numeric_parameters`` keys it
        (the per-run entries of ``offramp.scenario.catalogue``)."""
        from offramp.scenario.catalogue import per_run_parameters

        return {entry.path: entry.range for entry in per_run_parameters(self)}

    def policy(self, name: str) -> Policy:
        """The policy called ``name``."""
        for policy in self.policies:
            if policy.name == name:
                return policy
        raise KeyError(name)

    @property
    def policy_names(self) -> list[str]:
        return [policy.name for policy in self.policies]


def _unknown_parameter_message(path: str, ranges: dict[str, ParameterRange]) -> str:
    close = get_close_matches(path, list(ranges), n=3)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    sections = sorted({key.split(".")[0] for key in ranges} - {"policy", "population"})
    return (
        f"not a numeric parameter; {hint}allowed: SECTION.FIELD for the sections "
        f"{', '.join(sections)}, policy.FIELD, population.demand_spread and "
        "population.REGION.no_concessions_share (see docs/parameters.md)"
    )
