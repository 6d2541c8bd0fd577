"""User programs (Python, one generator per rank) and GOAL schedules, run on a machine
with LogGOPS message costs: executor.py (the engine: threads, CPU, driving) with
messages.py (LogGOPS messages and matching), waiting.py (requests) and reports.py (the
trace, deadlocks); ops.py (what threads yield); api.py (what a program sees) with
collective_ops.py and threads.py; loader.py (reading the file, its errors); goal.py
(LogGOPSim's schedule format)."""
