"""Binding-level dataflow: each case is a notebook, a history and the findings.

Every case comes in pairs where it can: the healthy notebook run top to bottom
(no warning), and the same after an upstream change (warns on exactly the cells
whose outputs now differ from Restart & Run All).
"""

from __future__ import annotations

import pytest

from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook
from jupyterlab_nbguard.engine.defuse import analyse

from .notebooks import cells

STALENESS = ["NBG201", "NBG209"]
PRELUDE = """\
class Model:
    def fit(self, X, y):
        self.w = sum(X) + sum(y)
    def predict(self, X):
        return [x * self.w for x in X]
def load():
    return [1, -2, 3]
def train(config):
    return dict(config)
X, y = [1, 2], [0, 1]
"""


def history(
    nb: tuple[Cell, ...], *steps: int | str | tuple[int, str]
) -> tuple[Execution, ...]:
    """Executions: an int runs that cell, a str is console code, (i, code) runs
    cell i with other (older) code."""
    out = []
    for n, step in enumerate(steps, start=1):
        if isinstance(step, int):
            out.append(Execution(nb[step].source, nb[step].id, n))
        elif isinstance(step, str):
            out.append(Execution(step, None, n))
        else:
            index, code = step
            out.append(Execution(code, nb[index].id, n))
    return tuple(out)


def findings(
    nb: tuple[Cell, ...], executions: tuple[Execution, ...]
) -> set[tuple[str, str]]:
    found = Engine().check(Notebook(nb, executions), select=STALENESS)
    return {(d.code, d.cell_id or "") for d in found}


def warnings(
    nb: tuple[Cell, ...], executions: tuple[Execution, ...]
) -> list[tuple[str, str | None, tuple[str, ...]]]:
    found = Engine().check(Notebook(nb, executions))
    return [(d.code, d.cell_id, d.names) for d in found if d.severity.value != "info"]


def test_a_binding_depends_on_its_own_statement_only():
    # the defect from the issue: b does not come from x
    nb = cells("x = 5", "a = x\nb = 2", "print(b)")
    ran = history(nb, (0, "x = 1"), 1, 2, 0)
    assert findings(nb, ran) == {("NBG201", "c1")}


def test_the_loop_target_is_bound_after_the_iterable_is_read():
    facts = analyse("for rows in rows:\n    pass")
    assert facts.read_names == {"rows"}


@pytest.mark.parametrize(
    ("sources", "order"),
    [
        (["df = load()", "df.head()", "df['b'] = df['a'] * 2", "df.describe()"], None),
        (
            [
                "config = {}",
                "config['lr'] = 0.1",
                "config['epochs'] = 3",
                "train(config)",
            ],
            None,
        ),
        (["import math", "r = math.sqrt(2)", "import math", "math.pi * r"], None),
        (
            ["import numpy as np", "a = np.arange(3)", "a.sum()", "a += 1", "a.mean()"],
            None,
        ),
        (
            ["results = []", "results.append(1)", "results.append(2)", "len(results)"],
            None,
        ),
        (["seen = set()", "seen.add('a')", "seen.add('b')", "sorted(seen)"], None),
        (["model = Model()", "model", "model.fit(X, y)", "model.predict(X)"], None),
        (
            ["shared = {}"]
            + [f"shared['k{i}'] = {i}\nv{i} = shared['k{i}'] + 1" for i in range(1, 30)]
            + ["print(shared)"],
            None,
        ),
        (
            ["rows = load()", "keep = rows > 0", "rows = rows[keep]", "print(keep)"],
            None,
        ),
        (["x = 1", "x = x + 1", "x = x + 1", "print(x)"], None),
        (["def f():\n    return 1", "v = f()", "def f():\n    return 1", "f()"], None),
    ],
)
def test_a_linear_run_has_no_warning(sources, order):
    nb = cells(PRELUDE, *sources)
    ran = history(nb, *(order or range(len(sources) + 1)))
    assert warnings(nb, ran) == []


def test_elementwise_unpacking():
    nb = cells(
        "start = 2",
        "stop = 9",
        "lo, hi = start - 1, stop + 1",
        "print(hi)",
        "print(lo)",
    )
    ran = history(nb, (0, "start = 1"), 1, 2, 3, 4, 0)
    assert findings(nb, ran) == {("NBG201", "c2"), ("NBG201", "c4")}


def test_starred_target_takes_its_slice_conservatively():
    nb = cells("a = 1", "first, *rest = [a, 2, 3]", "print(first)")
    ran = history(nb, (0, "a = 0"), 1, 2, 0)
    assert ("NBG201", "c2") in findings(nb, ran)


def test_default_argument_and_nested_helpers():
    nb = cells(
        "K = 2",
        "def helper():\n    return K\n",
        "def f():\n    return helper() + 1",
        "y = f()",
        "print(y)",
    )
    ran = history(nb, (0, "K = 1"), 1, 2, 3, 4, 0)
    assert findings(nb, ran) == {("NBG201", "c3"), ("NBG201", "c4")}


def test_returned_closure_reads_globals_when_called():
    nb = cells(
        "K = 2",
        "def make():\n    def h():\n        return K\n    return h",
        "g = make()",
        "v = g()",
        "print(v)",
    )
    ran = history(nb, (0, "K = 1"), 1, 2, 3, 4, 0)
    found = findings(nb, ran)
    assert ("NBG201", "c3") in found and ("NBG201", "c4") in found


