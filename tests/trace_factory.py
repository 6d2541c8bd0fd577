"""Hand-made traces for tests: spans given as tuples, messages and power optional."""

from types import MappingProxyType

import numpy as np

from parasim.sim.run import Run
from parasim.sim.trace import COLUMNS, DTYPES, KIND_CODE, Trace


def make_trace(spans, cores=2):
    """spans: (pe, kind, task, start, end, flops[, bytes[, peer, msg]]) tuples."""
    rows = []
    for sp in spans:
        pe, kind, task, s, e, fl = sp[:6]
        nb = sp[6] if len(sp) > 6 else 0.0
        peer, msg = (sp[7], sp[8]) if len(sp) > 8 else (-1, -1)
        rows.append((pe, pe // cores, pe % cores, KIND_CODE[kind], task, s, e, fl, nb,
                     peer, msg, 0))
    cols = list(zip(*rows))
    return Trace(**{c: np.asarray(v, DTYPES[c]) for c, v in zip(COLUMNS, cols)})


def make_run(spans, nodes=1, cores=2, names=None, power=None):
    trace = make_trace(spans, cores)
    base = Run.from_trace(trace)
    extras = MappingProxyType({"power": power} if power else {})
    return Run(None, trace, base.summary, nodes, cores, names, extras)


# PE0: compute t0 [0,2) 4 FLOP, stall t0 [2,3), compute t1 [3,4) 2 FLOP
# PE1: wait [0,1), compute t2 [1,3) 6 FLOP
SMALL = [(0, "compute", 0, 0.0, 2.0, 4.0, 8.0), (0, "stall", 0, 2.0, 3.0, 0.0),
         (0, "compute", 1, 3.0, 4.0, 2.0, 1.0), (1, "wait", -1, 0.0, 1.0, 0.0),
         (1, "compute", 2, 1.0, 3.0, 6.0, 2.0)]
