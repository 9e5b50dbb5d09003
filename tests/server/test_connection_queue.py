"""What the observing connection queues for the observer, with a real kernel.

The connection searches each forwarded kernel message's header once, while
its bytes are in the cache, and queues only what the flush may read: the
request, ``execute_input``, ``execute_reply`` (and ``execute_result``, which
shares the prefix). Outputs and status changes are left alone, unless the
kernel has a request whose tab closed: then its status messages finish it.
"""

from __future__ import annotations

import json

from .kernel_client import V1, KernelWebsocket
from .scenarios import nbguard_app


def queued_types(observer) -> list[str]:
    """The message types waiting in the observer's queue, in order."""
    types = []
    for entry in observer.pending:
        if len(entry) == 4:
            types.append("request")
        else:
            frames = entry[1]
            start = frames.index(b"<IDS|MSG>")
            types.append(json.loads(frames[start + 2])["msg_type"])
    return types


async def test_only_what_the_flush_reads_is_queued(
    jp_ws_fetch, jp_serverapp, start_kernel, nbguard
):
    # Given an observer whose timer never fires during the test
    observer = nbguard_app(jp_serverapp).observer
    observer.delay = 600.0
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    observer.flush()

    # When a cell that prints and returns a value runs to its idle
    msg_id = ws.request("print('hi')\n6 * 7", "c1")
    await ws.read_until(
        lambda _: ws.saw(msg_id, "iopub", "status", execution_state="idle")
    )
    await ws.wait_replies(msg_id)
    assert ws.saw(msg_id, "iopub", "stream", text="hi\n")  # forwarded, all of it

    # Then the queue holds the request and the three execute_ messages only
    assert sorted(queued_types(observer)) == sorted(
        ["request", "execute_input", "execute_result", "execute_reply"]
    )
    # And a read records the whole execution from them
    history = await nbguard("kernels", kernel_id, "history")
    [entry] = history["executions"]
    assert (entry["cell_id"], entry["status"], entry["execution_count"]) == (
        "c1",
        "ok",
        1,
    )
    assert observer.queued == 0
    ws.close()


async def test_status_is_queued_while_a_request_is_orphaned(
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

    # Then the kernel's idle was queued (it finishes the orphan), and the
    # history says so
    assert "status" in queued_types(observer)
    history = await nbguard("kernels", kernel_id, "history")
    [entry] = history["executions"]
    assert (entry["cell_id"], entry["status"]) == ("slow", "ok")
    staying.close()
