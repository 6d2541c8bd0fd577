"""Names for a run's rows and span kinds where the run's layout gives them a meaning.

    pe_names(run)    per PE, or None for plain "core i" labels: `run.extras["pe_names"]`
                     when the simulator provides it (heterogeneous runs, offload:
                     "cpu core 0", "a100 (gpu) SM 3", ..., sim/machine/groups.py)
    kind_names(run)  legend text per kind: on a run with copies, what a `copy` span is
"""

from __future__ import annotations


def pe_names(run) -> list[str] | None:
    if run is None:
        return None
    names = run.extras.get("pe_names")
    if names is not None and len(names) == run.pes:
        return [str(n) for n in names]
    return None


def kind_names(run) -> dict[str, str]:
    if run is not None and "copies" in run.extras:
        return {"copy": "copy (waiting for inputs from another memory)"}
    return {}
