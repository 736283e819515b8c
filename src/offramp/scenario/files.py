"""Read a file a user hands us (scenario, assumption set, store manifest, deal) safely.

Every loader of a user's TOML or JSON file goes through :func:`read_toml` or
:func:`read_json`, so each refuses the same things with the same one-line reason, before a
parser can crash on them:

- a path that is missing, a directory or not a regular file (a FIFO would block a read),
  or that the operating system will not let us read;
- a file over :data:`MAX_FILE_BYTES` (1 MiB; a scenario is about 9 KB), checked from its
  size before any byte is read, and again while reading (a file that grows, or a special
  file whose size reads as 0, cannot slip past);
- binary content (a NUL byte, which no TOML or JSON text holds; UTF-16 text shows up
  this way too);
- text that is not UTF-8 (a UTF-8 byte-order mark is accepted and dropped);
- nesting deeper than :data:`MAX_NESTING` levels (the bundled files nest 4 deep).
  Python's ``tomllib`` and ``json`` parse nested arrays and tables recursively: a file of
  5,000 nested brackets (``a = [[[[...]]]]``) ended in ``RecursionError``, and ``tomllib``
  takes time quadratic in the parts of a dotted key (``a.a.a...a = 1``: 20,000 parts,
  44 s). So brackets and dotted-key parts are counted outside strings and comments before
  parsing (two regular-expression passes, about 0.5 s for a full 1 MiB), and the parsed
  value is measured again without recursion (tables and dotted keys add up);
- text the parser rejects (malformed TOML or JSON), with the parser's line and column.

Each refusal raises :class:`UnreadableFileError`, which the command line reports in one
line with exit code 2.
"""

from __future__ import annotations

import json
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1 << 20  # 1 MiB
MAX_NESTING = 64  # arrays and tables inside one another

