"""A run's messages and requests leave no reference cycle: what the executor drops goes
by reference counting, not to the cyclic garbage collector (whose walks of millions of
dead messages took about a tenth of a message ring's run)."""

from __future__ import annotations

import gc

import pytest

from parasim.sim.programs.ops import Message, Request
from parasim.sim.runners.program import start_program
from tests.sim.programs.helpers import program_scenario

TRAFFIC = """
def main(comm):
    right, left = (comm.rank + 1) % comm.size, (comm.rank - 1) % comm.size
    for k in range(3):
        yield comm.send(right, 1000 * (k + 1))
        yield comm.recv(left)
    reqs = [comm.isend(right, 5000), comm.irecv(left), comm.irecv(), comm.isend(left, 10)]
    yield comm.waitall(reqs)
    reqs = [comm.irecv(left), comm.isend(right, 64)]
    i, _ = yield comm.waitany(reqs)
    yield reqs[1 - i]
    yield from comm.allreduce(800)
"""


@pytest.mark.parametrize("network", [
    {},                                                        # Hockney
    {"overhead_us": 1.0, "gap_us": 2.0, "overhead_per_byte_ns": 0.5},   # LogGOPS, no S
    {"overhead_us": 1.0, "rendezvous_bytes": 4000},  # eager and rendezvous
])
def test_no_message_or_request_is_left_to_the_cyclic_collector(tmp_path, network):
    sc = program_scenario(tmp_path, TRAFFIC, nodes=2, cores=2, ranks=4,
                          network={"latency_us": 1.0, "bandwidth_gbs": 10.0, **network})
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        _, ex, _ = start_program(sc)
        ex.run()
        assert ex.messages > 20
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, (Message, Request))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
