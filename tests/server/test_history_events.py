"""A kernel's history changing is announced on Jupyter Server's event bus.

The browser re-checks a notebook when another client (a console, a second tab)
runs code in its kernel; the server tells it so with one ``history_changed``
event per recorded batch, instead of the browser guessing from iopub.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyterlab_nbguard.server.events import HISTORY_CHANGED

from .kernel_client import KernelWebsocket
from .scenarios import code_cell, nbguard_app, poll


async def test_console_execution_emits_one_event(
    jp_serverapp, jp_ws_fetch, start_kernel, nbguard
):
    # Given a listener on the event bus and a kernel with a console attached
    events: list[dict[str, Any]] = []

    async def listen(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=HISTORY_CHANGED, listener=listen)
    kernel_id = await start_kernel()
    console = await KernelWebsocket.open(
        jp_ws_fetch, kernel_id, None, session_id="console"
    )

    # When the console runs code (no cell id), as a console does
    reply = await console.run("rate = 0.2")
    assert reply["status"] == "ok"

    # Then one event says this kernel's history changed, with the numbers a
    # check now reports
    await poll(lambda: events, bool, timeout=10)
    delay = nbguard_app(jp_serverapp).observer.delay
    await asyncio.sleep(delay + 0.5)  # a second event would have come by now
    assert events == [
        {
            "kernel_id": kernel_id,
            "epoch": 0,
            "executions": 1,
            "execution_count": 1,
            "running": 0,
        }
    ]
    result = await nbguard(
        "check",
        method="POST",
        body={"cells": [code_cell("c", "rate")], "kernel_id": kernel_id},
    )
    summary = result["kernel"]
    assert (summary["epoch"], summary["executions"], summary["execution_count"]) == (
        0,
        1,
        1,
    )

    # And the check (which may read the namespace silently) emits nothing
    await asyncio.sleep(delay + 0.5)
    assert len(events) == 1
    jp_serverapp.event_logger.remove_listener(
        schema_id=HISTORY_CHANGED, listener=listen
    )
    console.close()


async def test_history_reset_emits_a_new_epoch(jp_serverapp, start_kernel, nbguard):
    # Given a listener and a kernel
    events: list[dict[str, Any]] = []

    async def listen(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        events.append(data)

    jp_serverapp.event_logger.add_listener(schema_id=HISTORY_CHANGED, listener=listen)
    kernel_id = await start_kernel()
    # When its history is forgotten over REST
    await nbguard("kernels", kernel_id, "history", method="DELETE")
    # Then an event announces the new epoch
    found = await poll(lambda: events, bool, timeout=10)
    assert [(e["kernel_id"], e["epoch"]) for e in found] == [(kernel_id, 1)]
    jp_serverapp.event_logger.remove_listener(
        schema_id=HISTORY_CHANGED, listener=listen
    )
