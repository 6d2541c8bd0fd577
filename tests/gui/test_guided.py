"""The guided memory-wall lesson, completed with the keyboard alone."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def test_guided_memory_wall_with_the_keyboard_alone(ran, qtbot):
    g = ran.guided
    assert g.isVisibleTo(ran) and g.lesson is not None
    ran.player.set_speed(ran.state.makespan * 2)     # the run plays in half a second
    ran.activateWindow()
    ran.setFocus()
    QTest.keyClick(ran, Qt.Key_G)
    assert g.phase == "steps" and ran.state.time == 0
    assert len(ran.timeline.bookmark_lines) == len(g.lesson.step)
    for i, step in enumerate(g.lesson.step):
        with qtbot.waitSignal(ran.player.stopped, timeout=5000) as sig:
            QTest.keyClick(ran, Qt.Key_Space)
        assert sig.args == [i]
        assert ran.state.time == step.time(ran.state.makespan)
        assert step.caption[:30] in g.text.text()
    assert g.phase == "questions" and g.answer.hasFocus()
    QTest.keyClicks(g.answer, "16")                   # wrong: too high
    QTest.keyClick(g.answer, Qt.Key_Return)
    assert "too high" in g.verdict.text() and g.question == 0
    QTest.keyClick(g.answer, Qt.Key_H, Qt.ControlModifier)  # a hint
    assert "Hint:" in g.verdict.text()
    g.answer.clear()
    QTest.keyClicks(g.answer, "4")
    QTest.keyClick(g.answer, Qt.Key_Return)
    assert g.question == 1 and "right" in g.verdict.text()
    assert "1) More cores" in g.text.text()
    QTest.keyClicks(g.answer, "3")                    # more memory bandwidth
    QTest.keyClick(g.answer, Qt.Key_Return)
    assert g.phase == "done" and "Lesson complete" in g.text.text()
    assert "1 of 2 answered right at the first try" in g.text.text()


def test_a_preset_without_a_lesson_hides_the_guided_panel(window):
    window.load_scenario("hpl")
    assert not window.guided.isVisibleTo(window)
