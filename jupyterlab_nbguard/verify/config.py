r"""Verification settings from ``[tool.nbguard.verify]`` in ``pyproject.toml``.

::

    [tool.nbguard.verify]
    float_tolerance = 1e-9
    compare_images = true
    sanitizers = [{ regex = "run id: \\w+", replace = "run id: ID" }]

Hyphenated keys (``float-tolerance``, ``compare-images``) mean the same, like
``fail-on`` in ``[tool.nbguard]``.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

from .model import Options, Sanitizer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class VerifyConfigError(ValueError):
    """``[tool.nbguard.verify]`` is invalid; the message says where."""


def _get(table: dict[str, Any], key: str) -> Any:
    return table.get(key, table.get(key.replace("_", "-")))


def options_from_table(table: dict[str, Any], where: str) -> Options:
    """Build :class:`Options` from a parsed ``[tool.nbguard.verify]`` table."""
    prefix = f"{where}: [tool.nbguard.verify]"
    tolerance = _get(table, "float_tolerance")
    if tolerance is not None and (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, (int, float))
        or not math.isfinite(tolerance)
        or tolerance < 0
    ):
        raise VerifyConfigError(f"{prefix} float_tolerance must be a number >= 0")
    images = _get(table, "compare_images")
    if images is not None and not isinstance(images, bool):
        raise VerifyConfigError(f"{prefix} compare_images must be true or false")
    rules = table.get("sanitizers", [])
    if not isinstance(rules, list):
        raise VerifyConfigError(f"{prefix} sanitizers must be a list of tables")
    sanitizers = []
    for i, rule in enumerate(rules):
        field = f"{prefix} sanitizers[{i}]"
        if not isinstance(rule, dict):
            raise VerifyConfigError(f"{field} must be a table {{regex, replace}}")
        regex, replace = rule.get("regex"), rule.get("replace", "")
        if not isinstance(regex, str) or not isinstance(replace, str):
            raise VerifyConfigError(f"{field}: regex and replace must be strings")
        try:
            sanitizers.append(Sanitizer.compile(regex, replace))
        except re.error as error:
            raise VerifyConfigError(f"{field}.regex is not valid: {error}") from error
    return Options(
        tuple(sanitizers),
        bool(images),
        float(tolerance) if tolerance is not None else None,
    )


def find_verify_options(start: Path) -> Options:
    """Read the nearest ``pyproject.toml`` at or above ``start`` (defaults if none)."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise VerifyConfigError(f"{candidate}: {error}") from error
        tool = data.get("tool", {})
        nbguard = tool.get("nbguard", {}) if isinstance(tool, dict) else {}
        table = nbguard.get("verify") if isinstance(nbguard, dict) else None
        if table is None:
            return Options()
        if not isinstance(table, dict):
            raise VerifyConfigError(
                f"{candidate}: [tool.nbguard.verify] must be a table"
            )
        return options_from_table(table, str(candidate))
    return Options()
