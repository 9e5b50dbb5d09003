"""Cell analysis cached by source text, so an edit re-analyses one cell only."""

from __future__ import annotations

from collections import OrderedDict

from .defuse import analyse
from .facts import CellFacts


class FactsCache:
    """A bounded LRU map from cell source to :class:`~.facts.CellFacts`.

    Facts depend on nothing but the source, so one cache serves every notebook
    and kernel; the bound keeps a long-running server's memory flat.
    """

    def __init__(self, max_entries: int = 20_000) -> None:
        self._entries: OrderedDict[str, CellFacts] = OrderedDict()
        self._max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def facts(self, source: str) -> CellFacts:
        """Return the facts of ``source``, analysing it on first sight."""
        found = self._entries.get(source)
        if found is not None:
            self.hits += 1
            self._entries.move_to_end(source)
            return found
        self.misses += 1
        facts = analyse(source)
        self._entries[source] = facts
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return facts
