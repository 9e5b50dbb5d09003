"""The diagnostic value a rule yields, serialised exactly as the REST contract says."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import Enum
from json.encoder import encode_basestring_ascii as _string
from typing import Any, Literal

from .model import Range


class Severity(Enum):
    """How much a finding matters; the order is ``error > warning > info``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True)
class Related:
    """Where the conflicting definition or execution is."""

    cell_id: str | None
    execution_count: int | None
    message: str

    def to_json(self) -> dict[str, Any]:
        """Serialise as the REST contract's ``Related``."""
        return {
            "cell_id": self.cell_id,
            "execution_count": self.execution_count,
            "message": self.message,
        }


@dataclass(frozen=True)
class Fix:
    """The notebook edit that resolves a finding, for the frontend's quick action.

    Which code goes where is analysis, so the rule says it and the frontend
    only carries it out: ``insert-cell`` puts a new code cell with ``source``
    above ``before_cell_id`` (at the end when None); ``move-cell`` moves the
    cell ``cell_id`` above ``before_cell_id``.
    """

    kind: Literal["insert-cell", "move-cell"]
    before_cell_id: str | None
    source: str | None = None
    cell_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Serialise as the REST contract's ``Fix`` (only the kind's own fields)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "before_cell_id": self.before_cell_id,
        }
        if self.source is not None:
            data["source"] = self.source
        if self.cell_id is not None:
            data["cell_id"] = self.cell_id
        return data


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about a cell (or, with ``cell_id`` None, the notebook).

    Slotted, with its order and JSON text made when it is: checks keep and
    regroup thousands of findings, and a slotted object's fields sit in the
    object itself, which halves the memory each pass over them touches.
    """

    code: str
    rule: str
    severity: Severity
    cell_id: str | None
    message: str
    range: Range | None = None
    names: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    #: Optional: the edit that resolves it (serialised only when present).
    fix: Fix | None = None
    #: Its order within its cell: by start, then code; rangeless ones first.
    place: tuple[int, int, str] = field(init=False, repr=False, compare=False)
    #: :meth:`to_json` as compact JSON text (see :func:`_json_text`).
    json_text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start = self.range.start if self.range else None
        place = (start.line, start.column, self.code) if start else (-1, -1, self.code)
        object.__setattr__(self, "place", place)
        object.__setattr__(self, "json_text", _json_text(self))

    def with_severity(self, severity: Severity) -> Diagnostic:
        """Return a copy with another severity."""
        return replace(self, severity=severity)

    def to_json(self) -> dict[str, Any]:
        """Serialise as the REST contract's ``Diagnostic``."""
        data: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "cell_id": self.cell_id,
            "message": self.message,
            "range": self.range.to_json() if self.range else None,
            "names": list(self.names),
            "related": [r.to_json() for r in self.related],
        }
        if self.fix is not None:
            data["fix"] = self.fix.to_json()
        return data


def _nullable(text: str | None) -> str:
    return "null" if text is None else _string(text)


def _count(count: int | None) -> str:
    return "null" if count is None else str(int(count))


def _json_text(diagnostic: Diagnostic) -> str:
    """:meth:`Diagnostic.to_json` as compact JSON text, made once per diagnostic.

    Checks reuse the diagnostics of cells that did not change (see
    :meth:`~.context.RuleContext.remember`), so a response of thousands of
    findings is mostly a join of texts already made.
    """
    # Written out field by field with json's own C string encoder: equal to
    # json.dumps(diagnostic.to_json(), separators=(",", ":")) (a test holds them
    # equal), at a third of the cost, for the hundreds of findings a re-run
    # can change at once.
    r = diagnostic.range
    where = (
        "null"
        if r is None
        else f'{{"start":{{"line":{r.start.line},"column":{r.start.column}}},'
        f'"end":{{"line":{r.end.line},"column":{r.end.column}}}}}'
    )
    names = ",".join(_string(n) for n in diagnostic.names)
    related = ",".join(
        f'{{"cell_id":{_nullable(x.cell_id)},'
        f'"execution_count":{_count(x.execution_count)},'
        f'"message":{_string(x.message)}}}'
        for x in diagnostic.related
    )
    fix = (
        ""
        if diagnostic.fix is None
        else ',"fix":' + json.dumps(diagnostic.fix.to_json(), separators=(",", ":"))
    )
    return (
        f'{{"code":{_string(diagnostic.code)},"rule":{_string(diagnostic.rule)},'
        f'"severity":"{diagnostic.severity.value}","cell_id":{_nullable(diagnostic.cell_id)},'
        f'"message":{_string(diagnostic.message)},"range":{where},'
        f'"names":[{names}],"related":[{related}]{fix}}}'
    )
