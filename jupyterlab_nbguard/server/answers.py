"""``POST check`` answers as JSON text: in full, or as what changed since one sent.

A 1,000-cell notebook with ten findings per cell answers 4.5 MB after every
edit, although one cell's findings changed: serialising, sending and parsing
that costs more than the check. So each answer gets a ``revision``; a client
that sends back the revision it holds (``since``) gets only the findings of the
cells whose findings changed, the cells they replace, and the order of every
cell that has findings. Findings are already grouped by cell (the engine sorts
by page position, then cell id), so the client rebuilds the full list by
concatenating groups in that order: it never sorts or filters findings itself.
An unknown or forgotten ``since`` (another server, an old revision) gets the
full answer, which a client tells by the absent ``since``.

The request side works the same way: with ``since``, a cell may leave out its
source, which is then the one it had in the request ``since`` answered (kept
here with the answer), so an edit sends one source, not the whole notebook.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from ..engine import Cell, Diagnostic
from ..engine.grouping import Group

#: A cell's findings as their JSON texts, by cell id (None: the notebook).
Groups = dict[str | None, tuple[str, ...]]
#: A cell's group of findings and their texts.
Texts = tuple[tuple[Diagnostic, ...], tuple[str, ...]]

_COMPACT = (",", ":")


def groups_of(groups: Sequence[Group], kept: Mapping[str | None, Texts]) -> Groups:
    """The findings' texts by cell, in the order they come (dicts keep it).

    ``kept`` maps cells to the group and texts of the last answer: the engine
    gives an unchanged cell the very same group, whose texts are reused, so
    an answer serialises only the cells whose findings changed.
    """
    texts: Groups = {}
    for cell, group in groups:
        before = kept.get(cell)
        if before is not None and before[0] is group:
            texts[cell] = before[1]
        else:
            texts[cell] = tuple(map(_json_text, group))
    return texts


_json_text = attrgetter("json_text")


class Answers:
    """The answers sent lately, by revision, to say what changed since each.

    Only the findings' texts are kept (strings the findings already hold), for
    the last ``keep`` answers across every client of this server.
    """

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._sent: OrderedDict[str, Groups] = OrderedDict()
        self._cells: dict[str, dict[str, Cell]] = {}
        self._texts: dict[str | None, Texts] = {}
        #: The cells of the last request about each notebook (kernel and path).
        self._latest: OrderedDict[Hashable, dict[str, Cell]] = OrderedDict()

    def cells(self, since: str | None) -> dict[str, Cell] | None:
        """The cells of the request ``since`` answered, by id; None if not held.

        A request with ``since`` may leave out the sources that did not change.
        """
        return self._cells.get(since) if since is not None else None

    def latest(self, notebook: Hashable) -> dict[str, Cell] | None:
        """The cells of the last request about ``notebook``, by id, if held."""
        return self._latest.get(notebook)

    def reply(
        self,
        by_cell: Sequence[Group],
        kernel: dict[str, Any] | None,
        since: str | None = None,
        cells: Sequence[Cell] = (),
        notebook: Hashable = None,
    ) -> str:
        """The answer's JSON text: in full, or changes since ``since`` if held.

        ``by_cell`` are the findings grouped by cell, in order
        (:meth:`Engine.check_by_cell`); ``cells`` are the request's, kept with
        the answer for :meth:`cells` and, by ``notebook`` (what identifies the
        notebook asked about), for :meth:`latest`.
        """
        groups = groups_of(by_cell, self._texts)
        self._texts = {cell: (group, groups[cell]) for cell, group in by_cell}
        revision = secrets.token_urlsafe(12)
        base = self._sent.get(since) if since is not None else None
        self._sent[revision] = groups
        held = self._cells[revision] = {cell.id: cell for cell in cells}
        self._latest[notebook] = held
        self._latest.move_to_end(notebook)
        while len(self._latest) > self.keep:
            self._latest.popitem(last=False)
        while len(self._sent) > self.keep:
            forgotten, _groups = self._sent.popitem(last=False)
            self._cells.pop(forgotten, None)
        head = (
            f'"kernel":{json.dumps(kernel, separators=_COMPACT)},'
            f'"revision":{json.dumps(revision)}'
        )
        if base is None:
            found = ",".join(t for texts in groups.values() for t in texts)
            return f'{{"diagnostics":[{found}],{head}}}'
        self._sent.move_to_end(since)  # type: ignore[arg-type]
        changed = [cell for cell, texts in groups.items() if base.get(cell) != texts]
        changed += [cell for cell in base if cell not in groups]
        found = ",".join(t for cell in changed for t in groups.get(cell, ()))
        return (
            f'{{"diagnostics":[{found}],{head},"since":{json.dumps(since)},'
            f'"changed_cells":{json.dumps(changed, separators=_COMPACT)},'
            f'"cells":{json.dumps(list(groups), separators=_COMPACT)}}}'
        )
