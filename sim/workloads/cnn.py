"""A CNN forward pass (inference) as layer tasks, split data-parallel or pipelined.

FLOPs (the simulator's convention, FLOPs = 2 x MACs): a layer costs 2 x its
conv/linear multiply-adds per sample (a conv: 2 k*k*(c/groups)*H*W*o), plus, with
`all_ops`, its other operations (bias, batch norm, activations, pooling, residual
adds) one FLOP each, exactly as `sim.nn.layer_tasks` counts them. The whole run
is batch x that: the total equals `sim.nn.count(model, input, batch, all_ops).flops`.

Bytes of a task running n samples of a layer: its weights read once plus n x its
activations (every input read, the output written): e (params + n (in + out)),
e = bytes per number (fp32 4, fp16/bf16 2); `layer_tasks` gives the one-sample bytes and
`count` the params (weights = e x params, activations = the rest).

split = "data": the batch is cut into min(P, batch) near-equal shares, share i on PE
(i mod nodes, core i // nodes); each PE runs every layer on its share, chained. No
messages: every PE holds its own copy of the weights (and reads them itself).

split = "pipeline": the layers are grouped into S contiguous stages of near-equal
FLOPs (`stages.partition`); stage s runs on one PE, filling node after node. The batch
is cut into M micro-batches. Stage s of micro-batch m starts after stage s - 1 of m
(its input) and stage s of m - 1 (the stage works in order). With S equal stages of
time t the makespan is (S + M - 1) t: S - 1 steps to fill, M - 1 to drain.
Activations between stages on one node pass through memory (counted in the bytes);
between nodes they are messages of e x n x (output of the stage's last layer) bytes.

split = "kernels" (a node with a GPU, [[machine.device]]): the whole batch on the
first device, each layer one kernel of `blocks` equal thread blocks (0: one per SM)
that run after the previous layer's kernel (a zero-time join on the device) and a
launch latency. Conv and fully connected layers are matrix-shaped (tensor cores where
the device has them for the precision); the rest run on the vector lanes. The host
holds the images and the weights: the weights are copied to the device once, before
the first kernel (e x params bytes), the images when the first layer starts
(e x batch x input), the result back to the host at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

from ..errors import ScenarioError
from ..nn import count, layer_tasks, load_model
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph, tagged
from .common import chunks, element_bytes, scale_count
from .stages import partition

SPLITS = ("data", "pipeline", "kernels")


@dataclass
class Params:
    kind: ClassVar[str] = "cnn"
    model: str = param("vgg16", help="Zoo model (vgg16, resnet50, ...) or a path to a "
                                     "TOML/JSON model file")
    input: int = param(224, ge=1, le=8192, unit="px", help="Input image size (H = W)")
    batch: int = param(8, ge=1, le=1_000_000, help="Images per forward pass")
    precision: str = param("fp32", choices=("fp32", "fp16", "bf16"),
                           help="Precision of weights, activations and arithmetic")
    split: str = param("data", choices=SPLITS,
                       help="data: the batch over the PEs; pipeline: the layers in "
                            "stages over the PEs, micro-batches flowing through")
    micro_batches: int = param(4, ge=1, help="Pipeline: micro-batches the batch is cut into")
    stages: int = param(0, ge=0, help="Pipeline: stages (0: one per PE, at most one per layer)")
    blocks: int = param(0, ge=0, le=100_000,
                        help="Kernels: thread blocks per layer (0: one per SM of the device)")
    all_ops: bool = param(False, help="Also count bias, batch norm, activations, pooling "
                                      "and adds (one FLOP each), not just conv + linear")
    vector_fraction: float = param(1.0, ge=0, le=1,
                                   help="Share of the flops that run on the SIMD lanes")
    lane_efficiency: float = param(0.9, gt=0, le=1,
                                   help="Share of the SIMD lanes doing useful work "
                                        "(tuned conv/GEMM kernels reach about 0.8-0.9)")

    def validate(self, path: str) -> None:
        layers(self, path)

    def wheres(self) -> dict[str, str]:
        """Unit choices checked against the machine at load: kernels need a GPU."""
        return {"split": "gpu"} if self.split == "kernels" else {}

    def tasks_estimate(self) -> int:
        n = len(layers(self))
        if self.split == "kernels":
            return n * ((self.blocks or 1024) + 1) + 4
        return n * (self.batch if self.split == "data" else min(self.micro_batches, self.batch))

    def scaled(self, factor: float) -> Params:
        """Weak scaling: the batch grows by `factor` (data split: each PE keeps as many
        images; the model, the micro-batch count and a set stage count stay)."""
        return replace(self, batch=scale_count(self.batch, factor))


@dataclass(frozen=True)
class Layer:
    """One layer per sample: name, FLOPs, bytes of weights, of activations, of its output."""

    name: str
    flops: int
    weight_bytes: int
    act_bytes: int
    out_bytes: int

    def cost(self, n: int) -> tuple[float, float]:
        """(flops, bytes) of a task running n samples."""
        return float(n * self.flops), float(self.weight_bytes + n * self.act_bytes)


def layers(p: Params, path: str = "workload") -> list[Layer]:
    """The model's layers at p.input, per sample; ScenarioError naming `path.model`."""
    where = f"{path}.model"
    try:
        model = load_model(p.model)
    except (KeyError, ValueError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        raise ScenarioError(f"{where}: {msg}", where) from None
    e = element_bytes(p.precision)
    try:
        tasks = layer_tasks(model, p.input, 1, e, p.all_ops)
        rows = count(model, p.input, 1, p.all_ops).rows
    except ValueError as exc:
        raise ScenarioError(f"{where} {p.model!r} cannot take a {p.input}x{p.input} input "
                            f"({path}.input): {exc}", where) from None
    return [Layer(t["name"], t["flops"], e * r.params, t["bytes"] - e * r.params,
                  e * math.prod(r.output_shape[1:])) for t, r in zip(tasks, rows)]


def data_pe(i: int, nodes: int, cores: int) -> int:
    """PE of batch share i: round robin over the nodes, then the cores."""
    return (i % nodes) * cores + i // nodes


def stage_pes(stages: int, nodes: int, cores: int) -> list[int]:
    """PE of each pipeline stage: stage s on node s * nodes // S, cores filled in order."""
    pes: list[int] = []
    first: dict[int, int] = {}
    for s in range(stages):
        node = s * nodes // stages
        first.setdefault(node, s)
        pes.append(node * cores + s - first[node])
    return pes


def build(p: Params, machine, rng) -> TaskGraph:
    net = layers(p)
    g = GraphBuilder(p.precision, p.vector_fraction, p.lane_efficiency)
    if p.split == "data":
        _data(g, p, net, machine)
    elif p.split == "kernels":
        _kernels(g, p, net, machine)
    else:
        _pipeline(g, p, net, machine)
    return g.build()


def _kernels(g: GraphBuilder, p: Params, net: list[Layer], machine) -> None:
    gpus = [u for u in machine.groups if u.kind == "gpu"]
    if not gpus:
        raise ScenarioError("workload.split = 'kernels' needs a GPU: add a [[machine.device]] "
                            "table", "workload.split")
    dev = gpus[0].name
    blocks = p.blocks or gpus[0].count
    e = element_bytes(p.precision)
    weights = float(sum(layer.weight_bytes for layer in net))
    images = float(e * p.batch * 3 * p.input * p.input)
    w_host = g.add(0.0, where="cpu", name=tagged("weights", "host"))
    i_host = g.add(0.0, where="cpu", name=tagged("images", "host"))
    join = g.add(0.0, deps=[w_host], where=dev, name=tagged("weights", dev), reads=[weights])
    for k, layer in enumerate(net):
        flops, nbytes = layer.cost(p.batch)
        deps, reads = ([join, i_host], [0.0, images]) if k == 0 else ([join], [0.0])
        matrix = layer.name.startswith(("conv", "fc"))
        q, r = divmod(int(flops), blocks)        # integer shares: the FLOPs add up exactly
        ids = [g.add(float(q + (b < r)), nbytes / blocks, deps, where=dev, matrix=matrix,
                     block=True, reads=reads, name=tagged(layer.name, f"b{b}"))
               for b in range(blocks)]
        join = g.add(0.0, deps=ids, where=dev, name=tagged(layer.name, "end"))
    g.add(0.0, deps=[join], where="cpu", name=tagged("result", "host"),
          reads=[float(p.batch * net[-1].out_bytes)])


def _data(g: GraphBuilder, p: Params, net: list[Layer], machine) -> None:
    shares = chunks(p.batch, min(machine.pes, p.batch)).tolist()
    for i, n in enumerate(shares):
        pe = data_pe(i, machine.nodes, machine.cores)
        prev: tuple[int, ...] = ()
        for layer in net:
            flops, nbytes = layer.cost(n)
            prev = (g.add(flops, nbytes, prev, pe, tagged(layer.name, f"pe{pe}")),)


def _pipeline(g: GraphBuilder, p: Params, net: list[Layer], machine) -> None:
    want = p.stages or machine.pes
    if want > machine.pes:
        raise ScenarioError(f"workload.stages = {want} is more than the machine's "
                            f"{machine.pes} PEs", "workload.stages")
    bounds = partition([layer.flops for layer in net], want)
    nstages = len(bounds) - 1
    pes = stage_pes(nstages, machine.nodes, machine.cores)
    micro = chunks(p.batch, min(p.micro_batches, p.batch)).tolist()
    last = [-1] * nstages                      # last task of each stage, previous micro-batch
    for m, n in enumerate(micro):
        upstream = -1                          # last task of stage s - 1 for this micro-batch
        for s in range(nstages):
            deps = [t for t in (upstream, last[s]) if t >= 0]
            first = True
            for layer in net[bounds[s]:bounds[s + 1]]:
                flops, nbytes = layer.cost(n)
                t = g.add(flops, nbytes, deps, pes[s], tagged(layer.name, f"s{s} mb{m}"))
                if first and upstream >= 0 and machine.node_of(pes[s - 1]) != \
                        machine.node_of(pes[s]):
                    g.message(upstream, t, float(n * net[bounds[s] - 1].out_bytes))
                deps, first = [t], False
            upstream = last[s] = t
