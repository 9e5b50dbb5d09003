"""Execution history per kernel, and the adapter that feeds it from kernel messages.

Plain Python with explicit dependencies: nothing here imports Jupyter Server.
"""

from __future__ import annotations

from .observer import ExecutionObserver
from .store import ExecutionRecord, HistorySnapshot, HistoryStore, KernelHistory

__all__ = [
    "ExecutionObserver",
    "ExecutionRecord",
    "HistorySnapshot",
    "HistoryStore",
    "KernelHistory",
]
