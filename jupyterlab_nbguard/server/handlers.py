"""REST handlers: parse, call the store and the engine, serialise. Nothing else."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .._version import __version__
from ..engine import Diagnostic, Engine, Notebook
from ..engine.model import LiveName
from ..engine.registry import UnknownSelectorError
from ..engine.rules import ALL_RULES
from ..history import HistoryStore
from .namespace import NamespaceUnavailable, read_namespace
from .openapi import openapi_document
from .requests import (
    http_error,
    optional_string,
    optional_strings,
    parse_body,
    parse_cells,
)
from .verify_store import VerifyStore

API_VERSION = 1
AUTH_RESOURCE = "kernels"


class NamespaceCache:
    """The last namespace read per kernel, valid until the kernel runs more code.

    Keyed by (epoch, executions recorded): a namespace changes only when code
    runs, so ``check`` probes the kernel at most once per execution.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[int, int], tuple[LiveName, ...]]] = {}

    def get(self, kernel_id: str, key: tuple[int, int]) -> tuple[LiveName, ...] | None:
        """The cached names if still valid."""
        entry = self._entries.get(kernel_id)
        return entry[1] if entry and entry[0] == key else None

    def put(
        self, kernel_id: str, key: tuple[int, int], names: tuple[LiveName, ...]
    ) -> None:
        """Remember a fresh read."""
        self._entries[kernel_id] = (key, names)

    def forget(self, kernel_id: str) -> None:
        """Drop a kernel's entry (shut down)."""
        self._entries.pop(kernel_id, None)


class NbGuardHandler(APIHandler):
    """Common plumbing: collaborators from route kwargs, JSON out."""

    auth_resource = AUTH_RESOURCE

    def initialize(
        self,
        store: HistoryStore,
        engine: Engine,
        pool: Executor,
        max_body_bytes: int,
        namespaces: NamespaceCache,
        verify_store: VerifyStore,
    ) -> None:
        """Receive collaborators from the route table (no globals, no lookups)."""
        self.store = store
        self.engine = engine
        self.pool = pool
        self.max_body_bytes = max_body_bytes
        self.namespaces = namespaces
        self.verify_store = verify_store

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Write JSON ``{"message", "reason"}``, rendering ``http_error`` messages."""
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, web.HTTPError) and error.log_message and error.args:
            self.set_status(status_code)
            self.set_header("Content-Type", "application/json")
            message = error.log_message % error.args
            self.finish(json.dumps({"message": message, "reason": error.reason}))
            return
        super().write_error(status_code, **kwargs)

    def reply(self, payload: dict[str, Any]) -> None:
        """Write ``payload`` as the JSON response."""
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def require_kernel(self, kernel_id: str) -> None:
        """Raise 404 unless ``kernel_id`` is a kernel this server runs."""
        if kernel_id not in self.kernel_manager:
            raise http_error(404, f"no kernel with id {kernel_id!r}")

    def kernel_language(self, kernel_id: str) -> str:
        """The language of a running kernel (``python`` when it cannot be told)."""
        try:
            spec = self.kernel_manager.get_kernel(kernel_id).kernel_spec
        except Exception:
            return "python"
        if spec is None:
            return "python"
        return str(spec.language).lower() or "python"


class VersionHandler(NbGuardHandler):
    """``GET version``: the handshake the frontend makes at start."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Return the package version and the REST API version."""
        self.reply({"version": __version__, "api": API_VERSION})


class OpenApiHandler(NbGuardHandler):
    """``GET openapi.json``: this REST API as an OpenAPI 3.1 document."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Return the document."""
        self.reply(openapi_document(__version__))


