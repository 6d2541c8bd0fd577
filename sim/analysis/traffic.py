"""What moves through the machine over time: messages, link load, memory bandwidth.

    flight      a message with a send and a recv span: src/dst PE, bytes, sent_s (its
                send span's start) and arrival_s (the engine's delivery time when the
                run carries extras["messages"]; from a trace alone: the end of a
                blocking send, else the end of its recv, which is late when the
                receiver posted after delivery)
    matrix      sender x receiver bytes or message counts of the flights sent in
                [t0, t1), per PE or per node
    link load   a message between nodes holds every link of its route during
                [sent + latency, arrival] at its average rate bytes / that time;
                load(link, t) = sum of those rates / the link's capacity (the fluid
                model's momentary shares may differ while flows come and go; the bytes
                per link are exact)
    packet      a message between nodes at t is at fraction (t - sent) / (arrival -
                sent) of its route: on link floor(f x hops), at f x hops - that along it
    link's messages   the flights whose route crosses a link (the timeline highlights
                them); a message at time t is on the link its packet is on then
    memory      each task's bytes flow through its node's memory from its start, at its
                average rate: until (end - memory latency) if the task stalled (it was
                memory bound), else for bytes / min(core, node bandwidth) at most that;
                a message inside a node copies 2 x bytes during [sent + latency, arrival]
    PE state    the kind of the span a PE is in at t (zero-length spans skipped), -1 idle
    host link   in an offload run (PEs 0..cores-1 the host cores, then the device's
                SMs) the copies between memories (run.extras["copies"]) are flows on
                their link after its latency; the memory figures are the device's HBM
"""

from __future__ import annotations

import numpy as np

from ..machine.network import Network, network_for
from ..trace import KIND_CODE, Trace
from .queries import message_pairs

IDLE = -1
_SEND, _STALL = KIND_CODE["send"], KIND_CODE["stall"]
_TASK_KINDS = (KIND_CODE["compute"], KIND_CODE["stall"])


def flights(run) -> dict:
    """The run's messages: {"msg", "src_pe", "dst_pe", "bytes", "sent_s", "arrival_s"}."""
    tr = run.trace
    s, r = message_pairs(tr)
    msg = tr.msg[s].astype(np.int64)
    sent = tr.start_s[s]
    exact = run.extras.get("messages") if run.extras else None
    if exact is not None and len(msg) and int(msg.max()) < len(exact["arrival_s"]):
        arrival = np.asarray(exact["arrival_s"], np.float64)[msg]
    else:
        arrival = np.where(tr.end_s[s] > sent, tr.end_s[s], tr.end_s[r])
    return {"msg": msg, "src_pe": tr.pe[s].astype(np.int64), "dst_pe": tr.pe[r].astype(np.int64),
            "bytes": tr.bytes[s].astype(np.float64), "sent_s": sent,
            "arrival_s": np.maximum(arrival, sent)}


def comm_matrix(f: dict, n: int, t0: float = 0.0, t1: float = np.inf, per: int = 1,
                counts: bool = False) -> np.ndarray:
    """n x n sender x receiver bytes (or message counts) of the flights sent in [t0, t1);
    `per` PEs to a row (cores per node for a node matrix)."""
    m = (f["sent_s"] >= t0) & (f["sent_s"] < t1)
    src, dst = f["src_pe"][m] // per, f["dst_pe"][m] // per
    w = None if counts else f["bytes"][m]
    flat = np.bincount(src * n + dst, weights=w, minlength=n * n)
    return flat.astype(np.float64).reshape(n, n)


