"""The OpenAPI document is valid, and schemathesis finds no 5xx and no schema violation."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openapi_spec_validator import validate

ROOT = Path(__file__).parents[2]


async def test_openapi_document_is_valid_and_covers_every_route(nbguard):
    document = await nbguard("openapi.json")
    validate(document)
    assert set(document["paths"]) == {
        "/jupyterlab-nbguard/version",
        "/jupyterlab-nbguard/rules",
        "/jupyterlab-nbguard/check",
        "/jupyterlab-nbguard/kernels/{kernel_id}/history",
        "/jupyterlab-nbguard/kernels/{kernel_id}/namespace",
        "/jupyterlab-nbguard/verify/compare",
        "/jupyterlab-nbguard/openapi.json",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(url: str, token: str, method: str = "GET", body: bytes | None = None):
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def live_server(tmp_path: Path):
    """A real Jupyter Server with nbguard, in its own process (schemathesis is
    synchronous and would block pytest-jupyter's event loop)."""
    port, token = _free_port(), "schemathesis-token"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter_server",
            f"--ServerApp.port={port}", f"--ServerApp.token={token}",
            "--ServerApp.open_browser=False", "--ServerApp.allow_root=True",
            f"--ServerApp.root_dir={tmp_path}",
            "--ServerApp.jpserver_extensions={'jupyterlab_nbguard': True}",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _request(f"{base}/jupyterlab-nbguard/version", token)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def with_links(document: dict) -> dict:
    """``document`` with OpenAPI links between its operations, for stateful runs.

    The kernel id a history names feeds a check, the namespace, a verification
    and forgetting the history; those lead back to the history, so schemathesis
    runs sequences on one real kernel (its phase ``stateful`` follows links only).
    """
    document = json.loads(json.dumps(document))
    paths = document["paths"]
    prefix = "/jupyterlab-nbguard"
    history = paths[f"{prefix}/kernels/{{kernel_id}}/history"]
    named = "$response.body#/kernel_id"

    def links(response: dict, **targets: dict) -> None:
        response["links"] = {
            name: {"operationId": target.pop("op"), **target}
            for name, target in targets.items()
        }

    links(
        history["get"]["responses"]["200"],
        CheckAgainstIt={
            "op": "check",
            "requestBody": {"cells": [], "kernel_id": named},
        },
        ReadTheNamespace={"op": "namespace", "parameters": {"kernel_id": named}},
        ForgetIt={"op": "forgetHistory", "parameters": {"kernel_id": named}},
        RecordAVerification={
            "op": "verifyCompare",
            "requestBody": {"cells": [], "kernel_id": named},
        },
    )
    links(
        history["delete"]["responses"]["204"],
        HistoryAfterwards={
            "op": "history",
            "parameters": {"kernel_id": "$request.path.kernel_id"},
        },
    )
    links(
        paths[f"{prefix}/kernels/{{kernel_id}}/namespace"]["get"]["responses"]["200"],
        CheckWithTheNames={
            "op": "check",
            "requestBody": {"cells": [], "kernel_id": "$request.path.kernel_id"},
        },
    )
    links(
        paths[f"{prefix}/verify/compare"]["post"]["responses"]["200"],
        HistoryAfterwards={
            "op": "history",
            "parameters": {"kernel_id": "$request.body#/kernel_id"},
        },
    )
    return document


def test_schemathesis_finds_no_server_error_nor_schema_violation(live_server, tmp_path):
    # Given a live server with a real kernel, whose id schemathesis may use, and
    # its OpenAPI document with links between operations
    base, token = live_server
    kernel = _request(f"{base}/api/kernels", token, "POST", b"{}")
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\nkernel_id = "{kernel["id"]}"\n')
    document = _request(f"{base}/jupyterlab-nbguard/openapi.json", token)
    methods = {"get", "put", "post", "delete", "patch"}
    operations = sum(len(methods & set(item)) for item in document["paths"].values())
    linked = tmp_path / "openapi.json"
    linked.write_text(json.dumps(with_links(document)))
    # When schemathesis fuzzes every operation, then runs linked sequences
    result = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(config),
            "run", str(linked), "--url", base,
            "-H", f"Authorization: token {token}",
            "--checks", "not_a_server_error,response_schema_conformance,"
            "status_code_conformance,content_type_conformance",
            "--max-examples", "40", "--seed", "7",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    # Then every operation was tested, sequences ran, and it finds nothing
    output = result.stdout
    assert result.returncode == 0, output[-3000:] + result.stderr[-2000:]
    assert f"Selected: {operations}/{operations}" in output, output[-2000:]
    assert f"Tested: {operations}" in output, output[-2000:]
    assert "✅ Stateful" in output, output[-2000:]
    covered = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", output)
    assert covered is not None, output[-2000:]
    # (which links a run can follow depends on what the fuzzed requests got)
    assert int(covered.group(2)) == 7, covered.group(0)
    assert int(covered.group(1)) >= 4, covered.group(0)
    assert "No issues found" in output
