"""The normaliser on outputs a real kernel produced, twice, in fresh kernels.

Each test first shows that the raw outputs of the two runs differ (so the test
can fail), then that normalisation makes them equal, or, for real
nondeterminism, that it does not.
"""

from __future__ import annotations

import json

import nbval.plugin
import pytest

from jupyterlab_nbguard.verify import (
    CellRun,
    Options,
    Status,
    canonical_lines,
    compare_cell,
    parse_sanitize_file,
)


def raw(outputs: list[dict]) -> str:
    return json.dumps(
        [{k: v for k, v in o.items() if k != "execution_count"} for o in outputs]
    )


def verdict(name, runs, options=None, **kwargs):
    first, second = runs
    cell = CellRun(
        name, kwargs.get("source", ""), kwargs.get("tags", ()), 1,
        tuple(first[name]), True, tuple(second[name]),
    )  # fmt: skip
    return compare_cell(cell, options)


@pytest.mark.parametrize(
    "name",
    [
        "clock",
        "address",
        "frame",
        "styled",
        "progress",
        "tqdm",
        "time_magic",
        "timeit_magic",
        "interleaved",
    ],
)
def test_honest_noise_is_normalised_away(runs, name):
    first, second = runs
    if name not in ("frame", "interleaved"):
        assert raw(first[name]) != raw(second[name])
    result = verdict(name, runs)
    assert result.status is Status.SAME, result.diff


def test_unseeded_random_numbers_differ(runs):
    result = verdict("random", runs)
    assert result.status is Status.CHANGED
    assert result.diff is not None
    assert result.diff.count("\n-0.") == 1 and result.diff.count("\n+0.") == 1


def test_clock_output_keeps_its_shape(runs):
    lines = canonical_lines(runs[0]["clock"], Options())
    assert lines == [
        "[stdout]",
        "<datetime>",
        "<datetime>",
        "<timestamp>",
        "<datetime>",
        "[text/plain]",
        "datetime.datetime(<datetime>)",
    ]


def test_addresses_become_placeholders(runs):
    lines = canonical_lines(runs[0]["address"], Options())
    assert "<object object at 0x<address>>" in lines
    assert "<__main__.Thing at 0x<address>>" in lines


def test_styled_frame_compares_its_visible_table_not_its_uuid(runs):
    first, second = runs
    html = [o["data"]["text/html"] for o in (first["styled"][0], second["styled"][0])]
    assert "T_" in html[0] and html[0] != html[1]
    lines = canonical_lines(first["styled"], Options())
    assert "0 | 1 | 0.500000" in lines
    assert not any("T_" in line or "background" in line for line in lines)


def test_plain_frame_compares_text_and_html(runs):
    lines = canonical_lines(runs[0]["frame"], Options())
    assert lines == [
        "[text/html]", "| a | b", "0 | 1 | 0.50", "1 | 2 | 1.25",
        "[text/plain]", "   a     b", "0  1  0.50", "1  2  1.25",
    ]  # fmt: skip


def test_progress_bars_keep_only_their_final_state(runs):
    assert canonical_lines(runs[0]["progress"], Options()) == [
        "[stdout]",
        "done 100% in <duration>",
    ]
    tqdm = canonical_lines(runs[0]["tqdm"], Options())
    assert tqdm[0] == "[stdout]" and len(tqdm) == 2
    assert tqdm[1].startswith("100%|") and tqdm[1].endswith("30/30 [<elapsed>]")


def test_time_magics(runs):
    assert canonical_lines(runs[0]["time_magic"], Options()) == [
        "[stdout]",
        "CPU times: <duration>",
        "Wall time: <duration>",
    ]
    assert canonical_lines(runs[0]["timeit_magic"], Options()) == [
        "[stdout]",
        "<timeit>",
    ]


def test_traceback_compared_by_type_and_message(runs):
    first, _second = runs
    error = first["traceback"][0]
    assert error["output_type"] == "error" and "\x1b[" in "".join(error["traceback"])
    other = {**error, "traceback": ["File elsewhere, line 99", "ZeroDivisionError"]}
    assert canonical_lines([other], Options()) == canonical_lines([error], Options())
    assert canonical_lines([error], Options()) == [
        "[error]",
        "ZeroDivisionError: division by zero",
    ]
    # Unexpected: an error; expected by a marker: compared, and the same.
    assert verdict("traceback", runs).status is Status.ERROR
    marked = verdict("traceback", runs, source="# NBVAL_RAISES_EXCEPTION\n1/0")
    assert marked.status is Status.SAME


def test_interleaving_of_stdout_and_stderr_does_not_matter(runs):
    outputs = runs[0]["interleaved"]
    names = [o["name"] for o in outputs]
    assert "stdout" in names and "stderr" in names
    regrouped = [o for o in outputs if o["name"] == "stderr"] + [
        o for o in outputs if o["name"] == "stdout"
    ]
    assert canonical_lines(regrouped, Options()) == canonical_lines(outputs, Options())
    lines = canonical_lines(outputs, Options())
    assert lines[0] == "[stdout]" and lines[31] == "[stderr]"


SANITIZE_FILE = """\
# as nbval documents it
[regex1]
regex: run id: [0-9a-f-]{36}
replace: run id: RUN-ID

[regex2]
regex: \\d{1,2}/\\d{1,2}/\\d{2,4}
replace: DATE-STAMP
"""


def test_an_nbval_sanitize_file_makes_a_run_id_equal(runs):
    rules = parse_sanitize_file(SANITIZE_FILE)
    # nbval's own parser reads the same pairs from the same file
    assert [
        (r.pattern.pattern, r.replace) for r in rules
    ] == nbval.plugin.get_sanitize_patterns(SANITIZE_FILE)
    assert verdict("run_id", runs).status is Status.CHANGED
    sanitized = verdict("run_id", runs, Options(tuple(rules)))
    assert sanitized.status is Status.SAME
    assert canonical_lines(runs[0]["run_id"], Options(tuple(rules))) == [
        "[stdout]",
        "run id: RUN-ID",
    ]
