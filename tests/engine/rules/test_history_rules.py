"""NBG2xx: rules over the execution history."""

from __future__ import annotations

from jupyterlab_nbguard.engine import Cell, Engine, Execution, Notebook

from ..notebooks import cells, check, ran

HISTORY = ["NBG2"]


def test_stale_direct_rebinding_from_above():
    # cell 0 was edited and run again after cell 1 read its old value
    nb = cells("prices = [3, 4, 5]", "total = sum(prices)")
    history = (Execution("prices = [3, 4]", "c0", 1), *ran(nb, 1, 0)[:1], ran(nb, 0)[0])
    assert check(nb, history, HISTORY) == [("NBG201", "c1", ("prices",))]


def test_stale_names_the_first_change_that_made_the_cell_stale():
    # Given the price cell run again twice after the total read it
    nb = cells("prices = [3, 4, 5]", "total = sum(prices)")
    history = ran(nb, 0, 1, 0, 0)
    (stale,) = Engine().check(Notebook(nb, history), select=["NBG201"])
    # Then the cell is named by its page position, and the related entry is the
    # first change, [3]: a later run does not reword the finding
    assert "rebound by cell 1 " in stale.message
    assert [r.execution_count for r in stale.related] == [3]


def test_a_stale_finding_keeps_its_words_when_another_cell_re_runs_later():
    # Given a count made stale by running the append cell again
    nb = cells("log = []", "log.append(1)", "n = len(log)")
    engine = Engine()
    (before,) = engine.check(Notebook(nb, ran(nb, 0, 1, 2, 1)), select=["NBG201"])
    # When another cell that changes the same list runs again later
    (after,) = engine.check(Notebook(nb, ran(nb, 0, 1, 2, 1, 0)), select=["NBG201"])
    # Then the finding still names the first change: the answer does not churn
    assert "modified by cell 2 " in after.message
    assert after == before


def test_a_change_below_that_ran_later_is_only_superseded():
    nb = cells("prices = [3, 4]", "total = sum(prices)\ntotal", "prices = [3, 4, 5]")
    assert check(nb, ran(nb, 0, 1, 2), HISTORY) == [("NBG209", "c1", ("prices",))]
    (info,) = Engine().check(Notebook(nb, ran(nb, 0, 1, 2)), select=["NBG209"])
    assert info.severity.value == "info"
    assert "below" in info.message


def test_stale_advice_depends_on_where_the_change_came_from():
    nb = cells("prices = [1]", "total = sum(prices)", "prices = [2]")
    above = Engine().check(Notebook(nb, ran(nb, 0, 1, 0)), select=["NBG201"])
    assert above[0].message.endswith("Re-run this cell.")
    console = ran(nb, 0, 1) + (Execution("prices = [9]", None, 3),)
    outside = Engine().check(Notebook(nb, console), select=["NBG201"])
    assert "does not run after a restart" in outside[0].message


def test_stale_any_order_even_from_above():
    nb = cells("prices = [1]", "total = sum(prices)")
    # run the lower cell, then rerun the upper one: the lower is stale
    assert check(nb, ran(nb, 0, 1, 0), ["NBG201"]) == [("NBG201", "c1", ("prices",))]


def test_stale_through_mutation_and_augmented_assignment():
    for change in (
        "prices.append(5)",
        "prices[0] = 9",
        "prices += [1]",
        "prices.sort()",
    ):
        nb = cells("prices = [3, 4]", change, "total = sum(prices)")
        assert check(nb, ran(nb, 0, 2, 1), ["NBG201"]) == [
            ("NBG201", "c2", ("prices",))
        ]
        # the same change below, run later, agrees with page order
        below = cells("prices = [3, 4]", "total = sum(prices)", change)
        assert check(below, ran(below, 0, 1, 2), ["NBG201"]) == []


def test_stale_inplace_keyword():
    nb = cells("df = load()", "df.dropna(inplace=True)", "n = len(df)")
    assert check(nb, ran(nb, 0, 2, 1), ["NBG201"]) == [("NBG201", "c2", ("df",))]


def test_stale_transitive_chain():
    # a -> b -> c; then a changes (re-run from above): b directly, c transitively
    nb = cells("x = 5", "y = x * 2", "z = y + 1")
    history = (Execution("x = 1", "c0", 1), *ran(nb, 1, 2), ran(nb, 0)[0])
    found = check(nb, history, ["NBG201"])
    assert found == [("NBG201", "c1", ("x",)), ("NBG201", "c2", ("y", "x"))]


