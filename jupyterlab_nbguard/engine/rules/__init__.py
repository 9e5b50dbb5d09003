"""Every rule nbguard has, by code. Codes are never reused for another meaning."""

from __future__ import annotations

from .base import Needs, Rule, Scope
from .defuse import DEFUSE_RULES
from .history import HISTORY_RULES
from .verify import VERIFY_RULES

_RULES = (*DEFUSE_RULES, *HISTORY_RULES, *VERIFY_RULES)
#: By code, in documentation order; each code is written once, on its class.
ALL_RULES: dict[str, type[Rule]] = {rule.code: rule for rule in _RULES}
assert len(ALL_RULES) == len(_RULES), "two rules share a code"

__all__ = ["ALL_RULES", "Needs", "Rule", "Scope"]
