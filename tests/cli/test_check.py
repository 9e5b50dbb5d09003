"""``jupyter nbguard check`` on real notebook files: rules, formats, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from sarif_pydantic import Sarif

from jupyterlab_nbguard.cli import main


def write(path: Path, *cells: tuple[str, int | None], language: str = "python") -> Path:
    nb = new_notebook(
        cells=[
            new_markdown_cell(src)
            if count == "md"
            else new_code_cell(src, execution_count=count)
            for src, count in cells
        ],
        metadata={
            "kernelspec": {"name": "k", "display_name": "k", "language": language}
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def hazards(tmp_path: Path) -> Path:
    return write(
        tmp_path / "hazards.ipynb",
        ("# md intro", "md"),
        ("prices = [3, 4, 5]", 3),  # edited and run again, above its reader
        ("total = sum(prices)", 2),
        ("prices = [3, 4]", 1),
        ("print(rate)", 5),
        ("rate = 0.05", 4),
        ("print(totl)", 6),
        ("counter += 1", 9),
        ("never = 1", None),
        ("last = 2", 10),
    )


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write(tmp_path / "clean.ipynb", ("x = 1", 1), ("print(x)", 2))


ROOT = Path(__file__).parents[2]


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "jupyterlab_nbguard.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return out.returncode, out.stdout, out.stderr


def test_every_saved_hazard_in_json(hazards: Path):
    code, out, err = run("check", str(hazards), "--format", "json")
    assert code == 1, err
    (file,) = json.loads(out)["files"]
    found = {(d["code"], d["cell_id"]) for d in file["diagnostics"]}
    ids = [c["id"] for c in nbformat.read(str(hazards), 4).cells]
    assert ("NBG201", ids[2]) in found  # stale: prices rebound above by [3]
    assert ("NBG101", ids[4]) in found  # rate defined below
    assert ("NBG102", ids[6]) in found  # typo
    assert ("NBG204", ids[4]) in found  # read rate from a cell below
    assert ("NBG205", ids[5]) in found  # ran as [4] under [5]
    assert ("NBG206", ids[7]) in found  # counter += 1
    assert ("NBG207", ids[8]) in found  # never ran, cells below did
    assert ("NBG208", None) in found  # counts 7, 8 missing
    assert not any(code == "NBG202" for code, _ in found)  # unknowable from a file


def test_clean_notebook_exits_zero(clean: Path):
    code, out, _ = run("check", str(clean))
    assert code == 0
    assert out.strip() == "0 finding(s) in 1 notebook(s)"


def test_text_format(hazards: Path):
    code, out, _ = run("check", str(hazards), "--select", "NBG102")
    assert code == 1
    line = out.splitlines()[0]
    assert line == (
        f"{hazards}:cell 7:1:7: NBG102 [undefined-name] 'totl' is not defined in any "
        "cell: running the notebook from the top raises NameError here. Define it in "
        "a cell above, or fix the name."
    )


def test_fail_on_threshold(hazards: Path):
    assert run("check", str(hazards), "--select", "NBG205")[0] == 0  # info only
    assert run("check", str(hazards), "--select", "NBG205", "--fail-on", "info")[0] == 1
    assert run("check", str(hazards), "--fail-on", "error")[0] == 1
    assert (
        run("check", str(hazards), "--select", "NBG201", "--fail-on", "error")[0] == 0
    )


def test_sarif_is_valid_and_points_into_the_file(hazards: Path):
    code, out, _ = run("check", str(hazards), "--format", "sarif", "--select", "NBG102")
    assert code == 1
    log = json.loads(out)
    Sarif.model_validate(log)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} >= {"NBG101", "NBG201"}
    (result,) = [r for r in run_["results"] if "totl" in r["message"]["text"]]
    assert result["ruleId"] == "NBG102"
    assert result["level"] == "error"
    line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert "print(totl)" in hazards.read_text().split("\n")[line - 1]


def test_github_annotations(hazards: Path):
    code, out, _ = run(
        "check", str(hazards), "--format", "github", "--select", "NBG102"
    )
    assert code == 1
    (line,) = [line for line in out.splitlines() if "totl" in line]
    assert line.startswith(f"::error file={hazards},line=")
    assert "title=NBG102 undefined-name (cell 7)::'totl' is not defined" in line


def test_directories_and_globs(tmp_path: Path, clean: Path):
    write(tmp_path / "sub" / "b.ipynb", ("y = missing", 1))
    write(
        tmp_path / "sub" / ".ipynb_checkpoints" / "b-checkpoint.ipynb", ("z = gone", 1)
    )
    code, out, _ = run("check", str(tmp_path), "--format", "json")
    paths = sorted(Path(f["path"]).name for f in json.loads(out)["files"])
    assert paths == ["b.ipynb", "clean.ipynb"]
    assert code == 1
    code, out, _ = run("check", str(tmp_path / "*.ipynb"), "--format", "json")
    assert [Path(f["path"]).name for f in json.loads(out)["files"]] == ["clean.ipynb"]
    assert code == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"cells": []}', "not a Jupyter notebook"),
        (b"\xff\xfe".decode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_files_exit_2_with_one_line_and_others_are_still_checked(
    tmp_path: Path, clean: Path, content: str, reason: str
):
    bad = tmp_path / "bad.ipynb"
    bad.write_text(content, encoding="latin-1")
    code, out, err = run("check", str(bad), str(clean), "--format", "json")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"{bad}: error: ") and reason in line
    assert [Path(f["path"]).name for f in json.loads(out)["files"]] == ["clean.ipynb"]


def test_missing_path_and_unknown_rule_exit_2(clean: Path):
    code, _, err = run("check", "nowhere.ipynb", str(clean))
    assert code == 2 and "nowhere.ipynb: error: no such file" in err
    code, _, err = run("check", str(clean), "--select", "NBG999")
    assert code == 2 and "unknown rule 'NBG999'" in err
    assert run("check")[0] == 2  # usage


def test_old_nbformat_versions_are_read(tmp_path: Path):
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": "print(undefined_v3)",
                        "language": "python",
                        "outputs": [],
                        "prompt_number": 1,
                        "metadata": {},
                    }
                ]
            }
        ],
    }
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    code, out, _ = run("check", str(path), "--format", "json")
    (file,) = json.loads(out)["files"]
    assert [(d["code"], d["cell_id"]) for d in file["diagnostics"]] == [
        ("NBG102", "index:0")
    ]
    assert code == 1


def test_other_languages_skip_name_rules_with_a_note(tmp_path: Path):
    path = write(
        tmp_path / "r.ipynb", ("x <- undefined", 2), ("y <- 1", 1), language="R"
    )
    code, out, err = run("check", str(path), "--format", "json")
    (file,) = json.loads(out)["files"]
    assert [d["code"] for d in file["diagnostics"]] == ["NBG205"]
    assert "note: kernel language is 'r'" in err
    assert code == 0


def test_pyproject_configuration(tmp_path: Path, hazards: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nbguard]\nselect = ["NBG102"]\nfail-on = "error"\n'
    )
    code, out, _ = run("check", str(hazards), "--format", "json", cwd=tmp_path)
    (file,) = json.loads(out)["files"]
    assert {d["code"] for d in file["diagnostics"]} == {"NBG102"}
    assert code == 1
    (tmp_path / "pyproject.toml").write_text('[tool.nbguard]\nfail-on = "fatal"\n')
    code, _, err = run("check", str(hazards), cwd=tmp_path)
    assert code == 2 and "fail-on must be one of" in err


def test_many_files_are_checked_in_parallel_with_the_same_answer(tmp_path: Path):
    for i in range(12):
        write(tmp_path / f"nb{i:02}.ipynb", ("a = 1", 1), (f"print(b{i})", 2))
    serial = main(["check", str(tmp_path), "--jobs", "1", "--format", "json"])
    assert serial == 1
    code, out, _ = run("check", str(tmp_path), "--jobs", "2", "--format", "json")
    files = json.loads(out)["files"]
    assert len(files) == 12
    assert [f["diagnostics"][0]["names"] for f in files] == [
        [f"b{i}"] for i in range(12)
    ]
    assert code == 1
