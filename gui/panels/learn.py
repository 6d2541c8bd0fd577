"""The Learn panel: the scenario's short lesson (its `explain` text) beside the run.

Every `--set key=value` the lesson suggests becomes a link: clicking it emits
`override(key=value)` (the window applies it to the form and re-runs). When the scenario
names a paired preset (`[view] compare_with`), a button emits `compare(name)`.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ...sim.studies.compare import value_text

# --set key=value, the value a quoted string or a run of characters up to a space,
# a backtick or a closing bracket; a trailing full stop or comma ends the sentence
SET_RE = re.compile(r"--set\s+([A-Za-z_][\w.]*)=(\"[^\"]*\"|'[^']*'|[^\s`)\]]+)")


def suggestions(text: str) -> list[str]:
    """The `key=value` overrides a lesson suggests, in order, without duplicates."""
    out = []
    for m in SET_RE.finditer(text):
        item = f"{m.group(1)}={m.group(2).rstrip('.,;:')}"
        if item not in out:
            out.append(item)
    return out


def _linked(paragraph: str, items: list[str]) -> str:
    """HTML of one paragraph with each --set suggestion as a link `set:i` to items[i]."""
    parts, last = [], 0
    for m in SET_RE.finditer(paragraph):
        value = m.group(2).rstrip(".,;:")
        end = m.start(2) + len(value)
        item = f"{m.group(1)}={value}"
        parts.append(html.escape(paragraph[last:m.start()]))
        items.append(item)
        parts.append(f'<a href="set:{len(items) - 1}" '
                     f'title="apply and re-run">--set {html.escape(item)}</a>')
        last = end
    parts.append(html.escape(paragraph[last:]))
    return "".join(parts)


EDITS_STYLE = "background: #FFF3C4; color: #6B4E00; padding: 4px"
MAX_EDITS_LISTED = 4


class LearnPanel(QWidget):
    override = Signal(str)          # "key=value" to apply to the form, then run
    compare = Signal(str)           # preset name to run and compare with the current run

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._clicked)
        self.compare_button = QPushButton()
        self.compare_button.hide()
        self.compare_button.clicked.connect(lambda: self.compare.emit(self.pair))
        self.pair = ""
        self.links: list[str] = []          # the overrides the links apply, by index
        self.edits = QLabel()               # the lesson's numbers are the preset's
        self.edits.setWordWrap(True)
        self.edits.setStyleSheet(EDITS_STYLE)
        self.edits.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edits)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.compare_button)

    def show_scenario(self, sc) -> None:
        self.links = []
        self.pair = sc.view.compare_with if sc is not None else ""
        self.compare_button.setVisible(bool(self.pair))
        self.compare_button.setText(f"Compare with{' ' if len(self.pair) < 24 else chr(10)}"
                                    f"{self.pair}")        # a long name: its own line
        self.compare_button.setToolTip(f"Pin this run, run {self.pair} and open Compare")
        if sc is None:
            self.text.setHtml("<p>A trace opened from a file carries no lesson.</p>")
            return
        paras = [p.strip() for p in (sc.explain or "").strip().split("\n\n") if p.strip()]
        body = "".join(f"<p>{_linked(' '.join(p.split()), self.links)}</p>" for p in paras) or \
            "<p><i>This scenario has no explanation.</i></p>"
        self.text.setHtml(f"<h3>{html.escape(sc.name)}</h3>"
                          f"<p><i>{html.escape(sc.description)}</i></p>{body}")

    def show_edits(self, changes: list[tuple]) -> None:
        """Say which settings differ from the preset the lesson describes
        (sim.scenario.changed_settings), so its numbers are not read as this run's."""
        self.edits.setVisible(bool(changes))
        if changes:
            listed = ", ".join(f"{k} = {value_text(b)} (lesson: {value_text(a)})"
                               for k, a, b in changes[:MAX_EDITS_LISTED])
            more = len(changes) - MAX_EDITS_LISTED
            self.edits.setText(f"Edited: {listed}{f' and {more} more' if more > 0 else ''}. "
                               "The lesson's numbers are for the preset as written.")

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "set" and url.path().isdigit() and int(url.path()) < len(self.links):
            self.override.emit(self.links[int(url.path())])