class _Intervals:
    """Rated intervals [start, end) in groups: the summed rate of a group at t, and as a
    step series. Sorted by start; a window [t - longest, t] bounds each query."""

    def __init__(self, group, start, end, rate, groups: int):
        keep = end > start
        order = np.argsort(start[keep], kind="stable")
        self.group = np.asarray(group)[keep][order]
        self.start, self.end = start[keep][order], end[keep][order]
        self.rate = rate[keep][order]
        self.groups = groups
        self.longest = float((self.end - self.start).max()) if len(self.start) else 0.0

    def at(self, t: float) -> np.ndarray:
        lo = np.searchsorted(self.start, t - self.longest, "left")
        hi = np.searchsorted(self.start, t, "right")
        live = self.end[lo:hi] > t
        return np.bincount(self.group[lo:hi][live], weights=self.rate[lo:hi][live],
                           minlength=self.groups).astype(np.float64)

    def series(self, g: int) -> tuple[np.ndarray, np.ndarray]:
        """(t, level) of group g's summed rate; level[i] holds on [t[i], t[i+1])."""
        m = self.group == g
        t = np.r_[0.0, self.start[m], self.end[m]]
        d = np.r_[0.0, self.rate[m], -self.rate[m]]
        order = np.argsort(t, kind="stable")
        t, level = t[order], np.cumsum(d[order])
        last = np.r_[t[1:] != t[:-1], True]
        return t[last], np.maximum(level[last], 0.0)


def offload_device(run):
    """The AcceleratorSpec of an offload run (its trace: the host's cores, then the
    SMs), else None."""
    sc = run.scenario
    if sc is None or sc.workload.kind != "offload":
        return None
    return sc.machine.accelerator


