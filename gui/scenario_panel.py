"""The left-hand panel: the scenario form (with its state notes) and Run above the lesson.

The form's state is shown, never guessed: `show_trace(path)` hides the form while a
trace file (which has no scenario) is on screen; `show_edited(True)` flags a form that
differs from the run on show, until it is run.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget

from .panels.learn import LearnPanel
from .panels.scenario_form import ScenarioForm

NOTE_STYLE = "background: #E8E8E8; color: #333333; padding: 4px; font-style: italic"
EDITED_STYLE = "background: #FFF3C4; color: #6B4E00; padding: 4px; font-weight: bold"
RUN_EDITED_STYLE = "background: #FFE08A; font-weight: bold"


class ScenarioPanel(QSplitter):
    def __init__(self, parent=None):
        super().__init__(Qt.Vertical, parent)
        self.form = ScenarioForm()
        self.run_button = QPushButton("▶ Run simulation")
        self.run_button.setToolTip("Simulate this scenario (Ctrl+R)")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.form)
        self.note = QLabel()                 # "showing trace file X": the form is not it
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.hide()
        self.edited = QLabel("Scenario edited — press Run to see it")
        self.edited.setStyleSheet(EDITED_STYLE)
        self.edited.hide()
        self.form.status.setContentsMargins(8, 2, 4, 0)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.note, 0), (self.form.status, 0), (self.scroll, 1),
                           (self.edited, 0), (self.run_button, 0)):
            lay.addWidget(w, stretch)
        self.learn = LearnPanel()
        self.addWidget(box)
        self.addWidget(self.learn)
        self.setSizes([520, 380])            # room for the lesson
        self.setMinimumWidth(260)

    def show_trace(self, path: str | None) -> None:
        """Grey the form out with a note while the trace file `path` is shown (None: not)."""
        self.scroll.setVisible(path is None)
        self.note.setVisible(path is not None)
        if path is not None:
            self.note.setText(f"Showing trace file {os.path.basename(path)} ({path}): a "
                              "trace carries no scenario. Pick a preset or open a scenario "
                              "to simulate.")

    def show_edited(self, edited: bool) -> None:
        self.edited.setVisible(edited)
        self.run_button.setStyleSheet(RUN_EDITED_STYLE if edited else "")