def test_with_as_binds_from_the_context_expression():
    nb = cells(
        "path = 'b.txt'", "with open(path) as fh:\n    text = fh.read()", "print(text)"
    )
    ran = history(nb, (0, "path = 'a.txt'"), 1, 2, 0)
    assert findings(nb, ran) == {("NBG201", "c1"), ("NBG201", "c2")}


def test_indexing_into_a_returned_tuple():
    nb = cells(
        "n = 3", "def split():\n    return n, n * 2", "t = split()[1]", "print(t)"
    )
    ran = history(nb, (0, "n = 2"), 1, 2, 3, 0)
    assert findings(nb, ran) == {("NBG201", "c2"), ("NBG201", "c3")}


def test_output_history_names():
    nb = cells("x = 3", "x * 2", "y = _ + 1", "z = Out[2] + _2", "print(y, z)")
    calm = history(nb, 0, 1, 2, 3, 4)
    assert warnings(nb, calm) == []
    ran = history(nb, (0, "x = 2"), 1, 2, 3, 4, 0)
    assert findings(nb, ran) == {
        ("NBG201", "c1"),
        ("NBG201", "c2"),
        ("NBG201", "c3"),
        ("NBG201", "c4"),
    }


def test_a_magic_on_the_first_line_keeps_the_rest_analysed():
    nb = cells("x = 3", "%time y = x + 1\nz = y * 2", "print(z)")
    ran = history(nb, (0, "x = 2"), 1, 2, 0)
    assert findings(nb, ran) == {("NBG201", "c1"), ("NBG201", "c2")}


def test_rebinding_from_its_own_value_does_not_stale_its_other_inputs():
    nb = cells(
        "rows = [1, -1, 2]",
        "keep = [r > 0 for r in rows]\nkeep",
        "rows = [r for r, k in zip(rows, keep) if k]",
        "print(keep)",
    )
    # the cell that computed keep read rows before the cell below changed it
    # (quiet); what it computed, keep, is not out of date
    assert findings(nb, history(nb, 0, 1, 2, 3)) == {("NBG209", "c1")}


def test_static_paths_keep_keys_apart():
    nb = cells("d = {'a': 1, 'b': 2}", "x = d['a']", "print(x)")
    assert findings(nb, history(nb, 0, 1, 2, "d['b'] = 3")) == set()
    assert findings(nb, history(nb, 0, 1, 2, "d['a'] = 3")) == {
        ("NBG201", "c1"),
        ("NBG201", "c2"),
    }


def test_a_class_attribute_does_not_change_an_instance_attribute():
    nb = cells(
        "class Model:\n    default = 1\n    def __init__(self):\n        self.lr = 0.1",
        "m = Model()",
        "print(m.lr)",
    )
    assert findings(nb, history(nb, 0, 1, 2, "Model.default = 2")) == set()
    assert findings(nb, history(nb, 0, 1, 2, "m.lr = 2")) == {("NBG201", "c2")}


def test_a_store_is_not_a_read_of_the_container():
    nb = cells("config = {}", "config['lr'] = 0.1", "config['epochs'] = 3")
    assert findings(nb, history(nb, 0, 1, 2, "config['lr'] = 0.5")) == set()


def test_upstream_changes_warn_and_downstream_ones_are_quiet():
    nb = cells("prices = [3, 4]", "total = sum(prices)\ntotal", "prices.append(5)")
    assert findings(nb, history(nb, 0, 1, 2)) == {("NBG209", "c1")}
    console = history(nb, 0, 1, "prices.append(5)")
    assert findings(nb, console) == {("NBG201", "c1")}
    deleted = history(nb, 0, 1) + (Execution("prices.append(6)", "gone", 3),)
    assert findings(nb, deleted) == {("NBG201", "c1")}


def test_a_repeated_import_is_no_change():
    nb = cells("import math", "r = math.sqrt(2)")
    assert findings(nb, history(nb, 0, 1, 0)) == set()
    other = history(nb, 0, 1, (0, "import cmath as math"))
    assert findings(nb, other) == {("NBG201", "c1")}


def test_a_method_call_reads_what_that_method_reads():
    nb = cells(
        "SMOOTHING = 1.0",
        "class Filter:\n    def __init__(self):\n        self.n = 0\n"
        "    def fit(self, xs):\n        self.n = len(xs)\n"
        "    def score(self):\n        return self.n + SMOOTHING",
        "clf = Filter()",
        "clf.fit([1, 2])",
        "p = clf.score()",
    )
    ran = history(nb, 0, 1, 2, 3, 4, "SMOOTHING = 0.0")
    assert findings(nb, ran) == {("NBG201", "c4")}


def test_a_value_changed_twice_by_re_running_an_accumulating_cell():
    nb = cells("basket = ['apples']", "basket.append('milk')", "n = len(basket)")
    # run once, in order: calm
    assert findings(nb, history(nb, 0, 1, 2)) == set()
    # the append ran twice before the count: the count differs from a fresh run
    found = Engine().check(Notebook(nb, history(nb, 0, 1, 1, 2)), select=["NBG201"])
    assert [(d.cell_id, d.names) for d in found] == [("c2", ("basket",))]
    assert "ran a second time" in found[0].message
    # a plain rebinding run twice is the same value: no finding
    plain = cells("k = 3", "m = k * 2")
    assert findings(plain, history(plain, 0, 0, 1)) == set()