class RulesHandler(NbGuardHandler):
    """``GET rules``: every rule with its documentation."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """List the rules."""
        self.reply(
            {
                "rules": [
                    {
                        "code": rule.code,
                        "rule": rule.name,
                        "severity": rule.severity.value,
                        "summary": rule.summary(),
                        "description": rule.description(),
                    }
                    for rule in ALL_RULES.values()
                ]
            }
        )


class CheckHandler(NbGuardHandler):
    """``POST check``: diagnostics for the notebook as it is now."""

    @web.authenticated
    @authorized("read")  # type: ignore[untyped-decorator]
    async def post(self) -> None:
        """Check the cells in the body against the kernel's history, if any."""
        data = parse_body(self.request.body, self.max_body_bytes)
        cells = parse_cells(data)
        kernel_id = optional_string(data, "kernel_id")
        optional_string(data, "path")
        select = optional_strings(data, "select")
        ignore = optional_strings(data, "ignore")
        notebook = Notebook(cells)
        kernel: dict[str, Any] | None = None
        key = None
        if kernel_id is not None:
            self.require_kernel(kernel_id)
            snapshot = self.store.snapshot(kernel_id)
            notebook = Notebook(
                cells,
                executions=snapshot.executions,
                language=self.kernel_language(kernel_id),
                deleted_cell_ids=snapshot.deleted_cell_ids,
                verify=self.verify_store.get(kernel_id, snapshot.epoch),
            )
            key = (kernel_id, snapshot.epoch)
            kernel = {
                "id": kernel_id,
                "epoch": snapshot.epoch,
                "execution_count": snapshot.execution_count,
                "executions": len(snapshot.executions),
            }
        diagnostics = await self._check(notebook, select, ignore, key)
        if key is not None and any(d.code == "NBG203" for d in diagnostics):
            # Orphans by the history: confirm they are live, and weigh them.
            executions = len(notebook.executions or ())
            live = await self._live_names(key[0], (key[1], executions))
            if live is not None:
                notebook = replace(notebook, live_names=live)
                diagnostics = await self._check(notebook, select, ignore, key)
        self.reply(
            {"diagnostics": [d.to_json() for d in diagnostics], "kernel": kernel}
        )

    async def _check(
        self,
        notebook: Notebook,
        select: list[str] | None,
        ignore: list[str] | None,
        key: tuple[str, int] | None,
    ) -> list[Diagnostic]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.pool, lambda: self.engine.check(notebook, select, ignore, key)
            )
        except UnknownSelectorError as error:
            raise http_error(400, str(error)) from error

    async def _live_names(
        self, kernel_id: str, key: tuple[int, int]
    ) -> tuple[LiveName, ...] | None:
        cached = self.namespaces.get(kernel_id, key)
        if cached is not None:
            return cached
        try:
            names = await read_namespace(self.kernel_manager.get_kernel(kernel_id))
        except NamespaceUnavailable as error:
            self.log.debug("nbguard: namespace of %s not read: %s", kernel_id, error)
            return None
        self.namespaces.put(kernel_id, key, names)
        return names


class NamespaceHandler(NbGuardHandler):
    """``GET kernels/{id}/namespace``: the names live in the kernel now."""

    @web.authenticated
    @authorized("execute")  # type: ignore[untyped-decorator]
    async def get(self, kernel_id: str) -> None:
        """Read the kernel's namespace with a silent, history-free request."""
        self.require_kernel(kernel_id)
        if self.kernel_language(kernel_id) != "python":
            raise http_error(400, "kernel_id: only IPython kernels can be probed")
        try:
            names = await read_namespace(self.kernel_manager.get_kernel(kernel_id))
        except NamespaceUnavailable as error:
            raise http_error(409, str(error)) from error
        self.reply(
            {
                "names": [
                    {"name": n.name, "type": n.type, "size_bytes": n.size_bytes}
                    for n in names
                ]
            }
        )


class HistoryHandler(NbGuardHandler):
    """``kernels/{id}/history``: what ran in a kernel since it (re)started."""

    @web.authenticated
    @authorized
    def get(self, kernel_id: str) -> None:
        """Return the executions, oldest first."""
        self.require_kernel(kernel_id)
        history = self.store.kernel(kernel_id)
        self.reply(
            {
                "kernel_id": kernel_id,
                "epoch": history.epoch,
                "executions": [r.to_json() for r in self.store.records(kernel_id)],
            }
        )

    @web.authenticated
    @authorized
    def delete(self, kernel_id: str) -> None:
        """Forget the history, as if the kernel had restarted."""
        self.require_kernel(kernel_id)
        self.store.restart(kernel_id)
        self.set_status(204)
        self.finish()


def route_table(
    store: HistoryStore,
    engine: Engine,
    pool: Executor,
    max_body_bytes: int,
    namespaces: NamespaceCache,
) -> list[tuple[str, type[NbGuardHandler], dict[str, Any]]]:
    """The extension's routes, relative to the server's base URL."""
    from .verify_handlers import verify_routes  # it subclasses NbGuardHandler

    kwargs = {
        "store": store,
        "engine": engine,
        "pool": pool,
        "max_body_bytes": max_body_bytes,
        "namespaces": namespaces,
        "verify_store": VerifyStore(),
    }
    kernel = r"(?P<kernel_id>[^/]+)"
    return [
        (r"/jupyterlab-nbguard/version", VersionHandler, kwargs),
        (r"/jupyterlab-nbguard/rules", RulesHandler, kwargs),
        (r"/jupyterlab-nbguard/openapi.json", OpenApiHandler, kwargs),
        (r"/jupyterlab-nbguard/check", CheckHandler, kwargs),
        (rf"/jupyterlab-nbguard/kernels/{kernel}/history", HistoryHandler, kwargs),
        (rf"/jupyterlab-nbguard/kernels/{kernel}/namespace", NamespaceHandler, kwargs),
        *verify_routes(kwargs),
    ]
