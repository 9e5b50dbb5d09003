"""What the observing connection queues for the observer, with a real kernel.

The connection forwards each message first, then appends it to the
observer's queue unread (code that runs right after the server woke up is
slow however little it does, so all reading waits for the batched flush),
all but the iopub outputs and status changes that ipykernel's topics name
while no request lost its connection. Nothing is recorded until a flush: on
the event loop's turn after a kernel's reply, by the timer, or at once for
a read.
"""

from __future__ import annotations

import asyncio
import json

from .kernel_client import V1, KernelWebsocket
from .scenarios import nbguard_app


def queued_types(observer, msg_id: str) -> list[str]:
    """The types of the queued messages of request ``msg_id``, in order."""
    types = []
    for entry in observer.pending:
        if len(entry) == 4:  # a client's message: v1 bytes
            at = [int.from_bytes(entry[1][8 * i : 8 * i + 8], "little") for i in (2, 3)]
            header = json.loads(entry[1][at[0] : at[1]])
            if header["msg_id"] == msg_id:
                types.append("client " + header["msg_type"])
        else:
            frames = entry[1]
            start = frames.index(b"<IDS|MSG>")
            if json.loads(frames[start + 3]).get("msg_id") == msg_id:
                types.append(json.loads(frames[start + 2])["msg_type"])
    return types


async def recorded_by_timer(app, kernel_id: str, seconds: float = 4.0) -> list:
    """The records of ``kernel_id`` once the timer emptied the queue, not reading."""
    for _ in range(int(seconds / 0.05)):
        if app.observer.queued == 0:
            break
        await asyncio.sleep(0.05)
    history = app.store.peek(kernel_id)  # peek: as recorded, no catching up
    assert history is not None, "the timer recorded nothing"
    return list(history.records)


async def test_an_execution_is_queued_unread_and_recorded_after_its_reply(
    jp_ws_fetch, jp_serverapp, start_kernel
):
    # Given an observer whose timer never fires during the test, and what
    # its flushes find queued
    app = nbguard_app(jp_serverapp)
    observer = app.observer
    observer.delay = 600.0
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    observer.flush()
    found: list[str] = []
    flush = observer.flush

    def flush_and_note() -> None:
        found.extend(queued_types(observer, msg_id))
        flush()

    observer.flush = flush_and_note

    # When a cell that prints and returns a value runs to its idle
    msg_id = ws.request("print('hi')\n6 * 7", "c1")
    await ws.read_until(
        lambda _: ws.saw(msg_id, "iopub", "status", execution_state="idle")
    )
    await ws.wait_replies(msg_id)
    assert ws.saw(msg_id, "iopub", "stream", text="hi\n")  # forwarded, all of it

    # Then the flush after the reply found the request and the reply only:
    # the outputs and status changes (known by ipykernel's topics) were never
    # queued, and the execute_input was kept aside (its reply brings the
    # same count)
    assert found == ["client execute_request", "execute_reply"]
    # And it recorded the whole execution, without a reader, and armed no
    # timer (nobody listens)
    history = app.store.peek(kernel_id)  # peek: as recorded, no catching up
    assert history is not None
    [record] = history.records
    assert (record.cell_id, record.status.value, record.execution_count) == (
        "c1",
        "ok",
        1,
    )
    assert observer.queued == 0 and not observer.armed
    # And the input kept aside was let go by that flush, unless it came after
    # the reply (iopub and shell are separate sockets): then it waits alone
    late = observer.last_input.get(kernel_id)
    if late is not None:
        parent = json.loads(late[late.index(b"<IDS|MSG>") + 3])
        assert parent["msg_id"] == msg_id
    ws.close()


async def test_a_tab_closed_mid_run_is_finished_from_the_queued_idle(
    jp_ws_fetch, jp_serverapp, start_kernel, nbguard
):
    # Given a tab running a cell that takes a moment, and a second tab
    observer = nbguard_app(jp_serverapp).observer
    observer.delay = 600.0
    kernel_id = await start_kernel()
    closing = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    staying = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    msg_id = closing.request("import time; time.sleep(1)", "slow")
    await closing.read_until(lambda _: closing.saw(msg_id, "iopub", "execute_input"))

    # When the first tab closes before the reply
    closing.close()
    await staying.read_until(
        lambda _: staying.saw(msg_id, "iopub", "status", execution_state="idle")
    )

    # Then the kernel's idle is queued after the close, and the flush finishes
    # the orphaned request from it
    assert "status" in queued_types(observer, msg_id)
    history = await nbguard("kernels", kernel_id, "history")
    [entry] = history["executions"]
    assert (entry["cell_id"], entry["status"]) == ("slow", "ok")
    staying.close()


async def test_a_reply_after_the_timer_fired_is_recorded_without_a_reader(
    jp_ws_fetch, jp_serverapp, start_kernel
):
    # Given a browser listening for events (as a JupyterLab page does), and an
    # observer flushing 0.2 s after the first message it queues
    async def listen(logger, schema_id, data):
        heard.append(data)

    heard: list[dict] = []
    jp_serverapp.event_logger.add_listener(listener=listen)
    app = nbguard_app(jp_serverapp)
    observer = app.observer
    observer.delay = 0.2
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    # When a cell runs longer than that (its request's timer fires mid-run)
    msg_id = ws.request("import time; time.sleep(0.6)", "slow")
    await ws.wait_replies(msg_id)
    await ws.read_until(
        lambda _: ws.saw(msg_id, "iopub", "status", execution_state="idle")
    )
    # Then the reply is recorded by the timer it armed, with nobody reading,
    # and the browser hears of it
    [record] = await recorded_by_timer(app, kernel_id)
    assert (record.cell_id, record.status.value) == ("slow", "ok")
    for _ in range(20):
        if heard:
            break
        await asyncio.sleep(0.05)
    assert heard[-1]["kernel_id"] == kernel_id
    ws.close()
    jp_serverapp.event_logger.remove_listener(listener=listen)


async def test_while_nobody_listens_no_timer_is_armed_and_a_reader_catches_up(
    jp_ws_fetch, jp_serverapp, start_kernel, nbguard
):
    # Given no browser listening for events, and an observer whose timer
    # would flush 0.1 s after a message for a listener
    app = nbguard_app(jp_serverapp)
    observer = app.observer
    observer.delay = 0.1
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    # When a cell starts running (a reply would be recorded at once), and
    # half a second passes
    msg_id = ws.request("import time; time.sleep(3)", "quiet")
    await ws.read_until(lambda _: ws.saw(msg_id, "iopub", "execute_input"))
    await asyncio.sleep(0.5)
    # Then nothing is recorded and no timer will wake the server for it
    assert app.store.peek(kernel_id) is None
    assert observer.queued == 1 and kernel_id in observer.last_input
    assert not observer.armed
    # And a reader catches up: the cell is running, with its count
    history = await nbguard("kernels", kernel_id, "history")
    [entry] = history["executions"]
    assert (entry["cell_id"], entry["status"]) == ("quiet", "running")
    assert entry["execution_count"] is not None
    ws.close()
