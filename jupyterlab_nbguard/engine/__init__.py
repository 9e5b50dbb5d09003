"""The nbguard analysis engine.

Pure Python: it imports nothing from Jupyter, Tornado or traitlets, so the server,
the command line and tests all run the very same analysis. IPython's input
transformer is loaded lazily, only for cells that use IPython syntax.
"""

from __future__ import annotations

from .checker import Engine
from .diagnostic import Diagnostic, Related, Severity
from .model import Cell, Execution, ExecutionStatus, Notebook, Position, Range

__all__ = [
    "Cell",
    "Diagnostic",
    "Engine",
    "Execution",
    "ExecutionStatus",
    "Notebook",
    "Position",
    "Range",
    "Related",
    "Severity",
]
