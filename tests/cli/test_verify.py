"""``jupyter nbguard verify`` on real notebooks in real kernels: every exit code,
both formats, every marker and tag, timeouts, a dying kernel, --jobs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyterlab_nbguard.cli import main


def stdout(text: str) -> list:
    return [new_output("stream", name="stdout", text=text)]


def raised(ename: str, evalue: str) -> list:
    return [new_output("error", ename=ename, evalue=evalue, traceback=["old tb"])]


def code(source: str, outputs=(), count: int | None = 1, tags=(), cell_id=None):
    cell = new_code_cell(source, outputs=list(outputs), execution_count=count)
    if tags:
        cell.metadata["tags"] = list(tags)
    if cell_id:
        cell.id = cell_id
    return cell


def write(path: Path, *cells, kernel: str = "python3") -> Path:
    nb = new_notebook(
        cells=list(cells),
        metadata={
            "kernelspec": {"name": kernel, "display_name": kernel, "language": "python"}
        },
    )
    nbformat.write(nb, str(path))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["verify", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


RANDOM = "import random\nprint(random.random())"


@pytest.fixture
def markers_notebook(tmp_path: Path) -> Path:
    """Every marker and tag, in a notebook that reproduces."""
    return write(
        tmp_path / "markers.ipynb",
        new_markdown_cell("# every marker"),
        code("x = 1\nprint(x)", stdout("1\n"), cell_id="plain"),
        code("# NBVAL_IGNORE_OUTPUT\n" + RANDOM, stdout("0.1\n"), cell_id="c-ignore"),
        code(
            RANDOM,
            stdout("0.2\n"),
            tags=["nbval-ignore-output"],
            cell_id="t-nbval-ignore",
        ),
        code(
            RANDOM, stdout("0.3\n"), tags=["nbguard:ignore-output"], cell_id="t-ignore"
        ),
        code("# NBVAL_SKIP\nraise SystemExit('skipped')", cell_id="c-skip"),
        code("1/0", tags=["nbval-skip"], cell_id="t-nbval-skip"),
        code("1/0", tags=["nbguard:skip"], cell_id="t-skip"),
        code(
            "# NBVAL_RAISES_EXCEPTION\n1/0",
            raised("ZeroDivisionError", "division by zero"),
            cell_id="c-raises",
        ),
        code(
            "{}['k']",
            raised("KeyError", "'k'"),
            tags=["raises-exception"],
            cell_id="t-raises",
        ),
        code(
            "int('x')",
            raised("ValueError", "invalid literal for int() with base 10: 'x'"),
            tags=["nbval-raises-exception"],
            cell_id="t-nbval-raises",
        ),
        code(
            "# NBVAL_CHECK_OUTPUT\nprint(x + 1)",
            stdout("2\n"),
            tags=["nbval-ignore-output"],
            cell_id="c-check",
        ),
        code(
            "print(x + 2)",
            stdout("3\n"),
            tags=["nbval-check-output"],
            cell_id="t-check",
        ),
        code("never = 'run'\nprint(never)", count=None, cell_id="never"),
        code("", count=None, cell_id="empty"),
    )


@pytest.fixture
def diverging(tmp_path: Path) -> Path:
    """Saved from a session where ``value`` was 2: it does not reproduce."""
    return write(
        tmp_path / "diverging.ipynb",
        code("value = 3\nprint(value)", stdout("2\n"), cell_id="root"),
        code(
            "double = value * 2\nprint(double)", stdout("4\n"), count=2, cell_id="reads"
        ),
        code("other = 5\nprint(other)", stdout("6\n"), count=3, cell_id="unrelated"),
        code(
            "# NBVAL_CHECK_OUTPUT\nprint(double)",
            stdout("0\n"),
            count=4,
            tags=["nbval-ignore-output"],
            cell_id="checked",
        ),
        code("missing_name", count=5, cell_id="fails"),
        code("print('after')", stdout("after\n"), count=6, cell_id="after"),
    )


def test_reproducing_notebook_with_every_marker_exits_0(markers_notebook, capsys):
    before = markers_notebook.read_bytes()
    status, out, err = run(capsys, str(markers_notebook), "--format", "json")
    assert status == 0, out + err
    report = json.loads(out)["files"][0]
    assert report["reproduced"] is True and report["first_divergence"] is None
    statuses = {c["cell_id"]: c["status"] for c in report["cells"]}
    assert statuses == {
        "plain": "same",
        "c-ignore": "skipped", "t-nbval-ignore": "skipped", "t-ignore": "skipped",
        "c-skip": "skipped", "t-nbval-skip": "skipped", "t-skip": "skipped",
        "c-raises": "same", "t-raises": "same", "t-nbval-raises": "same",
        "c-check": "same", "t-check": "same",
        "never": "skipped", "empty": "skipped",
    }  # fmt: skip
    assert set(report) == {"path", "reproduced", "cells", "first_divergence"}
    assert markers_notebook.read_bytes() == before  # never rewritten


def test_diverging_notebook_exits_1_naming_the_root_cause(diverging, capsys):
    status, out, err = run(capsys, str(diverging))
    assert status == 1, out + err
    lines = out.splitlines()
    assert lines[0] == (
        f"{diverging}: NOT reproduced: 1 of 6 code cells reproduced; "
        "first divergence: cell 1"
    )
    assert f"{diverging}:cell 1: changed (root cause)" in lines
    assert f"{diverging}:cell 2: changed (consequence of cell 1)" in lines
    assert f"{diverging}:cell 3: changed" in lines
    assert f"{diverging}:cell 4: changed (consequence of cell 1)" in lines
    assert f"{diverging}:cell 5: error" in lines
    assert "    +NameError: name 'missing_name' is not defined" in lines
    assert lines[-1] == "0 of 1 notebook(s) reproduced"


def test_diverging_notebook_as_json(diverging, capsys):
    status, out, _err = run(capsys, str(diverging), "--format", "json")
    assert status == 1
    report = json.loads(out)["files"][0]
    assert report["first_divergence"] == "root"
    cells = {c["cell_id"]: c for c in report["cells"]}
    assert (
        cells["root"]["diff"]
        == "--- before\n+++ after\n@@ -1,2 +1,2 @@\n [stdout]\n-2\n+3"
    )
    assert [(c, cells[c]["status"], cells[c]["consequence_of"]) for c in cells] == [
        ("root", "changed", None),
        ("reads", "changed", "root"),
        ("unrelated", "changed", None),
        ("checked", "changed", "root"),
        ("fails", "error", None),
        ("after", "same", None),
    ]


def test_stop_on_error_leaves_the_rest_not_run(diverging, capsys):
    status, out, _err = run(
        capsys, str(diverging), "--format", "json", "--stop-on-error"
    )
    assert status == 1
    cells = {c["cell_id"]: c["status"] for c in json.loads(out)["files"][0]["cells"]}
    assert cells["fails"] == "error" and cells["after"] == "not-run"


def test_a_cell_over_the_timeout_is_an_error_and_the_run_goes_on(tmp_path, capsys):
    path = write(
        tmp_path / "slow.ipynb",
        code("import time\ntime.sleep(60)", cell_id="slow"),
        code("print('next')", stdout("next\n"), count=2, cell_id="next"),
    )
    status, out, err = run(capsys, str(path), "--timeout", "1", "--format", "json")
    assert status == 1
    cells = {c["cell_id"]: c for c in json.loads(out)["files"][0]["cells"]}
    assert cells["slow"]["status"] == "error"
    assert "CellTimeoutError: the cell ran longer than 1 s" in cells["slow"]["diff"]
    assert cells["next"]["status"] == "same"
    assert "cell 1 timed out after 1 s" in err


def test_a_dying_kernel_is_reported_not_a_crash(tmp_path, capsys):
    path = write(
        tmp_path / "dies.ipynb",
        code("print('alive')", stdout("alive\n"), cell_id="alive"),
        code("import os\nos._exit(1)", count=2, cell_id="dies"),
        code("print('later')", stdout("later\n"), count=3, cell_id="later"),
    )
    status, out, err = run(capsys, str(path), "--format", "json")
    assert status == 1
    cells = {c["cell_id"]: c for c in json.loads(out)["files"][0]["cells"]}
    assert [cells[c]["status"] for c in ("alive", "dies", "later")] == [
        "same",
        "error",
        "not-run",
    ]
    assert "DeadKernelError" in cells["dies"]["diff"]
    assert "the kernel died while cell 2 ran" in err


def test_missing_kernelspec_exits_2_with_a_reason(tmp_path, capsys):
    path = write(tmp_path / "r.ipynb", code("1"), kernel="no-such-kernel")
    status, out, err = run(capsys, str(path))
    assert status == 2
    assert "no kernel named 'no-such-kernel' is installed" in err
    assert out.strip() == "0 of 0 notebook(s) reproduced"


def test_kernel_option_overrides_the_notebook_kernelspec(tmp_path, capsys):
    path = write(
        tmp_path / "r.ipynb",
        code("print(6 * 7)", stdout("42\n")),
        kernel="no-such-kernel",
    )
    status, out, err = run(capsys, str(path), "--kernel", "python3")
    assert status == 0, err
    assert f"{path}: reproduced: 1 of 1 code cells reproduced" in out


def test_jobs_runs_several_notebooks(markers_notebook, diverging, capsys):
    status, out, _err = run(
        capsys, str(markers_notebook), str(diverging), "--jobs", "2", "--format", "json"
    )
    assert status == 1
    files = {Path(f["path"]).name: f["reproduced"] for f in json.loads(out)["files"]}
    assert files == {"markers.ipynb": True, "diverging.ipynb": False}


def test_sanitizers_from_a_file_and_pyproject(tmp_path, capsys, monkeypatch):
    path = write(
        tmp_path / "noisy.ipynb",
        code(
            "import uuid\nprint('run', uuid.uuid4())",
            stdout("run 6f1c0e8e-0000-4000-8000-000000000000\n"),
        ),
        code("print(0.1 + 0.2)", stdout("0.3\n"), count=2),
    )
    assert run(capsys, str(path))[0] == 1
    rules = tmp_path / "sanitize.cfg"
    rules.write_text("[uuid]\nregex: run [0-9a-f-]{36}\nreplace: run UUID\n")
    assert run(capsys, str(path), "--sanitize-with", str(rules))[0] == 1  # the float
    (tmp_path / "pyproject.toml").write_text(
        "[tool.nbguard.verify]\nfloat_tolerance = 1e-12\n"
    )
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, str(path), "--sanitize-with", str(rules))
    assert status == 0, out + err


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        (None, ["missing.ipynb"], "missing.ipynb: error: no such file or directory"),
        ("bad.ipynb", ["bad.ipynb"], "bad.ipynb: error: not a valid notebook"),
        (
            "good.ipynb",
            ["good.ipynb", "--sanitize-with", "nope.cfg"],
            "nope.cfg: cannot read",
        ),
        (
            "rules.cfg",
            ["good.ipynb", "--sanitize-with", "rules.cfg"],
            "rules.cfg:1: expected 'regex: ...'",
        ),
    ],
)
def test_unreadable_or_invalid_input_exits_2(
    tmp_path, capsys, monkeypatch, setup, argv, message
):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "good.ipynb", code("1"))
    if setup == "bad.ipynb":
        (tmp_path / setup).write_text("{not json")
    elif setup == "rules.cfg":
        (tmp_path / setup).write_text("oops\n")
    status, _out, err = run(capsys, *argv)
    assert status == 2
    assert message in err


@pytest.mark.parametrize(
    "argv", [["--jobs", "0", "x.ipynb"], ["--format", "sarif", "x.ipynb"], []]
)
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        main(["verify", *argv])
    assert exited.value.code == 2


def test_the_jupyter_command(markers_notebook):
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_nbguard.cli", "verify", str(markers_notebook)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "1 of 1 notebook(s) reproduced"


def test_a_kernel_that_dies_at_start_exits_2(tmp_path, capsys, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "broken"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps({"argv": [sys.executable, "-c", "raise SystemExit(3)", "{connection_file}"],
                    "display_name": "broken", "language": "python"})
    )  # fmt: skip
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    path = write(tmp_path / "r.ipynb", code("1"), kernel="broken")
    status, _out, err = run(capsys, str(path))
    assert status == 2
    assert f"{path}: error: the kernel did not start" in err


def test_cells_without_ids_are_named_by_position(tmp_path, capsys):
    old = {
        "nbformat": 4, "nbformat_minor": 4, "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# old"},
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1)",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]},
        ],
    }  # fmt: skip
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(old))
    status, out, _err = run(capsys, str(path), "--format", "json")
    assert status == 1
    report = json.loads(out)["files"][0]
    assert report["first_divergence"] == "index:1"
    assert [c["cell_id"] for c in report["cells"]] == ["index:1"]
