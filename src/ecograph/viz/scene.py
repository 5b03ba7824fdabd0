"""Turn a projected networkx graph into the plain data the page draws: positions, styles, legend, details."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ecograph.errors import EcographError
from ecograph.rdf.terms import local_name
from ecograph.viz.style import dimmed, edge_colour, node_style

__all__ = ["DEFAULT_MAX_NODES", "Scene", "build_scene", "find_node", "neighbourhood", "display_name", "short"]

DEFAULT_MAX_NODES = 2000
"""Above this many nodes the page draws one super-node per class instead of every node."""

_MIN_SIZE, _MAX_SIZE = 8.0, 42.0


@dataclass
class Scene:
    """Everything the page needs, as JSON-ready plain data.

    Attributes
    ----------
    nodes, edges : list of dict
        vis-network items with precomputed ``x``/``y``, size, colour and shape.
    legend : dict
        ``{"nodes": [...], "edges": [...]}``: one entry per class or edge kind with its count.
    details : dict
        Node id to what the side panel shows: label, classes, figures, source titles.
    chains : list of dict
        Highlighted chains: ``name``, member node ids and edge ids.
    meta : dict
        Title, size measure, aggregation and the counts of the graph that was drawn.
    """

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: dict[str, list[dict[str, Any]]]
    details: dict[str, dict[str, Any]]
    chains: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """Return the scene as one dict for the page's JSON block."""
        return {
            "meta": self.meta,
            "nodes": self.nodes,
            "edges": self.edges,
            "legend": self.legend,
            "details": self.details,
            "chains": self.chains,
        }


def short(term: object) -> str:
    """Return the local name of an IRI, or the value itself as text.

    Examples
    --------
    >>> short("https://w3id.org/ecograph/concept/unit-yuan")
    'unit-yuan'
    >>> short("https://w3id.org/ecograph/ontology#MakerSpace")
    'MakerSpace'
    >>> short(None)
    ''
    """
    if term is None:
        return ""
    text = str(term)
    if "://" in text:
        return local_name(text)
    return text


def display_name(node: object, attrs: Mapping[str, Any]) -> str:
    """Return the text a node is shown with: English label, Chinese label, or what it is.

    Examples
    --------
    >>> display_name("https://w3id.org/ecograph/id/x", {"label": "Particle Space"})
    'Particle Space'
    >>> display_name("https://w3id.org/ecograph/id/x", {"unnamed": True, "kind": "Incubator"})
    '(unnamed Incubator)'
    """
    for key in ("label", "label_zh"):
        if attrs.get(key):
            return str(attrs[key])
    if attrs.get("unnamed"):
        return f"(unnamed {attrs.get('kind') or 'thing'})"
    return short(node)


def _kind(attrs: Mapping[str, Any]) -> str:
    return str(attrs.get("kind") or "Thing")


def find_node(graph: nx.MultiDiGraph, name: str) -> Any:
    """Return the one node whose IRI is ``name`` or whose label matches it.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The projected graph.
    name : str
        A full IRI, or an English or Chinese label (case-insensitive).

    Returns
    -------
    object
        The node.

    Raises
    ------
    EcographError
        When nothing or more than one thing matches.
    """
    if name in graph:
        return name
    wanted = name.strip().casefold()
    matches = [
        n
        for n, a in graph.nodes(data=True)
        if any(a.get(k) and str(a[k]).casefold() == wanted for k in ("label", "label_zh"))
        or short(n).casefold() == wanted
    ]
    if not matches:
        raise EcographError(f"--focus {name!r}: no node has this IRI or label")
    if len(matches) > 1:
        shown = ", ".join(sorted(map(str, matches))[:5])
        raise EcographError(f"--focus {name!r} is ambiguous: {len(matches)} nodes match ({shown}); give the IRI")
    return matches[0]


def neighbourhood(graph: nx.MultiDiGraph, centre: Any, hops: int) -> nx.MultiDiGraph:
    """Return the subgraph of everything within ``hops`` edges of ``centre``, either direction.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The projected graph.
    centre : object
        A node of the graph.
    hops : int
        The radius, at least 0.

    Returns
    -------
    networkx.MultiDiGraph
        A copy holding the neighbourhood with all attributes.
    """
    if hops < 0:
        raise EcographError(f"--hops must be 0 or more, not {hops}")
    return nx.ego_graph(graph, centre, radius=hops, undirected=True)


