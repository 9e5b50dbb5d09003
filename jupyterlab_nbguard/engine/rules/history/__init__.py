"""Rules about what ran, when (``NBG2xx``): they read the execution history."""

from __future__ import annotations

from ..base import Rule
from .count_gap import CountGapRule
from .deleted_but_live import DeletedButLiveRule
from .edited_since_run import EditedSinceRunRule
from .never_run import NeverRunRule
from .non_idempotent import NonIdempotentRule
from .out_of_order import OutOfOrderRule
from .run_order import RunOrderRule
from .stale_cell import StaleCellRule

HISTORY_RULE_CODES: dict[str, type[Rule]] = {
    "NBG201": StaleCellRule,
    "NBG202": EditedSinceRunRule,
    "NBG203": DeletedButLiveRule,
    "NBG204": OutOfOrderRule,
    "NBG205": RunOrderRule,
    "NBG206": NonIdempotentRule,
    "NBG207": NeverRunRule,
    "NBG208": CountGapRule,
}
