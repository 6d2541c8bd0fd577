"""Hypothesis strategies for hostile input (issue 12), shared by tests/sim/test_properties.py
and the fuzzing campaign scripts/fuzz.py: mutated presets, --set values, trace CSVs,
model files and output paths. Plus `outcome`: does a CLI run end as promised?"""

from __future__ import annotations

import math
import os
import re
import sys

import tomli_w
from hypothesis import strategies as st

from parasim.sim import scenario as scenario_mod
from parasim.sim.trace import COLUMNS, KINDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PRESETS = scenario_mod.preset_names()
DEPTH = 60        # deeper than any limit, shallow enough for tomli_w to write

EXTREME_NUMBERS = st.sampled_from([
    0, -1, 1, 2 ** 31, 2 ** 63 - 1, 2 ** 63, -(2 ** 63), 2 ** 64, 10 ** 30, 10 ** 400,
    5e-324, 1e-310, 1e-300, 1e-30, 1e-9, 0.5, 1e30, 1e300, 1.7976931348623157e308,
    math.inf, -math.inf, math.nan, -0.0])


def nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def leaf_paths(data: dict, prefix: tuple = ()) -> list[tuple]:
    out = []
    for k, v in data.items():
        out.append(prefix + (k,))
        if isinstance(v, dict):
            out += leaf_paths(v, prefix + (k,))
    return out


@st.composite
def hostile_values(draw):
    """A value of any TOML type, at its extremes."""
    return draw(st.one_of(
        EXTREME_NUMBERS, st.booleans(), st.text(max_size=20),
        st.integers(1, 20_000).map(lambda n: "x" * n),               # huge strings
        st.just("a\nb"), st.just(nested(DEPTH)), st.just({"a": 1}),
        st.lists(EXTREME_NUMBERS, max_size=3), st.just([]), st.just("")))


@st.composite
def mutated_presets(draw) -> tuple[str, dict, str]:
    """(preset, mutated data, dotted path touched): a key deleted, an unknown key
    added, a value swapped for another type or an extreme, or nested deep."""
    name = draw(st.sampled_from(PRESETS))
    data = tomllib.loads(scenario_mod.resolve(name).read_text(encoding="utf-8"))
    path = draw(st.sampled_from(leaf_paths(data)))
    node = data
    for part in path[:-1]:
        node = node[part]
    op = draw(st.sampled_from(["delete", "unknown", "value"]))
    if op == "delete":
        del node[path[-1]]
    elif op == "unknown":
        node[draw(st.sampled_from(["zz", "", "a.b", "x" * 300]))] = draw(hostile_values())
    else:
        node[path[-1]] = draw(hostile_values())
    return name, data, ".".join(path)


def toml_text(data: dict) -> str:
    """TOML for `data`; values TOML cannot hold (ints over 64 bits) written as is."""
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError, RecursionError):
        return repr(data)             # not TOML at all: the loader must say so


SET_KEYS = st.sampled_from([
    "machine.cores", "machine.nodes", "machine.freq_ghz", "machine.memory.bandwidth_gbs",
    "machine.preset", "machine.network.mesh_x", "workload.tasks", "workload.kind",
    "schedule.quantum_s", "schedule.policy", "seed", "name", "", ".", "a..b", "machine",
    "workload.io_waits", "machine.accelerator.sms", "view.tab", "x" * 200])
SET_VALUES = st.one_of(
    st.sampled_from(["1", "0", "-1", "1e-9", "5e-324", "1e400", "inf", "nan", "2**63",
                     str(2 ** 63), str(10 ** 400), "{a=1}", "[1,2]", '"block"', "true",
                     '"timeslice"', "=", "", '"' + "y" * 5000 + '"', "a\nb",
                     "{a=" * 500 + "1" + "}" * 500]),
    st.text(max_size=30))


@st.composite
def set_overrides(draw) -> list[str]:
    n = draw(st.integers(1, 3))
    return [f"{draw(SET_KEYS)}={draw(SET_VALUES)}" for _ in range(n)]


SIZE_KEYS = st.sampled_from([
    "workload.tasks", "machine.cores", "machine.nodes", "schedule.quantum_s",
    "workload.io_waits", "workload.transforms", "machine.accelerator.sms",
    "machine.network.mesh_x", "workload.iterations", "workload.repeats", "workload.n",
    "workload.batch", "workload.steps", "workload.bytes_per_task"])
SIZE_VALUES = st.sampled_from(["0", "1", "7", "100", "1000", "10000", "100000", "999999",
                               "65000001", "1e-300", "1e-9", "1e-6", "1e6", "1e12"])


@st.composite
def size_overrides(draw) -> tuple[str, list[str]]:
    """(preset, --set overrides) asking for huge or tiny sizes: the size guard's cases."""
    extra = draw(st.lists(st.sampled_from(['schedule.policy="timeslice"',
                                           'schedule.policy="block"']), max_size=1))
    sets = [f"{draw(SIZE_KEYS)}={draw(SIZE_VALUES)}" for _ in range(draw(st.integers(1, 3)))]
    return draw(st.sampled_from(PRESETS)), sets + extra


