"""The garbage collector is off while an executor runs and as before afterwards (gc_hold.py)."""

import gc
import threading

import numpy as np
import pytest

from parasim.sim import spec
from parasim.sim.engine import gc_hold
from parasim.sim.engine.engine import Engine
from parasim.sim.engine.hetero import HeteroEngine
from parasim.sim.errors import Cancelled
from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.taskgraph import independent
from tests.helpers import machine

N = 20_000                 # more than the 8192 events between two cancel checks


def homogeneous(**kw):
    return Engine(machine(cores=2), independent(np.full(N, 1e6), np.zeros(N)), **kw)


def heterogeneous(**kw):
    m = Machine(spec.from_dict(MachineSpec, {"cores": 1, "cpu": [{"name": "big", "count": 2}]},
                               "machine"))
    return HeteroEngine(m, independent(np.full(N, 1e6), np.zeros(N)), "dynamic", **kw)


@pytest.fixture(params=[True, False], ids=["gc-on", "gc-off"])
def gc_state(request):
    """Runs start with the collector on, or off (as in the app); restored after the test."""
    before = gc.isenabled()
    (gc.enable if request.param else gc.disable)()
    yield request.param
    (gc.enable if before else gc.disable)()


@pytest.mark.parametrize("make", [homogeneous, heterogeneous])
def test_collector_is_off_during_the_run_and_restored_after(make, gc_state):
    seen = []
    make(progress=lambda f: seen.append(gc.isenabled())).run()
    assert seen and not any(seen)
    assert gc.isenabled() == gc_state


@pytest.mark.parametrize("make", [homogeneous, heterogeneous])
def test_restored_after_cancel(make, gc_state):
    with pytest.raises(Cancelled):
        make(cancel=lambda: not gc.isenabled()).run()    # cancels only if held off
    assert gc.isenabled() == gc_state


@pytest.mark.parametrize("make", [homogeneous, heterogeneous])
def test_restored_after_an_exception(make, gc_state):
    def boom(_fraction):
        raise ValueError("progress failed")
    with pytest.raises(ValueError, match="progress failed"):
        make(progress=boom).run()
    assert gc.isenabled() == gc_state


def test_nested_and_concurrent_holds_restore_once_the_last_ends(gc_state):
    inside, release = threading.Event(), threading.Event()

    def other():
        with gc_hold.held():
            inside.set()
            release.wait(10)

    with gc_hold.held():
        t = threading.Thread(target=other)
        t.start()
        assert inside.wait(10)
    assert not gc.isenabled()             # the other thread still holds it
    release.set()
    t.join(10)
    assert gc.isenabled() == gc_state


def test_simulate_holds_it_from_the_graph_to_the_summary(monkeypatch, gc_state):
    from parasim.sim import scenario as sm
    from parasim.sim import simulate as simulate_module
    seen = []

    def spy(real):
        def call(*args, **kwargs):
            seen.append(gc.isenabled())
            return real(*args, **kwargs)
        return call
    for name in ("build_graph", "summarize", "critical_path"):
        monkeypatch.setattr(simulate_module, name, spy(getattr(simulate_module, name)))
    simulate_module.simulate(sm.load("cluster-stencil", ["machine.nodes=4"]))
    assert len(seen) == 3 and not any(seen)
    assert gc.isenabled() == gc_state
