"""The registry of what a run reports: per-run outcomes and monthly trajectory variables.

Every quantity the engine records is declared here once: its name (the column of
``Results.outcomes`` or the variable of ``Results.trajectories``), its display label, unit,
meaning, dtype kind, which direction is better, and, for outcomes, how the study summary
reduces it. Everything that names, orders, labels or ranks outcomes reads this module:

- ``offramp.analysis.summary`` (the summary of a study and its side-by-side columns),
- ``offramp.analysis.robustness`` and ``offramp.analysis.cruxes`` (the direction and the
  words of "A beats B"),
- ``offramp.ema`` (the outcomes offered to the EMA Workbench),
- the CLI table, the HTML report and the dashboard (which gets it from ``GET /api/outcomes``),
- ``Results.trajectories`` (each variable's ``long_name`` and ``units``),
- ``docs/model.md`` (its outcome and trajectory tables are checked against
  :func:`outcomes_markdown` and :func:`trajectories_markdown`).

A new outcome is one :class:`Outcome` entry in :data:`OUTCOMES` (and the engine writing
it); with a :class:`Summary` whose ``column`` is true it appears in every face's table.

The module imports nothing beyond the standard library, so that the CLI can read it at
start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

Direction = Literal["higher", "lower"] | None
Kind = Literal["f", "b", "i", "U"]  # numpy dtype kinds: float, bool, integer, text

PERCENT = 100.0


# How a unit is shown on an axis: shares as percentages, persons in thousands; any other
# unit as it is. A summary column may say otherwise (its Summary's scale and display_unit).
DISPLAY: dict[str, tuple[float, str]] = {
    "share": (PERCENT, "%"),
    "share of population": (PERCENT, "%"),
    "persons": (1e-3, "thousands"),
    "months": (1.0, ""),  # "months at war": the label says it
}


def with_unit(label: str, display_unit: str) -> str:
    """A heading with its unit: 'casualties, thousands' (the label alone without one)."""
    return f"{label}, {display_unit}" if display_unit else label


class UnknownOutcomeError(ValueError):
    """An outcome name the registry does not declare, or one without a direction."""


@dataclass(frozen=True)
class Summary:
    """How a study's summary reduces an outcome, and whether the side-by-side table shows it.

    Attributes
    ----------
    statistic
        ``"quantiles"`` (median and percentiles, :func:`offramp.analysis.summary.quantiles`)
        or ``"share"`` (the share of runs in which a true/false outcome is true).
    statistics
        For quantiles: which ones ("mean", "median", "pNN").
    among
        ``"runs"`` (every run) or ``"ceasefires"`` (the runs whose deal took effect).
    deal_only
        A share that means nothing without a deal (None for fight-on).
    column
        Whether the outcome is a column of the side-by-side table (CLI, report, dashboard).
    interval
        For a quantile column: show ``median [p05, p95]`` rather than the median alone.
    scale, digits, display_unit
        The column shows ``scale x value`` with ``digits`` decimals, in ``display_unit``.
    """

    statistic: Literal["quantiles", "share"]
    statistics: tuple[str, ...] = ("median", "p05", "p95")
    among: Literal["runs", "ceasefires"] = "runs"
    deal_only: bool = False
    column: bool = False
    interval: bool = False
    scale: float = 1.0
    digits: int = 0
    display_unit: str = ""


@dataclass(frozen=True)
class Outcome:
    """One per-run outcome (a column of ``Results.outcomes``)."""

    name: str
    label: str
    unit: str
    description: str
    kind: Kind
    better: Direction
    phrase: str = ""  # what "A beats B" on it means, in words (cruxes); generic if empty
    summary: Summary | None = None

    @property
    def display(self) -> tuple[float, str]:
        """(scale, unit) it is shown in: its summary column's, else :data:`DISPLAY`'s."""
        spec = self.summary
        if spec is not None and (spec.scale != 1.0 or spec.display_unit):
            return spec.scale, spec.display_unit
        return DISPLAY.get(self.unit, (1.0, "" if self.unit == "true/false" else self.unit))

    @property
    def axis_title(self) -> str:
        """Its label with the unit shown: 'casualties, thousands'."""
        return with_unit(self.label, self.display[1])

    @property
    def median_title(self) -> str:
        """Its label for a median with the unit shown: 'territory at horizon, median, %'."""
        return with_unit(f"{self.label}, median", self.display[1])

    @property
    def summary_key(self) -> str:
        """Its key in ``Study.summary()``: ``p_<name>`` for a share, else the name."""
        if self.summary is not None and self.summary.statistic == "share":
            return f"p_{self.name}"
        return self.name

    def to_dict(self) -> dict[str, Any]:
        scale, unit = self.display
        return {
            **asdict(self),
            "summary_key": self.summary_key,
            "scale": scale,
            "display_unit": unit,
            "axis_title": self.axis_title,
            "median_title": self.median_title,
        }


@dataclass(frozen=True)
class TrajectoryVariable:
    """One monthly state variable (a variable of ``Results.trajectories``)."""

    name: str
    label: str
    unit: str
    description: str
    kind: Kind
    better: Direction

    @property
    def display(self) -> tuple[float, str]:
        """(scale, unit) it is shown in (:data:`DISPLAY`)."""
        return DISPLAY.get(self.unit, (1.0, self.unit))

    @property
    def axis_title(self) -> str:
        """Its label with the unit shown: 'territory held, %'."""
        return with_unit(self.label, self.display[1])

    def to_dict(self) -> dict[str, Any]:
        scale, unit = self.display
        return {**asdict(self), "scale": scale, "display_unit": unit, "axis_title": self.axis_title}


def _q(*statistics: str, **options: Any) -> Summary:
    return Summary("quantiles", statistics or ("median", "p05", "p95"), **options)


def _share(**options: Any) -> Summary:
    return Summary("share", (), scale=PERCENT, display_unit="%", **options)


def _registry(entries: Iterable[Outcome]) -> dict[str, Outcome]:
    return {entry.name: entry for entry in entries}


# In reading order: the side-by-side table's columns follow it.
OUTCOMES: dict[str, Outcome] = _registry(
    [
        Outcome(
            "run", "run", "index", "global run index (determines the random stream)", "i", None
        ),
        Outcome(
            "territory_at_horizon",
            "territory held at the horizon",
            "share",
            "share of its recognised area the defender holds at the horizon",
            "f",
            "higher",
            "keeps more territory at the horizon",
            _q(
                "mean",
                "median",
                "p05",
                "p95",
                column=True,
                interval=True,
                scale=PERCENT,
                digits=1,
                display_unit="%",
            ),
        ),
        Outcome(
            "territory_min",
            "least territory held",
            "share",
            "least share held at any month end (or at month 0)",
            "f",
            "higher",
            "loses less territory at its worst",
            _q(),
        ),
        Outcome(
            "deal_offers",
            "offers made",
            "offers",
            "how many times the policy's schedule put the deal on the table",
            "f",
            None,
            "",
            _q(deal_only=True),
        ),
        Outcome(
            "deal_declined",
            "declined by the government",
            "true/false",
            "the invader accepted an offer but the defender's government declined to sign it "
            "(it expected ratification to fail, or its own survival to be at risk)",
            "b",
            None,
            "",
            _share(deal_only=True),
        ),
        Outcome(
            "deal_signed",
            "deal signed",
            "true/false",
            "the invader accepted the offer and the deal was signed",
            "b",
            "higher",
            "gets a deal signed more often",
            _share(deal_only=True, column=True),
        ),
        Outcome(
            "deal_support",
            "support for the deal",
            "share of population",
            "share of the population whose reservation point the deal met at signing "
            "(NaN if not signed)",
            "f",
            "higher",
            "brings a deal more of the public accepts",
        ),
        Outcome(
            "deal_territory",
            "territory under the deal",
            "share",
            "territory share held at signing: the line the deal fixes (NaN if not signed)",
            "f",
            "higher",
            "fixes a line that keeps more territory",
        ),
        Outcome(
            "deal_ratified",
            "deal ratified",
            "true/false",
            "the deal passed ratification and took effect",
            "b",
            "higher",
            "gets a deal ratified more often",
            _share(deal_only=True, column=True),
        ),
        Outcome(
            "ceasefire_month",
            "month of the ceasefire",
            "month index",
            "month the deal took effect (NaN if none)",
            "f",
            None,
        ),
        Outcome(
            "war_resumed",
            "war resumed",
            "true/false",
            "the ceasefire ended before the horizon (by attack or repudiation)",
            "b",
            "lower",
            "sees war resume less often",
        ),
        Outcome(
            "war_resumed_month",
            "month war resumed",
            "month index",
            "month the ceasefire ended (NaN if it did not)",
            "f",
            None,
        ),
        Outcome(
            "war_resumed_60m",
            "war resumed within 60 months",
            "true/false",
            "a ceasefire began and ended within 60 months",
            "b",
            "lower",
            "sees war resume within five years less often",
            _share(among="ceasefires", deal_only=True, column=True),
        ),
        Outcome(
            "resumed_by_repudiation",
            "war resumed by repudiation",
            "true/false",
            "the ceasefire ended because a successor repudiated the deal",
            "b",
            "lower",
            "sees a successor repudiate the deal less often",
        ),
        Outcome(
            "leader_removed",
            "leader removed",
            "true/false",
            "the leader who was in office at month 0 lost office",
            "b",
            "lower",
            "removes the leader less often",
            _share(column=True),
        ),
        Outcome(
            "leader_removed_month",
            "month the leader was removed",
            "month index",
            "month of the first removal (NaN if none)",
            "f",
            None,
        ),
        Outcome(
            "removal_cause",
            "cause of removal",
            "text",
            'cause of the first removal: `"hazard"` (the monthly removal hazard, which combines '
            'the base hazard, protest and low approval), `"election"` (lost the post-deal '
            'election), or `""` (not removed)',
            "U",
            None,
        ),
        Outcome(
            "peak_protest",
            "peak protest",
            "share of population",
            "largest monthly protest share",
            "f",
            "lower",
            "brings smaller protests",
            _q("median", "p95", column=True, scale=PERCENT, digits=1, display_unit="%"),
        ),
        Outcome(
            "months_at_war",
            "months at war",
            "months",
            "months that began at war",
            "f",
            "lower",
            "means fewer months at war",
            _q(column=True),
        ),
        Outcome(
            "months_instability",
            "months of instability",
            "months",
            "months spent in instability spells (several spells if several leaders are removed)",
            "f",
            "lower",
            "brings fewer months of instability",
            _q("median", "p95"),
        ),
        Outcome(
            "peace_months",
            "months of peace",
            "months",
            "months the ceasefire lasted, censored at the horizon (NaN without a ceasefire)",
            "f",
            "higher",
            "keeps the peace longer",
            _q(among="ceasefires"),
        ),
        Outcome(
            "casualties_defender_military",
            "defender's military casualties",
            "persons",
            "defender's cumulative losses to attrition",
            "f",
            "lower",
            "costs fewer soldiers' lives",
        ),
        Outcome(
            "casualties_invader_military",
            "invader's military casualties",
            "persons",
            "invader's cumulative losses to attrition",
            "f",
            # Whether more of them is better depends on whose side one takes: no default.
            None,
        ),
        Outcome(
            "casualties",
            "casualties",
            "persons",
            "military (both sides) and civilian casualties: the sum of the other three "
            "casualty columns",
            "f",
            "lower",
            "costs fewer lives (military and civilian casualties)",
            _q(column=True, interval=True, scale=1e-3, display_unit="thousands"),
        ),
        Outcome(
            "casualties_civilian",
            "civilian casualties",
            "persons",
            "`battlefield.civilian_ratio` × defender military casualties",
            "f",
            "lower",
            "costs fewer civilian lives",
            _q("median"),
        ),
    ]
)

# Why a ceasefire ended (``offramp.analysis.summary.resumption_causes``): one label each.
RESUMPTION_CAUSES: dict[str, str] = {
    "invader": "the invader resumed the war",
    "repudiation": "a successor repudiated the deal",
    "rejected_vote": "the vote after the ceasefire rejected the deal",
}

# Why the leader lost office (``offramp.analysis.summary.removal_cause_shares``).
REMOVAL_CAUSES: dict[str, str] = {
    "hazard": "removed (protest, other hazard)",
    "election": "lost an election",
}

TRAJECTORIES: dict[str, TrajectoryVariable] = {
    variable.name: variable
    for variable in [
        TrajectoryVariable(
            "territory",
            "territory held",
            "share",
            "share of recognised area held by the defender",
            "f",
            "higher",
        ),
        TrajectoryVariable("phase", "phase", "code", "0 war, 1 ceasefire", "f", None),
        TrajectoryVariable(
            "protest", "protest", "share", "share of the population protesting", "f", None
        ),
        TrajectoryVariable("approval", "approval", "share", "leader's approval", "f", None),
        TrajectoryVariable("legitimacy", "legitimacy", "share", "government legitimacy", "f", None),
        TrajectoryVariable(
            "no_concessions",
            "refusing any concession",
            "share",
            "share of the population refusing any territorial concession (demand ≥ 1)",
            "f",
            None,
        ),
        TrajectoryVariable(
            "defender_power",
            "defender's effective fire",
            "thousand troops/month",
            "defender's effective fire, d_eff × D",
            "f",
            None,
        ),
        TrajectoryVariable(
            "invader_power",
            "invader's effective fire",
            "thousand troops/month",
            "invader's effective fire, a × I",
            "f",
            None,
        ),
        TrajectoryVariable(
            "aid", "aid", "index", "patron aid index (1 = 2022–24 average)", "f", None
        ),
        TrajectoryVariable(
            "casualties",
            "military casualties",
            "persons",
            "cumulative military casualties, both sides (civilians not included)",
            "f",
            "lower",
        ),
        TrajectoryVariable(
            "casualties_defender",
            "defender's military casualties",
            "persons",
            "cumulative military casualties (killed and wounded) of the defender",
            "f",
            "lower",
        ),
        TrajectoryVariable(
            "settlement_pressure",
            "pressure to settle",
            "index 0-1",
            "pressure on the defender's government to settle: the public's weariness and the "
            "leader's lost approval (leadership.settlement_pressure)",
            "f",
            None,
        ),
    ]
}


def outcome(name: str) -> Outcome:
    """The registry entry of ``name``; an unknown name is an error naming the allowed ones."""
    try:
        return OUTCOMES[name]
    except KeyError:
        raise UnknownOutcomeError(
            f"unknown outcome {name!r}; allowed: {', '.join(OUTCOMES)}"
        ) from None


def higher_is_better(name: str, lower_is_better: bool | None = None) -> bool:
    """Direction of outcome ``name``: the caller's choice, else the registry's.

    Raises
    ------
    UnknownOutcomeError
        For a name the registry does not declare, or an outcome without a direction (a
        month, a run index) when the caller gives none.
    """
    if lower_is_better is not None:
        outcome(name)
        return not lower_is_better
    better = outcome(name).better
    if better is None:
        raise UnknownOutcomeError(
            f"outcome {name!r} has no better direction; say which "
            "(--lower-is-better or --higher-is-better)"
        )
    return better == "higher"


def ranked_outcomes() -> list[Outcome]:
    """The numeric outcomes with a direction (what robustness, cruxes and EMA rank on)."""
    return [o for o in OUTCOMES.values() if o.better is not None and o.kind in "fbi"]


@dataclass(frozen=True)
class SummaryColumn:
    """One column of the side-by-side table: heading, summary key and how a cell reads."""

    name: str  # the outcome
    key: str  # its key in Study.summary()
    label: str
    heading: str  # the label with the unit shown: "casualties, thousands"
    statistic: Literal["interval", "median", "share"]
    statistic_text: str  # what the cells are: "median [5%, 95%]", "% of runs"
    scale: float
    digits: int
    display_unit: str

    def cell(self, row: Mapping[str, Any]) -> str:
        """The cell of one policy's summary row: '66.9 [58.6, 68.8]', '54%', 'n/a'."""
        value = row.get(self.key)
        if self.statistic == "share":
            return "n/a" if value is None else f"{self.scale * value:.{self.digits}f}%"
        stats = value or {}
        median = stats.get("median")
        if median is None:
            return "n/a"
        text = self._number(median)
        if self.statistic == "interval" and stats.get("p05") is not None:
            text += f" [{self._number(stats['p05'])}, {self._number(stats['p95'])}]"
        return text

    @property
    def title(self) -> str:
        """The heading on one line: 'casualties, thousands (median [5%, 95%])'."""
        return f"{self.heading} ({self.statistic_text})"

    def _number(self, value: float) -> str:
        return f"{self.scale * value:.{self.digits}f}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "title": self.title}


