"""Every client of a real kernel is tracked: tabs, consoles, interrupts, deaths.

These tests drive a real ipykernel through Jupyter Server's kernel websocket,
as JupyterLab does, and read what nbguard made of the traffic.
"""

from __future__ import annotations

import asyncio
import json
import operator
import time
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import validate
from .kernel_client import V1, KernelWebsocket
from .scenarios import by_code, code_cell, nbguard_app, poll


@pytest.fixture
def jp_server_config(jp_server_config):
    # Poll kernel liveness every 0.5 s instead of 3 s, so that the kernel-death
    # test sees the automatic restart quickly. Nothing else changes.
    return {**jp_server_config, "KernelRestarter": {"time_to_dead": 0.5}}


# --- two tabs on one kernel --------------------------------------------------


async def test_two_tabs_interleaved_are_recorded_in_order(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given one kernel with two notebook tabs, each with its own session
    kernel_id = await start_kernel()
    tab_a = await KernelWebsocket.open(jp_ws_fetch, kernel_id, None, session_id="tab-a")
    tab_b = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="tab-b")

    # When the tabs take turns running cells, B changing data A used
    steps = [
        (tab_a, "a-data", "data = [1, 2]"),
        (tab_b, "b-look", "seen = len(data)"),
        (tab_a, "a-total", "total = sum(data)"),
        (tab_b, "b-grow", "data.append(3)"),
    ]
    for tab, cell_id, code in steps:
        reply = await tab.run(code, cell_id)
        assert reply["status"] == "ok", reply

    # Then the history has all four, in the order they ran, with each tab's ids
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert [(e["cell_id"], e["code"]) for e in history["executions"]] == [
        (cell_id, code) for _tab, cell_id, code in steps
    ]
    assert [e["execution_count"] for e in history["executions"]] == [1, 2, 3, 4]
    assert {e["status"] for e in history["executions"]} == {"ok"}

    # And tab A's check sees that tab B made its total stale
    cells = [
        code_cell("a-data", "data = [1, 2]"),
        code_cell("a-total", "total = sum(data)"),
    ]
    result = await nbguard(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    [stale] = by_code(result["diagnostics"], "NBG201")
    assert stale["cell_id"] == "a-total"
    assert stale["names"][0] == "data"
    assert stale["related"][0]["cell_id"] == "b-grow"
    assert stale["related"][0]["execution_count"] == 4
    assert result["kernel"]["executions"] == 4
    tab_a.close()
    tab_b.close()


async def test_two_tabs_sending_at_once_get_their_own_counts(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given two tabs on one kernel
    kernel_id = await start_kernel()
    tab_a = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="tab-a")
    tab_b = await KernelWebsocket.open(jp_ws_fetch, kernel_id, None, session_id="tab-b")

    # When both send several requests without waiting for each other
    sent_a = [tab_a.request(f"a{i} = {i}", f"a{i}") for i in range(4)]
    sent_b = [tab_b.request(f"b{i} = {i}", f"b{i}") for i in range(4)]
    replies_a, replies_b = await asyncio.gather(
        tab_a.wait_replies(*sent_a), tab_b.wait_replies(*sent_b)
    )

    # Then every execution is recorded once, with the count its own tab was told
    history = await nbguard("kernels", kernel_id, "history")
    recorded = {e["cell_id"]: e for e in history["executions"]}
    assert len(history["executions"]) == 8
    for prefix, replies in (("a", replies_a), ("b", replies_b)):
        for i, reply in enumerate(replies):
            entry = recorded[f"{prefix}{i}"]
            assert entry["code"] == f"{prefix}{i} = {i}"
            assert entry["status"] == reply["status"] == "ok"
            assert entry["execution_count"] == reply["execution_count"]
    # And each tab's own executions are in the order it sent them
    order = [e["cell_id"] for e in history["executions"]]
    assert [c for c in order if c.startswith("a")] == ["a0", "a1", "a2", "a3"]
    assert [c for c in order if c.startswith("b")] == ["b0", "b1", "b2", "b3"]
    assert sorted(e["execution_count"] for e in history["executions"]) == list(
        range(1, 9)
    )
    tab_a.close()
    tab_b.close()


# --- a console ----------------------------------------------------------------


async def test_console_change_makes_a_notebook_cell_stale(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given a notebook tab and a console on the same kernel; the console sends
    # metadata, but no cellId
    kernel_id = await start_kernel()
    notebook = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="nb")
    console = await KernelWebsocket.open(
        jp_ws_fetch, kernel_id, None, session_id="console"
    )
    cells = [code_cell("rate", "rate = 0.1"), code_cell("cost", "cost = 100 * rate")]
    for cell in cells:
        assert (await notebook.run(cell["source"], cell["id"]))["status"] == "ok"

    # When the console rebinds a name the notebook read
    reply = await console.run("rate = 0.2", trusted=True, recordTiming=False)
    assert reply["status"] == "ok"

    # Then the history has the console's execution with a null cell id
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert [(e["cell_id"], e["execution_count"]) for e in history["executions"]] == [
        ("rate", 1),
        ("cost", 2),
        (None, 3),
    ]
    assert history["executions"][2]["code"] == "rate = 0.2"

    # And the notebook cell that read it is stale, caused by code outside it
    result = await nbguard(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    [stale] = by_code(result["diagnostics"], "NBG201")
    assert stale["cell_id"] == "cost"
    assert stale["names"] == ["rate"]
    assert stale["related"] == [
        {
            "cell_id": None,
            "execution_count": 3,
            "message": stale["related"][0]["message"],
        }
    ]
    assert "outside the notebook" in stale["message"]
    notebook.close()
    console.close()


# --- deleted cells ------------------------------------------------------------


async def test_deleted_cells_metadata_and_deleted_but_live(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given a cell that defined `frame` and a cell that uses it
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("frame = list(range(1000))", "loader")
    await ws.run("rows = len(frame)", "user")

    # When the loader cell is deleted, and the next execution says so in
    # JupyterLab's `deletedCells` metadata
    reply = await ws.run("rows = len(frame)", "user", deletedCells=["loader"])

    # Then the request is accepted, executed and recorded like any other
    assert reply["status"] == "ok"
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert [(e["cell_id"], e["status"]) for e in history["executions"]] == [
        ("loader", "ok"),
        ("user", "ok"),
        ("user", "ok"),
    ]

    # And check reports the reader of the orphan and lists the orphan itself
    cells = [code_cell("user", "rows = len(frame)")]
    result = await nbguard(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    orphans = by_code(result["diagnostics"], "NBG203")
    assert {d["cell_id"] for d in orphans} == {"user", None}
    on_cell = next(d for d in orphans if d["cell_id"] == "user")
    assert on_cell["rule"] == "deleted-but-live"
    assert on_cell["names"] == ["frame"]
    assert on_cell["range"] == {
        "start": {"line": 0, "column": 11},
        "end": {"line": 0, "column": 16},
    }
    assert on_cell["related"][0]["cell_id"] == "loader"
    notebook_level = next(d for d in orphans if d["cell_id"] is None)
    assert notebook_level["names"] == ["frame"]
    assert "frame" in notebook_level["message"]
    assert notebook_level["related"][0]["cell_id"] == "loader"
    assert notebook_level["range"] is None
    ws.close()


# --- interrupt ----------------------------------------------------------------


async def test_interrupt_records_error_and_aborted_queue(
    jp_fetch, jp_ws_fetch, start_kernel, nbguard
):
    # Given a long-running cell with two more queued behind it
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    slow = ws.request("import time; time.sleep(30)", "slow")
    queued = [ws.request("after = 1", "after-1"), ws.request("after = 2", "after-2")]
    await ws.read_until(lambda _: ws.saw(slow, "iopub", "execute_input"))
    history = await nbguard("kernels", kernel_id, "history")
    assert [(e["cell_id"], e["status"]) for e in history["executions"]] == [
        ("slow", "running"),
        ("after-1", "running"),
        ("after-2", "running"),
    ]
    assert {e["finished"] for e in history["executions"]} == {None}

    # When the kernel is interrupted
    started = time.monotonic()
    await jp_fetch("api", "kernels", kernel_id, "interrupt", method="POST", body="")
    replies = await ws.wait_replies(slow, *queued)
    assert time.monotonic() - started < 20, "the interrupt did not stop the sleep"

    # Then the client saw a KeyboardInterrupt and two aborted requests
    assert replies[0]["status"] == "error"
    assert replies[0]["ename"] == "KeyboardInterrupt"
    assert [r["status"] for r in replies[1:]] == ["aborted", "aborted"]

    # And the history says the same, with nothing left running
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    executions = history["executions"]
    assert [(e["cell_id"], e["status"]) for e in executions] == [
        ("slow", "error"),
        ("after-1", "aborted"),
        ("after-2", "aborted"),
    ]
    assert executions[0]["execution_count"] == 1
    assert all(e["finished"] for e in executions)

    # And the kernel carries on, the next execution recorded after them
    assert (await ws.run("after = 3", "after-3"))["status"] == "ok"
    history = await nbguard("kernels", kernel_id, "history")
    assert [(e["cell_id"], e["status"]) for e in history["executions"]][-1] == (
        "after-3",
        "ok",
    )
    assert "running" not in {e["status"] for e in history["executions"]}
    ws.close()


# --- kernel death --------------------------------------------------------------


async def test_kernel_death_starts_a_new_epoch(
    jp_ws_fetch, jp_serverapp, start_kernel, nbguard
):
    # Given a kernel with a recorded execution
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    assert (await ws.run("x = 1", "x"))["status"] == "ok"
    history = await nbguard("kernels", kernel_id, "history")
    assert (history["epoch"], len(history["executions"])) == (0, 1)
    old_pid = jp_serverapp.kernel_manager.get_kernel(kernel_id).provisioner.pid

    # When the kernel process dies with a request in flight and another queued
    ws.request("import os; os._exit(1)", "die")
    ws.request("y = 2", "queued")

    # Then the server restarts it, and the history starts a new, empty epoch
    history = await poll(
        lambda: nbguard("kernels", kernel_id, "history"),
        lambda h: h["epoch"] >= 1,
    )
    validate(history, "HistoryResponse")
    assert history["epoch"] == 1
    assert history["executions"] == []
    kernel = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    assert kernel.provisioner.pid != old_pid
    ws.close()

    # And executions after the restart are recorded in the new epoch
    await poll(kernel.is_alive, bool)
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    reply = await ws.run("z = 3", "z")
    assert reply["status"] == "ok"
    history = await nbguard("kernels", kernel_id, "history")
    assert history["epoch"] == 1
    assert [
        (e["cell_id"], e["status"], e["execution_count"]) for e in history["executions"]
    ] == [("z", "ok", reply["execution_count"])]
    result = await nbguard(
        "check",
        method="POST",
        body={"cells": [code_cell("z", "z = 3")], "kernel_id": kernel_id},
    )
    assert result["kernel"]["epoch"] == 1
    assert result["kernel"]["executions"] == 1
    ws.close()


# --- shutdown -----------------------------------------------------------------


async def test_shutdown_forgets_the_kernel(
    jp_fetch, jp_ws_fetch, jp_serverapp, start_kernel, nbguard
):
    # Given a kernel with history
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, None)
    await ws.run("x = 1", "x")
    store = nbguard_app(jp_serverapp).store
    assert kernel_id in store

    # When the kernel is shut down through the REST API
    await jp_fetch("api", "kernels", kernel_id, method="DELETE")
    ws.close()

    # Then its history is gone: 404 from the endpoint, nothing in the store
    with pytest.raises(HTTPClientError) as error:
        await nbguard("kernels", kernel_id, "history")
    assert error.value.code == 404
    assert json.loads(error.value.response.body)["message"]
    # (the shutdown event reaches nbguard asynchronously)
    await poll(lambda: kernel_id in store.kernel_ids(), operator.not_, 10)
    assert kernel_id not in store


# --- kernels started before anyone connects -------------------------------------


async def test_kernel_started_before_any_websocket_is_tracked(
    jp_ws_fetch, jp_serverapp, nbguard
):
    # Given a kernel the server started itself, with no websocket open yet
    kernel_id = await jp_serverapp.kernel_manager.start_kernel(kernel_name="python3")
    await poll(jp_serverapp.kernel_manager.get_kernel(kernel_id).is_alive, bool)
    history = await nbguard("kernels", kernel_id, "history")
    assert (history["epoch"], history["executions"]) == (0, [])

    # When a client connects later and runs its first cell
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    reply = await ws.run("first = 1", "first")

    # Then that very first execution is in the history
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert reply["execution_count"] == 1
    assert [(e["cell_id"], e["execution_count"]) for e in history["executions"]] == [
        ("first", 1)
    ]
    ws.close()


# --- observation is transparent --------------------------------------------------


def _shape(
    messages: list[tuple[str, dict[str, Any]]],
) -> list[tuple[str, str, tuple[str, ...]]]:
    """Channel, type and content keys of each message, in order received."""
    return [
        (channel, msg["header"]["msg_type"], tuple(sorted(msg["content"])))
        for channel, msg in messages
    ]


async def _direct(jp_serverapp: Any, kernel_id: str, code: str) -> tuple:
    """Run ``code`` over ZeroMQ directly, bypassing the server's websocket."""
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=30)
        messages: list[tuple[str, dict[str, Any]]] = []
        reply = await client.execute_interactive(
            code,
            timeout=30,
            output_hook=lambda msg: messages.append(("iopub", msg)),
        )
        return messages + [("shell", reply)], reply
    finally:
        client.stop_channels()


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "v1-binary"])
async def test_observed_messages_reach_the_client_unchanged(
    jp_ws_fetch, jp_serverapp, start_kernel, protocol
):
    code = "print('hello')\n6 * 7"
    # Given the same code run once over a plain ZeroMQ client (no server in the way)
    direct_kernel = await start_kernel()
    direct, direct_reply = await _direct(jp_serverapp, direct_kernel, code)

    # When it runs in another fresh kernel through the observed websocket
    kernel_id = await start_kernel()
    connection_class = jp_serverapp.web_app.settings[
        "kernel_websocket_connection_class"
    ]
    assert connection_class.__name__.startswith("NbGuard")
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, protocol)
    msg_id = ws.request(code, "greet")
    await ws.read_until(
        lambda _: ws.saw(msg_id, "iopub", "status", execution_state="idle")
    )
    await ws.wait_replies(msg_id)
    observed = ws.about(msg_id)

    # Then the client gets every message, with the same shape as without nbguard
    types = {(c, m["header"]["msg_type"]) for c, m in observed}
    assert types == {
        ("iopub", "status"),
        ("iopub", "execute_input"),
        ("iopub", "stream"),
        ("iopub", "execute_result"),
        ("shell", "execute_reply"),
    }
    assert ws.saw(msg_id, "iopub", "status", execution_state="busy")
    assert ws.saw(msg_id, "iopub", "stream", name="stdout", text="hello\n")
    assert ws.saw(msg_id, "iopub", "execute_input", code=code, execution_count=1)
    assert sorted(_shape(observed)) == sorted(_shape(direct))
    [reply] = [m for c, m in observed if c == "shell"]
    assert sorted(reply["content"]) == sorted(direct_reply["content"])
    assert reply["content"]["status"] == direct_reply["content"]["status"] == "ok"
    assert (
        reply["content"]["execution_count"]
        == direct_reply["content"]["execution_count"]
        == 1
    )
    [result] = [m for c, m in observed if m["header"]["msg_type"] == "execute_result"]
    assert result["content"]["data"] == {"text/plain": "42"}
    assert result["content"]["execution_count"] == 1
    assert reply["parent_header"]["msg_id"] == msg_id
    ws.close()


