"""Where the `transformer` workload's ranks run: PEs (CpuRanks) or whole GPUs of a
heterogeneous machine (GpuRanks, `device = "gpu"`), and how a rank's layer task and an
allreduce between ranks become tasks.

GPUs: rank r ((d x pipeline + s) x tensor + t, as on PEs) runs on GPU r mod G of node
r div G (G GPUs, the [[machine.device]] entries, per node), so a tensor group fills one
node's GPUs first. A layer on a rank is a kernel of `blocks` thread blocks (0: one per
SM), block b on SM b mod the SMs it may use, then a zero-work join task; matrix layers
run on the matrix units; weights, activations and KV cache live in the GPU's memory.

    kernel time  = launch latency + max(F / (S x SM rate), bytes / HBM bandwidth + latency)

An allreduce of n bytes between P GPUs is a ring (NCCL's): 2 (P - 1) steps, each GPU
sending a chunk of n / P to the next; steps 1..P-1 add it (n / (P e) FLOPs on one SM).
Within a node the chunk is an input copy over the device-device link (the engine's peer
copy: peer latency + chunk / peer bandwidth; staged through the host without peer
links); between nodes it is a message over the network (staged or direct, as the
device's `network` says). So a ring within one node alone takes

    2 (P - 1) (peer latency + n / (P peer_bw)) + (P - 1) n / (P e) / vector rate of an SM

Pipeline activations (and their gradients) reach the next stage's GPU the same way:
a zero-work receive task on it reads them (a copy within a node, a message between
nodes). Collective steps run on SM 0 of each GPU; when gradients are allreduced during
the backward (`overlap`), SM 0 serves only the collectives (as NCCL's kernels hold SMs)
and the layers' kernels use the other SMs.
"""

from __future__ import annotations

from ..errors import ScenarioError
from ..taskgraph import GraphBuilder
from .collectives import allreduce, allreduce_steps

Rank = tuple[int, int, int]          # (data replica, pipeline stage, tensor rank)


def rank_index(p, rank: Rank) -> int:
    """(d x pipeline + s) x tensor + t."""
    d, s, t = rank
    return (d * p.pipeline + s) * p.tensor + t


class CpuRanks:
    """Each rank on one PE: PE = rank_index (ScenarioError if ranks outnumber PEs)."""

    streams = False                  # collectives go in the ranks' own order

    def __init__(self, p, machine, reserve: bool = False):
        ranks = p.data * p.tensor * p.pipeline
        if ranks > machine.pes:
            raise ScenarioError(f"workload.data x tensor x pipeline = {ranks} ranks is more "
                                f"than the machine's {machine.pes} PEs", "workload.data")
        self.p = p
        self.pes = {(d, s, t): rank_index(p, (d, s, t)) for d in range(p.data)
                    for s in range(p.pipeline) for t in range(p.tensor)}

    def task(self, g: GraphBuilder, rank: Rank, flops: float, nbytes: float, deps: list[int],
             up: int | None, msg: float, name: str, matrix: bool) -> int:
        """One task on the rank's PE; `up` (another rank's task) sends it `msg` bytes."""
        task = g.add(flops, nbytes, deps + ([up] if up is not None else []), self.pes[rank],
                     name)
        if up is not None:
            g.message(up, task, msg)
        return task

    def allreduce(self, g: GraphBuilder, ranks: list[Rank], nbytes: float, after: list,
                  elem: int) -> list[int]:
        return allreduce(g, [self.pes[r] for r in ranks], nbytes, self.p.algorithm,
                         after=after, elem=elem, blocking=False)


