"""The ``flops`` verb: table, --csv, --json, errors (one line, exit 2)."""

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parasim.sim.cli import flops as cli

ROOT = Path(__file__).resolve().parents[3]
TINY = ROOT / "assets" / "models" / "tiny-cnn.toml"


def run(capsys, *argv):
    code = cli.main(["flops", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_parser_registers_flops_on_foreign_parser():
    parser = argparse.ArgumentParser(prog="parasim")
    sub = parser.add_subparsers(dest="verb")
    cli.add_parser(sub)
    args = parser.parse_args(["flops", "vgg16", "--input", "112", "--batch", "2", "--all-ops",
                              "--convention", "flops"])
    assert args.model == "vgg16" and args.all_ops and args.convention == "flops"
    assert args.func is cli.run


def test_table(capsys):
    code, out, err = run(capsys, "vgg16")
    assert code == 0 and err == ""
    assert out.startswith("Model: vgg16")
    assert "Convention: MACs" in out
    assert "conv1_1" in out and "fc8" in out
    assert "Total: params 138.36 M (138,357,544)   MACs 15.47 G (15,470,264,320)" in out


def test_json(capsys):
    code, out, _ = run(capsys, "vgg16", "--json", "--batch", "2", "--input", "112")
    assert code == 0
    data = json.loads(out)
    assert {"model", "input", "batch", "params", "macs", "flops"} <= set(data)
    assert data["model"] == "vgg16" and data["input"] == [3, 112, 112] and data["batch"] == 2
    assert data["params"] == 138_357_544
    assert data["flops"] == 2 * data["macs"]
    one = json.loads(run(capsys, "vgg16", "--json", "--input", "112")[1])
    assert data["macs"] == 2 * one["macs"]


def test_csv(capsys, tmp_path):
    path = tmp_path / "out.csv"
    code, out, err = run(capsys, "resnet18", "--csv", str(path), "--convention", "flops")
    assert code == 0 and "FLOPs" in out and "wrote" in err
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["name", "type", "output_shape", "params", "macs", "flops", "share"]
    assert rows[0]["name"] == "conv1" and rows[0]["type"] == "conv2d"
    assert rows[0]["output_shape"] == "1x64x112x112"
    assert int(rows[0]["macs"]) == 118_013_952 and int(rows[0]["flops"]) == 2 * 118_013_952
    assert sum(int(r["params"]) for r in rows) == 11_689_512
    assert sum(float(r["share"]) for r in rows) == pytest.approx(1.0, abs=1e-4)
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left


def test_training_table_json_and_csv(capsys, tmp_path):
    code, out, err = run(capsys, "gpt2", "--training", "--input", "128", "--convention", "flops")
    assert code == 0 and err == ""
    assert "Forward FLOPs" in out and "Backward FLOPs" in out
    assert "Optimizer:" in out and "adamw: 16 per parameter x 124,439,808" in out
    assert "6 N D = 6 x 124.44 M params x 128 tokens" in out
    data = json.loads(run(capsys, "gpt2", "--training", "--input", "128", "--json",
                          "--recompute", "--optimizer", "sgd")[1])
    t = data["training"]
    assert t["optimizer"] == 2 * 124_439_808 and t["tokens"] == 128
    assert t["forward"] == data["macs"] and t["recomputed"] > 0
    assert t["total"] == t["forward"] + t["backward"] + t["optimizer"]
    path = tmp_path / "t.csv"
    assert run(capsys, "resnet18", "--training", "--csv", str(path))[0] == 0
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["name", "type", "output_shape", "params", "forward", "backward"]
    assert int(rows[0]["backward"]) == 2 * int(rows[0]["forward"]) == 2 * 118_013_952


def test_decode(capsys):
    code, out, _ = run(capsys, "llama2_7b", "--decode", "1000")
    assert code == 0 and "Decode step at position t=1000" in out and "memory-bound" in out
    data = json.loads(run(capsys, "llama2_7b", "--decode", "1000", "--json")[1])["decode"]
    assert data["kv_bytes"] == 2 * 32 * 32 * 128 * 1001 * 2  # K and V, 16-bit, t + 1 tokens
    assert data["weight_bytes"] == 2 * 6_738_415_616
    assert data["flops_per_byte"] < 1.0
    # a large batch shares the weights: 2 FLOPs per weight per sequence, 2-byte weights
    code, out, _ = run(capsys, "gpt2", "--decode", "5", "--batch", "512")
    assert code == 0 and "compare with the GPU's ridge point" in out


def test_language_model_default_sequence(capsys):
    code, out, _ = run(capsys, "gpt2")
    assert code == 0 and "input: 1x1024 (batch x tokens)" in out


def test_model_file(capsys):
    code, out, _ = run(capsys, str(TINY), "--input", "32x32", "--all-ops")
    assert code == 0 and "Model: tiny-cnn" in out and "skip" in out and "all other ops" in out


@pytest.mark.parametrize("argv, fragment", [
    (["resnet19"], "unknown model 'resnet19'"),
    (["no/such/model.toml"], "cannot read model file"),
    (["vgg16", "--input", "0"], "--input must be a positive size"),
    (["vgg16", "--input", "abc"], "--input must be a positive size"),
    (["vgg16", "--batch", "-3"], "--batch must be a positive integer"),
    (["vgg16", "--input", "16"], "layer 'pool5' (maxpool2d): output height"),
    (["resnet18", "--decode", "3"], "'resnet18' is not a transformer language model"),
    (["gpt2", "--decode", "1024"], "position 1024 is beyond the context of 1024 tokens"),
    (["bert_base", "--decode", "3"], "bert_base is an encoder: it has no KV cache"),
    (["gpt2", "--decode", "3", "--training"], "--decode and --training do not go together"),
    (["gpt2", "--recompute"], "--recompute needs --training"),
    (["gpt2", "--input", "2048"], "sequence of 2048 positions exceeds the 1024 learned"),
])
def test_errors_one_line_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_invalid_layer_file(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[layers]]\nname = "conv3"\ntype = "conv2d"\nin_channels = 30\n'
                   'out_channels = 8\nkernel = 3\ngroups = 4\n')
    code, out, err = run(capsys, str(bad))
    assert code == 2
    assert err == "error: bad.toml: layer 'conv3' (conv2d): in_channels 30 not divisible by groups 4\n"


def test_csv_unwritable(capsys, tmp_path):
    code, _, err = run(capsys, "alexnet", "--csv", str(tmp_path / "missing" / "x.csv"))
    assert code == 2 and err.startswith("error: cannot write") and err.count("\n") == 1


def test_python_m_entry():
    proc = subprocess.run([sys.executable, "-m", "parasim", "flops", "alexnet", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["params"] == 61_100_840
    bad = subprocess.run([sys.executable, "-m", "parasim", "flops", "nope"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_no_gui_or_torch_imports():
    code = ("import sys, parasim.sim.nn, parasim.sim.cli.flops, parasim.sim.nn.zoo; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'torch') or m.startswith('parasim.gui')]; print(bad)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
