"""Read the profiles that ``bench._live_profile`` dumps: ms per check, by piece.

The event-loop profile (``main``) is wall time while Python ran on that
thread, minus the time ``epoll`` sat idle; the worker profile is the engine.
Pieces are found by file and function name, so a renamed function simply shows
as absent (``-``), and the generic top list below them still shows where the
time went.
"""

from __future__ import annotations

import pstats
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: ``(file, line, function)`` as pstats keys entries.
Key = tuple[str, int, str]

#: Frames that only dispatch (their cumulative time is everything below them).
_DISPATCH = {
    "_run_once",
    "select",
    "run_forever",
    "_run",
    "run",
    "start",
    "<method 'run' of '_contextvars.Context' objects>",
    "<built-in method builtins.exec>",
    "<lambda>",
    "wrapper",
    "inner",
}


@dataclass(frozen=True)
class Piece:
    """A labelled function: its file's path ends with ``file``; ``name`` exact."""

    label: str
    file: str
    name: str


MAIN_PIECES = (
    Piece("CheckHandler.post (the handler)", "server/handlers.py", "post"),
    Piece("  parse_body (JSON decode of the body)", "server/requests.py", "parse_body"),
    Piece("  parse_cells", "server/requests.py", "parse_cells"),
    Piece("  HistoryStore.snapshot", "history/store.py", "snapshot"),
    Piece("  Diagnostic.to_json (all findings)", "engine/diagnostic.py", "to_json"),
    Piece("  json.dumps (response)", "json/__init__.py", "dumps"),
    Piece(
        "tornado: HTTP1Connection._read_message", "http1connection.py", "_read_message"
    ),
    Piece("tornado: RequestHandler._execute", "tornado/web.py", "_execute"),
    Piece("tornado: RequestHandler.finish", "tornado/web.py", "finish"),
    Piece("jupyter_server: prepare (auth, xsrf)", "base/handlers.py", "prepare"),
)

WORKER_PIECES = (
    Piece("Engine.check", "engine/checker.py", "check"),
    Piece("  Engine._timeline (replay history)", "engine/checker.py", "_timeline"),
    Piece("  RuleContext.__init__", "engine/context.py", "__init__"),
    Piece("  FactsCache.facts (cell analysis)", "engine/cache.py", "facts"),
    Piece("  apply_suppressions", "engine/suppression.py", "apply_suppressions"),
    Piece("  sorting the findings", "~", "<built-in method builtins.sorted>"),
)


#: The worker's hand-off of its result back to the event loop.
HANDOFF = Piece(
    "call_soon_threadsafe", "asyncio/base_events.py", "call_soon_threadsafe"
)


def cumulative_ms(stats: pstats.Stats | None, piece: Piece) -> float:
    """Cumulative ms of ``piece`` over the whole profile (0 when absent)."""
    ct = _cumulative(stats, piece) if stats is not None else None
    return (ct or 0.0) * 1000


def _per_check(ct: float, checks: int) -> float:
    return ct * 1000 / max(1, checks)


def busy_ms(stats: pstats.Stats) -> float:
    """Total time the thread ran Python, in ms (``epoll`` waits excluded)."""
    idle = sum(
        entry[2]
        for key, entry in stats.stats.items()  # type: ignore[attr-defined]
        if "poll" in key[2] and "select" in key[2]
    )
    return float(stats.total_tt - idle) * 1000  # type: ignore[attr-defined]


def _cumulative(stats: pstats.Stats, piece: Piece) -> float | None:
    """Largest cumulative seconds among matching entries (nested ones overlap)."""
    found = [
        entry[3]
        for key, entry in stats.stats.items()  # type: ignore[attr-defined]
        if key[0].replace("\\", "/").endswith(piece.file) and key[2] == piece.name
    ]
    return max(found) if found else None


def _rules(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Each rule's ``check`` (any module under ``engine/rules/``), seconds."""
    out = []
    for key, entry in stats.stats.items():  # type: ignore[attr-defined]
        path = key[0].replace("\\", "/")
        if "/engine/rules/" in path and key[2] == "check":
            out.append((f"  rule {Path(path).stem}.check", float(entry[3])))
    return sorted(out, key=lambda item: -item[1])


def load(path: str | None) -> pstats.Stats | None:
    """The stats in ``path``, or None when the thread was never profiled."""
    return pstats.Stats(path) if path else None


def pieces(
    stats: pstats.Stats | None, wanted: Sequence[Piece], checks: int
) -> list[tuple[str, str]]:
    """``(label, ms per check)`` for the named pieces; ``-`` when absent."""
    rows = []
    for piece in wanted:
        ct = _cumulative(stats, piece) if stats is not None else None
        rows.append(
            (piece.label, "-" if ct is None else f"{_per_check(ct, checks):.2f}")
        )
    if stats is not None and wanted is WORKER_PIECES:
        rows.extend(
            (label, f"{_per_check(ct, checks):.2f}") for label, ct in _rules(stats)
        )
    return rows


def top(
    stats: pstats.Stats | None, checks: int, n: int = 15
) -> list[tuple[str, str, str, str]]:
    """The ``n`` largest cumulative entries: (function, calls/check, cum ms, own ms)."""
    if stats is None:
        return []
    entries = [
        (key, entry)
        for key, entry in stats.stats.items()  # type: ignore[attr-defined]
        if key[2] not in _DISPATCH
        and not ("poll" in key[2] and "select" in key[2])
        and "_profile" not in key[0]
        and "disable" not in key[2]
    ]
    entries.sort(key=lambda item: -item[1][3])
    rows = []
    for (file, line, name), (_, calls, tt, ct, _) in entries[:n]:
        where = "/".join(Path(file).parts[-2:]) if file != "~" else ""
        label = f"{name} ({where}:{line})" if where else name
        rows.append(
            (
                label[:72],
                f"{calls / max(1, checks):.0f}",
                f"{_per_check(ct, checks):.2f}",
                f"{_per_check(tt, checks):.2f}",
            )
        )
    return rows
