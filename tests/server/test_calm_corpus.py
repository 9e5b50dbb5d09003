"""The calm corpus, replayed in real kernels through the server as JupyterLab does.

Severity ranks reproducibility (``API.md``): a notebook run once, top to bottom,
in page order, without errors, has no warning and no error. Each notebook of
``tests/corpus`` runs in a fresh ipykernel over the kernel websocket, with
``metadata.cellId`` on every request, and ``POST check`` (with the kernel id
and the execution counts from the replies) must then report nothing above
info. Its broken twin makes one realistic mistake after that clean run (an
upstream cell re-run with new code, a console rebinding, a deleted
definition) and must get exactly the warnings the corpus declares. The cells
a cell *below* changed *later* get only the quiet NBG209.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from ..corpus import NOTEBOOKS
from ..corpus.model import (
    STALE,
    SUPERSEDED,
    Console,
    Delete,
    Finding,
    Notebook,
    Rerun,
)
from .conftest import validate
from .kernel_client import V1, KernelWebsocket

SERIOUS = frozenset({"warning", "error"})
CELL_TIMEOUT = 60.0  # the first cell of a notebook may wait for the kernel's pandas


def each(notebooks: tuple[Notebook, ...]) -> list[Any]:
    """One test id per notebook."""
    return [pytest.param(nb, id=nb.id) for nb in notebooks]


def shown(diagnostics: list[dict[str, Any]]) -> str:
    """The diagnostics, one compact line each, for assertion messages."""
    lines = [
        f"  {d['cell_id']}:{d['code']}:{d['rule']}:{d['severity']}: {d['message']}"
        for d in diagnostics
    ]
    return "\n".join(lines) or "  (none)"


def serious(diagnostics: list[dict[str, Any]]) -> set[Finding]:
    """``(cell_id, code)`` of every warning and error."""
    return {(d["cell_id"], d["code"]) for d in diagnostics if d["severity"] in SERIOUS}


class NotebookSession:
    """A notebook open on a fresh kernel: what it shows and what the kernel ran."""

    def __init__(
        self,
        notebook: Notebook,
        kernel_id: str,
        tab: KernelWebsocket,
        nbguard: Callable[..., Awaitable[Any]],
    ) -> None:
        self.notebook = notebook
        self.kernel_id = kernel_id
        self.tab = tab
        self.nbguard = nbguard
        self.sources = {c.id: c.source for c in notebook.cells}
        self.counts: dict[str, int] = {}
        self.deleted: set[str] = set()

    async def run_cell(self, cell_id: str, source: str) -> int:
        """Run ``source`` as cell ``cell_id`` from the tab; return its count."""
        reply = await self.tab.run(source, cell_id, timeout=CELL_TIMEOUT)
        assert reply["status"] == "ok", (
            f"{self.notebook.id}/{cell_id} failed: "
            f"{reply.get('ename')}: {reply.get('evalue')}"
        )
        self.sources[cell_id] = source
        self.counts[cell_id] = reply["execution_count"]
        return int(reply["execution_count"])

    async def run_all(self) -> None:
        """Run every code cell once, top to bottom, as Run All does.

        The n-th code cell must get execution count n: cells that read
        ``Out[n]`` or ``_n`` rely on it.
        """
        for position, cell in enumerate(self.notebook.code_cells, start=1):
            assert await self.run_cell(cell.id, cell.source) == position

    async def make(self, mistake: Rerun | Console | Delete, console: Any) -> None:
        """Apply the twin's ``mistake``; ``console`` opens another client."""
        if isinstance(mistake, Rerun):
            await self.run_cell(mistake.cell_id, mistake.source)
        elif isinstance(mistake, Console):
            other = await console()
            try:
                reply = await other.run(mistake.code, timeout=CELL_TIMEOUT)
            finally:
                other.close()
            assert reply["status"] == "ok", reply
        else:
            self.deleted.add(mistake.cell_id)

    def cells(self) -> list[dict[str, Any]]:
        """The notebook as the frontend posts it to ``check``."""
        body = []
        for cell in self.notebook.cells:
            if cell.id in self.deleted:
                continue
            entry: dict[str, Any] = {
                "id": cell.id,
                "cell_type": cell.cell_type,
                "source": self.sources[cell.id],
            }
            if cell.cell_type == "code":
                entry["execution_count"] = self.counts.get(cell.id)
            body.append(entry)
        return body

    async def check(self) -> list[dict[str, Any]]:
        """``POST check`` with the kernel id; the diagnostics, schema-validated."""
        result = await self.nbguard(
            "check",
            method="POST",
            body={"cells": self.cells(), "kernel_id": self.kernel_id},
        )
        validate(result, "CheckResponse")
        assert result["kernel"]["id"] == self.kernel_id
        return list(result["diagnostics"])


