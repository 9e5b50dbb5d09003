"""Cell analysis cached by source text, so an edit re-analyses one cell only."""

from __future__ import annotations

from .defuse import analyse
from .facts import CellFacts


class FactsCache:
    """A bounded map from cell source to :class:`~.facts.CellFacts`.

    Facts depend on nothing but the source, so one cache serves every notebook
    and kernel; the bound keeps a long-running server's memory flat.

    Every check looks up every cell, so a hit must cost one dict lookup: an
    LRU's reordering on each hit was a tenth of a check after an edit. Two
    generations give nearly the same eviction for free: lookups go to the
    young one, an entry found only in the old one moves up, and when the young
    one fills, the old one (entries not used since) is dropped.
    """

    def __init__(self, max_entries: int = 20_000) -> None:
        self._young: dict[str, CellFacts] = {}
        self._old: dict[str, CellFacts] = {}
        self._generation = max(1, max_entries // 2)

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def facts(self, source: str) -> CellFacts:
        """Return the facts of ``source``, analysing it on first sight."""
        found = self._young.get(source)
        if found is not None:
            return found
        found = self._old.pop(source, None)
        if found is None:
            found = analyse(source)
        if len(self._young) >= self._generation:
            self._old = self._young
            self._young = {}
        self._young[source] = found
        return found
