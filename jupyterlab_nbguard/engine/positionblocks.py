"""Page positions of one write list, searchable for the next write of a kind.

Staleness asks, for a step that read a path, for the earliest later writes of
that path made from a cell at or above the reader (they disagree with page
order) or from a cell below it (they agree). A dict filled key by key over a
thousand cells has a thousand writes; keeping each block's lowest and highest
position lets a search skip the blocks that hold none of the kind sought.
"""

from __future__ import annotations

#: Writes per block: a search visits at most ``n / _BLOCK + 2 * _BLOCK`` entries.
_BLOCK = 32


class PositionBlocks:
    """Append-only page positions (-1: off the page) with block minima and maxima."""

    __slots__ = ("_high", "_low", "positions")

    def __init__(self) -> None:
        self.positions: list[int] = []
        self._low: list[int] = []
        self._high: list[int] = []

    def __len__(self) -> int:
        return len(self.positions)

    def add(self, position: int) -> None:
        """Append the page position of the list's next write."""
        if len(self.positions) % _BLOCK == 0:
            self._low.append(position)
            self._high.append(position)
        else:
            self._low[-1] = min(self._low[-1], position)
            self._high[-1] = max(self._high[-1], position)
        self.positions.append(position)

    def next(self, start: int, read_at: int, disagree: bool) -> int:
        """The first index from ``start`` of the kind sought, or -1 if none.

        ``disagree``: a write at or above ``read_at`` or off the page;
        otherwise one below it. A reader off the page (``read_at`` -1) makes
        every write disagree.
        """
        positions = self.positions
        n = len(positions)
        if read_at < 0:
            return start if disagree and start < n else -1
        low, high = self._low, self._high
        i = start
        while i < n:
            if i % _BLOCK == 0:
                block = i // _BLOCK
                if low[block] > read_at if disagree else high[block] <= read_at:
                    i += _BLOCK
                    continue
            if (positions[i] <= read_at) == disagree:
                return i
            i += 1
        return -1

    def last_at_or_above(self, start: int, read_at: int) -> int:
        """The last index from ``start`` at or above ``read_at`` (or off page), or -1.

        A reader off the page (``read_at`` -1) takes any write: the last one.
        """
        positions = self.positions
        i = len(positions) - 1
        if read_at < 0:
            return i if i >= start else -1
        low = self._low
        while i >= start:
            if i % _BLOCK == _BLOCK - 1 and low[i // _BLOCK] > read_at:
                i -= _BLOCK
                continue
            if positions[i] <= read_at:
                return i
            i -= 1
        return -1
