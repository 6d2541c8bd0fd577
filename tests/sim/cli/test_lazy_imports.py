"""Start-up: a verb imports only what it needs (benchmarks/startup.py times them).

Each case runs the entry point in a fresh interpreter and lists the heavy modules
loaded once the verb has finished."""

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "simpy", "multiprocessing", "PySide6", "pyqtgraph", "parasim.sim.nn.zoo",
         "parasim.sim.simulate", "parasim.sim.studies", "parasim.sim.programs.executor",
         "parasim.sim.workloads.transformer", "parasim.sim.cli.sweep")

CASES = {
    # verb -> heavy modules it must not import
    ("presets",): {"numpy", "simpy", "multiprocessing", "PySide6", "pyqtgraph",
                   "parasim.sim.simulate", "parasim.sim.studies",
                   "parasim.sim.programs.executor", "parasim.sim.cli.sweep"},
    ("machines",): {"simpy", "multiprocessing", "PySide6", "pyqtgraph", "parasim.sim.nn.zoo",
                    "parasim.sim.simulate", "parasim.sim.studies", "parasim.sim.cli.sweep"},
    ("flops", "alexnet"): {"simpy", "multiprocessing", "PySide6", "pyqtgraph",
                           "parasim.sim.simulate", "parasim.sim.studies"},
    ("run", "amdahl", "--json"): {"multiprocessing", "PySide6", "pyqtgraph",
                                  "parasim.sim.nn.zoo", "parasim.sim.studies",
                                  "parasim.sim.programs.executor",
                                  "parasim.sim.workloads.transformer",
                                  "parasim.sim.cli.sweep"},
}

PROBE = """
import contextlib, io, json, sys
from parasim.main import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps([code, sorted(m for m in sys.modules
                               if m.split('.')[0] in {h.split('.')[0] for h in HEAVY}
                               and any(m == h or m.startswith(h + '.') for h in HEAVY))]))
"""


def loaded_after(argv: tuple[str, ...]) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", *argv],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    code, mods = json.loads(proc.stdout.splitlines()[-1])
    assert code == 0
    return {h for h in HEAVY if any(m == h or m.startswith(h + ".") for m in mods)}


@pytest.mark.parametrize("argv", list(CASES), ids=" ".join)
def test_verb_leaves_heavy_modules_unimported(argv):
    assert not loaded_after(argv) & CASES[argv]


def test_the_probe_sees_what_a_simulating_verb_imports():
    assert {"numpy", "simpy", "parasim.sim.simulate"} <= loaded_after(("run", "amdahl"))


def test_the_cli_package_lists_verbs_without_importing_them():
    code = ("import sys, parasim.sim.cli as c; c.verb_names(); "
            "print(sorted(m for m in sys.modules if m.startswith('parasim.sim.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout
    assert "parasim.sim.scenario" not in out and "parasim.sim.cli.run" not in out
