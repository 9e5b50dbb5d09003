"""Plain values of a verification: what goes in, what comes out.

Outputs stay nbformat 4 dicts (``Mapping[str, Any]``): the button sends them as
JupyterLab holds them and the command line reads them from the file, so both
feed the comparison the same shape without a conversion layer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

#: One nbformat 4 output (``stream``, ``display_data``, ``execute_result``, ``error``).
Output = Mapping[str, Any]


class Status(str, Enum):
    """How one code cell fared, as the REST contract and the CLI name it."""

    SAME = "same"
    CHANGED = "changed"
    ERROR = "error"
    NOT_RUN = "not-run"
    SKIPPED = "skipped"

    @property
    def diverges(self) -> bool:
        """Whether this status can be a root cause (``changed`` or ``error``)."""
        return self in (Status.CHANGED, Status.ERROR)


@dataclass(frozen=True)
class Sanitizer:
    """A user rule: every match of ``pattern`` becomes ``replace`` on both sides."""

    pattern: re.Pattern[str]
    replace: str

    @classmethod
    def compile(cls, regex: str, replace: str) -> Sanitizer:
        """Compile ``regex``; raises :class:`re.error` when it is not one."""
        return cls(re.compile(regex, re.MULTILINE), replace)

    def apply(self, text: str) -> str:
        """Apply the rule (a replacement with a bad group reference is literal)."""
        try:
            return self.pattern.sub(self.replace, text)
        except (re.error, IndexError):
            return self.pattern.sub(lambda _match: self.replace, text)


@dataclass(frozen=True)
class Options:
    """What the user may tune; the defaults are the button's and the CLI's.

    ``float_tolerance``: two floats compare equal when they differ by at most this
    much, absolutely or relative to the larger (``math.isclose`` with both
    tolerances set to it). ``None`` compares them as text.
    """

    sanitizers: tuple[Sanitizer, ...] = ()
    compare_images: bool = False
    float_tolerance: float | None = None

    def extended(self, other: Options) -> Options:
        """These options with ``other``'s sanitizers added and its settings on top."""
        return Options(
            self.sanitizers + other.sanitizers,
            other.compare_images or self.compare_images,
            other.float_tolerance
            if other.float_tolerance is not None
            else self.float_tolerance,
        )


@dataclass(frozen=True)
class CellRun:
    """One code cell: what it showed before the restart and what it did after.

    ``before_count`` is the saved (or shown) execution count; a cell with no count
    and no outputs had never run, so there is nothing to compare it with.
    ``ran`` is false when the run stopped, was cancelled, or skipped the cell.
    """

    id: str
    source: str
    tags: tuple[str, ...] = ()
    before_count: int | None = None
    before_outputs: tuple[Output, ...] = ()
    ran: bool = True
    after_outputs: tuple[Output, ...] = ()

    @property
    def never_ran(self) -> bool:
        """Whether the saved notebook shows no sign that this cell ever ran."""
        return self.before_count is None and not self.before_outputs


@dataclass(frozen=True)
class CellVerdict:
    """The comparison of one cell."""

    cell_id: str
    status: Status
    diff: str | None = None
    consequence_of: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Serialise as the contract's per-cell result."""
        return {
            "cell_id": self.cell_id,
            "status": self.status.value,
            "diff": self.diff,
            "consequence_of": self.consequence_of,
        }


@dataclass(frozen=True)
class Verification:
    """The comparison of a whole notebook."""

    cells: tuple[CellVerdict, ...] = field(default_factory=tuple)

    @property
    def reproduced(self) -> bool:
        """True when no cell is ``changed``, ``error`` or ``not-run``."""
        return not any(
            c.status in (Status.CHANGED, Status.ERROR, Status.NOT_RUN)
            for c in self.cells
        )

    @property
    def first_divergence(self) -> str | None:
        """The first cell, in page order, whose status is ``changed`` or ``error``."""
        return next((c.cell_id for c in self.cells if c.status.diverges), None)

    def to_json(self) -> dict[str, Any]:
        """Serialise as the contract's ``verify/compare`` response."""
        return {
            "reproduced": self.reproduced,
            "first_divergence": self.first_divergence,
            "cells": [c.to_json() for c in self.cells],
        }
