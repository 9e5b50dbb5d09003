"""The cyclic collector is paused inside a check and restored after it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from jupyterlab_nbguard.server.collector import collector_paused


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_restored_after(collector_enabled: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner block must not resume collection"
    assert gc.isenabled()


def test_restored_after_an_error(collector_enabled: None) -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_disabled_elsewhere_stays_disabled(collector_enabled: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_threads_resume_once_both_leave(collector_enabled: None) -> None:
    entered = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with collector_paused():
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled(), "the other thread is still inside its block"
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_block_that_kept_many_objects_leaves_them_out_of_later_collections(
    collector_enabled: None,
) -> None:
    from jupyterlab_nbguard.server.collector import FREEZE_AFTER

    frozen = gc.get_freeze_count()
    with collector_paused():
        kept = [[i] for i in range(FREEZE_AFTER + 10_000)]  # what a first check keeps
    # Then they are in the permanent generation, and the next collection does
    # not scan them
    assert gc.get_freeze_count() >= frozen + FREEZE_AFTER
    assert gc.get_count()[0] < 1_000
    assert gc.isenabled()
    del kept
    gc.unfreeze()


def test_a_small_block_freezes_nothing(collector_enabled: None) -> None:
    frozen = gc.get_freeze_count()
    with collector_paused():
        kept = [[i] for i in range(100)]
    assert gc.get_freeze_count() == frozen
    del kept
