"""nbguard's added server work per execution, counted in machine instructions.

Run: ``python -m bench.instructions`` (``--quick`` for a short run). Needs
valgrind (Debian's ``valgrind`` package).

:mod:`bench.paired` measures CPU time inside one server, and its A/A control
still spreads over +-100 us per execution or more on a 2-core machine, where
a ``pass`` costs the server ~2,000 us: it cannot tell 20 us from 60. Counted
instructions do not depend on what else the machine does. The same design as
:mod:`bench.paired` (one server with nbguard enabled, three kernels whose
websockets get nbguard's observing connection class or the class it wraps,
blocks taking turns) runs with the server under ``valgrind --tool=callgrind``,
and ``callgrind_control --dump`` after each block gives the instructions the
server ran during it (every thread; the kernels are not traced). A block is
``count`` executions, one at a time, then :data:`QUIET` seconds without any,
so what runs later (a timer) is counted too.

Instructions become microseconds by the server's own rate: the same blocks
on an unobserved kernel, in a server run natively just before, give its user
CPU per execution (callgrind counts user-mode instructions only, so system
time is left out on both sides), and the estimate is the added instructions
times that CPU over the unobserved leg's instructions. That supposes
nbguard's code runs at the server's average speed per instruction: it is
Python bytecode run by the same interpreter, woken by the same messages.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

import psutil

from ._kernel import KernelClient
from ._report import heading, machine, median, table, verdict
from ._servers import Server, servers
from .overhead import CPU_GOAL_US, Workload
from .overhead import workloads as overhead_workloads
from .paired import LEGS, SWITCH, check_switch, open_kernel, recorded_executions

#: Seconds without executions after each block.
QUIET = 2.0
#: Per workload and leg, instructions per execution, one value per block.
Counts = dict[str, dict[str, list[float]]]


async def run_block(
    client: KernelClient, work: Workload, cell_ids: Sequence[str]
) -> None:
    """``work.count`` executions, one at a time, then :data:`QUIET` seconds."""
    for i in range(work.count):
        reply = await client.execute(work.code, cell_ids[i % len(cell_ids)])
        if reply.content.get("status") != "ok":
            raise RuntimeError(f"{work.label}: {reply.content}")
    await asyncio.sleep(QUIET)


class Counter:
    """Reads a callgrind-run server's instruction count, block by block."""

    def __init__(self, pid: int, out: Path) -> None:
        self.pid, self.out = pid, out

    def _control(self, *args: str) -> None:
        subprocess.run(
            ["callgrind_control", *args, str(self.pid)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )

    def start(self) -> None:
        """Count from now on (the start-up, uncounted, runs faster)."""
        self._control("--instr=on")
        self.since_last()

    def since_last(self) -> int:
        """Instructions since the previous call (a dump resets the counters)."""
        before = set(self.out.parent.glob(self.out.name + ".*"))
        self._control("--dump")
        [dump] = set(self.out.parent.glob(self.out.name + ".*")) - before
        found = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.M)
        dump.unlink()
        if found is None:
            raise RuntimeError(f"no instruction total in {dump}")
        return int(found.group(1))


async def counted(
    server: Server, counter: Counter, workloads: Sequence[Workload], cycles: int
) -> tuple[Counts, dict[str, int]]:
    """Every cycle of every workload; also each leg's recorded executions."""
    cell_ids = [str(uuid.uuid4()) for _ in range(10)]
    clients: dict[str, KernelClient] = {}
    kernels: dict[str, str] = {}
    counts: Counts = {w.label: {leg: [] for leg in LEGS} for w in workloads}
    orders = list(itertools.permutations(LEGS))
    try:
        for leg in LEGS:
            kernels[leg], clients[leg] = await open_kernel(server, leg == "observed")
        for work in workloads:  # warm-up: first executions pay one-off costs
            for leg in LEGS:
                await run_block(clients[leg], Workload("", work.code, 3), cell_ids)
        counter.start()
        for work in workloads:
            for cycle in range(cycles):
                for leg in orders[cycle % len(orders)]:
                    await run_block(clients[leg], work, cell_ids)
                    counts[work.label][leg].append(counter.since_last() / work.count)
    finally:
        for client in clients.values():
            client.close()
    return counts, recorded_executions(server, kernels)