SPRING_LIMIT = 1000
"""Up to this many nodes the layout is a spring layout; above, classes are laid out as clusters."""
_SPACING = 45.0
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _spring(graph: nx.Graph, seed: int, spacing: float = _SPACING) -> dict[Any, tuple[float, float]]:
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    simple = nx.Graph(graph.to_undirected(as_view=True))
    pos = nx.spring_layout(simple, seed=seed, iterations=50 if n <= 500 else 20, k=1.6 / math.sqrt(n))
    scale = spacing * math.sqrt(n)
    return {v: (float(p[0]) * scale, float(p[1]) * scale) for v, p in pos.items()}


def _clusters(graph: nx.MultiDiGraph, seed: int) -> dict[Any, tuple[float, float]]:
    """Cheap layout for big drawings: one disc per class, placed by a spring layout of the classes.

    Inside a disc, nodes lie on a sunflower spiral, best connected first (at the centre).
    """
    by_kind: dict[str, list] = defaultdict(list)
    for n, a in graph.nodes(data=True):
        by_kind[_kind(a)].append(n)
    summary = nx.Graph()
    summary.add_nodes_from(by_kind)
    kind_of = {n: k for k, members in by_kind.items() for n in members}
    summary.add_edges_from((kind_of[u], kind_of[v]) for u, v in graph.edges() if kind_of[u] != kind_of[v])
    radius = {k: _SPACING * 0.6 * math.sqrt(len(m)) for k, m in by_kind.items()}
    centres = _spring(summary, seed, spacing=2.2 * max(radius.values()))
    degree = graph.degree()
    pos = {}
    for kind, members in by_kind.items():
        cx, cy = centres[kind]
        for i, n in enumerate(sorted(members, key=lambda m: (-degree[m], str(m)))):
            r, angle = _SPACING * 0.6 * math.sqrt(i), i * _GOLDEN_ANGLE
            pos[n] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
    return pos


def _layout(graph: nx.MultiDiGraph, seed: int) -> dict[Any, tuple[float, float]]:
    """Compute positions in Python, so the page opens with physics off and a stable drawing."""
    pos = _spring(graph, seed) if graph.number_of_nodes() <= SPRING_LIMIT else _clusters(graph, seed)
    return {v: (round(x, 1), round(y, 1)) for v, (x, y) in pos.items()}


def _sizes(values: Mapping[Any, float]) -> dict[Any, float]:
    top = max(values.values(), default=0) or 1
    return {v: round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(max(x, 0) / top), 1) for v, x in values.items()}


def _titles(graph: nx.MultiDiGraph, sources: Iterable[Any]) -> list[str]:
    sections = graph.graph.get("sections", {})
    titles = []
    for s in sources or ():
        info = sections.get(s) or sections.get(str(s)) or {}
        title = info.get("title") or short(s)
        if title not in titles:
            titles.append(title)
    return titles


def _figure(graph: nx.MultiDiGraph, fig: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "indicator": short(fig.get("indicator")),
        "value": fig.get("value"),
        "unit": short(fig.get("unit")).removeprefix("unit-").replace("-", " "),
        "qualifier": short(fig.get("qualifier")).removeprefix("qualifier-").replace("-", " "),
        "year": None if fig.get("year") is None else str(fig.get("year")),
        "growth": fig.get("growth"),
        "growthQualifier": short(fig.get("growth_qualifier")).removeprefix("qualifier-").replace("-", " "),
        "source": (_titles(graph, [fig["source"]]) or [""])[0] if fig.get("source") else "",
    }


def _details(graph: nx.MultiDiGraph, node: Any, attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "iri": str(node),
        "label": display_name(node, attrs),
        "labelZh": str(attrs.get("label_zh") or ""),
        "kind": _kind(attrs),
        "classes": sorted({short(c) for c in attrs.get("classes") or ()}),
        "figures": [_figure(graph, f) for f in attrs.get("figures") or ()],
        "sources": _titles(graph, attrs.get("sources") or ()),
    }


