"""Render ``docs/rules.md`` from the rule docstrings (they are the user docs).

Run ``python -m jupyterlab_nbguard.engine.rules.docs > docs/rules.md``; a test
fails when the page and the docstrings disagree.
"""

from __future__ import annotations

from . import ALL_RULES

_PREAMBLE = """\
# nbguard rules

Generated from the rule docstrings by `python -m jupyterlab_nbguard.engine.rules.docs`;
edit those, not this page.

## The principle: severity ranks reproducibility

A finding is a **warning** or an **error** only when what the notebook shows or holds
differs from what Restart & Run All would give, or when Restart & Run All will fail.
Everything else is **info**, and info is quiet (a faint dotted underline, no cell
marker, not in the status bar's warning count). Consequently:

1. A notebook run once, top to bottom, in page order, without errors, has no warning.
2. The same notebook after an *upstream* change (a cell above re-run with new code, a
   console rebinding a name, a deleted cell's value still in use) warns, on exactly the
   cells whose outputs would now differ.
3. A change made by a cell **below** that ran **later** agrees with page order: Restart
   & Run All gives the same result. That is `superseded` (info), not `stale-cell`.
4. Order and staleness compare executions of the current kernel session only; that
   outputs on the page come from an earlier session is said once, for the notebook.

## Rules

Every finding has a code (never reused for another meaning), a rule name and a severity.
Select or ignore rules by code, code prefix (`NBG2`) or name (`stale-cell`), in the
JupyterLab settings or with `--select`/`--ignore`. Silence one finding with
`# nbguard: ignore[NBG201]` on its line, or `# nbguard: ignore` on the first line of a
cell for the whole cell.

| code | rule | severity | summary |
| ---- | ---- | -------- | ------- |
"""

_LIMITS = """\
## What nbguard can and cannot see

nbguard reads code, not values: it runs nothing in your kernel to find these hazards.

- **Names, not objects.** `b = a` then `a.append(1)` changes `b` too (aliasing); nbguard
  only sees that `a` was mutated, so cells that read `b` are not reported stale. It errs
  towards silence here.
- **Mutation inside opaque calls.** `normalise(df)` may change `df` in place; nbguard
  counts a call as a mutation only for known mutating methods (`append`, `update`,
  `sort`, `fit`, ...), `inplace=True`, `setattr`, `random.shuffle` and the like, and
  for functions defined in the notebook whose body mutates a global. It errs towards
  silence for other calls.
- **Dataflow per binding and per path.** A name bound by a statement depends on what
  that statement read (`lo, hi = a, b` binds `lo` from `a` only), and attributes and
  keys written with literals are tracked apart (`d['b'] = 1` does not change a value
  computed from `d['a']`; `Model.default = 2` does not change `m = Model()`). Where a
  key is computed (`d[k]`), the whole object stands for it.
- **Stores are not reads.** `config['lr'] = 0.1`, `results.append(x)` change the
  object without reading it: the cell doing it is not stale when another key is stored.
- **Value identity.** Re-running `import m` or the same `def` is no change. Rebinding a
  name to an equal value otherwise (`x = 1` run twice) still counts as a change:
  nbguard errs towards warning.
- **Cells that raised.** nbguard cannot know where an execution stopped, so a cell that
  raised is taken to have done everything its code does: it errs towards warning.
- **Function bodies** are charged to the cells that call them: a cell that calls `f()`
  depends on the globals `f` reads, at the time of the call.
- **Star imports and `%run`** bind names nbguard cannot list: after one,
  `undefined-name` stays quiet rather than flood you.
- **Builtins and IPython's names** (`_`, `__`, `_i`, `_3`, `In`, `Out`, `get_ipython`,
  `display`, `exit`) are always bound. In a live kernel, `_`, `__`, `___`, `_3` and
  `Out[3]` are the values shown by the executions that displayed them, and depend on
  what those read.
- **Magics** are read as IPython runs them, with IPython's own input transformer:
  `%time y = f(x)` defines `y`; `%timeit` runs in a private namespace and defines
  nothing; `%%capture out` defines `out`; `!ls $folder` reads `folder`.
- **Without a kernel** (`POST check` with no kernel, and the command line), the saved
  execution counts stand in for the history: each cell is taken to have run its current
  source once, in count order. Whether a cell was edited after it ran cannot be known
  from a saved file, so `edited-since-run` needs a live kernel.
- **Other languages.** In notebooks whose kernel is not Python, only the rules that need
  no understanding of the language run (`edited-since-run`, `run-order`).
"""


def render() -> str:
    """Return the whole Markdown page."""
    rows = [
        f"| [{r.code}](#{r.code.lower()}-{r.name}) | `{r.name}` | {r.severity.value} "
        f"| {r.summary()} |"
        for r in ALL_RULES.values()
    ]
    sections = []
    for rule in ALL_RULES.values():
        body = rule.description().replace("## ", "#### ")
        sections.append(f"## {rule.code} {rule.name}\n\n*{rule.summary()}*\n\n{body}\n")
    return _PREAMBLE + "\n".join(rows) + "\n\n" + "\n".join(sections) + "\n" + _LIMITS


if __name__ == "__main__":
    print(render(), end="")
