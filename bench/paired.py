"""nbguard's added server CPU, measured inside one server: observed kernels beside
unobserved ones.

Run: ``python -m bench.paired`` (``--quick`` for a short run).

:mod:`bench.overhead` compares three server processes. Two identical Python
processes differ by several per cent of CPU for their whole life (memory
layout, hash seed, core placement): its A/A control spreads over +-100 us
per execution and more, four times the 25 us goal, so it can show that the
overhead is small but not that it is under 25 us. Here there is one server
process, with nbguard enabled. Its kernel websockets are opened through a
benchmark-only switch (:mod:`bench._observe_switch`) that picks the
connection class each one gets: nbguard's observing class for the
``observed`` kernel, the class it wraps for ``unobserved`` and
``unobserved-2``. That class is nbguard's only hook on executions, so the
unobserved kernels run none of nbguard's code while they execute, and the
process's luck is the same for all three.

Its CPU counts every thread of the process, so the kernels take turns, in
blocks: each block runs ``count`` executions on one kernel, one at a time as
in :mod:`bench.overhead` (same v1 client, ``cellId`` metadata, the iopub
``idle`` awaited), then waits :data:`~bench.overhead.RECORDED_WITHIN` seconds
(anything the observer defers has run by then), and the block's CPU per execution
is the process's CPU over that whole window. A cycle is one block per kernel,
in an order that turns through every permutation; each cycle gives one
difference ``observed - unobserved`` (the cost) and one
``unobserved-2 - unobserved`` (the A/A control, the noise floor), and the
ratio of the blocks' median round trips. Every run starts a fresh server and
kernels; the goal is judged on the median over all cycles of all runs.

The enabled server's history must hold every execution of the observed
kernel and none of the unobserved ones, or the benchmark fails: that is what
shows the switch did what it says.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import statistics
import uuid
from collections.abc import Sequence

import psutil

from ._kernel import KernelClient
from ._report import heading, machine, median, table, verdict
from ._servers import Server, servers
from .overhead import (
    CPU_GOAL_US,
    GOAL,
    RECORDED_WITHIN,
    Workload,
    cpu_seconds,
    listen,
)
from .overhead import workloads as overhead_workloads

LEGS = ("observed", "unobserved", "unobserved-2")
SWITCH = "bench._observe_switch"
#: Per workload and leg, one value per block: (median round trip ms, server
#: CPU us per execution, main thread CPU us per execution).
Blocks = dict[str, dict[str, list[tuple[float, float, float]]]]


async def open_kernel(server: Server, observed: bool) -> tuple[str, KernelClient]:
    """Start a kernel and open its websocket with the chosen connection class."""
    server.request("POST", f"nbguard-bench/observe?on={int(observed)}")
    kernel_id = server.start_kernel()
    client = await KernelClient.open(server.ws_url, kernel_id, server.headers)
    return kernel_id, client


async def block(
    client: KernelClient,
    proc: psutil.Process,
    work: Workload,
    cell_ids: Sequence[str],
    settle: float,
) -> tuple[float, float, float]:
    """``work.count`` executions on one kernel, then ``settle`` seconds of quiet.

    Returns the median round trip (ms) and the process's and main thread's
    CPU per execution over the whole window (us).
    """
    cpu, main = cpu_seconds(proc), cpu_seconds(proc, main_only=True)
    trips = []
    for i in range(work.count):
        reply = await client.execute(work.code, cell_ids[i % len(cell_ids)])
        if reply.content.get("status") != "ok":
            raise RuntimeError(f"{work.label}: {reply.content}")
        trips.append(reply.round_trip * 1000)
    await asyncio.sleep(settle)
    return (
        median(trips),
        (cpu_seconds(proc) - cpu) / work.count * 1e6,
        (cpu_seconds(proc, main_only=True) - main) / work.count * 1e6,
    )


async def one_run(
    server: Server,
    workloads: Sequence[Workload],
    cycles: int,
    listener: bool,
    settle: float = RECORDED_WITHIN,
) -> tuple[Blocks, dict[str, int]]:
    """Every cycle of every workload on one fresh server.

    Also returns how many executions each leg's kernel history holds.
    """
    proc = psutil.Process(server.proc.pid)
    cell_ids = [str(uuid.uuid4()) for _ in range(10)]
    clients: dict[str, KernelClient] = {}
    kernels: dict[str, str] = {}
    events = await listen(server) if listener else None
    blocks: Blocks = {w.label: {leg: [] for leg in LEGS} for w in workloads}
    orders = list(itertools.permutations(LEGS))
    try:
        for leg in LEGS:
            kernels[leg], clients[leg] = await open_kernel(server, leg == "observed")
        for work in workloads:  # warm-up: first executions pay one-off costs
            for leg in LEGS:
                await block(clients[leg], proc, Workload("", work.code, 3), cell_ids, 0)
        await asyncio.sleep(settle)
        for work in workloads:
            for cycle in range(cycles):
                for leg in orders[cycle % len(orders)]:
                    value = await block(clients[leg], proc, work, cell_ids, settle)
                    blocks[work.label][leg].append(value)
    finally:
        for client in clients.values():
            client.close()
        if events is not None:
            events.close()
    return blocks, recorded_executions(server, kernels)


def recorded_executions(server: Server, kernels: dict[str, str]) -> dict[str, int]:
    """How many executions each leg's kernel history holds."""
    recorded = {}
    for leg, kernel_id in kernels.items():
        history = server.request(
            "GET", f"jupyterlab-nbguard/kernels/{kernel_id}/history"
        )
        recorded[leg] = len(history["executions"])
    return recorded