def _statistic_text(spec: Summary) -> str:
    if spec.statistic == "share":
        return "% of ceasefires" if spec.among == "ceasefires" else "% of runs"
    return "median [5%, 95%]" if spec.interval else "median"


def summary_columns() -> list[SummaryColumn]:
    """The side-by-side table's columns, in registry order (read at call time)."""
    columns = []
    for entry in OUTCOMES.values():
        spec = entry.summary
        if spec is None or not spec.column:
            continue
        statistic = (
            "share" if spec.statistic == "share" else "interval" if spec.interval else "median"
        )
        columns.append(
            SummaryColumn(
                name=entry.name,
                key=entry.summary_key,
                label=entry.label,
                # a share's cells say "%" themselves
                heading=with_unit(
                    entry.label, "" if spec.statistic == "share" else spec.display_unit
                ),
                statistic=statistic,
                statistic_text=_statistic_text(spec),
                scale=spec.scale,
                digits=spec.digits,
                display_unit=spec.display_unit,
            )
        )
    return columns


@dataclass(frozen=True)
class WindowShare:
    """One probability the deal window reports for each offer month (``offramp window``).

    ``key`` is its key in an offer of :func:`offramp.analysis.negotiation.window`: the
    outcome's summary key, so the same quantity has one name in a study and in a window.
    """

    key: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# "In force" is no per-run outcome of its own: the runs in which a ceasefire took effect
