"""Rules about what ran, when (``NBG2xx``): they read the execution history."""

from __future__ import annotations

from ..base import Rule
from .count_gap import CountGapRule
from .deleted_but_live import DeletedButLiveRule
from .earlier_session import EarlierSessionRule
from .edited_since_run import EditedSinceRunRule
from .never_run import NeverRunRule
from .non_idempotent import NonIdempotentRule
from .out_of_order import OutOfOrderRule
from .run_order import RunOrderRule
from .stale_cell import StaleCellRule
from .superseded import SupersededRule

HISTORY_RULES: tuple[type[Rule], ...] = (
    StaleCellRule,
    EditedSinceRunRule,
    DeletedButLiveRule,
    OutOfOrderRule,
    RunOrderRule,
    NonIdempotentRule,
    NeverRunRule,
    CountGapRule,
    SupersededRule,
    EarlierSessionRule,
)
