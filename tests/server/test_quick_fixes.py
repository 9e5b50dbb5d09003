"""The optional ``fix`` of a diagnostic: the edit a quick action carries out.

Which code restores a deleted definition, and where a definition must move,
is analysis: the server says it, the frontend only applies it. These tests
run real kernels, delete or reorder cells as a user does, and check that the
edit the server proposes is the right one and that, once applied, the finding
is gone.
"""

from __future__ import annotations

from typing import Any

from .conftest import validate
from .kernel_client import V1, KernelWebsocket
from .scenarios import by_code, code_cell

LOADER = "frame = list(range(1000))\nlabel = 'rows'"


def warnings(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings that are not quiet (warnings and errors)."""
    return [d for d in result["diagnostics"] if d["severity"] != "info"]


async def test_deleted_definition_carries_the_code_that_bound_it(
    jp_ws_fetch, start_kernel, nbguard
):
    # Given a loader cell that bound two names, and two cells reading them
    kernel_id = await start_kernel()
    ws = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1)
    await ws.run("x = 1", "head")
    await ws.run(LOADER, "loader")
    await ws.run("rows = len(frame)", "first")
    await ws.run("print(label, rows)", "second")

    # When the loader cell is deleted and the notebook is checked
    cells = [
        code_cell("head", "x = 1"),
        code_cell("first", "rows = len(frame)"),
        code_cell("second", "print(label, rows)"),
    ]
    result = await nbguard(
        "check", method="POST", body={"cells": cells, "kernel_id": kernel_id}
    )
    validate(result, "CheckResponse")
    orphans = by_code(result["diagnostics"], "NBG203")

    # Then each reader's finding proposes to insert the loader's code above the
    # first reader of any name it bound (one restore serves both names)
    on_cells = [d for d in orphans if d["cell_id"]]
    assert {d["cell_id"] for d in on_cells} == {"first", "second"}
    for finding in on_cells:
        assert finding["fix"] == {
            "kind": "insert-cell",
            "before_cell_id": "first",
            "source": LOADER,
        }
    # And the notebook-level list of orphans has no edit to propose
    [notebook_level] = [d for d in orphans if d["cell_id"] is None]
    assert "fix" not in notebook_level

    # And once the fix is applied, nothing but quiet findings is left
    restored = [cells[0], code_cell("restored", LOADER), *cells[1:]]
    after = await nbguard(
        "check", method="POST", body={"cells": restored, "kernel_id": kernel_id}
    )
    validate(after, "CheckResponse")
    assert by_code(after["diagnostics"], "NBG203") == []
    assert warnings(after) == [], after
    ws.close()


async def test_use_before_def_proposes_moving_the_definer_above_the_first_reader(
    nbguard,
):
    # Given two cells reading `rate` above the only cell that binds it
    cells = [
        code_cell("intro", "print('hello')"),
        code_cell("monthly", "monthly = rate / 12"),
        code_cell("yearly", "yearly = rate"),
        code_cell("rate", "rate = 0.05"),
    ]
    # When the notebook is checked without a kernel
    result = await nbguard("check", method="POST", body={"cells": cells})
    validate(result, "CheckResponse")
    findings = by_code(result["diagnostics"], "NBG101")

    # Then both findings propose moving the `rate` cell above the first reader
    assert [d["cell_id"] for d in findings] == ["monthly", "yearly"]
    for finding in findings:
        assert finding["fix"] == {
            "kind": "move-cell",
            "before_cell_id": "monthly",
            "cell_id": "rate",
        }

    # And once moved, no NBG101 is left
    moved = [cells[0], cells[3], cells[1], cells[2]]
    after = await nbguard("check", method="POST", body={"cells": moved})
    assert by_code(after["diagnostics"], "NBG101") == []


async def test_findings_without_an_edit_have_no_fix_field(nbguard):
    # Given a finding no edit can resolve (a name nothing binds)
    cells = [code_cell("only", "print(nowhere)")]
    # When the notebook is checked
    result = await nbguard("check", method="POST", body={"cells": cells})
    # Then its JSON has no `fix` key at all (the field is optional)
    [finding] = by_code(result["diagnostics"], "NBG102")
    assert "fix" not in finding
