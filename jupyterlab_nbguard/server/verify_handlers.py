"""``POST verify/compare``: the button's comparison, run on the server.

The frontend sends each code cell's outputs from before the restart and after
the run; the server validates them, normalises and compares them with
:mod:`jupyterlab_nbguard.verify` (no code runs), and with a kernel id records
the result so that ``check`` reports NBG301 on the cells that diverged.
"""

from __future__ import annotations

import asyncio
import math
import re
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from tornado import web

from ..engine.model import VerifiedCell
from ..verify import (
    CellRun,
    Options,
    Sanitizer,
    Verification,
    verify,
    verify_unchanged,
)
from .handlers import AUTH_RESOURCE, NbGuardHandler
from .requests import cell_id_of, http_error, optional_string, parse_body

_OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")
#: Bounds that keep one request's work proportional to its size.
MAX_SANITIZERS = 64
MAX_PATTERN = 1000


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _text(value: object, where: str) -> str:
    """A string, or nbformat's list-of-lines form of one."""
    if isinstance(value, str):
        return value
    if _strings(value):
        return "".join(value)  # type: ignore[arg-type]
    raise http_error(400, f"{where} must be a string or a list of strings")


def parse_output(value: object, where: str) -> dict[str, Any]:
    """Check one nbformat output enough that comparing it cannot fail."""
    if not isinstance(value, dict):
        raise http_error(400, f"{where} must be an object (an nbformat output)")
    kind = value.get("output_type")
    if kind not in _OUTPUT_TYPES:
        raise http_error(
            400, f"{where}.output_type must be one of {', '.join(_OUTPUT_TYPES)}"
        )
    if kind == "stream":
        if not isinstance(value.get("name"), str):
            raise http_error(400, f"{where}.name must be a string (stdout or stderr)")
        _text(value.get("text"), f"{where}.text")
    elif kind == "error":
        for key in ("ename", "evalue"):
            if not isinstance(value.get(key), str):
                raise http_error(400, f"{where}.{key} must be a string")
        if "traceback" in value and not _strings(value["traceback"]):
            raise http_error(400, f"{where}.traceback must be a list of strings")
    elif not isinstance(value.get("data", {}), dict):
        raise http_error(400, f"{where}.data must be an object of MIME type to value")
    return value


def _outputs(side: dict[str, Any], where: str) -> tuple[dict[str, Any], ...]:
    raw = side.get("outputs", [])
    if not isinstance(raw, list):
        raise http_error(400, f"{where}.outputs must be a list")
    return tuple(parse_output(o, f"{where}.outputs[{i}]") for i, o in enumerate(raw))