def check_switch(recorded: dict[str, int], expected: int) -> None:
    """Fail unless the history holds every observed execution and no other."""
    print(f"histories held {recorded} executions (observed: expected {expected})")
    if recorded["observed"] != expected or any(recorded[leg] for leg in LEGS[1:]):
        raise RuntimeError("the switch did not observe exactly the observed kernel")


def paired(values: Sequence[float], base: Sequence[float]) -> list[float]:
    """Per-cycle differences (the blocks of one cycle ran back to back)."""
    return [a - b for a, b in zip(values, base, strict=True)]


def ratios(values: Sequence[float], base: Sequence[float]) -> list[float]:
    """Per-cycle ratios."""
    return [a / b for a, b in zip(values, base, strict=True)]


def spread(values: Sequence[float]) -> str:
    """Median, then mean +- twice its standard error: how sure the figure is."""
    if len(values) < 2:
        return f"{median(values):+.1f}"
    error = 2 * statistics.stdev(values) / math.sqrt(len(values))
    mean = statistics.fmean(values)
    return f"{median(values):+.1f} (mean {mean:+.1f} +- {error:.1f})"


def report(blocks: Blocks) -> tuple[float, float, float]:
    """Print the tables; return the worst ratio, the worst CPU cost, its A/A."""
    worst_ratio, worst_cpu, worst_control = 0.0, -math.inf, 0.0
    rows, cpu_rows = [], []
    for label, legs in blocks.items():
        trips = {leg: [v[0] for v in legs[leg]] for leg in LEGS}
        ratio = ratios(trips["observed"], trips["unobserved"])
        control = ratios(trips["unobserved-2"], trips["unobserved"])
        rows.append(
            (
                label,
                *(f"{median(trips[leg]):.3f}" for leg in LEGS),
                f"{median(ratio):.3f}",
                f"{min(ratio):.3f}-{max(ratio):.3f}",
                f"{median(control):.3f}",
                f"{min(control):.3f}-{max(control):.3f}",
            )
        )
        worst_ratio = max(worst_ratio, median(ratio))
        for index, scope in ((1, "process"), (2, "main thread")):
            cpu = {leg: [v[index] for v in legs[leg]] for leg in LEGS}
            added = paired(cpu["observed"], cpu["unobserved"])
            same = paired(cpu["unobserved-2"], cpu["unobserved"])
            cpu_rows.append(
                (
                    label,
                    scope,
                    *(f"{median(cpu[leg]):.0f}" for leg in LEGS),
                    spread(added),
                    spread(same),
                )
            )
            if index == 1 and median(added) > worst_cpu:
                worst_cpu, worst_control = median(added), median(same)
    print("round trip, send -> execute_reply, ms (median of the blocks' medians):")
    headers = ("workload", *LEGS, "obs/unobs", "cycles", "A/A un2/un", "A/A cycles")
    print(table(headers, rows))
    print(
        "\nserver CPU per execution, us (median of blocks; per-cycle differences: "
        "median, then mean +- 2 standard errors):"
    )
    cpu_headers = ("workload", "scope", *LEGS, "observed - unobserved", "A/A")
    print(table(cpu_headers, cpu_rows))
    print("\nper cycle: server CPU per execution (us) and its paired differences:")
    detail = []
    for label, legs in blocks.items():
        for cycle, values in enumerate(zip(*(legs[leg] for leg in LEGS), strict=True)):
            cpu = [v[1] for v in values]
            detail.append(
                (
                    label,
                    cycle + 1,
                    *(f"{c:.0f}" for c in cpu),
                    f"{cpu[0] - cpu[1]:+.0f}",
                    f"{cpu[2] - cpu[1]:+.0f}",
                )
            )
    print(table(("workload", "cycle", *LEGS, "obs - unobs", "A/A"), detail))
    return worst_ratio, worst_cpu, worst_control


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when the goals are met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="fresh servers")
    parser.add_argument("--cycles", type=int, default=12, help="cycles per run")
    parser.add_argument("--passes", type=int, default=150, help="`pass` a block")
    parser.add_argument("--loops", type=int, default=15, help="loops a block")
    parser.add_argument("--quick", action="store_true", help="1 run x 6 cycles")
    parser.add_argument(
        "--listener",
        action="store_true",
        help="subscribe to the server's events as a JupyterLab page does",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.cycles = 1, 6
    workloads = [w for w in overhead_workloads(args.passes, args.loops) if w.count]
    print(heading("paired: nbguard's cost inside one server, observed vs unobserved"))
    print(machine())
    print(
        f"{args.runs} runs x {args.cycles} cycles; a block is {args.passes} `pass` "
        f"or {args.loops} loops on one kernel, then {RECORDED_WITHIN:.1f} s of "
        "quiet; v1 websocket protocol, cellId metadata; "
        + ("an events listener (JupyterLab)" if args.listener else "no listener")
    )
    total: Blocks = {}
    for _ in range(args.runs):
        with servers([("enabled", True)], extensions=[SWITCH]) as (server,):
            blocks, recorded = asyncio.run(
                one_run(server, workloads, args.cycles, args.listener)
            )
        per_block = {w.label: w.count for w in workloads}
        expected = 1 + args.cycles * sum(per_block.values()) + 3 * len(workloads)
        check_switch(recorded, expected)
        for label, legs in blocks.items():
            for leg, values in legs.items():
                total.setdefault(label, {}).setdefault(leg, []).extend(values)
    worst_ratio, worst_cpu, control = report(total)
    met = worst_ratio <= GOAL and worst_cpu <= CPU_GOAL_US
    print(
        verdict(
            met,
            f"worst observed/unobserved round trip {worst_ratio:.3f} (goal <= {GOAL}); "
            f"added server CPU {worst_cpu:+.1f} us per execution (goal <= "
            f"{CPU_GOAL_US:.0f}), A/A {control:+.1f}",
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
