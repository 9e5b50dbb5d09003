"""Under a JupyterHub-style base URL every route and the kernel websocket work.

JupyterHub serves each user's server under ``/user/<name>/``
(``--ServerApp.base_url=/user/alice/``): the REST routes must live under it, not
at the root, and executions arriving on the kernel websocket under it must be
recorded like any other.
"""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import eventually, validate
from .kernel_client import V1, KernelWebsocket

BASE = "/user/alice/"


@pytest.fixture
def jp_base_url():
    return BASE


async def test_the_server_runs_under_the_base_url(jp_serverapp):
    assert jp_serverapp.base_url == BASE


@pytest.mark.parametrize("protocol", [None, V1])
async def test_every_route_and_the_websocket_work_under_the_base_url(
    jp_fetch, jp_ws_fetch, start_kernel, nbguard, protocol
):
    # Given a kernel started and run through the websocket under /user/alice/
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, protocol)
    path = ws.ws.request.url.split("//", 1)[1].split("/", 1)[1]
    assert f"/{path}" == f"{BASE}api/kernels/{kernel_id}/channels"
    await ws.run("x = 1", "a")
    await ws.run("y = x + 1", "b")
    await ws.run("x = 5", "a")
    ws.close()
    cells = [
        {"id": "a", "cell_type": "code", "source": "x = 5"},
        {"id": "b", "cell_type": "code", "source": "y = x + 1"},
    ]

    async def history():
        found = await nbguard("kernels", kernel_id, "history")
        return found if len(found["executions"]) == 3 else None

    async def idle() -> bool:  # the namespace probe is not sent to a busy kernel
        response = await jp_fetch("api", "kernels", kernel_id)
        return json.loads(response.body)["execution_state"] == "idle"

    # Then the executions were observed and every route answers
    recorded = await eventually(history)
    assert await eventually(idle)
    validate(recorded, "HistoryResponse")
    assert [e["cell_id"] for e in recorded["executions"]] == ["a", "b", "a"]
    validate(await nbguard("version"), "VersionResponse")
    validate(await nbguard("rules"), "RulesResponse")
    document = await nbguard("openapi.json")
    assert "/jupyterlab-nbguard/check" in document["paths"]
    result = await nbguard(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    assert ("NBG201", "b") in {(d["code"], d["cell_id"]) for d in result["diagnostics"]}
    names = await nbguard("kernels", kernel_id, "namespace")
    validate(names, "NamespaceResponse")
    assert {n["name"] for n in names["names"]} == {"x", "y"}
    compared = await nbguard(
        "verify",
        "compare",
        method="POST",
        body={
            "kernel_id": kernel_id,
            "cells": [
                {
                    "id": "a",
                    "source": "x = 5",
                    "tags": [],
                    "before": {"execution_count": 3, "outputs": []},
                    "after": {"ran": True, "outputs": []},
                }
            ],
        },
    )
    validate(compared, "VerifyCompareResponse")
    assert compared["reproduced"] is True
    assert await nbguard("kernels", kernel_id, "history", method="DELETE") is None
    forgotten = await nbguard("kernels", kernel_id, "history")
    assert forgotten["executions"] == []
    assert forgotten["epoch"] == recorded["epoch"] + 1


async def test_no_route_answers_outside_the_base_url(
    http_server_client, jp_auth_header
):
    # Given the server under /user/alice/, then the root has no nbguard routes
    for path in ("version", "rules", "openapi.json"):
        with pytest.raises(HTTPClientError) as caught:
            await http_server_client.fetch(
                f"/jupyterlab-nbguard/{path}", headers=jp_auth_header
            )
        assert caught.value.code == 404, path
    # And under it they do
    response = await http_server_client.fetch(
        f"{BASE}jupyterlab-nbguard/version", headers=jp_auth_header
    )
    assert json.loads(response.body)["api"] == 1
