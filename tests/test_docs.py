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
