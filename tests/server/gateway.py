"""Run a real Jupyter Kernel Gateway (``jupyter-kernel-gateway``) for tests.

The gateway is a separate process on 127.0.0.1 with a free port and a token;
:func:`kernel_gateway` waits until its REST API answers and always stops it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Gateway:
    url: str
    token: str
    log: Path

    def api(self, *parts: str) -> object:
        """GET ``/api/<parts>`` on the gateway itself and decode the JSON."""
        request = urllib.request.Request(
            "/".join([self.url, "api", *parts]),
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(15)


@contextmanager
def kernel_gateway(workdir: Path) -> Iterator[Gateway]:
    """Start ``jupyter kernelgateway`` in ``workdir``; yield it; stop it."""
    port = free_port()
    token = secrets.token_hex(16)
    log = workdir / "kernelgateway.log"
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "kernel_gateway",
        "--KernelGatewayApp.ip=127.0.0.1",
        f"--KernelGatewayApp.port={port}",
        "--KernelGatewayApp.port_retries=0",
        f"--KernelGatewayApp.auth_token={token}",
        "--KernelGatewayApp.answer_yes=True",
        "--KernelGatewayApp.default_kernel_name=python3",
        "--JupyterWebsocketPersonality.list_kernels=True",
        # notice dead kernels within half a second (the default is 3 s)
        "--KernelRestarter.time_to_dead=0.5",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    gateway = Gateway(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"kernel gateway exited with {process.returncode}:\n"
                    + log.read_text(errors="replace")
                )
            try:
                gateway.api()
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        "kernel gateway did not answer in time:\n"
                        + log.read_text(errors="replace")
                    ) from None
                time.sleep(0.2)
        yield gateway
    finally:
        _stop(process)
