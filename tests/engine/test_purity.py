"""The engine is pure: it loads no Jupyter, Tornado or traitlets."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_engine_imports_nothing_from_the_server_stack():
    code = textwrap.dedent(
        """
        import sys
        from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook
        cells = (Cell("a", "code", "x = 1"), Cell("b", "code", "y = x"))
        Engine().check(Notebook(cells, (Execution("x = 1", "a", 1),)))
        banned = ("tornado", "jupyter_server", "traitlets", "jupyter_client", "IPython")
        print(sorted(m for m in sys.modules if m.split(".")[0] in banned))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_ipython_is_loaded_only_for_cells_that_need_it():
    code = textwrap.dedent(
        """
        import sys
        from jupyterlab_nbguard.engine.defuse import analyse
        analyse("%time y = 1")
        print("IPython" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_docs_page_matches_the_rule_docstrings():
    from pathlib import Path

    from jupyterlab_nbguard.engine.rules.docs import render

    page = Path(__file__).parents[2] / "docs" / "rules.md"
    assert page.read_text() == render(), (
        "docs/rules.md is out of date: run "
        "python -m jupyterlab_nbguard.engine.rules.docs > docs/rules.md"
    )


def test_readme_rule_table_matches_the_rules():
    from pathlib import Path

    from jupyterlab_nbguard.engine.rules.docs import readme_table

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert readme_table() in readme, (
        "README.md's rule table is out of date: run "
        "python -m jupyterlab_nbguard.engine.rules.docs --readme"
    )
