"""Find notebook files and read them into the engine's values.

Saved notebooks carry no history, so the engine gets ``executions=None`` and the
saved execution counts stand in for it. Whatever is wrong with a file becomes a
one-line :class:`NotebookFileError`; the other files are still checked.
"""

from __future__ import annotations

import glob
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import Cell, Notebook

#: Files larger than this are refused rather than read into memory.
MAX_BYTES = 100 * 1024 * 1024
_SOURCE_KEY = re.compile(r'^\s*"source":\s*(\[)?')


class NotebookFileError(Exception):
    """A file that cannot be checked; the message is one line for people."""


@dataclass(frozen=True)
class LoadedNotebook:
    """A notebook read from disk, with what reports need to point into the file.

    ``source_lines`` maps a cell id to the 1-based line of the file where the
    cell's first source line is, when the file uses nbformat's usual layout.
    """

    path: str
    notebook: Notebook
    source_lines: dict[str, int] = field(default_factory=dict)
    note: str | None = None


def discover(arguments: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files, directories (recursively) and globs into notebook paths.

    Returns the paths found, in a stable order without duplicates, and
    ``(argument, reason)`` for each argument that matched nothing.
    """
    found: dict[Path, None] = {}
    problems: list[tuple[str, str]] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            matches = sorted(
                p
                for p in path.rglob("*.ipynb")
                if ".ipynb_checkpoints" not in p.parts
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            matches = [path]
        elif glob.has_magic(argument):
            matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
        else:
            problems.append((argument, "no such file or directory"))
            continue
        if not matches:
            problems.append((argument, "no notebooks found"))
        for match in matches:
            found.setdefault(match, None)
    return list(found), problems


def _source_lines(text: str, ids: list[str]) -> dict[str, int]:
    """Locate each cell's source in the file, if the layout is nbformat's own."""
    starts = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _SOURCE_KEY.match(line)
        if match:
            starts.append(number + 1 if match.group(1) else number)
    if len(starts) != len(ids):
        return {}
    return dict(zip(ids, starts, strict=True))


def _language(metadata: dict[str, Any]) -> str:
    """The notebook's kernel language, as its metadata says (default Python)."""
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(section, {})
        name = value.get(key) if isinstance(value, dict) else None
        if isinstance(name, str) and name:
            return name.lower()
    return "python"


def _upgrade(text: str) -> dict[str, Any]:
    """Convert an nbformat 1-3 notebook to version 4 with nbformat itself.

    Imported only here: nbformat (through jsonschema) takes about a second to
    import, and version 4 files, nearly all of them, need only ``json``.
    """
    import nbformat

    try:
        node = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    except Exception as error:
        raise NotebookFileError(f"not a valid notebook: {error}") from error
    return dict(node)


def load(path: Path) -> LoadedNotebook:
    """Read ``path`` as a notebook of any nbformat version.

    Raises
    ------
    NotebookFileError
        If the file is unreadable, too large, not JSON or not a notebook.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise NotebookFileError(
                f"file is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit"
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotebookFileError(
            f"not UTF-8 text (notebooks are UTF-8 JSON): {error.reason} at byte "
            f"{error.start}"
        ) from error
    except OSError as error:
        raise NotebookFileError(f"cannot read: {error.strerror or error}") from error
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookFileError(f"not valid JSON: {error}") from error
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise NotebookFileError("not a Jupyter notebook (no nbformat version)")
    original = raw.get("nbformat") == 4
    node = raw if original else _upgrade(text)
    cells_json = node.get("cells")
    if not isinstance(cells_json, list):
        raise NotebookFileError("not a valid notebook: 'cells' is not a list")
    cells: list[Cell] = []
    for i, cell in enumerate(cells_json):
        if not isinstance(cell, dict):
            raise NotebookFileError(f"not a valid notebook: cell {i} is not an object")
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        count = cell.get("execution_count")
        cells.append(
            Cell(
                # Ids that an upgrade from nbformat < 4 invented are not the file's.
                id=str((original and cell.get("id")) or f"index:{i}"),
                cell_type=str(cell.get("cell_type", "raw")),
                source=str(source),
                execution_count=count if isinstance(count, int) else None,
            )
        )
    metadata = node.get("metadata")
    language = _language(metadata if isinstance(metadata, dict) else {})
    note = None
    if language != "python":
        note = f"kernel language is {language!r}: rules about Python names skipped"
    major = raw.get("nbformat")
    lines = _source_lines(text, [c.id for c in cells]) if major == 4 else {}
    return LoadedNotebook(
        str(path), Notebook(tuple(cells), language=language), lines, note
    )
