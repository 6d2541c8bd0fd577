"""Pipelines that differ from the default one in simulate.py, registered there by
workload kind: offload (host, link and device), hpl (Top500 figures, fp64 reference run)."""
