"""Who wrote which path when: the write log a timeline queries.

Writes are indexed by the exact path written and by every path above it, so
"the last write that can have changed ``d['a']`` before step 7" and "the first
one after step 3" are a few bisections, not a scan of every write to ``d``
(a dict filled key by key over a thousand cells has a thousand of them).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

_SEGMENT = re.compile(
    r"""\.[A-Za-z_]\w*|\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\]]*)\]"""
)


@lru_cache(maxsize=16_384)
def prefixes(path: str) -> tuple[str, ...]:
    """``d['a'].x`` → ``('d', "d['a']", "d['a'].x")``: the path and those above it.

    A call path (``f()``) depends on the binding of ``f`` only, so it has
    one prefix, ``f``.
    """
    if path.endswith("()"):
        return (path[:-2],)
    match = re.match(r"[A-Za-z_]\w*", path)
    if match is None:
        return (path,)
    out = [match.group()]
    at = match.end()
    while at < len(path):
        segment = _SEGMENT.match(path, at)
        if segment is None:
            break
        out.append(path[: segment.end()])
        at = segment.end()
    if out[-1] != path:
        out.append(path)
    return tuple(out)


class WriteLog:
    """Append-only log of the paths each step wrote (steps in increasing order)."""

    def __init__(self) -> None:
        self._at: dict[str, list[int]] = {}  # writes of exactly this path
        self._under: dict[str, list[int]] = {}  # writes strictly below this path
        self._deleted: dict[str, list[int]] = {}  # `del name` steps, by name

    def record(self, step: int, path: str, *, delete: bool = False) -> None:
        """Step ``step`` changed ``path`` (``delete``: unbound the name)."""
        chain = prefixes(path)
        _append(self._at.setdefault(chain[-1], []), step)
        for above in chain[:-1]:
            _append(self._under.setdefault(above, []), step)
        if delete:
            _append(self._deleted.setdefault(chain[0], []), step)

    def lists(self, path: str) -> list[list[int]]:
        """The write lists (ascending steps) whose writes overlap ``path``."""
        return self._lists(path)

    def _lists(self, path: str) -> list[list[int]]:
        chain = prefixes(path)
        lists = [self._at[p] for p in chain if p in self._at]
        if not path.endswith("()") and chain[-1] in self._under:
            lists.append(self._under[chain[-1]])
        return lists

    def last_before(self, path: str, step: int) -> int | None:
        """The last step before ``step`` that wrote something overlapping ``path``."""
        best: int | None = None
        for steps in self._lists(path):
            i = bisect_left(steps, step)
            if i and (best is None or steps[i - 1] > best):
                best = steps[i - 1]
        return best

    def writer(self, path: str, step: int) -> int | None:
        """The step whose write ``path`` holds just before ``step`` (None: unbound)."""
        found = self.last_before(path, step)
        if found is None:
            return None
        deletes = self._deleted.get(prefixes(path)[0])
        if deletes and found in deletes:
            return None
        return found

    def next_after(self, path: str, step: int, skip: int = -1) -> int | None:
        """The first step after ``step`` (not ``skip``) that overlapped ``path``."""
        best: int | None = None
        for steps in self._lists(path):
            i = bisect_right(steps, step)
            while i < len(steps) and steps[i] == skip:
                i += 1
            if i < len(steps) and (best is None or steps[i] < best):
                best = steps[i]
        return best

    def all_after(self, path: str, step: int) -> list[int]:
        """Every step after ``step`` that overlapped ``path``, in order."""
        found: set[int] = set()
        for steps in self._lists(path):
            found.update(steps[bisect_right(steps, step) :])
        return sorted(found)


def _append(steps: list[int], step: int) -> None:
    if not steps or steps[-1] != step:
        steps.append(step)
