"""The OpenAPI document is valid, and schemathesis finds no 5xx and no schema violation."""

from __future__ import annotations

import json
import os
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


def test_schemathesis_finds_no_server_error_nor_schema_violation(live_server, tmp_path):
    # Given a live server with a real kernel, whose id schemathesis may use
    base, token = live_server
    kernel = _request(f"{base}/api/kernels", token, "POST", b"{}")
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\nkernel_id = "{kernel["id"]}"\n')
    # When schemathesis fuzzes every operation of the OpenAPI document
    result = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(config),
            "run", f"{base}/jupyterlab-nbguard/openapi.json",
            "-H", f"Authorization: token {token}",
            "--checks", "not_a_server_error,response_schema_conformance,"
            "status_code_conformance,content_type_conformance",
            "--max-examples", "40", "--seed", "7",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    # Then it finds nothing
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