async def user_cpu(server: Server, work: Workload, blocks: int) -> float:
    """The native server's user CPU per execution (us) on an unobserved kernel."""
    proc = psutil.Process(server.proc.pid)
    cell_ids = [str(uuid.uuid4()) for _ in range(10)]
    _kernel_id, client = await open_kernel(server, False)
    try:
        await run_block(client, Workload("", work.code, 3), cell_ids)
        values = []
        for _ in range(blocks):
            before = proc.cpu_times().user
            await run_block(client, work, cell_ids)
            values.append((proc.cpu_times().user - before) / work.count * 1e6)
    finally:
        client.close()
    return median(values)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=3, help="cycles per workload")
    parser.add_argument("--passes", type=int, default=100, help="`pass` a block")
    parser.add_argument("--loops", type=int, default=20, help="loops a block")
    parser.add_argument("--quick", action="store_true", help="2 cycles, fewer")
    args = parser.parse_args(argv)
    if args.quick:
        args.cycles, args.passes, args.loops = 2, 50, 10
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("bench.instructions needs valgrind: apt-get install valgrind")
    workloads = overhead_workloads(args.passes, args.loops)
    print(heading("instructions: nbguard's added server work, counted by callgrind"))
    print(machine())
    print(
        f"{args.cycles} cycles; a block is {args.passes} `pass` or {args.loops} "
        f"loops on one kernel, then {QUIET:.0f} s of quiet; v1 websocket "
        "protocol, cellId metadata; no listener"
    )
    with servers([("native", True)], extensions=[SWITCH]) as (native,):
        rate = {
            w.label: asyncio.run(user_cpu(native, w, 2 * args.cycles))
            for w in workloads
        }
    with tempfile.TemporaryDirectory(prefix="nbguard-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        prefix = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
        ]
        with servers(
            [("callgrind", True)], extensions=[SWITCH], prefix=prefix, ready_within=900
        ) as (server,):
            counter = Counter(server.proc.pid, out)
            counts, recorded = asyncio.run(
                counted(server, counter, workloads, args.cycles)
            )
    expected = 1 + sum(3 + args.cycles * w.count for w in workloads)
    check_switch(recorded, expected)
    return report(counts, rate)


def report(counts: Counts, rate: dict[str, float]) -> int:
    """Print the table and the verdict; exit status 0 when the goal is met."""
    rows, worst = [], 0.0
    for label, legs in counts.items():
        base = median(legs["unobserved"])
        added = [
            o - u for o, u in zip(legs["observed"], legs["unobserved"], strict=True)
        ]
        same = [
            a - u for a, u in zip(legs["unobserved-2"], legs["unobserved"], strict=True)
        ]
        us_per_instruction = rate[label] / base
        worst = max(worst, median(added) * us_per_instruction)
        rows.append(
            (
                label,
                f"{base:,.0f}",
                f"{rate[label]:.0f}",
                f"{median(added):+,.0f} ({min(added):+,.0f}..{max(added):+,.0f})",
                f"{median(same):+,.0f} ({min(same):+,.0f}..{max(same):+,.0f})",
                f"{median(added) * us_per_instruction:+.1f}",
                f"{median(same) * us_per_instruction:+.1f}",
            )
        )
    headers = (
        "workload",
        "unobserved instr/exec",
        "its user CPU us/exec",
        "observed - unobserved (cycles)",
        "A/A (cycles)",
        "added us",
        "A/A us",
    )
    print("instructions per execution, median of blocks (per-cycle differences):")
    print(table(headers, rows))
    met = worst <= CPU_GOAL_US
    print(
        verdict(
            met,
            f"added server work ~{worst:.1f} us per execution at this server's "
            f"rate (goal <= {CPU_GOAL_US:.0f})",
        )
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
