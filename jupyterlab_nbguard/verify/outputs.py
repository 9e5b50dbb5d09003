"""A cell's outputs as comparable lines, one labelled block per output.

Execution counts, output metadata and ``transient`` are left out: they differ
between honest runs. Streams are coalesced per stream name (stdout, then
stderr), so their interleaving does not matter. Errors keep only the exception
type and message; tracebacks carry paths, line numbers and colours. Images
count only when asked, and then only by MIME type; bytes are never compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .html import visible_text
from .model import Options, Output
from .text import normalise, sanitize

_STREAMS = ("stdout", "stderr")
_WIDGET = "application/vnd.jupyter.widget-view+json"
#: Keys of a widget view that name the model, a new one on every run.
_WIDGET_IDS = frozenset({"model_id"})


def joined(value: object) -> str:
    """Join nbformat's multi-line strings (a list of lines) into one."""
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def is_error(output: Output) -> bool:
    """Whether ``output`` is an exception the cell raised."""
    return output.get("output_type") == "error"


def _is_image(mime: str) -> bool:
    return mime.startswith("image/") or mime == "application/pdf"


def _json_text(value: Any, options: Options, drop: frozenset[str] = frozenset()) -> str:
    if isinstance(value, Mapping) and drop:
        value = {k: v for k, v in value.items() if k not in drop}
    try:
        text = json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return normalise(text, options.sanitizers)


def _mime_block(mime: str, value: Any, options: Options) -> list[str]:
    if _is_image(mime):
        return [f"[{mime}]"] if options.compare_images else []
    if mime == _WIDGET:
        return [f"[{mime}]", _json_text(value, options, _WIDGET_IDS)]
    if mime.endswith("json") or not isinstance(value, (str, list)):
        return [f"[{mime}]", _json_text(value, options)]
    text = joined(value)
    if mime == "text/html":
        # The user's patterns see the markup, as nbval's do; ours see the text.
        text = normalise(visible_text(sanitize(text, options.sanitizers)))
    else:
        text = normalise(text, options.sanitizers)
    return [f"[{mime}]", text]


def _bundle(data: object, options: Options) -> list[str]:
    # Whether it was displayed or returned is not visible: only MIME types label.
    lines: list[str] = []
    if isinstance(data, Mapping):
        for mime in sorted(data):
            lines.extend(_mime_block(str(mime), data[mime], options))
    return lines


def _error(output: Output, options: Options) -> list[str]:
    ename = str(output.get("ename", ""))
    evalue = normalise(joined(output.get("evalue", "")), options.sanitizers)
    return ["[error]", f"{ename}: {evalue}" if evalue else ename]


def canonical_lines(outputs: Iterable[Output], options: Options) -> list[str]:
    """Render ``outputs`` as the lines that are compared and diffed."""
    rich: list[str] = []
    streams: dict[str, list[str]] = {}
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name = str(output.get("name", "stdout"))
            streams.setdefault(name, []).append(joined(output.get("text", "")))
        elif kind == "error":
            rich.extend(_error(output, options))
        elif kind in ("display_data", "execute_result"):
            rich.extend(_bundle(output.get("data"), options))
    lines: list[str] = []
    for name in sorted(streams, key=lambda n: (n not in _STREAMS, _rank(n), n)):
        text = normalise("".join(streams[name]), options.sanitizers)
        if text:
            lines.extend([f"[{name}]", text])
    lines.extend(rich)
    return [line for block in lines for line in block.split("\n")]


def _rank(name: str) -> int:
    return _STREAMS.index(name) if name in _STREAMS else len(_STREAMS)
