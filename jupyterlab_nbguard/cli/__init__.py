"""``jupyter nbguard check``: the engine on saved notebooks, for CI and pre-commit.

Exit status: 0 clean, 1 findings at or above ``--fail-on`` (default ``warning``),
2 usage errors or files that could not be checked (one line each on stderr; the
other files are still checked).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..engine import Engine, Severity
from ..engine.registry import UnknownSelectorError, resolve_rules
from .config import SEVERITIES, ConfigError, find_config
from .files import NotebookFileError, discover, load
from .formats import FileResult, render_github, render_json, render_sarif, render_text
from .verify import add_verify_parser, run_verify

#: Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 8


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def check_file(path: str, select: list[str], ignore: list[str]) -> FileResult:
    """Check one notebook file; never raises for a bad file."""
    try:
        loaded = load(Path(path))
    except NotebookFileError as error:
        return FileResult(path, error=str(error))
    cells = loaded.notebook.cells
    diagnostics = Engine().check(loaded.notebook, select, ignore)
    return FileResult(
        path,
        tuple(diagnostics),
        note=loaded.note,
        cell_numbers=tuple((c.id, i + 1) for i, c in enumerate(cells)),
        source_lines=tuple(loaded.source_lines.items()),
    )


def _check_all(
    paths: list[Path], select: list[str], ignore: list[str], jobs: int
) -> list[FileResult]:
    names = [str(p) for p in paths]
    if jobs <= 1 or len(names) < _PARALLEL_FROM:
        return [check_file(n, select, ignore) for n in names]
    chunk = max(1, len(names) // (jobs * 4))
    with ProcessPoolExecutor(jobs) as pool:
        return list(
            pool.map(
                check_file,
                names,
                [select] * len(names),
                [ignore] * len(names),
                chunksize=chunk,
            )
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter nbguard",
        description="Find hidden-state hazards in Jupyter notebooks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="analyse saved notebooks (no kernel needed)",
        description="Analyse saved notebooks; saved execution counts stand in for "
        "the kernel's history.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, globs")
    check.add_argument(
        "--format", choices=("text", "json", "sarif", "github"), default="text"
    )
    check.add_argument(
        "--select", help="codes, prefixes or rule names, comma separated"
    )
    check.add_argument(
        "--ignore", help="codes, prefixes or rule names, comma separated"
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        help="lowest severity that fails the run (default: warning)",
    )
    check.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes for many files (default: one per core)",
    )
    add_verify_parser(commands)
    return parser


def _fails(results: Sequence[FileResult], fail_on: str) -> bool:
    threshold = Severity(fail_on).rank
    return any(d.severity.rank >= threshold for r in results for d in r.diagnostics)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "verify":
        return run_verify(args)
    try:
        config = find_config(Path.cwd())
        select = _split(args.select) or config.select
        ignore = _split(args.ignore) or config.ignore
        resolve_rules(select, ignore)
    except (ConfigError, UnknownSelectorError) as error:
        print(f"nbguard: error: {error}", file=sys.stderr)
        return 2
    fail_on = args.fail_on or config.fail_on or "warning"
    paths, missing = discover(args.paths)
    results = _check_all(paths, select, ignore, max(1, args.jobs))
    for argument, reason in missing:
        print(f"{argument}: error: {reason}", file=sys.stderr)
    for result in results:
        if result.error:
            print(f"{result.path}: error: {result.error}", file=sys.stderr)
        elif result.note:
            print(f"{result.path}: note: {result.note}", file=sys.stderr)
    checked = [r for r in results if r.error is None]
    if args.format == "json":
        print(render_json(checked, pretty=sys.stdout.isatty()))
    elif args.format == "sarif":
        from .._version import __version__

        print(render_sarif(checked, __version__))
    elif args.format == "github":
        report = render_github(checked)
        if report:
            print(report)
    else:
        print(render_text(checked, colour=sys.stdout.isatty()))
    if missing or len(checked) != len(results):
        return 2
    return 1 if _fails(checked, fail_on) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
