"""Per-rule severity overrides and ignored names of a ``POST check``.

The user's settings say which rules matter how much to them (``NBG205`` as a
warning, ``NBG209`` off) and which names never to report (``df``, ``_``). The
server applies them, not the frontend, so that the REST API, the command line
and the editor show the same thing. Turning a rule off is the contract's
``ignore``; this module adds the two optional request fields the contract
extends ``check`` with:

``severity``
    ``{code_or_rule_name: "error" | "warning" | "info"}``: the findings of that
    rule are reported with that severity.
``ignore_names``
    ``[name]``: a finding whose every name is in the list is not reported
    (findings about no name, such as a syntax error, always are).

Both are applied to the finished diagnostics, and only the findings they
change are copied (and serialised again); every other finding keeps the JSON
text the engine cached for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import is_
from typing import Any

from ..engine import Diagnostic
from ..engine.diagnostic import Severity
from ..engine.grouping import Group
from ..engine.rules import ALL_RULES
from .requests import http_error

#: Additions to API version 1 that ``GET version`` announces, so that a
#: frontend newer than the server can say so instead of silently losing them.
FEATURES = ["severity", "history-events"]
#: What ``severity`` accepts per rule.
SEVERITIES = {s.value: s for s in Severity}
#: Rule codes by code and by rule name.
_CODES = {
    **{code: code for code in ALL_RULES},
    **{r.name: r.code for r in ALL_RULES.values()},
}


@dataclass(frozen=True)
class Overrides:
    """What a check request asks to change in its findings."""

    #: Severity by rule code (names are resolved to codes when parsed).
    severity: Mapping[str, Severity]
    #: Names never to report.
    ignore_names: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        """Whether applying these overrides can change anything."""
        return bool(self.severity) or bool(self.ignore_names)

    def apply(self, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
        """``diagnostics`` with severities overridden and ignored names dropped.

        Findings the overrides do not touch are the same objects, so their
        cached JSON text is reused.
        """
        severity, names = self.severity, self.ignore_names
        result: list[Diagnostic] = []
        for d in diagnostics:
            if names and d.names and names.issuperset(d.names):
                continue
            wanted = severity.get(d.code)
            result.append(
                d if wanted is None or wanted is d.severity else d.with_severity(wanted)
            )
        return result


def parse_overrides(data: dict[str, Any]) -> Overrides | None:
    """Read ``severity`` and ``ignore_names`` of a ``check`` body.

    Returns
    -------
    Overrides or None
        None when the request asks for nothing (both absent, null or empty).

    Raises
    ------
    tornado.web.HTTPError
        400 naming the field for a value of the wrong type, an unknown rule or
        an unknown severity.
    """
    raw = data.get("severity")
    severity: dict[str, Severity] = {}
    if raw is not None:
        if not isinstance(raw, dict):
            raise http_error(400, "severity must be an object {rule: severity} or null")
        for key, value in raw.items():
            code = _CODES.get(key)
            if code is None:
                raise http_error(
                    400, f"severity: {key!r} is not a rule code or rule name"
                )
            if value not in SEVERITIES:
                raise http_error(
                    400, f"severity[{key!r}] must be error, warning or info"
                )
            severity[code] = SEVERITIES[value]
    names = data.get("ignore_names")
    if names is not None and (
        not isinstance(names, list) or not all(isinstance(n, str) for n in names)
    ):
        raise http_error(400, "ignore_names must be a list of strings or null")
    overrides = Overrides(severity, frozenset(names or ()))
    return overrides if overrides else None


def apply_overrides(groups: list[Group], overrides: Overrides | None) -> list[Group]:
    """``groups`` with ``overrides`` applied to each cell's findings.

    Without overrides, ``groups`` itself; a group the overrides leave as it
    was is the same object, so the answer reuses its texts.
    """
    if overrides is None:
        return groups
    out: list[Group] = []
    for cell, group in groups:
        kept = overrides.apply(group)
        if len(kept) == len(group) and all(map(is_, kept, group)):
            out.append((cell, group))
        elif kept:
            out.append((cell, tuple(kept)))
    return out
