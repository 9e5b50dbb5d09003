"""Every rule nbguard has, by code. Codes are never reused for another meaning."""

from __future__ import annotations

from .base import Rule
from .defuse import DEFUSE_RULE_CODES
from .history import HISTORY_RULE_CODES
from .verify import VERIFY_RULE_CODES

ALL_RULES: dict[str, type[Rule]] = {
    **DEFUSE_RULE_CODES,
    **HISTORY_RULE_CODES,
    **VERIFY_RULE_CODES,
}

__all__ = ["ALL_RULES", "Rule"]
