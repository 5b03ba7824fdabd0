"""Network metrics of a projection (degree, PageRank, betweenness, communities, brokers) as plain data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import networkx as nx

__all__ = [
    "EXACT_BETWEENNESS_LIMIT",
    "DEFAULT_SAMPLE",
    "DEFAULT_SEED",
    "LEIDEN_ABOVE",
    "actor_graph",
    "degree",
    "pagerank",
    "betweenness",
    "communities",
    "communities_method",
    "brokers",
    "analyze",
    "csv_rows",
]

#: Betweenness is exact up to this many actor nodes, sampled above.
EXACT_BETWEENNESS_LIMIT = 5000
#: Source nodes sampled for betweenness on larger graphs.
DEFAULT_SAMPLE = 200
#: Seed of every randomised method (sampling, Louvain): the same graph gives the same figures.
DEFAULT_SEED = 42
#: Above this many actor nodes, communities come from igraph's compiled Leiden, not networkx's Louvain.
LEIDEN_ABOVE = 50_000
_ROUND = 6

COUNTED = (
    "actors: every node of the projection except concepts (sectors, models, themes, topics, "
    "organisation categories); edges in either direction, parallel edges once"
)
LEFT_OUT_OF_ROWS = "unnamed parties (no name in the source) are counted but not listed"


def _is_concept(attrs: Mapping[str, Any]) -> bool:
    return attrs.get("kind") == "Concept" or "Concept" in attrs.get("classes", ())


def actor_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return the projection without concept nodes: the actors and things that metrics rank.

    Concepts (a sector, a model, a forum theme) would otherwise be hubs that link
    everything that shares them; they are attributes of actors, not actors.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.

    Returns
    -------
    networkx.MultiDiGraph
        A subgraph view.
    """
    return graph.subgraph(n for n, a in graph.nodes(data=True) if not _is_concept(a))


def _undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    return simple


def degree(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Count distinct neighbours of each actor (either direction).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.

    Returns
    -------
    dict of str to int
    """
    return dict(nx.degree(_undirected(actor_graph(graph))))


def pagerank(graph: nx.MultiDiGraph, alpha: float = 0.85) -> dict[str, float]:
    """PageRank of the actors, following edges as stated (company -> carrier, space -> founder, part -> whole).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.
    alpha : float, default 0.85
        Damping factor.

    Returns
    -------
    dict of str to float
        Scores summing to 1 over the actors (concept nodes have none).
    """
    actors = actor_graph(graph)
    directed = nx.DiGraph()
    directed.add_nodes_from(sorted(actors))
    directed.add_edges_from(sorted((u, v) for u, v in actors.edges() if u != v))
    if directed.number_of_nodes() == 0:
        return {}
    scores: dict[str, float] = nx.pagerank(directed, alpha=alpha)
    return scores


def betweenness(
    graph: nx.MultiDiGraph,
    *,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    sample: int = DEFAULT_SAMPLE,
    seed: int = DEFAULT_SEED,
    backend: str | None = None,
) -> tuple[dict[str, float], str]:
    """Normalised betweenness of the actors on the undirected actor graph.

    Exact when the actor graph has at most ``exact_limit`` nodes, otherwise
    estimated from ``sample`` source nodes drawn with ``seed``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.
    exact_limit : int, optional
        Largest graph computed exactly.
    sample : int, optional
        Sampled sources (``k``) above the limit.
    seed : int, optional
        Seed of the sampling.
    backend : str, optional
        A networkx backend (e.g. ``"parallel"`` with nx-parallel installed).

    Returns
    -------
    scores : dict of str to float
    method : str
        ``"exact"`` or ``"sampled k=..., seed=..."``.
    """
    simple = _undirected(actor_graph(graph))
    n = simple.number_of_nodes()
    extra = {} if backend is None else {"backend": backend}
    if n <= exact_limit:
        return nx.betweenness_centrality(simple, normalized=True, **extra), "exact"
    k = min(sample, n)
    scores = nx.betweenness_centrality(simple, k=k, normalized=True, seed=seed, **extra)
    return scores, f"sampled k={k}, seed={seed}"


def communities(graph: nx.MultiDiGraph, *, seed: int = DEFAULT_SEED, resolution: float = 1.0) -> list[list[str]]:
    """Communities of the undirected actor graph by modularity, reproducible for a given seed.

    Up to :data:`LEIDEN_ABOVE` actors networkx's Louvain finds them; above, igraph's compiled
    Leiden (Louvain with a refinement step, the same modularity objective). On a projection of
    10^6 actors (10^7 statements) networkx's Louvain took most of an hour, igraph's own Louvain
    6 minutes (it slows with the number of communities, here 84,000) and its Leiden 13 s.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.
    seed : int, optional
        The random seed.
    resolution : float, default 1.0
        The modularity's resolution.

    Returns
    -------
    list of list of str
        Communities, largest first (ties by first member), members sorted.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> communities(g)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    simple = _undirected(actor_graph(graph))
    if simple.number_of_nodes() == 0:
        return []
    if simple.number_of_nodes() > LEIDEN_ABOVE:
        found = _leiden(simple, seed=seed, resolution=resolution)
    else:
        found = nx.community.louvain_communities(simple, seed=seed, resolution=resolution)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def communities_method(graph: nx.MultiDiGraph) -> str:
    """Name the method :func:`communities` runs on this projection."""
    large = actor_graph(graph).number_of_nodes() > LEIDEN_ABOVE
    return "igraph.Graph.community_leiden (modularity)" if large else "networkx.community.louvain_communities"


def _leiden(simple: nx.Graph, *, seed: int, resolution: float) -> list[list[Any]]:
    import random

    import igraph

    nodes = list(simple)  # sorted by _undirected
    index = {n: i for i, n in enumerate(nodes)}
    compiled = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in simple.edges()])
    # Leiden visits the nodes in a random order: igraph's generator, seeded, makes the answer reproducible.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        found = compiled.community_leiden(objective_function="modularity", resolution=resolution, n_iterations=-1)
        membership = found.membership
    finally:
        igraph.set_random_number_generator(random)
    groups: dict[int, list[Any]] = {}
    for n, c in zip(nodes, membership, strict=True):
        groups.setdefault(c, []).append(n)
    return list(groups.values())


