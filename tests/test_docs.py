"""The documentation that is generated must match what generates it."""

from __future__ import annotations

from pathlib import Path

from offramp.mechanisms import MECHANISMS
from offramp.scenario.reference import parameter_reference_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_reference_is_up_to_date():
    shipped = (ROOT / "docs" / "parameters.md").read_text()
    assert shipped == parameter_reference_markdown(), (
        "docs/parameters.md is stale: run "
        "`.venv/bin/python -m offramp.scenario.reference > docs/parameters.md`"
    )


def test_every_mechanism_has_a_page_and_a_cited_docstring():
    import importlib

    for name in MECHANISMS:
        module = importlib.import_module(f"offramp.mechanisms.{name}")
        assert "References" in (module.__doc__ or ""), name
        assert (ROOT / "docs" / "mechanisms" / f"{name}.md").exists(), name


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("```")[1].strip().splitlines()
    assert block == ["python3 tasks.py run", "python3 tasks.py test"]
    assert "python3 tasks.py test" in (ROOT / ".ci" / "run").read_text()


def test_debate_page_tables_are_the_assumption_sets_and_the_scenario():
    # Each side's table on docs/debate.md lists every value of its set, with its source, and
    # the bundled scenario's value beside it; a refit of the scenario must show up there.
    import re

    from offramp.scenario import load_scenario
    from offramp.scenario.assumptions import load_assumption_set

    scenario = load_scenario("ukraine-2022")
    page = (ROOT / "docs" / "debate.md").read_text()
    row = re.compile(r"^\| `([a-z_]+\.[a-z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", re.M)
    for name, heading, end in (
        ("domestic-veto", "## The op-ed", "## The analysts"),
        ("stalemate-realism", "## The analysts", "## Who is right"),
    ):
        chosen = load_assumption_set(name)
        section = page[page.index(heading) : page.index(end)]
        rows = {m[1]: (m[2].strip(), m[3].strip(), m[4].strip()) for m in row.finditer(section)}
        assert set(rows) == set(chosen.values), name
        for path, (value, scenario_value, source) in rows.items():
            group, field = path.split(".", 1)
            assert value == str(chosen.values[path]), (name, path)
            assert scenario_value == str(getattr(getattr(scenario, group), field)), (name, path)
            assert source == chosen.sources[path], (name, path)