# (``ceasefire_month`` set), the runs the "among ceasefires" shares are taken over.
WINDOW_SHARES: tuple[WindowShare, ...] = (
    WindowShare(OUTCOMES["deal_signed"].summary_key, OUTCOMES["deal_signed"].label),
    WindowShare(OUTCOMES["deal_ratified"].summary_key, OUTCOMES["deal_ratified"].label),
    WindowShare("p_deal_in_force", "deal in force (a ceasefire took effect)"),
    WindowShare(
        OUTCOMES["war_resumed_60m"].summary_key,
        OUTCOMES["war_resumed_60m"].label + " (of those in force)",
    ),
)


# The window's shares are shares of runs, shown as percentages; its territory measure
# (the median at the horizon, against fighting on) is an outcome of the registry.
WINDOW_SHARE_DISPLAY: tuple[float, str] = (PERCENT, "%")
WINDOW_SHARE_AXIS = with_unit("share of runs", WINDOW_SHARE_DISPLAY[1])
WINDOW_TERRITORY = OUTCOMES["territory_at_horizon"]


#: KIIS's monitoring question ("under no circumstances give up any territory" or not).
MONITORING_QUESTION = "no-concessions"

#: The answers a poll reports (``offramp poll``) for each question it can ask, worded as the
#: surveys' answer options; the CLI, the report and the dashboard (from the API) read them.
POLL_ANSWERS: dict[str, dict[str, str]] = {
    "deal": {
        "accept": "acceptable (readily or reluctantly)",
        "reject": "completely unacceptable",
        "undecided": "hard to say",
    },
    MONITORING_QUESTION: {
        "accept": "no territory may be given up",
        "reject": "may give up some",
        "undecided": "hard to say",
    },
}


