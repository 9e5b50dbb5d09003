"""Statuses, markers, root cause and consequences, options and settings files."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_nbguard.verify import (
    CellRun,
    Options,
    SanitizeFileError,
    Sanitizer,
    Status,
    VerifyConfigError,
    canonical_lines,
    find_verify_options,
    markers,
    parse_sanitize_file,
    verify,
)
from jupyterlab_nbguard.verify.compare import (
    compare_cell,
    compare_normalised,
    verify_unchanged,
)
from jupyterlab_nbguard.verify.text import normalise


def out(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def result(text: str, mime: str = "text/plain") -> dict:
    return {
        "output_type": "execute_result",
        "data": {mime: text},
        "metadata": {},
        "execution_count": 3,
    }


def error(ename: str = "ZeroDivisionError", evalue: str = "division by zero") -> dict:
    return {
        "output_type": "error",
        "ename": ename,
        "evalue": evalue,
        "traceback": ["tb"],
    }


def cell(cell_id, source, before, after, *, tags=(), count=1, ran=True) -> CellRun:
    return CellRun(
        cell_id, source, tuple(tags), count, tuple(before), ran, tuple(after)
    )


@pytest.mark.parametrize(
    ("source", "tags", "expected"),
    [
        ("x", (), (False, True, False)),
        ("# NBVAL_SKIP\nx", (), (True, True, False)),
        ("x", ("nbval-skip",), (True, True, False)),
        ("x", ("nbguard:skip",), (True, True, False)),
        ("# NBVAL_IGNORE_OUTPUT\nx", (), (False, False, False)),
        ("x", ("nbval-ignore-output",), (False, False, False)),
        ("x", ("nbguard:ignore-output",), (False, False, False)),
        ("#NBVAL_RAISES_EXCEPTION\nx", (), (False, True, True)),
        ("x", ("raises-exception",), (False, True, True)),
        ("x", ("nbval-raises-exception",), (False, True, True)),
        ("x", ("nbval-check-output",), (False, True, False)),
        # comments take precedence over tags
        ("# NBVAL_CHECK_OUTPUT\nx", ("nbval-ignore-output",), (False, True, False)),
        ("# NBVAL_IGNORE_OUTPUT\nx", ("nbval-check-output",), (False, False, False)),
        # among comments, the last one wins; a marker in a string is no comment
        ("# NBVAL_IGNORE_OUTPUT\n# NBVAL_CHECK_OUTPUT", (), (False, True, False)),
        ("s = '# NBVAL_SKIP'", (), (False, True, False)),
    ],
)
def test_markers(source, tags, expected):
    found = markers(source, tags)
    assert (found.skip, found.check, found.raises) == expected


def test_statuses():
    cells = [
        cell("same", "print(1)", [out("1\n")], [out("1\n")]),
        cell("changed", "print(2)", [out("1\n")], [out("2\n")]),
        cell("error", "1/0", [], [error()]),
        cell("stopped", "print(3)", [out("3\n")], [], ran=False),
        cell("skip", "# NBVAL_SKIP\n1/0", [out("x")], [], ran=False),
        cell(
            "ignored",
            "print(4)",
            [out("4\n")],
            [out("5\n")],
            tags=["nbguard:ignore-output"],
        ),
        cell("ignored-but-raises", "# NBVAL_IGNORE_OUTPUT\n1/0", [], [error()]),
        cell("never", "y = 1", [], [out("new\n")], count=None),
        cell("expected", "1/0", [error()], [error()], tags=["raises-exception"]),
        cell(
            "expected-other",
            "1/0",
            [error()],
            [error("KeyError", "'k'")],
            tags=["raises-exception"],
        ),
    ]
    got = verify(cells)
    assert [(v.cell_id, v.status.value) for v in got.cells] == [
        ("same", "same"),
        ("changed", "changed"),
        ("error", "error"),
        ("stopped", "not-run"),
        ("skip", "skipped"),
        ("ignored", "skipped"),
        ("ignored-but-raises", "error"),
        ("never", "skipped"),
        ("expected", "same"),
        ("expected-other", "changed"),
    ]
    assert got.first_divergence == "changed"
    assert not got.reproduced
    assert (
        got.cells[1].diff == "--- before\n+++ after\n@@ -1,2 +1,2 @@\n [stdout]\n-1\n+2"
    )
    assert got.cells[0].diff is None


def test_reproduced_allows_only_same_and_skipped():
    assert verify(
        [cell("a", "", [out("1")], [out("1")]), cell("b", "", [], [], count=None)]
    ).reproduced
    assert not verify([cell("a", "", [out("1")], [], ran=False)]).reproduced
    assert verify([]).reproduced and verify([]).first_divergence is None


def test_consequences_follow_the_dataflow():
    cells = [
        cell("root", "rate = 0.07\nprint(rate)", [out("0.05")], [out("0.07")]),
        cell(
            "reads",
            "price = 100 * (1 + rate)\nprint(price)",
            [out("105.0")],
            [out("107.0")],
        ),
        cell("transitive", "print(price)", [out("105.0")], [out("107.0")]),
        cell(
            "unrelated",
            "import random\nprint(random.random())",
            [out("0.1")],
            [out("0.2")],
        ),
        cell("rebinds", "rate = 0.05", [], [], count=2),
        cell("clean", "print(rate)", [out("0.04")], [out("0.05")]),
        cell("error", "print(price / 0)", [], [error()]),
    ]
    got = verify(cells)
    assert {v.cell_id: v.consequence_of for v in got.cells} == {
        "root": None,
        "reads": "root",
        "transitive": "root",
        "unrelated": None,
        "rebinds": None,
        "clean": None,
        "error": "root",
    }


def test_float_tolerance():
    before = [out("loss 0.30000000000000004 after 3 steps\nacc 0.5\n")]
    after = [out("loss 0.3 after 3 steps\nacc 0.6\n")]
    assert verify([cell("a", "", before, after)]).cells[0].status is Status.CHANGED
    close = Options(float_tolerance=1e-9)
    diff = verify([cell("a", "", before, after)], close).cells[0].diff
    assert diff is not None and "-loss" not in diff and "+loss" not in diff
    assert "-acc 0.5" in diff
    assert (
        verify([cell("a", "", [out("0.3\n")], [out("0.30000001\n")])], close).reproduced
        is False
    )
    # integers stay exact
    assert not verify(
        [cell("a", "", [out("n=10")], [out("n=11")])], Options(float_tolerance=5)
    ).reproduced


def test_images_only_by_presence_and_type_when_asked():
    png = {
        "output_type": "display_data",
        "data": {
            "image/png": "iVBORw0KGgo=",
            "text/plain": "<Figure size 640x480 with 1 Axes>",
        },
    }
    svg = {
        "output_type": "display_data",
        "data": {
            "image/svg+xml": "<svg/>",
            "text/plain": "<Figure size 800x600 with 1 Axes>",
        },
    }
    other_bytes = {**png, "data": {**png["data"], "image/png": "AAAA"}}
    assert verify([cell("a", "", [png], [svg])]).reproduced
    images = Options(compare_images=True)
    assert not verify([cell("a", "", [png], [svg])], images).reproduced
    assert verify([cell("a", "", [png], [other_bytes])], images).reproduced
    assert canonical_lines([png], Options()) == [
        "[text/plain]",
        "<Figure size WxH with 1 Axes>",
    ]
    two_axes = {**png, "data": {"text/plain": "<Figure size 640x480 with 2 Axes>"}}
    assert not verify([cell("a", "", [png], [two_axes])]).reproduced


def test_widgets_and_html_ids_are_not_compared():
    view = {"version_major": 2, "version_minor": 0, "model_id": "4f1d2a"}
    first = {
        "output_type": "display_data",
        "data": {
            "application/vnd.jupyter.widget-view+json": view,
            "text/html": '<div id="a1b2">Slider</div><script>x("a1b2")</script>',
        },
    }
    second = {
        "output_type": "display_data",
        "data": {
            "application/vnd.jupyter.widget-view+json": {**view, "model_id": "9e8d7c"},
            "text/html": '<div id="ffee">Slider</div><script>x("ffee")</script>',
        },
    }
    assert verify([cell("a", "", [first], [second])]).reproduced
    changed = {**second, "data": {**second["data"], "text/html": "<div>Knob</div>"}}
    assert not verify([cell("a", "", [first], [changed])]).reproduced


def test_text_pipeline_details():
    assert normalise("\x1b[1;31mred\x1b[0m   \n\n") == "red"
    assert normalise("abc\x08\x08X") == "aX"
    assert normalise("12345\rab") == "ab345"
    assert normalise("line\r\nnext") == "line\nnext"
    assert normalise("ran in 1.25 s at 3.5 it/s") == "ran in <duration> at <rate>"
    assert normalise("made 10/10 of them; 12 apples") == "made 10/10 of them; 12 apples"
    assert normalise("Tuesday, 1 December 2026") == "<date>"
    assert normalise("file /tmp/ipykernel_123/2749.py:3: Warn") == "file <cell>:3: Warn"
    assert normalise("hex(255) is 0xff") == "hex(255) is 0xff"


def test_user_sanitisers_see_raw_html_and_cannot_blow_up_outputs():
    rule = Sanitizer.compile(r'data-run="\d+"', 'data-run="N"')
    assert rule.apply('<b data-run="12">') == '<b data-run="N">'
    greedy = Sanitizer.compile(".", "x" * 1000)
    assert len(normalise("a" * 100, [greedy])) <= 2 * 100 + 65_536
    literal = Sanitizer.compile("a", r"\9")
    assert literal.apply("cat") == r"c\9t"


def test_sanitize_file_errors_name_the_line():
    with pytest.raises(SanitizeFileError, match=r":2: regex has no replace"):
        parse_sanitize_file("[a]\nregex: x\n[b]\nregex: y\nreplace: z\n")
    with pytest.raises(SanitizeFileError, match=r":1: replace: without a regex"):
        parse_sanitize_file("replace: z\n")
    with pytest.raises(SanitizeFileError, match=r":2: not a valid regular expression"):
        parse_sanitize_file("[a]\nregex: (unclosed\nreplace: z\n")
    with pytest.raises(SanitizeFileError, match=r":1: expected 'regex: \.\.\.'"):
        parse_sanitize_file("pattern = x\n")
    rules = parse_sanitize_file("; comment\n[x]\nregex: a+\nreplace: \n")
    assert [(r.pattern.pattern, r.replace) for r in rules] == [("a+", "")]


def test_pyproject_settings(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.nbguard.verify]\nfloat_tolerance = 0.001\ncompare-images = true\n"
        'sanitizers = [{regex = "id=\\\\d+", replace = "id=N"}]\n'
    )
    nested = tmp_path / "notebooks"
    nested.mkdir()
    options = find_verify_options(nested)
    assert options.float_tolerance == 0.001 and options.compare_images
    assert [s.apply("id=42") for s in options.sanitizers] == ["id=N"]
    (tmp_path / "pyproject.toml").write_text(
        "[tool.nbguard.verify]\nfloat_tolerance = 'x'\n"
    )
    with pytest.raises(VerifyConfigError, match="float_tolerance must be a number"):
        find_verify_options(nested)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.nbguard.verify]\nsanitizers = [{regex = '('}]\n"
    )
    with pytest.raises(VerifyConfigError, match=r"sanitizers\[0\].regex is not valid"):
        find_verify_options(nested)
    (tmp_path / "pyproject.toml").write_text("[tool.other]\n")
    assert find_verify_options(nested) == Options()


def test_the_verify_package_is_pure():
    import subprocess
    import sys

    code = (
        "import sys, jupyterlab_nbguard.verify as v\n"
        "v.verify([v.CellRun('a', 'x = 1', (), 1, (), True, ())])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('tornado', 'jupyter_server', 'jupyter_client', 'nbclient', 'traitlets')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def widget(model_id: str) -> dict:
    return {
        "output_type": "display_data",
        "data": {
            "application/vnd.jupyter.widget-view+json": {
                "model_id": model_id,
                "version_major": 2,
            },
            "text/plain": "w",
        },
        "metadata": {},
    }


@pytest.mark.parametrize(
    "run",
    [
        cell(
            "stream",
            "print(1)",
            [out("1\n"), out("e\n", "stderr")],
            [out("1\n"), out("e\n", "stderr")],
        ),
        cell(
            "html",
            "t",
            [result("<div id='T_1'>a</div>", "text/html")],
            [result("<div id='T_1'>a</div>", "text/html")],
        ),
        cell("widget", "w", [widget("m1")], [widget("m1")]),
        cell("error", "1/0", [error()], [error()]),
        cell("expected", "1/0", [error()], [error()], tags=["raises-exception"]),
        cell("ignored", "x", [out("1")], [out("1")], tags=["nbguard:ignore-output"]),
        cell("never", "x", [], [], count=None),
        cell("empty", "x = 1", [], []),
        cell("tolerance", "f", [result("0.1")], [result("0.1")]),
    ],
    ids=lambda c: c.id,
)
def test_equal_outputs_are_judged_as_normalising_would(run: CellRun):
    # Outputs equal where normalising reads them skip normalising; the verdict
    # must be the one the normalised comparison gives.
    for options in (Options(), Options(float_tolerance=0.01)):
        expected = compare_normalised(run, markers(run.source, run.tags), options)
        assert compare_cell(run, options) == expected


def test_outputs_that_differ_only_where_nothing_is_read_are_same():
    before = result("1")
    after = {**result("1"), "execution_count": 9, "metadata": {"x": 1}}
    got = compare_cell(cell("a", "1", [before], [after]))
    assert (got.status, got.diff) == (Status.SAME, None)


def test_verify_unchanged_answers_only_a_notebook_that_reproduced_as_is():
    same = [
        cell("a", "print(1)", [out("1\n")], [out("1\n")]),
        cell("b", "# NBVAL_SKIP\n1/0", [out("x")], [], ran=False),
        cell("c", "1/0", [error()], [error()], tags=["raises-exception"]),
        cell("d", "y = 1", [], [out("new\n")], count=None, ran=False),
    ]
    assert verify_unchanged(same) == verify(same)
    # needs normalising (a different address), though it reproduces
    moved = [
        cell(
            "a",
            "o",
            [out("<A object at 0x7f3a2c1e4d90>")],
            [out("<A object at 0x7f11aa3e0b10>")],
        )
    ]
    assert verify_unchanged(moved) is None
    assert verify(moved).reproduced
    # diverges: the root cause and its consequences need the dataflow
    assert verify_unchanged([cell("e", "1/0", [error()], [error()])]) is None
    # a cell the run did not reach needs neither
    stopped = [cell("n", "x", [out("1")], [], ran=False)]
    assert verify_unchanged(stopped) == verify(stopped)
