"""NBG001, NBG101, NBG102: page-order rules (no history needed)."""

from __future__ import annotations

import pytest

from ..notebooks import cells, check


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        # NBG101: read above, defined below
        (("print(rate)", "rate = 0.05"), [("NBG101", "c0", ("rate",))]),
        # through a function: the call counts, the definition does not
        (
            ("def f():\n    return rate", "f()", "rate = 1"),
            [("NBG101", "c1", ("rate",))],
        ),
        # NBG102: typo, nobody binds it
        (("prices = [1]", "sum(prics)"), [("NBG102", "c1", ("prics",))]),
        # a del above unbinds it
        (("x = 1", "del x", "print(x)"), [("NBG102", "c2", ("x",))]),
        # read before the cell binds it itself
        (("print(y)\ny = 2",), [("NBG102", "c0", ("y",))]),
        # inside a function body, a global no cell binds is reported where it appears
        (("def f():\n    return nowhere",), [("NBG102", "c0", ("nowhere",))]),
        # NBG001
        (("def f(:",), [("NBG001", "c0", ())]),
    ],
)
def test_positive(sources, expected):
    assert check(cells(*sources), select=["NBG0", "NBG1"]) == expected


@pytest.mark.parametrize(
    "sources",
    [
        ("rate = 1", "print(rate)"),
        ("import numpy as np", "np.zeros(3)"),
        ("print(len([]), display, get_ipython, In, Out, _, __, _i, _3)",),
        ("from numpy import *", "zeros(3)"),
        ("%run setup.py", "value"),
        ("def f():\n    return later", "later = 1", "f()"),
        ("[i for i in range(3)]", "lambda q: q"),
        ("def f(a, *args, b=1, **kw):\n    return a, args, b, kw",),
        ("class C:\n    x = 1\n    y = x + 1",),
        (
            "try:\n    import ujson as json\nexcept ImportError:\n    import json",
            "json",
        ),
        ("# md just words", "x = 1"),
        ("x = 1", "%time y = x", "print(y)"),
        ("%%capture out\nprint(1)", "out.show()"),
        ("def f():\n    global G\n    G = 1", "f()", "print(G)"),
        ("print(__name__)",),
    ],
)
def test_no_false_positive(sources):
    assert check(cells(*sources), select=["NBG0", "NBG1"]) == []


def test_the_message_names_the_symbol_and_the_cell():
    from jupyterlab_nbguard.engine import Engine, Notebook

    nb = cells("print(rate)", "rate = 0.05")
    (diagnostic,) = Engine().check(Notebook(nb), select=["NBG101"])
    assert "'rate'" in diagnostic.message
    assert "in cell 2:" in diagnostic.message
    assert diagnostic.related[0].cell_id == "c1"
    assert diagnostic.range is not None
    assert (diagnostic.range.start.column, diagnostic.range.end.column) == (6, 10)
