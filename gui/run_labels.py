"""Names for a run's rows and span kinds where the run's layout gives them a meaning.

    pe_names(run)    per PE, or None for plain "core i" labels: `run.extras["pe_names"]`
                     when the simulator provides it, else for an offload run (sim/offload_run.py
                     lays out PE 0 = the host core driving the device, PEs 1.. = its SMs)
                     "host core" then "GPU SM 0", "GPU SM 1", ...
    kind_names(run)  legend text per kind: an offload run's send / recv are its copies over
                     the host-device link
"""

from __future__ import annotations


def _offload(run) -> bool:
    sc = getattr(run, "scenario", None)
    return sc is not None and getattr(sc.workload, "kind", None) == "offload"


def pe_names(run) -> list[str] | None:
    if run is None:
        return None
    names = run.extras.get("pe_names")
    if names is not None and len(names) == run.pes:
        return [str(n) for n in names]
    if _offload(run):
        return ["host core"] + [f"GPU SM {i}" for i in range(run.pes - 1)]
    return None


def kind_names(run) -> dict[str, str]:
    if run is not None and _offload(run):
        return {"send": "copy in (host → GPU link)", "recv": "copy out (GPU → host link)"}
    return {}
