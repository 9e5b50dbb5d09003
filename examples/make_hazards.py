"""Generate ``examples/hazards.ipynb``, the nbguard demo notebook.

Run from anywhere::

    python examples/make_hazards.py          # (re)write examples/hazards.ipynb
    python examples/make_hazards.py --check  # exit 1 if that file is out of date

The notebook is nbformat 4.5 with stable, readable cell ids (``load-data``,
``stale-reader``, ...) so that the UI tests in ``ui-tests/`` and the docs can
point at a cell by id.  It is saved without outputs and with null execution
counts.  Only the standard library is used and no cell is slow or networked.

Edit the ``CELLS`` list below, not the ``.ipynb`` file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
TARGET = HERE / "hazards.ipynb"


def md(cell_id: str, text: str) -> tuple[str, str, str]:
    """Describe a markdown cell."""
    return ("markdown", cell_id, text.strip("\n"))


def code(cell_id: str, text: str) -> tuple[str, str, str]:
    """Describe a code cell."""
    return ("code", cell_id, text.strip("\n"))


CELLS: list[tuple[str, str, str]] = [
    md(
        "intro",
        """
# nbguard: a tour of notebook hazards

A notebook's kernel remembers everything you ran, in the order you ran it, even code
that has since been edited or deleted. What you *see* on the page and what the kernel
*holds* drift apart, and the notebook ends up working only on your machine, only
today, or quietly showing the wrong numbers.

**nbguard** makes that hidden state visible while you work. It watches what every
cell reads and writes, and each time you run or edit a cell it checks the notebook.
Findings show up in four places:

- **Underlines** in the code: hover over an underlined name to read what is wrong and
  what to do about it. The rule code links to its documentation, each cell named is a
  link to that cell, and where there is a fix a button does it (*Run stale cells in
  page order*, *Restore the deleted code*, *Move definition above*, *Ignore here*).
- **A marker next to the cell**, coloured by severity (error, warning), with a glyph
  for the kind of hazard: ↻ stale, ⇅ out of order, ✎ edited since it ran, ≠ did not
  reproduce in *Restart and verify*.
- **The Notebook Health panel** (the shield in the right side bar; `Ctrl+Alt+N`),
  which lists the findings grouped by cell or by rule, with filters by severity, rule
  and text, the names that live in the kernel but no longer in the notebook, and
  whether the notebook reproduced. Click a row, or press `Enter` on it, to jump to the
  cell; in the notebook, `F8` and `Shift+F8` go to the next and previous finding.
- **The status bar**, which counts the findings of the current notebook by severity
  (information apart); click it to open the panel.

Errors and warnings mean that what you see is not what *Restart & Run All* would give
(or that it would fail). Everything else is **information**, and it is quiet: no
marker, only a line under *Information* in the panel (for example a cell that shows a
value a cell below changed later). So a notebook run from
top to bottom in a fresh kernel has no warning; what can remain are errors in the code
itself, such as a typo.

**How to use this notebook:** each section below demonstrates one hazard. Read the
section's text, then run its cells *in the order the text says* (select a cell and
press `Shift+Enter`, or click it and press `Ctrl+Enter` to run it without moving on).
The orders are sometimes deliberately not top to bottom. The sections are
independent of each other; start with the first one. If you skip a section, nbguard
notes that its cells never ran although cells below them did (`NBG207`, information):
in a real notebook that is worth a look, here you can ignore it.

Some cells are flagged before you run anything (a name used before it is defined, a
typo): nbguard also reads the code itself, not only the kernel's history. You can run
the same static check from a terminal:
`jupyter nbguard check examples/hazards.ipynb`.
""",
    ),
    # -- 1. stale cell ----------------------------------------------------------
    md(
        "stale-intro",
        """
## 1. Stale cell (`NBG201`)

**What it is.** A cell computed something from a variable, and *afterwards* a cell
**above** it changed that variable: you edited the data and ran it again. The
lower cell's output still describes the old data, and Restart & Run All would show
something else.

**Why it bites.** Nothing fails. The notebook shows a total that belongs to the old
price list, and you copy the wrong number into your report.

**Try it.** Run the `prices` cell and the `total` cell below. Then the supplier sends
a new price list: edit the first number in `prices` (say `4.50` to `4.75`) and run
that cell again. The `total` cell becomes *stale*: `prices` is underlined in it and
the cell gets a warning marker with ↻. Hover the underline to see which cell changed
`prices` (click it to jump there). Run the third cell now: it reads the new prices, so
it is fine.

**Fix it.** Run the `total` cell again, or click *Run stale cells in page order* in
the hover or the panel: the warning is gone.
""",
    ),
    code("load-data", "prices = [4.50, 2.25, 10.00, 3.75]"),
    code("stale-reader", "total = sum(prices)\ntotal"),
    code("fresh-reader", "n_items = len(prices)\nn_items"),
    # -- 2. superseded ----------------------------------------------------------
    md(
        "mutation-intro",
        """
