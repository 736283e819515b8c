"""Deals as sets of terms: the vocabulary's validation, the bundled deals, the territory."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from offramp.cli.errors import EXIT_USER_ERROR, fail_on_user_error
from offramp.mechanisms.deal_terms import (
    NATIONAL_AREA_KM2,
    occupied_share,
    recognised_share,
    withdrawal_share,
)
from offramp.scenario.deal import (
    Deal,
    DealError,
    bundled_deals,
    deal_from_mapping,
    load_deal,
    package_terms,
)

BAD_DEALS = [
    # (what is wrong, the deal table, the field the message must name, a word it must say)
    ("unknown term", {"security": {"guarantee": "none"}}, "deal.security.guarantee", "allowed"),
    ("unknown table", {"military": {}}, "deal.military", "allowed"),
    (
        "unknown area",
        {"territory": {"recognized_de_jure": ["kyiv"]}},
        "deal.territory.recognized_de_jure[0]",
        "crimea",
    ),
    (
        "unknown area to leave",
        {"territory": {"withdraw_from": ["odesa"]}},
        "deal.territory.withdraw_from[0]",
        "donetsk",
    ),
    (
        "withdrawal from an area the defender does not hold",
        {"territory": {"withdraw_from": ["donetsk", "crimea"]}},
        "deal.territory.withdraw_from[1]",
        "holds none of crimea",
    ),
    ("negative cap", {"security": {"army_cap": -5}}, "deal.security.army_cap", "at least 0"),
    ("unknown guarantor", {"security": {"guarantees": "us"}}, "deal.security.guarantees", "europe"),
    ("unknown rule", {"process": {"ratification": "poll"}}, "deal.process.ratification", "decree"),
    ("bad line", {"territory": {"line": "1991"}}, "deal.territory.line", "current"),
    ("not a number", {"security": {"army_cap": "big"}}, "deal.security.army_cap", ""),
    (
        "negative ceasefire",
        {"process": {"ceasefire_days_before_vote": -1}},
        "deal.process.ceasefire_days_before_vote",
        "",
    ),
]


@pytest.mark.parametrize(
    ("case", "table", "field", "word"), BAD_DEALS, ids=[b[0] for b in BAD_DEALS]
)
def test_each_bad_term_names_its_field(case: str, table: dict, field: str, word: str) -> None:
    with pytest.raises(DealError) as caught:
        deal_from_mapping({"name": "bad", **table}, source="bad.toml")
    fields = [p.field for p in caught.value.problems]
    assert fields == [field], (case, fields)
    text = str(caught.value.problems[0])
    assert text.startswith(f"{field}: got ")
    assert word in text


def test_missing_name_and_nan() -> None:
    with pytest.raises(DealError) as caught:
        deal_from_mapping({"security": {"army_cap": float("nan")}})
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == ["deal.name", "deal.security.army_cap"]


def test_a_bad_deal_file_exits_2_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[deal]\nname = "mine"\n[deal.security]\narmy_cap = -1\n')
    with pytest.raises(typer.Exit) as caught, fail_on_user_error():
        load_deal(path)
    assert caught.value.exit_code == EXIT_USER_ERROR


def test_a_deal_file_and_its_inner_table_validate_alike(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[deal]\nname = "mine"\n[deal.territory]\nwithdraw_from = ["donetsk"]\n'
        '[deal.security]\narmy_cap = 250\nnato = "renounced"\n'
    )
    from_file = load_deal(path)
    inner = deal_from_mapping(
        {
            "name": "mine",
            "territory": {"withdraw_from": ["donetsk"]},
            "security": {"army_cap": 250, "nato": "renounced"},
        }
    )
    assert from_file == inner
    with pytest.raises(DealError, match="not a bundled deal"):
        load_deal("no-such-deal")
    with pytest.raises(DealError, match="no such file"):
        load_deal(tmp_path / "absent.toml")


def test_bundled_deals_load_with_sources() -> None:
    names = set(bundled_deals())
    assert names >= {
        "russian-plan-may-2025",
        "us-plan-may-2025",
        "european-plan-may-2025",
        "us-28-point-draft-nov-2025",
        "freeze-without-recognition",
        "donetsk-handover",
    }
    for name in names:
        deal = load_deal(name)
        assert isinstance(deal, Deal) and deal.name == name
        assert len(deal.source) > 20
    draft = load_deal("us-28-point-draft-nov-2025")
    assert "after the June 2025 cut-off" in draft.source
    assert draft.security.army_cap == 600 and draft.security.nato == "renounced"
    assert draft.territory.withdraw_from == ["donetsk"]


# --- territorial arithmetic, by hand from the shipped tables ---------------------------
# oblast_areas: Crimea 26,081, Sevastopol 864, Luhansk 26,684, Donetsk 26,517 km2;
# occupied_by_area (January 2025): Luhansk 99%, Donetsk 66%.


def test_withdrawal_from_donetsk_by_hand() -> None:
    assert withdrawal_share(["donetsk"]) == pytest.approx(26_517 * 0.34 / 603_628, rel=1e-9)
    assert withdrawal_share([]) == 0.0
    # Naming an area twice hands it over once.
    assert withdrawal_share(["donetsk", "donetsk"]) == withdrawal_share(["donetsk"])


def test_recognition_by_hand() -> None:
    crimea = (26_081 + 864) / 603_628
    assert recognised_share(["crimea", "sevastopol"]) == pytest.approx(crimea, rel=1e-9)
    # The 28-point draft: Crimea, Sevastopol, occupied Luhansk, and all of Donetsk (the
    # withdrawn part too).
    draft = (26_081 + 864 + 0.99 * 26_684 + 26_517) / 603_628
    got = recognised_share(["crimea", "sevastopol", "luhansk", "donetsk"], ["donetsk"])
    assert got == pytest.approx(draft, rel=1e-9)
    assert NATIONAL_AREA_KM2 == 603_628


def test_all_occupied_is_the_national_total() -> None:
    # Zaporizhzhia and Kherson are the residual of liveuamap's 112,452.7 km2 (16 Jan 2025),
    # rounded to 0.1%: the sum is that total within the rounding.
    assert occupied_share() * 603_628 == pytest.approx(112_452.7, abs=60)
    assert recognised_share(["all-occupied"]) == occupied_share()


def test_package_terms_follow_the_engine_line_for_all_occupied() -> None:
    deal = load_deal("russian-plan-may-2025")
    assert package_terms(deal, 0.8)["recognized_de_jure"] == pytest.approx(0.2)
    assert package_terms(deal)["recognized_de_jure"] == pytest.approx(occupied_share())
    us = package_terms(load_deal("us-plan-may-2025"))
    assert us["recognized_by"] == "patrons" and us["guarantees"] == "europe"


def test_the_deal_list_shows_each_bundled_deal_in_brief() -> None:
    from typer.testing import CliRunner

    from offramp.cli.main import app
    from offramp.scenario.deal import bundled_deals, load_deal, terms_in_brief

    result = CliRunner().invoke(app, ["deals"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for name in bundled_deals():
        brief = terms_in_brief(load_deal(name))
        line = next(row for row in result.output.splitlines() if f" {name} " in row)
        assert brief["territory"].split(";")[0] in line and brief["sanctions"] in line
    russian = terms_in_brief(load_deal("russian-plan-may-2025"))["security"]
    assert "army cap 85k" in russian and "NATO renounced" in russian
    assert "army cap" not in terms_in_brief(load_deal("european-plan-may-2025"))["security"]


def test_the_vocabulary_names_every_term_and_allows_every_bundled_deals_values() -> None:
    from offramp.scenario.deal import TERM_GROUPS, Deal, bundled_deals, load_deal
    from offramp.scenario.deal_vocabulary import deal_vocabulary

    vocabulary = {term["path"]: term for term in deal_vocabulary()}
    expected = {
        f"{group}.{name}"
        for group in TERM_GROUPS
        for name in Deal.model_fields[group].annotation.model_fields
    }
    assert set(vocabulary) == expected
    for name in bundled_deals():
        deal = load_deal(name)
        for path, term in vocabulary.items():
            group, field = path.split(".")
            value = getattr(getattr(deal, group), field)
            if value is None:
                assert term.get("optional"), path
            elif term["kind"] == "areas":
                assert set(value) <= set(term["allowed"]), (name, path)
            elif term["kind"] in ("choice", "bool"):
                assert value in term["allowed"], (name, path)
            else:
                assert term["minimum"] is None or value >= term["minimum"], (name, path)
                assert term["maximum"] is None or value <= term["maximum"], (name, path)
