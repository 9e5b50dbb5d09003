"""Remote kernels: Jupyter Server in front of a real Jupyter Kernel Gateway.

With ``GatewayClient.url`` set, the server creates kernels on the gateway and
proxies websockets through ``GatewayWebSocketConnection``; nbguard must wrap
that class and read the same executions as with local kernels.
"""

from __future__ import annotations

import json
import operator

import pytest
from jupyter_server.gateway.gateway_client import GatewayClient
from tornado.httpclient import HTTPClientError

from .conftest import validate
from .gateway import Gateway, kernel_gateway
from .kernel_client import V1, KernelWebsocket
from .scenarios import nbguard_app, poll, run_stale_scenario


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    with kernel_gateway(tmp_path_factory.mktemp("kernelgateway")) as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def _no_gateway_client_after_this_module():
    # GatewayClient is a process-wide singleton that pytest-jupyter never
    # resets: make sure later modules' servers do not inherit this one. (Not
    # per test: pytest-jupyter's own autouse cleanup, which shuts the kernels
    # down through the gateway, runs after any fixture defined here.)
    GatewayClient.clear_instance()
    yield
    GatewayClient.clear_instance()


@pytest.fixture
def jp_server_config(jp_server_config, gateway: Gateway):
    # Each server must build its own GatewayClient from this config, not reuse
    # the previous test's.
    GatewayClient.clear_instance()
    return {
        **jp_server_config,
        "GatewayClient": {
            "url": gateway.url,
            "auth_token": gateway.token,
            "connect_timeout": 30.0,
            "request_timeout": 30.0,
        },
    }


async def open_client(
    jp_ws_fetch, kernel_id: str, protocol: str | None
) -> KernelWebsocket:
    """Connect as JupyterLab does; the gateway proxy always speaks legacy JSON."""
    kwargs = {"subprotocols": [protocol]} if protocol else {}
    ws = await jp_ws_fetch("api", "kernels", kernel_id, "channels", **kwargs)
    assert ws.selected_subprotocol is None
    return KernelWebsocket(ws, None)


async def test_server_proxies_kernels_to_the_gateway(
    jp_serverapp, gateway, start_kernel
):
    # Given a server configured with a gateway url
    connection_class = jp_serverapp.web_app.settings[
        "kernel_websocket_connection_class"
    ]
    # When a kernel is started through the server's REST API
    kernel_id = await start_kernel()
    # Then it lives on the gateway, and nbguard wraps the gateway's connection
    assert kernel_id in {k["id"] for k in gateway.api("kernels")}
    assert connection_class.__name__ == "NbGuardGatewayWebSocketConnection"
    assert [c.__name__ for c in connection_class.__mro__[1:3]] == [
        "GatewayWebSocketConnection",
        "BaseKernelWebsocketConnection",
    ]


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "asks-v1"])
async def test_history_and_stale_cell_through_the_gateway(
    jp_ws_fetch, gateway, start_kernel, nbguard, protocol
):
    # Given a kernel on the gateway driven through the server's websocket
    kernel_id = await start_kernel()
    ws = await open_client(jp_ws_fetch, kernel_id, protocol)
    # When the three cells run in order, the second becoming stale, then the
    # history has all three and check reports the stale cell (see the helper)
    await run_stale_scenario(ws, kernel_id, nbguard)