class Traffic:
    """A run's flights, link loads, memory bandwidth and PE states, for queries at t."""

    def __init__(self, run):
        self.run = run
        self.nodes, self.cores = run.nodes, run.cores
        sc = run.scenario
        spec = sc.machine if sc is not None else None
        self.device = offload_device(run)
        self.net: Network | None = (network_for(spec.network if spec else None, self.nodes)
                                    if self.nodes > 1 and self.device is None else None)
        self.f = flights(run)
        self._links()
        pe = np.arange(run.pes)
        if self.device is not None and spec is not None:     # (an offload run has both)
            acc = self.device
            self.host_cores = spec.cores
            self._host_link(acc)
            self._memory(np.where(pe >= spec.cores, 0, -1), acc.memory_gbs * 1e9,
                         acc.memory_gbs * 1e9, acc.memory_latency_ns * 1e-9)
        elif spec is not None:
            mem = spec.memory
            self._memory(pe // self.cores, mem.bandwidth_gbs * 1e9,
                         min(mem.core_bandwidth_gbs, mem.bandwidth_gbs) * 1e9,
                         mem.latency_ns * 1e-9)
        else:
            self._memory(pe // self.cores, None, np.inf, 0.0)
        self.states = PEStates(run.trace, run.pes)

    def _host_link(self, acc) -> None:
        """The host-device links of run.extras["copies"], each copy a flow after the
        link latency."""
        c = self.run.extras.get("copies") or {"link_names": [], "link": np.zeros(0, int),
                                              "start_s": np.zeros(0), "end_s": np.zeros(0),
                                              "bytes": np.zeros(0)}
        self.link_names = list(c["link_names"])
        n = len(self.link_names)
        self.capacity = np.full(n, acc.link_gbs * 1e9)
        link = np.asarray(c["link"], np.int64)
        start = np.asarray(c["start_s"], float) + acc.link_latency_us * 1e-6
        end, nbytes = np.asarray(c["end_s"], float), np.asarray(c["bytes"], float)
        dur = end - start
        rate = np.divide(nbytes, dur, out=np.zeros(len(dur)), where=dur > 0)
        self.link_bytes = np.bincount(link, weights=nbytes, minlength=n).astype(float)
        self.link_flows = _Intervals(link, start, end, rate, n)

    def _links(self) -> None:
        f, net = self.f, self.net
        sn, dn = f["src_pe"] // self.cores, f["dst_pe"] // self.cores
        inter = np.flatnonzero(sn != dn) if net is not None else np.zeros(0, np.int64)
        self.inter = inter
        # each (sender node, receiver node) pair routed once, then gathered per message
        pairs, which = np.unique(sn[inter] * max(self.nodes, 1) + dn[inter],
                                 return_inverse=True)
        routes = [net.route(int(p) // self.nodes, int(p) % self.nodes) for p in pairs] \
            if net is not None else []
        pair_hops = np.array([len(r[0]) for r in routes], np.int64)
        pair_links = np.array([k for r in routes for k in r[0]], np.int64)
        hops = pair_hops[which]
        self.hops = hops
        self.latency = np.array([r[1] for r in routes], np.float64)[which] if routes \
            else np.zeros(0)
        self.route_ptr = np.r_[0, np.cumsum(hops)].astype(np.int64)
        first = np.r_[0, np.cumsum(pair_hops)][which]       # each message's pair's links
        step = np.arange(self.route_ptr[-1]) - np.repeat(self.route_ptr[:-1], hops)
        self.route_link = pair_links[np.repeat(first, hops) + step] if len(step) \
            else np.zeros(0, np.int64)
        self.route_flight = np.repeat(inter, hops)    # the flight of each route_link entry
        self.capacity = np.asarray(net.capacity if net else [], np.float64)
        self.link_names = list(net.names) if net else []
        start = f["sent_s"][inter] + self.latency
        end = f["arrival_s"][inter]
        dur = end - start
        rate = np.divide(f["bytes"][inter], dur, out=np.zeros(len(inter)), where=dur > 0)
        rep = lambda a: np.repeat(a, hops)        # noqa: E731 - one value per (message, link)
        self.link_bytes = np.bincount(self.route_link, weights=rep(f["bytes"][inter]),
                                      minlength=len(self.capacity)).astype(np.float64)
        self.link_flows = _Intervals(self.route_link, rep(start), rep(end), rep(rate),
                                     len(self.capacity))

    def _memory(self, group_of_pe: np.ndarray, capacity: float | None, peak: float,
                lat: float) -> None:
        """Memory flows per group of PEs (a node; -1: not counted); `capacity` a group's
        bandwidth (None: unknown), `peak` one core's, `lat` the memory latency."""
        tr = self.run.trace
        m = np.isin(tr.kind, _TASK_KINDS) & (tr.task >= 0)
        key = tr.task[m].astype(np.int64) * max(self.run.pes, 1) + tr.pe[m]
        uniq, inv = np.unique(key, return_inverse=True)
        k = len(uniq)
        start = np.full(k, np.inf)
        end = np.full(k, -np.inf)
        np.minimum.at(start, inv, tr.start_s[m])
        np.maximum.at(end, inv, tr.end_s[m])
        nbytes = np.bincount(inv, weights=tr.bytes[m], minlength=k)
        stalled = np.bincount(inv, weights=tr.kind[m] == _STALL, minlength=k) > 0
        node = group_of_pe[uniq % max(self.run.pes, 1)]
        self.mem_capacity = capacity
        avail = np.maximum(end - lat - start, 0.0)
        dur = np.where(stalled, avail, np.minimum(avail, nbytes / peak))
        f = self.f
        sn, dn = f["src_pe"] // self.cores, f["dst_pe"] // self.cores
        local = (sn == dn) & (f["src_pe"] != f["dst_pe"])
        m_start = f["sent_s"][local] + lat
        m_dur = f["arrival_s"][local] - m_start
        group = np.r_[node, group_of_pe[f["src_pe"][local]]]
        s = np.r_[start, m_start]
        d = np.r_[dur, m_dur]
        b = np.r_[nbytes, 2.0 * f["bytes"][local]]
        rate = np.divide(b, d, out=np.zeros(len(b)), where=d > 0)
        keep = group >= 0
        self.memory = _Intervals(group[keep], s[keep], (s + d)[keep], rate[keep], self.nodes)

    # -- at a time -------------------------------------------------------------------

    def link_load(self, t: float) -> np.ndarray:
        """Per directed link: the share of its capacity in use at t."""
        return self.link_flows.at(t) / self.capacity if len(self.capacity) else np.zeros(0)

    def memory_bandwidth(self, t: float) -> np.ndarray:
        """Per node: bytes/s flowing through its memory at t."""
        return self.memory.at(t)

    def packets(self, t: float) -> dict:
        """Messages between nodes in flight at t: {"flight", "link", "along"} (index into
        the flights, the directed link it is on, 0..1 along that link)."""
        f, i = self.f, self.inter
        sent, arr = f["sent_s"][i], f["arrival_s"][i]
        live = np.flatnonzero((sent <= t) & (arr > t))
        link, along = self._position(live, t)
        return {"flight": i[live], "link": link, "along": along}

    def _position(self, live: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(link, 0..1 along it) at t of the messages between nodes `live` (indices
        into self.inter, each in flight at t)."""
        f, i = self.f, self.inter[live]
        sent, arr = f["sent_s"][i], f["arrival_s"][i]
        frac = (t - sent) / (arr - sent) * self.hops[live]
        step = np.minimum(np.floor(frac).astype(np.int64), self.hops[live] - 1)
        return self.route_link[self.route_ptr[live] + step], frac - step

    def flights_on(self, link: int) -> np.ndarray:
        """The flights (indices into self.f, sorted) whose route crosses `link`."""
        return np.unique(self.route_flight[self.route_link == link])

    def link_of(self, flight: int, t: float) -> int:
        """The link flight `flight` is on at t clamped into its flight [sent, arrival)
        (its packet's link; the first when it takes no time), -1 when it stays inside
        a node."""
        k = int(np.searchsorted(self.inter, flight))
        if k >= len(self.inter) or self.inter[k] != flight:
            return -1
        sent, arr = self.f["sent_s"][flight], self.f["arrival_s"][flight]
        if arr <= sent:
            return int(self.route_link[self.route_ptr[k]])
        t = min(max(t, sent), np.nextafter(arr, sent))
        return int(self._position(np.array([k]), t)[0][0])

    def busiest_links(self, k: int) -> np.ndarray:
        """The k links that carried the most bytes relative to capacity, busiest first."""
        if not len(self.capacity):
            return np.zeros(0, np.int64)
        use = self.link_bytes / self.capacity
        return np.argsort(-use, kind="stable")[:k]


class PEStates:
    """Each PE's span (trace row), kind and SIMD lanes at a time (-1, -1 and 0 idle)."""

    def __init__(self, trace: Trace, pes: int):
        m = np.flatnonzero(trace.end_s > trace.start_s)
        pe = trace.pe[m].astype(np.int64)
        self.times = np.unique(trace.start_s[m])
        rank = np.searchsorted(self.times, trace.start_s[m])
        self.stride = len(self.times) + 1
        key = pe * self.stride + rank
        order = np.argsort(key, kind="stable")
        self.key, self.pe, self.row = key[order], pe[order], m[order]
        self.end = trace.end_s[m][order]
        self.kind = trace.kind[m][order].astype(np.int64)
        self.lanes = trace.lanes_active[m][order].astype(np.int64)
        self.pes = pes

    def _slot_at(self, t: float) -> np.ndarray:
        """Per PE: its span at t as an index into the sorted spans, -1 when idle."""
        if not len(self.key):
            return np.full(self.pes, -1, np.int64)
        r = np.searchsorted(self.times, t, "right") - 1
        q = np.arange(self.pes, dtype=np.int64) * self.stride + r
        i = np.searchsorted(self.key, q, "right") - 1
        ok = (i >= 0) & (r >= 0)
        i = np.maximum(i, 0)
        ok &= (self.pe[i] == np.arange(self.pes)) & (self.end[i] > t)
        return np.where(ok, i, -1)

    def at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(kind per PE, lanes active per PE) at t."""
        i = self._slot_at(t)
        ok = i >= 0
        j = np.maximum(i, 0)
        if not len(self.key):
            return np.full(self.pes, IDLE), np.zeros(self.pes, np.int64)
        return np.where(ok, self.kind[j], IDLE), np.where(ok, self.lanes[j], 0)

    def trace_rows(self, t: float) -> np.ndarray:
        """Per PE: the trace row (index into the run's trace) it is in at t, -1 idle."""
        i = self._slot_at(t)
        return np.where(i >= 0, self.row[np.maximum(i, 0)] if len(self.row) else -1, -1)
