"""CNN workloads: wall time to build and simulate (with the one-core baseline);
then the `flops` verb's answer times (target: under 2 s each).

Run: python benchmarks/cnn.py   (prints one line per case: tasks, spans, wall time,
tasks simulated per second counting both the main and the baseline run; then one
line per `flops` case: in-process seconds, the whole command's wall seconds and its
CPU seconds: on a loaded machine the wall time grows, the CPU time does not)
The ONNX cases need the onnx package (pip install -e ".[onnx]").
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parasim.sim import scenario as scenario_mod
from parasim.sim.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    ("vgg16-inference", []),
    ("vgg16-pipeline", []),
    ("vgg16-inference", ["workload.model=\"resnet50\"", "workload.batch=64"]),
    ("vgg16-inference", ["workload.model=\"densenet121\"", "workload.batch=256",
                         "machine.cores=64"]),
    ("vgg16-pipeline", ["workload.model=\"densenet121\"", "workload.batch=256",
                        "workload.micro_batches=64", "machine.cores=16"]),
]


def main() -> None:
    print(f"{'case':<62} {'tasks':>7} {'spans':>8} {'wall s':>7} {'tasks/s':>9} "
          f"{'speedup':>8}")
    for name, sets in CASES:
        sc = scenario_mod.load(name, sets)
        t0 = time.perf_counter()
        run = simulate(sc)
        wall = time.perf_counter() - t0
        tasks = run.summary["tasks"]
        label = f"{name} {' '.join(sets)}"[:62]
        print(f"{label:<62} {tasks:>7} {run.summary['spans']:>8} {wall:>7.2f} "
              f"{2 * tasks / wall:>9.0f} {run.summary['speedup']:>8.2f}")


def flops_cases(tmp: Path) -> list[tuple[str, list[str]]]:
    cases = [("llama2_13b, 4096 tokens", ["llama2_13b"]),
             ("llama2_13b training step, all ops", ["llama2_13b", "--training", "--all-ops"]),
             ("llama2_13b decode at t=4000", ["llama2_13b", "--decode", "4000"])]
    try:
        sys.path.insert(0, str(ROOT / "scripts"))
        import onnx
        from make_onnx_models import transformer_onnx
    except ModuleNotFoundError:
        print("(onnx not installed: ONNX cases skipped)")
        return cases
    model = transformer_onnx(blocks=20, name="transformer-20-blocks")
    path = tmp / "big.onnx"
    onnx.save(model, path)
    cases.append((f"ONNX graph of {len(model.graph.node)} nodes", [str(path)]))
    return cases


def time_flops() -> None:
    from parasim.sim.cli import flops as cli

    print(f"\n{'flops case':<44} {'in-process s':>12} {'command s':>10} {'CPU s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, argv in flops_cases(Path(tmp)):
            t0 = time.perf_counter()
            with open(Path(tmp) / "out.txt", "w") as sink:
                stdout, sys.stdout = sys.stdout, sink
                try:
                    code = cli.main(["flops", *argv])
                finally:
                    sys.stdout = stdout
            inside = time.perf_counter() - t0
            t0, cpu0 = time.perf_counter(), _children_cpu()
            proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "flops", *argv, "--json"],
                                  capture_output=True, text=True, cwd=ROOT)
            whole, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
            ok = "" if code == 0 and proc.returncode == 0 else "  FAILED"
            print(f"{label:<44} {inside:>12.3f} {whole:>10.3f} {cpu:>7.3f}{ok}")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
    time_flops()
