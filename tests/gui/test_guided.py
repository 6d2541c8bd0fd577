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


def test_guided_memory_wall_in_presentation_mode_with_the_keyboard_alone(ran, qtbot):
    """F5 hides the guided panel with the side panels: the answers go in the bar under
    the banner, which has the focus; the banner shows each question and its choices."""
    g, bar = ran.guided, ran.answer_bar
    ran.player.set_speed(ran.state.makespan * 2)
    ran.activateWindow()
    ran.setFocus()
    QTest.keyClick(ran, Qt.Key_F5)
    assert ran.presenter.on and not g.isVisibleTo(ran) and not bar.isVisibleTo(ran)
    QTest.keyClick(ran, Qt.Key_G)
    for i in range(len(g.lesson.step)):
        with qtbot.waitSignal(ran.player.stopped, timeout=5000) as sig:
            QTest.keyClick(ran, Qt.Key_Space)
        assert sig.args == [i]
    assert g.phase == "questions" and bar.isVisibleTo(ran) and bar.field.hasFocus()
    assert "What speedup" in ran.banner.text()
    QTest.keyClicks(bar.field, "16")
    QTest.keyClick(bar.field, Qt.Key_Return)
    assert "too high" in bar.verdict.text() and g.question == 0
    QTest.keyClick(bar.field, Qt.Key_H, Qt.ControlModifier)
    assert "Hint:" in bar.verdict.text()
    QTest.keyClicks(bar.field, "4")                  # the wrong answer was selected
    QTest.keyClick(bar.field, Qt.Key_Return)
    assert g.question == 1 and "right" in bar.verdict.text() and bar.field.text() == ""
    assert "3) More memory bandwidth" in ran.banner.text() and bar.field.hasFocus()
    QTest.keyClicks(bar.field, "3")
    QTest.keyClick(bar.field, Qt.Key_Return)
    assert g.phase == "done" and "Lesson complete" in ran.banner.text()
    assert bar.isVisibleTo(ran) and not bar.field.isVisibleTo(ran)
    QTest.keyClick(ran, Qt.Key_F5)
    assert not bar.isVisibleTo(ran) and g.isVisibleTo(ran)
