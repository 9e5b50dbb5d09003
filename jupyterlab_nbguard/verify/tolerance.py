"""Float tolerance: numbers that differ by rounding noise compare equal.

Lines are aligned on their *skeleton* (the line with each float replaced by a
placeholder); an aligned pair whose floats are all close is then taken as
equal, and the "after" line is replaced by the "before" one, so the diff shows
only the lines that really differ. Integers are compared exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from difflib import SequenceMatcher

_FLOAT = re.compile(
    r"(?<![\w.])[-+]?(?:\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)(?![\w.])"
)


def _skeleton(line: str) -> str:
    return _FLOAT.sub("\0", line)


def _close(before: str, after: str, tolerance: float) -> bool:
    left = _FLOAT.findall(before)
    right = _FLOAT.findall(after)
    if len(left) != len(right):
        return False
    return all(
        math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=tolerance)
        for a, b in zip(left, right, strict=True)
    )


def reconcile(
    before: Sequence[str], after: Sequence[str], tolerance: float
) -> list[str]:
    """Return ``after`` with lines close to their counterparts replaced by them.

    A line whose floats are all within ``tolerance`` of the aligned "before"
    line becomes that line, so only real differences remain.
    """
    matcher = SequenceMatcher(
        None, [_skeleton(b) for b in before], [_skeleton(a) for a in after], False
    )
    result = list(after)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            continue
        for offset in range(i2 - i1):
            old, new = before[i1 + offset], after[j1 + offset]
            if old != new and _close(old, new, tolerance):
                result[j1 + offset] = old
    return result