class GpuRanks:
    """Each rank on one GPU (module docstring); ScenarioError if the machine has no GPU
    or fewer GPUs than ranks."""

    streams = True                   # collectives may run beside the kernels (overlap)

    def __init__(self, p, machine, reserve: bool = False):
        gpus = [u for u in getattr(machine, "groups", ()) if u.kind == "gpu"]
        if not gpus:
            raise ScenarioError("workload.device = 'gpu' needs a GPU: add a [[machine.device]] "
                                "table", "workload.device")
        ranks = p.data * p.tensor * p.pipeline
        if ranks > machine.nodes * len(gpus):
            raise ScenarioError(f"workload.data x tensor x pipeline = {ranks} ranks is more "
                                f"than the machine's {machine.nodes * len(gpus)} GPUs "
                                f"({machine.nodes} nodes x {len(gpus)})", "workload.data")
        self.p, self.gpus, self.cores = p, gpus, machine.cores
        self.reserve = reserve

    def gpu(self, rank: Rank):
        """(node, unit group) of the rank's GPU."""
        r = rank_index(self.p, rank)
        return r // len(self.gpus), self.gpus[r % len(self.gpus)]

    def sm(self, rank: Rank, k: int) -> int:
        node, u = self.gpu(rank)
        return node * self.cores + u.first + k

    def compute_sms(self, rank: Rank) -> list[int]:
        """The SMs the kernels use: all, or all but SM 0 when it serves the collectives."""
        n = self.gpu(rank)[1].count
        return [self.sm(rank, k) for k in range(1 if self.reserve and n > 1 else 0, n)]

    def node(self, rank: Rank) -> int:
        return self.gpu(rank)[0]

    def task(self, g: GraphBuilder, rank: Rank, flops: float, nbytes: float, deps: list[int],
             up: int | None, msg: float, name: str, matrix: bool) -> int:
        """A kernel of blocks and its join task (returned); `up` (another rank's task)
        first sends `msg` bytes to a receive task on this GPU."""
        where = self.gpu(rank)[1].name
        sms = self.compute_sms(rank)
        if up is not None:
            deps = [self._receive(g, rank, up, msg, deps, name)]
        blocks = self.p.blocks or len(sms)
        shares = _split(flops, blocks)
        ids = [g.add(shares[b], nbytes / blocks, deps, sms[b % len(sms)], f"{name} b{b}",
                     where=where, matrix=matrix, block=True) for b in range(blocks)]
        return g.add(0.0, deps=ids, owner=sms[0], name=f"{name} end", where=where)

    def _receive(self, g: GraphBuilder, rank: Rank, up: int, msg: float, deps: list[int],
                 name: str) -> int:
        """A zero-work task on the GPU that reads `msg` bytes of task `up`'s output: a copy
        within a node, a network message from another."""
        here = self.compute_sms(rank)[0]
        same = up_node(g, up, self.cores) == here // self.cores
        task = g.add(0.0, deps=deps + [up], owner=here, name=f"{name} recv",
                     where=self.gpu(rank)[1].name, reads=[0.0] * len(deps) + [msg if same else 0.0])
        if not same:
            g.message(up, task, msg)
        return task

    def allreduce(self, g: GraphBuilder, ranks: list[Rank], nbytes: float, after: list,
                  elem: int) -> list[int]:
        """A ring over the ranks' GPUs (module docstring); each rank's last task."""
        sm0 = [self.sm(r, 0) for r in ranks]
        where = [self.gpu(r)[1].name for r in ranks]
        prev = [g.add(0.0, deps=[a] if a is not None else [], owner=sm0[i],
                      name="allreduce ring s0", where=where[i]) for i, a in enumerate(after)]
        if len(ranks) == 1:
            return prev
        for st in allreduce_steps(len(ranks), nbytes, "ring"):
            cur = list(prev)
            for s, d, m in st.sends:
                same = sm0[s] // self.cores == sm0[d] // self.cores
                cur[d] = g.add(m / elem if st.add else 0.0, deps=[prev[d], prev[s]],
                               owner=sm0[d], name=st.name, where=where[d],
                               reads=[0.0, m if same else 0.0])
                if not same:
                    g.message(prev[s], cur[d], m)
            prev = cur
        return prev


def up_node(g: GraphBuilder, task: int, cores: int) -> int:
    """Node of an owned task."""
    return g.owner[task] // cores


def _split(flops: float, blocks: int) -> list[float]:
    """`flops` over `blocks`: integer shares that add up exactly when it is whole."""
    if float(flops).is_integer():
        q, r = divmod(int(flops), blocks)
        return [float(q + (b < r)) for b in range(blocks)]
    return [flops / blocks] * blocks
