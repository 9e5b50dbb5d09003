"""The foundation chain with a real ipykernel: websocket → history → check."""

from __future__ import annotations

import pytest

from .conftest import eventually
from .kernel_client import V1, KernelWebsocket
from .scenarios import STALE_CELLS, STALE_RUNS, by_code, run_stale_scenario


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "v1-binary"])
async def test_history_and_stale_cell_through_the_kernel_websocket(
    jp_ws_fetch, start_kernel, nbguard, protocol
):
    # Given a real kernel driven over its websocket the way JupyterLab does it
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, protocol)
    # When the three cells run in order, the second becoming stale, then the
    # history has all three and check reports the stale cell (see the helper)
    diagnostic = await run_stale_scenario(ws, kernel_id, nbguard)
    # ... naming the rule and the stale name
    assert diagnostic["rule"] == "stale-cell"
    assert "prices" in diagnostic["message"]


async def test_errors_and_consoles_and_restart(
    jp_fetch, jp_ws_fetch, start_kernel, nbguard
):
    # Given a kernel with one notebook execution, one failing one, and one
    # from a client that sends no cell id (a console)
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("a = 1", "a")
    # (stop_on_error=False: otherwise ipykernel may abort the next request if it
    # arrives within its stop-on-error window, which is timing, not nbguard)
    failed = await ws.run("1 / 0", "boom", stop_on_error=False)
    await ws.run("b = a + 1")
    assert failed["status"] == "error"
    history = await nbguard("kernels", kernel_id, "history")
    assert [(e["cell_id"], e["status"]) for e in history["executions"]] == [
        ("a", "ok"),
        ("boom", "error"),
        (None, "ok"),
    ]

    # When the kernel restarts
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="{}")

    # Then a new epoch starts with an empty history (restart events are async)
    async def restarted():
        history = await nbguard("kernels", kernel_id, "history")
        return history if history["epoch"] == 1 else None

    history = await eventually(restarted)
    assert history is not None
    assert history["epoch"] == 1
    assert history["executions"] == []
    ws.close()


async def test_stale_cell_is_not_reported_once_rerun(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given the stale scenario
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, None)
    for cell_id, source in STALE_RUNS:
        await ws.run(source, cell_id)
    # When the stale cell runs again
    await ws.run(STALE_CELLS[1]["source"], "total")
    ws.close()
    # Then nothing is stale any more
    result = await nbguard(
        "check", method="POST", body={"cells": STALE_CELLS, "kernel_id": kernel_id}
    )
    assert by_code(result["diagnostics"], "NBG201") == []
