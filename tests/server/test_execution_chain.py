"""The foundation chain with a real ipykernel: websocket → history → check."""

from __future__ import annotations

import pytest

from .conftest import eventually, validate
from .kernel_client import V1, KernelWebsocket

CELLS = [
    {"id": "prices", "cell_type": "code", "source": "prices = [3, 4]"},
    {"id": "total", "cell_type": "code", "source": "total = sum(prices)\ntotal"},
    {"id": "more", "cell_type": "code", "source": "prices = [3, 4, 5]"},
]


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "v1-binary"])
async def test_history_and_stale_cell_through_the_kernel_websocket(
    jp_ws_fetch, start_kernel, nbguard, protocol
):
    # Given a real kernel driven over its websocket the way JupyterLab does it
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, protocol)
    # When the three cells run in order, the second becoming stale
    for cell in CELLS:
        reply = await ws.execute(cell["source"], cell_id=cell["id"])
        assert reply["status"] == "ok"
    ws.close()

    # Then the history has all three, with the cell ids JupyterLab sent
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert history["kernel_id"] == kernel_id
    assert history["epoch"] == 0
    assert [e["cell_id"] for e in history["executions"]] == ["prices", "total", "more"]
    assert [e["execution_count"] for e in history["executions"]] == [1, 2, 3]
    assert {e["status"] for e in history["executions"]} == {"ok"}
    assert history["executions"][1]["code"] == CELLS[1]["source"]
    assert all(e["finished"] for e in history["executions"])

    # And check reports the stale cell, underlining the exact name
    result = await nbguard(
        "check", method="POST", body={"cells": CELLS, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    stale = [d for d in result["diagnostics"] if d["code"] == "NBG201"]
    assert len(stale) == 1
    diagnostic = stale[0]
    assert diagnostic["cell_id"] == "total"
    assert diagnostic["rule"] == "stale-cell"
    assert diagnostic["range"] == {
        "start": {"line": 0, "column": 12},
        "end": {"line": 0, "column": 18},
    }
    assert "prices" in diagnostic["message"]
    assert diagnostic["related"][0]["cell_id"] == "more"
    assert diagnostic["related"][0]["execution_count"] == 3
    assert result["kernel"] == {
        "id": kernel_id,
        "epoch": 0,
        "execution_count": 3,
        "executions": 3,
    }


async def test_errors_and_consoles_and_restart(
    jp_fetch, jp_ws_fetch, start_kernel, nbguard
):
    # Given a kernel with one notebook execution, one failing one, and one
    # from a client that sends no cell id (a console)
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.execute("a = 1", cell_id="a")
    # (stop_on_error=False: otherwise ipykernel may abort the next request if it
    # arrives within its stop-on-error window, which is timing, not nbguard)
    failed = await ws.execute("1 / 0", cell_id="boom", stop_on_error=False)
    await ws.execute("b = a + 1")
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
    for cell in CELLS:
        await ws.execute(cell["source"], cell_id=cell["id"])
    # When the stale cell runs again
    await ws.execute(CELLS[1]["source"], cell_id="total")
    ws.close()
    # Then nothing is stale any more
    result = await nbguard(
        "check", method="POST", body={"cells": CELLS, "kernel_id": kernel_id}
    )
    assert [d for d in result["diagnostics"] if d["code"] == "NBG201"] == []
