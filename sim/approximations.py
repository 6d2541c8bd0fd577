"""What the model leaves out: shown in the app (Help menu) and in the README.

ParaSim is a teaching and planning model, not a cycle-accurate simulator; each line
names one simplification a user should know before trusting a number.
"""

APPROXIMATIONS = (
    "Memory is a bandwidth model: a fairly shared stream with one latency per task, "
    "not a cache hierarchy. Reuse is expressed by a task's bytes, not simulated.",
    "Every PE of a run has the same rates: heterogeneous nodes (CPU + GPU in one HPL "
    "run) are not simulated. The offload workload is its own one-kernel model "
    "(copies, kernel, copies back) without a power model.",
    "Messages use an eager protocol with no per-message CPU overhead (no LogP o). "
    "Tofu-D's 6-D torus is modelled as a 2-D torus.",
    "Power is per core (busy or idle) and per node, from the trace, at one DVFS "
    "operating point per run; there is no thermal model.",
    "Top500 entries: Rpeak is computed from the node spec; Summit and Selene come out "
    "10 % and 13.5 % above the list because their GPUs are specified at boost clock.",
    "An event simulator follows about a million tasks per run at most (larger runs are "
    "refused with an estimate); whole Top500 systems are simulated as slices.",
    "FLOPs of a training step (flops --training): backward = 2 x forward for conv, "
    "linear and matmul layers, 2 x forward ops for norms, softmax and activations; "
    "attention counts the dense masked scores unless told to skip them.",
)