def test_stale_when_input_was_already_stale_when_it_ran():
    nb = cells("x = 1", "y = x * 2", "z = y + x")
    history = (*ran(nb, 0, 1), Execution("x = 5", None, 3), *ran(nb, 2))
    found = check(nb, history, ["NBG201"])
    assert found == [("NBG201", "c1", ("x",)), ("NBG201", "c2", ("y", "x"))]


def test_stale_through_a_function_called():
    nb = cells("width = 3", "def area():\n    return width * 2", "a = area()")
    executions = (
        Execution("width = 1", "c0", 1),
        *ran(nb, 1, 2),
        Execution("width = 3", "c0", 4),
    )
    assert check(nb, executions, ["NBG201"]) == [("NBG201", "c2", ("width",))]


def test_stale_function_redefinition():
    nb = cells("def f():\n    return 2", "v = f()")
    history = (Execution("def f():\n    return 1", "c0", 1), *ran(nb, 1, 0))
    assert check(nb, history, ["NBG201"]) == [("NBG201", "c1", ("f",))]
    # the same definition run again is the same function: no change
    assert check(nb, ran(nb, 0, 1, 0), ["NBG201"]) == []


def test_not_stale_when_rerun_or_unrelated():
    nb = cells("prices = [1]", "total = sum(prices)", "other = 2")
    assert check(nb, ran(nb, 0, 1, 2), ["NBG201"]) == []
    assert check(nb, ran(nb, 0, 1, 0, 1), ["NBG201"]) == []


def test_accumulating_cell_run_twice_is_not_stale_by_its_own_hand():
    nb = cells("n = 0", "n += 1", "print(n)")
    # the accumulating cell is not stale; what read its doubled change is
    assert check(nb, ran(nb, 0, 1, 1, 2), ["NBG201"]) == [("NBG201", "c2", ("n",))]
    assert check(nb, ran(nb, 0, 1, 2), ["NBG201"]) == []


def test_aborted_executions_did_nothing():
    nb = cells("x = 1", "y = x", "x = 2")
    assert check(nb, ran(nb, 0, 1, 2, c2="aborted"), ["NBG201"]) == []


def test_an_error_counts_as_having_run_err_towards_warning():
    nb = cells("x = 2\n1 / 0", "y = x")
    history = (Execution("x = 1", "c0", 1), *ran(nb, 1, 0, c0="error")[:2])
    assert check(nb, history, ["NBG201"]) == [("NBG201", "c1", ("x",))]


def test_console_changes_count_and_are_named():
    nb = cells("x = 1", "y = x")
    executions = ran(nb, 0, 1) + (Execution("x = 99", None, 3),)
    (d,) = Engine().check(Notebook(nb, executions), select=["NBG201"])
    assert "outside the notebook" in d.message
    assert d.related[0].cell_id is None


def test_edited_since_run():
    nb = cells("rate = 0.05", "x = 1")
    executions = (Execution("rate = 0.07", "c0", 1), Execution("x = 1", "c1", 2))
    assert check(nb, executions, ["NBG202"]) == [("NBG202", "c0", ())]
    # without a kernel it is unknowable and never reported
    assert check(nb, None, ["NBG202"]) == []


def test_deleted_but_live():
    nb = cells("model = sorted(data)")
    executions = (
        Execution("data = [1, 2]", "gone", 1),
        Execution(nb[0].source, "c0", 2),
    )
    found = check(nb, executions, ["NBG203", "NBG102"])
    assert found == [("NBG203", None, ("data",)), ("NBG203", "c0", ("data",))]


def test_deleted_but_live_with_namespace_sizes():
    from jupyterlab_nbguard.engine.model import LiveName

    nb = cells("print(data)")
    executions = (
        Execution("data = [1, 2]", "gone", 1),
        Execution(nb[0].source, "c0", 2),
    )
    live = (LiveName("data", "list", 2048),)
    notebook = Notebook(nb, executions, live_names=live)
    top = Engine().check(notebook, select=["NBG203"])[0]
    assert top.cell_id is None
    assert "data (list, 2.0 KB)" in top.message
    # a name the probe says is gone is not an orphan
    gone = Notebook(nb, executions, live_names=())
    assert Engine().check(gone, select=["NBG203"]) == []


def test_definition_edited_away_is_an_orphan():
    nb = cells("a = 1", "print(b)")
    executions = (Execution("a = 1\nb = 2", "c0", 1), Execution("print(b)", "c1", 2))
    assert ("NBG203", "c1", ("b",)) in check(nb, executions, ["NBG203"])


def test_out_of_order():
    nb = cells("print(threshold)", "threshold = 0.5")
    assert check(nb, ran(nb, 1, 0), ["NBG204"]) == [("NBG204", "c0", ("threshold",))]
    assert check(nb, ran(nb, 1, 0), ["NBG204"]) != []
    ordered = cells("threshold = 0.5", "print(threshold)")
    assert check(ordered, ran(ordered, 0, 1), ["NBG204"]) == []


