"""Property tests: on any source, generated or mutated, the engine never raises
and answers the same way twice."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook
from jupyterlab_nbguard.engine.defuse import analyse

SNIPPETS = [
    "x = 1", "y = x + 1", "del x", "x.append(y)", "x[0] = 2", "x += 1",
    "def f(a=x):\n    return y", "f()", "class C:\n    z = x", "import os",
    "from m import *", "%time z = f(x)", "%%time\nq = x", "!ls $x", "x?",
    "[i for i in x]", "lambda: y", "for i in x:\n    y = i", "print(z)",
    "with open(x) as fh:\n    w = fh", "try:\n    v = x\nexcept E as e:\n    pass",
    "match x:\n    case [a, *b]:\n        c = a", "global g", "if (n := x):\n    pass",
    "é = '😀'", "# nbguard: ignore", "x = (", "def g(:", "%%bash\necho", "    y = 3",
]  # fmt: skip

sources = st.lists(st.sampled_from(SNIPPETS), min_size=0, max_size=5).map("\n".join)
mutated = st.tuples(
    sources, st.integers(0, 200), st.sampled_from(list("()[]{}:=%!?\n\t #'\"\\é"))
).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :])
any_source = st.one_of(sources, mutated, st.text(max_size=80))


@settings(max_examples=10_000, deadline=None)
@given(any_source)
def test_analysis_never_raises_and_is_deterministic(source):
    assert analyse(source) == analyse(source)


@settings(max_examples=1_000, deadline=None)
@given(
    st.lists(any_source, min_size=1, max_size=6),
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(["ok", "error", "aborted"])),
        max_size=10,
    ),
)
def test_check_never_raises_and_is_deterministic(sources_, order):
    cells = tuple(Cell(f"c{i}", "code", s) for i, s in enumerate(sources_))
    from jupyterlab_nbguard.engine.model import ExecutionStatus

    executions = tuple(
        Execution(
            cells[i % len(cells)].source,
            cells[i % len(cells)].id,
            n,
            ExecutionStatus(status),
        )
        for n, (i, status) in enumerate(order, start=1)
    )
    notebook = Notebook(cells, executions)
    first = [d.to_json() for d in Engine().check(notebook)]
    second = [d.to_json() for d in Engine().check(notebook)]
    assert first == second
    for d in first:
        assert d["cell_id"] is None or d["cell_id"].startswith("c")
        if d["range"]:
            assert (
                d["range"]["start"]["line"] >= 0 and d["range"]["start"]["column"] >= 0
            )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.sampled_from(SNIPPETS)), max_size=4),
)
def test_a_resumed_page_flow_equals_a_fresh_one(sources_, edits):
    from jupyterlab_nbguard.engine import pageflow
    from jupyterlab_nbguard.engine.cache import FactsCache

    cache = FactsCache()

    def code_cells(texts):
        return [
            (i, Cell(f"c{i}", "code", t), cache.facts(t)) for i, t in enumerate(texts)
        ]

    original = pageflow.CHECKPOINT_EVERY
    pageflow.CHECKPOINT_EVERY = 2  # resume often
    try:
        previous = pageflow.PageFlow(code_cells(sources_))
        edited = list(sources_)
        for index, text in edits:
            edited[index % len(edited)] = text
        resumed = pageflow.PageFlow(code_cells(edited), previous)
        fresh = pageflow.PageFlow(code_cells(edited))
    finally:
        pageflow.CHECKPOINT_EVERY = original

    def summary(flow):
        return [(r.cell.id, r.name, r.use, r.via, r.after_opaque) for r in flow.unbound]

    assert summary(resumed) == summary(fresh)
    assert resumed.any_opaque == fresh.any_opaque
    assert resumed.binders == fresh.binders


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=6),
    st.lists(st.one_of(st.integers(0, 5), st.sampled_from(SNIPPETS)), max_size=12),
)
def test_memoised_staleness_equals_a_fresh_replay(sources_, order):
    # Given one engine checking after every execution, as the server does
    cells = tuple(Cell(f"c{i}", "code", s) for i, s in enumerate(sources_))
    executions: list[Execution] = []
    engine = Engine()
    timeline = None
    for n, step in enumerate(order, start=1):
        if isinstance(step, int):
            cell = cells[step % len(cells)]
            executions.append(Execution(cell.source, cell.id, n))
        else:
            executions.append(Execution(step, None, n))
        timeline = engine.replay(timeline, executions)
        incremental = engine.check(
            Notebook(cells, tuple(executions)), timeline=timeline
        )
        # Then each answer equals that of a fresh engine on the same history
        fresh = Engine().check(Notebook(cells, tuple(executions)))
        assert [d.to_json() for d in incremental] == [d.to_json() for d in fresh]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=6),
    st.lists(
        st.tuples(
            st.one_of(st.integers(0, 5), st.sampled_from(SNIPPETS)), st.booleans()
        ),
        max_size=14,
    ),
)
def test_staleness_memoised_over_several_new_executions_equals_a_fresh_replay(
    sources_, order
):
    # Given checks that each absorb several executions at once, as when a
    # notebook runs while no check is asked for
    cells = tuple(Cell(f"c{i}", "code", s) for i, s in enumerate(sources_))
    executions: list[Execution] = []
    engine = Engine()
    timeline = None
    for n, (step, check) in enumerate(order, start=1):
        if isinstance(step, int):
            cell = cells[step % len(cells)]
            executions.append(Execution(cell.source, cell.id, n))
        else:
            executions.append(Execution(step, None, n))
        if not check and n < len(order):
            continue
        timeline = engine.replay(timeline, executions)
        incremental = engine.check(
            Notebook(cells, tuple(executions)), timeline=timeline
        )
        # Then each answer equals that of a fresh engine on the same history
        fresh = Engine().check(Notebook(cells, tuple(executions)))
        assert [d.to_json() for d in incremental] == [d.to_json() for d in fresh]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPETS), min_size=2, max_size=6),
    st.lists(
        st.one_of(
            st.tuples(st.just("run"), st.integers(0, 5)),
            st.tuples(st.just("edit"), st.integers(0, 5), st.sampled_from(SNIPPETS)),
            st.tuples(st.just("move"), st.integers(0, 5)),
        ),
        max_size=14,
    ),
)
def test_findings_kept_per_cell_equal_a_fresh_check_after_edits_runs_and_moves(
    sources_, actions
):
    # Given one engine that checks after every edit, run and move of a cell
    cells = [Cell(f"c{i}", "code", s) for i, s in enumerate(sources_)]
    executions: list[Execution] = []
    engine = Engine()
    timeline = None
    for action in actions:
        at = action[1] % len(cells)
        if action[0] == "run":
            count = len(executions) + 1
            cells[at] = Cell(cells[at].id, "code", cells[at].source, count)
            executions.append(Execution(cells[at].source, cells[at].id, count))
        elif action[0] == "edit":
            cells[at] = Cell(cells[at].id, "code", action[2], cells[at].execution_count)
        else:
            cells.insert(0, cells.pop(at))
        timeline = engine.replay(timeline, executions)
        notebook = Notebook(tuple(cells), tuple(executions))
        kept = engine.check(notebook, timeline=timeline)
        # Then every answer equals that of a fresh engine
        fresh = Engine().check(Notebook(tuple(cells), tuple(executions)))
        assert [d.to_json() for d in kept] == [d.to_json() for d in fresh]


def test_results_do_not_depend_on_the_hash_seed():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = """
import json, random, sys
sys.path.insert(0, "bench")
from engine import make_cell
from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook
rng = random.Random(7)
sources = ["seed = 1"] + [make_cell(i, 12, rng) for i in range(1, 80)]
cells = tuple(Cell(f"c{i}", "code", s, i + 1) for i, s in enumerate(sources))
history = [Execution(c.source, c.id, i + 1) for i, c in enumerate(cells)]
history += [Execution(cells[3].source, cells[3].id, 81), Execution("v5 = 0", None, 82)]
found = Engine().check(Notebook(cells, tuple(history)))
print(json.dumps([d.to_json() for d in found]))
"""
    root = Path(__file__).parents[2]
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=root,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert len(json.loads(outputs.pop())) > 10  # it did find things to compare


def test_a_diagnostics_json_text_is_its_json():
    import json

    nb = (Cell("a", "code", "é = '😀'\nprint(x)"), Cell("b", "code", "x = 1"))
    for d in Engine().check(Notebook(nb)):
        assert json.loads(d.json_text) == d.to_json()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=6),
    st.lists(st.one_of(st.integers(0, 5), st.sampled_from(SNIPPETS)), max_size=8),
    st.text(max_size=12),
)
def test_json_text_is_exactly_the_json_encoders_text(sources_, order, text):
    import json
    from dataclasses import replace

    from jupyterlab_nbguard.engine.diagnostic import Fix, Related

    # Given the findings of a history with cells, consoles and odd text
    cells = tuple(Cell(f"c{i}", "code", s) for i, s in enumerate(sources_))
    executions = [
        Execution(cells[s % len(cells)].source, cells[s % len(cells)].id, n)
        if isinstance(s, int)
        else Execution(s, None, n)
        for n, s in enumerate(order, start=1)
    ]
    found = Engine().check(Notebook(cells, tuple(executions)))
    odd = [
        replace(
            d,
            message=d.message + text,
            names=(*d.names, text),
            related=(*d.related, Related(None, None, text)),
            fix=Fix("insert-cell", None, source=text),
        )
        for d in found[:3]
    ]
    # Then each text is byte for byte what json.dumps writes
    for d in [*found, *odd]:
        assert d.json_text == json.dumps(d.to_json(), separators=(",", ":"))


@settings(max_examples=2_000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *SNIPPETS,
                "%time y = x",
                "!echo $x",
                "%who",
                "%timeit -n 2 f(x)",
                "x = [\n%time",
                "'''\n%time\n'''",
                "if x:\n%time y = 1",
                "%cd ..\\",
            ]
        ),
        min_size=1,
        max_size=5,
    ).map("\n".join)
)
def test_line_by_line_escapes_equal_the_whole_cell_transform(source):
    from jupyterlab_nbguard.engine.escapes import transform_lines
    from jupyterlab_nbguard.engine.syntax import _transformer

    transform = _transformer().transform_cell
    done = transform_lines(source, transform)
    if done is not None:
        fast, tree = done
        assert ast.dump(tree) == ast.dump(ast.parse(fast))
        assert fast == transform(source).rstrip("\n") or fast + "\n" == transform(
            source
        )
