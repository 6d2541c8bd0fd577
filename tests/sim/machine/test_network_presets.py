"""The numbers quoted in the cluster presets' lessons, checked against the model."""

import pytest

from parasim.sim import scenario as sm
from parasim.sim.simulate import simulate

GBE = "machine.network.preset=gigabit-ethernet"
NB = "workload.blocking=false"
TOPO = "machine.network.topology="


@pytest.mark.parametrize("name, sets, key, quoted, rel", [
    ("cluster-stencil", [], "speedup", 15.1, 0.01),
    ("cluster-stencil", [], "comm_fraction", 0.04, 0.125),     # "about 4 %": rounds to 4
    ("cluster-stencil", [NB], "speedup", 16.0, 0.001),
    ("cluster-stencil", [GBE], "speedup", 3.0, 0.02),
    ("cluster-stencil", [GBE], "comm_fraction", 0.79, 0.01),
    ("cluster-stencil", [GBE, NB], "speedup", 14.7, 0.01),
    ("cluster-allreduce", [], "makespan_s", 9.8e-3, 0.01),
    ("cluster-allreduce", ["workload.algorithm=tree"], "makespan_s", 42e-3, 0.01),
    ("cluster-allreduce", ["workload.algorithm=recursive-doubling"], "makespan_s", 21e-3, 0.02),
    ("cluster-allreduce", ["workload.bytes=8"], "makespan_s", 30e-6, 0.01),
    ("cluster-allreduce-small", [], "makespan_s", 8e-6, 0.01),
    ("cluster-allreduce-small", ["workload.algorithm=recursive-doubling"], "makespan_s",
     4e-6, 0.01),
    ("cluster-pingpong", [], "makespan_s", 160.8e-3, 0.001),
    ("cluster-pingpong", ["workload.bytes=8"], "makespan_s", 20 * 40.06e-6, 0.001),
    ("cluster-fft", [], "speedup", 13.4, 0.01),
    ("cluster-fft", [], "makespan_s", 4.0e-3, 0.01),
    ("cluster-fft", ["machine.network.oversubscription=4"], "makespan_s", 5.4e-3, 0.01),
    ("cluster-fft", [TOPO + "torus2d"], "makespan_s", 4.5e-3, 0.01),
    ("cluster-fft", [TOPO + "ring"], "speedup", 8.9, 0.01),
    ("cluster-fft", [TOPO + "bus"], "makespan_s", 13.4e-3, 0.01),
])
def test_preset_lesson_numbers(name, sets, key, quoted, rel):
    run = simulate(sm.load(name, sets), baseline=key == "speedup")
    assert run.summary[key] == pytest.approx(quoted, rel=rel)
