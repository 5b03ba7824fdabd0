"""ForceAtlas2 positions computed in Python, then an overlap-removal pass: the page opens on a finished drawing.

Small graphs get exact repulsion between every pair of nodes. Large graphs get the
same forces with repulsion computed on a grid (masses spread on the grid, convolved
with the repulsion kernel by FFT, read back at each node), which is O(n + G² log G)
per iteration instead of O(n²), the idea FIt-SNE uses for t-SNE. Everything is seeded
and sequential, so a graph gives the same bytes on every build on the same machine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

__all__ = ["EXACT_LIMIT", "SMALL_FIGURE", "forceatlas2", "fruchterman_reingold", "remove_overlaps", "small_figure", "layout"]

EXACT_LIMIT = 600
"""Up to this many nodes repulsion is exact (every pair); above, it is computed on a grid."""

SMALL_FIGURE = 8
"""A connected graph of up to this many nodes is drawn as a fixed figure (:func:`small_figure`)."""

Positions = dict[Any, tuple[float, float]]


def _exact_repulsion(pos: NDArray[np.float64], mass: NDArray[np.float64], kr: float) -> NDArray[np.float64]:
    """FA2 repulsion ``kr * m_i * m_j / d`` along each pair, in row blocks to bound memory."""
    n = len(pos)
    out = np.zeros_like(pos)
    x, y = pos[:, 0], pos[:, 1]
    block = max(1, 2_000_000 // max(n, 1))
    for start in range(0, n, block):
        stop = min(n, start + block)
        dx = x[start:stop, None] - x[None, :]
        dy = y[start:stop, None] - y[None, :]
        d2 = dx * dx + dy * dy
        d2[d2 == 0] = np.inf  # self and coincident nodes push nothing
        factor = (kr * mass[start:stop, None]) * mass[None, :] / d2
        out[start:stop, 0] = (dx * factor).sum(axis=1)
        out[start:stop, 1] = (dy * factor).sum(axis=1)
    return out


class _GridRepulsion:
    """FA2 repulsion on a G×G grid: cloud-in-cell masses, FFT convolution, bilinear read-back."""

    def __init__(self, n: int) -> None:
        g = 64
        while g < 2 * math.sqrt(n) and g < 512:
            g *= 2
        self.g = g
        ax = np.arange(-g, g, dtype=np.float64)
        dx, dy = np.meshgrid(ax, ax, indexing="ij")
        r2 = dx * dx + dy * dy
        r2[g, g] = np.inf
        # Kernels laid out for a linear (not circular) convolution on the padded 2G×2G grid.
        self.kx = np.fft.rfft2(np.fft.ifftshift(dx / r2))
        self.ky = np.fft.rfft2(np.fft.ifftshift(dy / r2))

    def __call__(self, pos: NDArray[np.float64], mass: NDArray[np.float64], kr: float) -> NDArray[np.float64]:
        g = self.g
        low = pos.min(axis=0)
        h = max(float((pos.max(axis=0) - low).max()) / (g - 1), 1e-9)
        u = (pos - low) / h
        i0 = np.clip(np.floor(u).astype(np.int64), 0, g - 2)
        f = u - i0
        weights = (
            ((1 - f[:, 0]) * (1 - f[:, 1]), 0, 0),
            (f[:, 0] * (1 - f[:, 1]), 1, 0),
            ((1 - f[:, 0]) * f[:, 1], 0, 1),
            (f[:, 0] * f[:, 1], 1, 1),
        )
        flat = np.zeros(4 * g * g)
        for w, a, b in weights:
            # bincount sums like np.add.at, an order of magnitude faster.
            flat += np.bincount((i0[:, 0] + a) * (2 * g) + i0[:, 1] + b, weights=w * mass, minlength=4 * g * g)
        spectrum = np.fft.rfft2(flat.reshape(2 * g, 2 * g))
        fx = np.fft.irfft2(spectrum * self.kx, s=(2 * g, 2 * g))
        fy = np.fft.irfft2(spectrum * self.ky, s=(2 * g, 2 * g))
        out = np.zeros_like(pos)
        for w, a, b in weights:
            out[:, 0] += w * fx[i0[:, 0] + a, i0[:, 1] + b]
            out[:, 1] += w * fy[i0[:, 0] + a, i0[:, 1] + b]
        return out * (kr * mass / h)[:, None]


def forceatlas2(
    graph: nx.Graph,
    *,
    seed: int = 7,
    iterations: int | None = None,
    scaling: float | None = None,
    gravity: float = 1.0,
    strong_gravity: bool = False,
    dissuade_hubs: bool = True,
) -> Positions:
    """Lay out a graph with ForceAtlas2 (Jacomy et al. 2014), seeded and deterministic.

    Forces as in Gephi: repulsion ``scaling * (deg_u + 1) * (deg_v + 1) / d``, linear
    attraction along edges (divided by the source's mass when ``dissuade_hubs``, so hubs
    sit at the border of their clusters and their names can be read), gravity towards the
    centre, and Gephi's adaptive speed (swing and traction). Repulsion is exact up to
    :data:`EXACT_LIMIT` nodes and computed on a grid above.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph; directions and parallel edges are ignored.
    seed : int
        Seed of the starting positions.
    iterations : int, optional
        Default 300 for small graphs, 120 for large ones.
    scaling : float, optional
        Repulsion strength (Gephi's scaling ratio); Gephi's defaults: 10 below 100 nodes, 2 from 100.
    gravity : float
        Pull towards the centre, which keeps components together.
    strong_gravity : bool
        Gravity growing with the distance (Gephi's "strong gravity"): a compact disc.
    dissuade_hubs : bool
        Gephi's "dissuade hubs" (outbound attraction distribution).

    Returns
    -------
    dict
        Node to ``(x, y)``.

    Examples
    --------
    >>> import networkx as nx
    >>> pos = forceatlas2(nx.path_graph(4), seed=1)
    >>> pos == forceatlas2(nx.path_graph(4), seed=1)
    True
    >>> d = lambda a, b: ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5
    >>> d(0, 1) < d(0, 3)
    True
    """
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    ends = np.fromiter((index[x] for e in graph.edges() for x in e[:2]), dtype=np.int64).reshape(-1, 2)
    ends = np.sort(ends[ends[:, 0] != ends[:, 1]], axis=1)
    # Each pair once, in a fixed order (np.unique sorts), whatever order the graph yields its edges in.
    pairs = np.unique(ends[:, 0] * n + ends[:, 1]) if len(ends) else np.zeros(0, dtype=np.int64)
    pairs = np.stack([pairs // n, pairs % n], axis=1)
    degree = np.bincount(pairs.ravel(), minlength=n).astype(np.float64)
    mass = degree + 1.0
    exact = n <= EXACT_LIMIT
    if iterations is None:
        iterations = 300 if exact else 120
    kr = scaling if scaling is not None else (10.0 if n < 100 else 2.0)
    repulsion = _exact_repulsion if exact else _GridRepulsion(n)
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 2)) * math.sqrt(n) * 10.0
    pull = 1.0 / mass if dissuade_hubs else np.ones(n)
    old = np.zeros_like(pos)
    speed, efficiency = 1.0, 1.0
    for _ in range(iterations):
        force = repulsion(pos, mass, kr)
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            for axis in (0, 1):
                force[:, axis] -= np.bincount(pairs[:, 0], weights=delta[:, axis] * pull[pairs[:, 0]], minlength=n)
                force[:, axis] += np.bincount(pairs[:, 1], weights=delta[:, axis] * pull[pairs[:, 1]], minlength=n)
        centred = pos - pos.mean(axis=0)
        dist = np.hypot(centred[:, 0], centred[:, 1])
        dist[dist == 0] = 1.0
        force -= (gravity * mass / (1.0 if strong_gravity else dist))[:, None] * centred
        swinging = mass * np.hypot(*(force - old).T)
        traction = mass * np.hypot(*(force + old).T) / 2.0
        speed, efficiency = _adapt_speed(n, float(swinging.sum()), float(traction.sum()), speed, efficiency)
        factor = speed / (1.0 + np.sqrt(speed * swinging))
        pos += force * factor[:, None]
        old = force
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for i, v in enumerate(nodes)}


def _adapt_speed(n: int, swing: float, traction: float, speed: float, efficiency: float) -> tuple[float, float]:
    """Gephi's global speed: fast while the layout converges, slower when nodes swing."""
    estimated = 0.05 * math.sqrt(n)
    jitter = max(math.sqrt(estimated), min(10.0, estimated * traction / (n * n)))
    if traction > 0 and swing / traction > 2.0:
        if efficiency > 0.05:
            efficiency *= 0.5
        jitter = max(jitter, 1.0)
    target = jitter * efficiency * traction / swing if swing > 0 else speed * 1.5
    if swing > jitter * traction:
        if efficiency > 0.05:
            efficiency *= 0.7
    elif speed < 1000:
        efficiency *= 1.3
    return speed + min(target - speed, 0.5 * speed), efficiency


def remove_overlaps(
    positions: Mapping[Any, tuple[float, float]],
    radii: Mapping[Any, float],
    *,
    margin: float = 2.0,
    rounds: int = 60,
) -> Positions:
    """Push overlapping discs apart (like Gephi's Noverlap) until none overlap or ``rounds`` are done.

    Parameters
    ----------
    positions : dict
        Node to ``(x, y)``.
    radii : dict
        Node to the radius of its disc, in the same units.
    margin : float
        Extra gap kept between discs.
    rounds : int
        Most rounds of pushing.

    Returns
    -------
    dict
        Node to ``(x, y)``.

    Examples
    --------
    >>> out = remove_overlaps({"a": (0.0, 0.0), "b": (1.0, 0.0)}, {"a": 5.0, "b": 5.0}, margin=0)
    >>> round(out["b"][0] - out["a"][0], 6) >= 10
    True
    """
    from scipy.spatial import cKDTree

    nodes = list(positions)
    if len(nodes) < 2:
        return {v: positions[v] for v in nodes}
    pos = np.array([positions[v] for v in nodes], dtype=np.float64)
    rad = np.array([radii[v] for v in nodes], dtype=np.float64) + margin / 2.0
    reach = 2.0 * float(rad.max())
    for _ in range(rounds):
        pairs = cKDTree(pos).query_pairs(reach, output_type="ndarray")
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = pos[j] - pos[i]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        overlap = rad[i] + rad[j] - dist
        hit = overlap > 1e-9
        if not hit.any():
            break
        i, j, delta, dist, overlap = i[hit], j[hit], delta[hit], dist[hit], overlap[hit]
        # Coincident nodes separate along a fixed direction given by their indices (no randomness).
        same = dist < 1e-9
        angle = (i[same] * 2.399963 + j[same]) % (2 * math.pi)
        delta[same] = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        dist[same] = 1.0
        push = (delta / dist[:, None]) * (overlap / 2.0 + 1e-6)[:, None]
        np.add.at(pos, i, -push)
        np.add.at(pos, j, push)
    return {v: (float(pos[k, 0]), float(pos[k, 1])) for k, v in enumerate(nodes)}


def small_figure(graph: nx.Graph, radii: Mapping[Any, float], *, spacing: float = 4.0) -> Positions:
    """Draw a few nodes as a fixed figure: a star's hub in the middle of its leaves, anything else a ring.

    ForceAtlas2 costs the same 300 rounds for two nodes as for six hundred; a graph with tens
    of thousands of small components or communities (10^7 statements) spent most of an hour
    on them. The figure is as readable (nodes in name order from the top, clockwise, neighbours
    ``spacing`` mean radii apart, no overlaps) and immediate.

    Parameters
    ----------
    graph : networkx.Graph
        A few nodes.
    radii : dict
        Node to its drawn radius.
    spacing : float
        Distance between neighbours on the figure, in mean radii (at least touching plus a gap).

    Returns
    -------
    dict
        Node to ``(x, y)``, the hub or the ring's centre at the origin.

    Examples
    --------
    >>> star = nx.star_graph(3)
    >>> pos = small_figure(star, dict.fromkeys(star, 5.0))
    >>> pos[0], [round(pos[v][1], 1) for v in (1, 2, 3)]
    ((0.0, 0.0), [20.0, -10.0, -10.0])
    """
    nodes: list[Any] = sorted(graph, key=str)
    if len(nodes) <= 1:
        return dict.fromkeys(nodes, (0.0, 0.0))
    mean = float(np.mean([radii[v] for v in nodes]))
    gap = max(2.0, (spacing - 2.0) * mean)
    hub = max(nodes, key=lambda v: graph.degree(v))
    ring = [v for v in nodes if v != hub] if graph.degree(hub) == len(nodes) - 1 else nodes
    if len(ring) == 1:
        reach = 0.0
    else:
        # Neighbours on the ring: the chord between them holds both discs and the gap.
        half = math.sin(math.pi / len(ring))
        reach = max((radii[a] + radii[b] + gap) / (2.0 * half) for a, b in zip(ring, ring[1:] + ring[:1], strict=True))
    out: Positions = {}
    if ring is not nodes:
        out[hub] = (0.0, 0.0)
        reach = max(reach, max(radii[hub] + radii[v] + gap for v in ring))
    for k, v in enumerate(ring):
        angle = math.pi / 2.0 - 2.0 * math.pi * k / len(ring)
        out[v] = (reach * math.cos(angle), reach * math.sin(angle))
    return out


def _in_order(graph: nx.Graph, nodes: Sequence[Any]) -> nx.Graph:
    """The subgraph on ``nodes``, which yields them in that order.

    ``graph.subgraph`` of a small part yields its nodes in the order of a set, which for strings
    changes with every Python process (hash randomisation); ForceAtlas2 seeds positions by that
    order, so the page's bytes would too.
    """
    part = nx.Graph()
    part.add_nodes_from(nodes)
    part.add_edges_from(graph.subgraph(nodes).edges())
    return part


def fruchterman_reingold(graph: nx.Graph, *, seed: int = 7) -> Positions:
    """igraph's compiled Fruchterman-Reingold, seeded: about ten times faster than :func:`forceatlas2`.

    Examples
    --------
    >>> pos = fruchterman_reingold(nx.path_graph(4), seed=1)
    >>> pos == fruchterman_reingold(nx.path_graph(4), seed=1)
    True
    """
    import random

    import igraph

    nodes: list[Any] = sorted(graph, key=str)
    index = {v: i for i, v in enumerate(nodes)}
    compiled = igraph.Graph(n=len(nodes), edges=sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v}))
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(len(nodes), 2)) * math.sqrt(len(nodes))
    # igraph draws random numbers when two nodes meet: its generator, seeded, keeps the bytes the same.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = compiled.layout_fruchterman_reingold(seed=start.tolist(), niter=500, grid="nogrid").coords
    finally:
        igraph.set_random_number_generator(random)
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, coords, strict=True)}