async def test_errors_consoles_restart_and_shutdown_through_the_gateway(
    jp_fetch, jp_ws_fetch, jp_serverapp, start_kernel, nbguard
):
    # Given a gateway kernel with a notebook tab and a console
    kernel_id = await start_kernel()
    notebook = await open_client(jp_ws_fetch, kernel_id, None)
    console = await open_client(jp_ws_fetch, kernel_id, None)

    # When a cell fails and the console (no cellId) runs code
    assert (await notebook.run("a = 1", "a"))["status"] == "ok"
    failed = await notebook.run("1 / 0", "boom", stop_on_error=False)
    assert failed["status"] == "error"
    assert (await console.run("b = a + 1", trusted=True))["status"] == "ok"

    # Then the history has all three with their statuses and cell ids
    history = await nbguard("kernels", kernel_id, "history")
    validate(history, "HistoryResponse")
    assert [
        (e["cell_id"], e["status"], e["execution_count"]) for e in history["executions"]
    ] == [("a", "ok", 1), ("boom", "error", 2), (None, "ok", 3)]

    # When the kernel is restarted through the server
    await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="{}")
    # Then a new epoch starts, empty (the restart event arrives asynchronously)
    history = await poll(
        lambda: nbguard("kernels", kernel_id, "history"),
        lambda h: h["epoch"] >= 1,
        timeout=10,
    )
    assert (history["epoch"], history["executions"]) == (1, [])
    notebook.close()
    console.close()

    # When it is shut down through the server
    await jp_fetch("api", "kernels", kernel_id, method="DELETE")
    # Then the history is gone
    with pytest.raises(HTTPClientError) as error:
        await nbguard("kernels", kernel_id, "history")
    assert error.value.code == 404
    assert json.loads(error.value.response.body)["message"]
    store = nbguard_app(jp_serverapp).store
    await poll(lambda: kernel_id in store.kernel_ids(), operator.not_, 10)


async def test_interrupt_through_the_gateway(
    jp_fetch, jp_ws_fetch, start_kernel, nbguard
):
    # Given a long-running cell on a gateway kernel with one queued behind it
    kernel_id = await start_kernel()
    ws = await open_client(jp_ws_fetch, kernel_id, None)
    slow = ws.request("import time; time.sleep(30)", "slow")
    queued = ws.request("after = 1", "after")
    await ws.read_until(lambda _: ws.saw(slow, "iopub", "execute_input"))

    # When it is interrupted through the server
    await jp_fetch("api", "kernels", kernel_id, "interrupt", method="POST", body="")
    replies = await ws.wait_replies(slow, queued)

    # Then the history records the interrupted and the aborted execution
    assert [r["status"] for r in replies] == ["error", "aborted"]
    history = await nbguard("kernels", kernel_id, "history")
    assert [(e["cell_id"], e["status"]) for e in history["executions"]] == [
        ("slow", "error"),
        ("after", "aborted"),
    ]
    ws.close()


async def test_gateway_kernel_death_starts_a_new_epoch(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given a gateway kernel with a recorded execution, and two clients on it
    # (each gets its own copy of every status message)
    kernel_id = await start_kernel()
    ws = await open_client(jp_ws_fetch, kernel_id, None)
    console = await open_client(jp_ws_fetch, kernel_id, None)
    assert (await ws.run("x = 1", "x"))["status"] == "ok"

    # When the kernel process dies with a request in flight
    ws.request("import os; os._exit(1)", "die")
    await ws.read_until(
        lambda inbox: any(
            m["header"]["msg_type"] == "status"
            and m["content"].get("execution_state") == "restarting"
            for _c, m in inbox
        ),
        timeout=60,
    )

    # Then the history starts a new, empty epoch
    await console.read_until(
        lambda inbox: any(
            m["content"].get("execution_state") == "restarting" for _c, m in inbox
        ),
        timeout=10,
    )
    history = await poll(
        lambda: nbguard("kernels", kernel_id, "history"),
        lambda h: h["epoch"] >= 1,
        timeout=5,
    )
    assert history["executions"] == []
    ws.close()
    console.close()

    # And executions after the restart are recorded in the new epoch
    ws = await open_client(jp_ws_fetch, kernel_id, None)
    reply = await ws.run("z = 3", "z")
    assert reply["status"] == "ok"
    history = await nbguard("kernels", kernel_id, "history")
    assert [(e["cell_id"], e["status"]) for e in history["executions"]] == [("z", "ok")]
    assert history["epoch"] == 1
    ws.close()
