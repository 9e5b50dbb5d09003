"""Real outputs: each notebook of cells is run twice, each time in a fresh kernel."""

from __future__ import annotations

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

#: Cells whose outputs the normaliser tests compare between two honest runs.
SOURCES = {
    "clock": (
        "import datetime, time\n"
        "print(datetime.datetime.now())\n"
        "print(time.ctime())\n"
        "print(time.time())\n"
        "print(datetime.date.today().isoformat())\n"
        "datetime.datetime.now()"
    ),
    "address": "class Thing:\n    pass\nprint(object())\nThing()",
    "random": "import random\nprint(random.random())",
    "frame": 'import pandas as pd\nframe = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.25]})\nframe',
    "styled": "frame.style.highlight_max()",
    "progress": (
        "import time\n"
        "start = time.perf_counter()\n"
        "for i in range(0, 101, 5):\n"
        "    time.sleep(0.002)\n"
        "    print(f'\\rdone {i:3d}% in {time.perf_counter() - start:.4f}s', end='', flush=True)\n"
        "print()"
    ),
    "tqdm": (
        "import sys\n"
        "from tqdm import tqdm\n"
        "for _ in tqdm(range(30), file=sys.stdout, mininterval=0):\n"
        "    time.sleep(0.002)"
    ),
    "time_magic": "%time total = sum(range(100_000))",
    "timeit_magic": "%timeit -n 20 -r 3 sum(range(1000))",
    "traceback": "def divide(a):\n    return a / 0\ndivide(1)",
    "interleaved": (
        "import sys\n"
        "for i in range(30):\n"
        "    print('out', i, flush=True)\n"
        "    print('err', i, file=sys.stderr, flush=True)"
    ),
    "run_id": "import uuid\nprint('run id:', uuid.uuid4())",
}


def _run() -> dict[str, list[dict]]:
    nb = new_notebook(cells=[new_code_cell(src) for src in SOURCES.values()])
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    return {
        name: [dict(o) for o in cell.outputs]
        for name, cell in zip(SOURCES, nb.cells, strict=True)
    }


@pytest.fixture(scope="session")
def runs() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """The outputs of every cell in :data:`SOURCES`, from two separate kernels."""
    return _run(), _run()
