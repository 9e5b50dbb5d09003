"""Notebooks for ``bench.live``: 1,000 cells of ~20 lines, run in a real kernel.

Two shapes:

* :func:`healthy_cells`, an analysis notebook written and run top to bottom:
  every name is bound above its use; helper functions with defaults; a dict
  ``shared`` filled key by key over many cells (``shared['k20'] = ...``); a
  ``results`` list appended to and a ``seen`` set added to across cells; small
  classes; an occasional ``%time`` line; markdown between sections. Plain
  Python (no pandas), so the kernel needs nothing beyond the standard library,
  and each cell runs in well under a millisecond.
* :func:`findings_cells`, a notebook written bottom-up: each cell reads ten
  names bound by the cell below it and binds ten of its own. Run from the last
  cell to the first it executes without error, and every read is a
  use-before-def in page order, about ten findings per cell (~10,000 in all).

Both are deterministic for a given ``seed``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

#: ``(cell_id, cell_type, source)``, the shape the check body is built from.
CellSpec = tuple[str, str, str]

SETUP = """\
import json
import math
import statistics
from collections import Counter, defaultdict

config = {"scale": 1.5, "limit": 40, "groups": "abcd"}
shared = {}
results = []
seen = set()
base = [((k * 37) % 101) / 7 for k in range(200)]
len(base)"""


@dataclass
class _Scope:
    """What the cells above bound, so each new cell reads only existing names."""

    data: list[str] = field(default_factory=lambda: ["base"])
    funcs: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def lists(self) -> tuple[list[str], ...]:
        """Every list of names, to undo a snippet that is not emitted."""
        return (self.data, self.funcs, self.classes, self.keys)


Snippet = Callable[[int, int, _Scope, random.Random], list[str]]


def _data(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    name = f"data_{i}_{j}"
    src = rng.choice(scope.data)
    scope.data.append(name)
    return [
        f"# derive {name} from {src}",
        f"{name} = [x * {rng.randint(2, 9)} % 97 for x in {src}[:150]]",
        f"{name}.sort()",
    ]


def _func(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    name = f"transform_{i}_{j}"
    scope.funcs.append(name)
    return [
        f'def {name}(values, scale=config["scale"], limit=config["limit"]):',
        '    """Scale the values and clip them at the limit."""',
        "    out = []",
        "    for v in values:",
        "        w = v * scale",
        "        out.append(w if w < limit else limit)",
        "    return out",
    ]


def _call(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    if not scope.funcs:
        return _func(i, j, scope, rng)
    name = f"out_{i}_{j}"
    func, src = rng.choice(scope.funcs), rng.choice(scope.data)
    scope.data.append(name)
    return [
        f"{name} = {func}({src})",
        f"summary_{i}_{j} = {{",
        f'    "n": len({name}),',
        f'    "mean": statistics.mean({name}),',
        f'    "spread": math.sqrt(statistics.pvariance({name})),',
        "}",
    ]


def _store(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    key = f"k{i}_{j}"
    scope.keys.append(key)
    src = rng.choice(scope.data)
    return [f"shared[{key!r}] = sum({src}) / max(1, len({src}))"]


def _append(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    src = rng.choice(scope.data)
    return [
        f"results.append(({i}, max({src}), min({src})))",
        f"seen.add(len({src}))",
    ]


def _group(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    name = f"groups_{i}_{j}"
    src = rng.choice(scope.data)
    return [
        f"{name} = defaultdict(list)",
        f"for k, v in enumerate({src}):",
        f'    {name}[config["groups"][k % 4]].append(v)',
        f"counts_{i}_{j} = Counter({{g: len(vs) for g, vs in {name}.items()}})",
    ]


def _klass(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    name = f"Acc{i}_{j}"
    scope.classes.append(name)
    return [
        f"class {name}:",
        '    """A running total with a count."""',
        "",
        "    def __init__(self, start=0.0):",
        "        self.total = start",
        "        self.n = 0",
        "",
        "    def add(self, v):",
        "        self.total += v",
        "        self.n += 1",
        "        return self",
    ]


def _use_class(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    if not scope.classes:
        return _klass(i, j, scope, rng)
    name = f"acc_{i}_{j}"
    return [
        f"{name} = {rng.choice(scope.classes)}()",
        f"for v in {rng.choice(scope.data)}:",
        f"    {name}.add(v)",
        f"mean_{i}_{j} = {name}.total / max(1, {name}.n)",
    ]


def _read_shared(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    if not scope.keys:
        return _store(i, j, scope, rng)
    return [
        f"ratio_{i}_{j} = shared[{rng.choice(scope.keys)!r}] / (1 + len(results))",
        f"blob_{i}_{j} = json.dumps(sorted(seen))",
    ]


def _timed(i: int, j: int, scope: _Scope, rng: random.Random) -> list[str]:
    name = f"squares_{i}_{j}"
    scope.data.append(name)
    return [f"%time {name} = [v ** 2 % 97 for v in {rng.choice(scope.data[:-1])}]"]


_SNIPPETS: tuple[Snippet, ...] = (
    _data,
    _data,
    _func,
    _call,
    _call,
    _store,
    _store,
    _append,
    _group,
    _klass,
    _use_class,
    _read_shared,
    _timed,
)


def _code_cell(i: int, lines: int, scope: _Scope, rng: random.Random) -> str:
    body = [f"# step {i}"]
    j = 0
    while len(body) < lines - 1:
        sizes = [len(names) for names in scope.lists()]
        snippet = rng.choice(_SNIPPETS)(i, j, scope, rng)
        if len(body) + len(snippet) > lines - 1 and len(body) > lines // 2:
            for names, size in zip(scope.lists(), sizes, strict=True):
                del names[size:]  # not emitted: its names do not exist
            break
        body.extend(snippet)
        j += 1
    body.append(f"print(len(results), len(shared), {rng.choice(scope.data)}[:3])")
    return "\n".join(body)


def _cell_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def healthy_cells(n_cells: int, lines: int = 20, seed: int = 8) -> list[CellSpec]:
    """A notebook of ``n_cells`` cells (about 1 in 10 markdown) to run in order."""
    rng = random.Random(seed)
    scope = _Scope()
    cells: list[CellSpec] = [(_cell_id(rng), "code", SETUP)]
    for i in range(1, n_cells):
        if rng.random() < 0.1:
            text = f"## Section {i}\n\nWhat the next cells compute, and why."
            cells.append((_cell_id(rng), "markdown", text))
        else:
            cells.append((_cell_id(rng), "code", _code_cell(i, lines, scope, rng)))
    return cells


def findings_cells(n_cells: int, names: int = 8, seed: int = 9) -> list[CellSpec]:
    """A bottom-up notebook: run it last cell first; ~``names`` findings per cell.

    Cell ``i`` binds ``f{i}_0 .. f{i}_{names-1}`` from the same names of cell
    ``i + 1`` (the last cell from constants), then two lines of bookkeeping.
    """
    rng = random.Random(seed)
    cells: list[CellSpec] = []
    for i in range(n_cells):
        body = [f"# block {i}, built from the block below"]
        for k in range(names):
            if i == n_cells - 1:
                body.append(f"f{i}_{k} = {k}")
            else:
                body.append(f"f{i}_{k} = f{i + 1}_{k} + {k}")
        body.append(f"total_{i} = " + " + ".join(f"f{i}_{k}" for k in range(names)))
        body.append(f"total_{i}")
        cells.append((_cell_id(rng), "code", "\n".join(body)))
    return cells
