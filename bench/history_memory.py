"""Memory held by ``HistoryStore`` for one kernel's executions, and snapshot time.

Run: ``python -m bench.history_memory`` (``--quick`` for a short run).

Feeds 100,000 executions of one kernel into a store the way the observer does:
~300 distinct cell sources re-run in a realistic mix, every request with a
fresh msg_id and cell-id string (as decoded from each websocket message), every
request followed by its reply. tracemalloc measures the bytes still allocated
after building minus before (the store alone: inputs are built one by one and
dropped). Once with ``max_executions`` = 100,000 (nothing dropped: the true
per-execution cost) and once with the default cap of 10,000 (the bound a
long-lived kernel cannot exceed). ``snapshot()`` is what every check with a
kernel_id pays, so it is timed too (without tracemalloc running).

Goal: the default cap keeps at most 10,000 executions whatever the kernel ran.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
import uuid
from collections.abc import Sequence

from jupyterlab_nbguard.history import HistoryStore

from ._notebooks import notebook_cells
from ._report import heading, machine, median, table, verdict

KERNEL = "5f0c2b6e-8a1d-4e57-9c3b-2d6f1a7e9b40"


def sources_and_ids(distinct: int) -> list[tuple[str, str]]:
    """``distinct`` (source, cell id) pairs drawn from realistic notebooks."""
    rng = random.Random(3)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < distinct:
        cells = notebook_cells(rng)
        pairs += [(src, cid) for cid, kind, src in cells if kind == "code"]
    return pairs[:distinct]


def feed(store: HistoryStore, pairs: list[tuple[str, str]], n: int) -> None:
    """Record ``n`` request/reply pairs, re-running cells with a skewed mix.

    Strings are copied per message: the observer gets new ``str`` objects from
    ``json.loads`` for every message, and the store must not keep them all.
    """
    rng = random.Random(5)
    weights = [1 / (1 + i % 50) for i in range(len(pairs))]  # some cells run a lot
    picks = rng.choices(range(len(pairs)), weights=weights, k=n)
    for count, k in enumerate(picks, start=1):
        source, cell_id = pairs[k]
        msg_id = str(uuid.uuid4())
        store.record_request(KERNEL, msg_id, (source + " ")[:-1], (cell_id + " ")[:-1])
        status = "error" if count % 97 == 0 else "ok"
        store.record_reply(KERNEL, msg_id, status, count)


def held_bytes(cap: int, pairs: list[tuple[str, str]], n: int) -> tuple[int, int]:
    """(bytes the store holds after ``n`` executions, executions kept)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    store = HistoryStore(max_executions=cap)
    feed(store, pairs, n)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, len(store.records(KERNEL))


def snapshot_ms(cap: int, pairs: list[tuple[str, str]], n: int, repeat: int) -> float:
    """Median milliseconds of ``snapshot()`` on a store fed ``n`` executions."""
    store = HistoryStore(max_executions=cap)
    feed(store, pairs, n)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        store.snapshot(KERNEL)
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def feed_us(pairs: list[tuple[str, str]], n: int) -> float:
    """Microseconds per request+reply recorded (uuid and copies included)."""
    store = HistoryStore(max_executions=n)
    start = time.perf_counter()
    feed(store, pairs, n)
    return (time.perf_counter() - start) / n * 1e6


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when the default cap bounds the store."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--executions", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=300, help="cell sources")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each part")
    parser.add_argument("--quick", action="store_true", help="one run of each part")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    n = args.executions
    pairs = sources_and_ids(args.distinct)
    print(heading("history memory: HistoryStore for one kernel"))
    print(machine())
    src_bytes = sum(len(s.encode()) for s, _ in pairs)
    print(
        f"{n:,} executions of {len(pairs)} distinct sources "
        f"({src_bytes / 1024:.0f} KiB of source text in all)"
    )
    rows = []
    kept_capped = 0
    for cap, label in ((n, "cap raised"), (10_000, "default cap")):
        runs = [held_bytes(cap, pairs, n) for _ in range(args.repeat)]
        held = median([b for b, _ in runs])
        kept = runs[0][1]
        snap = snapshot_ms(cap, pairs, n, repeat=5 * args.repeat)
        if cap == 10_000:
            kept_capped = kept
        rows.append(
            (
                f"{label} ({cap:,})",
                f"{kept:,}",
                f"{held / 2**20:.1f}",
                f"{held / kept:.0f}",
                f"{held / n:.0f}",
                f"{snap:.1f}",
            )
        )
    headers = ("max_executions", "kept", "MiB held", "B/kept", "B/executed")
    print(table((*headers, "snapshot ms"), rows))
    print(
        f"recording cost: {feed_us(pairs, min(n, 20_000)):.1f} us per request+reply "
        "(including uuid4 and string copies made by this benchmark)"
    )
    ok = kept_capped <= 10_000
    print(
        verdict(
            ok,
            f"default cap keeps {kept_capped:,} of {n:,} executions (goal <= 10,000)",
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
