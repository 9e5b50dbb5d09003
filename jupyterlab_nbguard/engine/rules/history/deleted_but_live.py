"""NBG203 deleted-but-live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Fix, Related, Severity
from ...names import is_preset
from ..base import Needs, Rule

if TYPE_CHECKING:
    from ...context import RuleContext


def _size(size: int | None) -> str:
    """Format a byte count for people."""
    if size is None:
        return "size unknown"
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class DeletedButLiveRule(Rule):
    """A cell reads a name that exists only because of code no longer in the notebook.

    ## What it does
    Finds the names bound in the kernel by code that is not in the notebook any
    more: its cell was deleted, the definition was edited away, or it was run
    from a console. Each cell that reads such a name gets a warning, and one
    notebook-level finding lists every such orphan still live in the kernel,
    with its type and memory size when the live namespace could be read.

    ## Why is this bad?
    This is the classic "works today, dies after a restart": the kernel still
    holds the value, so every cell runs, but nobody can rebuild it from the
    notebook. Orphans may also hold a lot of memory.

    ## Example
    Run ``df = load()``, delete that cell, keep using ``df`` below.

    ## How to fix it
    Put the definition back in a cell above, or stop using the name and
    ``del`` it from the kernel (restarting the kernel proves you are done).
    """

    code = "NBG203"
    name = "deleted-but-live"
    severity = Severity.WARNING
    needs = frozenset({Needs.PYTHON, Needs.KERNEL, Needs.LIVE_NAMES})

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report reads of orphan names and list the orphans."""
        live = ctx.live
        writers = ctx.timeline.live_names()
        # Set difference first (in C): most live names are defined in a cell.
        candidates = writers.keys() - ctx.defined_in_notebook
        orphans = {
            name: writers[name]
            for name in sorted(candidates)
            if not is_preset(name) and (live is None or name in live)
        }
        if not orphans:
            return
        steps = ctx.timeline.steps
        reads = [r for r in ctx.page_flow.unbound if r.name in orphans]
        # The restored code goes above the first reader (in page order) of any
        # name that execution bound, so that one restore serves all its names.
        first_reader: dict[int, str] = {}
        for read in reads:
            first_reader.setdefault(orphans[read.name], read.cell.id)
        seen: set[tuple[str, str]] = set()
        for read in reads:
            if (read.cell.id, read.name) in seen:
                continue
            seen.add((read.cell.id, read.name))
            step = orphans[read.name]
            source = steps[step].execution
            where = ctx.cell_label(source.cell_id, source.execution_count)
            if source.cell_id in ctx.positions:  # the definition was edited away
                where = f"{where} as it was before an edit"
            finding = self.diagnostic(
                read.cell.id,
                f"'{read.name}' exists in the kernel only because of {where}: "
                f"after a restart this cell raises NameError. Add a cell that "
                f"defines '{read.name}' above.",
                read.use.range,
                [read.name],
                [
                    Related(
                        source.cell_id,
                        source.execution_count,
                        f"'{read.name}' was defined here",
                    )
                ],
            )
            yield replace(
                finding,
                fix=Fix("insert-cell", first_reader[step], source=source.code),
            )
        described = []
        for name in sorted(orphans):
            info = live.get(name) if live else None
            described.append(
                f"{name} ({info.type}, {_size(info.size_bytes)})" if info else name
            )
        yield self.diagnostic(
            None,
            (
                f"1 name lives in the kernel but comes from code no longer in the "
                f"notebook: {described[0]}. It will be gone after a restart."
                if len(described) == 1
                else f"{len(described)} names live in the kernel but come from code "
                f"no longer in the notebook: {', '.join(described)}. They will be "
                f"gone after a restart."
            ),
            names=sorted(orphans),
            related=[
                Related(
                    steps[s].execution.cell_id,
                    steps[s].execution.execution_count,
                    f"'{n}' defined here",
                )
                for n, s in sorted(orphans.items())
            ],
        )