def _side(item: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    side = item.get(key)
    if not isinstance(side, dict):
        raise http_error(400, f"{where}.{key} must be an object")
    return side


def parse_verify_cells(data: dict[str, Any]) -> tuple[CellRun, ...]:
    """Read ``cells`` as the contract's verify cells, in page order."""
    raw = data.get("cells")
    if not isinstance(raw, list):
        raise http_error(
            400, "cells must be a list of {id, source, tags, before, after}"
        )
    cells: list[CellRun] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"cells[{i}]"
        cell_id = cell_id_of(item, where, seen)
        source = _text(item.get("source"), f"{where}.source")
        tags = item.get("tags", [])
        if tags is None:
            tags = []
        if not _strings(tags):
            raise http_error(400, f"{where}.tags must be a list of strings")
        before = _side(item, "before", where)
        count = before.get("execution_count")
        if count is not None and (
            not isinstance(count, int) or isinstance(count, bool) or count < 0
        ):
            raise http_error(
                400,
                f"{where}.before.execution_count must be an integer >= 0 or null",
            )
        after = _side(item, "after", where)
        ran = after.get("ran")
        if not isinstance(ran, bool):
            raise http_error(400, f"{where}.after.ran must be true or false")
        cells.append(
            CellRun(
                cell_id,
                source,
                tuple(tags),
                count,
                _outputs(before, f"{where}.before"),
                ran,
                _outputs(after, f"{where}.after"),
            )
        )
    return tuple(cells)


def _sanitizers(raw: object) -> tuple[Sanitizer, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise http_error(400, "options.sanitizers must be a list of {regex, replace}")
    if len(raw) > MAX_SANITIZERS:
        raise http_error(400, f"options.sanitizers: at most {MAX_SANITIZERS} rules")
    rules = []
    for i, rule in enumerate(raw):
        where = f"options.sanitizers[{i}]"
        if not isinstance(rule, dict):
            raise http_error(400, f"{where} must be an object {{regex, replace}}")
        regex, replace = rule.get("regex"), rule.get("replace")
        if not isinstance(regex, str) or not regex or len(regex) > MAX_PATTERN:
            raise http_error(
                400, f"{where}.regex must be a string of 1 to {MAX_PATTERN} characters"
            )
        if not isinstance(replace, str) or len(replace) > MAX_PATTERN:
            raise http_error(
                400, f"{where}.replace must be a string of at most {MAX_PATTERN}"
            )
        try:
            rules.append(Sanitizer.compile(regex, replace))
        except (re.error, RecursionError, OverflowError) as error:
            raise http_error(
                400, f"{where}.regex is not a valid regular expression: {error}"
            ) from error
    return tuple(rules)


def parse_options(data: dict[str, Any]) -> Options:
    """Read ``options`` (all fields optional, null meaning the default)."""
    raw = data.get("options")
    if raw is None:
        return Options()
    if not isinstance(raw, dict):
        raise http_error(400, "options must be an object or null")
    images = raw.get("compare_images")
    if images is not None and not isinstance(images, bool):
        raise http_error(400, "options.compare_images must be true, false or null")
    return Options(
        _sanitizers(raw.get("sanitizers")),
        bool(images),
        _tolerance(raw.get("float_tolerance")),
    )


def _tolerance(value: object) -> float | None:
    """``options.float_tolerance`` as a float, or a 400.

    JSON integers have no size limit: one too large for a float (``10**400``)
    made ``math.isfinite`` raise ``OverflowError``, a 500.
    """
    if value is None:
        return None
    problem = "options.float_tolerance must be a number >= 0 or null"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise http_error(400, problem)
    try:
        tolerance = float(value)
    except OverflowError as error:
        raise http_error(400, f"{problem} (and fit a float)") from error
    if not math.isfinite(tolerance) or tolerance < 0:
        raise http_error(400, problem)
    return tolerance


def verified_cells(
    result: Verification, sources: dict[str, str]
) -> tuple[VerifiedCell, ...]:
    """What NBG301 needs of a verification: each cell's status and verified code.

    The code lets a finding end when its cell is edited. The result belongs to
    the kernel session it was made in and goes when the kernel restarts.
    """
    return tuple(
        VerifiedCell(c.cell_id, c.status.value, sources.get(c.cell_id, ""),
                     c.consequence_of)
        for c in result.cells
    )  # fmt: skip


class VerifyCompareHandler(NbGuardHandler):
    """``POST verify/compare``: compare outputs before and after a restart-and-run."""

    @web.authenticated
    @authorized("read")  # type: ignore[untyped-decorator]
    async def post(self) -> None:
        """Compare; with a kernel id (which needs ``execute``), record for NBG301."""
        data = parse_body(self.request.body, self.max_body_bytes)
        kernel_id = optional_string(data, "kernel_id")
        if kernel_id is not None:
            await self._require_execute()
            self.require_kernel(kernel_id)
        cells = parse_verify_cells(data)
        options = parse_options(data)
        # The session the outputs were produced in, taken now: if the kernel
        # restarts or shuts down while the worker compares, the result goes
        # with that session (dropped with it), not into the new epoch's, and
        # the history of a kernel that is gone is not created again.
        session = self.sessions.get(kernel_id) if kernel_id is not None else None
        # A notebook that reproduced needs no normalising: answered here, it
        # does not queue behind a check in the worker thread.
        result = verify_unchanged(cells)
        if result is None:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self.pool, verify, cells, options)
        if session is not None:
            sources = {c.id: c.source for c in cells}
            session.verify = verified_cells(result, sources)
        self.reply(result.to_json())

    async def _require_execute(self) -> None:
        """Recording feeds a kernel's diagnostics: allowed like running code."""
        allowed = await ensure_async(
            self.authorizer.is_authorized(
                self, self.current_user, "execute", AUTH_RESOURCE
            )
        )
        if not allowed:
            raise http_error(
                403,
                f"kernel_id: recording a verification needs permission to execute "
                f"on {AUTH_RESOURCE}; send kernel_id null to compare only",
            )


def verify_routes(
    kwargs: dict[str, Any],
) -> list[tuple[str, type[NbGuardHandler], dict[str, Any]]]:
    """The restart-and-verify routes, with the route table's collaborators."""
    return [(r"/jupyterlab-nbguard/verify/compare", VerifyCompareHandler, kwargs)]
