"""The scenario panel: forms generated from the `param()` metadata of the scenario model.

Every field becomes an editor: `choices` -> combo box, bool -> check box, anything
else -> a line edit whose text is parsed as a TOML value. Labels carry the unit,
tooltips the help text and the allowed range. After each edit the whole scenario is
validated by `sim.scenario.from_dict`; a ScenarioError is shown under the field its
path names, and `validity_changed(False)` tells the window to disable Run.
The workload `kind` combo swaps the workload form for that kind's Params.
"""

from __future__ import annotations

import dataclasses
import typing

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sim import scenario as scenario_mod
from sim.machine import MachineSpec
from sim.scenario import Options, Scenario
from sim.schedule import ScheduleSpec
from sim.spec import ScenarioError
from sim.workloads import KINDS, REGISTRY

HIDDEN = {"description", "explain"}        # shown in the Learn panel, kept as loaded
ERROR_STYLE = "border: 2px solid #D62728; background: #FFF0F0"


def range_text(meta: dict) -> str:
    """'> 0, <= 100' from a field's bounds."""
    parts = [f"{op} {meta[k]:g}" for k, op in (("gt", ">"), ("ge", ">="), ("lt", "<"),
                                               ("le", "<="))
             if meta.get(k) is not None]
    return ", ".join(parts)


def field_label(f: dataclasses.Field) -> str:
    unit = f.metadata.get("unit")
    return f"{f.name} [{unit}]" if unit else f.name


class FieldEditor:
    """One field's editor, its dotted path and its in-place error label."""

    def __init__(self, path: str, f: dataclasses.Field, tp, value, on_change):
        self.path = path
        meta = f.metadata
        choices = meta.get("choices")
        tip = meta.get("help", "")
        rng = range_text(meta)
        if rng:
            tip += f"\nAllowed: {rng}"
        if choices:
            w = QComboBox()
            w.addItems([str(c) for c in choices])
            w.setCurrentText(str(value))
            w.currentTextChanged.connect(on_change)
            self.get = w.currentText
        elif tp is bool:
            w = QCheckBox()
            w.setChecked(bool(value))
            w.toggled.connect(on_change)
            self.get = w.isChecked
        else:
            w = QLineEdit(_text(value))
            w.textChanged.connect(on_change)
            self.get = lambda: _parse(w.text(), tp)
        w.setToolTip(f"{path}\n{tip}".strip())
        w.setObjectName(path)
        self.widget = w
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00000")
        self.error.hide()

    def mark(self, message: str | None) -> None:
        self.widget.setStyleSheet(ERROR_STYLE if message else "")
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


def _text(value) -> str:
    if isinstance(value, float):
        return repr(value) if abs(value) < 1e6 or value != int(value) else f"{value:g}"
    return str(value)


def _parse(text: str, tp):
    if tp is str:
        return text
    return scenario_mod.parse_value(text.strip())


class ScenarioForm(QWidget):
    validity_changed = Signal(bool)
    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.base: dict = {}
        self.editors: dict[str, FieldEditor] = {}
        self.scenario: Scenario | None = None
        self.error: str | None = None
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("color: #B00000; font-weight: bold")
        self.banner.hide()
        self.lay = QVBoxLayout(self)
        self.lay.addWidget(self.banner)
        self.lay.addStretch(1)
        self.groups: dict[str, QGroupBox] = {}
        self._building = False

    # -- building ----------------------------------------------------------------------

    def set_scenario(self, sc: Scenario) -> None:
        self.base = scenario_mod.to_dict(sc)
        self._building = True
        for box in self.groups.values():
            self.lay.removeWidget(box)
            box.deleteLater()
        self.groups.clear()
        self.editors = {}
        self._group("scenario", "Scenario", Scenario, sc, "", skip={"machine", "workload",
                                                                    "schedule", "options"})
        self._group("machine", "Machine", MachineSpec, sc.machine, "machine")
        self._workload_group(sc.workload)
        self._group("schedule", "Schedule", ScheduleSpec, sc.schedule, "schedule")
        self._group("options", "Display", Options, sc.options, "options")
        self._building = False
        self.validate()

    def _group(self, key, title, cls, obj, prefix, skip=(), box=None, form=None):
        if box is None:
            box = QGroupBox(title)
            form = QFormLayout(box)
            self.groups[key] = box
            self.lay.insertWidget(self._group_pos(key), box)
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.name in HIDDEN or f.name in skip or not f.init:
                continue
            path = f"{prefix}.{f.name}" if prefix else f.name
            tp = hints[f.name]
            value = getattr(obj, f.name)
            if dataclasses.is_dataclass(tp):
                head = QLabel(f"<b>{f.name}</b>")
                form.addRow(head)
                self._group(key, title, tp, value, path, box=box, form=form)
                continue
            ed = FieldEditor(path, f, tp, value, self._changed)
            self.editors[path] = ed
            form.addRow(field_label(f), ed.widget)
            form.addRow("", ed.error)
        return box

    def _group_pos(self, key: str) -> int:
        order = ["scenario", "machine", "workload", "schedule", "options"]
        before = [k for k in order[:order.index(key)] if k in self.groups]
        return 1 + len(before)

    def _workload_group(self, params) -> None:
        box = QGroupBox("Workload")
        form = QFormLayout(box)
        self.groups["workload"] = box
        self.lay.insertWidget(self._group_pos("workload"), box)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.setCurrentText(params.kind)
        self.kind.setToolTip("workload.kind\nThe motif to run; each kind has its own settings")
        self.kind.setObjectName("workload.kind")
        self.kind.currentTextChanged.connect(self._kind_changed)
        form.addRow("kind", self.kind)
        self._group("workload", "Workload", type(params), params, "workload", box=box, form=form)

    def _kind_changed(self, kind: str) -> None:
        """Swap in the new kind's form with its defaults."""
        if self._building:
            return
        self._building = True
        box = self.groups.pop("workload")
        self.lay.removeWidget(box)
        box.deleteLater()
        self.editors = {k: e for k, e in self.editors.items() if not k.startswith("workload.")}
        self.base["workload"] = {"kind": kind}
        self._workload_group(REGISTRY[kind].Params())
        self._building = False
        self._changed()

    # -- validation --------------------------------------------------------------------

    def data(self) -> dict:
        """The scenario as plain data: the loaded base overwritten by the editors."""
        import copy
        data = copy.deepcopy(self.base)
        data["workload"] = {"kind": self.kind.currentText()}
        for path, ed in self.editors.items():
            node = data
            *parents, leaf = path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = ed.get()
        return data

    def _changed(self, *_):
        if not self._building:
            self.validate()
            self.edited.emit()

    def validate(self) -> Scenario | None:
        """Validate the form; mark the field the error names; emit validity."""
        for ed in self.editors.values():
            ed.mark(None)
        self.banner.hide()
        try:
            sc = scenario_mod.from_dict(self.data())
        except ScenarioError as exc:
            self.scenario, self.error = None, str(exc)
            ed = self._editor_for(getattr(exc, "path", ""))
            if ed is not None:
                ed.mark(self.error)
            else:
                self.banner.setText(self.error)
                self.banner.show()
            self.validity_changed.emit(False)
            return None
        self.scenario, self.error = sc, None
        self.validity_changed.emit(True)
        return sc

    def _editor_for(self, path: str) -> FieldEditor | None:
        while path:
            if path in self.editors:
                return self.editors[path]
            path = path.rpartition(".")[0]
        return None
