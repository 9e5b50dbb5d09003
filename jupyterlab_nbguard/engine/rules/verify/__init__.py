"""Rules about the latest restart-and-verify (``NBG3xx``)."""

from __future__ import annotations

from ..base import Rule
from .verify_mismatch import VerifyMismatchRule

VERIFY_RULES: tuple[type[Rule], ...] = (VerifyMismatchRule,)
