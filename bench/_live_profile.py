"""A Jupyter Server under cProfile, switched on and off around single requests.

``python -m bench._live_profile <ServerApp arguments>`` starts the same server
as ``python -m jupyter_server`` plus one route, ``bench-profile/{start,stop,
dump}?case=NAME``, so a client can profile just the requests it is timing and
not the kernel traffic between them. cProfile follows one thread per profiler,
and nbguard runs the engine on a worker thread (``run_in_executor``), so each
executor work item started while a case is active runs under that case's
profiler for its thread. ``dump`` writes ``NAME-main.prof`` (the event loop:
HTTP, auth, the handler) and ``NAME-worker.prof`` (the engine).

:func:`profiled_server` starts such a server from the benchmark, reusing the
start, readiness and clean-up code of :mod:`bench._servers`.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import thread as futures_thread
from pathlib import Path
from typing import Any

from ._servers import REPO, Server, _check_extension, _stop, _wait_ready, free_port


class Profiles:
    """Per-case profilers: one for the event loop, one per worker thread."""

    def __init__(self) -> None:
        self.active: str | None = None
        self.main: dict[str, cProfile.Profile] = {}
        self.workers: dict[tuple[str, int], cProfile.Profile] = {}
        #: ``(generation, seconds)`` of each garbage collection, by case.
        self.collections: dict[str, list[tuple[int, float]]] = {}
        self._gc_started = 0.0
        self._lock = threading.Lock()

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        """``gc.callbacks`` hook: time collections while a case is active.

        cProfile does not see the collector; a full collection of a large heap
        can be the slowest part of one check now and then.
        """
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self.active is not None:
            seconds = time.perf_counter() - self._gc_started
            self.collections.setdefault(self.active, []).append(
                (info["generation"], seconds)
            )

    def start(self, case: str) -> None:
        """Profile the calling (event-loop) thread and new work items for ``case``."""
        self.active = case
        self.main.setdefault(case, cProfile.Profile()).enable()

    def stop(self) -> None:
        """Stop profiling the event loop; work items started later are not profiled."""
        if self.active is not None:
            self.main[self.active].disable()
        self.active = None

    def worker(self) -> cProfile.Profile | None:
        """The calling worker thread's profiler for the active case, if any."""
        case = self.active
        if case is None:
            return None
        with self._lock:
            key = (case, threading.get_ident())
            return self.workers.setdefault(key, cProfile.Profile())

    def dump(self, case: str, directory: Path) -> dict[str, Any]:
        """Write the case's profiles; return their paths and its collections."""
        import pstats

        paths: dict[str, Any] = {"gc": self.collections.get(case, [])}
        if case in self.main:
            paths["main"] = str(directory / f"{case}-main.prof")
            self.main[case].dump_stats(paths["main"])
        workers = [p for (c, _), p in self.workers.items() if c == case]
        if workers:
            paths["worker"] = str(directory / f"{case}-worker.prof")
            stats = pstats.Stats(workers[0])
            for other in workers[1:]:
                stats.add(other)
            stats.dump_stats(paths["worker"])
        return paths


def _patch_executor(profiles: Profiles) -> None:
    """Run each thread-pool work item under the active case's profiler."""
    original: Callable[[Any], None] = futures_thread._WorkItem.run

    def run(item: Any) -> None:
        profiler = profiles.worker()
        if profiler is None:
            original(item)
            return
        profiler.enable()
        try:
            original(item)
        finally:
            profiler.disable()

    futures_thread._WorkItem.run = run  # type: ignore[method-assign,assignment]


def serve(argv: list[str]) -> None:
    """Start a Jupyter Server with the profiling route (blocks until stopped)."""
    from jupyter_server.base.handlers import APIHandler
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.utils import url_path_join
    from tornado import web

    profiles = Profiles()
    _patch_executor(profiles)
    gc.callbacks.append(profiles.on_gc)

    class ProfileHandler(APIHandler):
        """``GET bench-profile/{start,stop,dump}?case=NAME[&dir=PATH]``."""

        @web.authenticated
        def get(self, action: str) -> None:
            case = self.get_argument("case")
            paths: dict[str, Any] = {}
            if action == "start":
                profiles.start(case)
            elif action == "stop":
                profiles.stop()
            else:
                paths = profiles.dump(case, Path(self.get_argument("dir")))
            self.finish(json.dumps(paths))

    app = ServerApp.instance()
    app.initialize(argv)
    route = url_path_join(app.base_url, r"bench-profile/(start|stop|dump)")
    app.web_app.add_handlers(".*$", [(route, ProfileHandler)])  # type: ignore[no-untyped-call]
    app.start()


def _launch_profiled(workdir: Path) -> Server:
    """Start ``python -m bench._live_profile`` exactly as ``_servers`` starts one."""
    port, token = free_port(), secrets.token_hex(16)
    for sub in ("root", "config", "runtime"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
        ),
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
    }
    command = [
        sys.executable,
        "-m",
        "bench._live_profile",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={workdir / 'root'}",
        "--ServerApp.allow_root=True",
        "--ServerApp.open_browser=False",
        "--ServerApp.jpserver_extensions={'jupyterlab_nbguard': True}",
    ]
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server("profiled", True, port, token, proc, log_path)


@contextlib.contextmanager
def profiled_server() -> Iterator[tuple[Server, Path]]:
    """A profiling server and a directory for its dumps; always stopped."""
    with tempfile.TemporaryDirectory(prefix="nbguard-live-prof-") as tmp:
        server = _launch_profiled(Path(tmp) / "server")
        try:
            _wait_ready(server)
            _check_extension(server)
            yield server, Path(tmp)
        finally:
            _stop(server)


if __name__ == "__main__":
    serve(sys.argv[1:])
