"""The live namespace probe reads names without disturbing the user's kernel."""

from __future__ import annotations

import time

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import validate
from .kernel_client import V1, KernelWebsocket


async def test_namespace_lists_names_with_types_and_sizes_and_leaves_no_trace(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given a kernel where the user ran two cells
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("data = list(range(1000))\nlabel = 'x'", "a")
    await ws.run("import sys\nsize = 1", "b")

    # When the namespace is read (twice)
    first = await nbguard("kernels", kernel_id, "namespace")
    second = await nbguard("kernels", kernel_id, "namespace")

    # Then it lists the user's names with type and size, and no IPython internals
    validate(first, "NamespaceResponse")
    names = {n["name"]: n for n in first["names"]}
    assert set(names) == {"data", "label", "sys", "size"}
    assert names["data"]["type"] == "list"
    assert names["data"]["size_bytes"] > 8000
    assert names["sys"]["type"] == "module"
    assert second == first

    # And the user's kernel is untouched: the next count is 3, In has two
    # entries beyond the empty first, nothing new was bound
    reply = await ws.run(
        "print(len(In), sorted(k for k in dir() if not k.startswith('_')))", cell_id="c"
    )
    assert reply["execution_count"] == 3
    history = await nbguard("kernels", kernel_id, "history")
    assert [e["execution_count"] for e in history["executions"]] == [1, 2, 3]
    check = await ws.run(
        "assert len(In) == 5, In\nassert 'probe' not in dir()", cell_id="d"
    )
    assert check["status"] == "ok", check
    ws.close()


async def test_deleted_but_live_reports_only_live_names_with_their_size(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given names defined by a cell that is no longer in the notebook,
    # one of them deleted again from a console
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("big = bytes(50000)\ngone = 1", "deleted")
    await ws.run("del gone")
    cells = [{"id": "uses", "cell_type": "code", "source": "print(len(big))"}]
    await ws.run(cells[0]["source"], "uses")
    ws.close()

    # When the notebook is checked
    result = await nbguard(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )

    # Then the notebook-level finding names the live orphan with type and size
    orphans = [d for d in result["diagnostics"] if d["code"] == "NBG203"]
    top = next(d for d in orphans if d["cell_id"] is None)
    assert top["names"] == ["big"]
    assert "big (bytes, 48.9 KB)" in top["message"]
    assert any(d["cell_id"] == "uses" for d in orphans)


async def test_a_silent_del_read_back_through_namespace_reaches_the_next_check(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given an orphan reported by a check (its namespace read and remembered)
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("blob = 'x' * 1000", "deleted")
    cells = [{"id": "other", "cell_type": "code", "source": "y = 1"}]
    await ws.run("y = 1", "other")
    body = {"cells": cells, "kernel_id": kernel_id}

    def orphans(result):
        top = [d for d in result["diagnostics"] if d["code"] == "NBG203"]
        return [name for d in top if d["cell_id"] is None for name in d["names"]]

    assert orphans(await nbguard("check", method="POST", body=body)) == ["blob"]
    # When the name is deleted by a silent request (as *Delete from kernel*
    # does: no history entry) and the namespace is read again
    reply = await ws.run("del blob", silent=True)
    assert reply["status"] == "ok"
    names = await nbguard("kernels", kernel_id, "namespace")
    assert "blob" not in {n["name"] for n in names["names"]}
    # Then the next check no longer reports it
    assert orphans(await nbguard("check", method="POST", body=body)) == []
    ws.close()


async def test_namespace_of_unknown_kernel_is_404(jp_fetch):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("jupyterlab-nbguard", "kernels", "nope", "namespace")
    assert caught.value.code == 404


async def test_a_kernel_running_a_long_cell_is_reported_busy_at_once(
    jp_fetch, jp_ws_fetch, start_kernel
):
    # Given a kernel busy with a cell that sleeps for 4 s
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    msg_id = ws.request("import time\ntime.sleep(4)", "slow")
    await ws.read_until(
        lambda _: ws.saw(msg_id, "iopub", "status", execution_state="busy")
    )

    # When the namespace is asked for
    started = time.monotonic()
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("jupyterlab-nbguard", "kernels", kernel_id, "namespace")

    # Then the answer is 409 "busy" after the short grace, not after the cell
    assert caught.value.code == 409
    assert b"busy" in caught.value.response.body
    assert time.monotonic() - started < 2.5
    await ws.wait_replies(msg_id)
    ws.close()


async def test_the_namespace_can_be_read_right_after_a_check_probed_it(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given a kernel left with an orphan (bound by a cell no longer in the notebook)
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("orphan = 1", "gone")
    cells = [{"id": "kept", "cell_type": "code", "source": "print(orphan)"}]

    for _ in range(5):
        # When a check probes the live names and the namespace is read at once
        await nbguard(
            "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
        )
        listed = await nbguard("kernels", kernel_id, "namespace")
        # Then the probe's own busy moment never makes the read fail
        assert "orphan" in {n["name"] for n in listed["names"]}
    ws.close()
