"""The history store: bounded, epoch-aware, and its cached engine view stays exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_nbguard.history import HistoryStore

OPS = st.lists(
    st.tuples(
        st.sampled_from(["request", "reply", "input", "close", "idle", "restart"]),
        st.integers(0, 30),
        st.sampled_from(["ok", "error", "aborted"]),
    ),
    max_size=80,
)


def rebuilt(store: HistoryStore, kernel: str):
    return tuple(r.to_execution() for r in store.records(kernel) if not r.silent)


@settings(max_examples=200, deadline=None)
@given(OPS, st.integers(3, 12))
def test_cached_engine_view_always_equals_a_rebuild(ops, cap):
    # Given a store with a small cap, and any sequence of kernel events
    store = HistoryStore(max_executions=cap)
    for n, (op, i, status) in enumerate(ops):
        msg = f"m{i}"
        if op == "request":
            store.record_request(
                "k", f"{msg}-{n}", f"x = {i}", f"c{i}", silent=i == 7, connection=i % 2
            )
        elif op == "reply":
            pending = list(store.kernel("k").pending)
            if pending:
                store.record_reply("k", pending[i % len(pending)], status, n)
        elif op == "input":
            pending = list(store.kernel("k").pending)
            if pending:
                store.record_input("k", pending[i % len(pending)], n)
        elif op == "close":
            store.connection_closed("k", i % 2)
        elif op == "idle":
            pending = list(store.kernel("k").pending)
            if pending:
                store.record_idle("k", pending[i % len(pending)])
        else:
            store.restart("k")
        # Then the snapshot the engine gets is exactly what the records say
        assert store.snapshot("k").executions == rebuilt(store, "k")
        # And the count events report without building the view agrees
        assert store.kernel("k").visible == len(rebuilt(store, "k"))
        assert len(store.records("k")) <= cap
        # And the kept set of kernels with orphans matches a scan of them
        pending = store.kernel("k").pending.values()
        assert store.has_orphans("k") == any(r.orphaned for r in pending)


def test_the_cap_drops_the_oldest_tenth_and_dedupes_code():
    store = HistoryStore(max_executions=100)
    for i in range(250):
        store.record_request("k", f"m{i}", "x = 1" if i % 2 else "y = 2", f"c{i}")
        store.record_reply("k", f"m{i}", "ok", i + 1)
    records = store.records("k")
    assert 90 <= len(records) <= 100
    assert records[-1].execution_count == 250
    assert len({id(r.code) for r in records}) == 2  # two strings, shared
    assert store.snapshot("k").dropped == 250 - len(records)


def test_orphaned_request_is_finished_from_iopub():
    store = HistoryStore()
    store.record_request("k", "a", "import time", "c1", connection=1)
    store.record_input("k", "a", 4)
    store.connection_closed("k", 1)
    assert store.has_orphans("k")
    store.record_idle("k", "a")
    (record,) = store.records("k")
    assert (record.status.value, record.execution_count) == ("ok", 4)
    assert record.finished is not None
    assert not store.has_orphans("k")
    # one that never started is aborted; one that raised is an error
    store.record_request("k", "b", "x", "c2", connection=2)
    store.record_request("k", "c", "y", "c3", connection=2)
    store.record_input("k", "c", 5)
    store.record_iopub_error("k", "c")
    store.connection_closed("k", 2)
    store.record_idle("k", "b")
    store.record_idle("k", "c")
    assert [r.status.value for r in store.records("k")] == ["ok", "aborted", "error"]


def test_a_remote_restart_relayed_by_every_connection_starts_one_epoch():
    store = HistoryStore()
    store.record_request("k", "a", "x = 1")
    store.restarted_remotely("k")
    store.restarted_remotely("k")  # the second connection's copy of the status
    assert store.kernel("k").epoch == 1
    assert store.records("k") == []