# --- a tab closed while its cell runs ----------------------------------------------


async def test_tab_reconnecting_gets_its_reply_replayed_and_recorded(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given the only tab on a kernel, running a cell that takes a moment
    kernel_id = await start_kernel()
    tab = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="tab")
    msg_id = tab.request("import time; time.sleep(1); late = 1", "late")
    await tab.read_until(lambda _: tab.saw(msg_id, "iopub", "execute_input"))

    # When the tab's connection drops before the reply, and it comes back with
    # the same session after the cell finished (the server buffered the reply)
    tab.close()
    await asyncio.sleep(2)
    tab = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="tab")
    [reply] = await tab.wait_replies(msg_id)

    # Then the replayed reply completes the execution in the history
    assert reply["status"] == "ok"
    history = await nbguard("kernels", kernel_id, "history")
    [entry] = history["executions"]
    assert (entry["cell_id"], entry["status"]) == ("late", "ok")
    assert entry["execution_count"] == reply["execution_count"] == 1
    assert entry["finished"] is not None
    tab.close()


async def test_tab_closed_while_its_cell_runs_is_not_left_running(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given two tabs on one kernel, the first running a cell that takes a moment
    kernel_id = await start_kernel()
    closing = await KernelWebsocket.open(
        jp_ws_fetch, kernel_id, V1, session_id="closing"
    )
    staying = await KernelWebsocket.open(
        jp_ws_fetch, kernel_id, V1, session_id="staying"
    )
    msg_id = closing.request("import time; time.sleep(1); late = 1", "late")
    await closing.read_until(lambda _: closing.saw(msg_id, "iopub", "execute_input"))

    # When that tab is closed before its cell finished, and the other tab runs
    # a cell after it
    closing.close()
    reply = await staying.run("late + 1", "reader")
    assert reply["status"] == "ok"
    assert reply["execution_count"] == 2

    # Then the history knows the first cell finished, and with which count
    history = await nbguard("kernels", kernel_id, "history")
    assert [
        (e["cell_id"], e["status"], e["execution_count"]) for e in history["executions"]
    ] == [("late", "ok", 1), ("reader", "ok", 2)]
    assert all(e["finished"] for e in history["executions"])
    staying.close()
