"""Running a program written inline in a test."""

from __future__ import annotations

import textwrap

from parasim.sim import scenario
from parasim.sim.simulate import simulate


def program_scenario(tmp_path, source: str, nodes: int = 2, cores: int = 1, ranks: int = 0,
                     args: dict | None = None, network: dict | None = None,
                     memory: dict | None = None, name: str = "prog.py", seed: int = 1):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    data = {"name": "t", "seed": seed,
            "machine": {"nodes": nodes, "cores": cores,
                        "network": network or {"latency_us": 1.0, "bandwidth_gbs": 10.0}},
            "workload": {"kind": "program", "file": str(path), "ranks": ranks,
                         "args": args or {}}}
    if memory:
        data["machine"]["memory"] = memory
    return scenario.from_dict(data)


def run_program(tmp_path, source: str, **kw):
    return simulate(program_scenario(tmp_path, source, **kw))


ONE_MESSAGE = """
def main(comm, n):
    if comm.rank == 0:
        yield comm.send(1, n)
    else:
        yield comm.recv(0)
"""        # rank 0 sends n bytes to rank 1
