"""A transformer language model running: inference (prefill, KV-cache decode) or a
training step with data, tensor and pipeline parallelism.

Work per layer comes from the counter (`sim.nn`), one task per layer and micro-batch on
each rank, named `layer @ tag` (the Layers tab groups them):

    forward FLOPs   n x (2 MACs + other ops if `all_ops`)       (n sequences; FLOPs = 2 MACs)
    backward FLOPs  n x `nn.training` backward (2 x forward MACs for matmul layers)
    bytes           e (params + n x activations)  forward, twice that backward; a tied
                    LM head reads the embedding table (the lookup reads rows only)
                    (e = bytes per number: fp32 4, fp16/bf16 2)
    decode          a token at position t: n x the counter's FLOPs of `build(cfg, past=t)`
                    with input 1; bytes = weights + its layer's K or V cache rows
                    (t + 1 of them): the step's bytes are `nn.decode_step(...).bytes`
                    (a token's activations stay in cache, as there)

So a run's FLOPs are: train  batch x (forward + backward per sequence) =
`training_count(model, seq, batch, all_ops, "flops")` forward + backward (the optimizer
update is left out); prefill  batch x the forward; decode  the sum of the decode steps.

Parallelism (ranks = data x tensor x pipeline <= PEs; rank (d, s, t) on PE
(d x pipeline + s) x tensor + t, so a tensor group fills a node's cores first):

* data (DP): each replica takes batch / data sequences; after the backward every rank
  allreduces its gradients (e x params / tensor bytes) with its replicas
  (collectives.allreduce, `algorithm`): 2 (P - 1)(alpha + n / (P beta)) for a ring.
  `overlap`: a ring allreduce per gradient bucket (each transformer block; the
  embeddings; the head), started when the bucket's last backward ends; its steps go
  between the later backward tasks (non-blocking sends), a step once the previous
  step's message has had time to arrive (estimated from the machine: alpha + bytes /
  beta between nodes, a copy through memory within one), a backward task cut into as
  many pieces as it can hide steps (at most MAX_PIECES). When the messages hide behind
  the backward, the step is compute + every step's adds + the ring of the bucket
  completed last (the embeddings: their gradient is the last one computed).
* tensor (TP, Megatron-LM): every layer's FLOPs and bytes split 1/tensor over the group
  (norms and residual adds too, as with Megatron's sequence parallelism); an allreduce
  of the activations (e n seq d_model bytes) after each attention output projection and
  each MLP output projection in the forward, and two in the backward (at the input of
  the attention and of the MLP): four per layer per micro-batch.
* pipeline (PP): the layers (embeddings, each block, head) in `pipeline` contiguous
  stages of near-equal FLOPs; each replica's share in `micro_batches` micro-batches;
  activations (forward) and their gradients (backward) are messages of e n seq d_model
  bytes between stages. `schedule`: gpipe (all forwards, then all backwards) or 1f1b
  (stage s runs p - s - 1 forwards, then one forward one backward, then the rest).
  With p equal stages (forward f, backward b per micro-batch) both take
  (m + p - 1)(f + b): the bubble is (p - 1) / (m + p - 1) of the time; 1F1B keeps at
  most p micro-batches' activations alive instead of m.

Inference: prefill runs the forward pass (micro-batches through the stages, no
backward); decode generates `new_tokens` tokens after a prompt of `seq` tokens already
in the KV cache, one step after the other (a token needs the previous one), each step
a forward pass of all the replica's sequences at once. Decode is memory-bound: every
step reads all the weights and the cache for a few FLOPs per byte, so on one PE
tokens/s = n x bandwidth / bytes per step.

A rank is a PE, or with `device = "gpu"` a whole GPU of a heterogeneous machine
([[machine.device]]): transformer_gpu.py maps ranks to where they run. On GPUs each
layer is a kernel of `blocks` thread blocks, matrix layers on the matrix units, weights
and KV cache in device memory, each kernel after the launch latency; the tensor- and
data-parallel allreduces are rings between GPUs over the device-device link within a
node (NCCL-like; `algorithm` is for PEs) and over the network between nodes; pipeline
activations go the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..errors import ScenarioError
from ..nn.transformer import TransformerConfig
from ..nn.zoo_transformers import CONFIGS, get_config
from ..spec import param
from ..taskgraph import GraphBuilder, TaskGraph, tagged
from .collectives import ALLREDUCE
from .common import chunks, element_bytes, scale_count
from .transformer_gpu import CpuRanks, GpuRanks
from .transformer_overlap import DP_ALLREDUCE, GradientOverlap
from .transformer_rows import Row, rows, stage_bounds, stage_ops, tp_points

MODES = ("train", "prefill", "decode")
DEVICES = ("cpu", "gpu")
MATRIX_KINDS = ("linear", "lm_head", "matmul", "attention_scores", "attention_context")
SCHEDULES = ("gpipe", "1f1b")
TP_ALLREDUCE = "tensor-parallel allreduce"     # task names of the collectives
TOKEN_BYTES = 4           # a generated token id sent back to the first stage


@dataclass
class Params:
    kind: ClassVar[str] = "transformer"
    model: str = param("gpt2_medium", choices=tuple(CONFIGS),
                       help="Transformer language model (the counter's shapes)")
    layers: int = param(0, ge=0, help="Transformer blocks to keep (0: all of the model's)")
    mode: str = param("train", choices=MODES,
                      help="train: one training step; prefill: the forward pass of the "
                           "prompt; decode: new tokens one by one with a KV cache")
    seq: int = param(1024, ge=1, unit="tokens",
                     help="Sequence length (decode: tokens already in the KV cache)")
    batch: int = param(8, ge=1, le=1_000_000, help="Sequences per step (all replicas together)")
    new_tokens: int = param(4, ge=1, le=10_000, help="Decode: tokens generated")
    precision: str = param("bf16", choices=("fp32", "fp16", "bf16"),
                           help="Precision of weights, activations, gradients and arithmetic")
    data: int = param(1, ge=1, help="Data-parallel replicas")
    tensor: int = param(1, ge=1, help="Tensor-parallel ranks per layer (Megatron-LM)")
    pipeline: int = param(1, ge=1, help="Pipeline stages")
    micro_batches: int = param(1, ge=1, help="Micro-batches per replica (pipeline)")
    schedule: str = param("1f1b", choices=SCHEDULES, help="Pipeline schedule")
    overlap: bool = param(True, help="Data parallel: allreduce gradients during the backward "
                                     "(a ring per block)")
    algorithm: str = param("ring", choices=ALLREDUCE,
                           help="Allreduce algorithm (tensor parallel, and gradients "
                                "without overlap)")
    device: str = param("cpu", choices=DEVICES,
                        help="cpu: the ranks on PEs; gpu: each rank on a GPU "
                             "([[machine.device]]), each layer a kernel of one thread block "
                             "per SM, collectives over the device links")
    blocks: int = param(0, ge=0, le=100_000,
                        help="GPU: thread blocks per layer kernel (0: one per SM the kernels "
                             "use)")
    all_ops: bool = param(False, help="Also count norms, softmax, activations and adds "
                                      "(one FLOP each), not just the matrix products")
    vector_fraction: float = param(1.0, ge=0, le=1,
                                   help="Share of the flops that run on the SIMD lanes")
    lane_efficiency: float = param(0.9, gt=0, le=1,
                                   help="Share of the SIMD lanes doing useful work")

    def validate(self, path: str) -> None:
        cfg = config(self, path)
        if self.mode == "decode":
            if self.seq + self.new_tokens > cfg.n_ctx:
                raise ScenarioError(f"{path}.seq + new_tokens = {self.seq + self.new_tokens} "
                                    f"exceeds {self.model}'s context of {cfg.n_ctx} tokens",
                                    f"{path}.seq")
        elif self.seq > cfg.n_ctx:
            raise ScenarioError(f"{path}.seq = {self.seq} exceeds {self.model}'s context of "
                                f"{cfg.n_ctx} tokens", f"{path}.seq")
        if self.batch < self.data:
            raise ScenarioError(f"{path}.batch = {self.batch} is fewer than the {self.data} "
                                f"data-parallel replicas ({path}.data)", f"{path}.batch")
        if self.mode != "decode" and self.batch < self.data * self.micro_batches:
            raise ScenarioError(f"{path}.micro_batches = {self.micro_batches}: each of the "
                                f"{self.data} replicas needs at least one sequence per "
                                f"micro-batch ({path}.batch = {self.batch})",
                                f"{path}.micro_batches")
        if cfg.n_heads % self.tensor or cfg.kv_heads % self.tensor:
            raise ScenarioError(f"{path}.tensor = {self.tensor} does not divide {self.model}'s "
                                f"{cfg.n_heads} heads ({cfg.kv_heads} key/value heads)",
                                f"{path}.tensor")
        if self.pipeline > cfg.n_layers + 2:
            raise ScenarioError(f"{path}.pipeline = {self.pipeline} is more than {self.model}'s "
                                f"{cfg.n_layers} blocks + embeddings + head", f"{path}.pipeline")

    def scaled(self, factor: float) -> Params:
        """Weak scaling: the batch and the data-parallel replicas grow by `factor` (each
        replica keeps its sequences; tensor and pipeline ranks stay)."""
        return replace(self, batch=scale_count(self.batch, factor),
                       data=scale_count(self.data, factor))

    def wheres(self) -> dict[str, str]:
        """Unit choices checked against the machine at load: device = "gpu" needs one."""
        return {"device": "gpu"} if self.device == "gpu" else {}

    def tasks_estimate(self) -> int:
        cfg = config(self)
        # at most 18 layers per block (Llama); a stage holds at most twice its share
        rows = 18 * min(cfg.n_layers, 2 * -(-cfg.n_layers // self.pipeline)) + 6
        ranks = self.data * self.tensor * self.pipeline
        steps = self.new_tokens if self.mode == "decode" else self.micro_batches
        passes = 2 if self.mode == "train" else 1
        if self.device == "gpu":    # a kernel of blocks + 1 tasks a layer and rank (0: one
            rows *= (self.blocks or 128) + 1    # per SM, at most 128 on today's GPUs)
        tp_ar = 4 * self.tensor * cfg.n_layers if self.tensor > 1 else 0
        # gradient ring steps (2 P per bucket), as many backward pieces when overlapped
        dp_ar = 4 * self.data * (cfg.n_layers + 2) if self.mode == "train" else 0
        return ranks * steps * passes * (rows + tp_ar) + ranks * dp_ar


def config(p: Params, path: str = "workload") -> TransformerConfig:
    """The model's shape, with `layers` blocks if set; ScenarioError naming `path.layers`."""
    cfg = get_config(p.model)
    if p.layers > cfg.n_layers:
        raise ScenarioError(f"{path}.layers = {p.layers} is more than {p.model}'s "
                            f"{cfg.n_layers} blocks", f"{path}.layers")
    return replace(cfg, n_layers=p.layers) if p.layers else cfg


