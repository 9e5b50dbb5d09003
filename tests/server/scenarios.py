"""Steps and helpers shared by the server tests that drive real kernels.

The stale scenario is the foundation of nbguard: ``prices`` binds a list,
``total`` reads it, ``more`` rebinds it; run in that order, ``total`` is stale
(NBG201 on ``prices``). It must come out the same with local kernels
(test_execution_chain) and with kernels on a gateway (test_gateway).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .conftest import validate
from .kernel_client import KernelWebsocket

HISTORY_TIMEOUT = 30.0


def code_cell(cell_id: str, source: str) -> dict[str, Any]:
    """A code cell as the frontend sends it to ``/check``."""
    return {"id": cell_id, "cell_type": "code", "source": source}


def by_code(diagnostics: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    """The diagnostics with ``code`` (e.g. ``"NBG201"``)."""
    return [d for d in diagnostics if d["code"] == code]


def nbguard_app(jp_serverapp: Any) -> Any:
    """The nbguard server extension app loaded by ``jp_serverapp``."""
    [app] = jp_serverapp.extension_manager.extension_apps["jupyterlab_nbguard"]
    return app


async def poll(
    probe: Callable[[], Any],
    until: Callable[[Any], bool],
    timeout: float = HISTORY_TIMEOUT,
) -> Any:
    """Call (and await) ``probe`` until ``until(result)``; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if until(result):
            return result
        assert time.monotonic() < deadline, f"timed out; last result: {result}"
        await asyncio.sleep(0.1)


STALE_CELLS = [
    code_cell("prices", "prices = [3, 4, 5]"),
    code_cell("total", "total = sum(prices)\ntotal"),
]
#: What runs: ``prices`` as first written, ``total``, then ``prices`` again after
#: an edit: an upstream change, so ``total`` shows what Restart & Run All would not.
STALE_RUNS = [
    ("prices", "prices = [3, 4]"),
    ("total", STALE_CELLS[1]["source"]),
    ("prices", STALE_CELLS[0]["source"]),
]


async def run_stale_scenario(
    ws: KernelWebsocket,
    kernel_id: str,
    nbguard: Callable[..., Awaitable[Any]],
) -> dict[str, Any]:
    """Run ``STALE_RUNS`` over ``ws`` and check the foundation chain.

    Closes ``ws``, then asserts that the history holds the three executions with
    the cell ids sent, and that ``/check`` reports one NBG201 on ``total``,
    underlining ``prices`` and pointing at the re-run of ``prices``. Returns that
    diagnostic.
    """
    # When prices and total run, then prices is edited and run again
    for cell_id, source in STALE_RUNS:
        reply = await ws.run(source, cell_id)
        assert reply["status"] == "ok", reply
    ws.close()

    # Then the history has all three, with the cell ids JupyterLab sent
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert history["kernel_id"] == kernel_id
    assert history["epoch"] == 0
    assert [e["cell_id"] for e in history["executions"]] == [
        "prices",
        "total",
        "prices",
    ]
    assert [e["execution_count"] for e in history["executions"]] == [1, 2, 3]
    assert {e["status"] for e in history["executions"]} == {"ok"}
    assert history["executions"][1]["code"] == STALE_CELLS[1]["source"]
    assert all(e["finished"] for e in history["executions"])

    # And check reports the stale cell, underlining the exact name
    result = await nbguard(
        "check", method="POST", body={"cells": STALE_CELLS, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    [stale] = by_code(result["diagnostics"], "NBG201")
    assert stale["cell_id"] == "total"
    assert stale["range"] == {
        "start": {"line": 0, "column": 12},
        "end": {"line": 0, "column": 18},
    }
    assert stale["related"][0]["cell_id"] == "prices"
    assert stale["related"][0]["execution_count"] == 3
    assert result["kernel"] == {
        "id": kernel_id,
        "epoch": 0,
        "execution_count": 3,
        "executions": 3,
    }
    return stale
