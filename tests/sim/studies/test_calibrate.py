"""Calibration's fits on synthetic noisy measurements, the scenario it writes, and
validate's predictions and report. Real-machine probes: tests/test_probes.py (-m probe)."""

import csv
import io
import os

import numpy as np
import pytest

from parasim.sim import scenario as sm
from parasim.sim.cli import main
from parasim.sim.studies import calibrate as cal
from parasim.sim.studies import fits
from parasim.sim.studies import validate as val

RNG = np.random.default_rng(7)


def noisy(x, rel=0.03):
    return np.asarray(x) * (1 + rel * RNG.standard_normal(np.shape(x)))


def test_hockney_fit_recovers_latency_and_bandwidth_from_noisy_times():
    sizes = np.array([8 * 8 ** i for i in range(8)] + [64 << 20], float)
    times = noisy(1.5e-6 + sizes / 10e9)
    latency, bandwidth = fits.fit_hockney(sizes, times)
    assert latency == pytest.approx(1.5e-6, rel=0.05)
    assert bandwidth == pytest.approx(10e9, rel=0.05)


def test_hockney_fit_clamps_a_negative_latency_and_refuses_flat_times():
    sizes = np.array([1e3, 1e6, 1e7])
    latency, bandwidth = fits.fit_hockney(sizes, sizes / 5e9 * np.array([1.3, 1.0, 1.0]))
    assert latency >= 0 and bandwidth == pytest.approx(5e9, rel=0.1)
    with pytest.raises(ValueError, match="do not grow"):
        fits.fit_hockney(sizes, [3e-3, 2e-3, 1e-3])


@pytest.mark.parametrize("core, node, workers", [(8e9, 20e9, 6), (8e9, 12e9, 2),
                                                 (8e9, 1e12, 2)])
def test_saturation_fit_recovers_the_per_core_limit_and_the_node_bandwidth(core, node,
                                                                           workers):
    k = np.arange(1, workers + 1)
    got_core, got_node = fits.fit_saturation(k, noisy(np.minimum(k * core, node), 0.02))
    assert got_core == pytest.approx(core, rel=0.05)
    assert got_node == pytest.approx(min(node, workers * core), rel=0.05)


def test_machine_rates_from_one_threads_dgemm():
    """2.5 GHz, 512-bit SIMD, 2 FMA units: 2.5e9 x 2 x 2 x 8 = 80 GFLOP/s per core."""
    freq, eff, _ = cal.machine_rates(60e9, 2500.0, 512)
    assert (freq, eff) == (pytest.approx(2.5), pytest.approx(0.75))
    freq, eff, how = cal.machine_rates(100e9, 2500.0, 512)     # faster than the clock says
    assert (freq, eff) == (pytest.approx(100 / 32), 1.0) and "raised" in how


def synthetic(cores=2):
    sizes = [8 * 8 ** i for i in range(8)]
    return cal.Calibration(
        cores=cores, mhz=2500.0, simd_bits=256, blas="openblas test",
        gemm={("float64", 1): 30e9, ("float64", cores): 58e9, ("float32", 1): 60e9,
              ("float32", cores): 110e9},
        gemm_n=1024, stream={"triad": [9e9, 14e9][:cores], "copy": [10e9, 15e9][:cores]},
        stream_n=1 << 22, latency_s=95e-9, chase_bytes=64 << 20,
        caches={"L1d": 32768, "L2": 1 << 20},
        messages={"shm": (sizes, [1e-6 + s / 8e9 for s in sizes]),
                  "socket": (sizes, [6e-6 + s / 2e9 for s in sizes])})


