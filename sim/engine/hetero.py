"""The heterogeneous engine: per-unit-group rates, memory domains, copies over links.

Used for machines with [[machine.cpu]] / [[machine.device]] tables, graphs with
heterogeneous columns (taskgraph.py) and the "heft" policy; plain runs keep the
homogeneous Engine (engine.py), whose fast path this module does not touch.

- A task runs on one PE of a group its `where` allows; its arithmetic takes the group's
  compute time (machine/costs.py: group_compute_times, matrix units for matrix tasks),
  its bytes are a flow through the PE's memory domain (host memory of its node, or its
  device's HBM; per-PE cap, the domain's latency after the last byte), as engine.py.
- Data: a task's output lives in the domain where it ran. Before a task starts, every
  input (dep_bytes of an edge) that lives in another domain of the same node is copied
  there: after the link latency, a flow over the link (host<->device: that device's
  link, one resource per direction; device<->device: the sender's peer port, as behind
  a switch like NVSwitch, or two copies staged through the host without a peer link). A copy made once serves every later reader in
  that domain. The PE holds its task while it waits: a `copy` span carrying the bytes
  copied for it. Inputs from another node are not copied (as for dependencies in the
  homogeneous engine; messages model inter-node data).
- Kernel thread blocks (`block`) become ready the group's launch latency after their
  dependencies, so B equal blocks on S SMs take ceil(B / S) block times + the launch.
- Policies (placement.py): dynamic (FIFO), critical-path (longest path first), block /
  cyclic (static, dealt over the PEs the task may use), heft (heft.py: the plan's PE,
  its start times as the per-PE order).
- Messages (transport.py, as in engine.py: a task's receive before its input copies,
  its sends after its arithmetic): a graph with messages is a set of programs (tasks
  placed by the policy, block for the dynamic ones, each PE in index order). Between
  nodes, a side whose PE is on a device with network = "staged" adds a copy over that
  device's host link (device -> host before the network, host -> device after); a
  "direct" device (GPUDirect-like) sends from and receives into its memory. A GPU-to-
  GPU message of n bytes alone across nodes takes
      staged:  (link latency + n / link bw) + alpha + n / beta + (link latency + n / link bw)
      direct:  alpha + n / beta
  A blocking send ends at network delivery (before the receiver's host -> device copy).
  Messages within a node go through its host memory, as in engine.py.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable

import numpy as np
from simpy.events import Timeout

from ..machine.costs import allowed_groups, group_compute_times, group_durations
from ..machine.machine import Machine
from ..taskgraph import PRECISIONS, TaskGraph
from ..trace import KIND_CODE, Trace
from .calendar_queue import CalendarEnvironment
from .engine import drive
from .fluid import FluidModel
from .hetero_transport import HeteroTransport
from .placement import plan, programs
from .recorder import TraceRecorder

COPY, WAIT = KIND_CODE["copy"], KIND_CODE["wait"]
H2D, D2H, PEER = range(3)          # link resources per device


class HeteroEngine:
    """One simulation on a heterogeneous machine; run() -> (makespan, trace or None)."""

    def __init__(self, machine: Machine, graph: TaskGraph, policy: str = "dynamic",
                 record: bool = True, progress: Callable[[float], None] | None = None,
                 cancel: Callable[[], bool] | None = None):
        self.m, self.policy = machine, policy
        self.progress, self.cancel = progress, cancel
        self.env = CalendarEnvironment()
        self.rec = TraceRecorder() if record else None
        groups = machine.groups
        self.G = G = len(groups)
        self.per = machine.cores
        unit_group = np.repeat(np.arange(G), [g.count for g in groups])
        self.pe_group = np.tile(unit_group, machine.nodes).tolist()
        self.pe_domain = [groups[k].domain for k in self.pe_group]
        self.ndev = sum(1 for g in groups if g.domain >= 0)
        self.allow = allowed_groups(machine, graph)
        ct = group_compute_times(machine, graph)
        self.ctime = ct.tolist()
        self.nbytes = graph.bytes.tolist()
        self.dur = group_durations(machine, graph, ct, self.allow)
        dep_bytes = (graph.dep_bytes.tolist() if graph.dep_bytes is not None
                     else [0.0] * len(graph.dep_idx))
        # task placement and queue keys
        owner, key = plan(machine, graph, policy, self.allow, self.dur, self.pe_group,
                          self.pe_domain, dep_bytes)
        if len(graph.msg_src):                         # programs, as transport.programs
            if policy not in ("block", "cyclic", "heft"):
                owner, key = plan(machine, graph, "block", self.allow, self.dur,
                                  self.pe_group, self.pe_domain, dep_bytes)
            graph = programs(graph, owner)
        if owner.size and owner.max() >= machine.pes:
            raise ValueError(f"a task is owned by PE {int(owner.max())} but the machine "
                             f"has {machine.pes} PEs")
        self.g = graph
        n = graph.n
        self.pending = np.diff(graph.dep_ptr).tolist()
        self.dep_ptr, self.dep_idx = graph.dep_ptr.tolist(), graph.dep_idx.tolist()
        self.dep_bytes = (graph.dep_bytes.tolist() if graph.dep_bytes is not None
                          else [0.0] * len(self.dep_idx))
        sp, si = graph.successors()
        self.succ_ptr, self.succ_idx = sp.tolist(), si.tolist()
        self.block = graph.block.tolist() if graph.block is not None else [False] * n
        launch = np.array([g.launch_s for g in groups])
        self.launch = np.where(self.allow, launch, np.inf).min(axis=1).tolist()
        # memory: one FluidModel per node, resource 0 the host, 1 + d device d's HBM
        caps = [machine.mem_bandwidth] + [g.mem_bandwidth for g in groups if g.domain >= 0]
        self.memory = [FluidModel(self.env, caps) for _ in range(machine.nodes)]
        dev = [g for g in groups if g.domain >= 0]
        self.dev = dev
        lcaps = []
        for g in dev:
            lcaps += [g.link_bw, g.link_bw, g.peer_bw or 1.0]
        self.links = [FluidModel(self.env, lcaps) if dev else None for _ in range(machine.nodes)]
        self.copies: list[tuple] = []      # (node, src, dst, start, end, bytes, task)
        self.owner, self.key = owner.tolist(), key.tolist()
        # queues: per PE (owned) and per distinct allowed-set (shared), heaps of (key, t)
        sets: dict[tuple, int] = {}
        self.qid = [sets.setdefault(tuple(row), len(sets)) for row in self.allow.tolist()]
        self.shared: list[list] = [[] for _ in sets]
        self.serve = [[q for s, q in sets.items() if s[k]] for k in range(G)]
        pes = machine.pes
        self.pe_queue: list[list] = [[] for _ in range(pes)]
        own = owner[owner >= 0]
        self.owned_left = np.bincount(own, minlength=pes).tolist()
        self.idle = [[pe for pe in range(pes) if self.pe_group[pe] == k] for k in range(G)]
        self.in_idle = [True] * pes
        self.busy = [False] * pes
        self.kick: list[int] = []
        self.cur_task = [-1] * pes
        self.cur_start = [0.0] * pes
        self.wait_since = [0.0] * pes
        self.copy_wait = [0] * pes
        self.copy_bytes = [0.0] * pes
        self.ran_on = [-1] * n
        self.home = [0] * n                # domain key of each task's output
        self.present: set[int] = set()     # t * K + domain key: an input copied there
        self.inflight: dict[int, list[int]] = {}
        self.K = machine.nodes * (self.ndev + 1)
        self.seq = 0
        self.done_count = 0
        self.makespan = 0.0
        self.log = self.rec.task_log.extend if self.rec is not None else None
        self.net = HeteroTransport(self) if len(graph.msg_src) else None

    # -- scheduling --------------------------------------------------------------------

    def _ready(self, t: int) -> None:
        if self.block[t] and self.launch[t] > 0:
            Timeout(self.env, self.launch[t], t).callbacks.append(self._launched)
            return
        self._enqueue(t)

    def _launched(self, ev) -> None:
        self._enqueue(ev._value)
        self._dispatch()

    def _enqueue(self, t: int) -> None:
        if self.policy == "dynamic":
            self.key[t] = self.seq
            self.seq += 1
        o = self.owner[t]
        if o >= 0:
            heapq.heappush(self.pe_queue[o], (self.key[t], t))
            if not self.busy[o]:
                self.kick.append(o)
        else:
            heapq.heappush(self.shared[self.qid[t]], (self.key[t], t))

    def _dispatch(self) -> None:
        kick, self.kick = self.kick, []
        for pe in kick:
            if not self.busy[pe]:
                self._start_next(pe)
        for k in range(self.G):
            idle = self.idle[k]
            while idle and any(self.shared[q] for q in self.serve[k]):
                pe = heapq.heappop(idle)
                self.in_idle[pe] = False
                if not self.busy[pe]:
                    self._start_next(pe)

    def _start_next(self, pe: int, now: float | None = None) -> None:
        q = self.pe_queue[pe]
        t = -1
        if q:
            t = heapq.heappop(q)[1]
        else:
            best = None
            for qi in self.serve[self.pe_group[pe]]:
                s = self.shared[qi]
                if s and (best is None or s[0] < self.shared[best][0]):
                    best = qi
            if best is not None:
                t = heapq.heappop(self.shared[best])[1]
        if now is None:
            now = self.env.now
        if t < 0:
            if not self.in_idle[pe]:
                heapq.heappush(self.idle[self.pe_group[pe]], pe)
                self.in_idle[pe] = True
            return
        if self.owned_left[pe] and self.rec is not None and now > self.wait_since[pe]:
            self.rec.span(pe, WAIT, -1, self.wait_since[pe], now)
        self.busy[pe] = True
        self.cur_task[pe] = t
        self.cur_start[pe] = now
        if self.net is not None and self.net.receive(pe, t, now):
            return                                  # waits in recv; the transport begins t
        self._begin(pe, t)

    # -- data --------------------------------------------------------------------------

    def _dkey(self, pe: int) -> int:
        return (pe // self.per) * (self.ndev + 1) + self.pe_domain[pe] + 1

    def _begin(self, pe: int, t: int) -> None:
        """Copy t's inputs that live in another domain of pe's node; run t when all are in."""
        dst = self._dkey(pe)
        waits, nbytes = 0, 0.0
        for k in range(self.dep_ptr[t], self.dep_ptr[t + 1]):
            b = self.dep_bytes[k]
            if b <= 0:
                continue
            p = self.dep_idx[k]
            src = self.home[p]
            if src == dst or src // (self.ndev + 1) != dst // (self.ndev + 1):
                continue
            key = p * self.K + dst
            if key in self.present:
                continue
            nbytes += b
            waits += 1
            waiting = self.inflight.get(key)
            if waiting is None:
                self.inflight[key] = [pe]
                self._copy(p, src, dst, b, key)
            else:
                waiting.append(pe)
        if waits == 0:
            self._run(pe, t)
        else:
            self.copy_wait[pe] = waits
            self.copy_bytes[pe] = nbytes

    def _copy(self, p: int, src: int, dst: int, b: float, key: int) -> None:
        """Move task p's output (b bytes) from domain key src to dst (one node)."""
        node = dst // (self.ndev + 1)
        s, d = src % (self.ndev + 1) - 1, dst % (self.ndev + 1) - 1
        if s >= 0 and d >= 0 and not (self.dev[s].peer_bw > 0 and self.dev[d].peer_bw > 0):
            host = node * (self.ndev + 1)              # staged: device -> host -> device
            hkey = p * self.K + host
            if hkey in self.present:
                self._copy(p, host, dst, b, key)
                return
            self.inflight.setdefault(hkey, [])

            def staged():
                self._arrived(hkey)
                self._hop(p, node, -1, d, b, lambda: self._arrived(key))

            self._hop(p, node, s, -1, b, staged)
            return
        self._hop(p, node, s, d, b, lambda: self._arrived(key))

    def _hop(self, p: int, node: int, s: int, d: int, b: float, done) -> None:
        """One copy of task p's output over one link: latency, then a flow; `done()` at
        the last byte."""
        if s == -1:
            g, res = self.dev[d], (3 * d + H2D,)
            lat = g.link_latency
        elif d == -1:
            g, res = self.dev[s], (3 * s + D2H,)
            lat = g.link_latency
        else:
            g, res = self.dev[s], (3 * s + PEER,)
            lat = g.peer_latency
        t0 = self.env.now
        links = self.links[node]

        def flow(_ev):
            def end(t1):
                self.copies.append((node, s, d, t0, t1, b, p))
                done()
            links.start(b, res, math.inf, end)  # type: ignore[union-attr]

        Timeout(self.env, lat).callbacks.append(flow)

    def _arrived(self, key: int) -> None:
        """Data `key` is now in its domain: wake the PEs waiting for it."""
        self.present.add(key)
        now = self.env.now
        for pe in self.inflight.pop(key, []):
            self.copy_wait[pe] -= 1
            if self.copy_wait[pe] == 0:
                if self.rec is not None:
                    self.rec.span(pe, COPY, self.cur_task[pe], self.cur_start[pe], now,
                                  nbytes=self.copy_bytes[pe])
                self.cur_start[pe] = now
                self._run(pe, self.cur_task[pe])

    # -- running -----------------------------------------------------------------------

    def _run(self, pe: int, t: int) -> None:
        k = self.pe_group[pe]
        b = self.nbytes[t]
        if b > 0:
            g = self.m.groups[k]
            self.memory[pe // self.per].start(
                b, (g.domain + 1,), g.unit_bandwidth,
                lambda t1, pe=pe: self._memory_done(pe, t1))  # type: ignore[misc]
        else:
            Timeout(self.env, self.ctime[k][t], pe).callbacks.append(self._finish)

    def _memory_done(self, pe: int, t1: float) -> None:
        k = self.pe_group[pe]
        t = self.cur_task[pe]
        end = max(self.cur_start[pe] + self.ctime[k][t], t1 + self.m.groups[k].mem_latency)
        Timeout(self.env, max(end - self.env.now, 0.0), pe).callbacks.append(self._finish)

    def _finish(self, ev) -> None:
        pe = ev._value
        end = self.env.now
        t = self.cur_task[pe]
        if self.log is not None:
            self.log((pe, t, self.cur_start[pe], end))
        self.ran_on[t] = pe
        self.home[t] = self._dkey(pe)
        if self.net is not None and self.net.send(pe, t, end):
            return                                  # blocking sends: the transport releases
        self._release(pe, t, end)

    def _release(self, pe: int, t: int, end: float) -> None:
        """Task t on `pe` is over at `end`: free the PE, release successors, go on."""
        self.busy[pe] = False
        self.wait_since[pe] = end
        self.makespan = max(self.makespan, end)
        if self.owner[t] >= 0:
            self.owned_left[pe] -= 1
        self.done_count += 1
        for i in range(self.succ_ptr[t], self.succ_ptr[t + 1]):
            s = self.succ_idx[i]
            self.pending[s] -= 1
            if self.pending[s] == 0:
                self._ready(s)
        if not self.in_idle[pe]:
            heapq.heappush(self.idle[self.pe_group[pe]], pe)
            self.in_idle[pe] = True
        self.kick.append(pe)
        self._dispatch()

    def run(self) -> tuple[float, Trace | None]:
        for t, p in enumerate(self.pending):
            if p == 0:
                self._ready(t)
        self.kick = list(range(self.m.pes))
        self._dispatch()
        trace = drive(self, "use fewer, larger tasks")
        return self.makespan, trace

    def finish_trace(self) -> Trace:
        """The recorder's trace with each task's compute time and lanes on its own PE."""
        g = self.g
        ran = np.array(self.ran_on)
        grp = np.array(self.pe_group)[ran] if len(ran) else np.zeros(0, int)
        ct = np.array(self.ctime)[grp, np.arange(g.n)] if g.n else np.zeros(0)
        lanes = np.array([[gr.lanes(p) for p in PRECISIONS] for gr in self.m.groups])
        la = lanes[grp, g.precision] if g.n else np.zeros(0, int)
        active = np.maximum(1, np.rint(la * g.lane_efficiency)).astype(np.int16)
        active = np.where(g.vector_fraction > 0, active, 1).astype(np.int16)
        assert self.rec is not None                    # called when recording
        return self.rec.finish(self.per, g.flops, g.bytes, active, ct)

    def copy_rows(self) -> dict:
        """The copies as columns: node, src / dst domain (-1 host, d device), start_s,
        end_s (the last byte; the latency precedes the flow), bytes, task (its producer),
        and `link` indexing `link_names` ("host → a100", "n1 ..." on several nodes; one
        per node and direction used, in order of first use)."""
        c = np.array(self.copies, np.float64).reshape(-1, 7)
        dom = ["host"] + [g.name for g in self.dev]
        names: dict[tuple, int] = {}
        link = [names.setdefault((int(n), int(a), int(b)), len(names))
                for n, a, b in c[:, :3].tolist()]
        node = (lambda n: f"n{n} ") if self.m.nodes > 1 else (lambda n: "")
        labels = [f"{node(n)}{dom[a + 1]} → {dom[b + 1]}" for n, a, b in names]
        return {"node": c[:, 0].astype(np.int32), "src": c[:, 1].astype(np.int32),
                "dst": c[:, 2].astype(np.int32), "start_s": c[:, 3], "end_s": c[:, 4],
                "bytes": c[:, 5], "task": c[:, 6].astype(np.int32),
                "link": np.asarray(link, np.int32), "link_names": labels}


