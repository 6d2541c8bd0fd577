"""CalendarEnvironment (NORMAL events kept per time) processes events in SimPy's exact
order (time, priority, id): through step/run, through engine.drive, with processes,
run(until) and events scheduled by callbacks at the current time."""

from types import SimpleNamespace

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st
from simpy.events import NORMAL, URGENT

from parasim.sim.engine.calendar_queue import CalendarEnvironment
from parasim.sim.engine.engine import drive
from parasim.sim.engine.events import Later, at

DELAYS = st.sampled_from([0.0, 0.0, 0.5, 1.0, 1.0, 2.5])   # many ties on purpose
SPECS = st.lists(st.tuples(DELAYS, st.sampled_from([NORMAL, NORMAL, URGENT])),
                 max_size=25)


def play(env, first, spawned, light=False):
    """Schedule `first` (delay, priority) events; each fired event schedules the next of
    `spawned`, with light events (events.at) for NORMAL ones when `light`. Returns the
    log of (now, label) in firing order, filled as the environment runs."""
    log, spawn, label = [], iter(spawned), iter(range(10 ** 6))

    def put(delay, prio):
        name = next(label)
        if light and prio == NORMAL:
            at(env, delay, Later([fire], name))
            return
        ev = simpy.Event(env)
        ev._ok, ev._value = True, name
        ev.callbacks.append(fire)
        env.schedule(ev, prio, delay)

    def fire(ev):
        log.append((env.now, ev.value))
        nxt = next(spawn, None)
        if nxt is not None:
            put(*nxt)

    for spec in first:
        put(*spec)
    return log


@settings(max_examples=60, deadline=None)
@given(SPECS, SPECS)
def test_step_order_is_simpys(first, spawned):
    ref_env, cal_env = simpy.Environment(), CalendarEnvironment()
    ref, cal = play(ref_env, first, spawned), play(cal_env, first, spawned)
    ref_env.run()
    peeks = []
    while cal_env.peek() != simpy.core.Infinity:
        peeks.append(cal_env.peek())
        cal_env.step()
    assert cal == ref
    assert peeks == [t for t, _ in ref]


@settings(max_examples=60, deadline=None)
@given(SPECS, SPECS)
def test_drive_order_is_simpys(first, spawned):
    ref_env, env = simpy.Environment(), CalendarEnvironment()
    ref = play(ref_env, first, spawned)
    ref_env.run()
    log = play(env, first, spawned, light=True)
    ex = SimpleNamespace(env=env, g=SimpleNamespace(n=0), done_count=0, cancel=None,
                         rec=None, progress=None)
    assert drive(ex, "") is None
    assert log == ref
    assert not env.times and not env.buckets and not env._queue and env.head == 0


def test_drive_checks_progress_every_check_interval():
    env = CalendarEnvironment()
    for i in range(20000):                      # one time: a single list of 20000
        at(env, 1.0, Later([lambda ev: None], i))
    seen = []
    ex = SimpleNamespace(env=env, g=SimpleNamespace(n=0), done_count=0, cancel=None,
                         rec=None, progress=seen.append)
    drive(ex, "")
    assert len(seen) == 20000 // 8192 and env.now == 1.0


def test_processes_and_run_until_match_simpy():
    def model(env, log):
        def worker(k):
            for step in range(4):
                yield env.timeout(0.5 * (k % 2))
                log.append((env.now, k, step))
        for k in range(5):
            env.process(worker(k))
        return log

    ref_env, cal_env = simpy.Environment(), CalendarEnvironment()
    ref, cal = model(ref_env, []), model(cal_env, [])
    ref_env.run(until=1.0)
    cal_env.run(until=1.0)
    assert cal == ref and cal_env.now == ref_env.now == 1.0
    ref_env.run()
    cal_env.run()
    assert cal == ref and len(ref) == 20


def test_every_scheduled_event_takes_the_next_id_as_in_simpy():
    ref_env, env = simpy.Environment(), CalendarEnvironment()
    for e in (ref_env, env):
        at(e, 1.0, Later([], 0))
        e.timeout(0.0)
        e.process(x for x in ())             # its start: URGENT
        at(e, 1.0, Later([], 1))
    assert next(env._eid) == next(ref_env._eid) == 4