## 2. Changed further down: superseded (`NBG209`, info)

**What it is.** A cell *below* changes, later, a value that a cell above it showed:
here, `basket.append(...)` adds to the list that `basket_size` counted. Page order
and time agree, so Restart & Run All shows exactly what you see. That is not a
hazard, and nbguard stays quiet about it: a faint dotted underline (when info
findings are shown as underlines), no cell marker, no warning count, one line
under *Information* in the panel.

**Try it.** Run the three cells below in order: no warning. `basket_size` is listed
as *superseded*: it shows the basket before the cell below added milk. The `append`
cell gets an info note too: each run adds another carton, so its result depends
on how many times it ran. Now run the `append` cell **a second time** and then the
fourth cell: the basket holds two cartons, Restart & Run All would give one, and
the fourth cell is warned about (`NBG201`).
""",
    ),
    code("basket-data", 'basket = ["apples", "bread"]'),
    code("basket-count", "basket_size = len(basket)\nbasket_size"),
    code("basket-add", 'basket.append("milk")'),
    code("basket-show", "basket"),
    # -- 3. use before definition -----------------------------------------------
    md(
        "ubd-intro",
        """
## 3. Use before definition (`NBG101`)

**What it is.** A cell reads a name that is only defined by a cell *further down* the
page.

**Why it bites.** It works for you, because you happened to run the lower cell
first. Anyone who runs the notebook from the top (or you, after a restart) gets a
`NameError`.

**Try it.** nbguard flags the first cell below *before you run anything*: `tax` is
underlined as an error. Run the second cell, then the first one: it prints a result,
and it is still flagged, because the page order is still wrong (the first cell now
also gets `NBG204`, out of order, and its marker shows ⇅). Fix it by moving the
definition above the use: click *Move definition above* in the hover or the panel, or
press `Esc`, then `Ctrl+Shift+Up` on the second cell, or drag it by its left margin.
""",
    ),
    code("ubd-report", 'print(f"Tax due: {tax:.2f}")'),
    code("ubd-define", "tax = round(19.99 * 0.20, 2)"),
    # -- 4. undefined name ------------------------------------------------------
    md(
        "typo-intro",
        """
## 4. Undefined name (`NBG102`)

**What it is.** A name that no cell in the notebook defines, typically a typo.

**Why it bites.** Usually it fails loudly with `NameError`. It becomes dangerous when
an old variable with that name is still alive in the kernel from an earlier session:
then the cell runs, with the wrong value.

**Try it.** Look at the cell below without running it: `totl` is underlined as an
error (it should be `total`, from section 1). Run it to see the `NameError` nbguard
warned about, then fix the typo: the cell is now marked ✎ (edited since it ran) until
you run it again.
""",
    ),
    code("typo-cell", 'print(f"With shipping: {totl + 4.99:.2f}")'),
    # -- 5. edited since run ----------------------------------------------------
    md(
        "edited-intro",
        """
## 5. Edited since run (`NBG202`)

**What it is.** The code you see is not the code that produced the output below it,
nor the value in the kernel.

**Why it bites.** You change `4.99` to `5.99`, forget to press `Shift+Enter`, and
every later cell still uses `4.99`. The page says one thing, the kernel another.

**Try it.** Run both cells below. Then edit the first one (change `4.99` to `5.99`)
**without running it**. The cell is marked ✎, edited since it last ran. Run it again
and the marker clears (and the second cell becomes stale instead, as in section 1:
the change came from above it).
""",
    ),
    code("edit-me", "shipping = 4.99"),
    code("edit-reader", 'print(f"Shipping costs {shipping:.2f}")'),
    # -- 6. deleted but live ----------------------------------------------------
    md(
        "deleted-intro",
        """
## 6. Deleted but still alive (`NBG203`)

**What it is.** A cell defined a function or variable, and then the cell was deleted
(or its code was edited away). The kernel still holds the object, so cells that use
it keep working.

**Why it bites.** This is the classic "works until restart" bug. The notebook you
share no longer contains the code that defines `with_vat`; the next person to open
it, or you after a restart, gets a `NameError`.

**Try it.** Run the two cells below. Then delete the first one (select it, press `Esc`,
then `D`, `D`; or use *Edit > Delete Cells*). Run the second cell again:
it still works, and nbguard underlines `with_vat` because nothing in the notebook
defines it any more. The panel lists it under *Live in the kernel, not in the
notebook*, with its type. To fix it, click *Restore the deleted code* in the hover: the
cell comes back where it was. (*Delete from kernel* in the panel removes the name from
the kernel instead.) Or restart the kernel to see what a fresh reader would get.
""",
    ),
    code(
        "deleted-helper",
        "# run me, then delete this cell\n"
        "def with_vat(amount):\n"
        "    return round(amount * 1.20, 2)",
    ),
    code("deleted-user", "with_vat(10.00)"),
    # -- 7. out of order --------------------------------------------------------
    md(
        "ooo-intro",
        """
