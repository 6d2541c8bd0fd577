"""The Program tab: the program's source with each rank's line at the playhead.

Reads run.extras["program"] (the source) and sim.analysis.program_lines (which rank is
at which line); stepping the player steps through the code. The margin lists the
ranks at each line ("r0-3, r7"); those lines are highlighted.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from ...sim.analysis.program_lines import ProgramLines, ranges
from ...sim.run import Run

HIGHLIGHT = "#FFF3B0"
MARGIN = 14            # characters for the ranks column


class ProgramView(QWidget):
    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.title = QLabel("No program run.")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.NoWrap)
        font = QFont("Monospace")
        font.setStyleHint(QFont.TypeWriter)
        self.text.setFont(font)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.title)
        lay.addWidget(self.text, 1)
        self.source: list[str] = []
        self.lines: ProgramLines | None = None
        self.shown: dict[int, list[int]] = {}
        state.run_changed.connect(self.show_run)
        state.time_changed.connect(self.show_time)
        self.show_run(state.run)

    def show_run(self, run: Run | None) -> None:
        program = run.extras.get("program") if run is not None else None
        self.lines, self.shown = None, {}
        if not program:
            self.title.setText("No program run: open a .py program or a program preset.")
            self.source = []
            self.text.setPlainText("")
            return
        self.title.setText(f"{program['file']}: {program['ranks']} rank(s), "
                           f"{program['threads']} thread(s) each; the margin shows where "
                           f"each rank is at the playhead")
        self.source = program["source"].splitlines()
        self.lines = ProgramLines(run.trace, run.task_names, program["ranks"],
                                  program["threads"])
        self.show_time(self.state.time, force=True)

    def show_time(self, t: float, force: bool = False) -> None:
        if self.lines is None:
            return
        at = self.lines.at(t)
        if at == self.shown and not force:
            return
        self.shown = at
        bar = self.text.verticalScrollBar().value()
        self.text.setPlainText("\n".join(
            f"{ranges(at.get(i + 1, [])):>{MARGIN}.{MARGIN}} {i + 1:4d}  {code}"
            for i, code in enumerate(self.source)))
        marks = []
        doc = self.text.document()
        for line in at:
            if 1 <= line <= len(self.source):
                sel = QTextEdit.ExtraSelection()
                sel.format.setBackground(QColor(HIGHLIGHT))
                sel.format.setProperty(QTextFormat.FullWidthSelection, True)
                sel.cursor = QTextCursor(doc.findBlockByNumber(line - 1))
                marks.append(sel)
        self.text.setExtraSelections(marks)
        self.text.verticalScrollBar().setValue(bar)

    def marked(self) -> dict[int, list[int]]:
        """{line: ranks} shown now (for tests)."""
        return dict(self.shown)
