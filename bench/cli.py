"""Throughput of ``jupyter nbguard check`` on a corpus of typical notebooks.

Run: ``python -m bench.cli`` (``--quick`` for a short run, ``--profile`` to
see where a single process spends its time).

Generates ``--notebooks`` (default 400) 50-cell nbformat v4.5 notebooks into a
temporary folder (imports, data from lists and dicts, functions, loops,
``%time`` magics, out-of-order execution counts, outputs), then runs the CLI as
a user would, in a subprocess over the folder with ``--format json``: once with
``--jobs 1`` and once with the default (one worker per core), interleaved,
``--repeat`` times each. Wall time includes interpreter start-up, because users
pay it. A one-notebook run shows that fixed cost separately.

Goal: >= 200 notebooks/s with the default ``--jobs``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from ._corpus import write_corpus
from ._report import heading, machine, median, table, verdict
from ._servers import REPO

GOAL = 200.0


@dataclass(frozen=True)
class Run:
    """One CLI run: wall and CPU seconds (all its processes), what it reported."""

    wall: float
    cpu: float
    files: int
    diagnostics: int


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(folder: Path, target: str, jobs: int | None) -> Run:
    """Run the CLI once and time it.

    The working directory is the corpus folder so no project's
    ``[tool.nbguard]`` settings change what is checked. CPU time (user + sys of
    the CLI and its workers) is reported too: on a machine shared with other
    work it says what the run costs even when wall time is inflated.
    """
    command = [sys.executable, "-m", "jupyterlab_nbguard.cli", "check", target]
    command += ["--format", "json"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, check=False
    )
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode not in (0, 1):  # 1 = findings, which this corpus has
        raise RuntimeError(f"CLI exit {done.returncode}: {done.stderr.decode()}")
    files = json.loads(done.stdout)["files"]
    return Run(wall, cpu, len(files), sum(len(f["diagnostics"]) for f in files))


def profile(folder: Path, top: int = 18) -> None:
    """Profile one in-process ``--jobs 1`` run and print the costliest calls."""
    from jupyterlab_nbguard.cli import main as cli_main

    profiler = cProfile.Profile()
    sink = io.StringIO()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        with redirect_stdout(sink):
            profiler.runcall(
                cli_main, ["check", ".", "--format", "json", "--jobs", "1"]
            )
    finally:
        os.chdir(cwd)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each mode")
    parser.add_argument("--profile", action="store_true", help="cProfile one run")
    parser.add_argument("--quick", action="store_true", help="one run of each mode")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    print(heading("cli: jupyter nbguard check on saved notebooks"))
    with tempfile.TemporaryDirectory(prefix="nbguard-corpus-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        size = write_corpus(folder, args.notebooks)
        print(
            f"corpus: {args.notebooks} notebooks x 50 cells, {size / 2**20:.1f} MiB, "
            f"written in {time.perf_counter() - start:.1f} s"
        )
        print(machine())
        modes = {"--jobs 1": 1, "default --jobs": None}
        runs: dict[str, list[Run]] = {m: [] for m in modes}
        for _ in range(args.repeat):
            for mode, jobs in modes.items():
                run = run_cli(folder, ".", jobs)
                if run.files != args.notebooks:
                    raise RuntimeError(f"{mode}: {run.files} files reported")
                runs[mode].append(run)
        runs["1 notebook (start-up floor)"] = [
            run_cli(folder, "analysis_0000.ipynb", 1) for _ in range(3)
        ]
        if args.profile:
            profile(folder)
    rows = []
    for mode, done in runs.items():
        walls = [r.wall for r in done]
        n = done[0].files
        rows.append(
            (
                mode,
                f"{median(walls):.2f}",
                f"{min(walls):.2f}-{max(walls):.2f}",
                f"{median([r.cpu for r in done]):.2f}",
                f"{n / median(walls):.0f}" if n > 1 else "",
            )
        )
    print(
        table(("run", "wall s (median)", "wall s range", "CPU s", "notebooks/s"), rows)
    )
    found = runs["--jobs 1"][0].diagnostics
    print(f"{found} diagnostics in all ({found / args.notebooks:.0f} per notebook)")
    rate = args.notebooks / median([r.wall for r in runs["default --jobs"]])
    met = rate >= GOAL
    print(verdict(met, f"{rate:.0f} notebooks/s with default --jobs (goal >= 200)"))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