def _legend(counts: Counter, style: Any) -> list[dict[str, Any]]:
    return [{"kind": k, "count": counts[k], **style(k)} for k in sorted(counts)]


def _node_legend_style(kind: str) -> dict[str, str]:
    colour, shape = node_style(kind)
    return {"color": colour, "shape": shape}


def _edge_legend_style(kind: str) -> dict[str, str]:
    return {"color": edge_colour(kind)}


def _chain_parts(graph: nx.MultiDiGraph, instances: Iterable[Mapping[str, Any]]) -> tuple[set, set]:
    """Return the nodes and the (from, to, key) edges that chain instances step through."""
    nodes: set = set()
    edges: set = set()
    for inst in instances:
        nodes.update(m for m in inst.get("members", ()) if m in graph)
        for step in inst.get("steps", ()):
            u, v, pred = step.get("from"), step.get("to"), step.get("edge")
            nodes.update(x for x in (u, v) if x in graph)
            for a, b in ((u, v), (v, u)):
                if a in graph and b in graph and graph.has_edge(a, b):
                    for key, e in graph[a][b].items():
                        if pred is None or pred in (e.get("predicate"), short(e.get("predicate")), e.get("kind")):
                            edges.add((a, b, key))
    return nodes, edges


def _vis_node(node_id: str, label: str, kind: str, size: float, xy: tuple[float, float], **extra: Any) -> dict:
    colour, shape = node_style(kind)
    return {
        "id": node_id,
        "label": label,
        "kind": kind,
        "shape": shape,
        "size": size,
        "x": xy[0],
        "y": xy[1],
        "color": colour,
        "dimColor": dimmed(colour),
        **extra,
    }


def _full_scene(
    graph: nx.MultiDiGraph,
    centrality: Mapping[Any, float] | None,
    measure: str,
    chains: Mapping[str, list],
    seed: int,
) -> Scene:
    if centrality is None:
        centrality = dict(graph.degree())
        measure = "degree"
    sizes = _sizes({n: float(centrality.get(n, 0.0)) for n in graph})
    pos = _layout(graph, seed)
    nodes, details = [], {}
    for n, a in graph.nodes(data=True):
        nid = str(n)
        nodes.append(
            _vis_node(nid, display_name(n, a), _kind(a), sizes[n], pos[n], labelZh=str(a.get("label_zh") or ""))
        )
        details[nid] = _details(graph, n, a)
    edges, edge_ids = [], {}
    for i, (u, v, k, a) in enumerate(graph.edges(keys=True, data=True)):
        eid = f"e{i}"
        edge_ids[(u, v, k)] = eid
        kind = str(a.get("kind") or short(a.get("predicate")) or "related")
        edges.append(
            {
                "id": eid,
                "from": str(u),
                "to": str(v),
                "kind": kind,
                "title_text": short(a.get("predicate")),
                "color": edge_colour(kind),
                "dimColor": dimmed(edge_colour(kind)),
                "sources": _titles(graph, a.get("sources")),
            }
        )
    chain_data = []
    for name, instances in chains.items():
        members, chain_edges = _chain_parts(graph, instances)
        chain_data.append(
            {
                "name": name,
                "instances": len(instances),
                "members": sorted(str(m) for m in members),
                "edges": sorted(edge_ids[e] for e in chain_edges),
            }
        )
    legend = {
        "nodes": _legend(Counter(n["kind"] for n in nodes), _node_legend_style),
        "edges": _legend(Counter(e["kind"] for e in edges), _edge_legend_style),
    }
    meta = {"sizeMeasure": measure, "aggregated": False}
    return Scene(nodes, edges, legend, details, chain_data, meta)


