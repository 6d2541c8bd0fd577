"""What the computer is: one module per [machine.*] table of a scenario (machine,
accelerator, network, power), real systems (top500), and what a task costs on it (costs)."""

from .machine import Machine, MachineSpec, MemorySpec

__all__ = ["Machine", "MachineSpec", "MemorySpec"]
