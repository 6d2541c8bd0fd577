import json

from parasim.sim.analysis.queries import message_pairs
from parasim.sim.io.perfetto import chrome_events, to_json
from parasim.sim.scenario import load
from parasim.sim.simulate import simulate
from tests.trace_factory import SMALL, make_run, make_trace

MSG_SPANS = SMALL + [(0, "send", -1, 4.0, 4.5, 0.0, 100.0, 3, 7),
                     (3, "recv", -1, 4.2, 5.0, 0.0, 100.0, 0, 7),
                     (1, "send", -1, 4.0, 4.1, 0.0, 10.0, 2, 8)]   # msg 8 never received


def by_phase(events):
    out = {}
    for e in events:
        out.setdefault(e["ph"], []).append(e)
    return out


def test_json_is_valid_and_counts_match():
    power = {"t_s": [0.0, 1.0, 2.5], "watts": [10.0, 20.0, 5.0]}
    run = make_run(MSG_SPANS, nodes=2, cores=2, power=power)
    doc = json.loads(to_json(run))
    ph = by_phase(doc["traceEvents"])
    assert len(ph["X"]) == len(run.trace) == 8
    assert len(ph["s"]) == len(ph["f"]) == 1          # msg 7 only: 8 has no recv
    assert len(ph["C"]) == 3
    assert len(ph["M"]) == 2 + 4                      # nodes + PEs
    assert [c["args"]["watts"] for c in ph["C"]] == [10.0, 20.0, 5.0]


def test_span_times_in_microseconds_and_ids():
    run = make_run(MSG_SPANS, nodes=2, cores=2)
    ph = by_phase(chrome_events(run))
    first = next(e for e in ph["X"] if e["tid"] == 0 and e["cat"] == "compute")
    assert first["ts"] == 0.0 and first["dur"] == 2e6 and first["pid"] == 0
    recv = next(e for e in ph["X"] if e["cat"] == "recv")
    assert recv["pid"] == 1 and recv["tid"] == 3       # PE 3 is node 1 core 1
    s, f = ph["s"][0], ph["f"][0]
    assert s["id"] == f["id"] == 7
    assert (s["tid"], s["ts"]) == (0, 4.0e6) and (f["tid"], f["ts"], f["bp"]) == (3, 4.2e6, "e")
    assert "C" not in ph                               # no power model, no counters


def test_message_pairs_match_send_to_recv():
    tr = make_trace(MSG_SPANS)
    send, recv = message_pairs(tr)
    assert len(send) == 1
    assert tr.msg[send[0]] == tr.msg[recv[0]] == 7


def test_simulated_run_exports_every_span():
    run = simulate(load("amdahl"), baseline=False)
    ph = by_phase(json.loads(to_json(run))["traceEvents"])
    assert len(ph["X"]) == len(run.trace)
    names = {e["name"] for e in ph["X"]}
    assert "serial part" in names


def test_network_run_has_one_flow_per_message_and_power_counters():
    run = simulate(load("cluster-pingpong"), baseline=False)
    ph = by_phase(json.loads(to_json(run))["traceEvents"])
    sends = int((run.trace.kind == 2).sum())
    assert sends > 0 and len(ph["s"]) == len(ph["f"]) == sends
    power = simulate(load("power-wall"), baseline=False)
    ph = by_phase(json.loads(to_json(power))["traceEvents"])
    assert len(ph["C"]) == len(power.extras["power"]["t_s"])