def _aggregate_scene(graph: nx.MultiDiGraph, chains: Mapping[str, list], seed: int) -> Scene:
    """One super-node per class and one edge per (class, edge kind, class), each with its count."""
    kind_of = {n: _kind(a) for n, a in graph.nodes(data=True)}
    members = Counter(kind_of.values())
    links: Counter = Counter()
    for u, v, a in graph.edges(data=True):
        links[(kind_of[u], str(a.get("kind") or short(a.get("predicate")) or "related"), kind_of[v])] += 1
    summary = nx.MultiDiGraph()
    summary.add_nodes_from(members)
    summary.add_edges_from((s, t) for s, _, t in links)
    pos = _layout(summary, seed)
    sizes = _sizes({k: math.log10(1 + c) for k, c in members.items()})
    nodes, details = [], {}
    for kind, count in sorted(members.items()):
        gid = f"class:{kind}"
        nodes.append(_vis_node(gid, f"{kind} ({count})", kind, sizes[kind], pos[kind], labelZh="", count=count))
        details[gid] = {
            "iri": "",
            "label": f"{kind}: {count} nodes",
            "labelZh": "",
            "kind": kind,
            "classes": [kind],
            "figures": [],
            "sources": [],
        }
    edges = []
    for i, ((s, kind, t), count) in enumerate(sorted(links.items())):
        colour = edge_colour(kind)
        edges.append(
            {
                "id": f"e{i}",
                "from": f"class:{s}",
                "to": f"class:{t}",
                "kind": kind,
                "label": str(count),
                "title_text": kind,
                "count": count,
                "width": round(1 + math.log10(count), 2),
                "color": colour,
                "dimColor": dimmed(colour),
                "sources": [],
            }
        )
    chain_data = []
    for name, instances in chains.items():
        chain_nodes, _ = _chain_parts(graph, instances)
        kinds = sorted({kind_of[n] for n in chain_nodes})
        chain_data.append(
            {"name": name, "instances": len(instances), "members": [f"class:{k}" for k in kinds], "edges": []}
        )
    legend = {
        "nodes": _legend(members, _node_legend_style),
        "edges": _legend(Counter(e["kind"] for e in edges), _edge_legend_style),
    }
    meta = {"sizeMeasure": "number of members (log)", "aggregated": True}
    return Scene(nodes, edges, legend, details, chain_data, meta)


def build_scene(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    chains: Mapping[str, list] | None = None,
    centrality: Mapping[Any, float] | None = None,
    measure: str = "PageRank",
    max_nodes: int = DEFAULT_MAX_NODES,
    seed: int = 7,
) -> Scene:
    """Lay out and style a projected graph for the page.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The projection (node attributes ``label``, ``label_zh``, ``kind``, ``classes``,
        ``unnamed``, ``sources``, ``figures``; edge attributes ``predicate``, ``kind``,
        ``sources``; graph attribute ``sections``).
    focus : str, optional
        Draw only the neighbourhood of this node (IRI or label).
    hops : int
        Radius of the neighbourhood.
    chains : dict, optional
        Chain name to its instances (dicts with ``steps`` of ``from``/``edge``/``to``);
        their nodes and edges are highlighted, everything else dimmed.
    centrality : dict, optional
        Node to score for node sizes; node degree when absent.
    measure : str
        Name of the centrality, shown in the legend.
    max_nodes : int
        Above this many nodes, draw one super-node per class with its count.
    seed : int
        Seed of the layout, so builds draw the same picture.

    Returns
    -------
    Scene
        The page's data.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph(sections={})
    >>> g.add_node("a", label="A", kind="Enterprise")
    >>> g.add_node("b", label="B", kind="Incubator")
    >>> _ = g.add_edge("a", "b", predicate="x#incubatedBy", kind="incubatedBy")
    >>> s = build_scene(g)
    >>> len(s.nodes), len(s.edges), s.meta["sizeMeasure"]
    (2, 1, 'degree')
    >>> build_scene(g, max_nodes=1).meta["aggregated"]
    True
    """
    chains = dict(chains or {})
    total = (graph.number_of_nodes(), graph.number_of_edges())
    if focus is not None:
        centre = find_node(graph, focus)
        graph = neighbourhood(graph, centre, hops)
    if max_nodes < 1:
        raise EcographError(f"--max-nodes must be at least 1, not {max_nodes}")
    if graph.number_of_nodes() > max_nodes:
        scene = _aggregate_scene(graph, chains, seed)
    else:
        scene = _full_scene(graph, centrality, measure, chains, seed)
    scene.meta.update(
        {
            "focus": None if focus is None else str(centre),
            "hops": hops if focus is not None else None,
            "maxNodes": max_nodes,
            "graphNodes": graph.number_of_nodes(),
            "graphEdges": graph.number_of_edges(),
            "totalNodes": total[0],
            "totalEdges": total[1],
        }
    )
    return scene
