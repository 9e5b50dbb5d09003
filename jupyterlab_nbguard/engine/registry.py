"""Choose rules by code, code prefix or rule name (``--select``/``--ignore``)."""

from __future__ import annotations

from collections.abc import Iterable

from .rules import ALL_RULES, Rule


class UnknownSelectorError(ValueError):
    """A selector matches no rule; the message names it."""


def matches(selector: str, rule: type[Rule]) -> bool:
    """Whether ``selector`` (``NBG201``, ``NBG2``, ``stale-cell``) picks ``rule``."""
    selector = selector.strip()
    return rule.code.startswith(selector.upper()) or selector == rule.name


def _check_known(selectors: Iterable[str], field: str) -> list[str]:
    chosen = [s for s in selectors if s.strip()]
    for selector in chosen:
        if selector.strip().upper() == "ALL":
            continue
        if not any(matches(selector, rule) for rule in ALL_RULES.values()):
            raise UnknownSelectorError(
                f"{field}: unknown rule {selector!r} (use a code such as NBG201, a "
                f"prefix such as NBG2, or a rule name such as stale-cell)"
            )
    return chosen


def resolve_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> list[type[Rule]]:
    """Return the rules that ``select`` picks (all when empty) minus ``ignore``."""
    selected = _check_known(select or (), "select")
    ignored = _check_known(ignore or (), "ignore")
    rules = [
        rule
        for rule in ALL_RULES.values()
        if not selected or any(s.upper() == "ALL" or matches(s, rule) for s in selected)
    ]
    return [r for r in rules if not any(matches(s, r) for s in ignored)]