def _groups(graph: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    """Each actor's group: its sectors (``eco:inSector``), or else its kind."""
    groups: dict[str, frozenset[str]] = {}
    for node, attrs in graph.nodes(data=True):
        if _is_concept(attrs):
            continue
        sectors = {
            "sector: " + (graph.nodes[v].get("label") or v)
            for _, v, d in graph.out_edges(node, data=True)
            if d.get("kind") == "inSector"
        }
        groups[node] = frozenset(sectors or {"kind: " + (attrs.get("kind") or "Thing")})
    return groups


def brokers(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Actors whose neighbours belong to groups that no other link joins.

    A node's groups are its sectors (``eco:inSector``) or, without one, its
    kind. A node brokers a pair of groups when its neighbours fall in both and
    nothing else joins them: no other node is in both, and no edge of the actor
    graph other than the node's own joins a member of one to a member of the
    other.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.

    Returns
    -------
    list of dict
        ``node``, ``score`` (pairs brokered), ``groups`` (groups of the
        neighbours) and ``pairs`` (the brokered pairs), best first; nodes that
        broker nothing are left out.
    """
    groups = _groups(graph)
    simple = _undirected(actor_graph(graph))
    joined: Counter[frozenset[str]] = Counter()
    for members in groups.values():
        # A node in two groups joins them by itself.
        for a, b in combinations(sorted(members), 2):
            joined[frozenset((a, b))] += 1
    for u, v in simple.edges():
        for a in groups[u]:
            for b in groups[v]:
                if a != b:
                    joined[frozenset((a, b))] += 1
    found = []
    for node in simple:
        around = sorted(set().union(*(groups[v] for v in simple[node]))) if simple[node] else []
        if len(around) < 2:
            continue
        own: Counter[frozenset[str]] = Counter(frozenset(p) for p in combinations(sorted(groups[node]), 2))
        for v in simple[node]:
            for a in groups[node]:
                for b in groups[v]:
                    if a != b:
                        own[frozenset((a, b))] += 1
        pairs = [[a, b] for a, b in combinations(around, 2) if joined[frozenset((a, b))] - own[frozenset((a, b))] == 0]
        if pairs:
            found.append({"node": node, "score": len(pairs), "groups": around, "pairs": pairs})
    return sorted(found, key=lambda b: (-b["score"], b["node"]))


def _rows(
    graph: nx.MultiDiGraph, values: Mapping[str, float], top: int | None, *, integer: bool = False
) -> list[dict[str, Any]]:
    listed = [n for n in values if not graph.nodes[n].get("unnamed")]
    ranked = sorted(listed, key=lambda n: (-values[n], graph.nodes[n].get("label", ""), n))
    rows = []
    for rank, node in enumerate(ranked[:top] if top is not None else ranked, start=1):
        value = values[node]
        rows.append(
            {
                "rank": rank,
                "node": node,
                "label": graph.nodes[node].get("label", ""),
                "kind": graph.nodes[node].get("kind", ""),
                "value": int(value) if integer else round(float(value), _ROUND),
            }
        )
    return rows


def analyze(
    graph: nx.MultiDiGraph,
    *,
    top: int | None = 10,
    seed: int = DEFAULT_SEED,
    exact_limit: int = EXACT_BETWEENNESS_LIMIT,
    sample: int = DEFAULT_SAMPLE,
    backend: str | None = None,
) -> dict[str, Any]:
    """Run every metric and return rankings that say what they counted and left out.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.
    top : int or None, default 10
        Rows per ranking (None: all).
    seed, exact_limit, sample, backend
        See :func:`betweenness` and :func:`communities`.

    Returns
    -------
    dict
        ``graph`` (sizes), ``rankings`` (list of ``metric``, ``method``,
        ``parameters``, ``counted``, ``left_out``, ``rows``), ``communities``
        and ``brokers`` (same keys, their ``rows`` hold members / groups), and
        ``scores`` (every actor's degree, PageRank, betweenness, community).
    """
    actors = actor_graph(graph)
    deg = degree(graph)
    pr = pagerank(graph)
    btw, btw_method = betweenness(graph, exact_limit=exact_limit, sample=sample, seed=seed, backend=backend)
    comms = communities(graph, seed=seed)
    brk = brokers(graph)
    unnamed = sum(1 for n in actors if actors.nodes[n].get("unnamed"))
    left_out = f"concept nodes ({graph.number_of_nodes() - actors.number_of_nodes()}); {LEFT_OUT_OF_ROWS} ({unnamed})"
    community_of = {n: i for i, members in enumerate(comms, start=1) for n in members}
    rankings = [
        {
            "metric": "degree",
            "method": "networkx.degree",
            "parameters": "undirected, distinct neighbours",
            "counted": COUNTED,
            "left_out": left_out,
            "rows": _rows(graph, deg, top, integer=True),
        },
        {
            "metric": "pagerank",
            "method": "networkx.pagerank",
            "parameters": "alpha=0.85, directed as stated",
            "counted": COUNTED.replace("edges in either direction", "edges as stated"),
            "left_out": left_out,
            "rows": _rows(graph, pr, top),
        },
        {
            "metric": "betweenness",
            "method": f"networkx.betweenness_centrality ({btw_method})",
            "parameters": "normalized, undirected" + ("" if btw_method == "exact" else f", {btw_method}"),
            "counted": COUNTED,
            "left_out": left_out,
            "rows": _rows(graph, btw, top),
        },
    ]
    community_rows = []
    for i, members in enumerate(comms, start=1):
        # Best connected first; labels follow the members one for one, both cut to ``top``.
        named = [m for m in sorted(members, key=lambda m: (-deg.get(m, 0), m)) if not graph.nodes[m].get("unnamed")]
        shown = named[: top or None]
        community_rows.append(
            {
                "rank": i,
                "size": len(members),
                "members": shown,
                "labels": [graph.nodes[m].get("label", "") for m in shown],
                "kinds": dict(sorted(Counter(graph.nodes[m].get("kind", "") for m in members).items())),
            }
        )
    return {
        "graph": {
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "actors": actors.number_of_nodes(),
            "actor_edges": actors.number_of_edges(),
        },
        "rankings": rankings,
        "communities": {
            "metric": "communities",
            "method": communities_method(graph),
            "parameters": f"seed={seed}, resolution=1.0, undirected",
            "counted": COUNTED,
            "left_out": left_out,
            "count": len(comms),
            "rows": community_rows[:top] if top is not None else community_rows,
        },
        "brokers": {
            "metric": "brokers",
            "method": "groups of neighbours joined only through the node",
            "parameters": "group = the node's sectors (eco:inSector), else its kind",
            "counted": COUNTED,
            "left_out": left_out + "; nodes that join no otherwise separate groups",
            "count": len(brk),
            "rows": [
                {**b, "rank": i, "label": graph.nodes[b["node"]].get("label", ""), "kind": graph.nodes[b["node"]].get("kind", "")}
                for i, b in enumerate((b for b in brk if not graph.nodes[b["node"]].get("unnamed")), start=1)
            ][: top or None],
        },
        "scores": {
            n: {
                "degree": deg.get(n, 0),
                "pagerank": round(float(pr.get(n, 0.0)), _ROUND),
                "betweenness": round(float(btw.get(n, 0.0)), _ROUND),
                "community": community_of.get(n, 0),
            }
            for n in sorted(actors)
        },
    }


def csv_rows(result: Mapping[str, Any]) -> Iterable[list[Any]]:
    """Flatten an :func:`analyze` result into CSV rows (header first).

    Parameters
    ----------
    result : dict
        From :func:`analyze`.

    Yields
    ------
    list
        ``metric, rank, node, label, kind, value, method``.
    """
    yield ["metric", "rank", "node", "label", "kind", "value", "method"]
    for ranking in result["rankings"]:
        for row in ranking["rows"]:
            yield [ranking["metric"], row["rank"], row["node"], row["label"], row["kind"], row["value"], ranking["method"]]
    for row in result["brokers"]["rows"]:
        yield ["brokers", row["rank"], row["node"], row["label"], row["kind"], row["score"], result["brokers"]["method"]]
    for row in result["communities"]["rows"]:
        members, labels = ";".join(row["members"]), ";".join(row["labels"])
        yield ["communities", row["rank"], members, labels, "", row["size"], result["communities"]["method"]]
