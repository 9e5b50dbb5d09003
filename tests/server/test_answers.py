"""``POST check`` with ``since``: only what changed, rebuilt to the full answer.

The client keeps the answer it holds and sends its ``revision`` back; the
server answers with the findings of the cells whose findings changed and the
order of every cell that has findings. Rebuilding the full list from that must
give exactly the full answer, whatever changed.
"""

from __future__ import annotations

from .conftest import validate
from .kernel_client import V1, KernelWebsocket
from .scenarios import code_cell


def rebuild(held: dict, answer: dict) -> list[dict]:
    """The full findings from a held full answer and a relative one, as a client does."""
    groups: dict = {}
    for d in held["diagnostics"]:
        groups.setdefault(d["cell_id"], []).append(d)
    for cell in answer["changed_cells"]:
        groups.pop(cell, None)
    for d in answer["diagnostics"]:
        groups.setdefault(d["cell_id"], []).append(d)
    return [d for cell in answer["cells"] for d in groups[cell]]


def notebook(n: int, edited: dict[int, str] | None = None) -> list[dict]:
    """``n`` cells, each reading a name only the cell below binds (NBG101)."""
    edited = edited or {}
    return [
        code_cell(f"c{i}", edited.get(i, f"a{i} = a{i + 1} + b{i + 1}\nb{i} = 1"))
        for i in range(n)
    ]


async def test_an_edit_answers_only_the_cells_whose_findings_changed(nbguard):
    # Given a full answer held by the client
    cells = notebook(30)
    full = await nbguard("check", method="POST", body={"cells": cells})
    validate(full, "CheckResponse")
    assert "since" not in full and full["revision"]
    # When one cell is edited so that its own finding goes away
    edited = notebook(30, {10: "a10 = 1\nb10 = 1"})
    body = {"cells": edited, "since": full["revision"]}
    delta = await nbguard("check", method="POST", body=body)
    # Then the answer names only that cell (and its neighbour whose reads changed)
    validate(delta, "CheckResponse")
    assert delta["since"] == full["revision"]
    assert (
        set(delta["changed_cells"]) <= {"c9", "c10"} and "c10" in delta["changed_cells"]
    )
    assert {d["cell_id"] for d in delta["diagnostics"]} <= set(delta["changed_cells"])
    # And rebuilding gives exactly the full answer of a plain check
    plain = await nbguard("check", method="POST", body={"cells": edited})
    assert rebuild(full, delta) == plain["diagnostics"]
    assert delta["revision"] not in (full["revision"], plain["revision"])


async def test_a_cell_whose_findings_are_gone_is_listed_without_findings(nbguard):
    cells = notebook(5)
    full = await nbguard("check", method="POST", body={"cells": cells})
    # When the last reader of the cell below is removed
    fixed = [code_cell(f"c{i}", f"a{i} = {i}") for i in range(5)]
    delta = await nbguard(
        "check", method="POST", body={"cells": fixed, "since": full["revision"]}
    )
    # Then every cell that had findings is changed, with no findings now
    had = {d["cell_id"] for d in full["diagnostics"]}
    assert had and set(delta["changed_cells"]) == had
    assert delta["diagnostics"] == [] and delta["cells"] == []
    assert rebuild(full, delta) == []


async def test_an_unknown_since_gets_the_full_answer(nbguard):
    cells = notebook(4)
    plain = await nbguard("check", method="POST", body={"cells": cells})
    answer = await nbguard(
        "check", method="POST", body={"cells": cells, "since": "not-a-revision"}
    )
    validate(answer, "CheckResponse")
    assert "since" not in answer and "changed_cells" not in answer
    assert answer["diagnostics"] == plain["diagnostics"]


