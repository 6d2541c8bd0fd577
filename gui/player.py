"""The player: plays the finished run by moving the playhead in AppState.

Speed is simulated seconds per wall-clock second, chosen on a log scale from
1e-9 (one nanosecond a second: single events) to 1e3. A frame timer advances the
playhead by speed x wall time elapsed. Step moves to the next / previous span start
or end exactly (TraceIndex.next_event / prev_event). Counters shown at the playhead:
FLOPs done (in-progress spans prorated), busy PEs (any span but a wait: a PE that
only communicates is busy without adding to parallelism), power on one line, parallelism and
concurrency on a second (two fixed lines: the panel never grows or wraps while playing).
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ..sim.report import work_unit
from ..sim.scenario import parse_value
from ..sim.units import seconds, si
from .state import AppState

SPEED_MIN_EXP, SPEED_MAX_EXP = -9.0, 3.0
SPEED_STEPS = 120            # slider positions: 10 per decade
SCRUB_STEPS = 10_000
FRAME_MS = 33
MIN_SLIDER_PX = 90          # narrower, a slider looks like a check box
ICONS = {"start": QStyle.SP_MediaSkipBackward, "back": QStyle.SP_MediaSeekBackward,
         "next": QStyle.SP_MediaSeekForward, "end": QStyle.SP_MediaSkipForward}


def default_speed(makespan: float) -> float:
    """The whole run plays in about 10 s."""
    return max(makespan, 1e-9) / 10


class Player(QWidget):
    reset_done = Signal()       # Reset pressed: the views return to their whole-run zoom
    stopped = Signal(int)       # playing stopped at stops[i] (a guided lesson's step)
    finished = Signal()         # playing reached the end of the run

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.playing = False
        self._last = 0.0
        self.stops: list[float] = []            # times playing stops at (guided mode)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)

        def button(text, tip, slot):
            icon = ICONS.get(text)
            b = QPushButton(self.style().standardIcon(icon), "") if icon else QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            return b

        self.play_button = button("Play", "Play / pause (Space)", self.toggle)
        self.buttons = [button("start", "Jump to start (Home)", self.home),
                        button("back", "Step to the previous event (Left)", self.step_back),
                        self.play_button,
                        button("next", "Step to the next event (Right)", self.step),
                        button("end", "Jump to the end (End)", self.end),
                        button("Reset", "Stop, return to t = 0, and restore the default speed "
                               "and the whole-run zoom", self.reset)]
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, SPEED_STEPS)
        self.speed.setToolTip("Playback speed: simulated time per wall-clock second (log scale)")
        self.speed.valueChanged.connect(self._show_speed)
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(110)
        self.scrubber = QSlider(Qt.Horizontal)
        self.scrubber.setRange(0, SCRUB_STEPS)
        self.scrubber.setToolTip("Scrub through the run")
        self.scrubber.valueChanged.connect(self._scrubbed)
        self.time_field = QLineEdit()
        self.time_field.setPlaceholderText("jump to time, s")
        self.time_field.setToolTip("Type a time in seconds (e.g. 0.0125 or 12.5e-3), then Enter")
        self.time_field.returnPressed.connect(self._jump)
        self.time_label = QLabel()
        self.counters = QLabel()                # two fixed lines, never wrapped
        self.counters.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.counters.setTextFormat(Qt.PlainText)
        self.counters.setToolTip("At the playhead. busy PEs: in any span but a wait (a PE "
                                 "that only sends or receives is busy without running a "
                                 "task); power: n/a when the machine has no power model")
        self.counters.setWordWrap(False)
        self.counters.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self._fit_text()

        # two rows that each fit a 500 px centre: transport and speed, then time
        self.speed.setMinimumWidth(MIN_SLIDER_PX)
        top = QHBoxLayout()
        for b in self.buttons:
            top.addWidget(b)
        top.addWidget(QLabel("speed"))
        top.addWidget(self.speed, 1)
        top.addWidget(self.speed_label)
        mid = QHBoxLayout()
        mid.addWidget(self.scrubber, 1)
        mid.addWidget(self.time_label)
        mid.addWidget(self.time_field)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addLayout(top)
        lay.addLayout(mid)
        lay.addWidget(self.counters)
        state.time_changed.connect(self._on_time)
        state.run_changed.connect(self._on_run)
        state.convention_changed.connect(lambda _c: self._on_time(self.state.time))
        self._on_run(state.run)

    def _fit_text(self) -> None:
        """Sizes that follow the font (presentation mode scales it): two counter lines,
        the whole "jump to time, s" placeholder."""
        fm = self.fontMetrics()
        self.counters.setFixedHeight(2 * fm.lineSpacing() + 4)
        width = fm.horizontalAdvance(self.time_field.placeholderText()) + 16
        self.time_field.setMinimumWidth(width)
        self.time_field.setMaximumWidth(width + 30)

    def changeEvent(self, ev) -> None:
        super().changeEvent(ev)
        if ev.type() == QEvent.FontChange:
            self._fit_text()

    # -- speed -------------------------------------------------------------------------

    @property
    def sim_per_second(self) -> float:
        exp = SPEED_MIN_EXP + (SPEED_MAX_EXP - SPEED_MIN_EXP) * self.speed.value() / SPEED_STEPS
        return 10.0 ** exp

    def set_speed(self, sim_per_second: float) -> None:
        exp = math.log10(max(sim_per_second, 1e-300))
        pos = (exp - SPEED_MIN_EXP) / (SPEED_MAX_EXP - SPEED_MIN_EXP) * SPEED_STEPS
        self.speed.setValue(int(round(min(max(pos, 0), SPEED_STEPS))))
        self._show_speed()

    def _show_speed(self, *_):
        self.speed_label.setText(f"{seconds(self.sim_per_second)} / s")

    # -- transport ---------------------------------------------------------------------

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        if self.state.run is None:
            return
        if self.state.time >= self.state.makespan:
            self.state.set_time(0.0)
        self.playing = True
        self._last = time.perf_counter()
        self.timer.start()
        self.play_button.setText("Pause")

    def pause(self) -> None:
        self.playing = False
        self.timer.stop()
        self.play_button.setText("Play")

    def _tick(self) -> None:
        now = time.perf_counter()
        dt, self._last = now - self._last, now
        t0 = self.state.time
        t = t0 + dt * self.sim_per_second
        ahead = [i for i, s in enumerate(self.stops) if t0 < s <= t]
        if ahead:                               # a guided lesson's stop: exactly there
            self.state.set_time(self.stops[ahead[0]])
            self.pause()
            self.stopped.emit(ahead[0])
            return
        self.state.set_time(t)
        if t >= self.state.makespan:
            self.pause()
            self.finished.emit()

    def step(self) -> None:
        if self.state.index is not None:
            self.pause()
            self.state.set_time(self.state.index.next_event(self.state.time))

    def step_back(self) -> None:
        if self.state.index is not None:
            self.pause()
            self.state.set_time(self.state.index.prev_event(self.state.time))

    def home(self) -> None:
        self.state.set_time(0.0)

    def end(self) -> None:
        self.pause()
        self.state.set_time(self.state.makespan)

    def reset(self) -> None:
        """Unlike Home (which keeps playing): stop at t = 0 at the default speed, and
        have the views zoom back to the whole run."""
        self.pause()
        self.state.set_time(0.0)
        self.set_speed(default_speed(self.state.makespan))
        self.reset_done.emit()

    def _jump(self) -> None:
        value = parse_value(self.time_field.text().strip())
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.time_field.setStyleSheet("border: 2px solid #D62728")
            self.time_field.setToolTip(f"not a time in seconds: {self.time_field.text()!r}")
            return
        self.time_field.setStyleSheet("")
        self.state.set_time(float(value))

    def _scrubbed(self, pos: int) -> None:
        if not self.scrubber.signalsBlocked():
            self.state.set_time(pos / SCRUB_STEPS * self.state.makespan)

    # -- display -----------------------------------------------------------------------

    def _on_run(self, run) -> None:
        self.pause()
        for w in self.buttons + [self.scrubber, self.speed, self.time_field]:
            w.setEnabled(run is not None)
        if run is not None:
            self.set_speed(default_speed(self.state.makespan))
        self._on_time(self.state.time)

    def _on_time(self, t: float) -> None:
        span = self.state.makespan
        self.scrubber.blockSignals(True)
        self.scrubber.setValue(int(round(t / span * SCRUB_STEPS)) if span > 0 else 0)
        self.scrubber.blockSignals(False)
        self.time_label.setText(f"t = {seconds(t)} / {seconds(span)}")
        self.counters.setText(self.counter_text(t))

    def counter_text(self, t: float) -> str:
        ix = self.state.index
        if ix is None:
            return "no run"
        run = self.state.run
        unit, k, _ = work_unit(self.state.convention)
        p = ix.power_at(t)
        first = [f"done: {si(ix.flops_done(t) * k, unit)}",
                 f"busy PEs (computing or communicating): {ix.active_pes(t)} / {run.pes}",
                 "power: n/a" if p is None else f"power: {si(p, 'W')}"]
        second = [f"parallelism (PEs running a task): {ix.parallelism(t)}",
                  f"concurrency (tasks in progress): {ix.concurrency(t)}"]
        return "   |   ".join(first) + "\n" + "   |   ".join(second)
