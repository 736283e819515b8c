"""Loaders for the data sets shipped in :mod:`offramp.data`.

Every data set is a tidy CSV (one row per published figure) that carries, per row, its date,
value, unit, definition or question wording, publisher, sample size where known, source
address and a ``verified`` flag. ``catalog.toml`` in the same folder describes each file.

pandas is imported inside the functions so that importing this module stays cheap.
"""

from __future__ import annotations

import csv
import io
import tomllib
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "UnknownDatasetError",
    "catalog",
    "dataset_names",
    "list_datasets",
    "load_dataset",
    "dataset_text",
    "dataset_rows",
    "kiis_no_concessions",
    "territory_held_monthly",
    "macroregion_population",
]

DATE_COLUMNS = ("date", "fieldwork_start", "fieldwork_end")
TEXT_COLUMNS = frozenset(
    {
        "unit",
        "definition",
        "publisher",
        "source_url",
        "verified",
        "note",
        "value_range",
        "month",
        "oblasts",
        "region",
        "answer",
        "item",
        "measure",
        "pollster",
        "mode",
        "event",
        "location",
        "value_kind",
        "metric",
        "territory_share_basis",
        "includes_pre2022",
        "population_verified",
        "composition_verified",
        "area",
        "kind",
        "basis",
        "plan",
        "terms_as_worded",
        "term",
        "identified",
        "fit",
        "parameter",
    }
)
REGIONS = ("national", "west", "center", "south", "east")


class UnknownDatasetError(ValueError):
    """Raised when a data set name is not in the catalogue.

    Parameters
    ----------
    name : str
        The name that was asked for.
    allowed : sequence of str
        The names that exist.
    """

    def __init__(self, name: str, allowed: list[str] | tuple[str, ...]) -> None:
        self.name = name
        self.allowed = tuple(allowed)
        super().__init__(f"unknown dataset {name!r}; allowed: {', '.join(self.allowed)}")


def _data_dir() -> Any:
    return resources.files("offramp") / "data"


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Any]]:
    """Return the parsed ``catalog.toml``.

    Returns
    -------
    dict
        One entry per data set name, with ``file``, ``title``, ``description``,
        ``columns``, ``license``, ``provenance`` and ``left_out``.
    """
    text = (_data_dir() / "catalog.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def dataset_names() -> tuple[str, ...]:
    """Return the names of the shipped data sets, in catalogue order.

    Returns
    -------
    tuple of str
        The allowed values for :func:`load_dataset`.
    """
    return tuple(catalog())


def _entry(name: str) -> dict[str, Any]:
    cat = catalog()
    if name not in cat:
        raise UnknownDatasetError(name, tuple(cat))
    return cat[name]


def dataset_text(name: str) -> str:
    """Return the raw CSV text of one data set.

    Parameters
    ----------
    name : str
        A data set name (see :func:`dataset_names`).

    Returns
    -------
    str
        The file's contents, unchanged.

    Raises
    ------
    UnknownDatasetError
        If ``name`` is not a shipped data set.
    """
    entry = _entry(name)
    return (_data_dir() / entry["file"]).read_text(encoding="utf-8")


def dataset_rows(name: str) -> list[dict[str, str]]:
    """Return the rows of one data set as text, column name to cell, without pandas.

    For the few tables the engine reads when it compiles a scenario: importing pandas
    costs about 0.3 s, paid again by every worker process of ``offramp explore``.

    Raises
    ------
    UnknownDatasetError
        If ``name`` is not a shipped data set.
    """
    return list(csv.DictReader(io.StringIO(dataset_text(name))))


def load_dataset(name: str) -> pd.DataFrame:
    """Load one shipped data set as a DataFrame.

    Date columns (``date``, ``fieldwork_start``, ``fieldwork_end``) are parsed to
    datetimes; every other column that is not descriptive text is converted to numbers
    (blank cells become NaN).

    Parameters
    ----------
    name : str
        A data set name (see :func:`dataset_names`).

    Returns
    -------
    pandas.DataFrame
        One row per published figure.

    Raises
    ------
    UnknownDatasetError
        If ``name`` is not a shipped data set.
    """
    import pandas as pd

    text = dataset_text(name)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for col in df.columns:
        if col in DATE_COLUMNS:
            df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
        elif col in TEXT_COLUMNS:
            continue
        else:
            df[col] = pd.to_numeric(df[col].replace("", None))
    return df


def list_datasets() -> pd.DataFrame:
    """Summarise the shipped data sets.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``title``, ``rows`` and ``file``.
    """
    import pandas as pd

    records = []
    for name, entry in catalog().items():
        text = dataset_text(name)
        rows = max(len([ln for ln in text.splitlines() if ln.strip()]) - 1, 0)
        if '"' in text:  # quoted fields may hold line breaks: count properly
            rows = len(load_dataset(name))
        records.append({"name": name, "title": entry["title"], "rows": rows, "file": entry["file"]})
    return pd.DataFrame.from_records(records, columns=["name", "title", "rows", "file"])


def kiis_no_concessions(region: str = "national", answer: str = "no_concessions") -> pd.DataFrame:
    """KIIS territorial-concessions series for one region, ready for a binomial likelihood.

    Parameters
    ----------
    region : {"national", "west", "center", "south", "east"}
        KIIS macro-region, or the whole sample.
    answer : {"no_concessions", "can_give_up_some", "undecided"}
        Which answer's share to return.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (fieldwork midpoint), ``value_pct`` (percent) and ``n``
        (``n_effective``: the sample size, or for a region the sample size times the
        region's population share; NaN where the sample size is unknown), sorted by date.

    Raises
    ------
    ValueError
        If ``region`` or ``answer`` is not one of the allowed values.
    """
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; allowed: {', '.join(REGIONS)}")
    answers = ("no_concessions", "can_give_up_some", "undecided")
    if answer not in answers:
        raise ValueError(f"unknown answer {answer!r}; allowed: {', '.join(answers)}")
    df = load_dataset("kiis_no_concessions")
    sel = df[(df["region"] == region) & (df["answer"] == answer)]
    out = sel[["date", "value", "n_effective"]].rename(
        columns={"value": "value_pct", "n_effective": "n"}
    )
    return out.sort_values("date").reset_index(drop=True)


def territory_held_monthly() -> pd.DataFrame:
    """Monthly defender-held share of Ukraine's territory (liveuamap, month-end).

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (pandas Period, monthly) and ``held_share`` (0-1, share of
        603,628 km2 not shown as occupied on the month's last observed day; Crimea and
        pre-2022 ORDLO count as occupied).
    """
    import pandas as pd

    df = load_dataset("occupied_territory_monthly")
    return pd.DataFrame(
        {
            "month": pd.PeriodIndex(df["month"], freq="M"),
            "held_share": df["value"].astype(float),
        }
    )


def macroregion_population() -> pd.DataFrame:
    """Resident population of KIIS's macro-regions on 1 January 2021 (Ukrstat).

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (west, center, south, east), ``population_thousands`` and
        ``share`` (of Ukraine excluding Crimea and Sevastopol; sums to 1 within rounding).

    Notes
    -----
    The oblast-to-macro-region grouping could not be confirmed in a KIIS report; see the
    ``composition_verified`` column of the ``population_macroregions`` data set.
    """
    df = load_dataset("population_macroregions")
    out = df[["region", "value", "share"]].rename(columns={"value": "population_thousands"})
    return out.reset_index(drop=True)
