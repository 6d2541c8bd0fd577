"""User programs (Python, one generator per rank) and GOAL schedules, run on a machine
with LogGOPS message costs: executor.py (the engine), api.py (what a program sees),
loader.py (reading the file, its errors), goal.py (LogGOPSim's schedule format)."""
