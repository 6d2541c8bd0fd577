import pytest

from tests.helpers import machine


def test_rates_by_hand():
    m = machine(freq_ghz=2.0, fma_units=2, simd_bits=256)
    assert m.lanes("fp64") == 4 and m.lanes("fp32") == 8 and m.lanes("fp16") == 16
    assert m.scalar_rate() == 2e9 * 2 * 2                 # 8 GFLOP/s
    assert m.vector_rate("fp64") == 2e9 * 2 * 2 * 4       # 32 GFLOP/s
    assert m.vector_rate("fp32") == 2 * m.vector_rate("fp64")


def test_compute_time_mixes_scalar_and_vector_parts():
    m = machine(freq_ghz=1.0, fma_units=1, simd_bits=256)   # scalar 2e9, vector 8e9
    # 1e9 flops, 75 % vectorised: 0.25e9/2e9 + 0.75e9/8e9 = 0.125 + 0.09375 s
    assert m.compute_time(1e9, "fp64", 0.75) == pytest.approx(0.21875, rel=1e-12)
    # half the lanes useful: the vector part takes twice as long
    assert m.compute_time(1e9, "fp64", 1.0, 0.5) == pytest.approx(0.25, rel=1e-12)


def test_machine_peak_counts_every_core():
    m = machine(nodes=2, cores=4, freq_ghz=2.5, fma_units=2, simd_bits=512)
    assert m.pes == 8
    assert m.peak("fp64") == 8 * 2.5e9 * 2 * 2 * 8


def test_memory_latency_is_added_after_the_last_byte_as_the_help_says(monkeypatch):
    import dataclasses

    from parasim.sim.engine import fluid
    from parasim.sim.engine.engine import Engine
    from parasim.sim.machine.machine import MemorySpec
    from parasim.sim.taskgraph import GraphBuilder
    help_text = dataclasses.fields(MemorySpec)[2].metadata["help"]
    assert "after its last byte" in help_text
    ends = []
    start = fluid.FluidModel.start

    def spy(self, amount, resources, cap, done):
        start(self, amount, resources, cap, lambda t1: (ends.append(t1), done(t1)))
    monkeypatch.setattr(fluid.FluidModel, "start", spy)
    # 2e6 B at the core's 20 GB/s: the bytes arrive at 100 us, the task ends 1 ms later
    m = machine(lat_ns=1e6)
    g = GraphBuilder()
    g.add(0.0, 2e6)
    makespan, _ = Engine(m, g.build()).run()
    assert ends == [pytest.approx(100e-6)]
    assert makespan == pytest.approx(100e-6 + 1e-3)
