"""The observer: which messages it queues, and that readers always catch up.

Messages are built with jupyter_client's own ``Session`` in the shapes the
connection class passes on (v1 websocket bytes from the client, ZeroMQ frames
from the kernel, JSON text from a gateway). The live kernel paths are covered
by ``tests/server``.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from jupyterlab_nbguard.history import ExecutionObserver, HistoryStore

SESSION = Session()


def v1_request(code: str, cell_id: str = "c1", msg_type: str = "execute_request"):
    msg = SESSION.msg(msg_type, content={"code": code}, metadata={"cellId": cell_id})
    parts = [
        SESSION.pack(msg[k]) for k in ("header", "parent_header", "metadata", "content")
    ]
    return msg, serialize_msg_to_ws_v1(parts, "shell")


def kernel(channel: str, msg_type: str, content: dict[str, Any], parent: dict):
    msg = SESSION.msg(msg_type, content=content, parent=parent)
    ident = [b"kernel.topic"] if channel == "iopub" else []
    return (channel, SESSION.serialize(msg, ident=ident))


def run_cell(observer: ExecutionObserver, code: str, count: int) -> dict[str, Any]:
    """One execution as the connection shows it: request, busy, input, reply, idle."""
    request, raw = v1_request(code)
    observer.observe_client("k", raw, 1)
    for channel, kind, content in [
        ("iopub", "status", {"execution_state": "busy"}),
        ("iopub", "execute_input", {"code": code, "execution_count": count}),
        ("shell", "execute_reply", {"status": "ok", "execution_count": count}),
        ("iopub", "status", {"execution_state": "idle"}),
    ]:
        observer.observe_kernel("k", kernel(channel, kind, content, request))
    return request


def test_outputs_are_passed_over_and_a_read_catches_up():
    async def scenario():
        store = HistoryStore()
        observer = ExecutionObserver(store)
        # Given a client's non-execute messages and a kernel's busy/stream/idle
        _, info = v1_request("", msg_type="kernel_info_request")
        observer.observe_client("k", info, 1)
        request, _ = v1_request("x = 1")
        for kind, content in [
            ("status", {"execution_state": "busy"}),
            ("stream", {"name": "stdout", "text": "execute_reply execute_input"}),
            ("display_data", {"data": {"text/plain": "1"}, "metadata": {}}),
            ("status", {"execution_state": "idle"}),
        ]:
            observer.observe_kernel("k", kernel("iopub", kind, content, request))
        # Then the client's message was not even queued, the kernel's were...
        assert observer.queued == 4
        # ... and a flush records nothing for them: no request, no history
        observer.flush()
        assert store.kernel_ids() == []
        # When a whole execution passes
        run_cell(observer, "x = 1", 1)
        # Then it waits, unrecorded, for the timer (request and 4 messages)...
        assert observer.queued == 5
        # ... and a reader sees it at once, finished
        [record] = store.records("k")
        assert observer.queued == 0
        assert (record.code, record.cell_id, record.status.value) == (
            "x = 1",
            "c1",
            "ok",
        )
        assert record.execution_count == 1

    asyncio.run(scenario())


def test_the_timer_flushes_without_a_reader_and_keeps_the_times_seen():
    async def scenario():
        store = HistoryStore()
        observer = ExecutionObserver(store)
        observer.delay = 0.05
        before = time.time()
        run_cell(observer, "y = 2", 1)
        after = time.time()
        await asyncio.sleep(0.2)
        assert observer.queued == 0  # recorded by the timer, nobody asked
        [record] = store.records("k")
        # the times are those the messages passed, not when they were recorded
        assert before <= record.started <= after
        assert record.finished is not None
        assert before <= record.finished <= after

    asyncio.run(scenario())


def test_a_long_queue_is_flushed_at_once():
    async def scenario():
        observer = ExecutionObserver(HistoryStore())
        observer.max_queued = 6
        run_cell(observer, "a = 1", 1)
        assert observer.queued == 5
        run_cell(observer, "b = 2", 2)  # the 6th message flushes
        assert observer.queued == 4

    asyncio.run(scenario())


def test_the_header_alone_decides_and_big_cells_are_read():
    # Given a completion request whose code names execute_request, and a real
    # execute_request carrying a 2 MB cell
    store = HistoryStore()
    observer = ExecutionObserver(store)
    _, complete = v1_request("execute_request" * 10, msg_type="complete_request")
    big = "x = 1\n" * 350_000
    request, raw = v1_request(big, cell_id="big")

    async def scenario():
        observer.observe_client("k", complete, 1)
        assert observer.queued == 0
        observer.observe_client("k", raw, 1)
        observer.observe_kernel(
            "k",
            kernel(
                "iopub", "execute_input", {"code": big, "execution_count": 7}, request
            ),
        )
        [record] = store.records("k")
        assert (record.cell_id, record.code == big, record.execution_count) == (
            "big",
            True,
            7,
        )

    asyncio.run(scenario())


def test_ids_with_escapes_are_decoded():
    store = HistoryStore()
    observer = ExecutionObserver(store)
    request = SESSION.msg("execute_request", content={"code": "z = 3"})
    request["header"]["msg_id"] = 'odd"id\\'
    parts = [
        SESSION.pack(request[k])
        for k in ("header", "parent_header", "metadata", "content")
    ]
    observer.client_message("k", serialize_msg_to_ws_v1(parts, "shell"), 1)
    reply = kernel("shell", "execute_reply", {"status": "error"}, request)
    observer.kernel_message("k", reply)
    [record] = store.records("k")
    assert (record.msg_id, record.status.value) == ('odd"id\\', "error")


def test_a_closed_tab_is_recorded_at_once_and_its_request_finished_from_iopub():
    async def scenario():
        store = HistoryStore()
        observer = ExecutionObserver(store)
        # Given a request still queued, and its execute_input
        request, raw = v1_request("import time")
        observer.observe_client("k", raw, 1)
        content = {"code": "import time", "execution_count": 4}
        observer.observe_kernel("k", kernel("iopub", "execute_input", content, request))
        # When its connection closes
        observer.observe_close("k", 1)
        # Then the close is recorded after the request, with nothing left queued
        assert observer.queued == 0
        assert store.has_orphans("k")
        # And the kernel's idle for it is now worth queueing: it finishes it
        idle = kernel("iopub", "status", {"execution_state": "idle"}, request)
        observer.observe_kernel("k", idle)
        assert observer.queued == 1
        [record] = store.records("k")
        assert (record.status.value, record.execution_count) == ("ok", 4)
        assert not store.has_orphans("k")

    asyncio.run(scenario())


def test_a_restart_catches_up_with_the_old_epoch_first():
    async def scenario():
        store = HistoryStore()
        observer = ExecutionObserver(store)
        run_cell(observer, "old = 1", 1)
        # When the kernel restarts with the old execution still queued
        store.restart("k")
        # Then the old epoch had it, and the new one starts empty
        assert store.kernel("k").epoch == 1
        assert store.records("k") == []
        run_cell(observer, "new = 1", 1)
        assert [r.code for r in store.records("k")] == ["new = 1"]

    asyncio.run(scenario())


def test_a_gateway_kernel_speaks_json_text():
    store = HistoryStore()
    observer = ExecutionObserver(store)
    request = SESSION.msg("execute_request", content={"code": "g = 1"})
    text = json.dumps({**request, "channel": "shell"}, default=str)
    observer.observe_client("k", text, 1)
    reply = SESSION.msg(
        "execute_reply", content={"status": "ok", "execution_count": 9}, parent=request
    )
    observer.observe_kernel(
        "k", (json.dumps({**reply, "channel": "shell"}, default=str),)
    )
    observer.flush()  # no event loop here: recorded at once anyway
    [record] = store.records("k")
    assert (record.code, record.status.value, record.execution_count) == (
        "g = 1",
        "ok",
        9,
    )


def test_garbage_is_passed_over_without_raising():
    observer = ExecutionObserver(HistoryStore())
    for message in (b"", b"\x01" * 7, b"\xff" * 64, "not json execute_request"):
        observer.observe_client("k", message, 1)
    for args in (
        ("iopub", []),
        ("shell", [b"x"]),
        ("shell", [b"<IDS|MSG>", b"sig", b"execute_reply"]),
        ("iopub", [b"t", b"<IDS|MSG>", b"s", b"{execute_input", b"", b"", b"\xff"]),
        (b"\xffexecute_reply",),
        (),
    ):
        observer.observe_kernel("k", args)
    observer.flush()
    assert observer.store.records("k") == []


def test_a_reply_in_the_same_batch_stands_for_its_execute_input():
    # Given two executions in one batch: the first replies with its count,
    # the second's reply brings none (as a kernel may), and a third request
    # is still running (its execute_input came, its reply did not)
    store = HistoryStore()
    observer = ExecutionObserver(store)

    async def scenario():
        first = run_cell(observer, "a = 1", 1)
        second, raw = v1_request("b = 2", cell_id="c2")
        observer.observe_client("k", raw, 1)
        for channel, kind, content in [
            ("iopub", "execute_input", {"code": "b = 2", "execution_count": 2}),
            ("shell", "execute_reply", {"status": "ok"}),
        ]:
            observer.observe_kernel("k", kernel(channel, kind, content, second))
        third, raw = v1_request("c = 3", cell_id="c3")
        observer.observe_client("k", raw, 1)
        content = {"code": "c = 3", "execution_count": 3}
        observer.observe_kernel("k", kernel("iopub", "execute_input", content, third))
        # When a reader catches up
        records = store.records("k")
        # Then every count is right: from the reply, from the input the
        # reply could not stand for, and from the input of the running one
        assert [(r.msg_id, r.execution_count, r.status.value) for r in records] == [
            (first["header"]["msg_id"], 1, "ok"),
            (second["header"]["msg_id"], 2, "ok"),
            (third["header"]["msg_id"], 3, "running"),
        ]

    asyncio.run(scenario())
