"""Tests for the shipped data sets, their loaders and the ``offramp data`` commands."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from offramp.cli.data import data_app
from offramp.datasets import (
    UnknownDatasetError,
    dataset_names,
    dataset_rows,
    kiis_no_concessions,
    list_datasets,
    load_dataset,
    macroregion_population,
    territory_held_monthly,
)

NAMES = dataset_names()
REQUIRED = ("date", "value", "unit", "definition", "publisher", "source_url", "verified", "note")


def test_catalogue_lists_every_dataset() -> None:
    listing = list_datasets()
    assert list(listing.columns) == ["name", "title", "rows", "file"]
    assert set(listing["name"]) == set(NAMES)
    assert len(NAMES) >= 9
    for row in listing.itertuples(index=False):
        assert row.rows == len(load_dataset(row.name)) > 0


@pytest.mark.parametrize("name", NAMES)
def test_every_row_is_sourced(name: str) -> None:
    df = load_dataset(name)
    for col in REQUIRED:
        assert col in df.columns, col
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert df["date"].notna().all()
    assert pd.api.types.is_numeric_dtype(df["value"])
    assert df["value"].notna().all()
    for col in ("definition", "source_url", "publisher", "unit"):
        assert (df[col].str.len() > 0).all(), col
    assert set(df["verified"]) <= {"yes", "secondary", "no"}
    starts, ends = df["fieldwork_start"], df["fieldwork_end"]
    both = starts.notna() & ends.notna()
    assert (starts[both] <= ends[both]).all()


@pytest.mark.parametrize("name", NAMES)
def test_rows_without_pandas_are_the_tables_rows(name: str) -> None:
    # The engine reads its tables through dataset_rows (no pandas import in a worker): the
    # same rows, and each value the same float, bit for bit.
    rows, df = dataset_rows(name), load_dataset(name)
    assert len(rows) == len(df) and list(rows[0]) == list(df.columns)
    assert [float(row["value"]) for row in rows] == df["value"].tolist()
    assert [row["date"] for row in rows] == df["date"].dt.strftime("%Y-%m-%d").tolist()


@pytest.mark.parametrize("name", NAMES)
def test_percent_shares_in_range(name: str) -> None:
    df = load_dataset(name)
    pct = df[df["unit"].str.startswith("percent of")]
    assert ((pct["value"] >= 0) & (pct["value"] <= 100)).all()


def test_kiis_july_2022_national() -> None:
    df = kiis_no_concessions("national")
    row = df[df["date"].dt.strftime("%Y-%m") == "2022-07"]
    assert row["value_pct"].tolist() == [84]
    assert list(df.columns) == ["date", "value_pct", "n"]
    assert df["date"].is_monotonic_increasing


def test_kiis_regions_and_shares_sum() -> None:
    df = load_dataset("kiis_no_concessions")
    assert set(df["region"]) == {"national", "west", "center", "south", "east"}
    nat = df[df["region"] == "national"].pivot_table(index="date", columns="answer", values="value")
    full = nat.dropna()
    assert ((full.sum(axis=1) - 100).abs() <= 2).all()
    assert (df["n_effective"].dropna() <= df["sample_n"].dropna().max()).all()
    with pytest.raises(ValueError):
        kiis_no_concessions("north")


def test_macroregion_population_matches_oblasts() -> None:
    pop = macroregion_population()
    assert list(pop["region"]) == ["west", "center", "south", "east"]
    assert abs(pop["share"].sum() - 1) < 0.002
    # Ukrstat resident population, 1 Jan 2021, thousands, by oblast (ukrstat nas2021_e.htm)
    oblast = {
        "Vinnytsia": 1522.0,
        "Volyn": 1024.7,
        "Dnipropetrovsk": 3138.7,
        "Donetsk": 4087.4,
        "Zhytomyr": 1196.3,
        "Zakarpattia": 1247.3,
        "Zaporizhzhia": 1665.7,
        "Ivano-Frankivsk": 1358.4,
        "Kyiv_oblast": 1782.7,
        "Kirovohrad": 913.7,
        "Luhansk": 2116.7,
        "Lviv": 2479.4,
        "Mykolaiv": 1107.7,
        "Odesa": 2357.1,
        "Poltava": 1363.7,
        "Rivne": 1147.4,
        "Sumy": 1051.3,
        "Ternopil": 1027.3,
        "Kharkiv": 2618.2,
        "Kherson": 1015.3,
        "Khmelnytskyi": 1240.6,
        "Cherkasy": 1174.6,
        "Chernivtsi": 893.5,
        "Chernihiv": 968.1,
        "Kyiv_city": 2920.9,
    }
    assert abs(sum(oblast.values()) - 41418.7) < 0.05
    full = load_dataset("population_macroregions")
    seen: list[str] = []
    for row in full.itertuples(index=False):
        members = row.oblasts.split(";")
        seen += members
        assert abs(sum(oblast[o] for o in members) - row.value) < 0.05
        assert abs(row.value / 41418.7 - row.share) < 0.0001
    assert sorted(seen) == sorted(oblast)


def test_territory_held_july_2022() -> None:
    held = territory_held_monthly()
    assert list(held.columns) == ["month", "held_share"]
    july = held.loc[held["month"] == pd.Period("2022-07", freq="M"), "held_share"].item()
    assert 0.79 <= july <= 0.80
    assert str(held["month"].iloc[0]) == "2022-02"
    assert str(held["month"].iloc[-1]) == "2025-01"
    assert held["held_share"].between(0.7, 1.0).all()


def test_ndi_ladder_territory_shares() -> None:
    df = load_dataset("ndi_ladder_2022")
    share = df.groupby("item")["territory_share_implied"].first()
    assert share["pre2014_borders"] == 1.0
    assert share["lines_2022_02_23"] == pytest.approx(1 - 42981 / 603628, abs=1e-5)
    assert 0.79 < share["currently_controlled"] < 0.80
    acc = df[df["answer"] == "acceptable"].set_index("item")["value"]
    assert acc["pre2014_borders"] == 89


def test_unknown_dataset_error_lists_names() -> None:
    with pytest.raises(UnknownDatasetError) as info:
        load_dataset("nope")
    assert isinstance(info.value, ValueError)
    assert "kiis_no_concessions" in str(info.value)


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test host."""

    app.add_typer(data_app, name="data")
    return app


def test_cli_list(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["data", "list"])
    assert result.exit_code == 0, result.output
    assert "kiis_no_concessions" in result.output


def test_cli_show_table_and_csv(cli: typer.Typer) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["data", "show", "aid_kiel", "--rows", "3"])
    assert result.exit_code == 0, result.output
    assert "3 of" in result.output
    result = runner.invoke(cli, ["data", "show", "population_macroregions", "--csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("date,")
    assert len(lines) == 5
    result = runner.invoke(cli, ["data", "show", "kiis_no_concessions", "--csv", "--rows", "2"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == 3


def test_cli_unknown_name_exits_2(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["data", "show", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.output
    assert "kiis_no_concessions" in result.output
    assert "Traceback" not in result.output
