"""Validate REST request bodies into engine values, with messages naming the field."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import orjson
from tornado import web

from ..engine import Cell

#: A UTF-16 surrogate left alone: valid in JSON (``"\ud800"``) and in a browser's
#: string, but not encodable as UTF-8, which Python's parser needs.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def http_error(status: int, message: str) -> web.HTTPError:
    """An error that ``APIHandler`` turns into JSON ``{"message", "reason"}``."""
    # Passed as an argument, never as the format string: messages quote input.
    return web.HTTPError(status, "%s", message)


def parse_body(body: bytes, limit: int) -> dict[str, Any]:
    """Decode a JSON object body, or raise a 400/413 that says what is wrong."""
    if len(body) > limit:
        raise http_error(
            413, f"request body is {len(body)} bytes; the limit is {limit}"
        )
    if not body.strip():
        raise http_error(400, "request body is empty; expected a JSON object")
    try:
        # orjson parses a whole notebook several times faster; whatever it
        # refuses (NaN, a lone surrogate, deep nesting, bad UTF-8) goes to the
        # standard parser, which decides, and whose messages the client gets.
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = _standard_loads(body)
    if not isinstance(data, dict):
        raise http_error(400, "request body must be a JSON object")
    return data


def _standard_loads(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise http_error(400, f"request body is not valid JSON: {error}") from error
    except RecursionError as error:
        # The C decoder gives up near the interpreter's recursion limit (about
        # 1,000 levels); no field of the contract nests anywhere near that.
        raise http_error(400, "request body is nested too deeply") from error


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD.

    Both are one UTF-16 code unit and one Python character, so every position
    the engine reports in the result is right for the text the client sent.
    """
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def optional_string(data: dict[str, Any], field: str) -> str | None:
    """Read ``field`` as a string or null."""
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        raise http_error(400, f"{field} must be a string or null")
    return value


def optional_strings(data: dict[str, Any], field: str) -> list[str] | None:
    """Read ``field`` as a list of strings or null."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise http_error(400, f"{field} must be a list of strings or null")
    return value


def parse_cells(
    data: dict[str, Any],
    held: Mapping[str, Cell] | None = None,
    latest: Mapping[str, Cell] | None = None,
) -> tuple[Cell, ...]:
    """Read ``cells`` as the contract's ``[Cell]``.

    ``held`` are the cells of the request that the body's ``since`` answered:
    a cell without a ``source`` keeps the source it had there (the client
    sends only the sources that changed). Without ``held`` every cell needs one.

    A cell equal to one of ``held`` (or, without it, of ``latest``, the last
    request about the same notebook) is that very object: the engine compares
    cells by identity to find what changed (``engine.carryover``), so a client
    that sends the whole notebook every time costs what one that sends only
    the changes does, but for the string comparisons.
    """
    raw = data.get("cells")
    if raw is None:
        raise http_error(400, "cells is required: a list of {id, cell_type, source}")
    if not isinstance(raw, list):
        raise http_error(400, "cells must be a list")
    reference = held if held is not None else latest
    cells: list[Cell] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        # Fast path, most cells of a request: an object naming a known cell,
        # with its type, count and source (or, with ``since``, no source). It
        # is that very cell; anything else takes the full path, which also
        # finds every error.
        if reference is not None and type(item) is dict:
            cell_id = item.get("id")
            kept = reference.get(cell_id) if isinstance(cell_id, str) else None
            count = item.get("execution_count")
            if (
                kept is not None
                and kept.id not in seen
                and kept.cell_type == item.get("cell_type")
                and kept.execution_count == count
                and type(count) is not bool
            ):
                source = item.get("source", _ABSENT)
                if source == kept.source or (source is _ABSENT and held is not None):
                    seen.add(kept.id)
                    cells.append(kept)
                    continue
        cells.append(_parse_cell(item, f"cells[{i}]", held, seen))
    return tuple(cells)


#: A field the client left out (``None`` is a value: JSON null).
_ABSENT = object()


def _parse_cell(
    item: object, where: str, held: Mapping[str, Cell] | None, seen: set[str]
) -> Cell:
    """One cell of ``cells``, validated (``where`` names it in errors)."""
    cell_id = cell_id_of(item, where, seen)
    assert isinstance(item, dict)
    cell_type = item.get("cell_type")
    if cell_type not in ("code", "markdown", "raw"):
        raise http_error(400, f"{where}.cell_type must be code, markdown or raw")
    source = item.get("source")
    if source is None and "source" not in item:
        source = _held_source(held, cell_id, where)
    else:
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)  # nbformat's multi-line form
        if not isinstance(source, str):
            raise http_error(400, f"{where}.source must be a string")
        source = without_lone_surrogates(source)
    count = item.get("execution_count")
    if count is not None and (
        not isinstance(count, int) or isinstance(count, bool) or count < 0
    ):
        raise http_error(
            400, f"{where}.execution_count must be a non-negative integer or null"
        )
    return Cell(cell_id, cell_type, source, count)


class UnknownSinceError(Exception):
    """A cell omitted its source, but no held answer says what it was."""

    def __init__(self, where: str) -> None:
        super().__init__(f"{where}.source")
        #: The field, e.g. ``cells[3]``.
        self.where = where


def _held_source(held: Mapping[str, Cell] | None, cell_id: str, where: str) -> str:
    if held is None:
        raise UnknownSinceError(where)
    cell = held.get(cell_id)
    if cell is None:
        raise http_error(
            400, f"{where}.source is required: the cell was not in the since request"
        )
    return cell.source


def cell_id_of(item: object, where: str, seen: set[str]) -> str:
    """The id of the cell object ``item`` (at ``where``), unique among ``seen``.

    Raises
    ------
    tornado.web.HTTPError
        400 naming the field when ``item`` is not an object or its id is
        missing, empty or already used.
    """
    if not isinstance(item, dict):
        raise http_error(400, f"{where} must be an object")
    cell_id = item.get("id")
    if not isinstance(cell_id, str) or not cell_id:
        raise http_error(400, f"{where}.id must be a non-empty string")
    if cell_id in seen:
        raise http_error(400, f"{where}.id {cell_id!r} is used by another cell")
    seen.add(cell_id)
    return cell_id
