"""Many runs: sweeps over parameters, side-by-side comparisons, and the backends that
run them (serial, process pool, Dask)."""
