"""Every key of a run's summary, declared once: its unit and meaning, grouped by the
producer that fills it. A producer fills every key of its group (some may be None where
the run cannot know them, e.g. speedup without a one-core baseline); tests hold each
run's summary to this list. Units: SI, work always in FLOPs (1 multiply-add = 2).
"""

from __future__ import annotations

from typing import NamedTuple


class Key(NamedTuple):
    unit: str          # "" for a plain number or a ratio, "text" for a string
    meaning: str


METRICS = {                                            # analysis/metrics.summarize
    "flops": Key("FLOP", "work done"),
    "flop_convention": Key("text", "how work is counted (always 'flops')"),
    "precision": Key("text", "the precision that carries most FLOPs"),
    "makespan_s": Key("s", "time from start to the last span's end"),
    "flops_per_s": Key("FLOP/s", "achieved rate: flops / makespan"),
    "peak_flops_per_s": Key("FLOP/s", "machine peak for the run's precision mix"),
    "fraction_of_peak": Key("", "flops_per_s / peak_flops_per_s"),
    "serial_time_s": Key("s", "T1: the same graph on one core of the machine"),
    "speedup": Key("", "T1 / makespan"),
    "parallel_efficiency": Key("", "speedup / PEs"),
    "karp_flatt": Key("", "experimental serial fraction (1/S - 1/P) / (1 - 1/P)"),
    "critical_path_s": Key("s", "longest chain of task (and message) times"),
    "pes": Key("", "processing elements"),
    "tasks": Key("", "tasks in the graph (or seen in the trace)"),
    "spans": Key("", "rows in the trace"),
    "bytes_moved": Key("B", "memory traffic of all tasks"),
    "compute_fraction": Key("", "share of PE-time computing"),
    "stall_fraction": Key("", "share of PE-time stalled on memory"),
    "comm_fraction": Key("", "share of PE-time sending or receiving"),
    "switch_fraction": Key("", "share of PE-time switching context"),
    "idle_fraction": Key("", "share of PE-time idle or waiting"),
    "arithmetic_intensity": Key("FLOP/B", "flops / bytes_moved"),
    "ridge_point": Key("FLOP/B", "peak / memory bandwidth"),
    "roofline_bound": Key("text", "'memory' below the ridge point, else 'compute'"),
    "memory_bandwidth_bytes_per_s": Key("B/s", "the machine's memory ceiling"),
    "attainable_flops_per_s": Key("FLOP/s", "min(peak, intensity x bandwidth)"),
}
CONCURRENCY = {                                        # analysis/concurrency
    "avg_concurrency": Key("", "time-averaged tasks started and not finished"),
    "max_concurrency": Key("", "most tasks in progress at once"),
    "avg_parallelism": Key("", "time-averaged PEs running a task"),
    "max_parallelism": Key("", "most PEs running tasks at once"),
}
NETWORK = {                                            # engine/transport (messages)
    "messages": Key("", "messages sent"),
    "bytes_sent": Key("B", "bytes in all messages"),
}
BUSIEST_LINK = {                                       # engine/transport, several nodes
    "busiest_link_utilisation": Key("", "busiest link's bytes / (capacity x makespan)"),
    "busiest_link": Key("text", "its name"),
}
CRITICAL_PATH = {                                      # analysis/critical (engine runs)
    "critical_path_dominant": Key("text", "resource most of the critical path as run "
                                          "went to: compute, memory, network or waiting"),
}
POWER = {                                              # analysis/power ([machine.power])
    "energy_j": Key("J", "integral of power over the run"),
    "static_energy_j": Key("J", "idle power x makespan"),
    "dynamic_energy_j": Key("J", "busy core-seconds x dynamic power"),
    "avg_power_w": Key("W", "energy / makespan"),
    "peak_power_w": Key("W", "highest power at any instant"),
    "flops_per_watt": Key("GFLOP/s/W", "(flops / makespan) / 1e9 / avg power"),
    "edp": Key("J s", "energy x makespan"),
    "core_dynamic_w": Key("W", "one busy core's dynamic power"),
    "voltage_v": Key("V", "core voltage at the clock (cmos model)"),
}
OFFLOAD = {                                            # runners/offload
    "copy_in_s": Key("s", "host -> device copy"),
    "kernel_s": Key("s", "kernel on the device's SMs"),
    "copy_out_s": Key("s", "device -> host copy"),
    "host_only_s": Key("s", "the same kernel on the host's cores"),
    "offload_speedup": Key("", "host_only_s / makespan"),
    "offload_pays_off": Key("", "host_only_s > makespan"),
    "crossover_n": Key("", "elements above which offloading pays off"),
}
HPL = {                                                # runners/hpl
    "hpl_n": Key("", "matrix order N"),
    "hpl_flops": Key("FLOP", "2/3 N^3 + 2 N^2"),
    "hpl_precision": Key("text", "precision of the factorisation"),
    "rmax_flops_per_s": Key("FLOP/s", "hpl_flops / makespan"),
    "rpeak_flops_per_s": Key("FLOP/s", "fp64 peak"),
    "rmax_over_rpeak": Key("", "Rmax / Rpeak"),
    "hpl_fp64_makespan_s": Key("s", "the fp64 reference run (low precision only)"),
    "hpl_mixed_speedup": Key("", "fp64 time / this run's time"),
}
PROGRAM = {                                            # runners/program
    "ranks": Key("", "ranks of the program or schedule"),
    "threads_per_rank": Key("", "PEs each rank owns for its threads (PEs / ranks)"),
}
TRANSFORMER = {                                        # workloads/transformer.summary
    "tokens": Key("", "tokens processed: batch x seq (train, prefill), batch x new_tokens "
                      "(decode)"),
    "tokens_per_s": Key("1/s", "tokens / makespan"),
}
HETERO = {                                             # engine/hetero (analysis/metrics)
    "units": Key("text", "per unit group: kind, PEs, utilisation, FLOPs (a table)"),
    "copy_fraction": Key("", "share of PE-time waiting for copies between memories"),
    "copies": Key("", "copies between memories (a staged one per hop)"),
    "copied_bytes": Key("B", "bytes those copies moved"),
}
UNIT_POWER = {                                         # analysis/power, heterogeneous
    "unit_energy_j": Key("J", "energy per unit group (a table)"),
}
HPL_LIST = {                                           # workloads/lu_tiles (hpl-node)
    "list_system": Key("text", "the Top500 system beside which Rmax is shown"),
    "list_rmax_per_node_flops_per_s": Key("FLOP/s", "the list's Rmax / nodes"),
    "list_rpeak_per_node_flops_per_s": Key("FLOP/s", "the list's Rpeak / nodes"),
    "list_rmax_over_rpeak": Key("", "the list's Rmax / Rpeak"),
}
NOTES = {
    "warnings": Key("text", "one-line warnings about the run (a list)"),
}

GROUPS = {"metrics": METRICS, "concurrency": CONCURRENCY, "network": NETWORK,
          "busiest_link": BUSIEST_LINK, "critical_path": CRITICAL_PATH, "power": POWER,
          "offload": OFFLOAD, "hpl": HPL, "program": PROGRAM, "hetero": HETERO,
          "unit_power": UNIT_POWER,
          "hpl_list": HPL_LIST, "transformer": TRANSFORMER, "notes": NOTES}
SUMMARY_KEYS: dict[str, Key] = {k: v for group in GROUPS.values() for k, v in group.items()}
