"""Run every nbguard benchmark in sequence: ``python -m bench [--quick]``.

Each benchmark runs in this process, one after the other (never in parallel:
they would measure each other), and a summary lists each one's exit status
(0 = goal met). ``--quick`` passes ``--quick`` to each, for a run of a few
minutes; without it the full runs take several minutes more.
``--only overhead,cli`` runs a subset.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence

from . import cli, engine, history_memory, instructions, live, load, overhead, paired

#: Status of a benchmark that prints its goals but passes no verdict.
NO_VERDICT = -1


def _engine(quick: bool) -> int:
    """``bench.engine`` reads ``sys.argv`` itself and has no ``--quick``."""
    saved = sys.argv
    sys.argv = ["bench.engine", *(["--repeat", "3"] if quick else [])]
    try:
        engine.main()
    finally:
        sys.argv = saved
    return NO_VERDICT


BENCHMARKS: dict[str, Callable[[bool], int]] = {
    "engine": _engine,
    "overhead": lambda quick: overhead.main(["--quick"] if quick else []),
    "paired": lambda quick: paired.main(["--quick"] if quick else []),
    "instructions": lambda quick: instructions.main(["--quick"] if quick else []),
    "load": lambda quick: load.main(["--quick"] if quick else []),
    "history_memory": lambda quick: history_memory.main(["--quick"] if quick else []),
    "cli": lambda quick: cli.main(["--quick"] if quick else []),
    "live": lambda quick: live.main(["--quick"] if quick else []),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks; exit 1 if any missed its goal or failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument(
        "--only", help="comma-separated subset of: " + ", ".join(BENCHMARKS)
    )
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    summary = []
    for name in names:
        start = time.perf_counter()
        try:
            status = BENCHMARKS[name](args.quick)
        except Exception:
            traceback.print_exc()
            status = 2
        sys.stdout.flush()
        summary.append((name, status, time.perf_counter() - start))
    print("\n=== summary ===")
    labels = {
        0: "goal met",
        1: "MISSED",
        2: "FAILED to run",
        NO_VERDICT: "ran (see its goal column)",
    }
    for name, status, seconds in summary:
        print(f"{name:16} {labels.get(status, status)!s:26} {seconds:6.1f} s")
    return 0 if all(status in (0, NO_VERDICT) for _, status, _ in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main())
