"""Trace -> numbers: every quantity the app, the CLI and the exports show is computed
here once (metrics, concurrency, roofline, power over time, task states, fits, layers)."""
