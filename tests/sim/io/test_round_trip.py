"""One definition of every quantity: a run and the same run reopened from its trace CSV
give the same roofline points, concurrency, task states and summary wherever the CSV
carries the data (issue 11; a time-sliced run with memory traffic, an offload run)."""

import numpy as np
import pytest

from parasim.sim import scenario
from parasim.sim.analysis.task_states import task_states
from parasim.sim.run import Run
from parasim.sim.simulate import simulate

CASES = {
    "timeslice-memory": ("concurrency-vs-parallelism", ["workload.bytes_per_task=1e8"]),
    "offload": ("gpu-offload", []),
    "cluster": ("cluster-allreduce-small", []),
    "cnn": ("vgg16-inference", []),
}
# summary keys only the scenario or the task graph can give (None from a trace alone)
NEEDS_SCENARIO = {"peak_flops_per_s", "fraction_of_peak", "serial_time_s", "speedup",
                  "parallel_efficiency", "karp_flatt", "arithmetic_intensity",
                  "ridge_point", "roofline_bound", "memory_bandwidth_bytes_per_s",
                  "attainable_flops_per_s", "precision", "critical_path_s", "tasks"}
# the CSV does not record PEs that never ran a span: with such PEs these differ
PE_COUNT = {"pes", "compute_fraction", "stall_fraction", "comm_fraction", "switch_fraction",
            "idle_fraction"}


@pytest.fixture(scope="module", params=list(CASES))
def pair(request, tmp_path_factory):
    name, overrides = CASES[request.param]
    run = simulate(scenario.load(name, overrides))
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    run.write_csv(path)
    return run, Run.from_trace_csv(path)


def test_roofline_points_are_the_same(pair):
    run, back = pair
    a, b = run.extras["roofline"]["tasks"], back.extras["roofline"]["tasks"]
    assert len(a["task"]) > 0
    for key in ("task", "intensity", "flops_per_s"):
        np.testing.assert_array_equal(a[key], b[key])


def test_concurrency_series_are_the_same(pair):
    run, back = pair
    for key in ("t_s", "concurrency", "parallelism"):
        np.testing.assert_array_equal(run.extras["concurrency"][key],
                                      back.extras["concurrency"][key])


def test_task_states_are_the_same(pair):
    run, back = pair
    a, b = task_states(run.trace, None), task_states(back.trace, None)
    for state in a:
        for key in ("task", "start_s", "end_s"):
            np.testing.assert_array_equal(a[state][key], b[state][key])


def test_summary_is_the_same_wherever_the_csv_carries_it(pair):
    run, back = pair
    skip = NEEDS_SCENARIO | (PE_COUNT if back.pes != run.pes else set())
    carried = [k for k, v in back.summary.items() if v is not None and k not in skip]
    assert {"flops", "makespan_s", "flops_per_s", "bytes_moved", "avg_concurrency"} <= set(carried)
    for key in carried:
        assert back.summary[key] == run.summary[key], key
