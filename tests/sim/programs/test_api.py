"""Programs: hand-computed makespans, the library's collectives, errors naming lines."""

from __future__ import annotations

import math

import pytest

from parasim.sim import scenario
from parasim.sim.errors import SimulationTooLarge
from parasim.sim.io.trace_csv import to_csv_text
from parasim.sim.machine.machine import Machine, MachineSpec
from parasim.sim.programs.errors import ProgramError
from parasim.sim.simulate import simulate
from parasim.sim.trace import COLUMNS, KIND_CODE
from parasim.sim.workloads import collectives as C
from tests.sim.programs.helpers import program_scenario, run_program

PINGPONG = """
def main(comm, n=1_000_000, repeats=1):
    for _ in range(repeats):
        if comm.rank == 0:
            yield comm.send(1, n)
            yield comm.recv(1)
        else:
            status = yield comm.recv(0)
            yield comm.send(0, status.nbytes)
"""


@pytest.mark.parametrize("n", [0.0, 8.0, 1e6])
def test_pingpong_is_two_hockney_messages(tmp_path, n):
    run = run_program(tmp_path, PINGPONG, args={"n": n, "repeats": 3})
    alpha, beta = 1e-6, 10e9
    assert run.makespan == pytest.approx(3 * 2 * (alpha + n / beta), rel=1e-12)
    assert run.summary["messages"] == 6


def _bcast_scenario(algorithm, ranks, nbytes):
    return scenario.from_dict({
        "machine": {"nodes": ranks, "cores": 1, "network": {"topology": "fattree"}},
        "workload": {"kind": "bcast", "bytes": nbytes, "algorithm": algorithm}})


@pytest.mark.parametrize("algorithm", ["binomial", "linear"])
@pytest.mark.parametrize("ranks", [5, 8, 13])
def test_bcast_program_equals_the_library(tmp_path, algorithm, ranks):
    lib = simulate(_bcast_scenario(algorithm, ranks, 1e6), baseline=False)
    src = f"""
    def main(comm):
        yield from comm.bcast(1e6, root=0, algorithm={algorithm!r})
    """
    prog = run_program(tmp_path, src, nodes=ranks, network={"topology": "fattree"})
    assert prog.makespan == pytest.approx(lib.makespan, rel=1e-9)


def test_hand_written_binomial_bcast_equals_the_library(tmp_path):
    src = """
    def main(comm, n):
        v, P = comm.rank, comm.size
        if v:
            yield comm.recv(v - (1 << (v.bit_length() - 1)))
        k = v.bit_length()
        while v + (1 << k) < P:
            yield comm.send(v + (1 << k), n)
            k += 1
    """
    lib = simulate(_bcast_scenario("binomial", 11, 4e5), baseline=False)
    prog = run_program(tmp_path, src, nodes=11, args={"n": 4e5},
                       network={"topology": "fattree"})
    assert prog.makespan == pytest.approx(lib.makespan, rel=1e-9)


@pytest.mark.parametrize("algorithm", ["ring", "tree", "recursive-doubling"])
def test_allreduce_program_equals_the_library(tmp_path, algorithm):
    lib = simulate(scenario.from_dict({
        "machine": {"nodes": 6, "cores": 1},
        "workload": {"kind": "allreduce", "bytes": 6e5, "algorithm": algorithm}}),
        baseline=False)
    src = f"""
    def main(comm):
        yield from comm.allreduce(6e5, algorithm={algorithm!r})
    """
    prog = run_program(tmp_path, src, nodes=6)
    assert prog.makespan == pytest.approx(lib.makespan, rel=1e-9)
    assert prog.summary["flops"] == pytest.approx(lib.summary["flops"], rel=1e-12)


MASTER_WORKER = """
from parasim.sim.programs.api import ANY_SOURCE

def main(comm, tasks, flops):
    if comm.rank == 0:
        sent = 0
        for w in range(1, comm.size):        # one task to each worker to start
            yield comm.send(w, 0, tag=1)
            sent += 1
        for _ in range(tasks):
            status = yield comm.recv(ANY_SOURCE)   # whoever finishes first ...
            if sent < tasks:
                yield comm.send(status.source, 0, tag=1)   # ... gets the next task
                sent += 1
            else:
                yield comm.send(status.source, 0, tag=2)   # ... or is told to stop
        return
    while True:
        status = yield comm.recv(0)
        if status.tag == 2:
            return
        yield comm.compute(flops)
        yield comm.send(0, 0)
"""


