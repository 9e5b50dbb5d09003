"""Load: many clients calling ``POST /jupyterlab-nbguard/check`` on one server.

Run: ``python -m bench.load`` (``--quick`` for a short run).

One server with nbguard enabled and one real kernel that has run a 50-cell
notebook (each code cell once in page order, then a few re-runs out of order:
about 50 executions recorded by the observer). Then ``--clients`` concurrent
clients (default 20, one ``AsyncHTTPClient`` slot each) each send
``--requests`` checks (default 500) of that notebook with its ``kernel_id``,
authenticated with the token header (no XSRF needed for token auth). With
``--edit`` every request also changes one cell, as typing does, so the engine's
per-cell cache cannot answer everything. Goal: no errors (every response 200);
p50 and p99 latency are reported.

The clients run on the same (2-core) machine as the server, so they take CPU
from it: the figures are a lower bound on what the server alone can do. CPU
time per request of the server process (all its threads) and of the client is
printed to show where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ._kernel import KernelClient
from ._notebooks import notebook_cells
from ._report import heading, machine, median, percentile, table, verdict
from ._servers import Server, servers


async def run_notebook(server: Server, kernel_id: str) -> list[dict[str, Any]]:
    """Execute a 50-cell notebook in the kernel; return its cells as the API wants.

    Each execution carries the cell's id, like JupyterLab, so the server's
    history ties executions to cells.
    """
    rng = random.Random(7)
    cells = notebook_cells(rng)
    client = await KernelClient.open(server.ws_url, kernel_id, server.headers)
    counts: dict[str, int | None] = {cid: None for cid, _, _ in cells}
    code = [(cid, src) for cid, kind, src in cells if kind == "code"]
    order = code + rng.sample(code, k=max(0, 50 - len(code)))
    try:
        for cell_id, source in order:
            reply = (await client.execute(source, cell_id)).content
            if reply.get("status") != "ok":
                raise RuntimeError(f"cell {cell_id} failed: {reply}")
            counts[cell_id] = reply.get("execution_count")
    finally:
        client.close()
    return [
        {
            "id": cid,
            "cell_type": kind,
            "source": src,
            "execution_count": counts[cid] if kind == "code" else None,
        }
        for cid, kind, src in cells
    ]


def body(cells: list[dict[str, Any]], kernel_id: str, edit: int | None) -> bytes:
    """A check request; with ``edit``, one code cell is changed as if typed in."""
    if edit is not None:
        code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
        k = code[edit % len(code)]
        cells = list(cells)
        cells[k] = {**cells[k], "source": cells[k]["source"] + f"\n# edit {edit}"}
    payload = {"cells": cells, "kernel_id": kernel_id, "path": "bench.ipynb"}
    return json.dumps(payload).encode()


async def client_loop(
    http: AsyncHTTPClient,
    server: Server,
    bodies: list[bytes],
    latencies: list[float],
    statuses: Counter[int],
) -> None:
    """One client: send its requests one after another, recording each outcome."""
    url = server.url + "jupyterlab-nbguard/check"
    for payload in bodies:
        request = HTTPRequest(
            url,
            method="POST",
            body=payload,
            headers={**server.headers, "Content-Type": "application/json"},
            request_timeout=120,
        )
        start = time.perf_counter()
        response = await http.fetch(request, raise_error=False)
        latencies.append((time.perf_counter() - start) * 1000)
        statuses[response.code] += 1


async def hammer(
    server: Server,
    kernel_id: str,
    cells: list[dict[str, Any]],
    clients: int,
    requests: int,
    edit: bool,
) -> tuple[float, list[float], Counter[int]]:
    """Run all clients concurrently; return (wall seconds, latencies, statuses)."""
    http = AsyncHTTPClient(force_instance=True, max_clients=clients)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    plans = [
        [
            body(cells, kernel_id, c * requests + r if edit else None)
            for r in range(requests)
        ]
        for c in range(clients)
    ]
    start = time.perf_counter()
    try:
        await asyncio.gather(
            *(client_loop(http, server, p, latencies, statuses) for p in plans)
        )
    finally:
        http.close()
    return time.perf_counter() - start, latencies, statuses


def _cpu(proc: psutil.Process | None) -> float:
    """CPU seconds (user + sys) of ``proc``, or of this process for ``None``."""
    if proc is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    times = proc.cpu_times()
    return times.user + times.system


async def run(server: Server, args: argparse.Namespace) -> list[tuple[object, ...]]:
    """Prepare the kernel, then one round per repeat; return the table rows."""
    kernel_id = server.start_kernel()
    cells = await run_notebook(server, kernel_id)
    probe = server.request(
        "POST", "jupyterlab-nbguard/check", {"cells": cells, "kernel_id": kernel_id}
    )
    print(
        f"kernel history: {probe['kernel']['executions']} executions; "
        f"one check finds {len(probe['diagnostics'])} diagnostics"
    )
    rows = []
    server_proc = psutil.Process(server.proc.pid)
    for round_ in range(args.repeat):
        cpu_before = (_cpu(server_proc), _cpu(None))
        wall, lat, statuses = await hammer(
            server, kernel_id, cells, args.clients, args.requests, args.edit
        )
        server_cpu = _cpu(server_proc) - cpu_before[0]
        client_cpu = _cpu(None) - cpu_before[1]
        errors = sum(n for code, n in statuses.items() if code != 200)
        rows.append(
            (
                round_ + 1,
                len(lat),
                errors,
                f"{len(lat) / wall:.0f}",
                f"{median(lat):.1f}",
                f"{percentile(lat, 90):.1f}",
                f"{percentile(lat, 99):.1f}",
                f"{max(lat):.1f}",
                f"{server_cpu / len(lat) * 1000:.2f}",
                f"{client_cpu / len(lat) * 1000:.2f}",
                " ".join(f"{c}x{n}" for c, n in sorted(statuses.items())),
            )
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when no request failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500, help="per client")
    parser.add_argument("--repeat", type=int, default=1, help="rounds to run")
    parser.add_argument("--edit", action="store_true", help="edit a cell each time")
    parser.add_argument("--quick", action="store_true", help="20 clients x 25")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests = 25
    print(heading("load: concurrent POST /jupyterlab-nbguard/check"))
    print(machine())
    mode = "one cell edited per request" if args.edit else "unchanged notebook"
    print(
        f"{args.clients} clients x {args.requests} requests, 50-cell notebook "
        f"with kernel_id ({mode})"
    )
    with servers([("load", True)]) as (server,):
        rows = asyncio.run(run(server, args))
    headers = ("round", "requests", "errors", "req/s", "p50 ms", "p90 ms")
    more = ("p99 ms", "max ms", "server CPU ms/req", "client CPU ms/req", "statuses")
    print(table((*headers, *more), rows))
    errors = sum(int(str(r[2])) for r in rows)
    p50 = ", ".join(str(r[4]) for r in rows)
    p99 = ", ".join(str(r[6]) for r in rows)
    print(verdict(errors == 0, f"{errors} errors (goal 0); p50 {p50} ms, p99 {p99} ms"))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
