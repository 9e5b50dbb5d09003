"""Start Jupyter Servers as subprocesses for benchmarks, and always clean them up.

Benchmarks compare servers with nbguard on and off, so each server is a fresh
process started exactly the same way except for ``jpserver_extensions``. Kernels
are launched by jupyter_client in their own session (``start_new_session``), so
killing the server's process group would leave them behind: :func:`servers`
shuts kernels down over REST, stops the server with SIGTERM, and finally kills
by pid any descendant that is still alive.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
#: Reserved for the UI tests; never used here.
RESERVED_PORTS = {8888}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in RESERVED_PORTS:
            return int(port)


@dataclass
class Server:
    """A running ``jupyter_server`` subprocess and how to talk to it."""

    name: str
    enabled: bool
    port: int
    token: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    kernels: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Base URL, ending in a slash."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self) -> str:
        """Base websocket URL, ending in a slash."""
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def headers(self) -> dict[str, str]:
        """Token auth: with it, Jupyter Server needs no XSRF cookie."""
        return {"Authorization": f"token {self.token}"}

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """A blocking REST call (set-up and tear-down only, never timed)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers=self.headers
        )
        with urllib.request.urlopen(req, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def start_kernel(self) -> str:
        """Start a ``python3`` kernel and return its id."""
        kernel_id = self.request("POST", "api/kernels", {"name": "python3"})["id"]
        self.kernels.append(kernel_id)
        return str(kernel_id)

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's log, to explain a failure."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


#: Seconds between the kernel restarter's polls in benchmark servers.
RESTARTER_POLL = 600

#: How :func:`servers` pins processes when asked: servers on one core,
#: their kernels (and the benchmark's client) on the other.
SERVER_CPU, KERNEL_CPU = 0, 1


def _launch(
    name: str,
    enabled: bool,
    workdir: Path,
    pin_seed: int | None = None,
    extensions: Sequence[str] = (),
    prefix: Sequence[str] = (),
) -> Server:
    port = free_port()
    token = secrets.token_hex(16)
    home = workdir / name
    for sub in ("root", "config", "runtime"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
        ),
        # A private config and runtime dir: no user config leaks in, and the
        # two servers differ only in the flag below.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    loaded = {"jupyterlab_nbguard": enabled, **dict.fromkeys(extensions, True)}
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={home / 'root'}",
        "--ServerApp.allow_root=True",
        "--ServerApp.open_browser=False",
        f"--ServerApp.jpserver_extensions={loaded!r}",
        # The restarter polls each kernel every 3 s, ~1.5 ms of CPU a poll in
        # a process that slept: 4-5 ms/s of idle CPU with three kernels, at
        # random phases, the largest noise in a server's CPU between
        # executions. Nothing here needs a dead kernel noticed quickly.
        f"--KernelRestarter.time_to_dead={RESTARTER_POLL}",
    ]
    if pin_seed is not None:
        # One address layout (ASLR off) and one hash seed for every server of
        # a run, one core for all of them: identical processes stay alike.
        command = ["setarch", "-R", "taskset", "-c", str(SERVER_CPU), *command]
        env["PYTHONHASHSEED"] = str(pin_seed)
    command = [*prefix, *command]
    log_path = home / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(name, enabled, port, token, proc, log_path)


def _wait_ready(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"server {server.name} exited ({server.proc.returncode}):\n"
                + server.log_tail()
            )
        try:
            server.request("GET", "api/status")
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
            continue
        return
    raise RuntimeError(f"server {server.name} not ready in {timeout}s")


def _check_extension(server: Server) -> None:
    """Fail loudly if nbguard is not in the state the benchmark asked for."""
    try:
        server.request("GET", "jupyterlab-nbguard/version")
        loaded = True
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
        loaded = False
    if loaded != server.enabled:
        raise RuntimeError(
            f"server {server.name}: nbguard loaded={loaded}, wanted {server.enabled}"
        )


def _stop(server: Server) -> None:
    for kernel_id in server.kernels:
        with contextlib.suppress(Exception):
            server.request("DELETE", f"api/kernels/{kernel_id}")
    try:
        descendants = psutil.Process(server.proc.pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=15)
    for child in descendants:
        with contextlib.suppress(psutil.Error):
            child.kill()


def pin_kernels(started: Sequence[Server]) -> None:
    """Move the servers' kernels, and this process, to :data:`KERNEL_CPU`."""
    os.sched_setaffinity(0, {KERNEL_CPU})
    for server in started:
        for child in psutil.Process(server.proc.pid).children(recursive=True):
            child.cpu_affinity([KERNEL_CPU])


@contextlib.contextmanager
def servers(
    specs: Sequence[tuple[str, bool]],
    pin_seed: int | None = None,
    extensions: Sequence[str] = (),
    prefix: Sequence[str] = (),
    ready_within: float = 90,
) -> Iterator[list[Server]]:
    """Start one server per ``(name, nbguard_enabled)``, in parallel; stop all.

    With ``pin_seed``, every server runs on :data:`SERVER_CPU` without address
    randomisation and with that hash seed (see :func:`pin_kernels` for the
    rest). ``extensions`` are more server extensions (modules) every server
    loads. ``prefix`` goes before the server's command (a tool that runs it,
    such as valgrind), and ``ready_within`` is how many seconds it may take to
    answer. Cleanup runs on success, on error and on Ctrl-C.
    """
    with tempfile.TemporaryDirectory(prefix="nbguard-bench-") as tmp:
        started: list[Server] = []
        try:
            for name, enabled in specs:
                started.append(
                    _launch(name, enabled, Path(tmp), pin_seed, extensions, prefix)
                )
            for server in started:
                _wait_ready(server, ready_within)
                _check_extension(server)
            yield started
        finally:
            for server in started:
                _stop(server)