@pytest.fixture
def open_notebook(jp_fetch, jp_ws_fetch, nbguard):
    """Open a notebook on a fresh kernel; the kernel is shut down afterwards."""

    @asynccontextmanager
    async def open_(notebook: Notebook) -> AsyncIterator[NotebookSession]:
        response = await jp_fetch(
            "api", "kernels", method="POST", body=json.dumps({"name": "python3"})
        )
        kernel_id = json.loads(response.body)["id"]
        tab = await KernelWebsocket.open(jp_ws_fetch, kernel_id, V1, "tab")
        try:
            yield NotebookSession(notebook, kernel_id, tab, nbguard)
        finally:
            tab.close()
            await jp_fetch("api", "kernels", kernel_id, method="DELETE")

    return open_


def test_the_corpus_is_well_formed():
    # Given the corpus as data: enough notebooks, every kind of mistake, and
    # twins and superseded sets that name cells that exist
    problems = [p for nb in NOTEBOOKS for p in nb.problems()]
    assert problems == []
    assert len(NOTEBOOKS) >= 16
    assert len({nb.id for nb in NOTEBOOKS}) == len(NOTEBOOKS)
    kinds = {type(nb.twin.mistake) for nb in NOTEBOOKS}
    assert kinds == {Rerun, Console, Delete}
    assert all(nb.twin.expected for nb in NOTEBOOKS)
    assert sum(nb.superseded is not None for nb in NOTEBOOKS) >= 3


@pytest.mark.parametrize("notebook", each(NOTEBOOKS))
async def test_a_notebook_run_once_top_to_bottom_has_no_warning(
    open_notebook, notebook
):
    # Given a realistic notebook in a fresh kernel
    async with open_notebook(notebook) as session:
        # When it runs once, top to bottom, in page order, without errors
        await session.run_all()
        diagnostics = await session.check()
    # Then nothing is a warning or an error (info is allowed)
    found = [d for d in diagnostics if d["severity"] in SERIOUS]
    assert found == [], f"{notebook.id}: warnings on a calm run:\n{shown(found)}"


@pytest.mark.parametrize("notebook", each(NOTEBOOKS))
async def test_the_broken_twin_warns_on_exactly_the_affected_cells(
    open_notebook, jp_ws_fetch, notebook
):
    # Given the notebook run once, top to bottom, in a fresh kernel
    async with open_notebook(notebook) as session:
        await session.run_all()

        # When its twin's mistake happens (an upstream re-run with new code, a
        # console on the same kernel, or a deleted cell)
        async def console() -> KernelWebsocket:
            return await KernelWebsocket.open(
                jp_ws_fetch, session.kernel_id, None, "console"
            )

        await session.make(notebook.twin.mistake, console)
        diagnostics = await session.check()

    # Then exactly the cells whose result Restart & Run All would now change
    # (or that would fail) warn, with the declared codes
    twin = notebook.twin
    found = serious(diagnostics)
    assert found == twin.expected, (
        f"{notebook.id} after {twin.mistake}\n"
        f"  extra:   {sorted(found - twin.expected, key=str)}\n"
        f"  missing: {sorted(twin.expected - found, key=str)}\n"
        f"  why: {twin.why}\n{shown(diagnostics)}"
    )


SUPERSEDING = tuple(nb for nb in NOTEBOOKS if nb.superseded is not None)


@pytest.mark.parametrize("notebook", each(SUPERSEDING))
async def test_a_change_made_below_and_later_is_only_superseded(
    open_notebook, notebook
):
    # Given a notebook in which a cell below, run later, changes what a cell
    # above showed (page order and time agree)
    async with open_notebook(notebook) as session:
        # When it runs once, top to bottom
        await session.run_all()
        diagnostics = await session.check()
    # Then exactly those upper cells get NBG209, as info, and none is stale
    quiet = [d for d in diagnostics if d["code"] == SUPERSEDED]
    message = f"{notebook.id}:\n{shown(diagnostics)}"
    assert {d["cell_id"] for d in quiet} == notebook.superseded, message
    assert {d["severity"] for d in quiet} == {"info"}, message
    assert {d["rule"] for d in quiet} == {"superseded"}, message
    assert [d for d in diagnostics if d["code"] == STALE] == [], message
