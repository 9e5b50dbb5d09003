"""``jupyter nbguard verify`` against nbval (``pytest --nbval``), side by side.

Run: ``python -m bench.verify`` (``--quick`` for fewer repeats).

Writes ``--notebooks`` (default 6) notebooks of ``--cells`` (default 30) code
cells each (arithmetic, prints, a pandas frame, a loop with a short sleep, a
function definition and its use), executes each once with nbclient to give it
saved outputs, then times both tools on the same folder, interleaved, as a user
would run them: a subprocess each, interpreter start-up included. Both run the
notebooks one after the other in a fresh kernel each (nbguard ``--jobs 1``,
nbval's only mode); a ``--jobs 2`` row shows what parallelism adds here.

Goal (issue 9): nbguard verify no slower than nbval, median wall time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ._report import heading, machine, median, table, verdict
from ._servers import REPO

_CELLS = (
    "values = list(range({i}, {i} + 50))\nprint(sum(values))",
    "def scale(x, k={i}):\n    return x * k\nscale(3)",
    "import pandas as pd\n"
    "frame = pd.DataFrame({{'a': values[:5], 'b': [scale(v) for v in values[:5]]}})\n"
    "frame",
    "import time\nfor step in range(3):\n    time.sleep(0.01)\n    print('step', step)",
    "text = ', '.join(str(v) for v in values[:8])\ntext",
)


def write_notebooks(folder: Path, count: int, cells: int) -> list[Path]:
    """Write ``count`` notebooks and run each once so they carry saved outputs."""
    paths = []
    for n in range(count):
        nb = new_notebook(
            cells=[new_markdown_cell(f"# Notebook {n}")]
            + [
                new_code_cell(_CELLS[i % len(_CELLS)].format(i=i)) for i in range(cells)
            ],
            metadata={
                "kernelspec": {
                    "name": "python3",
                    "display_name": "Python 3",
                    "language": "python",
                }
            },
        )
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
        path = folder / f"nb{n:02d}.ipynb"
        nbformat.write(nb, str(path))
        paths.append(path)
    return paths


def _time(command: Sequence[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env={"PYTHONPATH": str(REPO), **_env()},
    )
    return time.perf_counter() - start, done.returncode


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def main(argv: Sequence[str] | None = None) -> int:
    """Time both tools; exit 0 when the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", type=int, default=6)
    parser.add_argument("--cells", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3 repeats")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    print(heading("verify: jupyter nbguard verify vs pytest --nbval"))
    print(machine())
    with tempfile.TemporaryDirectory(prefix="nbguard-bench-verify-") as tmp:
        folder = Path(tmp)
        write_notebooks(folder, args.notebooks, args.cells)
        tools = {
            "nbguard verify --jobs 1": [
                sys.executable, "-m", "jupyterlab_nbguard.cli", "verify", ".",
                "--format", "json", "--jobs", "1",
            ],
            "pytest --nbval": [
                sys.executable, "-m", "pytest", "--nbval", "-q",
                "-p", "no:cacheprovider", ".",
            ],
            "nbguard verify --jobs 2": [
                sys.executable, "-m", "jupyterlab_nbguard.cli", "verify", ".",
                "--format", "json", "--jobs", "2",
            ],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in tools}
        codes: dict[str, set[int]] = {name: set() for name in tools}
        for _ in range(repeat):
            for name, command in tools.items():
                seconds, code = _time(command, folder)
                times[name].append(seconds)
                codes[name].add(code)
    base = median(times["pytest --nbval"])
    rows = [
        (
            name,
            f"{median(values):.2f}",
            f"{min(values):.2f}-{max(values):.2f}",
            f"{median(values) / base:.2f}x",
            ",".join(str(c) for c in sorted(codes[name])),
        )
        for name, values in times.items()
    ]
    print(
        f"{args.notebooks} notebooks x {args.cells} code cells, {repeat} interleaved "
        f"runs each; wall seconds per run of the whole folder"
    )
    print(table(["tool", "median s", "range s", "vs nbval", "exit"], rows))
    ratio = median(times["nbguard verify --jobs 1"]) / base
    met = ratio <= 1.0
    print(verdict(met, f"nbguard verify (--jobs 1) takes {ratio:.2f}x nbval's time"))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
