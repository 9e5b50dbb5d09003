"""Per-cell facts: what a cell reads, defines, mutates and deletes."""

from __future__ import annotations

import pytest

from jupyterlab_nbguard.engine.defuse import analyse


def facts(source: str):
    f = analyse(source)
    return (
        sorted(f.read_names),
        sorted(f.defined_names),
        sorted(f.mutated_names),
        sorted(f.deleted_names),
    )


@pytest.mark.parametrize(
    ("source", "reads", "defines", "mutates", "deletes"),
    [
        ("y = x + 1", ["x"], ["y"], [], []),
        ("x = 1\ny = x", [], ["x", "y"], [], []),
        ("y = x\nx = 1", ["x"], ["x", "y"], [], []),
        ("a, (b, *c) = t", ["t"], ["a", "b", "c"], [], []),
        ("import os.path as p, sys", [], ["p", "sys"], [], []),
        ("import os.path", [], ["os"], [], []),
        ("from m import a as b", [], ["b"], [], []),
        ("for i in xs:\n    total = i", ["xs"], ["i", "total"], [], []),
        ("with open(f) as fh:\n    pass", ["f", "open"], ["fh"], [], []),
        (
            "try:\n    pass\nexcept ValueError as e:\n    pass",
            ["ValueError"],
            ["e"],
            [],
            [],
        ),
        ("if (n := len(xs)) > 1:\n    pass", ["len", "xs"], ["n"], [], []),
        ("[v for v in vs if v > k]", ["k", "vs"], [], [], []),
        ("{k: v for k, v in d.items()}", ["d"], [], [], []),
        ("[w := v for v in vs]", ["vs"], ["w"], [], []),
        ("f = lambda a: a + b", [], ["f"], [], []),
        ("sorted(xs, key=lambda a: a * k)", ["k", "sorted", "xs"], [], [], []),
        ("def f(a, b=d):\n    return a + g", ["d"], ["f"], [], []),
        ("@deco\ndef f():\n    pass", ["deco"], ["f"], [], []),
        (
            "class C(Base):\n    attr = v\n    def m(self):\n        return w",
            ["Base", "v"],
            ["C"],
            [],
            [],
        ),
        ("x.a = 1", [], [], ["x"], []),
        ("x[0] = 1", [], [], ["x"], []),
        ("del x[0]", [], [], ["x"], []),
        ("x.a.b += 1", ["x"], [], ["x"], []),
        ("x += 1", ["x"], ["x"], [], []),
        ("items.append(1)", [], [], ["items"], []),
        ("df.dropna(inplace=True)", [], [], ["df"], []),
        ("model.fit(X, y)", ["X", "y"], [], ["model"], []),
        ("random.shuffle(deck)", ["random"], [], ["deck"], []),
        ("del a, b", [], [], [], ["a", "b"]),
        (
            "match p:\n    case [a, *rest]:\n        pass\n    case {'k': v, **kw}:\n        pass\n    case Point(x=px) as pt:\n        pass",
            ["Point", "p"],
            ["a", "kw", "pt", "px", "rest", "v"],
            [],
            [],
        ),
        ("x: int = 3", ["int"], ["x"], [], []),
        ("x: int", ["int"], [], [], []),
        ("def f():\n    global G\n    G = 1", [], ["f"], [], []),
        ("'a string' ; 3", [], [], [], []),
    ],
)
def test_python_facts(source, reads, defines, mutates, deletes):
    assert facts(source) == (reads, defines, mutates, deletes)