def test_written_scenario_round_trips_through_the_loader_with_a_comment_per_value():
    text = cal.to_toml(synthetic())
    sc = sm.loads(text)
    m = sc.machine
    assert (m.nodes, m.cores, m.freq_ghz, m.simd_bits) == (1, 2, 2.5, 256)
    assert m.dense_efficiency == pytest.approx(30e9 / 40e9)     # 2.5 GHz x 2 x 2 x 4
    assert m.memory.core_bandwidth_gbs == pytest.approx(9.0)
    assert m.memory.bandwidth_gbs == pytest.approx(14.0)
    assert m.memory.latency_ns == pytest.approx(95.0)
    assert m.network.intra_latency_us == pytest.approx(1.0, rel=1e-3)
    assert m.network.intra_bandwidth_gbs == pytest.approx(8.0, rel=1e-3)
    assert m.network.latency_us == pytest.approx(6.0, rel=1e-3)
    assert sm.loads(sm.dumps(sc)) == sc
    table = ""
    for line in text.splitlines():
        if line.startswith("["):
            table = line
        elif table.startswith("[machine") and "=" in line and not line.startswith("#"):
            assert "#" in line, line                     # how each value was measured


def test_the_file_says_how_times_were_taken():
    cal_ = synthetic()
    assert "Medians over repeats; wall-clock times." in cal.to_toml(cal_)
    cal_.stat, cal_.clock = "min", "cpu"
    assert "Minima over repeats; DGEMM and STREAM timed by CPU time" in cal.to_toml(cal_)


def test_calibrate_writes_atomically_and_ctrl_c_leaves_no_file(tmp_path, monkeypatch):
    out = tmp_path / "m.toml"

    def interrupted(mode, progress, stat, clock):
        raise KeyboardInterrupt
    monkeypatch.setattr(cal, "measure", interrupted)
    assert main(["calibrate", "--quick", "--out", str(out)]) == 130
    assert os.listdir(tmp_path) == []
    monkeypatch.setattr(cal, "measure", lambda mode, progress, stat, clock: synthetic())
    assert main(["calibrate", "--quick", "--out", str(out)]) == 0
    assert sm.load(str(out)).machine.cores == 2 and os.listdir(tmp_path) == ["m.toml"]


