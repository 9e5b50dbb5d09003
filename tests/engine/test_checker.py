"""The engine's front door: warming up, and checks that reuse the last one."""

from __future__ import annotations

from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook


def test_warm_up_loads_ipythons_transformer_in_a_fresh_process():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from jupyterlab_nbguard.engine import Engine\n"
        "engine = Engine()\n"
        "assert 'IPython.core.inputtransformer2' not in sys.modules\n"
        "engine.warm_up()\n"
        "assert 'IPython.core.inputtransformer2' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_a_check_after_a_cell_changed_type_equals_a_fresh_one():
    # Given one engine that checked a notebook (as the server keeps it)
    cells = [
        Cell("a", "code", "x = 1", 1),
        Cell("b", "code", "y = x + 1", 2),
        Cell("c", "code", "print(y)", 3),
    ]
    history = (
        Execution("x = 1", "a", 1),
        Execution("y = x + 1", "b", 2),
        Execution("print(y)", "c", 3),
    )
    engine = Engine()
    engine.check(Notebook(tuple(cells), history))
    for changed in (
        Cell("b", "markdown", "y = x + 1"),  # same id, now markdown
        Cell("b", "code", "y = x + 2", 2),  # back to code, edited
        Cell("b", "code", "y = x + 2", 2),  # an equal cell, another object
    ):
        # When one cell changes in place and the same engine checks again
        cells[1] = changed
        kept = engine.check(Notebook(tuple(cells), history))
        # Then the answer is that of an engine that never saw the notebook
        fresh = Engine().check(Notebook(tuple(cells), history))
        assert [d.to_json() for d in kept] == [d.to_json() for d in fresh]
    assert any(d.code == "NBG202" for d in kept)  # b was edited after it ran
