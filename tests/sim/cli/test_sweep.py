"""The sweep verb: table and fits, CSV and JSON exports, one-line errors with exit 2."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parasim.sim.cli import main

ROOT = Path(__file__).resolve().parents[3]
SMALL = ["--set", "workload.tasks=48", "--workers", "1"]


def test_sweep_prints_table_and_amdahl_fit(capsys):
    assert main(["sweep", "amdahl", "--vary", "machine.cores=1,2,4", *SMALL]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "amdahl: strong scaling"
    assert lines[1].split()[:3] == ["machine.cores", "makespan", "T1"]
    assert [line.split()[0] for line in lines[2:5]] == ["1", "2", "4"]
    assert "Amdahl fit (strong scaling): serial fraction s = 0.1000" in out
    assert "speedup limit 1/s = 10.00" in out
    assert "Karp-Flatt e by P: 2: 0.1000, 4: 0.1000" in out


def test_weak_sweep_prints_gustafson(capsys):
    assert main(["sweep", "amdahl", "--vary", "machine.cores=1,2,4", "--mode", "weak",
                 *SMALL]) == 0
    out = capsys.readouterr().out
    # Gustafson: S(4) = 4 - 0.1 * 3 = 3.7
    assert "Gustafson fit (weak scaling): serial fraction s = 0.1000; scaled speedup at " \
           "P = 4: 3.700 measured, 3.700 fitted" in out
    # Karp-Flatt measures a fixed problem: the scaled speedups would give 0.0526, 0.0270
    assert "Karp-Flatt: not defined for weak scaling (it assumes a fixed problem)" in out
    assert "Karp-Flatt e by P" not in out


def test_sweep_csv_and_json(tmp_path, capsys):
    path = tmp_path / "out.csv"
    assert main(["sweep", "amdahl", "--vary", "machine.cores=1,2", "--vary",
                 "machine.freq_ghz=1,2", "--csv", str(path), "--json", *SMALL]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["varied"] == ["machine.cores", "machine.freq_ghz"]
    assert len(data["rows"]) == 4 and data["rows"][0]["karp_flatt"] is None
    assert [f["series"] for f in data["fits"]] == [{"machine.freq_ghz": 1},
                                                   {"machine.freq_ghz": 2}]
    assert data["fits"][0]["serial_fraction"] == pytest.approx(0.1, rel=1e-9)
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["machine.cores"], r["machine.freq_ghz"]) for r in rows] == [
        ("1", "1"), ("1", "2"), ("2", "1"), ("2", "2")]
    assert [float(r["speedup"]) for r in rows] == [r["speedup"] for r in data["rows"]]


def test_no_pe_axis_means_no_fit(capsys):
    assert main(["sweep", "amdahl", "--vary", "seed=1,2", *SMALL]) == 0
    out = capsys.readouterr().out
    assert "PEs" in out.splitlines()[1]
    assert "No fits: vary machine.cores or machine.nodes" in out


@pytest.mark.parametrize("args, message", [
    (["--vary", "machine.corez=1,2"], "error: --vary machine.corez: no such setting "
     "(machine has: cores, dense_contention, dense_efficiency, fma_units, freq_ghz, "
     "memory, nodes, simd_bits)"),
    (["--vary", "machine.cores=1,-2"], "error: --vary point machine.cores=-2: "
     "machine.cores must be >= 1, got -2"),
    (["--vary", "machine.cores"], "error: --vary expects KEY=V1,V2,..., got 'machine.cores'"),
    (["--vary", "machine.cores=1,2", "--workers", "0"], "error: --workers must be >= 1, got 0"),
])
def test_bad_input_is_one_line_exit_2(args, message):
    proc = subprocess.run([sys.executable, "main.py", "sweep", "amdahl", *args],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == message + "\n"
    assert proc.stdout == ""


def test_progress_bar_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["sweep", "amdahl", "--vary", "machine.cores=1,2", *SMALL]) == 0
    err = capsys.readouterr().err
    # one shared baseline + 2 runs, redrawn in place, a newline at the end
    assert err.startswith("\r[" + "." * 30 + "] 0/3 runs")
    assert err.endswith("\r[" + "#" * 30 + "] 3/3 runs\n")


def test_tiny_speedups_keep_significant_digits(capsys):
    # allreduce of 8 B on 2 nodes: one core does its adds in T1 = 25 ps, the exchange
    # takes 2 us: S ~ 1.25e-5, printed as such and not as 0.000
    assert main(["sweep", "cluster-allreduce-small", "--vary", "machine.nodes=2,4"]) == 0
    out = capsys.readouterr().out
    assert "0.000 " not in out and "e-05" in out


def validation_csv(tmp_path):
    from parasim.sim.studies import validate as val
    path = tmp_path / "v.csv"
    val.write_csv([val.Case("DGEMM", "n=768, 2 threads", 9.1e-3, 10e-3),
                   val.Case("ping-pong", "8 B one way", 1.05e-6, 1e-6),
                   val.Case("TCP ping-pong", "64 MiB one way", 0.2, 0.1)], str(path))
    return str(path)


def test_sweep_measured_prints_predicted_against_measured_without_running(tmp_path, capsys):
    """-9 %: 4 columns of 2.5 % left of 0, on the 10 % target mark; +5 %: 2 right of 0
    inside the 15 % marks; +100 %: past the +50 % edge."""
    assert main(["sweep", "--measured", validation_csv(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 cases within target" in out
    assert "DGEMM, n=768, 2 threads" in out
    assert "-9.0 %  [                ####|   :                ]" in out
    assert "+5.0 %  [              :     |##   :              ]" in out
    assert "+100.0 %  [              :     |###################>]" in out


def test_sweep_measured_as_json(tmp_path, capsys):
    assert main(["sweep", "--measured", validation_csv(tmp_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["kernel"] for r in rows] == ["DGEMM", "ping-pong", "TCP ping-pong"]
    assert rows[0]["rel_error"] == pytest.approx(-0.09) and rows[2]["within_target"] is False


@pytest.mark.parametrize("argv", [["sweep"], ["sweep", "amdahl", "--measured", "v.csv"]])
def test_sweep_needs_a_scenario_or_a_measured_csv_not_both(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == "error: sweep needs a scenario or --measured CSV (one of them)\n"
