"""The scenario panel: forms generated from the `param()` metadata of the scenario model.

Every field becomes an editor: `choices` -> combo box, bool -> check box, anything
else -> a line edit whose text is parsed as a TOML value. Labels carry the unit,
tooltips the help text and the allowed range. After each edit the whole scenario is
validated by `sim.scenario.from_dict`; every invalid field is found (the field a
ScenarioError names is reset to its default and the rest validated again) and gets a
red border and the message as its tooltip, shown at once while typing; a status line
of fixed height lists them (nothing moves while typing), and `validity_changed(False)`
tells the window to disable Run.
The workload `kind` combo swaps the workload form for that kind's Params. An optional
section (`network: NetworkSpec | None`) sits behind a check box; an optional value
left empty stays unset.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import typing

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...sim import scenario as scenario_mod
from ...sim import spec
from ...sim.engine.schedule import ScheduleSpec
from ...sim.errors import ScenarioError
from ...sim.machine.machine import MachineSpec
from ...sim.scenario import Options, Scenario
from ...sim.workloads import KINDS, REGISTRY

HIDDEN = {"description", "explain", "view", "lesson"}   # lesson and view: kept as loaded
SECTIONS = ("machine", "workload", "schedule", "options")
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
        inner = optional_inner(tp)
        self.optional = inner is not None
        tp = inner if inner is not None else tp
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
            if self.optional:
                w.setPlaceholderText("unset")
            w.textChanged.connect(on_change)
            self.get = lambda: w.text() if tp is str else \
                scenario_mod.parse_value(w.text().strip()) if w.text().strip() else ""
        self.tip = f"{path}\n{tip}".strip()
        w.setToolTip(self.tip)
        w.setObjectName(path)
        w.setFixedHeight(w.sizeHint().height())   # the red border must not resize it
        self.widget = w
        self.message: str | None = None

    def mark(self, message: str | None) -> None:
        """Red border and the message first in the tooltip (shown now if focused)."""
        if message == self.message:
            return
        self.message = message
        w = self.widget
        w.setStyleSheet(ERROR_STYLE if message else "")
        w.setToolTip(f"{message}\n\n{self.tip}" if message else self.tip)
        if message and w.hasFocus():
            QToolTip.showText(w.mapToGlobal(QPoint(0, w.height())), message, w)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):                 # a TOML inline table (workload.args)
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return repr(value) if abs(value) < 1e6 or value != int(value) else f"{value:g}"
    return str(value)


def _toml(value) -> str:
    """A value as TOML text: true/false, a quoted string, a list, a number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return _text(value)
    return repr(value)


def optional_inner(tp):
    """X for an `X | None` annotation, else None."""
    args = typing.get_args(tp)
    if type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return None


def table_list_item(tp):
    """X for a `list[X]` or `list[X] | None` annotation whose X is a dataclass, else None."""
    tp = optional_inner(tp) or tp
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp) or (None,)
        if item is not None and dataclasses.is_dataclass(item):
            return item
    return None


def step_into(node: dict, key: str):
    """The child `key` of `node` ("device[0]": entry 0 of the list `device`), made a
    table when missing."""
    if key.endswith("]") and "[" in key:
        name, index = key[:-1].split("[")
        return node[name][int(index)]
    return node.setdefault(key, {})