HEADER = ",".join(COLUMNS)
GOOD_ROW = "0,0,0,compute,0,0.0,1.0,10.0,0.0,-1,-1,1"
CELLS = st.one_of(
    st.sampled_from(["0", "-1", "1", "nan", "inf", "-inf", "5e-324", "1e-323", "1e300",
                     "1.7976931348623157e308", str(2 ** 63), "9" * 40, "65000001", "",
                     "x" * 200_000, "é", "1e", " 1", *KINDS, "nap"]),
    st.integers(-5, 5).map(str), st.floats(allow_nan=True).map(repr))


@st.composite
def trace_csvs(draw) -> bytes:
    """A trace CSV: good rows with some cells replaced, rows cut or lengthened,
    the header damaged, bytes that are not UTF-8."""
    rows = [HEADER]
    if draw(st.integers(0, 9)) == 0:
        rows[0] = draw(st.sampled_from(["", "pe,node", HEADER + ",x", HEADER.upper()]))
    for _ in range(draw(st.integers(0, 4))):
        cells = GOOD_ROW.split(",")
        for _ in range(draw(st.integers(0, 3))):
            cells[draw(st.integers(0, len(cells) - 1))] = draw(CELLS)
        cut = draw(st.sampled_from([len(cells), len(cells), len(cells) - 1, len(cells) + 1]))
        rows.append(",".join((cells + ["0"])[:cut]))
    text = "\n".join(rows) + draw(st.sampled_from(["\n", "", "\n\n", "\r\n"]))
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        data += b"\xff\xfe"
    return data


@st.composite
def model_files(draw) -> tuple[str, str]:
    """(suffix, text) of a model file: layers with extreme sizes, deep nesting, junk."""
    layer = {"name": "c1", "type": draw(st.sampled_from(["conv2d", "linear", "maxpool2d",
                                                         "adaptive_avgpool2d", "upsample",
                                                         "relu", "bogus"]))}
    for key in draw(st.lists(st.sampled_from(["in_channels", "out_channels", "kernel",
                                              "stride", "padding", "in_features",
                                              "out_features", "output_size", "scale",
                                              "groups", "size"]), max_size=4)):
        layer[key] = draw(st.one_of(EXTREME_NUMBERS, st.integers(1, 10 ** 9),
                                    st.just([3, 3]), st.just("x")))
    data = {"name": "fuzz", "input_channels": draw(st.sampled_from([3, 0, 10 ** 9, "x"])),
            "layers": draw(st.sampled_from([[layer], [], "x", [layer, layer]]))}
    if draw(st.integers(0, 5)) == 0:
        data["deep"] = nested(DEPTH)
    suffix = draw(st.sampled_from([".toml", ".json"]))
    if suffix == ".json":
        import json
        return suffix, json.dumps(data) if draw(st.booleans()) else "[" * 3000
    return suffix, toml_text(data)


OUTPUT_KINDS = ("empty", "missing-folder", "folder", "symlink", "dangling-symlink",
                "read-only", "fifo", "dev-null", "dev-full", "newline-name", "long-name",
                "existing", "new")


def make_output(kind: str, d: str) -> str:
    """An output path of `kind` inside folder d (with whatever it points at)."""
    if kind == "empty":
        return ""
    if kind == "missing-folder":
        return os.path.join(d, "nope", "out")
    if kind == "folder":
        os.mkdir(os.path.join(d, "sub"))
        return os.path.join(d, "sub")
    if kind in ("symlink", "dangling-symlink"):
        target = os.path.join(d, "target")
        if kind == "symlink":
            with open(target, "w") as fh:
                fh.write("old")
        os.symlink(target, os.path.join(d, "link"))
        return os.path.join(d, "link")
    if kind == "read-only":
        path = os.path.join(d, "ro")
        with open(path, "w") as fh:
            fh.write("keep")
        os.chmod(path, 0o444)
        return path
    if kind == "fifo":
        os.mkfifo(os.path.join(d, "fifo"))
        return os.path.join(d, "fifo")
    if kind in ("dev-null", "dev-full"):
        return "/dev/" + kind[4:]
    if kind == "newline-name":
        return os.path.join(d, "a\nb")
    if kind == "long-name":
        return os.path.join(d, "x" * 300)
    path = os.path.join(d, "out")
    if kind == "existing":
        with open(path, "w") as fh:
            fh.write("old")
    return path


ERROR_LINE = re.compile(r"^error: [^\n]{5,290}\n$")
NAMES_SOMETHING = re.compile(        # a dotted field, a line, an option, a file or a thing
    r"\w\.\w|line \d|--\w|^error: '|^error: [\w.\[\]-]+ (must|is|has) |"
    r"\b(workload|machine|schedule|seed|name|scenario|"
    r"description|explain|view|options|model|layer|file|run|sweep|comparison|trace|write|"
    r"input|batch|preset)")


def outcome(code: int, err: str) -> str | None:
    """What is wrong with a CLI result (None: as promised): exit 0 or 2, an error is
    one line under 300 characters naming what it is about, no traceback."""
    if "Traceback" in err:
        return "traceback"
    if code not in (0, 2):
        return f"exit {code}"
    last = err.splitlines(keepends=True)[-1] if err else ""
    if code == 2 and not (ERROR_LINE.match(last) and NAMES_SOMETHING.search(last)):
        return f"unclear error: {err[:120]!r}"
    return None
