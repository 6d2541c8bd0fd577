"""Small builders shared by the tests."""

from parasim.sim import scenario as scenario_mod
from parasim.sim.machine.machine import Machine, MachineSpec, MemorySpec
from parasim.sim.workloads import module_for


def machine(nodes=1, cores=1, freq_ghz=2.0, fma_units=2, simd_bits=256, bw=100.0,
            core_bw=20.0, lat_ns=0.0) -> Machine:
    return Machine(MachineSpec(nodes=nodes, cores=cores, freq_ghz=freq_ghz,
                               fma_units=fma_units, simd_bits=simd_bits,
                               memory=MemorySpec(bw, core_bw, lat_ns)))


def scenario(kind="matmul", machine_kw=None, policy="dynamic", seed=1, **params):
    data = {"name": "t", "seed": seed, "machine": machine_kw or {},
            "workload": {"kind": kind, **params}, "schedule": {"policy": policy}}
    return scenario_mod.from_dict(data)


def params(kind, **kw):
    return module_for(kind).Params(**kw)