@pytest.mark.parametrize("tasks", [7, 20])
def test_master_worker_equals_the_dynamic_bag(tmp_path, tasks):
    """Free messages (one node, zero-byte messages, no memory latency): P - 1 workers
    take equal tasks as they finish, like the engine's dynamic bag on P - 1 cores."""
    bag = simulate(scenario.from_dict({
        "machine": {"nodes": 1, "cores": 4, "memory": {"latency_ns": 0.0}},
        "workload": {"kind": "bag", "tasks": tasks, "flops_per_task": 1e9}}), baseline=False)
    prog = run_program(tmp_path, MASTER_WORKER, nodes=1, cores=5, ranks=5,
                       args={"tasks": tasks, "flops": 1e9}, memory={"latency_ns": 0.0})
    assert prog.makespan == pytest.approx(bag.makespan, rel=1e-12)
    t = Machine(MachineSpec()).compute_time(1e9, "fp64", 1.0)
    assert prog.makespan == pytest.approx(math.ceil(tasks / 4) * t, rel=1e-12)


def test_waitany_returns_the_first_finished(tmp_path):
    src = """
    def main(comm):
        if comm.rank == 0:
            reqs = [comm.irecv(1, tag=0), comm.irecv(2, tag=0)]
            i, status = yield comm.waitany(reqs)
            yield comm.compute(1e9 * (i + 1))
            yield reqs[1 - i]
        else:
            yield comm.compute(2e9 if comm.rank == 1 else 1e9)
            yield comm.send(0, 0)
    """
    run = run_program(tmp_path, src, nodes=1, cores=3, ranks=3, memory={"latency_ns": 0.0})
    t = Machine(MachineSpec(cores=3)).compute_time(1e9, "fp64", 1.0)
    # rank 2 finishes first (index 1): rank 0 then computes 2 units from t
    assert run.makespan == pytest.approx(3 * t, rel=1e-12)


def test_isend_overlaps_compute(tmp_path):
    src = """
    def main(comm):
        other = 1 - comm.rank
        reqs = [comm.isend(other, 1e6), comm.irecv(other)]
        yield comm.compute(1e9)
        yield comm.waitall(reqs)
    """
    run = run_program(tmp_path, src)
    t = Machine(MachineSpec(nodes=2, cores=1)).compute_time(1e9, "fp64", 1.0)
    message = 1e-6 + 1e6 / 10e9
    assert run.makespan == pytest.approx(max(t, message), rel=1e-12)


def test_deadlock_names_rank_request_and_line(tmp_path):
    src = """
    def main(comm):
        yield comm.recv(1 - comm.rank, tag=0)
        yield comm.send(1 - comm.rank, 8)
    """
    with pytest.raises(ProgramError) as err:
        run_program(tmp_path, src)
    msg = str(err.value)
    assert msg.startswith("deadlock")
    assert "rank 0 waits in recv(source=1, tag=0) at prog.py:3" in msg
    assert "rank 1 waits in recv(source=0, tag=0) at prog.py:3" in msg


def test_deadlock_says_the_sender_finished(tmp_path):
    src = """
    def main(comm):
        if comm.rank == 1:
            yield comm.recv(0, tag=4)
    """
    with pytest.raises(ProgramError, match=r"rank 1 waits in recv\(source=0, tag=4\) at "
                                           r"prog.py:4 \(rank 0 finished without sending it\)"):
        run_program(tmp_path, src)


def test_unmatched_sends_are_listed(tmp_path):
    src = """
    def main(comm):
        if comm.rank == 0:
            yield comm.send(1, 16, tag=3)
    """
    with pytest.raises(ProgramError, match=r"1 message\(s\) were never received: rank 0's "
                                           r"send\(dest=1, tag=3, 16 B\) at prog.py:4"):
        run_program(tmp_path, src)


