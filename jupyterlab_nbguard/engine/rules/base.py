"""The rule interface: a class with a code, a name, a severity and ``check``."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from ..diagnostic import Diagnostic, Related, Severity

if TYPE_CHECKING:
    from ..context import RuleContext
    from ..model import Range


class Needs(Enum):
    """What a rule needs from a check; the engine runs it only when it has it."""

    #: The cell sources read as (I)Python: not for other kernels' languages.
    PYTHON = "python"
    #: A live kernel's execution history (not saved execution counts).
    KERNEL = "kernel"
    #: A saved notebook without a kernel: its counts are all the history there is.
    SAVED = "saved"
    #: The live namespace, when it may be read (optional: weighs findings).
    LIVE_NAMES = "live-names"


class Scope(Enum):
    """What a rule's finding about one cell depends on, besides that cell.

    The cell itself is its id, type, source and saved execution count. The
    engine keeps the findings of a rule whose scope is narrower than the
    notebook per cell, and after an edit re-checks only the cells that changed.
    """

    #: Anything in the notebook (cells above or below, names bound anywhere).
    NOTEBOOK = "notebook"
    #: Nothing else.
    CELL = "cell"
    #: The kernel session's history and the page order of the cells.
    HISTORY = "history"
    #: Only the kernel session's history and the order of the cells (their ids
    #: and types), not their sources: with a live kernel, the engine reuses
    #: the rule's findings until one of those changes.
    ORDER = "order"


class Rule(ABC):
    """A check over a :class:`~..context.RuleContext` that yields diagnostics.

    The class docstring is the user documentation: a one-line summary, then
    ``## What it does``, ``## Why is this bad?``, ``## Example`` and
    ``## How to fix it`` sections (``docs/rules.md`` is generated from them).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    #: What the rule needs (LIVE_NAMES is used when available, never required).
    needs: ClassVar[frozenset[Needs]] = frozenset({Needs.PYTHON})
    #: What its finding about a cell depends on besides the cell (see Scope).
    #: A narrower scope must only iterate ``ctx.code_cells`` or
    #: ``ctx.last_runs()`` and report on the cell it is at.
    scope: ClassVar[Scope] = Scope.NOTEBOOK

    @classmethod
    def applies(cls, python: bool, kernel: bool) -> bool:
        """Whether the rule can run on a check with (or without) these inputs."""
        needs = cls.needs
        return (
            (python or Needs.PYTHON not in needs)
            and (kernel or Needs.KERNEL not in needs)
            and (not kernel or Needs.SAVED not in needs)
        )

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring."""
        return inspect.cleandoc(cls.__doc__ or "").split("\n", 1)[0]

    @classmethod
    def description(cls) -> str:
        """The docstring after its first line, as Markdown."""
        parts = inspect.cleandoc(cls.__doc__ or "").split("\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    def diagnostic(
        self,
        cell_id: str | None,
        message: str,
        where: Range | None = None,
        names: Iterable[str] = (),
        related: Iterable[Related] = (),
    ) -> Diagnostic:
        """Build a diagnostic of this rule."""
        return Diagnostic(
            code=self.code,
            rule=self.name,
            severity=self.severity,
            cell_id=cell_id,
            message=message,
            range=where,
            names=tuple(names),
            related=tuple(related),
        )

    @abstractmethod
    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Yield this rule's findings."""
