"""The Python in the documentation is linted and formatted like the code.

``ruff format`` (0.17) formats the ``python`` code blocks of Markdown files itself when it is
given the files, and lints and formats notebooks; ``ruff check`` does not lint Markdown, so
each block is linted on its own here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKDOWN = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# A snippet may end on a bare expression to show its value, as in a notebook or a REPL.
SNIPPET_IGNORES = ["--extend-ignore", "B018"]


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ruff", *args]
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, text=True)


def _blocks() -> list[tuple[str, str]]:
    found = []
    for path in MARKDOWN:
        for index, match in enumerate(BLOCK.finditer(path.read_text(encoding="utf-8"))):
            found.append((f"{path.relative_to(ROOT)}[{index}]", match[1]))
    return found


@pytest.mark.parametrize(("where", "code"), _blocks(), ids=[where for where, _ in _blocks()])
def test_a_python_block_of_the_docs_passes_ruff_check(where: str, code: str):
    name = where.replace("[", "-").replace("]", "") + ".py"
    done = _ruff("check", *SNIPPET_IGNORES, "--stdin-filename", name, "-", stdin=code)
    assert done.returncode == 0, f"{where}:\n{done.stdout}{done.stderr}"


def test_the_python_blocks_of_the_docs_are_formatted():
    done = _ruff("format", "--check", *map(str, MARKDOWN))
    assert done.returncode == 0, done.stdout + done.stderr + "\nrun `ruff format` on them"


def test_the_notebooks_and_scripts_of_the_docs_pass_ruff():
    # ``docs/`` as a folder: ruff takes its notebooks and Python files (hooks, scripts).
    for args in (("check",), ("format", "--check")):
        done = _ruff(*args, "docs")
        assert done.returncode == 0, done.stdout + done.stderr
    assert NOTEBOOKS, "no notebook found under docs/notebooks"