# Strings and comments, which may hold any bracket or dot: blanked out before counting.
# JSON text has only double-quoted strings and no comments, so it is blanked the same way
# (' and # cannot appear outside a JSON string; the parser stops at the first that does).
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:\\.|[^\\])*?"""'  # multi-line basic string (escapes skipped)
    r"|'''.*?'''"  # multi-line literal string (no escapes)
    r'|"(?:\\.|[^"\\\n])*"'  # basic string
    r"|'[^'\n]*'"  # literal string
    r"|#[^\n]*",  # comment
    re.DOTALL,
)
_BRACKET = re.compile(r"[\[\]{}]")
# A key of more than MAX_NESTING dotted parts (a blanked string is ""). Only a key can be a
# chain of three or more parts: a number has at most one dot.
_LONG_DOTTED_KEY = re.compile(
    r'(?<![\w-])(?:[\w-]++|"")(?:[ \t]*\.[ \t]*(?:[\w-]++|""))' + f"{{{MAX_NESTING}}}"
)


class UnreadableFileError(ValueError):
    """A user's file that cannot be read or parsed: ``path``, ``what`` it was meant to be, and
    ``reason``, the one-line explanation (``str(error)`` gives all three)."""

    def __init__(self, path: str | Path, what: str, reason: str):
        self.path = str(path)
        self.what = what
        self.reason = reason
        super().__init__(f"{self.path}: cannot read this {what} file: {reason}")


def read_user_text(path: str | Path, what: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a user's file, refused (see the module docstring) if it is not one.

    Parameters
    ----------
    path
        The file, as the user gave it.
    what
        What the file should be, for the message (``"scenario"``, ``"assumption set"``).
    max_bytes
        The largest file accepted.

    Raises
    ------
    UnreadableFileError
        Missing, not a regular file, unreadable, too large, binary or not UTF-8.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UnreadableFileError(path, what, "no such file") from None
    except OSError as error:
        raise UnreadableFileError(path, what, f"cannot read it ({_os_reason(error)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFileError(path, what, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFileError(path, what, "is not a regular file (a device, pipe or socket)")
    too_large = f"larger than the {_size(max_bytes)} allowed"
    if info.st_size > max_bytes:
        raise UnreadableFileError(path, what, f"{_size(info.st_size)}, {too_large}")
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise UnreadableFileError(path, what, f"cannot read it ({_os_reason(error)})") from None
    if len(raw) > max_bytes:
        raise UnreadableFileError(path, what, too_large)
    nul = raw.find(b"\0")
    if nul >= 0:
        raise UnreadableFileError(
            path, what, f"not a text file: a NUL byte at byte {nul} (binary, or UTF-16 text)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 1].hex()
        raise UnreadableFileError(
            path, what, f"not UTF-8 text: byte 0x{bad} at byte {error.start}; save it as UTF-8"
        ) from None


def read_toml(path: str | Path, what: str = "scenario") -> dict[str, Any]:
    """Parse a user's TOML file into a plain dict, or refuse it in one line.

    The one reader of user TOML files: scenarios, assumption sets and any later kind
    (a deal file) call it, so a bad file gets the same checks and message everywhere.

    Parameters
    ----------
    path
        The file, as the user gave it.
    what
        What the file should be, for the message: ``"<path>: cannot read this <what> file:
        <reason>"``.

    Raises
    ------
    UnreadableFileError
        The file is missing, not a regular file, unreadable, over :data:`MAX_FILE_BYTES`,
        binary, not UTF-8, nested deeper than :data:`MAX_NESTING`, or malformed TOML.
    """
    text = read_user_text(path, what)
    _check_nesting(path, what, text)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UnreadableFileError(path, what, f"malformed TOML: {error}") from None
    _check_value_depth(path, what, table)
    return table


def read_json(path: str | Path, what: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse a user's JSON file, with the checks of :func:`read_toml`.

    Raises
    ------
    UnreadableFileError
        As :func:`read_toml`, for JSON.
    """
    text = read_user_text(path, what, max_bytes)
    _check_nesting(path, what, text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFileError(path, what, f"malformed JSON: {error}") from None
    _check_value_depth(path, what, value)
    return value


def _check_nesting(path: str | Path, what: str, text: str) -> None:
    """Refuse text that nests over MAX_NESTING levels, before a parser sees it.

    Brackets (``tomllib`` and ``json`` recurse once a level) and dotted keys (``tomllib``
    takes time quadratic in a key's parts: 20,000 parts, 44 s) are counted outside strings
    and comments.
    """
    if text.count("[") + text.count("{") + text.count(".") < MAX_NESTING:
        return  # too few brackets and dots to nest that deep
    skeleton = _STRINGS_AND_COMMENTS.sub(_blank, text)
    depth = 0
    for bracket in _BRACKET.finditer(skeleton):
        if bracket.group() in "[{":
            depth += 1
            if depth > MAX_NESTING:
                where = _line(skeleton, bracket.start())
                reason = f"arrays or tables nested more than {MAX_NESTING} levels deep ({where})"
                raise UnreadableFileError(path, what, reason)
        else:
            depth = max(depth - 1, 0)
    long_key = _LONG_DOTTED_KEY.search(skeleton)
    if long_key:
        where = _line(skeleton, long_key.start())
        reason = f"a dotted key of more than {MAX_NESTING} parts ({where})"
        raise UnreadableFileError(path, what, reason)


def _blank(string_or_comment: re.Match[str]) -> str:
    """A string as an empty string, a comment as nothing; the line breaks are kept."""
    text = string_or_comment.group()
    kept = "" if text.startswith("#") else '""'
    return kept + "\n" * text.count("\n")


def _check_value_depth(path: str | Path, what: str, value: Any) -> None:
    """Refuse a parsed value nested over MAX_NESTING (iteratively: no recursion to exhaust).

    The file's own table (or JSON's outer value) is level 0; what it holds, level 1.
    """
    pending = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > MAX_NESTING:
            reason = f"tables or arrays nested more than {MAX_NESTING} levels deep"
            raise UnreadableFileError(path, what, reason)
        pending.extend((child, level + 1) for child in children)


def _line(skeleton: str, at: int) -> str:
    return f"line {skeleton.count(chr(10), 0, at) + 1}"


def _os_reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _size(n_bytes: int) -> str:
    if n_bytes >= 1 << 20:
        return f"{n_bytes / (1 << 20):.1f} MiB"
    return f"{n_bytes:,} bytes"
