"""Authorization matches side effects: a user with only ``read`` never makes code run.

A custom Jupyter Server ``Authorizer`` grants a request only ``read`` when it
carries the header ``X-Test-Role: reader``, and everything otherwise (so a test
can start kernels and run cells as their owner). It records every question it is
asked, so each route's required action is checked as the server asks it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from .conftest import eventually, validate
from .kernel_client import V1, KernelWebsocket

READER = {"X-Test-Role": "reader"}
#: (method, route, action, resource, role) of every question about an nbguard route
ASKED: list[tuple[str, str, str, str, str]] = []


class RoleAuthorizer(Authorizer):
    """Read-only for requests marked as a reader's; records every decision."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str):
        role = handler.request.headers.get("X-Test-Role", "owner")
        path = handler.request.path
        if "/jupyterlab-nbguard/" in path:
            route = path.split("/jupyterlab-nbguard/", 1)[1]
            ASKED.append((handler.request.method, route, action, resource, role))
        return role != "reader" or action == "read"


@pytest.fixture
def jp_server_config(jp_server_config):
    server = dict(jp_server_config["ServerApp"])
    server["authorizer_class"] = RoleAuthorizer
    return {"ServerApp": server}


@pytest.fixture
def asked():
    ASKED.clear()
    yield ASKED
    ASKED.clear()


@pytest.fixture
def session_of(jp_serverapp):
    app = next(
        iter(jp_serverapp.extension_manager.extension_apps["jupyterlab_nbguard"])
    )
    return app.sessions.get


async def call(jp_fetch, *parts, method="GET", body=None, headers=None):
    raw = None if body is None else json.dumps(body)
    # (a copy: jp_fetch adds its token to the dict it is given)
    response = await jp_fetch(
        "jupyterlab-nbguard",
        *parts,
        method=method,
        body=raw,
        headers=dict(headers or {}),
    )
    return response.code, (json.loads(response.body) if response.body else None)


async def status_of(jp_fetch, *parts, **kwargs) -> int:
    try:
        code, _ = await call(jp_fetch, *parts, **kwargs)
    except HTTPClientError as error:
        return error.code
    return code


async def kernel_with_an_orphan(
    jp_fetch, start_kernel, jp_ws_fetch
) -> tuple[str, list]:
    """A kernel where a since-deleted cell bound ``gone`` and a kept cell reads it.

    Returned once the kernel is idle again: the probe is not sent to a busy one.
    """
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("gone = bytes(1000)", "deleted")
    await ws.run("print(len(gone))", "uses")
    ws.close()

    async def idle() -> bool:
        response = await jp_fetch("api", "kernels", kernel_id)
        return json.loads(response.body)["execution_state"] == "idle"

    assert await eventually(idle)
    cells = [{"id": "uses", "cell_type": "code", "source": "print(len(gone))"}]
    return kernel_id, cells


def compare_body(kernel_id: str | None) -> dict[str, Any]:
    return {
        "kernel_id": kernel_id,
        "cells": [
            {
                "id": "a",
                "source": "print(1)",
                "tags": [],
                "before": {"execution_count": 1, "outputs": []},
                "after": {"ran": True, "outputs": []},
            }
        ],
    }


async def test_a_reader_check_never_probes_the_kernel(
    jp_fetch, jp_ws_fetch, start_kernel, session_of, asked
):
    # Given a kernel whose history has an orphan (a deleted cell's name, still read)
    kernel_id, cells = await kernel_with_an_orphan(jp_fetch, start_kernel, jp_ws_fetch)
    body = {"cells": cells, "kernel_id": kernel_id}
    # When a user who may only read checks the notebook
    code, result = await call(
        jp_fetch, "check", method="POST", body=body, headers=READER
    )
    # Then the check answers from the history alone: no probe reached the kernel
    assert code == 200
    validate(result, "CheckResponse")
    assert session_of(kernel_id).live_names is None
    orphans = [d for d in result["diagnostics"] if d["code"] == "NBG203"]
    assert any("gone" in d["names"] for d in orphans), result
    # And the server asked whether the user may execute, and was told no
    assert ("POST", "check", "execute", "kernels", "reader") in asked