async def test_a_rerun_with_a_kernel_rebuilds_to_the_full_answer(
    nbguard, jp_ws_fetch, start_kernel
):
    # Given three cells run in order, the client holding the answer
    kernel_id = await start_kernel()
    tab = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, session_id="nb")
    cells = [
        code_cell("a", "x = 1"),
        code_cell("b", "y = x + 1\ny"),
        code_cell("c", "z = y * 2\nz"),
    ]
    for cell in cells:
        assert (await tab.run(cell["source"], cell["id"]))["status"] == "ok"
    body = {"cells": cells, "kernel_id": kernel_id}
    full = await nbguard("check", method="POST", body=body)
    # When the first cell runs again with new code (b and c become stale)
    cells[0] = code_cell("a", "x = 5")
    assert (await tab.run("x = 5", "a"))["status"] == "ok"
    body = {"cells": cells, "kernel_id": kernel_id}
    delta = await nbguard(
        "check", method="POST", body={**body, "since": full["revision"]}
    )
    plain = await nbguard("check", method="POST", body=body)
    # Then the changed cells carry the new warnings and the rebuild is exact
    assert "b" in delta["changed_cells"]
    assert any(d["code"] == "NBG201" for d in delta["diagnostics"])
    assert rebuild(full, delta) == plain["diagnostics"]
    assert delta["kernel"] == plain["kernel"]
    tab.close()


async def test_with_since_a_cell_may_leave_out_an_unchanged_source(nbguard):
    # Given a full answer to the whole notebook
    cells = notebook(12)
    full = await nbguard("check", method="POST", body={"cells": cells})
    # When the next request sends only the edited cell's source
    edited = notebook(12, {4: "a4 = 1\nb4 = 1"})
    slim = [
        c if c["id"] == "c4" else {k: v for k, v in c.items() if k != "source"}
        for c in edited
    ]
    body = {"cells": slim, "since": full["revision"]}
    delta = await nbguard("check", method="POST", body=body)
    # Then the server took the other sources from that request
    plain = await nbguard("check", method="POST", body={"cells": edited})
    assert rebuild(full, delta) == plain["diagnostics"]


async def test_a_left_out_source_without_a_held_answer_is_a_conflict(nbguard):
    from tornado.httpclient import HTTPClientError

    slim = [{"id": "c0", "cell_type": "code"}]
    for since, status, says in (
        ("forgotten", 409, b"send every source"),
        (None, 400, b"cells[0].source must be a string"),
    ):
        body = {"cells": slim, "since": since}
        try:
            await nbguard("check", method="POST", body=body)
        except HTTPClientError as error:
            assert error.code == status
            assert says in error.response.body
        else:
            raise AssertionError("a missing source was accepted")


async def test_a_left_out_source_of_a_new_cell_is_a_bad_request(nbguard):
    from tornado.httpclient import HTTPClientError

    full = await nbguard("check", method="POST", body={"cells": notebook(2)})
    slim = [{"id": "new", "cell_type": "code"}]
    try:
        await nbguard(
            "check", method="POST", body={"cells": slim, "since": full["revision"]}
        )
    except HTTPClientError as error:
        assert error.code == 400
        assert b"cells[0].source is required" in error.response.body
    else:
        raise AssertionError("a new cell without a source was accepted")


async def test_a_held_cell_left_out_is_still_validated(nbguard):
    from tornado.httpclient import HTTPClientError

    # Given a full answer the client holds
    full = await nbguard("check", method="POST", body={"cells": notebook(3)})
    since = full["revision"]
    held = [{"id": f"c{i}", "cell_type": "code"} for i in range(3)]
    # When a slim request repeats an id, sends a bad count or a bad type
    for cells, says in (
        ([*held, held[0]], b"cells[3].id 'c0' is used by another cell"),
        ([{**held[0], "execution_count": True}], b"cells[0].execution_count"),
        ([{**held[0], "execution_count": -1}], b"cells[0].execution_count"),
        ([{**held[0], "cell_type": "sql"}], b"cells[0].cell_type"),
    ):
        # Then each is a 400 naming the field, as for a full request
        try:
            await nbguard("check", method="POST", body={"cells": cells, "since": since})
        except HTTPClientError as error:
            assert error.code == 400
            assert says in error.response.body, error.response.body
        else:
            raise AssertionError(f"accepted {cells}")
    # And a held cell with a new count or type is checked as the new one
    changed = [{**held[0], "cell_type": "markdown"}, *held[1:]]
    delta = await nbguard(
        "check", method="POST", body={"cells": changed, "since": since}
    )
    plain_cells = notebook(3)
    plain_cells[0] = {**plain_cells[0], "cell_type": "markdown"}
    plain = await nbguard("check", method="POST", body={"cells": plain_cells})
    assert rebuild(full, delta) == plain["diagnostics"]
