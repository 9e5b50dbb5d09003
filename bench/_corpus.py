"""Write a corpus of saved notebooks like the ones ``jupyter nbguard check`` meets.

Each notebook is nbformat v4.5 (cell ids), 50 cells from :mod:`._notebooks`,
with execution counts from a simulated session: usually page order, sometimes
cells re-run out of order later, sometimes cells never run, and outputs of a
realistic size so that reading and parsing JSON costs what it does in practice.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path

import nbformat
from nbformat.v4 import writes_json

from ._notebooks import notebook_cells

METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "version": "3.11.7"},
}


def _counts(n_code: int, rng: random.Random) -> list[int | None]:
    """Execution counts of a session: in order, then some out-of-order re-runs."""
    counts: list[int | None] = list(range(1, n_code + 1))
    style = rng.random()
    if style < 0.35:  # re-ran a few cells later: their counts jump ahead
        nxt = n_code + 1
        for k in rng.sample(range(n_code), k=min(n_code, rng.randint(1, 5))):
            counts[k] = nxt
            nxt += rng.randint(1, 3)
    elif style < 0.5:  # ran only the top part
        cut = rng.randint(n_code // 2, n_code)
        counts = [c if i < cut else None for i, c in enumerate(counts)]
    return counts


def _ends_in_expression(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], ast.Expr)


def _outputs(source: str, count: int | None, rng: random.Random) -> list:
    if count is None:
        return []
    if "print(" in source or source.startswith("%time"):
        text = "".join(f"line {i}: {rng.random():.6f}\n" for i in range(5))
        return [{"output_type": "stream", "name": "stdout", "text": text}]
    if _ends_in_expression(source):
        value = repr([round(rng.random(), 4) for _ in range(20)])
        return [
            {
                "output_type": "execute_result",
                "data": {"text/plain": value},
                "metadata": {},
                "execution_count": count,
            }
        ]
    return []


def make_notebook(rng: random.Random) -> nbformat.NotebookNode:
    """One 50-cell notebook with saved counts and outputs.

    Built as plain dicts: nbformat's ``new_*_cell`` helpers validate every
    cell and would make generating the corpus slower than checking it.
    """
    cells = notebook_cells(rng)
    counts = iter(_counts(sum(k == "code" for _, k, _ in cells), rng))
    out = []
    for cell_id, kind, source in cells:
        cell = {"id": cell_id, "cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            count = next(counts)
            cell["execution_count"] = count
            cell["outputs"] = _outputs(source, count, rng)
        out.append(cell)
    return nbformat.from_dict(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": METADATA, "cells": out}
    )


def write_corpus(folder: Path, n: int, seed: int = 11) -> int:
    """Write ``n`` notebooks into ``folder``; return their total size in bytes.

    Written in nbformat's own on-disk layout (sources split into lines, one
    space indent); schema validation, slow, runs on every 25th notebook only.
    """
    rng = random.Random(seed)
    total = 0
    for i in range(n):
        nb = make_notebook(rng)
        if i % 25 == 0:
            nbformat.validate(nb)
        text = writes_json(nb)
        path = folder / f"analysis_{i:04d}.ipynb"
        path.write_text(text + "\n", encoding="utf-8")
        total += len(text) + 1
    return total
