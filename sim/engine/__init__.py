"""How time passes: the SimPy executors (engine, timeslice), the fluid bandwidth model,
the message transport, the placement policies and the trace recorder."""
