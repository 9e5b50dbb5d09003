"""Keep Python's cyclic garbage collector out of a check's way.

A check allocates many objects that live on (cell facts, timeline steps,
memoised findings): the first check of a 1,000-cell notebook creates about a
million. Each burst of allocations triggers collections, and the oldest
generation's collections rescan the whole server heap, again and again while
the heap grows: about a quarter of that first check's time, measured
(``bench/live.py``). Reference counting frees almost everything a check
discards, so pausing the cyclic collector for the check's duration loses
nothing; collection resumes right after, on the normal schedule.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable automatic collection inside the block (nestable, thread-safe).

    The collector is process-wide; the outermost block restores the state it
    found, so a collector someone else disabled stays disabled.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
