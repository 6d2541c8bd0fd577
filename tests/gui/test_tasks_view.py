"""The Tasks tab: one row per task with running / waiting / I/O bars, or a message."""

from tests.trace_factory import make_run


def test_io_preset_shows_eight_task_rows_with_all_three_states(window, qtbot):
    window.load_scenario("concurrency-vs-parallelism-io", run=True)
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    view = window.tasks
    window.tabs.setCurrentWidget(view)
    assert view.currentWidget() is view.plot
    ticks = view.item.getAxis("left")._tickLevels[0]
    assert [label for _, label in ticks] == [f"task {i}" for i in range(8)]
    for name in ("running", "waiting", "blocked on I/O"):
        assert len(view.bars[name].opts["x0"]) > 0, name
    window.state.set_time(0.05)
    assert view.playhead.value() == 0.05


def test_a_hundred_tasks_show_the_first_64(window):
    spans = [(0, "compute", i, float(i), i + 1.0, 1.0) for i in range(100)]
    window.state.set_run(make_run(spans, cores=1))
    view = window.tasks
    assert view.currentWidget() is view.plot
    assert "<br>the first 64 of 100 tasks" in view.item.titleLabel.text   # own line
    assert "I/O" not in view.item.titleLabel.text       # states the run has, no others
    assert len(view.bars["running"].opts["x0"]) == 64
    assert len(view.item.getAxis("left")._tickLevels[0]) == 32      # every other row


def test_rows_are_labelled_with_the_task_names(window):
    spans = [(0, "compute", 0, 0.0, 1.0, 1.0), (0, "compute", 1, 1.0, 2.0, 1.0)]
    window.state.set_run(make_run(spans, cores=1, names=("load", "sum")))
    ticks = window.tasks.item.getAxis("left")._tickLevels[0]
    assert ticks == [(0, "load"), (1, "sum")]
    assert len(window.tasks.bars["waiting"].opts["x0"]) == 0


def test_concurrency_presets_open_on_the_tasks_tab(window):
    window.load_scenario("concurrency-vs-parallelism-io")
    assert window.tabs.currentWidget() is window.tasks
    window.load_scenario("smp-memory-wall")
    assert window.tabs.currentWidget() is window.timeline_page


def test_a_programs_rows_are_its_ranks_not_its_lines(window, qtbot, tmp_path):
    """Two ranks (one per node) run one line: two rows, rank 0 and rank 1, and two tasks
    in progress at the start (the player's concurrency), not one per source line."""
    from parasim.sim import scenario
    path = tmp_path / "p.py"
    path.write_text("def main(comm):\n    yield comm.compute(1e8 * (comm.rank + 1))\n")
    window.set_scenario(scenario.for_file(str(path), "cluster-pingpong"))
    with qtbot.waitSignal(window.state.run_changed, timeout=20000):
        assert window.start_run()
    qtbot.waitUntil(lambda: window.worker is None, timeout=20000)
    run = window.state.run
    view = window.tasks
    ticks = view.item.getAxis("left")._tickLevels[0]
    assert [label for _, label in ticks] == ["rank 0", "rank 1"]
    assert "computing" in view.item.titleLabel.text
    assert len(view.bars["running"].opts["x0"]) == 2
    assert len(view.bars["waiting"].opts["x0"]) == 0
    assert window.state.index.concurrency(run.makespan / 4) == 2