def build(p: Params, machine, rng) -> TaskGraph:
    return _Builder(p, machine).run()


class _Builder(GradientOverlap):
    """Emits every rank's program in one global order consistent with the schedule
    (the engine runs a PE's tasks in index order)."""

    def __init__(self, p: Params, machine):
        super().__init__(machine)
        self.p = p
        self.overlapped = p.mode == "train" and p.overlap and p.data > 1
        self.cfg = config(p)
        ranks = GpuRanks if p.device == "gpu" else CpuRanks
        self.place = ranks(p, machine, reserve=self.overlapped)
        self.pes = getattr(self.place, "pes", {})
        self.e = element_bytes(p.precision)
        self.g = GraphBuilder(p.precision, p.vector_fraction, p.lane_efficiency)
        self.train, self.decode = p.mode == "train", p.mode == "decode"
        self.base = rows(p, self.cfg, p.seq if self.decode else None)
        self.bounds = stage_bounds(self.base, p.pipeline)
        self.S = len(self.bounds) - 1
        self.fwd_ar, self.bwd_ar = tp_points(self.base) if p.tensor > 1 else (set(), set())
        self.shares = chunks(p.batch, p.data).tolist()
        self.m = p.new_tokens if self.decode else p.micro_batches
        self.last: dict[tuple[int, int, int], int | None] = {
            (d, s, t): None for d in range(p.data) for s in range(p.pipeline)
            for t in range(p.tensor)}
        self.ends: dict[tuple[str, int, int, int, int], int] = {}   # (op, j, d, s, t) -> task
        self.next_rows: list[Row] | None = None         # decode: rows at position seq + 1

    def n(self, d: int, j: int) -> int:
        """Sequences of replica d in micro-batch j (decode: all of them, every step)."""
        return self.shares[d] if self.decode else int(chunks(self.shares[d], self.m)[j])

    def act_bytes(self, n: int) -> float:
        """Activations of n sequences between blocks: e n seq d_model (one token in decode)."""
        return float(self.e * n * (1 if self.decode else self.p.seq) * self.cfg.d_model)

    def net(self, j: int) -> list[Row]:
        """Rows of micro-batch j; decode: of the token at position seq + j, whose
        attention work and cache bytes grow linearly with the position (so rows at seq
        and seq + 1 give every later one exactly)."""
        if not self.decode or not j:
            return self.base
        if self.next_rows is None:
            self.next_rows = rows(self.p, self.cfg, self.p.seq + 1)
        return [replace(a, forward=a.forward + j * (b.forward - a.forward),
                        backward=a.backward + j * (b.backward - a.backward),
                        act_bytes=a.act_bytes + j * (b.act_bytes - a.act_bytes))
                for a, b in zip(self.base, self.next_rows, strict=True)]

    def run(self) -> TaskGraph:
        seqs = [stage_ops(self.p.schedule, s, self.S, self.m, self.train) for s in range(self.S)]
        nxt = [0] * self.S
        while any(nxt[s] < len(seqs[s]) for s in range(self.S)):
            moved = False
            for s in range(self.S):
                while nxt[s] < len(seqs[s]) and self._source(*seqs[s][nxt[s]], s) != ():
                    self._op(*seqs[s][nxt[s]], s, final=nxt[s] == len(seqs[s]) - 1)
                    nxt[s] += 1
                    moved = True
            if not moved:                        # pragma: no cover (the schedules are valid)
                raise RuntimeError("pipeline schedule deadlocks")
        if self.train and self.p.data > 1:
            self._gradients()
        return self.g.build()

    def _source(self, kind: str, j: int, s: int) -> tuple | None:
        """(op, j, stage) this op waits for on another stage, None if none, () if that
        one has not been emitted yet."""
        if kind == "F" and s > 0:
            src = ("F", j, s - 1)
        elif kind == "F" and self.decode and j and self.S > 1:
            src = ("F", j - 1, self.S - 1)
        elif kind == "B" and s < self.S - 1:
            src = ("B", j, s + 1)
        else:
            return None
        return src if (src[0], src[1], 0, src[2], 0) in self.ends else ()

    def _op(self, kind: str, j: int, s: int, final: bool) -> None:
        """Micro-batch (decode: token step) j through stage s, forward or backward, on
        every replica and tensor rank; `final`: the stage's last op."""
        p, g, net = self.p, self.g, self.net(j)
        forward = kind == "F"
        idx = list(range(self.bounds[s], self.bounds[s + 1]))[::1 if forward else -1]
        points = self.fwd_ar if forward else self.bwd_ar
        tag = f"s{s} tok{j}" if self.decode else f"s{s} mb{j} {'fwd' if forward else 'bwd'}"
        src = self._source(kind, j, s)
        end: dict[tuple[int, int], int] = {}
        pace = not forward and self.overlapped and not self.place.streams
        for k, i in enumerate(idx):
            row = net[i]
            n0 = self.n(0, j)
            work = (n0 * row.backward, 2 * (row.weight_bytes + n0 * row.act_bytes))
            pieces = self._pieces(s, self._time(*work) / p.tensor) if pace else 1
            for piece in range(pieces):
                for d in range(p.data):
                    n = self.n(d, j)
                    msg = float(TOKEN_BYTES * n) if forward and s == 0 else self.act_bytes(n)
                    flops = n * (row.forward if forward else row.backward) / p.tensor / pieces
                    nbytes = (row.weight_bytes + n * row.act_bytes) * (1 if forward else 2) \
                        / p.tensor / pieces
                    for t in range(p.tensor):
                        rank = (d, s, t)
                        deps = [x for x in (self.last[rank],) if x is not None]
                        up = self.ends[(src[0], src[1], d, src[2], t)] \
                            if k == 0 and piece == 0 and src else None
                        task = self.place.task(g, rank, flops, nbytes, deps, up, msg,
                                               tagged(row.name, tag), row.kind in MATRIX_KINDS)
                        self.last[rank] = end[(d, t)] = task
                if pace:
                    self._progress(s, self._time(*work) / p.tensor / pieces)
            if i in points:
                for d in range(p.data):
                    group = [(d, s, t) for t in range(p.tensor)]
                    first = len(g.names)
                    after = self.place.allreduce(g, group, self.act_bytes(self.n(d, j)),
                                                 [self.last[r] for r in group], self.e)
                    self._label(first, TP_ALLREDUCE, tag)
                    for t, x in enumerate(after):
                        self.last[(d, s, t)] = end[(d, t)] = x
            if not forward and final and (k == len(idx) - 1 or net[idx[k + 1]].bucket != row.bucket):
                params = sum(r.params for r in net if r.bucket == row.bucket)
                if pace:
                    self._bucket_ready(s, params)
                    self._progress(s, 0.0)
                elif self.overlapped:
                    self._streamed_allreduce(s, params)
        for (d, t), x in end.items():
            self.ends[(kind, j, d, s, t)] = x

    def _gradients(self) -> None:
        """After the backward: with overlap, the steps still pending; without, one
        allreduce of each rank's gradients over its replicas."""
        for s in range(self.S):
            params = sum(r.params for r in self.base[self.bounds[s]:self.bounds[s + 1]])
            for t in range(self.p.tensor):
                group = [(d, s, t) for d in range(self.p.data)]
                if self.p.overlap and self.place.streams:
                    continue                        # allreduced during the backward
                if self.p.overlap:
                    first = len(self.g.names)
                    for q in self.pending.get((s, t), []):
                        for step in q.steps:
                            for d, x in enumerate(step):
                                self.last[(d, s, t)] = x
                    self._label(first, DP_ALLREDUCE, f"s{s}")
                    continue
                first = len(self.g.names)
                after = self.place.allreduce(self.g, group, self.e * params / self.p.tensor,
                                             [self.last[r] for r in group], self.e)
                self._label(first, DP_ALLREDUCE, f"s{s}")
                for r, x in zip(group, after):
                    self.last[r] = x


    def _streamed_allreduce(self, s: int, params: int) -> None:
        """GPU, overlap: the bucket's gradients allreduced now over each tensor rank's
        replicas, beside the later kernels (on SM 0, not in the ranks' kernel order)."""
        if not params:
            return
        for t in range(self.p.tensor):
            group = [(d, s, t) for d in range(self.p.data)]
            first = len(self.g.names)
            self.place.allreduce(self.g, group, self.e * params / self.p.tensor,
                                 [self.last[r] for r in group], self.e)
            self._label(first, DP_ALLREDUCE, f"s{s}")


def tokens(p: Params) -> int:
    """Tokens a run processes: batch x seq (train, prefill) or batch x new_tokens (decode)."""
    return p.batch * (p.new_tokens if p.mode == "decode" else p.seq)


def summary(p: Params, machine, graph: TaskGraph, makespan: float, schedule=None,
            progress=None, cancel=None) -> dict:
    """Tokens processed and tokens per second (tokens / makespan)."""
    n = tokens(p)
    return {"tokens": n, "tokens_per_s": n / makespan if makespan > 0 else 0.0}


def summary_share(p: Params) -> float:
    return 0.0