def default_of(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
        return spec.to_dict(value) if dataclasses.is_dataclass(value) else value
    return None


class ScenarioForm(QWidget):
    """Editors for a scenario, built from plain scenario data (as in TOML)."""

    validity_changed = Signal(bool)
    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.base: dict = {}
        self.editors: dict[str, FieldEditor] = {}
        self.toggles: dict[str, QCheckBox] = {}
        self.scenario: Scenario | None = None
        self.error: str | None = None
        self.status = QLabel()                   # fixed height: the form never moves
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.status.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.lay = QVBoxLayout(self)
        self.lay.addWidget(self.status)
        self.lay.addStretch(1)
        self.groups: list[QGroupBox] = []
        self._building = False

    # -- building ----------------------------------------------------------------------

    def set_scenario(self, sc: Scenario) -> None:
        self.build(scenario_mod.to_dict(sc))

    def build(self, data: dict) -> None:
        """(Re)build every editor from scenario data, then validate."""
        self.base = data
        self._building = True
        for box in self.groups:
            self.lay.removeWidget(box)
            box.deleteLater()
        self.groups.clear()
        self.editors, self.toggles = {}, {}
        top = {k: v for k, v in data.items() if k not in SECTIONS}
        self._group(self._box("Scenario"), Scenario, top, "", skip=SECTIONS)
        self._group(self._box("Machine"), MachineSpec, data.get("machine", {}), "machine")
        work = data.get("workload", {})
        kind = work.get("kind", KINDS[0])
        form = self._box("Workload")
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.setCurrentText(kind)
        self.kind.setToolTip("workload.kind\nThe motif to run; each kind has its own settings")
        self.kind.setObjectName("workload.kind")
        self.kind.currentTextChanged.connect(self._kind_changed)
        form.addRow("kind", self.kind)
        self._group(form, REGISTRY[kind].Params, work, "workload")
        self._group(self._box("Schedule"), ScheduleSpec, data.get("schedule", {}), "schedule")
        self._group(self._box("Display"), Options, data.get("options", {}), "options")
        self._building = False
        self.validate()

    def _box(self, title: str) -> QFormLayout:
        box = QGroupBox(title)
        self.groups.append(box)
        self.lay.insertWidget(len(self.groups), box)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)     # narrow panel: field under label
        return form

    def _group(self, form: QFormLayout, cls, values: dict, prefix: str, skip=()) -> None:
        """Rows for the fields of `cls`; nested sections inline under a bold heading, an
        optional section (`X | None`) behind a check box that switches it on."""
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.name in HIDDEN or f.name in skip or not f.init:
                continue
            path = f"{prefix}.{f.name}" if prefix else f.name
            tp = hints[f.name]
            value = values.get(f.name, default_of(f))
            inner = optional_inner(tp)
            if inner is not None and dataclasses.is_dataclass(inner):
                box = QCheckBox(f"{f.name} (optional section)")
                box.setChecked(value is not None)
                box.setToolTip(f"{path}\n{(inner.__doc__ or '').strip()}")
                box.toggled.connect(lambda on, p=path: self._toggle_section(p, on))
                self.toggles[path] = box
                form.addRow(box)
                if value is not None:
                    self._group(form, inner, value, path)
                continue
            if dataclasses.is_dataclass(tp):
                form.addRow(QLabel(f"<b>{f.name}</b>"))
                self._group(form, tp, value if isinstance(value, dict) else {}, path)
                continue
            item = table_list_item(tp)
            if item is not None:          # [[machine.device]]: one sub-form per entry
                for i, entry in enumerate(value or []):
                    form.addRow(QLabel(f"<b>{f.name}[{i}]</b>"))
                    self._group(form, item, entry, f"{path}[{i}]")
                continue
            ed = FieldEditor(path, f, tp, value, self._changed)
            self.editors[path] = ed
            form.addRow(field_label(f), ed.widget)

    def _toggle_section(self, path: str, on: bool) -> None:
        """Switch an optional section on (its defaults) or off (unset)."""
        if self._building:
            return
        data = self.data()
        *parents, leaf = path.split(".")
        node = data
        for p in parents:
            node = step_into(node, p)
        if on:
            node[leaf] = {}
        else:
            node.pop(leaf, None)
        self.build(data)
        self.edited.emit()

    def _kind_changed(self, kind: str) -> None:
        """Swap in the new kind's form with its defaults."""
        if self._building:
            return
        data = self.data()
        data["workload"] = {"kind": kind}
        self.build(data)
        self.edited.emit()

    # -- validation --------------------------------------------------------------------

    def data(self) -> dict:
        """The scenario as plain data: the loaded base overwritten by the editors; an
        empty optional value is left unset."""
        data = copy.deepcopy(self.base)
        lists = {k: v for k, v in data.get("workload", {}).items() if isinstance(v, list)}
        data["workload"] = {"kind": self.kind.currentText(), **lists}  # entries the editors fill
        for path, box in self.toggles.items():
            if not box.isChecked():
                *parents, leaf = path.split(".")
                node = data
                for p in parents:
                    node = step_into(node, p)
                node.pop(leaf, None)
        for path, ed in self.editors.items():
            value = ed.get()
            node = data
            *parents, leaf = path.split(".")
            for p in parents:
                node = step_into(node, p)
            if value is None or (ed.optional and value == ""):
                node.pop(leaf, None)
            else:
                node[leaf] = value
        return data

    def _changed(self, *_):
        if not self._building:
            self.validate()
            self.edited.emit()

    def validate(self) -> Scenario | None:
        """Validate the form; mark every invalid field; emit validity."""
        errors, general = self.errors()
        for path, ed in self.editors.items():
            ed.mark(errors.get(path))
        messages = list(errors.values()) + ([general] if general else [])
        self.error = "; ".join(messages) or None
        if messages:
            self.status.setText(self.error if len(messages) == 1 else
                                f"{len(errors)} invalid fields: {', '.join(errors)} "
                                "(hover a red field for why)")
            self.status.setStyleSheet("color: #B00000; font-weight: bold")
            self.status.setToolTip("\n".join(messages))
            self.scenario = None
            self.validity_changed.emit(False)
            return None
        self.scenario = scenario_mod.from_dict(self.data())
        self.status.setText("scenario valid")
        self.status.setStyleSheet("color: #777777")
        self.status.setToolTip("")
        self.validity_changed.emit(True)
        return self.scenario

    def errors(self) -> tuple[dict[str, str], str | None]:
        """({field path: message} for every invalid field, an error no field owns): the
        field an error names is reset to its default and the scenario validated again."""
        data, errors = self.data(), {}
        while True:
            try:
                scenario_mod.from_dict(data)
                return errors, None
            except ScenarioError as exc:
                ed = self._editor_for(getattr(exc, "path", ""))
                if ed is None or ed.path in errors:
                    return errors, None if ed is not None else str(exc)
                errors[ed.path] = str(exc)
                *parents, leaf = ed.path.split(".")
                node = data
                for p in parents:
                    node = node.setdefault(p, {})
                node.pop(leaf, None)

    def _editor_for(self, path: str) -> FieldEditor | None:
        while path:
            if path in self.editors:
                return self.editors[path]
            path = path.rpartition(".")[0]
        return None
