"""Per-layer results of a run: FLOPs and busy time aggregated by task name.

A workload that runs one layer as many tasks (per PE, per micro-batch) names each
task `layer @ tag` (see `tagged`); `layer_rows` groups the trace's compute and stall
spans by the part before the last " @ ", in the order the layers first appear:

    flops       FLOPs of the layer's tasks (sums to the run's total)
    time_s      PE-seconds the layer's tasks kept PEs busy (compute + stall spans)
    flops_share flops / total flops;  time_share  time_s / total busy PE-seconds
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ScenarioError
from ..taskgraph import layer_of
from ..trace import KIND_CODE, Trace


@dataclass(frozen=True)
class LayerDetail:
    """What the model says of a layer (per sample): kind, output shape, learnable
    parameters and its MACs as a formula with the numbers (sim.nn.count.mac_formula)."""

    kind: str
    output_shape: tuple[int, ...]
    params: int
    formula: str


def layer_details(run) -> dict[str, LayerDetail]:
    """Details of each layer of a run of a ``cnn`` or ``transformer`` workload, by layer
    name (a transformer at its sequence length; decoding: the first generated token);
    ``{}`` for other runs (or a model that no longer loads)."""
    workload = getattr(run.scenario, "workload", None)
    if workload is None:
        return {}
    kind = getattr(workload, "kind", None)
    # the model zoo, imported for these runs only
    from ..nn import load_model
    from ..nn.count import mac_formula
    from ..nn.transformer import build as build_transformer
    from ..workloads import transformer
    try:
        if kind == "cnn":
            resolved = load_model(workload.model).resolve(workload.input)
        elif kind == "transformer":
            decode = workload.mode == "decode"
            model = build_transformer(transformer.config(workload),
                                      past=workload.seq if decode else 0)
            resolved = model.resolve(1 if decode else workload.seq)
        else:
            return {}
    except (KeyError, ValueError, OSError, ScenarioError):
        return {}
    return {r.name: LayerDetail(r.kind, r.output_shape, r.params, mac_formula(r))
            for r in resolved}


@dataclass(frozen=True)
class LayerRow:
    layer: str
    flops: float
    time_s: float
    flops_share: float
    time_share: float


def layer_rows(trace: Trace, names: tuple[str, ...] | None) -> tuple[LayerRow, ...]:
    """Aggregate compute + stall spans by layer (see the module docstring)."""
    if not names:
        return ()
    layers: dict[str, int] = {}
    task_layer = np.array([layers.setdefault(layer_of(n), len(layers)) for n in names],
                          dtype=np.int64)
    busy = ((trace.kind == KIND_CODE["compute"]) | (trace.kind == KIND_CODE["stall"])) \
        & (trace.task >= 0)
    which = task_layer[trace.task[busy]]
    k = len(layers)
    flops = np.bincount(which, weights=trace.flops[busy], minlength=k)
    time = np.bincount(which, weights=(trace.end_s - trace.start_s)[busy], minlength=k)
    ftot, ttot = flops.sum(), time.sum()
    return tuple(
        LayerRow(name, float(flops[i]), float(time[i]),
                 float(flops[i] / ftot) if ftot > 0 else 0.0,
                 float(time[i] / ttot) if ttot > 0 else 0.0)
        for name, i in layers.items())


def per_layer(run) -> tuple[LayerRow, ...]:
    """Per-layer rows of a Run (from its extras when simulate() stored them)."""
    rows = run.extras.get("layers")
    return rows if rows is not None else layer_rows(run.trace, run.task_names)


