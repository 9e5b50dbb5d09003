"""Keep Python's cyclic garbage collector out of a check's way.

A check allocates many objects that live on (cell facts, timeline steps,
memoised findings): the first check of a 1,000-cell notebook creates about a
million. Each burst of allocations triggers collections, and the oldest
generation's collections rescan the whole server heap, again and again while
the heap grows: about a quarter of that first check's time, measured
(``bench/live.py``). Reference counting frees almost everything a check
discards, so pausing the cyclic collector for the check's duration loses
nothing; collection resumes right after, on the normal schedule.

Resuming after a check that kept many objects (the first one) would make the
next collections scan them all at once: 300 ms of collections right after a
1,000-cell notebook's first check, measured. What such a check keeps is the
engine's long-lived state (cell facts, the timeline, memoised findings), so
it is moved to the collector's permanent generation (``gc.freeze``), which
collections skip; reference counting still frees those objects when they go.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False

#: Objects kept by the paused block above which they are frozen on leaving.
FREEZE_AFTER = 100_000


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
                if gc.get_count()[0] > FREEZE_AFTER:
                    gc.freeze()
                gc.enable()
