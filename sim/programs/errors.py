"""The error a user program or schedule can raise: it names the user's file and line."""

from __future__ import annotations

from ..errors import ScenarioError


class ProgramError(ScenarioError):
    """The program or GOAL schedule is wrong; the message names its file:line (and rank)."""
