"""Guided lessons in a scenario file: steps the player stops at, questions with checked
answers and hints (in the manner of eduWRENCH's practice questions).

    [[lesson.step]]           the player stops here in guided mode
    t_s = 0.005               at this simulated time (s) ...
    at = 0.5                  ... or at this fraction of the makespan (one of the two)
    caption = "..."           what to look at

    [[lesson.question]]
    text = "..."
    answer = 4.0              a number, checked within `tolerance` (relative, 5 %) ...
    summary_key = "speedup"   ... or the run's own summary figure (follows edits)
    choices = ["a", "b"]      ... or a choice question: the choices and the
    correct = 0               index of the right one
    hints = ["...", "..."]    shown one at a time on request
    explain = "..."           shown once answered correctly

Validation (ScenarioError naming e.g. `lesson.question[1].correct`) happens when the
scenario loads; `check` decides an answer against a run's summary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ScenarioError
from .spec import param
from .units import si

NUMBER_RE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(x|%)?\s*$")


@dataclass
class Step:
    caption: str = param("", help="What to look at when the player stops here")
    t_s: float | None = param(None, ge=0, help="Stop at this simulated time", unit="s")
    at: float | None = param(None, ge=0, le=1, help="... or at this fraction of the makespan")

    def validate(self, path: str) -> None:
        if not self.caption.strip():
            raise ScenarioError(f"{path}.caption is required", f"{path}.caption")
        if (self.t_s is None) == (self.at is None):
            raise ScenarioError(f"{path} needs exactly one of t_s (seconds) or at (a "
                                "fraction of the makespan)", path)

    def time(self, makespan: float) -> float:
        """The simulated time the player stops at, within [0, makespan]."""
        t = self.t_s if self.t_s is not None else (self.at or 0.0) * makespan
        return min(max(t, 0.0), makespan)


@dataclass
class Question:
    text: str = param("", help="The question")
    answer: float | None = param(None, help="The number expected")
    summary_key: str = param("", help="... or the run's summary figure expected")
    tolerance: float = param(0.05, gt=0, le=1, help="Relative tolerance of a number answer")
    choices: list[str] = param(default_factory=list, help="The choices of a choice question")
    correct: int | None = param(None, ge=0, help="Index of the right choice")
    hints: list[str] = param(default_factory=list, help="Hints, shown one at a time")
    explain: str = param("", help="Shown once answered correctly")

    def validate(self, path: str) -> None:
        if not self.text.strip():
            raise ScenarioError(f"{path}.text is required", f"{path}.text")
        numbered = (self.answer is not None) + bool(self.summary_key)
        if self.choices:
            if len(self.choices) < 2:
                raise ScenarioError(f"{path}.choices needs at least two choices",
                                    f"{path}.choices")
            if self.correct is None or self.correct >= len(self.choices):
                raise ScenarioError(f"{path}.correct must be the index of one of the "
                                    f"{len(self.choices)} choices (0-{len(self.choices) - 1}),"
                                    f" got {self.correct}", f"{path}.correct")
            if numbered:
                raise ScenarioError(f"{path}: a choice question has no answer or "
                                    "summary_key", path)
        elif numbered != 1:
            raise ScenarioError(f"{path} needs exactly one of answer (a number), "
                                "summary_key (a summary figure) or choices", path)
        elif self.correct is not None:
            raise ScenarioError(f"{path}.correct is for choice questions", f"{path}.correct")

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def expected(self, summary: Mapping) -> float | None:
        """The number expected (None: the run has no such figure)."""
        if self.answer is not None:
            return self.answer
        value = summary.get(self.summary_key)
        return float(value) if isinstance(value, (int, float)) and math.isfinite(value) \
            else None


@dataclass
class Lesson:
    step: list[Step] = param(default_factory=list, help="Stops of the guided playback")
    question: list[Question] = param(default_factory=list, help="Questions after the steps")

    def __bool__(self) -> bool:
        return bool(self.step or self.question)


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str


def parse_number(text: str) -> float | None:
    """'4', '4.0x', '25 %' (-> 25), '1e-3' -> a number; anything else None."""
    m = NUMBER_RE.match(text)
    return float(m.group(1)) if m else None


def check(q: Question, given: str | int, summary: Mapping) -> Verdict:
    """Is `given` (text typed, or a choice's index) right for this run's summary?"""
    if q.is_choice:
        try:
            i = int(given)
        except (TypeError, ValueError):
            return Verdict(False, "pick one of the choices")
        if i == q.correct:
            return Verdict(True, f"right: {q.choices[i]}")
        return Verdict(False, "not that one: try again (a hint may help)")
    value = parse_number(str(given))
    if value is None:
        return Verdict(False, f"type a number, e.g. 4 or 0.25 (got {given!r})")
    want = q.expected(summary)
    if want is None:
        return Verdict(False, f"this run has no {q.summary_key}: it cannot be checked")
    ok = abs(value - want) <= q.tolerance * abs(want) or value == want
    if ok:
        return Verdict(True, f"right: {si(want, digits=3)}")
    return Verdict(False, "too high: try again" if value > want else "too low: try again")
