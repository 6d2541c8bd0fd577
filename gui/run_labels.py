"""Names for a run's rows and span kinds, as the run declares them (Run.extras).

    pe_names(run)    per PE, or None for plain "core i" labels: `run.extras["pe_names"]`
                     (an offload run: "host core", then "GPU SM 0", "GPU SM 1", ...)
    kind_names(run)  legend text per kind where the run gives a kind another meaning:
                     `run.extras["kind_names"]` (an offload run's send / recv are its
                     copies over the host-device link)
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
