"""The main window's scenario side: loading a scenario or preset into the form, a lesson's
`--set` link, Compare-with, saving the form, and the form's edited/valid state."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..sim import scenario as scenario_mod
from ..sim.errors import ScenarioError
from ..sim.scenario import Scenario, changed_settings

DEFAULT_SWEEP = "machine.cores=1,2,4,8,16"


class ScenarioMixin:
    """MainWindow's scenario methods."""


    def load_scenario(self, name_or_path: str, run: bool = False) -> bool:
        try:
            sc = scenario_mod.load(name_or_path)
        except ScenarioError as exc:
            QMessageBox.critical(self, "Cannot open scenario", str(exc))
            return False
        self.set_scenario(sc)
        if run:
            self.start_run()
        return True

    def set_scenario(self, sc: Scenario) -> None:
        """Show a scenario in the form, as its `[view]` asks: centre and metrics tabs, sweep."""
        self._set_trace_mode(None)
        if self.lesson_origin is None or sc.name != self.lesson_origin.name:
            self.state.set_bookmarks([])
        self.form.set_scenario(sc)
        self.sweep.set_scenario(sc)
        self.sweep.vary.setPlainText(sc.view.sweep or DEFAULT_SWEEP)
        self.metrics.show_tab(sc.view.tab)
        self.tabs.setCurrentWidget(self.tasks if sc.view.centre == "tasks"
                                   else self.timeline_page)
        self.learn.show_scenario(sc)
        self.guided.set_lesson(sc.lesson)
        self.lesson_origin = sc
        self.setWindowTitle(f"ParaSim — {sc.name}")
        self._mark_edited()

    def apply_override(self, item: str) -> bool:
        """Apply one `key=value` (a lesson's --set suggestion) to the form and re-run."""
        try:
            data = scenario_mod.apply_overrides(self.form.data(), [item])
        except ScenarioError as exc:
            self.status.setText(f"cannot apply {item}: {exc}")
            return False
        self.form.build(data)
        self._form_edited()
        if self.form.scenario is None:
            self.status.setText(f"{item}: {self.form.error}")
            return False
        self.status.setText(f"applied --set {item}")
        return self.start_run()

    def compare_with(self, name: str) -> bool:
        """Run the preset `name` (the current run is pinned when it is done, as for any
        re-run) and open Compare."""
        if self.state.run is None or self.worker is not None:
            self.status.setText("run this scenario first, then compare")
            return False
        if not self.load_scenario(name):
            return False
        self._after_run = lambda _run: self.tabs.setCurrentWidget(self.compare)
        if not self.start_run():
            self._after_run = None
            return False
        return True

    def _mark_edited(self) -> None:
        """Flag a form that differs from the run on show (until Run); `[view]` settings
        change no result, so they do not count."""
        run = self.state.run
        sc = self.form.scenario
        edited = (self.trace_path is None and run is not None and run.scenario is not None
                  and sc is not None and sc.replace(view=run.scenario.view) != run.scenario)
        self.scenario_panel.show_edited(edited)
        origin = self.lesson_origin
        self.learn.show_edits(changed_settings(origin, sc) if origin is not None
                              and sc is not None and self.trace_path is None else [])

    def _set_trace_mode(self, path: str | None) -> None:
        """Grey out the form while a trace file (which has no scenario) is shown."""
        self.trace_path = path
        self.scenario_panel.show_trace(path)
        self._validity(self.form.scenario is not None)

    def open_scenario_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", "", "Scenario (*.toml)")
        if path:
            self.load_scenario(path)

    def save_scenario_dialog(self) -> None:
        sc = self.form.scenario
        if sc is None:
            QMessageBox.warning(self, "Invalid scenario", self.form.error or "invalid")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario", f"{sc.name}.toml",
                                              "Scenario (*.toml)")
        if path:
            self.save_scenario(path)

    def save_scenario(self, path: str) -> bool:
        """Write the form's scenario as TOML; report a failure in a dialog."""
        try:
            scenario_mod.save(self.form.scenario, path)
        except OSError as exc:
            QMessageBox.critical(self, "Save failed", f"Could not write {path}:\n{exc}")
            return False
        return True

    def _form_edited(self) -> None:
        """The display convention applies at once, to the run already shown; the sweep
        tab sweeps the scenario as edited."""
        if self.form.scenario is not None:
            self.state.set_convention(self.form.scenario.options.flop_convention)
            self.sweep.set_scenario(self.form.scenario)
        self._mark_edited()

    def _validity(self, ok: bool) -> None:
        busy = self.worker is not None
        ok = ok and self.trace_path is None
        self.run_button.setEnabled(ok and not busy)
        self.run_action.setEnabled(ok and not busy)
        self.run_button.setToolTip("Simulate this scenario (Ctrl+R)" if ok else
                                   "Showing a trace file: pick a preset or open a scenario"
                                   if self.trace_path else
                                   f"Fix the scenario first: {self.form.error}")
