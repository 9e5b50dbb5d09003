"""Zero-overhead proof: kernel round trips with nbguard enabled vs disabled.

Run: ``python -m bench.overhead`` (``--quick`` for a short run).

Three servers start the same way, except that nbguard is enabled on one
(``enabled``) and disabled on two (``disabled``, ``disabled-2``). Each gets a
kernel and a v1-protocol websocket client (TCP_NODELAY, TCP_QUICKACK re-armed)
that sends ``execute_request`` with ``metadata.cellId`` as JupyterLab does, and
times send -> ``execute_reply``.

Two things keep noise from posing as overhead. Executions are interleaved one
by one across the servers, in an order that rotates, so a burst of load from
elsewhere lands on all of them alike. And every run starts fresh servers and
kernels: two identical Python processes can differ by several per cent for
their whole life (memory layout, core placement), so one set of processes
would bake that luck into every run. ``disabled-2`` vs ``disabled`` is the A/A
control, the noise floor a real difference must exceed.

Goal: enabled/disabled <= 1.03 for every workload (median of the per-run
ratios; the runs are paired, each one interleaved).
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from ._kernel import KernelClient
from ._observer_cost import observer_cost_us
from ._report import heading, machine, median, table, verdict
from ._servers import Server, servers

GOAL = 1.03
NAMES = ("enabled", "disabled", "disabled-2")


@dataclass(frozen=True)
class Workload:
    """One kind of cell, executed ``count`` times per run on each server."""

    label: str
    code: str
    count: int


def rotated(names: Sequence[str], shift: int) -> list[str]:
    """``names`` rotated left by ``shift``: each server takes every position."""
    k = shift % len(names)
    return [*names[k:], *names[:k]]


async def interleaved(
    clients: dict[str, KernelClient], work: Workload, cell_ids: list[str]
) -> dict[str, float]:
    """Execute ``work`` ``count`` times on every server, one execution at a time.

    Returns each server's median round trip in ms.
    """
    times: dict[str, list[float]] = {name: [] for name in clients}
    for i in range(work.count):
        cell_id = cell_ids[i % len(cell_ids)]
        for name in rotated(list(clients), i):
            elapsed, reply = await clients[name].execute(work.code, cell_id)
            if reply.get("status") != "ok":
                raise RuntimeError(f"{work.label} on {name}: kernel replied {reply}")
            times[name].append(elapsed * 1000)
    return {name: median(t) for name, t in times.items()}


async def one_run(
    started: list[Server], workloads: Sequence[Workload]
) -> tuple[dict[str, dict[str, float]], int]:
    """One run on fresh servers: per workload, each server's median (ms).

    Also returns how many executions the enabled server's history recorded, to
    show that it did observe everything it was timed on.
    """
    clients: dict[str, KernelClient] = {}
    cell_ids = [str(uuid.uuid4()) for _ in range(10)]
    try:
        for server in started:
            kernel_id = server.start_kernel()
            clients[server.name] = await KernelClient.open(
                server.ws_url, kernel_id, server.headers
            )
        for work in workloads:  # warm-up: first executions pay one-off costs
            await interleaved(clients, Workload(work.label, work.code, 3), cell_ids)
        result = {w.label: await interleaved(clients, w, cell_ids) for w in workloads}
    finally:
        for client in clients.values():
            client.close()
    enabled = next(s for s in started if s.enabled)
    history = enabled.request(
        "GET", f"jupyterlab-nbguard/kernels/{enabled.kernels[0]}/history"
    )
    return result, len(history["executions"])


def paired(series: dict[str, list[float]], top: str, bottom: str) -> list[float]:
    """Per-run ratios ``top / bottom`` (each run measured both, interleaved)."""
    return [a / b for a, b in zip(series[top], series[bottom], strict=True)]


def report(results: dict[str, dict[str, list[float]]]) -> tuple[float, float]:
    """Print the tables; return the worst enabled/disabled ratio and its A/A."""
    rows = []
    worst, worst_control = 0.0, 1.0
    for label, series in results.items():
        ratios = paired(series, "enabled", "disabled")
        control = paired(series, "disabled-2", "disabled")
        if median(ratios) > worst:
            worst, worst_control = median(ratios), median(control)
        rows.append(
            (
                label,
                f"{median(series['disabled']):.3f}",
                f"{median(series['enabled']):.3f}",
                f"{median(ratios):.3f}",
                f"{min(ratios):.3f}-{max(ratios):.3f}",
                f"{median(control):.3f}",
                f"{min(control):.3f}-{max(control):.3f}",
            )
        )
    headers = ("workload", "disabled ms", "enabled ms", "en/dis", "en/dis runs")
    print(table((*headers, "A/A dis2/dis", "A/A runs"), rows))
    print("\nper-run medians (ms); fresh servers and kernels each run:")
    detail = []
    for label, series in results.items():
        for run in range(len(series["enabled"])):
            values = (f"{series[n][run]:.3f}" for n in NAMES)
            ratio = series["enabled"][run] / series["disabled"][run]
            detail.append((label, run + 1, *values, f"{ratio:.3f}"))
    print(table(("workload", "run", *NAMES, "en/dis"), detail))
    return worst, worst_control


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--passes", type=int, default=200, help="`pass` per run")
    parser.add_argument("--loops", type=int, default=20, help="loops per run")
    parser.add_argument("--quick", action="store_true", help="3 runs x 60 / 6")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.passes, args.loops = 3, 60, 6
    workloads = [
        Workload("pass", "pass", args.passes),
        Workload("loop 10**6", "for _ in range(10**6): pass", args.loops),
    ]
    print(heading("overhead: kernel round trips, nbguard enabled vs disabled"))
    print(machine())
    print(
        f"{args.runs} runs x ({args.passes} `pass` + {args.loops} loops) per server, "
        "v1 websocket protocol, TCP_NODELAY + TCP_QUICKACK, cellId metadata"
    )
    results: dict[str, dict[str, list[float]]] = {
        w.label: {n: [] for n in NAMES} for w in workloads
    }
    recorded = []
    for _ in range(args.runs):
        with servers([(name, name == "enabled") for name in NAMES]) as started:
            run, seen = asyncio.run(one_run(started, workloads))
        recorded.append(seen)
        for label, per_server in run.items():
            for name, value in per_server.items():
                results[label][name].append(value)
    worst, control = report(results)
    expected = 1 + sum(3 + w.count for w in workloads)  # + the readiness probe
    print(
        f"\nthe enabled server's history held {recorded} executions per run "
        f"(expected {expected} each)"
    )
    cost = observer_cost_us()
    floor = median(results["pass"]["disabled"]) * 1000
    print(
        f"observer cost in-process: {cost:.1f} us per execution "
        f"= {cost / floor:.2%} of a disabled `pass` round trip ({floor:.0f} us)"
    )
    met = worst <= GOAL
    noise = abs(control - 1) >= abs(worst - 1)
    note = (
        "; its A/A control deviates as much: within this machine's noise"
        if noise and not met
        else ""
    )
    print(
        verdict(
            met,
            f"worst enabled/disabled ratio {worst:.3f} (goal <= {GOAL}), "
            f"A/A {control:.3f}{note}",
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
