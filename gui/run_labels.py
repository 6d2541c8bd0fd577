"""Names for a run's rows and span kinds, as the run declares them (Run.extras).

    pe_names(run)    per PE, or None for plain "core i" labels: `run.extras["pe_names"]`
                     (heterogeneous runs and offload: "cpu core 0", "a100 (gpu) SM 3",
                     ..., sim/machine/groups.py)
    link_names(run)  labels of the rows below the nodes: links (copies between memories,
                     extras["copies"]), then NICs (LogGOPS, extras["nic"])
    kind_names(run)  legend text per kind where the run gives a kind more meaning:
                     `run.extras["kind_names"]` (a run with copies says what `copy` is)
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
    return dict(run.extras.get("kind_names") or {}) if run is not None else {}


def link_names(run) -> tuple[str, ...]:
    if run is None:
        return ()
    copies, nic = run.extras.get("copies"), run.extras.get("nic")
    return (tuple(f"link {n}" for n in copies["link_names"]) if copies else ()) + \
        (tuple(nic["row_names"]) if nic else ())
