"""Engine speed: cold check, check after editing one cell, per-cell cost vs the floor.

Run: ``python -m bench.engine`` (options: ``--cells 1000 --lines 20 --repeat 5``).
Prints a table; the goals are an incremental check under 15 ms and a cold check
under 1 s for 1,000 cells of 20 lines.
"""

from __future__ import annotations

import argparse
import ast
import random
import statistics
import time
from collections.abc import Callable

from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook
from jupyterlab_nbguard.engine.syntax import _transformer


def make_cell(i: int, lines: int, rng: random.Random) -> str:
    """A realistic-looking cell of ``lines`` lines reading names from earlier cells."""
    prev = [f"v{j}" for j in range(max(0, i - 5), i)] or ["seed"]
    body = [f"# cell {i}: derive v{i}", f"v{i} = {rng.choice(prev)} + {i}"]
    while True:
        pick = rng.random()
        name = rng.choice(prev)
        if pick < 0.25:
            snippet = [f"tmp_{len(body)} = [x * {i} for x in range(10) if x > 2]"]
        elif pick < 0.45:
            snippet = [f"if {name} > {i}:", f"    v{i} = v{i} + {name}"]
        elif pick < 0.6:
            snippet = [
                f"def helper_{i}_{len(body)}(a, b={name}):",
                f"    return a + b + v{i}",
            ]
        elif pick < 0.75:
            snippet = [f"items_{i} = {{'k': {name}, 'n': len(str(v{i}))}}"]
        elif pick < 0.85:
            snippet = ["for k in range(3):", f"    v{i} += k * {name}"]
        else:
            snippet = [f"print(f'{{v{i}}} and {{{name}}}')"]
        if len(body) + len(snippet) > lines - 1:
            break
        body.extend(snippet)
    while len(body) < lines - 1:
        body.append(f"v{i} = v{i} + 1")
    body.append(f"v{i}")
    return "\n".join(body)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(0)
    sources = ["seed = 1"] + [
        make_cell(i, args.lines, rng) for i in range(1, args.cells)
    ]
    cells = tuple(Cell(f"c{i}", "code", s, i + 1) for i, s in enumerate(sources))
    history = tuple(Execution(c.source, c.id, i + 1) for i, c in enumerate(cells))
    n = len(cells)

    def cold() -> object:
        engine = Engine()
        notebook = Notebook(cells, history)
        return engine.check(notebook, timeline=engine.replay(None, history))

    cold_times = timed(cold, args.repeat)

    engine = Engine()
    timeline = engine.replay(None, history)
    engine.check(Notebook(cells, history), timeline=timeline)
    edits = []
    for r in range(args.repeat):
        edited = list(cells)
        k = n // 2 + r
        edited[k] = Cell(edited[k].id, "code", edited[k].source + f"\nextra_{r} = {r}")
        edits.append(tuple(edited))
    incremental = []
    for edited in edits:
        start = time.perf_counter()
        engine.check(Notebook(edited, history), timeline=timeline)
        incremental.append((time.perf_counter() - start) * 1000)

    # Re-running an early cell makes every later cell stale in this chain-shaped
    # notebook (each reads the five before it): that check reports ~n findings.
    rerun = (*history, Execution(cells[10].source, cells[10].id, n + 1))
    start = time.perf_counter()
    rerun_found = engine.check(
        Notebook(cells, rerun), timeline=engine.replay(timeline, rerun)
    )
    after_rerun = (time.perf_counter() - start) * 1000
    # Running the last cell again invalidates nothing downstream.
    quiet_engine = Engine()
    quiet = quiet_engine.replay(None, history)
    quiet_engine.check(Notebook(cells, history), timeline=quiet)
    last = (*history, Execution(cells[-1].source, cells[-1].id, n + 1))
    start = time.perf_counter()
    quiet_engine.check(Notebook(cells, last), timeline=quiet_engine.replay(quiet, last))
    after_last = (time.perf_counter() - start) * 1000

    def floor_parse() -> object:
        for s in sources:
            for _node in ast.walk(ast.parse(s)):
                pass
        return None

    transformer = _transformer()

    def floor_ipython() -> object:
        for s in sources:
            for _node in ast.walk(ast.parse(transformer.transform_cell(s))):
                pass
        return None

    parse_ms = statistics.median(timed(floor_parse, args.repeat))
    ipython_ms = statistics.median(timed(floor_ipython, args.repeat))
    cold_ms = statistics.median(cold_times)
    rows = [
        ("cold check (fresh engine, history of each cell)", cold_ms, "≤ 1000 ms"),
        (
            "check after editing one cell (median)",
            statistics.median(incremental),
            "≤ 15 ms",
        ),
        ("check after running the last cell again", after_last, "≤ 15 ms"),
        (
            f"check after re-running cell 10 ({len(rerun_found)} findings)",
            after_rerun,
            "(output-bound)",
        ),
        ("per cell, cold", cold_ms / n, ""),
        ("floor per cell: ast.parse + walk", parse_ms / n, "~0.24 ms"),
        (
            "floor per cell: IPython transform + parse + walk",
            ipython_ms / n,
            "~0.64 ms",
        ),
    ]
    title = f"{n} cells x {args.lines} lines, {len(history)} executions"
    print(f"\nnbguard engine benchmark: {title}")
    print(f"{'measure':52} {'ms':>10}  goal")
    print("-" * 76)
    for label, value, goal in rows:
        print(f"{label:52} {value:10.3f}  {goal}")
    print(f"\ncold runs (ms): {', '.join(f'{t:.0f}' for t in cold_times)}")
    print(f"incremental runs (ms): {', '.join(f'{t:.1f}' for t in incremental)}")


if __name__ == "__main__":
    main()