def test_calibrate_refuses_an_unwritable_output_before_probing(capsys, tmp_path):
    assert main(["calibrate", "--out", str(tmp_path / "no" / "m.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "m.toml" in err


@pytest.fixture(scope="module")
def machine():
    return sm.loads(cal.to_toml(synthetic()))


def test_predicted_pingpong_is_the_intra_node_hockney_line(machine):
    for n in (8, 1 << 20):
        assert val.predict_pingpong(machine, n) == pytest.approx(1e-6 + n / 8e9, rel=1e-3)


def test_predicted_tcp_pingpong_is_the_networks_hockney_line(machine):
    """Two nodes of the calibrated machine: latency_us 6, bandwidth_gbs 2 (loopback)."""
    for n in (8, 1 << 20):
        assert val.predict_pingpong(machine, n, between_nodes=True) == pytest.approx(
            6e-6 + n / 2e9, rel=1e-3)


def test_predicted_triad_is_24n_bytes_at_the_fair_share(machine):
    """One process: 24 n / 9 GB/s; two: 2 x 24 n / 14 GB/s (saturated)."""
    n = 1 << 20
    assert val.predict_triad(machine, n, 1) == pytest.approx(24 * n / 9e9, rel=1e-3)
    assert val.predict_triad(machine, n, 2) == pytest.approx(2 * 24 * n / 14e9, rel=1e-3)


def test_predicted_dgemm_is_2n3_at_the_measured_rate_of_each_thread_count(machine):
    """30 GFLOP/s on 1 thread, 58 on 2 (not 60): dense_contention 60 / 58 - 1 makes the
    model's 2 threads 58 GFLOP/s too."""
    n = 512
    assert machine.machine.dense_contention == pytest.approx(60 / 58 - 1, rel=1e-3)
    for t, flops in ((1, 30e9), (2, 58e9)):
        assert val.predict_gemm(machine, n, t) == pytest.approx(2 * n ** 3 / flops, rel=0.01)


@pytest.mark.parametrize("sigma", [0.0, 0.05, 0.3])
def test_contention_fit_recovers_sigma_from_noisy_dgemm_rates(sigma):
    t = np.arange(1, 9)
    flops = noisy(t * 40e9 / (1 + sigma * (t - 1)), 0.01)
    assert fits.fit_contention(t, flops) == pytest.approx(sigma, abs=0.01)


def test_contention_fit_is_zero_for_super_linear_or_single_thread_rates():
    assert fits.fit_contention([1, 2], [30e9, 64e9]) == 0.0
    assert fits.fit_contention([1], [30e9]) == 0.0


def test_contention_fit_above_1_when_more_threads_are_slower_still_loads():
    """2 threads at 18 GFLOP/s against 1 at 24 (a busy machine): sigma = 48 / 18 - 1."""
    c = synthetic()
    c.gemm[("float64", 2)] = 18e9
    c.gemm[("float64", 1)] = 24e9
    assert fits.fit_contention([1, 2], [24e9, 18e9]) == pytest.approx(48 / 18 - 1)
    assert sm.loads(cal.to_toml(c)).machine.dense_contention == pytest.approx(48 / 18 - 1,
                                                                               rel=1e-3)


def test_validate_report_and_csv():
    cases = [val.Case("DGEMM", "n=768, 1 thread", 0.105, 0.1),
             val.Case("ping-pong", "8 B one way", 1.2e-6, 1.0e-6)]
    assert [c.within_target for c in cases] == [True, False]
    table = val.format_table(cases).splitlines()
    assert table[0].split() == ["kernel", "case", "predicted", "measured", "error"]
    assert "+5.0 %" in table[1] and table[1].endswith("ok")
    assert "+20.0 %" in table[2] and table[2].endswith("over 15%")
    assert table[-1].startswith("1 of 2 cases within target")
    rows = list(csv.DictReader(io.StringIO(val.to_csv(cases))))
    assert tuple(rows[0]) == val.CSV_COLUMNS
    assert float(rows[1]["rel_error"]) == pytest.approx(0.2)


def test_two_regime_fit_finds_where_messages_leave_the_caches():
    """Up to 2 MiB at 12 GB/s, above at 3 GB/s, 1.4 us latency, 3 % noise."""
    sizes = np.array([8 * 8 ** i for i in range(8)] + [64 << 20], float)
    clean = 1.4e-6 + sizes / np.where(sizes <= 2 << 20, 12e9, 3e9)
    latency, cached, cut, bw = fits.fit_two_regimes(sizes, noisy(clean))
    assert cut == 2 << 20
    assert latency == pytest.approx(1.4e-6, rel=0.1)
    assert cached == pytest.approx(12e9, rel=0.1) and bw == pytest.approx(3e9, rel=0.1)


def test_two_regime_fit_keeps_one_line_when_one_line_fits():
    sizes = np.array([8 * 8 ** i for i in range(8)] + [64 << 20], float)
    latency, cached, cut, bw = fits.fit_two_regimes(sizes, noisy(2e-6 + sizes / 9e9, 0.02))
    assert cut is None and cached == bw == pytest.approx(9e9, rel=0.05)


def test_hockney_fit_drops_a_descheduled_outlier():
    """One size took 2 ms instead of 2 us (the peer process was not running)."""
    sizes = np.array([8 * 8 ** i for i in range(8)], float)
    times = 1e-6 + sizes / 10e9
    times[3] = 2e-3
    latency, bandwidth = fits.fit_hockney(sizes, times)
    assert latency == pytest.approx(1e-6, rel=1e-6) and bandwidth == pytest.approx(10e9)


def test_two_regime_fit_drops_a_descheduled_outlier_too():
    sizes = np.array([8 * 8 ** i for i in range(8)] + [64 << 20], float)
    times = 1.4e-6 + sizes / np.where(sizes <= 2 << 20, 12e9, 3e9)
    times[3] = 2e-3
    latency, cached, cut, bw = fits.fit_two_regimes(sizes, times)
    assert cut == 2 << 20 and latency == pytest.approx(1.4e-6, rel=1e-6)
    assert cached == pytest.approx(12e9) and bw == pytest.approx(3e9)


def test_validation_csv_reads_back_and_bad_lines_are_named(tmp_path):
    cases = [val.Case("triad", "n=4, 1 process", 2e-3, 2.5e-3),
             val.Case("ping-pong", "8 B one way", 1.2e-6, 1.0e-6)]
    path = tmp_path / "v.csv"
    val.write_csv(cases, str(path))
    assert val.read_csv(str(path)) == cases
    path.write_text("a,b\n")
    with pytest.raises(val.TraceFormatError, match="line 1: expected the header"):
        val.read_csv(str(path))
    path.write_text(val.to_csv(cases).replace("triad", "gemv"))
    with pytest.raises(val.TraceFormatError, match="line 2: kernel must be one of .* 'gemv'"):
        val.read_csv(str(path))
    path.write_text(val.to_csv(cases) + "DGEMM,x,-1,1,0\n")
    with pytest.raises(val.TraceFormatError, match="line 4: predicted_s must be a time > 0"):
        val.read_csv(str(path))


def test_validate_from_a_csv_prints_its_table_without_measuring(tmp_path, capsys):
    path = tmp_path / "v.csv"
    val.write_csv([val.Case("triad", "n=4, 1 process", 2e-3, 2.5e-3)], str(path))
    assert main(["validate", "--from", str(path)]) == 0
    out = capsys.readouterr().out
    assert "-20.0 %" in out and "over 10%" in out
    assert main(["validate", "--from", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err.startswith("error: cannot read")


def test_validate_predicts_on_one_node_of_a_cluster_file():
    """A 16-node torus preset: the predictions use one node and its memory copy."""
    sc = sm.load("cluster-stencil")
    m = sc.machine
    copy = m.memory.latency_ns * 1e-9 + 2 * 4096 / min(m.memory.core_bandwidth_gbs * 1e9,
                                                        m.memory.bandwidth_gbs * 1e9)
    assert val.predict_pingpong(sc, 4096) == pytest.approx(copy, rel=1e-9)


def test_sizes_left_out_of_the_tcp_fit_are_named_in_the_file():
    c = synthetic()
    sizes, times = c.messages["socket"]
    times = list(times)
    times[-1] *= 30                          # past the socket buffers: a cliff
    c.messages["socket"] = (sizes, times)
    text = cal.to_toml(c)
    assert "left out, over twice the line: 16 MiB" in text
    assert fits.off_the_line(sizes, times, 6e-6, 2e9) == [float(sizes[-1])]


# -- LogGOPS: o and O from the CPU time of a send + a receive, g from back-to-back sends

O_S, O_PER_B, GAP_S = 0.4e-6, 0.05e-9, 3e-6          # o, O, g of the synthetic machine
SIZES = np.array([8 * 8 ** i for i in range(8)] + [64 << 20], float)
COUNTS = np.array([32, 64, 128, 256], float)


def with_loggops(c, o=O_S, O=O_PER_B, noise=0.0):   # noqa: E741, N803 (LogGOPS's names)
    sizes = list(c.messages["shm"][0])
    pair = 2 * o + 2 * (np.asarray(sizes, float) - 1) * O
    c.send_recv = (sizes, list(noisy(pair, noise) if noise else pair))
    c.send_gaps = (list(COUNTS), list(20e-6 + COUNTS * GAP_S))
    return c


def test_overhead_fit_recovers_o_and_O_from_noisy_send_receive_times():
    pair = 2 * O_S + 2 * (SIZES - 1) * O_PER_B
    times = noisy(pair)
    times[2] = 5e-3                                   # one descheduled repeat
    o, O = fits.fit_overheads(SIZES, times)            # noqa: E741, N806
    assert o == pytest.approx(O_S, rel=0.05) and O == pytest.approx(O_PER_B, rel=0.05)
    o, O = fits.fit_overheads([8, 64, 512], [1.1e-6, 1e-6, 0.9e-6])     # noqa: E741, N806
    assert (o, O) == (pytest.approx(0.5e-6), 0.0)     # no growth: no per-byte cost


def test_gap_fit_is_the_slope_of_the_batch_time_over_the_count():
    times = noisy(20e-6 + COUNTS * GAP_S, 0.02)
    assert fits.fit_gap(COUNTS, times) == pytest.approx(GAP_S, rel=0.05)


def test_wire_latency_takes_both_overheads_out_of_the_fitted_line():
    """a = 6 us, o = 0.4 us, 2 GB/s: L = 6 + 0.0005 - 0.8 = 5.2005 us; never below 0."""
    assert fits.wire_latency(6e-6, 0.4e-6, 2e9) == pytest.approx(5.2005e-6)
    assert fits.wire_latency(0.5e-6, 0.4e-6, 2e9) == 0.0


@pytest.fixture(scope="module")
def loggops_machine():
    return sm.loads(cal.to_toml(with_loggops(synthetic())))


def test_written_loggops_values_round_trip_with_a_comment_each(loggops_machine):
    net = loggops_machine.machine.network
    assert net.overhead_us == pytest.approx(0.4, rel=1e-3)
    assert net.overhead_per_byte_ns == pytest.approx(0.05, rel=1e-3)
    assert net.gap_us == pytest.approx(3.0, rel=1e-3)
    assert net.intra_latency_us == pytest.approx(1.0 + 1e-3 / 8 - 0.8, rel=1e-3)
    assert net.latency_us == pytest.approx(6.0 + 1e-3 / 2 - 0.8, rel=1e-3)
    text = cal.to_toml(with_loggops(synthetic()))
    for key in ("overhead_us", "overhead_per_byte_ns", "gap_us"):
        line = next(x for x in text.splitlines() if x.startswith(key + " ="))
        assert "# LogGOPS" in line


@pytest.mark.parametrize("n", [8, 4096, 1 << 20])
def test_predicted_pingpong_with_loggops_is_the_measured_line_not_twice_the_latency(
        loggops_machine, n):
    """o + L + (s - 1) G + o with the written values is the fitted line a + s / b: the
    overheads are taken out of the latency once, not added on top."""
    net = loggops_machine.machine.network
    o = net.overhead_us * 1e-6
    intra = 2 * o + net.intra_latency_us * 1e-6 + (n - 1) / (net.intra_bandwidth_gbs * 1e9)
    tcp = 2 * o + net.latency_us * 1e-6 + (n - 1) / (net.bandwidth_gbs * 1e9)
    assert val.predict_pingpong(loggops_machine, n) == pytest.approx(intra, rel=1e-6)
    assert val.predict_pingpong(loggops_machine, n) == pytest.approx(1e-6 + n / 8e9, rel=1e-3)
    assert val.predict_pingpong(loggops_machine, n, between_nodes=True) == pytest.approx(
        tcp, rel=1e-6)
    assert val.predict_pingpong(loggops_machine, n, between_nodes=True) == pytest.approx(
        6e-6 + n / 2e9, rel=1e-3)


def test_a_per_byte_overhead_above_G_is_capped_and_said():
    """O = 1 ns/B over 2 GB/s TCP (G = 0.5 ns/B): written as 0.5, the fit named."""
    text = cal.to_toml(with_loggops(synthetic(), O=1e-9))
    assert sm.loads(text).machine.network.overhead_per_byte_ns == pytest.approx(0.5)
    assert "1 ns, capped at G" in text


def test_validate_prints_a_markdown_table_from_a_csv_and_from_a_run(tmp_path, capsys,
                                                                      monkeypatch):
    cases = [val.Case("DGEMM", "n=768, 2 threads", 9.1e-3, 10e-3),
             val.Case("TCP ping-pong", "64 MiB one way", 0.2, 0.1)]
    expected = ["| kernel | case | predicted | measured | error | target |",
                "|---|---|---:|---:|---:|---|",
                "| DGEMM | n=768, 2 threads | 9.1 ms | 10 ms | -9.0 % | ok |",
                "| TCP ping-pong | 64 MiB one way | 200 ms | 100 ms | +100.0 % | over 15% |",
                "",
                "1 of 2 cases within target (DGEMM and triad 10 %, ping-pongs 15 %)"]
    assert val.format_markdown(cases).splitlines() == expected
    path = tmp_path / "v.csv"
    val.write_csv(cases, str(path))
    assert main(["validate", "--from", str(path), "--markdown"]) == 0
    assert capsys.readouterr().out.splitlines() == expected
    monkeypatch.setattr(val, "run_cases", lambda sc, bar, stat, clock: cases)
    machine_file = tmp_path / "m.toml"
    machine_file.write_text(cal.to_toml(synthetic()))
    assert main(["validate", "--machine", str(machine_file), "--markdown"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:6] == expected and out[6] == "" and out[7].startswith("median over repeats")
