"""Patching the last check's groups gives what grouping from scratch gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_nbguard.engine.diagnostic import Diagnostic, Severity
from jupyterlab_nbguard.engine.grouping import CellGroups, RuleFindings
from jupyterlab_nbguard.engine.model import Position, Range

CELLS = ["a", "b", "c", "d"]
POSITIONS = {cell: i for i, cell in enumerate(CELLS)}


def finding(code: str, cell: str | None, line: int, text: str) -> Diagnostic:
    """A finding whose range starts on ``line`` (or has none, line -1)."""
    where = Range(Position(line, 0), Position(line, 1)) if line >= 0 else None
    return Diagnostic(code, code.lower(), Severity.INFO, cell, text, where)


findings = st.builds(
    finding,
    st.sampled_from(["NBG001", "NBG002"]),
    st.sampled_from([*CELLS, None, "gone"]),
    st.integers(-1, 2),
    st.sampled_from(["x", "y"]),
)
#: One check: each rule's findings (duplicates included, in any order).
checks = st.tuples(st.lists(findings, max_size=8), st.lists(findings, max_size=8))
#: The cells whose ``# nbguard: ignore`` comments apply, with their sources.
noted = st.sampled_from(
    [{}, {"a": "x = 1  # nbguard: ignore"}, {"b": "# nbguard: ignore[NBG001]\n"}]
)


def rules(check: tuple[list[Diagnostic], list[Diagnostic]]) -> list[RuleFindings]:
    return [("NBG001", check[0]), ("NBG002", check[1])]


def texts(groups: list[tuple[str | None, tuple[Diagnostic, ...]]]) -> list[object]:
    return [(cell, [d.json_text for d in group]) for cell, group in groups]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(checks, noted), min_size=1, max_size=6), st.data())
def test_patched_groups_equal_fresh_ones(sequence, data) -> None:  # type: ignore[no-untyped-def]
    """Each check of a sequence, patched from the previous one, equals a fresh grouping.

    Later checks reuse earlier findings (identical objects) in a shuffled
    stretch, the way memoised rules do, and sometimes equal copies of them.
    """
    kept = CellGroups()
    previous: list[Diagnostic] = []
    for (first, second), comments in sequence:
        if previous and data.draw(st.booleans()):
            # Keep a head and tail of the previous findings, as an edit does.
            cut = data.draw(st.integers(0, len(previous)))
            first = previous[:cut] + first + previous[cut:]
        check = (first, second)
        patched = kept.groups(POSITIONS, rules(check), comments)
        fresh = CellGroups().groups(POSITIONS, rules(check), comments)
        assert texts(patched) == texts(fresh)
        previous = first


def test_unchanged_findings_keep_their_group_objects() -> None:
    """A cell whose findings did not change keeps its very group (answers reuse it)."""
    kept = CellGroups()
    a, b = finding("NBG001", "a", 0, "x"), finding("NBG001", "b", 1, "y")
    before = dict(kept.groups(POSITIONS, [("NBG001", [a, b])], {}))
    c = finding("NBG001", "b", 2, "z")
    after = dict(kept.groups(POSITIONS, [("NBG001", [a, b, c])], {}))
    assert after["a"] is before["a"]
    assert after["b"] is not before["b"]
    assert [d.message for d in after["b"]] == ["y", "z"]


def test_a_cell_that_loses_every_finding_leaves_the_groups() -> None:
    """The page order is rebuilt when a cell's last finding goes."""
    kept = CellGroups()
    a, b = finding("NBG001", "a", 0, "x"), finding("NBG002", "b", 0, "y")
    kept.groups(POSITIONS, [("NBG001", [a]), ("NBG002", [b])], {})
    after = kept.groups(POSITIONS, [("NBG001", []), ("NBG002", [b])], {})
    assert [cell for cell, _group in after] == ["b"]