@pytest.mark.parametrize(
    ("source", "reads", "defines"),
    [
        ("%time y = f(x)", ["f", "x"], ["y"]),
        ("%timeit y = f(x)", ["f", "x"], []),
        ("%timeit -n 10 -r 2 g(x)", ["g", "x"], []),
        ("%%time\ny = f(x)\nz = y", ["f", "x"], ["y", "z"]),
        ("%%timeit\ny = f(x)", ["f", "x"], []),
        ("%%capture out\nprint(v)", ["print", "v"], ["out"]),
        ("%%bash\necho $HOME", [], []),
        ("files = !ls $folder", ["folder"], ["files"]),
        ("!echo {name}", ["name"], []),
        ("%matplotlib inline\nimport numpy as np", [], ["np"]),
        ("obj?", [], []),
        ("%store -r saved", [], ["saved"]),
        ("for i in range(3):\n    %time y = i", ["range"], ["i", "y"]),
    ],
)
def test_ipython_syntax_is_read_as_ipython_runs_it(source, reads, defines):
    f = analyse(source)
    assert f.syntax_error is None
    assert (sorted(f.read_names), sorted(f.defined_names)) == (reads, defines)


def test_star_import_and_run_make_the_cell_opaque():
    assert analyse("from numpy import *").opaque
    assert analyse("%run helpers.py").opaque
    assert not analyse("import numpy").opaque


def test_function_bodies_are_deferred_and_recorded_per_function():
    f = analyse(
        "def load():\n    global cache\n    cache = read(path)\n    seen.append(1)\n"
        "    return helper()\nload()"
    )
    load = f.functions["load"]
    assert sorted(load.read_names) == ["helper", "path", "read", "seen"]
    assert load.writes == {"cache"}
    assert load.mutates == {"seen"}
    assert load.calls == {"helper", "read"}
    assert [u.name for u in f.calls] == ["load"]
    assert f.read_names == frozenset()


def test_methods_are_kept_per_class_and_method():
    f = analyse(
        "class Model:\n    def __init__(self):\n        self.k = K\n"
        "    def fit(self):\n        return self.step(data)\nModel().fit()"
    )
    assert f.functions["Model"].is_class
    assert "Model.__init__" in f.functions["Model"].calls
    assert sorted(f.functions["Model.__init__"].read_names) == ["K"]
    assert sorted(f.functions["Model.fit"].read_names) == ["data"]
    assert f.functions["Model.fit"].calls == {"Model.step"}


def test_ranges_are_exact_and_in_utf16_columns():
    f = analyse("é = '😀'; total = sum(prices)")
    use = f.first_read("prices")
    assert use is not None
    # 'é' is one UTF-16 unit, '😀' two: 'prices' starts at character 21, unit 22
    assert (use.range.start.line, use.range.start.column, use.range.end.column) == (
        0,
        22,
        28,
    )


def test_ranges_inside_magics_point_at_the_user_source():
    f = analyse("x = 1\n%time y = f(x)")
    use = f.first_read("f")
    assert use is not None
    assert (use.range.start.line, use.range.start.column) == (1, 10)
    cell = analyse("%%time\nz = q * 2")
    q = cell.first_read("q")
    assert q is not None
    assert (q.range.start.line, q.range.start.column) == (1, 4)


@pytest.mark.parametrize("source", ["def f(:\n", "x = = 1", "%time y = (", "return 3)"])
def test_syntax_errors_are_facts_not_exceptions(source):
    f = analyse(source)
    assert f.syntax_error is not None
    message, where = f.syntax_error
    assert message.startswith("SyntaxError")
    assert where.start.line >= 0
    assert f.read_names == frozenset()


def test_accumulations():
    f = analyse(
        "counter += 1\nresults.append(x)\ntotal = total + 1\nfresh = []\nfresh.append(1)"
    )
    assert [u.name for u in f.accumulates] == ["counter", "results", "total"]


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "a+" * 50000 + "a",  # the parser's recursion limit
        "x = " + "-" * 100000 + "1",  # the parser runs out of memory
        "x = " + "a+" * 2000 + "a",  # parses, but deeper than a recursive walk
    ],
)
def test_pathological_nesting_is_a_finding_not_a_crash(source):
    f = analyse(source)
    assert f.syntax_error is not None
    assert "too deeply nested" in f.syntax_error[0]
