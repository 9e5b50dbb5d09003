"""history_changed costs nothing per execution and never makes the observer flush.

The messages are built with jupyter_client's own ``Session`` in the shapes the
connection passes on (see ``tests/history``); the live paths with real kernels
are in ``test_history_events.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from jupyterlab_nbguard.history import ExecutionObserver
from jupyterlab_nbguard.server.events import HistoryEvents, NotifyingStore

from ..history.test_observer import SESSION, kernel, run_cell, v1_request


def wired(interval: float = 0.0) -> tuple[ExecutionObserver, list[dict[str, Any]]]:
    """Observer, store and events wired as the server extension wires them
    (events ``interval`` seconds apart at least)."""
    sent: list[dict[str, Any]] = []
    events = HistoryEvents(sent.append)
    events.delay = 0.01
    events.interval = interval
    store = NotifyingStore(100, events.mark)
    events.attach(store)
    return ExecutionObserver(store), sent


def test_one_event_per_batch_with_the_numbers_recorded():
    async def scenario():
        observer, sent = wired()
        observer.delay = 0.05
        # Given three executions and a silent request in one batch
        for n in range(1, 4):
            run_cell(observer, f"x = {n}", n)
        silent = SESSION.msg("execute_request", content={"code": "", "silent": True})
        parts = [
            SESSION.pack(silent[k])
            for k in ("header", "parent_header", "metadata", "content")
        ]
        observer.observe_client("k", serialize_msg_to_ws_v1(parts, "shell"), 1)
        # When the timer records the batch and the event follows
        await asyncio.sleep(0.3)
        # Then one event says so, silent requests not counted
        assert sent == [
            {
                "kernel_id": "k",
                "epoch": 0,
                "executions": 3,
                "execution_count": 3,
                "running": 0,
            }
        ]

    asyncio.run(scenario())


def test_an_event_reads_the_history_without_flushing_the_observer():
    async def scenario():
        observer, sent = wired()
        observer.delay = 10.0  # only the limit or a reader records
        # Given one execution recorded (a reader caught up), which marks the
        # kernel, and a second one still queued when the event fires
        run_cell(observer, "a = 1", 1)
        observer.flush()
        request, raw = v1_request("b = 2")
        observer.observe_client("k", raw, 1)
        # When the event fires
        await asyncio.sleep(0.1)
        # Then it told what was recorded, and left the queue for its batch
        assert [e["executions"] for e in sent] == [1]
        assert observer.queued == 1
        # And the next batch brings its own event
        observer.observe_kernel(
            "k", kernel("shell", "execute_reply", {"status": "ok"}, request)
        )
        observer.flush()
        await asyncio.sleep(0.1)
        assert [e["executions"] for e in sent] == [1, 2]

    asyncio.run(scenario())


def test_a_burst_of_batches_is_announced_once_an_interval():
    async def scenario():
        observer, sent = wired(interval=0.5)
        # Given three batches a tenth of a second apart
        for n in range(1, 4):
            run_cell(observer, f"x = {n}", n)
            observer.flush()
            await asyncio.sleep(0.1)
        # Then the first was announced at once and the others wait
        assert [e["executions"] for e in sent] == [1]
        # And once the interval ends, one event tells all that came since
        await asyncio.sleep(0.5)
        assert [e["executions"] for e in sent] == [1, 3]

    asyncio.run(scenario())


def test_a_restart_is_announced_and_a_forgotten_kernel_is_not():
    async def scenario():
        observer, sent = wired()
        run_cell(observer, "a = 1", 1)
        observer.store.restart("k")  # catches up first: the old epoch's batch
        await asyncio.sleep(0.1)
        assert [(e["epoch"], e["executions"]) for e in sent] == [(1, 0)]
        run_cell(observer, "b = 1", 1)
        observer.flush()
        observer.store.forget("k")  # shut down before its event
        await asyncio.sleep(0.1)
        assert len(sent) == 1

    asyncio.run(scenario())


def test_nothing_is_scheduled_while_nobody_listens():
    async def scenario():
        # Given events that nobody would receive, then a browser subscribing
        sent: list[dict[str, Any]] = []
        listeners: list[object] = []
        events = HistoryEvents(sent.append, lambda: bool(listeners))
        events.delay, events.interval = 0.01, 0.0
        store = NotifyingStore(100, events.mark)
        events.attach(store)
        observer = ExecutionObserver(store)
        observer.delay = 0.02
        # When a batch is recorded with no listener
        run_cell(observer, "x = 1", 1)
        await asyncio.sleep(0.15)
        # Then it is recorded, and no event was noted or sent
        assert len(store.records("k")) == 1
        assert sent == [] and events.emitted == 0 and not events._armed
        # And once someone listens, the next batch is announced
        listeners.append(object())
        run_cell(observer, "x = 2", 2)
        await asyncio.sleep(0.15)
        assert [e["executions"] for e in sent] == [2]

    asyncio.run(scenario())
