"""The Learn panel: the scenario's short lesson (its `explain` text) beside the run."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser


class LearnPanel(QTextBrowser):
    def show_scenario(self, sc) -> None:
        if sc is None:
            self.setHtml("<p>A trace opened from a file carries no lesson.</p>")
            return
        paras = [p.strip() for p in (sc.explain or "").strip().split("\n\n") if p.strip()]
        body = "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paras) or \
            "<p><i>This scenario has no explanation.</i></p>"
        self.setHtml(f"<h3>{html.escape(sc.name)}</h3>"
                     f"<p><i>{html.escape(sc.description)}</i></p>{body}")
