"""What the model leaves out: shown in the app (Help menu) and in the README.

ParaSim is a teaching and planning model, not a cycle-accurate simulator; each line
names one simplification a user should know before trusting a number.
"""

APPROXIMATIONS = (
    "Memory is a bandwidth model: a fairly shared stream with one latency per task, "
    "not a cache hierarchy. Reuse is expressed by a task's bytes, not simulated.",
    "Heterogeneous nodes ([[machine.cpu]], [[machine.device]]): a task runs on one unit "
    "(a core or one SM); a GPU kernel is its thread blocks as tasks; copies move a "
    "producer's whole output once per memory domain; device memory capacity is not "
    "enforced; data between nodes is not copied (no messages on heterogeneous machines). "
    "Offload runs have no power model for the device.",
    "Messages cost LogGOPS (o, g, O; S for programs and GOAL schedules) only when the "
    "network sets them, else Hockney's alpha + n / beta with no CPU overhead; a message "
    "arriving while its receiver's CPU is busy is taken in by the NIC meanwhile (LogGOPSim "
    "waits for the CPU to receive its bytes); the NIC rows show each message's sending "
    "gap, not the receiver's. "
    "Tofu-D's 6-D torus is modelled as a 2-D torus. Collectives follow MPICH's "
    "algorithms; with P not a power of two, eager sends from the ranks that were not "
    "folded in share the folded ranks' links, so those runs can be slower than the "
    "paper's formula.",
    "A calibrated machine (parasim calibrate) has one sustained share of peak, divided "
    "by 1 + sigma (cores - 1) on a node of more cores (one contention figure for every "
    "matrix size, by the node's core count, not by how many cores are busy), and no "
    "cache model for memory traffic; intra-node messages get two Hockney lines at most "
    "(in cache, out of it).",
    "Programs: a rank's threads share nothing but what the program passes; handing out "
    "a parallel_for chunk, taking a lock and spawning a task cost no time; GOAL's calc "
    "N is N ns of CPU with no FLOPs; one CPU and one NIC per rank; on a heterogeneous "
    "machine ranks run on the CPU cores only (no compute on a device).",
    "Power is per core (busy or idle) and per node, from the trace, at one DVFS "
    "operating point per run; there is no thermal model.",
    "Top500 entries: Rpeak is computed from the node spec at the clock the list uses; "
    "for the A100 systems (Selene, JUWELS Booster) that clock is implied by the list's "
    "Rpeak, not published.",
    "An event simulator follows about a million tasks per run at most (larger runs are "
    "refused with an estimate); whole Top500 systems are simulated as slices.",
    "FLOPs of a training step (flops --training): backward = 2 x forward for conv, "
    "linear and matmul layers, 2 x forward ops for norms, softmax and activations; "
    "attention counts the dense masked scores unless told to skip them.",
    "The transformer workload's ranks run on CPU cores or on GPUs (a kernel per layer; "
    "allreduces are rings whose adds read no memory; with overlap one SM per GPU serves "
    "only the collectives). The GPU presets describe an A100 as 8 clusters of 13.5 SMs "
    "(equal blocks take the same time as on 108 SMs). A layer's bytes are its "
    "weights read once plus its activations (backward twice that; decoding reads the "
    "weights and the KV cache only); no optimizer update; tensor parallelism splits norms "
    "and adds too; on CPU cores an overlapped gradient allreduce is a ring per "
    "transformer block whose steps go between backward tasks.",
)
