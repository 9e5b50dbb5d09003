"""Text normalisation: what changes between two honest runs is made equal.

Each built-in rule rewrites one kind of run-to-run noise (addresses, clocks,
durations, progress bars, figure sizes) to a fixed placeholder, on both sides
of the comparison, so only real differences remain. The order matters: wide
patterns (a whole ``%timeit`` line, a ``ctime`` stamp) run before the narrow
ones (a bare ``12:30:01``) that would otherwise eat part of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Sanitizer

_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]"
)
_BACKSPACE = re.compile(r"[^\n]\x08")

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_UNIT = r"(?:ns|µs|μs|us|ms|s|sec|secs|seconds|min|mins|minutes|h|hours)"

#: ``(name, pattern, replacement)``, applied in this order.
BUILTIN_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "%timeit warning",  # printed only on some runs, so dropped with its line
        re.compile(
            r"^The slowest run took [\d.]+ times longer than the fastest\..*(?:\n|$)",
            re.MULTILINE,
        ),
        "",
    ),
    (
        "%timeit",
        re.compile(
            r"^.*\bper loop \(mean ± std\. dev\. of .*\)$"
            r"|^\d[\d,]* loops?, best of \d+: .*$",
            re.MULTILINE,
        ),
        "<timeit>",
    ),
    (
        "%time CPU",
        re.compile(r"^CPU times: .*$", re.MULTILINE),
        "CPU times: <duration>",
    ),
    (
        "%time wall",
        re.compile(r"^Wall time: .*$", re.MULTILINE),
        "Wall time: <duration>",
    ),
    (
        "progress bar",
        re.compile(r"\[(?:\d+:)?\d+:\d{2}<(?:(?:\d+:)?\d+:\d{2}|\?)(?:, *[^\]\n]*)?\]"),
        "[<elapsed>]",
    ),
    ("rate", re.compile(r"\b\d+(?:\.\d+)?\s?(?:it/s|s/it|B/s|kB/s|MB/s)"), "<rate>"),
    (
        "datetime repr",
        re.compile(
            r"\b(datetime\.(?:datetime|date|time))"
            r"\((?:\d+, ?)*\d+(?:, ?tzinfo=[^)]*\))?\)"
        ),
        r"\1(<datetime>)",
    ),
    (
        "ctime",
        re.compile(
            rf"\b{_WEEKDAY},? +{_MONTH} +\d{{1,2}},? +{_CLOCK}"
            rf"(?: +[A-Z]{{3,4}})?,? +\d{{4}}\b"
        ),
        "<datetime>",
    ),
    (
        "iso datetime",
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
            r"(?:Z|[+-]\d{2}:?\d{2}\b)?)?"
        ),
        "<datetime>",
    ),
    (
        "written date",
        re.compile(
            rf"\b(?:{_WEEKDAY},? +)?"
            rf"(?:\d{{1,2}} +{_MONTH},? +\d{{4}}|{_MONTH} +\d{{1,2}},? +\d{{4}})"
        ),
        "<date>",
    ),
    ("slash date", re.compile(r"\b\d{1,4}/\d{1,2}/\d{2,4}\b"), "<date>"),
    ("clock", re.compile(rf"\b{_CLOCK}(?:\s?[AaPp][Mm])?\b"), "<time>"),
    ("unix time", re.compile(r"\b1[5-9]\d{8}(?:\d{3}|\.\d+)?\b"), "<timestamp>"),
    ("duration", re.compile(rf"\b\d+\.\d+\s?{_UNIT}\b"), "<duration>"),
    (
        "cell file",
        re.compile(
            r"[\w./\\:-]*ipykernel_\d+[/\\]\d+\.py|<ipython-input-\d+-[0-9a-f]+>"
        ),
        "<cell>",
    ),
    ("address", re.compile(r"\b0x[0-9a-fA-F]{6,16}\b"), "0x<address>"),
    (
        "figure size",
        re.compile(r"<Figure size \d+(?:\.\d+)?x\d+(?:\.\d+)? with (\d+) Axes>"),
        r"<Figure size WxH with \1 Axes>",
    ),
    ("styler uuid", re.compile(r"\bT_[0-9a-f]{5}(?=_|\b)"), "T_<uuid>"),
)


def strip_ansi(text: str) -> str:
    """Remove terminal colour and cursor codes (tracebacks and logs carry them)."""
    return _ANSI.sub("", text)


def apply_control_characters(text: str) -> str:
    r"""Apply ``\b`` and ``\r`` as a terminal (and JupyterLab's output area) does.

    A backspace erases the character before it; a carriage return moves back to
    the start of the line, and what follows overwrites what was there. So only
    the last state of a progress bar remains.
    """
    while True:
        shorter = _BACKSPACE.sub("", text)
        if len(shorter) == len(text):
            break
        text = shorter
    text = text.replace("\x08", "")
    if "\r" not in text:
        return text
    lines = []
    for line in re.sub(r"\r+\n", "\n", text).split("\n"):
        screen = ""
        for part in line.split("\r"):
            screen = part + screen[len(part) :]
        lines.append(screen)
    return "\n".join(lines)


def sanitize(text: str, sanitizers: Iterable[Sanitizer]) -> str:
    """Apply the user's regex → replacement rules in order.

    The result is cut at twice the input plus 64 KiB: a rule whose replacement
    is longer than what it matches must not make one output grow without bound.
    """
    limit = 2 * len(text) + 65_536
    for rule in sanitizers:
        text = rule.apply(text)[:limit]
    return text


def builtin(text: str) -> str:
    """Apply every built-in rule of :data:`BUILTIN_RULES`."""
    for _name, pattern, replacement in BUILTIN_RULES:
        text = pattern.sub(replacement, text)
    return text


def tidy(text: str) -> str:
    """Drop trailing whitespace on each line and blank lines at the end."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def normalise(text: str, sanitizers: Iterable[Sanitizer] = ()) -> str:
    """The whole pipeline for one piece of text output.

    ANSI codes go first (user patterns are written against plain text), then
    the control characters, the user's sanitisers (as nbval applies them, to the
    output as printed), the built-in rules, and the whitespace.
    """
    text = apply_control_characters(strip_ansi(text))
    return tidy(builtin(sanitize(text, sanitizers)))