def test_python_error_names_the_users_line(tmp_path):
    src = """
    def helper(x):
        return 1 / x

    def main(comm):
        yield comm.compute(helper(comm.rank))
    """
    with pytest.raises(ProgramError) as err:
        run_program(tmp_path, src)
    assert str(err.value) == ("prog.py:3 (rank 0): ZeroDivisionError: division by zero "
                              "(called from prog.py:6 in main)")


@pytest.mark.parametrize("source, message", [
    ("def main(comm):\n    return 1\n", "prog.py:1: main(comm) must be a generator"),
    ("def main(comm):\n    yield comm.send(5, 8)\n",
     "prog.py:2 (rank 0): dest must be a rank in 0..1, got 5"),
    ("def main(comm)\n    yield\n", "prog.py:1: SyntaxError"),
    ("x = 1\n", "prog.py: defines no main(comm) function"),
    ("def main(comm):\n    yield 3\n", "prog.py:2 (rank 0): yielded 3"),
])
def test_bad_programs_are_refused_with_their_line(tmp_path, source, message):
    with pytest.raises(ProgramError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_program(tmp_path, source)


def test_size_guard_stops_a_runaway_program(tmp_path, monkeypatch):
    from parasim.sim.programs import executor
    monkeypatch.setattr(executor, "MAX_OPERATIONS", 1000)
    src = """
    def main(comm):
        while True:
            yield comm.compute(1.0)
    """
    with pytest.raises(SimulationTooLarge, match=r"passed 1,000 operations \(rank 0 at "
                                                 r"prog.py:4\)"):
        run_program(tmp_path, src)


def test_same_program_and_seed_give_the_same_csv(tmp_path):
    src = """
    def main(comm):
        for _ in range(5):
            yield comm.compute(1e6 * comm.random.random(), bytes=1e5)
            yield from comm.allreduce(1e4)
    """
    a = run_program(tmp_path, src, nodes=3, cores=2, seed=7)
    b = run_program(tmp_path, src, nodes=3, cores=2, seed=7)
    c = run_program(tmp_path, src, nodes=3, cores=2, seed=8)
    assert to_csv_text(a.trace) == to_csv_text(b.trace)
    assert to_csv_text(a.trace) != to_csv_text(c.trace)


def test_spans_carry_the_source_line(tmp_path):
    src = """
    def main(comm):
        yield comm.compute(1e6)
        yield comm.compute(1e6, name="second")
    """
    run = run_program(tmp_path, src, nodes=1)
    compute = run.trace.kind == KIND_CODE["compute"]
    names = {run.task_names[t] for t in run.trace.task[compute]}
    assert names == {"prog.py:3", "prog.py:4 second"}


def test_program_file_is_checked_when_the_scenario_loads(tmp_path):
    with pytest.raises(scenario.ScenarioError, match="workload.file 'nope.py' does not exist"):
        scenario.from_dict({"workload": {"kind": "program", "file": "nope.py"}})


def test_too_many_ranks_are_refused(tmp_path):
    with pytest.raises(scenario.ScenarioError, match=r"workload.ranks \(9\)"):
        simulate(program_scenario(tmp_path, PINGPONG, nodes=2, ranks=9))


MIXED = """
def main(comm, steps):
    other = (comm.rank + 1) % comm.size
    for k in range(steps):
        for _ in range(3):
            yield comm.compute(1e6 * (1 + comm.rank), bytes=(k % 2) * 1e5)
        req = comm.isend(other, 1e4 * (k + 1))
        yield comm.compute(5e5)
        status = yield comm.recv()
        yield req
        assert comm.now > 0
    yield from comm.barrier()
"""


@pytest.mark.parametrize("network", [None, {"overhead_us": 0.5, "rendezvous_bytes": 2e4}])
def test_chaining_computes_changes_nothing(tmp_path, monkeypatch, network):
    """A thread running ahead through its computes gives the very same trace as one
    event per compute (executor.CHAIN = 1 turns chaining off)."""
    from parasim.sim.programs import executor
    kw = dict(nodes=3, cores=2, ranks=3, args={"steps": 4}, network=network)
    fast = run_program(tmp_path, MIXED, **kw)
    monkeypatch.setattr(executor, "CHAIN", 1)
    slow = run_program(tmp_path, MIXED, **kw)
    def rows(run):       # message ids follow the order sends are issued at equal times
        msg = COLUMNS.index("msg")
        return sorted(",".join(r[:msg] + r[msg + 1:]) for r in
                      (line.split(",") for line in to_csv_text(run.trace).splitlines()))
    assert fast.makespan == slow.makespan
    assert rows(fast) == rows(slow)


def test_every_message_has_one_send_span_with_its_bytes(tmp_path):
    run = run_program(tmp_path, MIXED, nodes=3, ranks=3, args={"steps": 4})
    t = run.trace
    send = (t.kind == KIND_CODE["send"]) & (t.bytes > 0)
    recv = (t.kind == KIND_CODE["recv"]) & (t.msg >= 0)
    ids = t.msg[send].tolist()
    assert len(ids) == len(set(ids)) == 3 * 4            # 4 steps of 3 ranks (the barrier's
    assert t.bytes[send].sum() == pytest.approx(run.summary["bytes_sent"])   # carry 0 B)
    assert sorted(t.msg[recv].tolist()) == list(range(run.summary["messages"]))


def test_a_loop_that_never_waits_is_stopped(tmp_path, monkeypatch):
    from parasim.sim.programs import executor
    monkeypatch.setattr(executor, "MAX_OPERATIONS", 10_000)
    with pytest.raises(SimulationTooLarge, match=r"passed 10,000 operations \(rank 0 at "
                                                 r"prog.py:4\)"):
        run_program(tmp_path, "def main(comm):\n    while True:\n"
                              "        pass\n        yield []\n")


@pytest.mark.parametrize("source, message", [
    ("def main(comm):\n    yield comm.bcast(8)\n",
     r"prog.py:2 \(rank 0\): yielded the generator bcast\(...\); .*`yield from` them"),
    ("def main(comm):\n    yield comm.waitany([])\n", "waitany needs at least one request"),
])
def test_misused_operations_are_explained(tmp_path, source, message):
    with pytest.raises(ProgramError, match=message):
        run_program(tmp_path, source)


def test_a_rank_with_a_spawned_thread_does_not_run_ahead(tmp_path):
    """Threads share Python state: after a spawn the parent's computes take events."""
    src = """
    def main(comm):
        state = {"child": False}
        def child(c):
            yield c.compute(1e8)
            state["child"] = True
        comm.spawn(child)
        yield comm.compute(2e8)
        assert state["child"], "the child should have finished first"
    """
    run_program(tmp_path, src, nodes=1, cores=2)


def test_busiest_link_is_the_senders_uplink(tmp_path):
    run = run_program(tmp_path, PINGPONG, args={"n": 1e6, "repeats": 2})
    # 2 messages of 1 MB each way, each link alone carries 2 MB in 4 (alpha + n / beta)
    assert run.summary["busiest_link_utilisation"] == pytest.approx(
        2e6 / (10e9 * run.makespan), rel=1e-9)
    assert run.summary["busiest_link"] in ("node 0 -> switch", "node 1 -> switch",
                                           "switch -> node 0", "switch -> node 1")


FATTREE = {"topology": "fattree", "latency_us": 1.0, "bandwidth_gbs": 10.0}
LIBRARY = {"bcast": ("bcast", C.BCAST, 3e5), "allreduce": ("allreduce", C.ALLREDUCE, 6e5),
           "reduce_scatter": ("reduce-scatter", C.REDUCE_SCATTER, 6e5),
           "allgather": ("allgather", C.ALLGATHER, 5e4), "alltoall": ("alltoall", C.ALLTOALL, 5e4)}
CASES = [(call, a) for call, (_, algs, _) in LIBRARY.items() for a in algs] + [
    ("scatter", None), ("gather", None), ("barrier", None)]


def _library_and_program(tmp_path, call, algorithm, ranks, nbytes):
    kind = LIBRARY[call][0] if call in LIBRARY else call
    work: dict = {"kind": kind}
    if call != "barrier":
        work["bytes"] = nbytes
    if algorithm:
        work["algorithm"] = algorithm
    lib = simulate(scenario.from_dict({"machine": {"nodes": ranks, "cores": 1, "network": FATTREE},
                                       "workload": work}), baseline=False)
    args = "" if call == "barrier" else f"{nbytes!r}" + (
        f", algorithm={algorithm!r}" if algorithm else "")
    prog = run_program(tmp_path, f"def main(comm):\n    yield from comm.{call}({args})\n",
                       nodes=ranks, network=FATTREE)
    return lib, prog


@pytest.mark.parametrize("ranks", [2, 3, 5, 8])
@pytest.mark.parametrize("call, algorithm", CASES)
def test_every_collective_algorithm_equals_the_library(tmp_path, call, algorithm, ranks):
    if C.check_algorithm(LIBRARY.get(call, (call,))[0], algorithm or "", ranks):
        with pytest.raises(ProgramError, match="needs a power-of-two rank count"):
            run_program(tmp_path, f"def main(comm):\n    yield from comm.{call}(1e3, "
                        f"algorithm={algorithm!r})\n", nodes=ranks, network=FATTREE)
        return
    nbytes = LIBRARY[call][2] if call in LIBRARY else 5e4
    lib, prog = _library_and_program(tmp_path, call, algorithm, ranks, nbytes)
    assert prog.makespan == pytest.approx(lib.makespan, rel=1e-9)
    assert prog.summary["flops"] == pytest.approx(lib.summary["flops"], rel=1e-12)


@pytest.mark.parametrize("call, sizes", [
    ("bcast", (1e3, 1e5, 1e6)), ("allreduce", (1e3, 1e6)), ("reduce_scatter", (1e5, 1e6)),
    ("allgather", (100, 2e4, 1e5)), ("alltoall", (100, 1e4))])
@pytest.mark.parametrize("ranks", [3, 8])
def test_auto_picks_as_the_library_does(tmp_path, call, sizes, ranks):
    picks = set()
    for nbytes in sizes:
        picks.add(C.auto(LIBRARY[call][0], nbytes, ranks))
        lib, prog = _library_and_program(tmp_path, call, "auto", ranks, nbytes)
        assert prog.makespan == pytest.approx(lib.makespan, rel=1e-9)
    # the sizes reach more than one choice (bcast and alltoall have one below 8 ranks)
    assert len(picks) > 1 or (ranks < 8 and call in ("bcast", "alltoall"))


def test_each_operation_is_named_by_its_own_line_every_time(tmp_path):
    """The API caches a thread's line by its frame's instruction offset: two yields on
    one line, and lines taken in turn, each keep their own line in every iteration."""
    src = """
    def main(comm, n):
        other = 1 - comm.rank
        for k in range(n):
            if k % 2:
                yield comm.send(other, 10.0, tag=k); yield comm.recv(other, tag=k)
            else:
                yield comm.compute(1e3)
                req = comm.irecv(other, tag=k)
                yield comm.send(other, 20.0, tag=k)
                yield req
    """
    run = run_program(tmp_path, src, args={"n": 6})
    t = run.trace
    line = {(int(k), float(b)): run.task_names[i]
            for k, b, i in zip(t.kind, t.bytes, t.task) if b > 0 or k == KIND_CODE["compute"]}
    send, recv, comp = KIND_CODE["send"], KIND_CODE["recv"], KIND_CODE["compute"]
    assert line == {(send, 10.0): "prog.py:6", (recv, 10.0): "prog.py:6",
                    (comp, 0.0): "prog.py:8", (send, 20.0): "prog.py:10",
                    (recv, 20.0): "prog.py:9"}      # (a receive: its irecv's line)
    counts: dict[tuple[str, int], int] = {}
    for k, i in zip(t.kind, t.task):
        counts[run.task_names[i], int(k)] = counts.get((run.task_names[i], int(k)), 0) + 1
    assert counts[("prog.py:6", send)] == counts[("prog.py:6", recv)] == 3 * 2
    assert counts[("prog.py:10", send)] == counts[("prog.py:9", recv)] == 3 * 2
