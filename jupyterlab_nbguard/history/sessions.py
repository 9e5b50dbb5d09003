"""One :class:`KernelSession` per kernel epoch: the unit that is created and dropped.

Everything nbguard derives from one kernel session (its replayed timeline, the
live names read from it, the latest restart-and-verify) lives here and goes
away together when the kernel restarts, its history is reset, or it shuts
down. The registry is changed on the event loop only; a check running in the
worker thread holds its own reference to the session it started with, so a
restart meanwhile cannot pull state from under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from threading import Lock

from ..engine import Engine
from ..engine.model import Execution, LiveName, VerifiedCell
from ..engine.timeline import Timeline
from .store import HistorySnapshot, HistoryStore


@dataclass
class KernelSession:
    """What nbguard knows about one kernel between two (re)starts."""

    kernel_id: str
    epoch: int
    _timeline: Timeline | None = None
    #: The namespace read from the kernel, with the executions count it is for.
    live_names: tuple[int, tuple[LiveName, ...]] | None = None
    #: The latest restart-and-verify run in this session.
    verify: tuple[VerifiedCell, ...] | None = None
    _lock: Lock = field(default_factory=Lock, repr=False)

    def timeline(self, engine: Engine, executions: Sequence[Execution]) -> Timeline:
        """The session's replay, extended with ``executions`` (rebuilt if they differ).

        Called from the worker thread; the lock keeps two checks of one session
        from extending the same timeline at once.
        """
        with self._lock:
            self._timeline = engine.replay(self._timeline, executions)
            return self._timeline

    def names_for(self, executions: int) -> tuple[LiveName, ...] | None:
        """The live names read after ``executions`` executions, if still valid."""
        cached = self.live_names
        return cached[1] if cached is not None and cached[0] == executions else None


class KernelSessions:
    """The current session of every kernel the store knows."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self._sessions: dict[str, KernelSession] = {}

    def get(self, kernel_id: str) -> KernelSession:
        """The kernel's current session; a new one if its epoch moved on."""
        epoch = self.store.kernel(kernel_id).epoch
        session = self._sessions.get(kernel_id)
        if session is None or session.epoch != epoch:
            session = KernelSession(kernel_id, epoch)
            self._sessions[kernel_id] = session
        return session

    def snapshot(self, kernel_id: str) -> tuple[KernelSession, HistorySnapshot]:
        """The current session and its history, read together on the loop."""
        snapshot = self.store.snapshot(kernel_id)
        return self.get(kernel_id), snapshot

    def restart(self, kernel_id: str) -> None:
        """Start a new session: the kernel restarted or its history was reset."""
        self.store.restart(kernel_id)
        self._sessions.pop(kernel_id, None)

    def forget(self, kernel_id: str) -> None:
        """Drop everything about a kernel that shut down."""
        self.store.forget(kernel_id)
        self._sessions.pop(kernel_id, None)

    def __len__(self) -> int:
        return len(self._sessions)
