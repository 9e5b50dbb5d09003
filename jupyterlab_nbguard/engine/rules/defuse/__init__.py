"""Rules about names in page order (``NBG0xx``/``NBG1xx``): no history needed."""

from __future__ import annotations

from ..base import Rule
from .syntax_error import SyntaxErrorRule
from .too_large import CellTooLargeRule
from .undefined_name import UndefinedNameRule
from .use_before_def import UseBeforeDefRule

DEFUSE_RULES: tuple[type[Rule], ...] = (
    SyntaxErrorRule,
    CellTooLargeRule,
    UseBeforeDefRule,
    UndefinedNameRule,
)