def _component(
    graph: nx.Graph, radii: Mapping[Any, float], seed: int, spacing: float, strong_gravity: bool = False,
    quick: bool = False,
) -> Positions:
    """ForceAtlas2 (or, ``quick``, Fruchterman-Reingold up to :data:`EXACT_LIMIT` nodes), scaled to
    ``spacing`` mean radii between neighbours, without overlaps, centred."""
    from scipy.spatial import cKDTree

    nodes: Sequence[Any] = sorted(graph, key=str)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if quick and len(nodes) <= EXACT_LIMIT:
        pos = fruchterman_reingold(graph, seed=seed)
    else:
        pos = forceatlas2(graph, seed=seed, strong_gravity=strong_gravity)
    arr = np.array([pos[v] for v in nodes])
    nearest, _ = cKDTree(arr).query(arr, k=2)
    typical = float(np.median(nearest[:, 1])) or 1.0
    mean_radius = float(np.mean([radii[v] for v in nodes])) or 1.0
    arr = (arr - arr.mean(axis=0)) * (spacing * mean_radius / typical)
    return remove_overlaps({v: (float(arr[k, 0]), float(arr[k, 1])) for k, v in enumerate(nodes)}, radii)


def _pack(discs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Centres for discs ``(radius, gap)`` given largest first: the first at the origin, the others
    side by side on rings around it, each ring starting where the last one ended. O(n)."""
    if not discs:
        return []
    out = [(0.0, 0.0)]
    inner = discs[0][0] + discs[0][1]  # where the current ring starts
    width = 0.0  # the widest disc on the current ring
    angle = 0.0
    for r, g in discs[1:]:
        dist = inner + r
        step = 2.0 * math.asin(min(1.0, (r + g / 2.0) / dist))
        if angle + step > 2.0 * math.pi and angle > 0:
            inner += width + g
            width, angle = 0.0, 0.0
            dist = inner + r
            step = 2.0 * math.asin(min(1.0, (r + g / 2.0) / dist))
        theta = angle + step / 2.0
        out.append((dist * math.cos(theta), dist * math.sin(theta)))
        angle += step
        width = max(width, 2.0 * r)
    return out


def layout(
    graph: nx.Graph, radii: Mapping[Any, float], *, seed: int = 7, spacing: float = 4.0, quick: bool = False
) -> Positions:
    """ForceAtlas2, scaled and cleared of overlaps; big graphs per component, packed.

    Up to :data:`EXACT_LIMIT` nodes the whole graph is laid out at once with strong
    gravity, which keeps every component in one compact disc that reads at a glance.
    Above, each connected component gets ForceAtlas2 with Gephi's normal gravity (its
    branches spread out) and the components are placed, largest first, as close to the
    centre as they fit, where gravity alone would let small islands drift far away.
    Distances are scaled so that neighbours sit ``spacing`` mean radii apart.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph.
    radii : dict
        Node to its drawn radius (the unit of the result).
    seed : int
        Seed of the layout.
    spacing : float
        Mean distance to the nearest neighbour, in mean radii.
    quick : bool
        Graphs and components of up to :data:`EXACT_LIMIT` nodes by :func:`fruchterman_reingold`
        instead of ForceAtlas2: for the insides of tens of thousands of communities.

    Returns
    -------
    dict
        Node to ``(x, y)``, rounded to 0.1.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([(1, 2), (2, 3), (4, 5)])
    >>> pos = layout(g, dict.fromkeys(g, 5.0))
    >>> sorted(pos) == [1, 2, 3, 4, 5] and pos == layout(g, dict.fromkeys(g, 5.0))
    True
    """
    if 0 < graph.number_of_nodes() <= SMALL_FIGURE and nx.is_connected(graph):
        return {v: (round(x, 1), round(y, 1)) for v, (x, y) in small_figure(graph, radii, spacing=spacing).items()}
    if graph.number_of_nodes() <= EXACT_LIMIT:
        whole = _component(graph, radii, seed, spacing, strong_gravity=True, quick=quick)
        return {v: (round(x, 1), round(y, 1)) for v, (x, y) in whole.items()}
    parts = sorted((sorted(c, key=str) for c in nx.connected_components(graph)), key=lambda c: (-len(c), str(c[0])))
    laid = [
        small_figure(graph.subgraph(c), radii, spacing=spacing) if len(c) <= SMALL_FIGURE
        else _component(_in_order(graph, c), radii, seed, spacing, quick=quick)
        for c in parts
    ]
    discs = []
    for part in laid:
        reach = max(math.hypot(x, y) + radii[v] for v, (x, y) in part.items())
        discs.append((reach, 2.0 * spacing * float(np.mean([radii[v] for v in part]))))
    out: Positions = {}
    for part, (cx, cy) in zip(laid, _pack(discs), strict=True):
        out.update({v: (round(x + cx, 1), round(y + cy, 1)) for v, (x, y) in part.items()})
    return out