def test_run_order_from_saved_counts():
    nb = cells("a = 1", "b = 2", "c = 3", counts=[3, 1, 2])
    assert check(nb, None, ["NBG205"]) == [("NBG205", "c1", ()), ("NBG205", "c2", ())]
    in_order = cells("a = 1", "b = 2", counts=[1, 2])
    assert check(in_order, None, ["NBG205"]) == []


def test_run_order_names_the_first_cell_above_that_ran_later():
    # Given four cells run in order, then the second one again
    nb = cells("a = 1", "b = 2", "c = 3", "d = 4")
    engine = Engine()
    found = engine.check(Notebook(nb, ran(nb, 0, 1, 2, 3, 1)), select=["NBG205"])
    last = next(d for d in found if d.cell_id == "c3")
    assert "before cell 2 above it (as [5])" in last.message
    # When the third cell runs again as well, further down the page
    found = engine.check(Notebook(nb, ran(nb, 0, 1, 2, 3, 1, 2)), select=["NBG205"])
    # Then the last cell's finding still names the second: no rewording
    assert next(d for d in found if d.cell_id == "c3") == last


def test_non_idempotent():
    nb = cells("counter = 0", "counter += 1")
    assert check(nb, None, ["NBG206"]) == [("NBG206", "c1", ("counter",))]
    assert check(cells("counter = 0\ncounter += 1"), None, ["NBG206"]) == []


def test_saved_counts_stand_in_for_history():
    nb = cells("x = 5", "y = x * 2", counts=[3, 2])
    assert check(nb, None, ["NBG201"]) == [("NBG201", "c1", ("x",))]
    in_order = cells("x = 1", "print(x * 2)", "x = 5", counts=[1, 2, 3])
    assert check(in_order, None, ["NBG201", "NBG209"]) == [("NBG209", "c1", ("x",))]
    # a cell that shows nothing is not reported as superseded
    silent = cells("x = 1", "y = x * 2", "x = 5", counts=[1, 2, 3])
    assert check(silent, None, ["NBG201", "NBG209"]) == []


def test_suppression_comments():
    nb = cells("prices = [1]", "total = sum(prices)  # nbguard: ignore[NBG201]")
    assert check(nb, ran(nb, 0, 1, 0), ["NBG201"]) == []
    whole = cells("prices = [1]", "# nbguard: ignore\ntotal = sum(prices)")
    assert check(whole, ran(whole, 0, 1, 0), ["NBG201"]) == []
    other = cells("prices = [1]", "total = sum(prices)  # nbguard: ignore[NBG101]")
    assert check(other, ran(other, 0, 1, 0), ["NBG201"]) == [
        ("NBG201", "c1", ("prices",))
    ]


def test_non_python_kernels_skip_name_rules():
    nb = (Cell("r", "code", "x <- undefined_thing", 2), Cell("s", "code", "y <- 1", 1))
    history = (Execution("y <- 1", "s", 1), Execution("x <- undefined_thing", "r", 2))
    found = Engine().check(Notebook(nb, history, language="r"))
    assert [d.code for d in found] == ["NBG205"]


def test_run_order_compares_this_kernel_session_only():
    # after a restart the page still shows [7] and [8]; running cell 0 as [1]
    # is the right thing to do, not a run-order finding
    nb = (Cell("a", "code", "x = 1", 1), Cell("b", "code", "y = 2", 8))
    found = Engine().check(Notebook(nb, (Execution("x = 1", "a", 1),)))
    assert [(d.code, d.cell_id) for d in found] == [("NBG210", None)]
    assert "cell 2 shows an output from an earlier kernel session" in found[0].message


def test_the_timeline_is_reused_and_extended_per_kernel_epoch():
    engine = Engine()
    nb = cells("x = 1", "y = x")
    executions = ran(nb, 0, 1, 0)
    timeline = engine.replay(None, executions[:2])
    first = engine.check(Notebook(nb, executions[:2]), timeline=timeline)
    assert first == []
    extended = engine.replay(timeline, executions)
    later = engine.check(Notebook(nb, executions), timeline=extended)
    assert [d.code for d in later if d.severity.value != "info"] == ["NBG201"]
    assert extended is timeline
    assert timeline.consumed == list(executions)


def test_never_run():
    nb = cells("a = 1", "b = 2", "", "c = 3", counts=[1, None, None, 2])
    assert check(nb, None, ["NBG207"]) == [("NBG207", "c1", ())]
    assert check(cells("a = 1", "b = 2", counts=[1, None]), None, ["NBG207"]) == []
    saved = Engine().check(Notebook(nb), select=["NBG207"])
    live = Engine().check(Notebook(nb, ran(nb, 0, 3)), select=["NBG207"])
    assert [d.severity.value for d in saved] == ["info"]
    assert [d.severity.value for d in live] == ["info"]


