"""REST handlers: parse, authorise, call the services, serialise. Nothing else."""

from __future__ import annotations

import json
from concurrent.futures import Executor
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .._version import __version__
from ..engine.registry import UnknownSelectorError
from ..engine.rules import ALL_RULES
from ..history.sessions import KernelSessions
from .checks import CheckRequest, CheckService
from .namespace import NamespaceUnavailable, read_namespace
from .openapi import openapi_document
from .overrides import FEATURES, parse_overrides
from .requests import (
    UnknownSinceError,
    http_error,
    optional_string,
    optional_strings,
    parse_body,
    parse_cells,
)

API_VERSION = 1
AUTH_RESOURCE = "kernels"


class NbGuardHandler(APIHandler):
    """Common plumbing: collaborators from route kwargs, JSON out."""

    auth_resource = AUTH_RESOURCE

    def initialize(
        self,
        sessions: KernelSessions,
        checks: CheckService,
        pool: Executor,
        max_body_bytes: int,
    ) -> None:
        """Receive collaborators from the route table (no globals, no lookups)."""
        self.sessions = sessions
        self.store = sessions.store
        self.checks = checks
        self.pool = pool
        self.max_body_bytes = max_body_bytes

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

    def reply(self, payload: dict[str, Any] | str) -> None:
        """Write ``payload`` (or JSON text already made) as the JSON response."""
        self.set_header("Content-Type", "application/json")
        self.finish(payload if isinstance(payload, str) else json.dumps(payload))

    def require_kernel(self, kernel_id: str) -> None:
        """Raise 404 unless ``kernel_id`` is a kernel this server runs."""
        if kernel_id not in self.kernel_manager:
            raise http_error(404, f"no kernel with id {kernel_id!r}")

    def kernel_language(self, kernel_id: str) -> str:
        """The language of a running kernel (``python`` when it cannot be told)."""
        return self.checks.language(kernel_id)

    async def may(self, action: str) -> bool:
        """Whether the current user may ``action`` on kernels (a side effect guard)."""
        allowed = self.authorizer.is_authorized(
            self, self.current_user, action, AUTH_RESOURCE
        )
        return bool(await ensure_async(allowed))


class VersionHandler(NbGuardHandler):
    """``GET version``: the handshake the frontend makes at start."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Return the package version and the REST API version."""
        self.reply({"version": __version__, "api": API_VERSION, "features": FEATURES})


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
        since = optional_string(data, "since")
        answers = self.checks.answers
        kernel_id = optional_string(data, "kernel_id")
        notebook = (kernel_id, optional_string(data, "path"))
        try:
            cells = parse_cells(data, answers.cells(since), answers.latest(notebook))
        except UnknownSinceError as error:
            if since is None:
                message = f"{error.where}.source must be a string"
                raise http_error(400, message) from error
            message = (
                f"{error.where}.source is missing and since names no answer this "
                "server holds: send every source"
            )
            raise http_error(409, message) from error
        request = CheckRequest(
            cells=cells,
            kernel_id=kernel_id,
            select=optional_strings(data, "select"),
            ignore=optional_strings(data, "ignore"),
            overrides=parse_overrides(data),
            since=since,
        )
        if request.kernel_id is not None:
            self.require_kernel(request.kernel_id)
        # Weighing orphans runs a silent request in the kernel: only for users
        # who may run code there; a read-only user gets the history's answer.
        may_execute = request.kernel_id is not None and await self.may("execute")
        try:
            result = await self.checks.check(request, may_execute)
        except UnknownSelectorError as error:
            raise http_error(400, str(error)) from error
        self.reply(
            answers.reply(
                result.groups, result.kernel, request.since, request.cells, notebook
            )
        )


class NamespaceHandler(NbGuardHandler):
    """``GET kernels/{id}/namespace``: the names live in the kernel now."""

    @web.authenticated
    @authorized("execute")  # type: ignore[untyped-decorator]
    async def get(self, kernel_id: str) -> None:
        """Read the kernel's namespace with a silent, history-free request."""
        self.require_kernel(kernel_id)
        if self.kernel_language(kernel_id) != "python":
            raise http_error(400, "kernel_id: only IPython kernels can be probed")
        session, snapshot = self.sessions.snapshot(kernel_id)
        try:
            names = await read_namespace(self.kernel_manager.get_kernel(kernel_id))
        except NamespaceUnavailable as error:
            raise http_error(409, str(error)) from error
        # What checks weigh orphans with, too: a silent request (the panel's
        # Delete from kernel) changes the namespace but not the history.
        session.live_names = (len(snapshot.executions), names)
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
        self.sessions.restart(kernel_id)
        self.set_status(204)
        self.finish()


def route_table(
    sessions: KernelSessions,
    checks: CheckService,
    pool: Executor,
    max_body_bytes: int,
) -> list[tuple[str, type[NbGuardHandler], dict[str, Any]]]:
    """The extension's routes, relative to the server's base URL."""
    from .verify_handlers import verify_routes  # it subclasses NbGuardHandler

    kwargs = {
        "sessions": sessions,
        "checks": checks,
        "pool": pool,
        "max_body_bytes": max_body_bytes,
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
