"""Render check results as text, JSON, SARIF 2.1.0 or GitHub workflow commands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import Diagnostic, Severity
from ..engine.rules import ALL_RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_COLOUR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


@dataclass(frozen=True)
class FileResult:
    """The outcome of checking one file: diagnostics, or why it could not be."""

    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    note: str | None = None
    cell_numbers: tuple[tuple[str, int], ...] = ()
    source_lines: tuple[tuple[str, int], ...] = ()

    def cell_number(self, cell_id: str | None) -> int | None:
        """The 1-based position of a cell in the notebook."""
        return dict(self.cell_numbers).get(cell_id or "")

    def file_line(self, diagnostic: Diagnostic) -> int:
        """The 1-based line in the .ipynb file the diagnostic points at."""
        start = dict(self.source_lines).get(diagnostic.cell_id or "")
        if start is None:
            return 1
        return start + (diagnostic.range.start.line if diagnostic.range else 0)


def _where(result: FileResult, diagnostic: Diagnostic) -> str:
    number = result.cell_number(diagnostic.cell_id)
    cell = f"cell {number}" if number else "notebook"
    if diagnostic.range is None:
        return f"{result.path}:{cell}"
    start = diagnostic.range.start
    return f"{result.path}:{cell}:{start.line + 1}:{start.column + 1}"


def render_text(results: Sequence[FileResult], colour: bool) -> str:
    """``path:cell N:line:col: CODE message``, one finding per line."""
    lines = []
    for result in results:
        for d in result.diagnostics:
            code = f"{_COLOUR[d.severity.value]}{d.code}{_RESET}" if colour else d.code
            lines.append(f"{_where(result, d)}: {code} [{d.rule}] {d.message}")
    total = sum(len(r.diagnostics) for r in results)
    checked = sum(1 for r in results if r.error is None)
    lines.append(f"{total} finding(s) in {checked} notebook(s)")
    return "\n".join(lines)


def render_json(results: Sequence[FileResult], pretty: bool = False) -> str:
    """The contract's ``{"files": [{"path", "diagnostics"}]}``.

    Compact unless ``pretty``: indenting makes ``json`` fall back to its pure
    Python encoder, a tenth of the run time on large corpora.
    """
    return json.dumps(
        {
            "files": [
                {"path": r.path, "diagnostics": [d.to_json() for d in r.diagnostics]}
                for r in results
                if r.error is None
            ]
        },
        indent=2 if pretty else None,
    )


def _sarif_rule(code: str) -> dict[str, Any]:
    rule = ALL_RULES[code]
    return {
        "id": rule.code,
        "name": "".join(part.title() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.description()},
        "help": {"text": rule.description(), "markdown": rule.description()},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity.value]},
        "properties": {"tags": ["notebook", "reproducibility"], "rule": rule.name},
    }


def _sarif_result(result: FileResult, d: Diagnostic) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": result.file_line(d)}
    number = result.cell_number(d.cell_id)
    prefix = f"cell {number}: " if number else ""
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": result.path.replace("\\", "/")},
            "region": region,
        }
    }
    if d.cell_id is not None:
        location["logicalLocations"] = [{"name": d.cell_id, "kind": "module"}]
    return {
        "ruleId": d.code,
        "ruleIndex": list(ALL_RULES).index(d.code),
        "level": _SARIF_LEVEL[d.severity.value],
        "message": {"text": prefix + d.message},
        "locations": [location],
    }


def render_sarif(results: Sequence[FileResult], version: str) -> str:
    """A SARIF 2.1.0 log for GitHub code scanning and other SARIF consumers."""
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nbguard",
                        "version": version,
                        "informationUri": "https://github.com/nbguard/jupyterlab-nbguard",
                        "rules": [_sarif_rule(code) for code in ALL_RULES],
                    }
                },
                "results": [
                    _sarif_result(r, d) for r in results for d in r.diagnostics
                ],
            }
        ],
    }
    return json.dumps(log, indent=2)


def _escape(value: str, *, property_: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(results: Sequence[FileResult]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request."""
    command = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "notice",
    }
    lines = []
    for result in results:
        for d in result.diagnostics:
            number = result.cell_number(d.cell_id)
            title = f"{d.code} {d.rule}" + (f" (cell {number})" if number else "")
            properties = [
                f"file={_escape(result.path, property_=True)}",
                f"line={result.file_line(d)}",
                f"title={_escape(title, property_=True)}",
            ]
            lines.append(
                f"::{command[d.severity]} {','.join(properties)}::{_escape(d.message)}"
            )
    return "\n".join(lines)