def test_count_gaps_in_saved_notebooks():
    from jupyterlab_nbguard.engine import Engine, Notebook

    nb = cells("a = 1", "b = 2", "c = 3", counts=[1, 2, 7])
    (gap,) = Engine().check(Notebook(nb), select=["NBG208"])
    assert gap.cell_id is None
    assert "[3]-[6]" in gap.message
    assert check(cells("a = 1", "b = 2", counts=[1, 2]), None, ["NBG208"]) == []
    # huge counts are arithmetic, not enumeration (a fuzzer found 10**18)
    huge = cells("a = 1", "b = 2", counts=[1, 10**18])
    (far,) = Engine().check(Notebook(huge), select=["NBG208"])
    assert f"[2]-[{10**18 - 1}]" in far.message
    # with a kernel the history is complete: no guessing from counts
    assert check(nb, ran(nb, 0), ["NBG208"]) == []


def test_default_argument_captured_at_definition_time():
    # f captured rate when it was defined; rate changed; a caller of f uses the
    # old value through f, so both the definition and the caller are stale
    nb = cells("rate = 2", "def f(x, r=rate):\n    return x * r", "y = f(2)")
    history = (Execution("rate = 1", "c0", 1), *ran(nb, 1, 2, 0))
    found = check(nb, history, ["NBG201"])
    assert found == [("NBG201", "c1", ("rate",)), ("NBG201", "c2", ("f", "rate"))]


def test_long_chain_is_transitive_to_the_end():
    sources = ["v0 = 1"] + [f"v{i} = v{i - 1} + 1" for i in range(1, 60)]
    nb = cells(*sources)
    history = (*ran(nb, *range(len(sources))), Execution("v0 = 5", None, 61))
    found = check(nb, history, ["NBG201"])
    assert [cell for _, cell, _ in found] == [f"c{i}" for i in range(1, 60)]
    assert found[-1][2] == ("v58", "v0")


def test_a_running_record_followed_by_finished_ones_did_run():
    # its tab closed and the reply was lost; the kernel is serial, so it ran
    from jupyterlab_nbguard.engine import ExecutionStatus

    nb = cells("x = 2", "y = x")
    lost = Execution("x = 1", "c0", 1, ExecutionStatus.RUNNING)
    executions = (lost, Execution("y = x", "c1", 2), Execution("x = 2", "c0", 3))
    assert check(nb, executions, ["NBG201"]) == [("NBG201", "c1", ("x",))]
    # a trailing running record has done nothing yet
    pending = (*ran(nb, 0, 1), Execution("x = 2", "c0", None, ExecutionStatus.RUNNING))
    assert check(nb, pending, ["NBG201"]) == []


def test_the_cached_timeline_is_rebuilt_when_a_provisional_record_changes():
    from jupyterlab_nbguard.engine import ExecutionStatus

    engine = Engine()
    nb = cells("x = 2", "y = x")
    running = Execution("x = 2", "c0", 3, ExecutionStatus.RUNNING)
    later = Execution("z = 0", None, 4)
    first_history = (*ran(nb, 0, 1), running, later)
    timeline = engine.replay(None, first_history)
    first = engine.check(Notebook(nb, first_history), timeline=timeline)
    assert [d.code for d in first if d.code == "NBG201"] == ["NBG201"]
    aborted = Execution("x = 2", "c0", 3, ExecutionStatus.ABORTED)
    second_history = (*ran(nb, 0, 1), aborted, later)
    rebuilt = engine.replay(timeline, second_history)
    assert rebuilt is not timeline
    second = engine.check(Notebook(nb, second_history), timeline=rebuilt)
    assert [d.code for d in second if d.code == "NBG201"] == []


def test_deleted_but_live_messages_say_things_once():
    nb = cells("print(data)")
    executions = (Execution("data = [1]", "gone", 1), Execution("print(data)", "c0", 2))
    reader, summary = sorted(
        Engine().check(Notebook(nb, executions), select=["NBG203"]),
        key=lambda d: d.cell_id or "",
        reverse=True,
    )
    assert reader.message.count("no longer in the notebook") == 1
    assert "not in the notebook" not in reader.message
    assert summary.message.startswith("1 name lives in the kernel")
    two = (Execution("a = 1\nb = 2", "gone", 1),)
    (many,) = Engine().check(Notebook(nb, two), select=["NBG203"])
    assert many.message.startswith("2 names live in the kernel")
