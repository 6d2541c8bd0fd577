"""Issue 12's reproducers: each ends as one line naming the field or line, exit 2."""

import io
import os
import re
import signal
import stat
import subprocess
import sys

import pytest

from parasim.sim import scenario as scenario_mod
from parasim.sim.cli import main
from parasim.sim.errors import ModelFileError, ScenarioError, TraceFormatError, WriteError
from parasim.sim.io.files import check_writable, write_atomic
from parasim.sim.io.trace_csv import parse_csv, read_csv
from parasim.sim.nn.modelfile import load_model_file
from parasim.sim.run import Run
from parasim.sim.spec import MAX_DEPTH, read_text
from parasim.sim.trace import COLUMNS
from parasim.sim.units import clip, one_line

DEEP = "{a = " * 1000 + "1" + "}" * 1000


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- nesting, values, messages ---------------------------------------------------------

def test_deeply_nested_scenario_is_refused(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(f'name = "x"\n[workload]\nkind = "bag"\n[extra]\na = {DEEP}\n')
    with pytest.raises(ScenarioError, match=f"nested more than {MAX_DEPTH}"):
        scenario_mod.load(str(path))


def test_deeply_nested_set_value_is_refused():
    with pytest.raises(ScenarioError, match="--set value .* nested more than"):
        scenario_mod.load("amdahl", [f"x={DEEP}"])
    shallow = "{a = " * (MAX_DEPTH + 2) + "1" + "}" * (MAX_DEPTH + 2)
    with pytest.raises(ScenarioError, match=r"^--set value '\{a = \{a = .* nested more than"):
        scenario_mod.load("amdahl", [f"x={shallow}"])


@pytest.mark.parametrize("text, shown", [
    ('"" = 1', "'' is not a known setting"),
    ('[machine]\n"" = 1', "'machine.' is not a known setting"),
    ('"' + "x" * 300 + '" = 1', "'xxxxx"),
])
def test_odd_keys_are_shown_quoted(text, shown):
    with pytest.raises(ScenarioError, match="^" + re.escape(shown)) as e:
        scenario_mod.loads(text)
    assert len(str(e.value)) < 300


@pytest.mark.parametrize("suffix, text", [
    (".toml", f"a = {DEEP}\n"),
    (".json", "[" * 5000 + "]" * 5000),
])
def test_deeply_nested_model_file_is_refused(tmp_path, suffix, text):
    path = tmp_path / f"m{suffix}"
    path.write_text(text)
    with pytest.raises(ModelFileError, match=f"m{suffix}: .*nested more than"):
        load_model_file(path)


@pytest.mark.parametrize("preset, field", [
    ("cluster-stencil", "machine.memory.bandwidth_gbs"),     # was: deadlock, 640 tasks
    ("gpu-offload", "machine.accelerator.link_gbs"),          # was: ValueError, unpack
    ("concurrency-vs-parallelism", "schedule.quantum_s"),
])
def test_tiny_rate_is_refused_naming_the_field(preset, field):
    with pytest.raises(ScenarioError, match=f"^{field} must be at least 1e-30"):
        scenario_mod.load(preset, [f"{field}=5e-324"])


def test_a_fraction_may_still_be_tiny():
    sc = scenario_mod.load("amdahl", ["workload.serial_fraction=1e-300"])
    assert sc.workload.serial_fraction == 1e-300


@pytest.mark.parametrize("override, field", [
    ("machine.preset={a=1}", "machine.preset must be one of"),
    (f"machine.freq_ghz={10 ** 400}", "machine.freq_ghz must be at most"),
    (f"machine.cores={10 ** 400}", "machine.cores must be a 64-bit integer"),
    ("workload.kind={a=1}", "workload.kind must be one of"),
    (".x=3", "--set expects key=value with a dotted key"),
    ("a..b=3", "--set expects key=value with a dotted key"),
])
def test_bad_overrides_end_in_one_short_line(capsys, override, field):
    code, out, err = run_cli(capsys, "run", "amdahl", "--set", override)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {field}") and err.count("\n") == 1 and len(err) < 300


def test_echoed_values_are_capped_and_escaped(capsys):
    code, _, err = run_cli(capsys, "run", "amdahl", "--set", 'name="' + "x" * 5000 + '\\n"',
                           "--set", "machine.cores=" + '"' + "y" * 5000 + '\\nz"')
    assert code == 2 and err.count("\n") == 1 and len(err) < 300
    assert err.startswith("error: machine.cores must be an integer, got 'yyy")
    assert "(5,005 characters)" in err
    assert clip("a\nb") == "'a\\nb'" and one_line("a\nb") == "a\\nb"


def test_non_utf8_scenario_names_file_and_place(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_bytes(b'name = "ok"\nexplain = "\xff"\n')
    code, _, err = run_cli(capsys, "run", str(path))
    assert code == 2
    assert err == f"error: {path} is not UTF-8 text (byte 0xff at line 2, column 12)\n"
    with pytest.raises(ValueError, match="line 2, column 12"):
        read_text(path)


def test_json_with_layers_keeps_stdout_json(capsys):
    import json
    code, out, _ = run_cli(capsys, "run", "vgg16-inference", "--json", "--layers",
                           "--set", "workload.batch=1")
    assert code == 0
    doc = json.loads(out)
    assert doc["layers"] and {"layer", "flops", "time_s"} <= set(doc["layers"][0])


# -- trace CSV -------------------------------------------------------------------------

HEAD = ",".join(COLUMNS) + "\n"


def test_header_only_trace_is_an_empty_run():
    run = Run.from_trace(parse_csv(io.StringIO(HEAD)))
    assert len(run.trace) == 0 and run.summary["makespan_s"] == 0.0


def test_non_utf8_trace_names_the_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes((HEAD + "0,0,0,compute,0,0,1,1,0,-1,-1,1\n0,\xff").encode("latin-1"))
    with pytest.raises(TraceFormatError, match=r"^line 3: not UTF-8 text \(byte 0xff at "
                                               r"column 3\)$"):
        read_csv(path)


# -- output files ----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["run", "amdahl", "--csv", ""], ["run", "amdahl", "--summary", ""],
    ["run", "amdahl", "--save-scenario", ""], ["flops", "tiny-cnn", "--csv", ""],
    ["sweep", "amdahl", "--vary", "machine.cores=1,2", "--csv", ""],
])
def test_empty_output_path_is_refused(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and err == "error: cannot write a file with an empty name (give a path)\n"


def test_write_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_read_only_file_is_refused_and_kept(tmp_path):
    path = tmp_path / "ro.csv"
    path.write_text("keep")
    path.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_atomic(path, "new")
    with pytest.raises(WriteError, match="read-only"):
        check_writable(path)
    assert path.read_text() == "keep" and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a")
    path.chmod(0o640)
    write_atomic(path, "b")
    assert path.read_text() == "b" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_fifo_without_reader_is_refused_and_kept(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(WriteError, match="FIFO that no process is reading"):
        write_atomic(path, "x")
    assert stat.S_ISFIFO(path.stat().st_mode)


def test_fifo_with_a_reader_is_written_directly(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(path, "hello")
        assert os.read(fd, 100) == b"hello"
    finally:
        os.close(fd)
    assert stat.S_ISFIFO(path.stat().st_mode)


def test_device_is_written_not_replaced():
    with pytest.raises(WriteError, match="/dev/full: No space left"):
        write_atomic("/dev/full", "x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_write_is_fsynced_before_the_rename(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync"))
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real(a, b)))
    write_atomic(tmp_path / "x", "a")
    assert calls == ["fsync", "replace"]