def summary_column(name: str) -> SummaryColumn:
    """The side-by-side table's column of outcome ``name`` (KeyError if it has none)."""
    for column in summary_columns():
        if column.name == name:
            return column
    raise KeyError(f"outcome {name!r} is no column of the summary table")


def registry_dict() -> dict[str, Any]:
    """The registry as JSON (``GET /api/outcomes``): outcomes, trajectories, table columns."""
    return {
        "outcomes": [entry.to_dict() for entry in OUTCOMES.values()],
        "trajectories": [variable.to_dict() for variable in TRAJECTORIES.values()],
        "summary_columns": [column.to_dict() for column in summary_columns()],
        "resumption_causes": dict(RESUMPTION_CAUSES),
        "removal_causes": dict(REMOVAL_CAUSES),
        "window_shares": [share.to_dict() for share in WINDOW_SHARES],
        "window_share_axis": {"title": WINDOW_SHARE_AXIS, "scale": WINDOW_SHARE_DISPLAY[0]},
        "window_territory": WINDOW_TERRITORY.name,
    }


def _markdown_table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _direction(better: Direction) -> str:
    return {"higher": "higher", "lower": "lower", None: "none"}[better]


def outcomes_markdown() -> str:
    """The outcome table of ``docs/model.md``."""
    return _markdown_table(
        ("column", "definition", "unit", "better"),
        ((f"`{o.name}`", o.description, o.unit, _direction(o.better)) for o in OUTCOMES.values()),
    )


def trajectories_markdown() -> str:
    """The trajectory table of ``docs/model.md``."""
    return _markdown_table(
        ("variable", "meaning", "unit"),
        ((f"`{v.name}`", v.description, v.unit) for v in TRAJECTORIES.values()),
    )
