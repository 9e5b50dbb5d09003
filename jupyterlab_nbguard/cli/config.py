"""Project settings from ``[tool.nbguard]`` in the nearest ``pyproject.toml``.

Keys mean what the JupyterLab settings mean: ``select`` and ``ignore`` (lists of
codes, code prefixes or rule names) and, for the command line, ``fail-on``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """The project configuration is invalid; the message says where."""


@dataclass(frozen=True)
class ProjectConfig:
    """What ``[tool.nbguard]`` sets (empty when there is none)."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    source: Path | None = None


def _strings(table: dict[str, Any], key: str, where: Path) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [tool.nbguard] {key} must be a list of strings")
    return value


def find_config(start: Path) -> ProjectConfig:
    """Read ``[tool.nbguard]`` from the nearest ``pyproject.toml`` above ``start``."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{candidate}: {error}") from error
        table = data.get("tool", {}).get("nbguard")
        if table is None:
            return ProjectConfig()
        if not isinstance(table, dict):
            raise ConfigError(f"{candidate}: [tool.nbguard] must be a table")
        fail_on = table.get("fail-on")
        if fail_on is not None and fail_on not in SEVERITIES:
            raise ConfigError(
                f"{candidate}: [tool.nbguard] fail-on must be one of "
                f"{', '.join(SEVERITIES)}"
            )
        return ProjectConfig(
            _strings(table, "select", candidate),
            _strings(table, "ignore", candidate),
            fail_on,
            candidate,
        )
    return ProjectConfig()
