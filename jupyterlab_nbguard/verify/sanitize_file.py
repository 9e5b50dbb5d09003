r"""Read nbval's sanitize-file format, so a team moving from nbval keeps its file.

The format (``pytest --nbval --nbval-sanitize-with FILE``) is INI-like: sections
whose names carry no meaning, each holding a ``regex:`` line followed by a
``replace:`` line::

    [regex1]
    regex: \d{1,2}/\d{1,2}/\d{2,4}
    replace: DATE-STAMP

nbval takes everything after ``regex: `` and ``replace: `` verbatim (trailing
spaces included); so does this parser. Lines starting with ``#`` or ``;`` are
comments. Unlike nbval, which skips what it cannot pair, a stray line or a bad
regex is an error naming its line: a silently ignored sanitiser hides noise
that then looks like a failure.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import Sanitizer

_KEY = re.compile(r"^(regex|replace): ?(.*)$")


class SanitizeFileError(ValueError):
    """The file is not in nbval's format; the message names the line."""


def parse_sanitize_file(text: str, where: str = "<sanitize file>") -> list[Sanitizer]:
    """Return the file's sanitisers, in file order."""
    rules: list[Sanitizer] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            if pending is not None:
                raise SanitizeFileError(
                    f"{where}:{pending[0]}: regex has no replace: line after it"
                )
            continue
        match = _KEY.match(line)
        if match is None:
            raise SanitizeFileError(
                f"{where}:{number}: expected 'regex: ...' or 'replace: ...', "
                f"got {stripped[:40]!r}"
            )
        key, value = match.groups()
        if key == "regex":
            if pending is not None:
                raise SanitizeFileError(
                    f"{where}:{pending[0]}: regex has no replace: line after it"
                )
            pending = (number, value)
            continue
        if pending is None:
            raise SanitizeFileError(f"{where}:{number}: replace: without a regex: line")
        try:
            rules.append(Sanitizer.compile(pending[1], value))
        except re.error as error:
            raise SanitizeFileError(
                f"{where}:{pending[0]}: not a valid regular expression: {error}"
            ) from error
        pending = None
    if pending is not None:
        raise SanitizeFileError(
            f"{where}:{pending[0]}: regex has no replace: line after it"
        )
    return rules


def read_sanitize_file(path: Path) -> list[Sanitizer]:
    """Read and parse ``path``; raises :class:`SanitizeFileError` for any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SanitizeFileError(f"{path}: cannot read: {error}") from error
    return parse_sanitize_file(text, str(path))
