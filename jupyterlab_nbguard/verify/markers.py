"""Cell markers: which cells to skip, whose output to ignore, which may raise.

nbguard reads its own tags and the conventions people already use, so a
notebook prepared for nbval or nbclient needs no change:

- skip (not run, not compared): ``# NBVAL_SKIP``, tags ``nbval-skip``,
  ``nbguard:skip``;
- ignore output (run, not compared): ``# NBVAL_IGNORE_OUTPUT``, tags
  ``nbval-ignore-output``, ``nbguard:ignore-output``;
- check output (compared even if a tag says ignore): ``# NBVAL_CHECK_OUTPUT``,
  tag ``nbval-check-output``;
- raises (an exception is expected, so it is no ``error``; its type and message
  are still compared): ``# NBVAL_RAISES_EXCEPTION``, tags
  ``nbval-raises-exception``, ``raises-exception``.

As in nbval, comments take precedence over tags, and among several markers of
the same kind the last one wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Marker comment or tag -> (option, value). Options: check, raises, skip.
_COMMENTS: dict[str, tuple[str, bool]] = {
    "NBVAL_IGNORE_OUTPUT": ("check", False),
    "NBVAL_CHECK_OUTPUT": ("check", True),
    "NBVAL_RAISES_EXCEPTION": ("raises", True),
    "NBVAL_SKIP": ("skip", True),
}
_TAGS: dict[str, tuple[str, bool]] = {
    **{name.lower().replace("_", "-"): value for name, value in _COMMENTS.items()},
    "raises-exception": ("raises", True),
    "nbguard:ignore-output": ("check", False),
    "nbguard:skip": ("skip", True),
}


@dataclass(frozen=True)
class Markers:
    """What a cell's markers ask for."""

    skip: bool = False
    check: bool = True
    raises: bool = False


def _from_comments(source: str) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#"):
            marker = _COMMENTS.get(line.lstrip("#").strip())
            if marker is not None:
                found[marker[0]] = marker[1]
    return found


def _from_tags(tags: Iterable[str]) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for tag in tags:
        marker = _TAGS.get(tag)
        if marker is not None:
            found[marker[0]] = marker[1]
    return found


def markers(source: str, tags: Iterable[str] = ()) -> Markers:
    """Read a cell's markers from its source comments and its tags."""
    options = {**_from_tags(tags), **_from_comments(source)}
    return Markers(
        skip=options.get("skip", False),
        check=options.get("check", True),
        raises=options.get("raises", False),
    )
