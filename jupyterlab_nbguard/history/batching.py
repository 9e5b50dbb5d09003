"""The queue between forwarding a message and recording it, and its timer.

Recording happens in batches, off the path that forwards kernel traffic:
the connection queues what it forwarded (one list append a message, unread),
and a flush records the queue right after a kernel's reply was sent on
(:meth:`MessageQueue.soon`), at once past :attr:`MessageQueue.max_queued`
messages, or whenever a reader of the store asks (the store calls the flush
first). After a reply the server process is awake anyway, with the messages
just queued still in its caches, whereas a timer that wakes it after a quiet
spell finds all of it cold: timed inside a live server, a flush of five
executions that a timer ran after 5 s of quiet took ~5 ms of CPU; right after
a reply, a flush costs what it costs in a tight loop.

What comes without a reply (a cell still running, an orphan's end) matters
before a read only to someone who would hear of it: while a browser listens
for events (:attr:`MessageQueue.listening`), a timer flushes it
:attr:`MessageQueue.delay` seconds after the first message; while nobody
does, no timer is armed at all, and it waits for the next reply, reader or
the limit. Arming and calling off a timer for each execution was about a
quarter of the observer's instructions in a server (``bench.instructions``).
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

#: A queued kernel message: ``(kernel_id, payload, seen)``, where the payload
#: is the ZeroMQ frames (a list) or a gateway's JSON text, and ``seen`` the
#: POSIX time it passed. A queued client request is ``(kernel_id, message,
#: seen, connection)``: the length tells them apart.
Queued = tuple[Any, ...]


class MessageQueue(ABC):
    """Messages waiting to be recorded, and when that happens.

    The first message of a batch arms the timer (:meth:`arm`) unless nobody
    listens: a reply that comes after the timer fired for its request
    (a cell that runs longer than :attr:`delay`) is recorded within
    :attr:`delay` too.

    Subclasses implement :meth:`flush`, which must empty :attr:`pending`
    and then :meth:`settle`.
    """

    #: Seconds between the first message queued and the timer's flush, while
    #: someone wants to hear of new records (:attr:`listening`); while nobody
    #: does, there is no timer. Readers catch up at once whatever the delay.
    delay = 1.0
    #: A flush runs at once when this many messages are waiting; it bounds
    #: the kernel messages (outputs too) kept alive until then.
    max_queued = 256

    def __init__(self) -> None:
        #: Queued messages (see :data:`Queued`), oldest first. Changed in
        #: place, never replaced: the connection appends messages to it.
        self.pending: list[Queued] = []
        #: Whether the timer will flush what is queued.
        self.armed = False
        #: Whether what is queued is provided for: the timer is armed, or
        #: nobody listened when the first message since the last flush came
        #: (asked once per batch, not per message: the connection tests this
        #: before calling :meth:`arm`).
        self.covered = False
        #: What :attr:`listening` said when the batch was covered: the flush
        #: reuses it for the same batch instead of asking again.
        self.heard = False
        self._timer_handle: asyncio.TimerHandle | None = None
        #: Whether a flush will run on the event loop's next turn.
        self.scheduled = False
        #: Whether anyone would hear of new records now (the server: a
        #: browser subscribed to its events); asked once per batch.
        self.listening: Callable[[], bool] = _always

    @property
    def queued(self) -> int:
        """How many messages wait for the next flush."""
        return len(self.pending)

    @abstractmethod
    def flush(self) -> None:
        """Record every queued message, oldest first, and empty the queue."""

    def later(self, entry: Queued) -> None:
        """Queue ``entry`` and make sure a flush will record it."""
        pending = self.pending
        pending.append(entry)
        if not self.covered:
            self.arm()
        if len(pending) >= self.max_queued:
            self.flush()

    def arm(self) -> None:
        """Make sure a flush will record what is queued, if anyone would hear.

        While nobody listens, nothing is armed: the next reply, reader or the
        limit records it. Without a running event loop (a script, a test)
        nothing would call the timer, so the queue is flushed at once.
        """
        if self.covered:
            return
        self.covered = True
        self.heard = self.listening()
        if self.heard:
            try:
                loop = asyncio.get_running_loop()
                self._timer_handle = loop.call_later(self.delay, self._timer)
                self.armed = True
            except RuntimeError:  # no running loop: nothing to wait for
                self.flush()

    def soon(self) -> None:
        """Flush on the event loop's next turn.

        The connection calls this after forwarding a kernel's reply, so the
        flush runs while the process is awake and its caches warm. What was
        scheduled before runs first (pyzmq's sends among it).
        """
        if not self.scheduled:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
                self.scheduled = True
            except RuntimeError:  # no running loop: nothing to wait for
                self.flush()

    def settle(self) -> None:
        """Note that the queue was just emptied; :meth:`flush` ends with this.

        A flush scheduled by :meth:`soon` may be asked for again, the next
        message asks again whether anyone listens, and the timer is called
        off: it would only wake a sleeping process for nothing (a cancelled
        timer wakes nobody). The observer writes this out at the end of its
        flush, where it runs once per reply; this is its other exits'.
        """
        self.scheduled = self.covered = False
        if self.armed:
            self.call_off()

    def call_off(self) -> None:
        """Cancel the armed timer."""
        if self._timer_handle is not None:
            self._timer_handle.cancel()
        self.armed = False

    def _timer(self) -> None:
        self.armed = False
        self.flush()


def _always() -> bool:
    return True
