"""The check service: from a parsed ``POST check`` to diagnostics.

It gathers what one check needs on the event loop (the kernel session and a
snapshot of its history), reads the live namespace first when that would change
the answer and the user may run code in the kernel, then runs the engine once
in the worker thread. Handlers only parse, authorise and serialise.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

from ..engine import Cell, Engine, Notebook
from ..engine.grouping import Group
from ..engine.model import LiveName
from ..history.sessions import KernelSession, KernelSessions
from .answers import Answers
from .collector import collector_paused
from .namespace import NamespaceUnavailable, read_namespace
from .overrides import Overrides, apply_overrides

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckRequest:
    """A ``POST check`` body, validated."""

    cells: tuple[Cell, ...]
    kernel_id: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    overrides: Overrides | None = None
    #: The revision of an answer the client holds: reply with what changed.
    since: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """The findings by cell and, with a kernel, the history checked against."""

    groups: list[Group]
    kernel: dict[str, Any] | None


class CheckService:
    """Runs checks for the REST API: one worker thread, one engine."""

    def __init__(
        self,
        engine: Engine,
        sessions: KernelSessions,
        pool: Executor,
        kernel_manager: Any,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.pool = pool
        self.kernel_manager = kernel_manager
        self.answers = Answers()

    def language(self, kernel_id: str) -> str:
        """The language of a running kernel (``python`` when it cannot be told)."""
        try:
            spec = self.kernel_manager.get_kernel(kernel_id).kernel_spec
        except Exception:
            return "python"
        if spec is None:
            return "python"
        return str(spec.language).lower() or "python"

    async def check(self, request: CheckRequest, may_execute: bool) -> CheckResult:
        """Check ``request``; probe the kernel's namespace only if ``may_execute``.

        Raises
        ------
        UnknownSelectorError
            If ``select`` or ``ignore`` names no rule.
        """
        engine = self.engine
        if request.kernel_id is None:
            notebook = Notebook(request.cells)
            found = await self._run(
                lambda: engine.check_by_cell(notebook, request.select, request.ignore)
            )
            return CheckResult(apply_overrides(found, request.overrides), None)
        kernel_id = request.kernel_id
        session, snapshot = self.sessions.snapshot(kernel_id)
        notebook = Notebook(
            request.cells,
            executions=snapshot.executions,
            language=self.language(kernel_id),
            deleted_cell_ids=snapshot.deleted_cell_ids,
            verify=session.verify,
        )
        executions = len(snapshot.executions)
        live = session.names_for(executions)
        if live is not None:
            notebook = replace(notebook, live_names=live)

        def check() -> tuple[Any, list[Group] | None]:
            # One hand-off to the worker, not two: the live names are read
            # (on the event loop) only when they would change the answer.
            timeline = session.timeline(engine, snapshot.executions)
            rules = engine.rules(notebook, request.select, request.ignore)
            if (
                live is None
                and may_execute
                and engine.wants_live_names(notebook, timeline, rules)
            ):
                return timeline, None
            groups = engine.check_by_cell(
                notebook, request.select, request.ignore, timeline
            )
            return timeline, groups

        timeline, found = await self._run(check)
        if found is None:
            names = await self._read_names(session, kernel_id, executions)
            if names is not None:
                notebook = replace(notebook, live_names=names)
            found = await self._run(
                lambda: engine.check_by_cell(
                    notebook, request.select, request.ignore, timeline
                )
            )
        kernel = {
            "id": kernel_id,
            "epoch": snapshot.epoch,
            "execution_count": snapshot.execution_count,
            "executions": executions,
        }
        return CheckResult(apply_overrides(found, request.overrides), kernel)

    async def _run(self, work: Any) -> Any:
        def paused() -> Any:
            with collector_paused():
                return work()

        return await asyncio.get_running_loop().run_in_executor(self.pool, paused)

    async def _read_names(
        self, session: KernelSession, kernel_id: str, executions: int
    ) -> tuple[LiveName, ...] | None:
        try:
            names = await read_namespace(self.kernel_manager.get_kernel(kernel_id))
        except NamespaceUnavailable as error:
            log.debug("nbguard: namespace of %s not read: %s", kernel_id, error)
            return None
        session.live_names = (executions, names)
        return names
