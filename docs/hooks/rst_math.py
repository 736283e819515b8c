"""Griffe extension: the docstrings' reStructuredText math, as the site's Markdown math.

The modules' docstrings give their equations as reStructuredText (``:math:`x``` inline, a
``.. math::`` directive for a display), which reads well in the source and in ``help()``.
The site renders docstrings as Markdown, where pymdownx.arithmatex takes ``\\(x\\)`` inline
and a ``$$`` block for a display; this extension rewrites the one into the other before the
docstrings are rendered. The docstrings themselves are unchanged.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from griffe import Extension, Object

INLINE = re.compile(r":math:`([^`]+)`")


def markdown_math(text: str) -> str:
    """``text`` with its reStructuredText math written for arithmatex."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip().startswith(".. math::"):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        # The equation may start on the directive's own line (``.. math:: x = 1``).
        first = line.strip().removeprefix(".. math::").strip()
        body: list[str] = [indent + "    " + first] if first else []
        i += 1
        # The directive's content: the blank or more deeply indented lines that follow.
        while i < len(lines) and (
            not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > len(indent)
        ):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        equation = textwrap.dedent("\n".join(body)).strip("\n").split("\n")
        out.extend(["", indent + "$$", *(indent + row for row in equation), indent + "$$", ""])
    # Inline math last, on the whole text: a role may run over a line break.
    return INLINE.sub(r"\\(\1\\)", "\n".join(out))


class ReStructuredTextMath(Extension):
    """Rewrite every docstring's math when griffe loads an object."""

    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown_math(obj.docstring.value)
