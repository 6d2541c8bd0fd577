"""FluidModel.start_after: starts scheduled back to back share one event, and everything
happens in the same order, at the same times, as with one event per start."""

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from parasim.sim.engine.fluid import Flow, FluidModel


def test_back_to_back_starts_share_one_event_and_another_event_splits_them():
    env = simpy.Environment()
    fm = FluidModel(env, [10.0, 10.0])
    ended = []

    def done(key):
        ended.append((key, env.now))

    fm.start_after(1.0, Flow(20.0, (0,), 4.0, done, "a"))
    fm.start_after(1.0, Flow(20.0, (1,), 100.0, done, "b"))
    assert len(env._queue) == 1                  # one event for both
    env.timeout(1.0)                             # scheduled between: the next start
    fm.start_after(1.0, Flow(10.0, (1,), 100.0, done, "c"))    # gets an event of its own
    fm.start_after(2.0, Flow(5.0, (0,), 100.0, done, "d"))     # another time: its own too
    assert len(env._queue) == 4
    env.run()
    # a: 20 B at its cap 4 B/s from t = 1 -> 6 (d beside it gets the other 6 B/s: 5 B
    # from 2 -> 2 + 5/6); b and c share link 1 from 1 at 5 B/s each: c's 10 B end at 3,
    # then b's last 10 B at 10 B/s -> 4
    assert ended == [("d", 2.0 + 5.0 / 6.0), ("c", 3.0), ("b", 4.0), ("a", 6.0)]


FLOW = st.tuples(st.sampled_from([0.0, 1.0]),                   # latency
                 st.sampled_from([1.0, 2.0, 4.0]),               # bytes
                 st.lists(st.integers(0, 2), min_size=1, max_size=2, unique=True).map(tuple),
                 st.sampled_from([2.0, float("inf")]))           # cap
ACTION = st.one_of(st.tuples(st.just("flow"), FLOW),
                   st.tuples(st.just("mark"), st.sampled_from([0.0, 1.0, 1.5, 2.0])),
                   st.tuples(st.just("direct"), FLOW))
SCHEDULE = st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0]),
                              st.lists(ACTION, min_size=1, max_size=8)),
                    min_size=1, max_size=4)


def run(schedule, batched: bool) -> list:
    """Run `schedule` (time, actions): `flow` starts a flow after its latency (through
    start_after, or one event per start), `mark` logs after a delay, `direct` starts a
    flow at once from an event after its latency. Everything done, in order."""
    env = simpy.Environment()
    fm = FluidModel(env, [4.0, 4.0, 2.0])
    log: list = []

    def flow_after(key, latency, amount, res, cap):
        if batched:
            fm.start_after(latency, Flow(amount, res, cap, lambda k: log.append((k, env.now)),
                                         key))
        else:
            env.timeout(latency).callbacks.append(
                lambda _e: fm.start(amount, res, cap, lambda t: log.append((key, t))))

    def act(actions, k0):
        for i, (kind, arg) in enumerate(actions):
            key = (k0, i)
            if kind == "flow":
                flow_after(key, *arg)
            elif kind == "mark":
                env.timeout(arg).callbacks.append(lambda _e, key=key: log.append((key, env.now)))
            else:
                latency, amount, res, cap = arg
                env.timeout(latency).callbacks.append(
                    lambda _e, key=key, a=amount, r=res, c=cap:
                    fm.start(a, r, c, lambda t, key=key: log.append((key, t))))

    for k0, (t, actions) in enumerate(schedule):
        env.timeout(t).callbacks.append(lambda _e, a=actions, k0=k0: act(a, k0))
    env.run()
    return log


@settings(max_examples=150, deadline=None)
@given(SCHEDULE)
def test_shared_start_events_keep_every_order_and_time(schedule):
    assert run(schedule, batched=True) == run(schedule, batched=False)
