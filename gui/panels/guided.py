"""Guided mode of a lesson (`[[lesson.step]]`, `[[lesson.question]]`, sim/lesson.py):
the player stops at each step with its caption, then the questions are asked one at a
time; answers are checked by sim.lesson.check against the run's summary.

Keyboard alone: G starts, Space plays on to the next stop, the answer field has the
focus for the questions (a choice is answered by its number), Enter checks, Ctrl+H
shows the next hint. In presentation mode (the panel hidden with the side panels) the
AnswerBar under the banner takes the answers.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...sim.lesson import Lesson, check

BOX_STYLE = "QWidget#guided { background: #F3ECF8; border: 1px solid #8E44AD; }"
RIGHT, WRONG = "#1B7F3B", "#B00000"


class GuidedPanel(QWidget):
    caption = Signal(str)       # the step or question on show, plain text ("" when none)
    phase_changed = Signal(str)     # idle, steps, questions, done
    said = Signal(str)              # the verdict or hint on show (rich text, "" when none)

    def __init__(self, state, player, parent=None):
        super().__init__(parent)
        self.setObjectName("guided")
        self.setAttribute(Qt.WA_StyledBackground)       # the box's colour and border
        self.setStyleSheet(BOX_STYLE)
        self.state, self.player = state, player
        self.lesson: Lesson | None = None
        self.phase = "idle"                 # idle, steps, questions, done
        self.question = 0
        self.hints_shown = self.wrong = 0   # for the question asked
        self.first_try: list[bool] = []     # per question answered
        self.start_button = QPushButton("Start the guided lesson (G)")
        self.start_button.clicked.connect(self.start)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.answer = QLineEdit()
        self.answer.setPlaceholderText("your answer, then Enter")
        self.answer.returnPressed.connect(self.submit)
        self.hint_button = QPushButton("Hint (Ctrl+H)")
        self.hint_button.clicked.connect(self.hint)
        self.hint_action = hint_key = QAction("Hint", self)
        hint_key.setShortcut(QKeySequence("Ctrl+H"))
        hint_key.setShortcutContext(Qt.WindowShortcut)
        hint_key.triggered.connect(self.hint)
        self.addAction(hint_key)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.answer, 1)
        row.addWidget(self.hint_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.start_button)
        lay.addWidget(self.text)
        lay.addLayout(row)
        lay.addWidget(self.verdict)
        player.stopped.connect(self._stopped)
        player.finished.connect(self._played_out)
        self.set_lesson(None)

    def set_lesson(self, lesson: Lesson | None) -> None:
        """The lesson of the scenario on show (None or empty: the panel hides)."""
        self.lesson = lesson if lesson else None
        self.setVisible(self.lesson is not None)
        self._stop_guiding()
        self._set_phase("idle")
        n = (len(lesson.step), len(lesson.question)) if self.lesson else (0, 0)
        self._show(f"A guided lesson: {n[0]} stops, then {n[1]} questions.")

    def _stop_guiding(self) -> None:
        self.player.stops = []
        self.answer.hide()
        self.hint_button.hide()
        self._say_html("")

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.phase_changed.emit(phase)

    def _show(self, text: str, caption: str = "") -> None:
        self.text.setText(text)
        self.caption.emit(caption)

    # -- steps -------------------------------------------------------------------------

    def start(self) -> bool:
        if self.lesson is None or self.state.run is None:
            return False
        ms = self.state.makespan
        times = [s.time(ms) for s in self.lesson.step]
        self.state.set_bookmarks([{"t_s": t, "caption": f"step {k + 1}"}     # short: the
                                  for k, t in enumerate(times)])               # banner says
        self._stop_guiding()
        self.player.stops = times
        self.question, self.first_try = 0, []
        self.player.pause()
        self.state.set_time(0.0)
        if not times:
            self._ask()
            return True
        self._set_phase("steps")
        self._show(f"<b>Step 0 / {len(times)}</b>: press <b>Space</b> to play to the "
                   "first stop.")
        return True

    def _stopped(self, i: int) -> None:
        if self.phase != "steps":
            return
        n = len(self.lesson.step)
        plain = f"Step {i + 1} / {n}: {self.lesson.step[i].caption}"
        caption = f"<b>Step {i + 1} / {n}</b>: {html.escape(self.lesson.step[i].caption)}"
        if i == n - 1 and self.player.stops[-1] >= self.state.makespan:
            self._ask(caption + "<br><br>")     # the last stop is the end: ask at once
            return
        more = "Space plays on to the next stop." if i < n - 1 else \
            "Space plays on; the questions follow."
        self._show(f"{caption}<br><i>{more}</i>", f"{plain}  (Space: on)")

    def _played_out(self) -> None:
        if self.phase == "steps":
            self._ask()

    # -- questions ---------------------------------------------------------------------

    def _ask(self, lead: str = "") -> None:
        """The next question (after `lead`, the last step's caption), or the end."""
        if self.question >= len(self.lesson.question):
            self.answer.hide()
            self.hint_button.hide()
            done = (f"{sum(self.first_try)} of {len(self.first_try)} answered right at the "
                    "first try. G starts it again.")
            self._show(f"<b>Lesson complete</b>: {done}", f"Lesson complete: {done}")
            self._set_phase("done")
            return
        q = self.lesson.question[self.question]
        self.hints_shown = self.wrong = 0
        body = html.escape(q.text)
        if q.is_choice:
            body += "".join(f"<br>&nbsp;&nbsp;{k + 1}) {html.escape(c)}"
                            for k, c in enumerate(q.choices))
        choices = "".join(f"   {k + 1}) {c}" for k, c in enumerate(q.choices or ()))
        self._show(f"{lead}<b>Question {self.question + 1} / {len(self.lesson.question)}"
                   f"</b>: {body}", f"Question {self.question + 1}: {q.text}{choices}")
        self.answer.clear()
        self.answer.setPlaceholderText("the number of your choice, then Enter"
                                       if q.is_choice else "a number, then Enter")
        self.answer.show()
        self.hint_button.setVisible(bool(q.hints))
        if self.answer.isVisible():
            self.answer.setFocus()
        self._set_phase("questions")

    def submit(self) -> bool:
        """Check the typed answer; right: say so (and why) and ask the next question."""
        if self.phase != "questions":
            return False
        q = self.lesson.question[self.question]
        given = self.answer.text().strip()
        if q.is_choice:
            given = int(given) - 1 if given.isdigit() and int(given) >= 1 else given
        v = check(q, given, self.state.run.summary)
        if not v.correct:
            self.wrong += 1
            self._say(v.message, WRONG)
            return False
        self.first_try.append(self.wrong == 0)
        self.question += 1
        self._ask()
        self._say(v.message + (f". {q.explain}" if q.explain else ""), RIGHT)
        return True

    def hint(self) -> None:
        if self.phase != "questions":
            return
        q = self.lesson.question[self.question]
        if self.hints_shown < len(q.hints):
            self.hints_shown += 1
        self._say("Hint: " + " ".join(q.hints[:self.hints_shown]), "#555555")
        if self.answer.isVisible():             # not in presentation (the AnswerBar's)
            self.answer.setFocus()

    def _say(self, text: str, color: str) -> None:
        self._say_html(f"<span style='color:{color}'>{html.escape(text)}</span>")

    def _say_html(self, text: str) -> None:
        self.verdict.setText(text)
        self.said.emit(text)


class AnswerBar(QWidget):
    """The guided questions' answer field and verdict under the banner, shown in
    presentation mode (where the guided panel is hidden with the side panels): Enter
    checks the answer with GuidedPanel.submit, Ctrl+H gives its hint."""

    def __init__(self, guided: GuidedPanel, parent=None):
        super().__init__(parent)
        self.guided = guided
        self.presenting = False
        self.field = QLineEdit()
        self.field.returnPressed.connect(self.submit)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.RichText)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self.field, 1)
        lay.addWidget(self.verdict, 2)
        self.addAction(guided.hint_action)      # Ctrl+H while the panel is hidden
        guided.said.connect(self.verdict.setText)
        guided.phase_changed.connect(lambda _p: self._update())
        self._update()

    def set_presenting(self, on: bool) -> None:
        self.presenting = on
        self._update()

    def _update(self) -> None:
        phase = self.guided.phase
        self.setVisible(self.presenting and phase in ("questions", "done"))
        self.field.setVisible(phase == "questions")
        if self.isVisible() and phase == "questions":
            self.field.setPlaceholderText(self.guided.answer.placeholderText()
                                          + "  (Ctrl+H: a hint)")
            self.field.clear()
            self.field.setFocus()

    def submit(self) -> bool:
        """The typed answer to the guided panel's question; kept (selected) when wrong."""
        self.guided.answer.setText(self.field.text())
        right = self.guided.submit()
        if not right:
            self.field.selectAll()
        return right
