"""Generate realistic 50-cell notebooks: what nbguard sees in day-to-day use.

Synthetic but shaped like analysis notebooks: imports, data built from lists and
dicts, helper functions and their calls, loops, aggregation, mutation of earlier
data (which makes stale cells), ``%time`` magics and markdown between sections.
Every code cell runs in a fresh kernel when executed top to bottom, so the same
cells serve the kernel-backed load benchmark and the saved-notebook CLI one.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

IMPORTS = "import json\nimport math\nimport statistics\nfrom collections import Counter"


@dataclass
class _Scope:
    """Names earlier cells defined, so later cells only read what exists."""

    records: list[str] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    funcs: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)


def _records(i: int, scope: _Scope, rng: random.Random) -> str:
    name = f"records_{i}"
    scope.records.append(name)
    n = rng.choice((200, 500, 1000))
    return (
        f"# load batch {i}\n"
        f"{name} = [\n"
        f'    {{"id": k, "value": k * {i}.5 % 97, "group": "abcd"[k % 4]}}\n'
        f"    for k in range({n})\n"
        "]\n"
        f"len({name})"
    )


def _totals(i: int, scope: _Scope, rng: random.Random) -> str:
    name = f"totals_{i}"
    src = rng.choice(scope.records)
    scope.totals.append(name)
    return (
        f"{name} = {{}}\n"
        f"for row in {src}:\n"
        f'    group = row["group"]\n'
        f'    {name}[group] = {name}.get(group, 0) + row["value"]\n'
        f"{name}"
    )


def _func(i: int, scope: _Scope, rng: random.Random) -> str:
    name = f"summarize_{i}"
    scope.funcs.append(name)
    return (
        f'def {name}(rows, key="value"):\n'
        f'    """Summary statistics of one column."""\n'
        "    values = [row[key] for row in rows]\n"
        "    if not values:\n"
        '        return {"n": 0}\n'
        "    return {\n"
        '        "n": len(values),\n'
        '        "mean": statistics.mean(values),\n'
        '        "spread": math.sqrt(statistics.pvariance(values)),\n'
        "    }"
    )


def _call(i: int, scope: _Scope, rng: random.Random) -> str:
    if not scope.funcs:
        return _func(i, scope, rng)
    return (
        f"stats_{i} = {rng.choice(scope.funcs)}({rng.choice(scope.records)})\n"
        f"print(stats_{i})"
    )


def _magic(i: int, scope: _Scope, rng: random.Random) -> str:
    src = rng.choice(scope.records)
    return f'%time squares_{i} = [r["value"] ** 2 for r in {src}]\nmax(squares_{i})'


def _mutate(i: int, scope: _Scope, rng: random.Random) -> str:
    src = rng.choice(scope.records)
    return (
        f"# add a sentinel row to {src}\n"
        f'{src}.append({{"id": -{i}, "value": 0.0, "group": "z"}})'
    )


def _limit(i: int, scope: _Scope, rng: random.Random) -> str:
    name = f"LIMIT_{i}"
    scope.limits.append(name)
    return f"{name} = {rng.randint(10, 90)}"


def _filter(i: int, scope: _Scope, rng: random.Random) -> str:
    if not scope.limits:
        return _limit(i, scope, rng)
    src, limit = rng.choice(scope.records), rng.choice(scope.limits)
    return (
        f'big_{i} = [r for r in {src} if r["value"] > {limit}]\n'
        f'counts_{i} = Counter(r["group"] for r in big_{i})\n'
        f"counts_{i}.most_common(3)"
    )


def _json(i: int, scope: _Scope, rng: random.Random) -> str:
    if not scope.totals:
        return _totals(i, scope, rng)
    src = rng.choice(scope.totals)
    return (
        f"blob_{i} = json.dumps({src}, sort_keys=True)\n"
        f"parsed_{i} = json.loads(blob_{i})\n"
        f"assert parsed_{i}.keys() == {src}.keys()"
    )


_MAKERS = (_totals, _func, _call, _call, _magic, _mutate, _limit, _filter, _json)


def notebook_cells(rng: random.Random, n_cells: int = 50) -> list[tuple[str, str, str]]:
    """``(cell_id, cell_type, source)`` for a notebook of ``n_cells`` cells.

    About one cell in six is markdown; the first code cells import and load
    data so that every later cell reads names that exist above it.
    """
    scope = _Scope()
    cells = [(str(uuid.UUID(int=rng.getrandbits(128))), "code", IMPORTS)]
    for i in range(1, n_cells):
        cell_id = str(uuid.UUID(int=rng.getrandbits(128)))
        if rng.random() < 0.16:
            text = f"## Step {i}\n\nWhat the next cells compute, and why."
            cells.append((cell_id, "markdown", text))
        elif len(scope.records) < 2 or rng.random() < 0.1:
            cells.append((cell_id, "code", _records(i, scope, rng)))
        else:
            cells.append((cell_id, "code", rng.choice(_MAKERS)(i, scope, rng)))
    return cells
