"""The headless CLI: run, presets, exports and one-line errors with exit status 2."""

import json
import subprocess
import sys
from pathlib import Path

from parasim.sim.cli import main
from parasim.sim.io import trace_csv

ROOT = Path(__file__).resolve().parents[3]


def test_run_prints_a_table_with_units_and_convention(capsys):
    assert main(["run", "amdahl", "--set", "machine.cores=4"]) == 0
    out = capsys.readouterr().out
    assert "FLOPs (1 multiply-add = 2 FLOPs)" in out
    assert "GFLOP/s" in out and "Speedup" in out and " ms" in out


def test_run_json_and_exports(tmp_path, capsys):
    csv, summ = tmp_path / "t.csv", tmp_path / "s.json"
    assert main(["run", "smp-memory-wall", "--set", "workload.n=100000", "--json",
                 "--csv", str(csv), "--summary", str(summ)]) == 0
    printed = json.loads(capsys.readouterr().out)
    for key in ("flops", "makespan_s", "flops_per_s", "peak_flops_per_s", "fraction_of_peak",
                "speedup", "parallel_efficiency", "karp_flatt", "pes", "bytes_moved",
                "compute_fraction", "stall_fraction", "comm_fraction", "idle_fraction"):
        assert key in printed
    assert json.loads(summ.read_text()) == printed
    assert len(trace_csv.read_csv(csv)) == printed["spans"]


def test_macs_convention_halves_the_work_shown(capsys):
    main(["run", "amdahl", "--set", "options.flop_convention=macs"])
    out = capsys.readouterr().out
    assert "MACs (1 multiply-add = 1 MAC)" in out and "50 GMAC" in out


def test_presets_lists_one_line_each(capsys):
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("smp-memory-wall ") for line in lines)
    assert all(len(line.split()) > 2 for line in lines)


def test_presets_listing_reads_what_validation_reads(capsys):
    """The fast listing (each file's description) shows what `--check` (every preset
    loaded and validated as `run` does) shows; an unreadable preset is named invalid."""
    from parasim.sim.cli.presets import describe
    main(["presets"])
    fast = capsys.readouterr().out
    main(["presets", "--check"])
    assert capsys.readouterr().out == fast and "(invalid" not in fast
    assert describe("no-such-preset", check=False).startswith("(invalid: ")
    assert describe("no-such-preset", check=True).startswith("(invalid: ")


def test_bad_input_exits_2_with_one_line_and_no_traceback():
    proc = subprocess.run(
        [sys.executable, "main.py", "run", "amdahl", "--set", "machine.memory.bandwidth_gbs=0"],
        cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "error: machine.memory.bandwidth_gbs must be > 0, got 0\n"
    assert proc.stdout == ""


def test_unreadable_scenario_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[machine]\ncores = -3\n[workload]\nkind='bag'\n")
    assert main(["run", str(bad)]) == 2
    assert capsys.readouterr().err.strip() == "error: machine.cores must be >= 1, got -3"


def test_title_lists_set_overrides_instead_of_the_preset_description(capsys):
    assert main(["run", "amdahl", "--set", "workload.serial_fraction=1",
                 "--set", "machine.cores=2"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "amdahl (modified: workload.serial_fraction=1, machine.cores=2)"
    assert main(["run", "amdahl"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("amdahl: Compute-bound work")


def test_a_unit_kind_the_machine_lacks_is_refused_at_load_with_one_line(capsys):
    assert main(["run", "big-little", "--set", "workload.where=gpu"]) == 2
    assert capsys.readouterr().err == ('error: workload.where = "gpu" needs a device: the '
                                       'machine has none ([[machine.device]])\n')
