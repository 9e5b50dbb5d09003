"""``jupyter nbguard verify``: re-run saved notebooks and compare their outputs.

Each notebook runs top to bottom in its own new kernel (its kernelspec unless
``--kernel``), and every code cell's new outputs are compared with the saved
ones by :mod:`jupyterlab_nbguard.verify`, the same comparison the button uses.
Exit status: 0 every notebook reproduced, 1 any did not, 2 usage errors or a
notebook that could not be run (one line each on stderr; the others still run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..verify import (
    Options,
    SanitizeFileError,
    Status,
    Verification,
    VerifyConfigError,
    find_verify_options,
    read_sanitize_file,
    verify,
)
from .files import discover
from .verify_run import NotebookRun, RunError, run_notebook


@dataclass(frozen=True)
class VerifiedFile:
    """One notebook's outcome: a verification, or why it could not be run."""

    path: str
    verification: Verification | None = None
    numbers: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()
    error: str | None = None

    def number(self, cell_id: str | None) -> str:
        """``cell N`` (1-based among all cells) for messages."""
        return f"cell {dict(self.numbers).get(cell_id or '', '?')}"


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number


def add_verify_parser(commands: Any) -> None:
    """Add the ``verify`` subcommand to the ``jupyter nbguard`` parser."""
    parser = commands.add_parser(
        "verify",
        help="re-run notebooks in a fresh kernel and compare their outputs",
        description="Run each notebook top to bottom in a fresh kernel and compare "
        "every code cell's outputs with the saved ones (after normalisation). "
        "The files are never rewritten.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders, globs"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--timeout", type=_positive, metavar="SECONDS", help="limit per cell"
    )
    parser.add_argument("--kernel", metavar="NAME", help="kernelspec to use instead")
    parser.add_argument(
        "--stop-on-error",
        action="store_true",
        help="stop at the first unexpected error (default: run every cell)",
    )
    parser.add_argument(
        "--sanitize-with",
        type=Path,
        metavar="FILE",
        help="extra regex replacements, in nbval's sanitize-file format",
    )
    parser.add_argument(
        "--jobs", type=_positive, default=1, help="notebooks run at once (default 1)"
    )


async def _verify_one(
    path: Path, args: argparse.Namespace, options: Options, gate: asyncio.Semaphore
) -> VerifiedFile:
    async with gate:
        try:
            run: NotebookRun = await run_notebook(
                path, args.kernel, args.timeout, args.stop_on_error
            )
        except RunError as error:
            return VerifiedFile(str(path), error=str(error))
    return VerifiedFile(
        str(path),
        verify(run.cells, options),
        tuple(run.numbers.items()),
        tuple(run.notes),
    )


async def _verify_all(
    paths: list[Path], args: argparse.Namespace, options: Options
) -> list[VerifiedFile]:
    gate = asyncio.Semaphore(args.jobs)
    return list(
        await asyncio.gather(*(_verify_one(p, args, options, gate) for p in paths))
    )


def render_json(results: Sequence[VerifiedFile], pretty: bool = False) -> str:
    """The contract's ``{"files": [{"path", "reproduced", "cells", ...}]}``."""
    files = []
    for result in results:
        if result.verification is None:
            continue
        body = result.verification.to_json()
        files.append(
            {
                "path": result.path,
                "reproduced": body["reproduced"],
                "cells": body["cells"],
                "first_divergence": body["first_divergence"],
            }
        )
    return json.dumps({"files": files}, indent=2 if pretty else None)


def _summary(result: VerifiedFile, verification: Verification) -> str:
    cells = verification.cells
    kept = sum(c.status in (Status.SAME, Status.SKIPPED) for c in cells)
    skipped = sum(c.status is Status.SKIPPED for c in cells)
    counts = f"{kept} of {len(cells)} code cells reproduced"
    if skipped:
        counts += f" ({skipped} skipped)"
    if verification.reproduced:
        return f"{result.path}: reproduced: {counts}"
    first = verification.first_divergence
    where = f"; first divergence: {result.number(first)}" if first else ""
    return f"{result.path}: NOT reproduced: {counts}{where}"


def render_text(results: Sequence[VerifiedFile]) -> str:
    """A summary per notebook, then each cell that differs with its diff."""
    lines = []
    for result in results:
        verification = result.verification
        if verification is None:
            continue
        lines.append(_summary(result, verification))
        for cell in verification.cells:
            if cell.status in (Status.SAME, Status.SKIPPED):
                continue
            where = f"{result.path}:{result.number(cell.cell_id)}"
            if cell.cell_id == verification.first_divergence:
                role = " (root cause)"
            elif cell.consequence_of:
                role = f" (consequence of {result.number(cell.consequence_of)})"
            else:
                role = ""
            lines.append(f"{where}: {cell.status.value}{role}")
            if cell.diff:
                lines.extend(f"    {line}" for line in cell.diff.splitlines())
    verified = [r for r in results if r.verification is not None]
    good = sum(1 for r in verified if r.verification and r.verification.reproduced)
    lines.append(f"{good} of {len(verified)} notebook(s) reproduced")
    return "\n".join(lines)


def _options(args: argparse.Namespace) -> Options:
    options = find_verify_options(Path.cwd())
    if args.sanitize_with is not None:
        extra = Options(tuple(read_sanitize_file(args.sanitize_with)))
        options = options.extended(extra)
    return options


def run_verify(args: argparse.Namespace) -> int:
    """Run ``jupyter nbguard verify``; return the exit status."""
    try:
        options = _options(args)
    except (SanitizeFileError, VerifyConfigError) as error:
        print(f"nbguard: error: {error}", file=sys.stderr)
        return 2
    paths, missing = discover(args.paths)
    results = asyncio.run(_verify_all(paths, args, options)) if paths else []
    for argument, reason in missing:
        print(f"{argument}: error: {reason}", file=sys.stderr)
    for result in results:
        if result.error:
            print(f"{result.path}: error: {result.error}", file=sys.stderr)
        for note in result.notes:
            print(f"{result.path}: note: {note}", file=sys.stderr)
    if args.format == "json":
        print(render_json(results, pretty=sys.stdout.isatty()))
    else:
        print(render_text(results))
    if missing or any(r.error for r in results):
        return 2
    return (
        0 if all(r.verification and r.verification.reproduced for r in results) else 1
    )