async def test_an_owner_check_probes_the_kernel(
    jp_fetch, jp_ws_fetch, start_kernel, session_of
):
    # Given the same kernel with an orphan
    kernel_id, cells = await kernel_with_an_orphan(jp_fetch, start_kernel, jp_ws_fetch)
    # When its owner (who may execute) checks the notebook
    code, result = await call(
        jp_fetch, "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    # Then the live namespace was read, and the orphan is weighed with its size
    assert code == 200
    live = session_of(kernel_id).live_names
    assert live is not None
    assert "gone" in {name.name for name in live[1]}
    top = next(
        d for d in result["diagnostics"] if d["code"] == "NBG203" and not d["cell_id"]
    )
    assert "gone (bytes" in top["message"], top


async def test_a_reader_may_read_but_not_run_code_nor_change_state(
    jp_fetch, jp_ws_fetch, start_kernel, session_of
):
    # Given a kernel that ran a cell
    kernel_id, _cells = await kernel_with_an_orphan(jp_fetch, start_kernel, jp_ws_fetch)
    # Then a reader gets every read-only route
    assert await status_of(jp_fetch, "version", headers=READER) == 200
    assert await status_of(jp_fetch, "rules", headers=READER) == 200
    assert await status_of(jp_fetch, "openapi.json", headers=READER) == 200
    assert (
        await status_of(jp_fetch, "kernels", kernel_id, "history", headers=READER)
        == 200
    )
    assert (
        await status_of(
            jp_fetch,
            "verify",
            "compare",
            method="POST",
            body=compare_body(None),
            headers=READER,
        )
        == 200
    )
    # And is refused what runs code in the kernel or changes what nbguard holds
    assert (
        await status_of(jp_fetch, "kernels", kernel_id, "namespace", headers=READER)
        == 403
    )
    assert (
        await status_of(
            jp_fetch,
            "verify",
            "compare",
            method="POST",
            body=compare_body(kernel_id),
            headers=READER,
        )
        == 403
    )
    assert (
        await status_of(
            jp_fetch, "kernels", kernel_id, "history", method="DELETE", headers=READER
        )
        == 403
    )
    # And nothing was read from the kernel nor recorded for it meanwhile
    session = session_of(kernel_id)
    assert session.live_names is None
    assert session.verify is None
    _, history = await call(jp_fetch, "kernels", kernel_id, "history")
    assert [e["cell_id"] for e in history["executions"]] == ["deleted", "uses"]


async def test_every_route_asks_for_its_action(
    jp_fetch, jp_ws_fetch, start_kernel, asked
):
    # Given a kernel with an orphan, so that a check wants the live names
    kernel_id, cells = await kernel_with_an_orphan(jp_fetch, start_kernel, jp_ws_fetch)
    routes = [
        (("version",), "GET", None),
        (("rules",), "GET", None),
        (("openapi.json",), "GET", None),
        (("check",), "POST", {"cells": cells, "kernel_id": None}),
        (("check",), "POST", {"cells": cells, "kernel_id": kernel_id}),
        (("kernels", kernel_id, "history"), "GET", None),
        (("kernels", kernel_id, "namespace"), "GET", None),
        (("verify", "compare"), "POST", compare_body(None)),
        (("verify", "compare"), "POST", compare_body(kernel_id)),
        (("kernels", kernel_id, "history"), "DELETE", None),
    ]
    # When the owner calls each route once
    seen = []
    for parts, method, body in routes:
        asked.clear()
        assert await status_of(jp_fetch, *parts, method=method, body=body) in (200, 204)
        seen.append(sorted({action for _m, _r, action, _res, _who in asked}))
        assert {resource for _m, _r, _a, resource, _who in asked} == {"kernels"}
    # Then each asked for exactly the actions the contract names, on kernels
    assert seen == [
        ["read"],  # version
        ["read"],  # rules
        ["read"],  # openapi.json
        ["read"],  # check without a kernel: no probe to authorise
        ["execute", "read"],  # check with a kernel: the probe needs execute
        ["read"],  # history
        ["execute"],  # namespace runs a silent request in the kernel
        ["read"],  # verify/compare, compare only
        ["execute", "read"],  # verify/compare recording for the kernel
        ["write"],  # forgetting the history changes server state
    ]