## 7. Out of order (`NBG204`)

**What it is.** A cell last ran using a value that a cell *below* it produced. Every
name is defined above it too, so nothing looks wrong on the page.

**Why it bites.** The results on screen come from an order of execution that only
existed in your session. *Restart & Run All* uses the 10% discount, your screen shows
the 25% one.

**Try it.** Run the first cell, then the **third**, then the **second**. The second
cell is flagged (marker ⇅): it read `discount` from the cell below it.
""",
    ),
    code("discount-set", "discount = 0.10"),
    code(
        "discount-apply",
        "sale = [round(p * (1 - discount), 2) for p in [10.00, 20.00]]\nsale",
    ),
    code("discount-change", "discount = 0.25"),
    # -- 8. run order -----------------------------------------------------------
    md(
        "order-intro",
        """
## 8. Run order (`NBG205`, info)

**What it is.** The execution counts (`[3]`, `[2]`, ...) are not increasing from top
to bottom: the cells ran in a different order from the page.

**Why it bites.** Here no data flows between the two cells, so it is harmless, which
is why this is only *info*: no marker, only a line under *Information* in the
panel. But a reader cannot tell harmless from harmful at a
glance; nbguard's other rules tell you when the order actually mattered.

**Try it.** Run the second cell first, then the first one.
""",
    ),
    code("order-first", 'greeting = "Welcome to the shop"'),
    code("order-second", 'farewell = "Thanks for your order"'),
    # -- 9. magics --------------------------------------------------------------
    md(
        "magic-intro",
        """
## 9. Magics are understood

**What it is.** IPython magics and shell escapes are not Python, but they do read and
define names. nbguard analyses them the way IPython runs them: `%time squares = ...`
defines `squares`, and `%%time` times the Python code in the rest of its cell.

**Try it.** No findings here: `squares` is not reported as undefined in the cells
that use it. Now run the three cells in order, then edit the first one (`1_000` to
`2_000`) and run it again: the other two become stale, exactly as with plain Python
code.
""",
    ),
    code("magic-time", "%time squares = [n * n for n in range(1_000)]"),
    code("magic-cell", "%%time\nsum_of_squares = sum(squares)"),
    code("magic-use", "len(squares), sum_of_squares"),
    # -- 10. restart and verify -------------------------------------------------
    md(
        "verify-intro",
        """
## 10. Restart and verify (`NBG301`)

Every hazard above has the same cure: make the notebook produce the same results
when it runs **top to bottom in a fresh kernel**. *Restart and verify* (the *Verify*
button in the notebook toolbar, or `Ctrl+Alt+V`) does exactly that: it restarts the
kernel, runs every cell in page order, and compares the new outputs with the ones you
were looking at. Cells whose outputs changed, or that now fail, are flagged `NBG301`
and marked ≠; the report shows each difference, and the panel says when the notebook
was last verified and how many cells reproduced.

This notebook deliberately keeps its hazards (sections 3 and 4 fail with `NameError`
when run top to bottom, and section 6 too once you have deleted its first cell), so
verifying it as it is reports them. Fix
them, verify again, and the panel is clean. The same check runs without a browser,
for example in CI:

```
jupyter nbguard verify examples/hazards.ipynb
```
""",
    ),
]


def build() -> nbformat.NotebookNode:
    """Build the notebook object from ``CELLS``."""
    cells = []
    seen: set[str] = set()
    for kind, cell_id, source in CELLS:
        if cell_id in seen:
            raise ValueError(f"duplicate cell id {cell_id!r}")
        seen.add(cell_id)
        if kind == "code":
            cell = new_code_cell(source=source, id=cell_id)
            cell.outputs = []
            cell.execution_count = None
        else:
            cell = new_markdown_cell(source=source, id=cell_id)
        cells.append(cell)
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            # As the kernel reports it: with less, JupyterLab completes it on
            # open and the demo opens marked as modified.
            "language_info": {
                "codemirror_mode": {"name": "ipython", "version": 3},
                "file_extension": ".py",
                "mimetype": "text/x-python",
                "name": "python",
                "nbconvert_exporter": "python",
                "pygments_lexer": "ipython3",
                "version": "3.11.7",
            },
        },
    )
    nb.nbformat = 4
    nb.nbformat_minor = 5
    nbformat.validate(nb)
    return nb


def render() -> str:
    """Serialise the notebook exactly as it is committed."""
    return nbformat.writes(build(), version=4) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the notebook, or with ``--check`` compare it with the file on disk."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the file is up to date"
    )
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        out = args.output
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            name = Path(__file__).name
            print(f"{out} is out of date: run python {name}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(CELLS)} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
