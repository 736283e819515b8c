"""The documentation site builds in strict mode, with the API reference and the notebooks.

Strict mode turns every MkDocs warning into a failure: a broken link or anchor, a page left
out of the navigation, an API reference (``::: offramp...``) that does not resolve, a
docstring griffe cannot parse.
"""

from __future__ import annotations

import html
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("mkdocs", reason="the documentation extras (pip install -e .[dev])")


def _words(text: str) -> str:
    """The words of ``text``, one space apart (markup and punctuation dropped)."""
    return " ".join(re.findall(r"\w+", text))


def _text(page: Path) -> str:
    """A built page's words, tags removed."""
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out / "site")]
    # cwd outside the tree: the notebook plugin's cache is written there, not into docs/.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / "site"


@pytest.mark.slow
def test_every_page_of_the_navigation_is_built(site: Path):
    for page in ("index", "tutorial", "model", "mechanisms", "debate", "api", "citing"):
        assert (site / page / "index.html").exists() or (site / f"{page}.html").exists(), page
    for notebook in ("first-study", "assumption-sets", "exploring"):
        assert (site / "notebooks" / notebook / "index.html").exists(), notebook


@pytest.mark.slow
def test_the_api_reference_carries_the_docstrings(site: Path):
    from offramp.engine.results import Results
    from offramp.engine.simulate import simulate
    from offramp.mechanisms import battlefield
    from offramp.study import run_study

    def first_line(thing: object) -> str:
        return _words(inspect.getdoc(thing).splitlines()[0])

    reference = _text(site / "api" / "index.html")
    for thing in (simulate, run_study, Results):
        assert first_line(thing) in reference, thing
    mechanisms = _text(site / "api" / "mechanisms" / "index.html")
    assert first_line(battlefield.lanchester_square) in mechanisms
    # The docstrings' reStructuredText math is rewritten for the site (docs/hooks/rst_math.py).
    raw = (site / "api" / "mechanisms" / "index.html").read_text(encoding="utf-8")
    assert ":math:" not in raw and ".. math::" not in raw
    assert raw.count('class="arithmatex"') > 20


@pytest.mark.slow
def test_the_notebooks_are_rendered(site: Path):
    page = _text(site / "notebooks" / "first-study" / "index.html")
    assert "offramp run_study" in page