SLOW_WRITER = """
import sys, time
from parasim.sim.io.files import write_atomic
def lines():
    yield "x" * 1000
    print("started", flush=True)
    while True:
        time.sleep(0.01)
        yield "y" * 1000
write_atomic(sys.argv[1], lines())
"""


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, -signal.SIGINT)])
def test_signal_during_a_write_removes_the_temp_file(tmp_path, sig, code):
    target = tmp_path / "out.csv"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=os.path.dirname(os.path.dirname(__file__)))
    assert proc.stdout.readline() == b"started\n"
    assert any(p.name.startswith(".parasim-") for p in tmp_path.iterdir())
    proc.send_signal(sig)
    assert proc.wait(10) == code
    assert list(tmp_path.iterdir()) == []


def test_run_shows_progress_on_a_terminal(capsys, monkeypatch):
    import sys as sys_mod
    monkeypatch.setattr(sys_mod.stderr, "isatty", lambda: True)
    assert main(["run", "amdahl", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err.endswith("simulating... 100.0 %\n") and out.startswith("{")


@pytest.mark.parametrize("argv", [["validate", "--csv", ""], ["validate", "--from", ""]])
def test_validate_refuses_empty_paths_before_measuring(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and err.count("\n") == 1 and "cannot" in err


def test_validate_from_a_csv_with_a_huge_field_names_it(tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_text("kernel," + "x" * 140_000 + "\n")
    code, _, err = run_cli(capsys, "validate", "--from", str(path))
    assert code == 2 and err.startswith("error: cannot read '") and err.count("\n") == 1
    assert ": field larger than field limit" in err
