"""What makes a value or a step out of date: the answers staleness keeps.

Plain values, shared by :mod:`.staleness` (which computes them) and
:mod:`.absorb` (which merges new steps into them).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Invalidations remembered per value and kind; enough to skip the asker's own.
KEEP = 2


@dataclass(frozen=True)
class Invalidation:
    """``name`` was changed by step ``by`` after step ``reader`` had read it."""

    by: int
    name: str
    reader: int


@dataclass(frozen=True)
class Staleness:
    """Why the values a step read are out of date.

    Either ``name`` itself was changed by step ``by`` after the step read it
    (``writer`` is None), or the value of ``name`` the step read, written by
    step ``writer``, was computed (maybe indirectly) from ``changed``, which
    step ``by`` changed. ``agrees`` is set when page order explains the change.
    """

    name: str
    by: int
    writer: int | None = None
    changed: str = ""
    agrees: bool = False


@dataclass(frozen=True)
class Events:
    """A value's invalidations, earliest first: ``KEEP`` of each kind at most."""

    disagree: tuple[Invalidation, ...] = ()
    agree: tuple[Invalidation, ...] = ()


NONE = Events()


def better(best: Staleness | None, candidate: Staleness) -> Staleness:
    """Disagreeing changes first, then the earliest change."""
    if best is None:
        return candidate
    if best.agrees != candidate.agrees:
        return candidate if best.agrees else best
    return candidate if candidate.by < best.by else best
