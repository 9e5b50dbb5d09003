"""The latest restart-and-verify per kernel, for NBG301 in ``check``.

A result holds only for the kernel epoch it was made in: after a restart the
kernel holds other state, so :meth:`VerifyStore.get` answers nothing for an
older epoch (and drops it). Results of kernels that are gone are pruned
whenever a new one is stored, and the store keeps at most ``max_kernels``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from ..engine.model import VerifiedCell
from ..verify import Verification


class VerifyStore:
    """``kernel id -> (epoch, verified cells)``, bounded, plain Python."""

    def __init__(self, max_kernels: int = 256) -> None:
        self._entries: OrderedDict[str, tuple[int, tuple[VerifiedCell, ...]]] = (
            OrderedDict()
        )
        self._max = max_kernels

    def put(
        self,
        kernel_id: str,
        epoch: int,
        verification: Verification,
        sources: dict[str, str],
        live: Iterable[str] = (),
    ) -> None:
        """Record ``verification`` as the kernel's latest, replacing any older one.

        ``sources`` maps each cell id to the code that ran, so a finding ends
        when the cell is edited. ``live`` lists running kernels; others are
        dropped.
        """
        running = set(live)
        if running:
            for gone in [k for k in self._entries if k not in running]:
                del self._entries[gone]
        self._entries[kernel_id] = (
            epoch,
            tuple(
                VerifiedCell(
                    c.cell_id,
                    c.status.value,
                    sources.get(c.cell_id, ""),
                    c.consequence_of,
                )
                for c in verification.cells
            ),
        )
        self._entries.move_to_end(kernel_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def get(self, kernel_id: str, epoch: int) -> tuple[VerifiedCell, ...] | None:
        """The kernel's latest verification in ``epoch``, if there is one."""
        entry = self._entries.get(kernel_id)
        if entry is None:
            return None
        if entry[0] != epoch:
            del self._entries[kernel_id]
            return None
        return entry[1]

    def forget(self, kernel_id: str) -> None:
        """Drop a kernel's result (restarted or shut down)."""
        self._entries.pop(kernel_id, None)
