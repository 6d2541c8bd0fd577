"""The interconnect between nodes: settings, topologies, links and routes.

Every physical link is full duplex: it is two directed links (one per direction), each
of capacity `bandwidth_gbs`, and the two directions never share. A route is the list of
directed links a message crosses, chosen by deterministic shortest-path routing:

    crossbar  every node has a link to one non-blocking switch: up(src), down(dst); 1 hop
    bus       one medium shared by every message (a single resource); 1 hop
    ring      links i -> i+1 and i -> i-1; the shorter way round, clockwise on a tie
    mesh2d    X x Y grid (node = y X + x); dimension order: along x first, then y
    torus2d   the mesh with wrap-around links; each dimension the shorter way (+ on a tie)
    fattree   k-ary tree of switches over the nodes; the link above a subtree of k^l
              nodes carries bandwidth (k / oversubscription)^l, so oversubscription 1
              is full bisection; route up to the lowest common switch and down

Hops: links crossed on direct networks (ring, mesh, torus), switches crossed on
switched ones (crossbar 1, fattree 2 h - 1 below a common switch at height h, bus 1).
A message's latency is latency_us + (hops - 1) hop_latency_us, then its bytes flow
at the max-min fair share of its links (see fluid.py): alone on an idle path it takes
exactly latency + bytes / bandwidth (Hockney).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import ScenarioError
from ..spec import param

TOPOLOGIES = ("crossbar", "bus", "ring", "mesh2d", "torus2d", "fattree")

# Interconnect presets: typical MPI-level figures (approximate, for teaching).
INTERCONNECTS = {
    "ib-edr": {"latency_us": 1.0, "hop_latency_us": 0.1, "bandwidth_gbs": 12.5},
    "ib-hdr": {"latency_us": 0.6, "hop_latency_us": 0.1, "bandwidth_gbs": 25.0},
    "tofu-d": {"latency_us": 0.5, "hop_latency_us": 0.1, "bandwidth_gbs": 6.8},
    "gigabit-ethernet": {"latency_us": 40.0, "hop_latency_us": 5.0, "bandwidth_gbs": 0.125},
}
# What an unset field takes when no preset names it.
DEFAULTS = {"latency_us": 1.0, "hop_latency_us": 0.1, "bandwidth_gbs": 10.0}


@dataclass
class NetworkSpec:
    """[machine.network]. Link settings left unset come from `preset`, else DEFAULTS."""

    preset: str = param("none", choices=("none", *INTERCONNECTS),
                        help="Interconnect whose figures fill the link settings left unset "
                             "(ib-edr 12.5 GB/s; ib-hdr 25 GB/s, 0.6 us; tofu-d 6.8 GB/s, "
                             "0.5 us; gigabit-ethernet 0.125 GB/s, 40 us)")
    topology: str = param("crossbar", choices=TOPOLOGIES, help="How the nodes are joined")
    latency_us: float | None = param(None, unit="us", ge=0,
                                     help="End-to-end latency of a one-hop message "
                                          "(unset: preset, else 1 us)")
    hop_latency_us: float | None = param(None, unit="us", ge=0,
                                         help="Latency added per extra hop "
                                              "(unset: preset, else 0.1 us)")
    bandwidth_gbs: float | None = param(None, unit="GB/s", gt=0,
                                        help="Bandwidth of one link in one direction "
                                             "(unset: preset, else 10 GB/s)")
    mesh_x: int = param(0, ge=0, help="mesh2d / torus2d: nodes along x (0 = near-square)")
    mesh_y: int = param(0, ge=0, help="mesh2d / torus2d: nodes along y (0 = nodes / x)")
    fattree_k: int = param(4, ge=2, help="fattree: nodes (or switches) below each switch")
    oversubscription: float = param(1.0, ge=1,
                                    help="fattree: down/up bandwidth ratio at each level "
                                         "(1 = full bisection)")
    intra_latency_us: float | None = param(None, unit="us", ge=0,
                                           help="Latency of a message between two cores of "
                                                "one node (unset: the memory latency)")
    intra_bandwidth_gbs: float | None = param(None, unit="GB/s", gt=0,
                                              help="Rate of a message between two cores of "
                                                   "one node, its bytes one flow through the "
                                                   "node's memory (unset: a copy, 2 x bytes "
                                                   "at most core_bandwidth_gbs)")
    intra_cached_bytes: float | None = param(None, unit="B", ge=0,
                                             help="Messages within a node up to this size "
                                                  "stay in the caches: they take "
                                                  "intra_latency + bytes / "
                                                  "intra_cached_bandwidth_gbs and no memory "
                                                  "bandwidth (unset: off)")
    intra_cached_bandwidth_gbs: float | None = param(None, unit="GB/s", gt=0,
                                                     help="Rate of the messages within a "
                                                          "node of at most "
                                                          "intra_cached_bytes")
    # LogGOPS (LogGOPS below; engine/transport.py, programs/messages.py)
    overhead_us: float | None = param(None, unit="us", ge=0,
                                      help="LogGOPS o: CPU time a message costs its sender and "
                                           "its receiver (unset: 0)")
    gap_us: float | None = param(None, unit="us", ge=0,
                                 help="LogGOPS g: least time between two messages leaving "
                                      "(or entering) one NIC (unset: 0)")
    overhead_per_byte_ns: float | None = param(None, unit="ns", ge=0,
                                               help="LogGOPS O: CPU time per byte after the "
                                                    "first (unset: 0)")
    rendezvous_bytes: float | None = param(None, unit="B", ge=0,
                                           help="LogGOPS S: messages larger than this wait for "
                                                "the receiver's match (a round trip) before "
                                                "their data leaves; smaller ones are eager "
                                                "(unset: no threshold)")

    def value(self, name: str) -> float:
        """A link setting after the preset and the defaults have filled it in."""
        v = getattr(self, name)
        if v is not None:
            return v
        return INTERCONNECTS.get(self.preset, DEFAULTS)[name]

    def check_intra(self, path: str) -> None:
        """ScenarioError unless intra_cached_bytes and its bandwidth are set together."""
        if (self.intra_cached_bytes is None) != (self.intra_cached_bandwidth_gbs is None):
            raise ScenarioError(f"{path}.intra_cached_bytes and intra_cached_bandwidth_gbs "
                                f"must be set together, got {self.intra_cached_bytes} and "
                                f"{self.intra_cached_bandwidth_gbs}",
                                f"{path}.intra_cached_bytes")

    def check_nodes(self, nodes: int, path: str) -> None:
        """Raise ScenarioError if the mesh dimensions do not fit `nodes`."""
        if self.topology in ("mesh2d", "torus2d"):
            x, y = self.dims(nodes)
            if x * y != nodes:
                raise ScenarioError(
                    f"{path}.mesh_x x mesh_y must equal machine.nodes ({nodes}), got "
                    f"{self.mesh_x} x {self.mesh_y}", f"{path}.mesh_x")

    def dims(self, nodes: int) -> tuple[int, int]:
        """(X, Y) of a mesh or torus: the given ones, or near-square with X <= Y."""
        x, y = self.mesh_x, self.mesh_y
        if x and not y and nodes % x == 0:
            y = nodes // x
        elif y and not x and nodes % y == 0:
            x = nodes // y
        elif not x and not y:
            x = max(d for d in range(1, math.isqrt(nodes) + 1) if nodes % d == 0)
            y = nodes // x
        return x, y


class Network:
    """Directed links (capacities in bytes/s) and cached routes between nodes."""

    def __init__(self, spec: NetworkSpec, nodes: int):
        self.spec = spec
        self.nodes = nodes
        self.topology = spec.topology
        self.bandwidth = spec.value("bandwidth_gbs") * 1e9
        self.latency = spec.value("latency_us") * 1e-6
        self.hop_latency = spec.value("hop_latency_us") * 1e-6
        self.capacity: list[float] = []
        self.names: list[str] = []
        self._cache: dict[tuple[int, int], tuple[tuple[int, ...], float]] = {}
        getattr(self, f"_build_{self.topology}")()

    def _link(self, name: str, capacity: float | None = None) -> int:
        self.capacity.append(self.bandwidth if capacity is None else capacity)
        self.names.append(name)
        return len(self.capacity) - 1

    @property
    def physical_links(self) -> float:
        """Full-duplex links (each two directed ones) counted in links of bandwidth_gbs:
        a fattree link of r x that bandwidth is r links (cables in parallel); the bus,
        one shared medium, is one."""
        if self.topology == "bus":
            return 1.0
        return sum(self.capacity) / (2 * self.bandwidth)

    def route(self, a: int, b: int) -> tuple[tuple[int, ...], float]:
        """(directed links from node a to node b, latency in seconds); a != b."""
        key = (a, b)
        hit = self._cache.get(key)
        if hit is None:
            links, hops = self._route(a, b)
            hit = (tuple(links), self.latency + (hops - 1) * self.hop_latency)
            self._cache[key] = hit
        return hit

    # -- topologies: each _build_X creates the links, each _route_X finds a path -------

    def _build_crossbar(self) -> None:
        self.up = [self._link(f"node {i} -> switch") for i in range(self.nodes)]
        self.down = [self._link(f"switch -> node {i}") for i in range(self.nodes)]
        self._route = lambda a, b: ([self.up[a], self.down[b]], 1)

    def _build_bus(self) -> None:
        bus = self._link("bus")
        self._route = lambda a, b: ([bus], 1)

    def _build_ring(self) -> None:
        n = self.nodes
        cw = [self._link(f"{i} -> {(i + 1) % n}") for i in range(n)]
        ccw = [self._link(f"{i} -> {(i - 1) % n}") for i in range(n)]

        def route(a, b):
            fwd = (b - a) % n
            if fwd <= n - fwd:
                return [cw[(a + k) % n] for k in range(fwd)], fwd
            return [ccw[(a - k) % n] for k in range(n - fwd)], n - fwd
        self._route = route

    def _build_mesh2d(self, wrap: bool = False) -> None:
        X, Y = self.spec.dims(self.nodes)
        self.shape = (X, Y)
        links: dict[tuple[int, int], int] = {}
        for y in range(Y):
            for x in range(X):
                a = y * X + x
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    nx, ny = x + dx, y + dy
                    if wrap:
                        nx, ny = nx % X, ny % Y
                    elif not (0 <= nx < X and 0 <= ny < Y):
                        continue
                    b = ny * X + nx
                    if a != b and (a, b) not in links:
                        links[(a, b)] = self._link(f"{a} -> {b}")

        def steps(p, q, size):
            """Signed unit steps from coordinate p to q (shorter way on a torus)."""
            d = q - p
            if wrap:
                d %= size
                if d > size - d:
                    d -= size
            return [1 if d > 0 else -1] * abs(d)

        def route(a, b):
            x, y = a % X, a // X
            path = []
            for sx in steps(x, b % X, X):
                nx = (x + sx) % X
                path.append(links[(y * X + x, y * X + nx)])
                x = nx
            for sy in steps(y, b // X, Y):
                ny = (y + sy) % Y
                path.append(links[(y * X + x, ny * X + x)])
                y = ny
            return path, len(path)
        self._route = route

    def _build_torus2d(self) -> None:
        self._build_mesh2d(wrap=True)

    def _build_fattree(self) -> None:
        k, n = self.spec.fattree_k, self.nodes
        ratio = k / self.spec.oversubscription
        levels = 1
        while k ** levels < n:
            levels += 1
        # up[l][s] / down[l][s]: links above subtree s of height l (l = 0: a node)
        up: list[list[int]] = []
        down: list[list[int]] = []
        for level in range(levels):
            count = -(-n // k ** level)
            cap = self.bandwidth * ratio ** level
            up.append([self._link(f"L{level}.{s} up", cap) for s in range(count)])
            down.append([self._link(f"L{level}.{s} down", cap) for s in range(count)])

        def route(a, b):
            h = 1
            while a // k ** h != b // k ** h:
                h += 1
            ups = [up[lv][a // k ** lv] for lv in range(h)]
            downs = [down[lv][b // k ** lv] for lv in reversed(range(h))]
            return ups + downs, 2 * h - 1
        self._route = route


class LogGOPS(NamedTuple):
    """The LogGOPS message costs (Hoefler, Schneider, Lumsdaine, HPDC'10) of a network:
    seconds (o, g), seconds per byte (O, G = 1 / bandwidth), bytes (S); L is the route's
    latency. A message of s bytes carries s - 1 bytes after its first once o, g or O is
    above 0 or S is set (LogGOPSim's convention: the first byte travels with L), all s
    otherwise (Hockney: alpha + s / beta, every result as without LogGOPS)."""

    o: float
    g: float
    O: float                  # noqa: E741 (the model's own name)
    G: float
    S: float                  # rendezvous above this size; inf: never
    no_threshold: bool        # S unset: sends complete on delivery
    first_byte: float         # 1.0 in LogGOPS mode (payload s - 1), else 0.0

    @classmethod
    def of(cls, spec: NetworkSpec | None) -> LogGOPS:
        """From a NetworkSpec (None: the defaults, Hockney)."""
        spec = spec if spec is not None else NetworkSpec()
        S = spec.rendezvous_bytes
        o, g = (spec.overhead_us or 0.0) * 1e-6, (spec.gap_us or 0.0) * 1e-6
        O = (spec.overhead_per_byte_ns or 0.0) * 1e-9          # noqa: E741
        active = o > 0 or g > 0 or O > 0 or S is not None
        return cls(o=o, g=g, O=O, G=1.0 / (spec.value("bandwidth_gbs") * 1e9),
                   S=math.inf if S is None else S, no_threshold=S is None,
                   first_byte=1.0 if active else 0.0)

    def payload(self, nbytes: float) -> float:
        """The bytes that flow after the latency: s - 1 in LogGOPS mode, else s."""
        return max(nbytes - self.first_byte, 0.0)


def network_for(spec: NetworkSpec | None, nodes: int) -> Network:
    """The machine's network; with none given, a crossbar with the DEFAULTS."""
    return Network(spec if spec is not None else NetworkSpec(), nodes)
