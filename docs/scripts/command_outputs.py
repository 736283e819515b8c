"""Re-run the commands whose output a documentation page quotes, and paste their output.

Run ``.venv/bin/python docs/scripts/command_outputs.py [PAGE ...]`` (about a minute a study)
after a change to the model. A quoted block is a fenced block whose first line is
``$ offramp ...``; the script runs that command with the installed ``offramp`` (200 columns,
no colour) and replaces the rest of the block with what it printed. A command that reads a
file the page has the reader write (``my-scenario.toml``) is left as it is. Pages default to
``docs/debate.md`` and ``docs/tutorial.md``. The prose around a block is not touched: read
the new figures and correct it by hand.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
PAGES = [DOCS / "debate.md", DOCS / "tutorial.md"]
# The command and its output in one fenced block, or the command's block followed by a
# block of output (the tutorial's layout).
BLOCK = re.compile(
    r"^```\n\$ (offramp [^\n]*)\n(```\n\n```(?:json)?\n)?(.*?)^```$", re.MULTILINE | re.DOTALL
)


def output_of(command: str) -> str:
    """What ``command`` prints, as a terminal 200 columns wide would show it."""
    exe = Path(sys.executable).with_name("offramp")
    argv = [str(exe), *shlex.split(command)[1:]]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    return done.stdout.rstrip() + "\n"


def refresh(page: Path) -> int:
    """Replace every quoted block of ``page`` with fresh output; the number replaced."""
    text = page.read_text(encoding="utf-8")
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        reads_a_file = any(w.endswith((".toml", ".json")) for w in shlex.split(match[1]))
        if reads_a_file or not (match[2] or match[3]):
            return match[0]  # a file the reader writes, or a command quoted without output
        count += 1
        print(f"{page.name}: $ {match[1]}", flush=True)
        return f"```\n$ {match[1]}\n{match[2] or ''}{output_of(match[1])}```"

    page.write_text(BLOCK.sub(replace, text), encoding="utf-8")
    return count


def main(argv: list[str]) -> None:
    pages = [Path(p) for p in argv] or PAGES
    for page in pages:
        print(f"{page}: {refresh(page)} blocks refreshed")


if __name__ == "__main__":
    main(sys.argv[1:])
