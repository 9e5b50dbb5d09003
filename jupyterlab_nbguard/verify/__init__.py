"""Restart-and-verify's comparison: normalise outputs, compare, find the root cause.

Pure like the engine (no Jupyter Server, Tornado or kernel): the button reaches
it over REST (``POST verify/compare``) and ``jupyter nbguard verify`` calls it
after running the notebook with nbclient, so both judge a notebook the same way.
"""

from __future__ import annotations

from .compare import compare_cell, verify, verify_unchanged
from .config import VerifyConfigError, find_verify_options, options_from_table
from .markers import Markers, markers
from .model import (
    CellRun,
    CellVerdict,
    Options,
    Output,
    Sanitizer,
    Status,
    Verification,
)
from .outputs import canonical_lines
from .sanitize_file import SanitizeFileError, parse_sanitize_file, read_sanitize_file

__all__ = [
    "CellRun",
    "CellVerdict",
    "Markers",
    "Options",
    "Output",
    "SanitizeFileError",
    "Sanitizer",
    "Status",
    "Verification",
    "VerifyConfigError",
    "canonical_lines",
    "compare_cell",
    "find_verify_options",
    "markers",
    "options_from_table",
    "parse_sanitize_file",
    "read_sanitize_file",
    "verify",
    "verify_unchanged",
]
