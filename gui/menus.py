"""The main window's menus (File, Presets, Run, View, Help), toolbar and window-wide
keys (player: Space, arrows, Home/End; timeline: W/A/S/D)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from .presets_menu import build_presets_menu


def _action(window, menu, text, slot, shortcut=None) -> QAction:
    """A menu entry (or, with menu None, a window-wide key) calling slot()."""
    act = QAction(text, window)
    if shortcut:
        act.setShortcut(QKeySequence(shortcut))
    act.triggered.connect(lambda *_: slot())
    menu.addAction(act) if menu is not None else window.addAction(act)
    return act


def build_menus(w) -> None:
    """Build the menus, toolbar and keys of MainWindow `w`; sets w.presets_menu,
    w.run_action and w.lanes_action."""
    mb = w.menuBar()
    f = mb.addMenu("&File")
    _action(w, f, "Open scenario…", w.open_scenario_dialog, "Ctrl+O")
    _action(w, f, "Save scenario…", w.save_scenario_dialog, "Ctrl+S")
    _action(w, f, "Open session or trace CSV…", w.open_trace_dialog, "Ctrl+T")
    _action(w, f, "Open program (.py, .goal)…", w.program_file.open_dialog, "Ctrl+Shift+O")
    _action(w, f, "Save session…", w.save_session_dialog, "Ctrl+Shift+S")
    ex = f.addMenu("Export")
    csv = _action(w, ex, "Trace CSV…", lambda: w.export("csv"))
    perfetto = _action(w, ex, "Perfetto / Chrome JSON…", lambda: w.export("perfetto"))
    _action(w, ex, "Summary JSON…", lambda: w.export("summary"))
    _action(w, ex, "PNG of the current view…", lambda: w.export("png"))
    _action(w, ex, "Plot as PNG at 2x…", lambda: w.export_plot("png"))
    _action(w, ex, "Plot as SVG…", lambda: w.export_plot("svg"))
    _action(w, ex, "Record the playback (GIF / MP4)…", w.record, "Ctrl+Shift+R")
    f.addSeparator()
    _action(w, f, "Quit", w.close, "Ctrl+Q")
    w.presets_menu = mb.addMenu("&Presets")
    build_presets_menu(w.presets_menu, lambda n: w.load_scenario(n, run=True))
    r = mb.addMenu("&Run")
    w.run_action = _action(w, r, "Run", w.start_run, "Ctrl+R")
    _action(w, r, "Cancel", w.cancel_run, "Escape")
    pin = _action(w, r, "Pin current run for comparison", w.pin, "Ctrl+P")
    _action(w, r, "Unpin", lambda: w.state.pin(None))
    _action(w, r, "Bookmark the playhead", w.add_bookmark, "Ctrl+B")
    _action(w, r, "Next bookmark", lambda: w.jump_bookmark(1), "]")
    _action(w, r, "Previous bookmark", lambda: w.jump_bookmark(-1), "[")
    _action(w, r, "Guided lesson", w.guided.start, "G")
    bar = w.toolbar = w.addToolBar("Main")
    bar.setObjectName("Main")
    bar.setMovable(False)
    for act, text in ((w.run_action, "▶ Run"), (pin, "Pin for compare"),
                      (csv, "Export CSV"), (perfetto, "Export Perfetto")):
        button = QAction(text, w)
        button.setToolTip(act.text().rstrip("…") + (f" ({act.shortcut().toString()})"
                                                    if not act.shortcut().isEmpty() else ""))
        button.triggered.connect(act.trigger)
        act.changed.connect(lambda a=act, b=button: b.setEnabled(a.isEnabled()))
        bar.addAction(button)
    v = w.view_menu = mb.addMenu("&View")
    _action(w, v, "Reset zoom", w.timeline.reset_view, "0")
    _action(w, v, "Collapse all nodes", lambda: w.timeline.collapse_all(True))
    _action(w, v, "Expand all nodes", lambda: w.timeline.collapse_all(False))
    w.lanes_action = _action(w, v, "Show SIMD lanes", w._toggle_lanes, "L")
    w.lanes_action.setCheckable(True)
    w.critical_action = _action(w, v, "Show critical path",
                                lambda: w.critical.on_action(w.critical_action, w.status), "C")
    w.critical_action.setCheckable(True)
    messages = w.timeline.messages_action
    messages.setShortcutContext(Qt.WindowShortcut)
    v.addAction(messages)
    v.addSeparator()
    for dock in (w.left_dock, w.metrics_dock):       # hide, close and restore the panels
        act = dock.toggleViewAction()
        act.setText(f"{dock.windowTitle()} panel")
        v.addAction(act)
    tool = bar.toggleViewAction()
    tool.setText("Toolbar")
    v.addAction(tool)
    _action(w, v, "Restore default layout", w.default_layout)
    v.addSeparator()
    pr = w.presenter
    w.presentation_action = _action(w, v, "Presentation mode", pr.toggle, "F5")
    w.presentation_action.setCheckable(True)
    _action(w, v, "Full screen", pr.toggle_full_screen, "F11")
    bigger = _action(w, v, "Larger text", pr.bigger, "Ctrl++")
    _action(w, None, "Larger text", bigger.trigger, "Ctrl+=")
    _action(w, v, "Smaller text", pr.smaller, "Ctrl+-")
    _action(w, v, "Text size 100 %", lambda: pr.set_zoom(100), "Ctrl+0")
    h = mb.addMenu("&Help")
    _action(w, h, "Keyboard shortcuts…", w.show_shortcuts, "F1")
    _action(w, None, "Keyboard shortcuts", w.show_shortcuts, "?")
    _action(w, h, "Tour of the window…", w.show_tour)
    _action(w, h, "What the model leaves out…", w.show_approximations)
    _action(w, h, "About ParaSim…", w.show_about)
    p = w.player
    for key, slot in (("Space", p.toggle), ("Right", p.step), ("Left", p.step_back),
                      ("Home", p.home), ("End", p.end)):
        _action(w, None, key, slot, key)
    for key in "WASD":
        _action(w, None, key, lambda k=key: w.timeline.key(getattr(Qt, f"Key_{k}")), key)
