"""Property tests of issue 12: whatever the user feeds the CLI and the trace loader,
it ends as promised: exit 0 or 2, never a traceback; an error is one line under 300
characters naming the field or the line; no example hangs; no file of the user's
changes except the requested target. Inputs come from tests/strategies.py (the same
strategies drive the longer campaign, scripts/fuzz.py)."""

import contextlib
import json
import os
import signal
import stat
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parasim.sim import size_guard
from parasim.sim.cli import main
from parasim.sim.errors import TraceFormatError
from parasim.sim.io.trace_csv import read_csv
from parasim.sim.run import Run
from tests.strategies import (
    OUTPUT_KINDS,
    make_output,
    model_files,
    mutated_presets,
    outcome,
    set_overrides,
    size_overrides,
    toml_text,
    trace_csvs,
)

EXAMPLE_S = 20          # an example running longer than this is a hang


def examples(n: int) -> settings:
    """n examples under the default profile, scaled with the one loaded (conftest.py:
    HYPOTHESIS_PROFILE=thorough runs about 8 times as many)."""
    return settings(max_examples=max(1, n * settings.default.max_examples // 60),
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


SMALL = examples(20)


@contextlib.contextmanager
def bounded(seconds: float = EXAMPLE_S):
    """Fail the example with TimeoutError if it runs longer than `seconds`."""
    def hang(signum, frame):
        raise TimeoutError(f"example still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def quick_guard(monkeypatch):
    """Runs the guard estimates over a second are refused (exit 2): examples stay short."""
    monkeypatch.setattr(size_guard, "MAX_RUN_S", 1.0)


def cli(capsys, argv) -> str | None:
    """What is wrong with the CLI's result (None: as promised); with --json, stdout
    must be one JSON document."""
    with bounded():
        code = main(argv)
    out, err = capsys.readouterr()
    if "--json" in argv and code == 0:
        try:
            json.loads(out)
        except ValueError:
            return f"--json printed something else: {out[:100]!r}"
    return outcome(code, err)


@SMALL
@given(case=mutated_presets())
def test_mutated_presets_end_as_promised(capsys, quick_guard, case):
    name, data, path = case
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "s.toml")
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(toml_text(data))
        assert cli(capsys, ["run", f]) is None, (name, path)
        assert os.listdir(d) == ["s.toml"]


@SMALL
@given(overrides=set_overrides(), preset=st.sampled_from(["amdahl", "cluster-allreduce-small",
                                                         "concurrency-vs-parallelism-io",
                                                         "gpu-offload"]))
def test_random_set_values_end_as_promised(capsys, quick_guard, overrides, preset):
    argv = ["run", preset, "--json", "--layers"]
    for o in overrides:
        argv += ["--set", o]
    assert cli(capsys, argv) is None, overrides


@examples(10)
@given(case=size_overrides())
def test_huge_and_tiny_sizes_are_guarded(capsys, quick_guard, case):
    preset, overrides = case
    argv = ["run", preset]
    for o in overrides:
        argv += ["--set", o]
    assert cli(capsys, argv) is None, overrides


@examples(60)
@given(data=trace_csvs())
def test_trace_csvs_load_or_name_the_line(data):
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "t.csv")
        with open(f, "wb") as fh:
            fh.write(data)
        with bounded():
            try:
                run = Run.from_trace_csv(f)
            except TraceFormatError as exc:
                message = str(exc)
                assert message.startswith("line ") and "\n" not in message
                assert len(message) < 300
            else:
                assert len(run.trace) == len(read_csv(f))


@SMALL
@given(model=model_files())
def test_model_files_end_as_promised(capsys, model):
    suffix, text = model
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "m" + suffix)
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(text)
        assert cli(capsys, ["flops", f]) is None, text[:200]


def snapshot(d: str) -> dict:
    """Every entry of d: its kind, mode and content (or link target)."""
    out = {}
    for name in os.listdir(d):
        p = os.path.join(d, name)
        st_ = os.lstat(p)
        body = os.readlink(p) if stat.S_ISLNK(st_.st_mode) else \
            open(p, "rb").read() if stat.S_ISREG(st_.st_mode) else None
        out[name] = (stat.S_IFMT(st_.st_mode), stat.S_IMODE(st_.st_mode), body)
    return out


VERBS = {"run --csv": ["run", "amdahl", "--csv"], "run --summary": ["run", "amdahl", "--summary"],
         "run --save-scenario": ["run", "amdahl", "--save-scenario"],
         "sweep --csv": ["sweep", "amdahl", "--vary", "machine.cores=1,2", "--csv"],
         "flops --csv": ["flops", "tiny-cnn", "--csv"]}


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_output_paths_of_every_kind(capsys, tmp_path, verb, kind):
    d = str(tmp_path)
    path = make_output(kind, d)
    before = snapshot(d)
    problem = cli(capsys, VERBS[verb] + [path])
    assert problem is None
    after = snapshot(d)
    target = os.path.realpath(path) if path else ""
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    allowed = {os.path.basename(path), os.path.basename(target)} if path else set()
    assert changed <= allowed, changed
    assert not any(n.startswith(".parasim-") for n in after)
    if kind == "symlink":
        assert os.path.islink(path)
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(path).st_mode)
    if kind == "read-only":
        assert after["ro"] == before["ro"]
