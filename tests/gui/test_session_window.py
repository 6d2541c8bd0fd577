"""A session saved from the window reopens as it was: run, lesson, bookmarks, view."""

from parasim.gui.app import main


def test_session_reopens_as_it_was(ran, tmp_path, qtbot):
    ran.state.set_time(ran.state.makespan / 3)
    ran.add_bookmark()
    ran.metrics.show_tab("utilisation")
    ran.timeline.box.setXRange(0, ran.state.makespan / 2, padding=0)
    path = str(tmp_path / "lesson")
    assert ran.save_session(path) and "saved the session" in ran.status.text()
    saved_view = ran.view_state()
    ran.load_scenario("amdahl", run=True)
    qtbot.waitUntil(lambda: ran.worker is None, timeout=20000)
    assert ran.open_file_now(path + ".parasim")
    assert ran.state.run.scenario.name == "smp-memory-wall"
    assert ran.form.scenario.name == "smp-memory-wall" and "smp-memory-wall" in \
        ran.learn.text.toHtml()
    assert [m["caption"] for m in ran.state.bookmarks] == [
        ran.state.bookmarks[0]["caption"]] and len(ran.timeline.bookmark_lines) == 1
    view = ran.view_state()
    assert view["metrics_tab"] == "utilisation" and view["time_s"] == saved_view["time_s"]
    assert view["x_range"] == saved_view["x_range"]


def test_a_bad_session_shows_a_dialog_and_keeps_the_run(ran, tmp_path):
    bad = tmp_path / "bad.parasim"
    bad.write_text("nope")
    run = ran.state.run
    assert not ran.open_file_now(str(bad))
    assert ran.dialogs[-1][0] == "critical" and ran.state.run is run


def test_view_a_session_from_the_command_line(qapp, tmp_path, ran):
    path = str(tmp_path / "s.parasim")
    assert ran.save_session(path)
    out = tmp_path / "shot.png"
    assert main(["view", path, "--screenshot", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_bookmarks_are_added_and_visited_with_keys(ran):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    ms = ran.state.makespan
    for t in (ms / 4, ms / 2):
        ran.state.set_time(t)
        QTest.keyClick(ran, Qt.Key_B, Qt.ControlModifier)
    assert [m["t_s"] for m in ran.state.bookmarks] == [ms / 4, ms / 2]
    ran.state.set_time(0)
    QTest.keyClick(ran, Qt.Key_BracketRight)
    assert ran.state.time == ms / 4
    QTest.keyClick(ran, Qt.Key_BracketRight)
    assert ran.state.time == ms / 2
    QTest.keyClick(ran, Qt.Key_BracketLeft)
    assert ran.state.time == ms / 4
