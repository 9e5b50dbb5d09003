"""Read the names live in a kernel without disturbing the user.

The probe is one ``execute_request`` sent on a private client connection (never
through a websocket, so it is not recorded as history) with ``silent=True`` and
``store_history=False``: the kernel consumes no execution count, publishes no
outputs and leaves ``In``/``Out``/``_`` alone. The code is empty; the work is a
``user_expressions`` entry that runs a helper in a throwaway namespace, so no
name is ever bound in the user's namespace. It has a time limit, and it is not
sent while the kernel is busy (it would wait behind the user's code).
"""

from __future__ import annotations

import ast
import asyncio
import json
from typing import Any

from ..engine.model import LiveName

#: Runs inside the kernel, defined in a fresh dict that is thrown away.
_PROBE = """
def probe(ns, hidden, limit):
    import sys
    out = []
    for name, value in list(ns.items()):
        if name.startswith("_") or name in hidden:
            continue
        size = None
        try:
            nbytes = getattr(value, "nbytes", None)
            if isinstance(nbytes, int):
                size = nbytes
            elif hasattr(value, "memory_usage") and hasattr(value, "dtypes"):
                usage = value.memory_usage(index=True, deep=False)
                size = int(usage.sum()) if hasattr(usage, "sum") else int(usage)
            else:
                size = sys.getsizeof(value)
        except Exception:
            size = None
        out.append((name, type(value).__name__, size))
        if len(out) >= limit:
            break
    return out
"""


def probe_expression(limit: int) -> str:
    """The user expression: JSON of ``[(name, type, size), ...]``, binding nothing."""
    return (
        "__import__('json').dumps((lambda g: (exec(" + repr(_PROBE) + ", g), "
        "g['probe'])[1])({'__builtins__': __builtins__})"
        "(globals(), get_ipython().user_ns_hidden, " + str(int(limit)) + "))"
    )


class NamespaceUnavailable(Exception):
    """The namespace cannot be read now; the message says why."""


def parse_reply(content: dict[str, Any]) -> tuple[LiveName, ...]:
    """Turn an ``execute_reply``'s ``user_expressions`` into live names."""
    result = (content.get("user_expressions") or {}).get("nbguard") or {}
    if result.get("status") != "ok":
        raise NamespaceUnavailable(
            f"the kernel could not list its names: {result.get('ename', 'no result')}"
        )
    text = (result.get("data") or {}).get("text/plain", "")
    try:
        rows = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError) as error:
        raise NamespaceUnavailable(
            "the kernel answered in an unexpected form"
        ) from error
    names = []
    for row in rows:
        if isinstance(row, list) and len(row) == 3:
            name, type_name, size = row
            names.append(
                LiveName(
                    str(name), str(type_name), size if isinstance(size, int) else None
                )
            )
    return tuple(names)


async def _idle_soon(kernel: Any, grace: float = 0.5, every: float = 0.02) -> bool:
    """Whether the kernel is idle now or within ``grace`` seconds.

    A request behind running code would wait for it: a long cell is reported
    as busy at once. The grace covers the kernel's ``idle`` status arriving a
    moment after a reply, as it does after the probe of a check just before.
    """
    waited = 0.0
    while getattr(kernel, "execution_state", None) == "busy":
        if waited >= grace:
            return False
        await asyncio.sleep(every)
        waited += every
    return True


async def read_namespace(
    kernel: Any, timeout: float = 5.0, limit: int = 5000
) -> tuple[LiveName, ...]:
    """Ask the kernel behind ``kernel`` (a server kernel manager) for its names.

    Raises
    ------
    NamespaceUnavailable
        If the kernel is busy, not IPython, or does not answer in time.
    """
    if not await _idle_soon(kernel):
        raise NamespaceUnavailable("the kernel is busy running code; ask again later")
    client = kernel.client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={"nbguard": probe_expression(limit)},
            allow_stdin=False,
        )
        while True:
            try:
                reply = await client._async_get_shell_msg(timeout=timeout)
            except Exception as error:
                raise NamespaceUnavailable(
                    f"the kernel did not answer within {timeout:g} s"
                ) from error
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return parse_reply(reply.get("content", {}))
    finally:
        client.stop_channels()
