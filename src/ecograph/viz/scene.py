"""Turn a projected networkx graph into the plain data the page draws: positions, families, profiles, chains.

The page's data is columnar (one list per attribute, nodes and edges by index), so a
graph of 10^5 nodes stays a file of a few tens of megabytes.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ecograph.errors import EcographError
from ecograph.network.projection import FIGURE_TERMS
from ecograph.rdf.terms import local_name
from ecograph.viz.layout import layout
from ecograph.viz.style import FAMILIES, class_styles, edge_colour, family_of

__all__ = [
    "DEFAULT_MAX_NODES",
    "Scene",
    "build_scene",
    "find_node",
    "neighbourhood",
    "display_name",
    "short",
]

DEFAULT_MAX_NODES = 150_000
"""Above this many nodes the page draws one node per community, with drill-down into each."""

_MIN_SIZE, _MAX_SIZE, _UNNAMED_SIZE = 3.0, 16.0, 2.0


@dataclass
class Scene:
    """Everything the page needs, as JSON-ready plain data.

    Attributes
    ----------
    nodes : dict of list
        Columns ``id``, ``label``, ``zh``, ``cls`` (index into ``classes``), ``x``, ``y``,
        ``size``, ``unnamed`` (0/1), ``community``.
    edges : dict of list
        Columns ``s``, ``t`` (node indexes) and ``kind`` (index into ``edgeKinds``).
    classes : list of dict
        One entry per (family, class): ``name``, ``family``, ``color``, ``shape``.
    families : list of dict
        ``id``, ``name``, ``color`` of each family, in legend order.
    edge_kinds : list of dict
        ``name`` and ``color`` of each edge kind.
    label_order : list of int
        Nodes whose label may be shown, most important first.
    profiles : dict
        Node index (as text) to what only some nodes have: names, descriptions, dates,
        classes, sources, url, scheme.
    edge_sources : dict
        Edge index (as text) to its source sections (indexes into ``sections``).
    sections : list of dict
        ``iri``, ``title``, ``document``, ``documentTitle`` of every source section used.
    terms : dict
        Indicator, unit and qualifier IRIs to their ``en``/``zh`` labels.
    chains : list of dict
        Highlighted chains: ``name``, ``instances``, member node and edge indexes.
    communities : dict
        When aggregated: ``groups`` (``id``, ``size``, ``x``, ``y``, ``radius``, ``label``) and
        ``links`` between communities (``[a, b, edges]``).
    figures : dict
        Every figure, one column per field: ``node`` (the node it describes), ``value``,
        ``year``, ``growth``; ``indicator``, ``unit``, ``qualifier``, ``growthQualifier`` and
        ``area`` as indexes into ``iris``; ``partOf``/``subsetOf`` as figure indexes; ``source``
        as a section index (-1 for none).
    meta : dict
        Title, size measure, aggregation, renderer and counts.
    """

    nodes: dict[str, list[Any]]
    edges: dict[str, list[Any]]
    classes: list[dict[str, Any]]
    families: list[dict[str, Any]]
    edge_kinds: list[dict[str, Any]]
    label_order: list[int]
    profiles: dict[str, dict[str, Any]]
    edge_sources: dict[str, list[int]]
    sections: list[dict[str, str]]
    terms: dict[str, dict[str, str]]
    chains: list[dict[str, Any]] = field(default_factory=list)
    communities: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage (``layout``); for benchmarks, never written into the page."""

    @property
    def node_count(self) -> int:
        return len(self.nodes["id"])

    @property
    def edge_count(self) -> int:
        return len(self.edges["s"])

    def payload(self) -> dict[str, Any]:
        """Return the scene as one dict for the page's JSON block."""
        return {
            "meta": self.meta,
            "nodes": self.nodes,
            "edges": self.edges,
            "classes": self.classes,
            "families": self.families,
            "edgeKinds": self.edge_kinds,
            "labelOrder": self.label_order,
            "profiles": self.profiles,
            "edgeSources": self.edge_sources,
            "sections": self.sections,
            "terms": self.terms,
            "chains": self.chains,
            "communities": self.communities,
            "figures": self.figures,
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


def _edge_kind(attrs: Mapping[str, Any]) -> str:
    return str(attrs.get("kind") or short(attrs.get("predicate")) or "related")


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
        A copy holding the neighbourhood with all attributes; the graph attribute ``terms``
        keeps the labels of the terms its figures use.
    """
    if hops < 0:
        raise EcographError(f"--hops must be 0 or more, not {hops}")
    around = nx.ego_graph(graph, centre, radius=hops, undirected=True)
    if around.graph.get("terms"):
        # The same neighbourhood gives the same page, whether the rest of the graph was read or not.
        used = {f[k] for _, a in around.nodes(data=True) for f in a.get("figures", ()) for k in FIGURE_TERMS if f.get(k)}
        around.graph = {**around.graph, "terms": {t: labels for t, labels in around.graph["terms"].items() if t in used}}
    return around


def _sizes(nodes: list[Any], graph: nx.MultiDiGraph, centrality: Mapping[Any, float]) -> list[float]:
    top = max(centrality.values(), default=0.0) or 1.0
    out = []
    for n in nodes:
        if graph.nodes[n].get("unnamed"):
            out.append(_UNNAMED_SIZE)
            continue
        share = max(float(centrality.get(n, 0.0)), 0.0) / top
        out.append(round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(share), 1))
    return out


class _Sections:
    """Source sections by index, in order of first use."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.info: Mapping[str, Mapping[str, str]] = graph.graph.get("sections", {})
        self.index: dict[str, int] = {}
        self.rows: list[dict[str, str]] = []

    def __call__(self, iris: Iterable[Any]) -> list[int]:
        out = []
        for iri in iris or ():
            key = str(iri)
            if key not in self.index:
                info = self.info.get(key) or {}
                self.index[key] = len(self.rows)
                self.rows.append(
                    {
                        "iri": key,
                        "title": str(info.get("title") or short(key)),
                        "document": str(info.get("document") or ""),
                        "documentTitle": str(info.get("document_title") or ""),
                    }
                )
            if self.index[key] not in out:
                out.append(self.index[key])
        return out


_FIGURE_COLUMNS = (
    "node", "indicator", "value", "unit", "qualifier", "year", "growth", "growthQualifier", "area", "partOf",
    "subsetOf", "source",
)


class _Figures:
    """Every figure in one columnar table: terms and areas by index into ``iris``, wholes by figure index."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {k: [] for k in _FIGURE_COLUMNS}
        self.iris: list[str] = []
        self._iri_index: dict[str, int] = {}
        self._wholes: list[tuple[str, str]] = []
        self._index: dict[str, int] = {}

    def _iri(self, value: Any) -> int:
        if not value:
            return -1
        key = str(value)
        if key not in self._iri_index:
            self._iri_index[key] = len(self.iris)
            self.iris.append(key)
        return self._iri_index[key]

    def add(self, node: int, fig: Mapping[str, Any], sections: _Sections) -> None:
        value = fig.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            value = str(value)
        self._index[str(fig.get("iri") or f"#{len(self._wholes)}")] = len(self._wholes)
        self._wholes.append((str(fig.get("part_of") or ""), str(fig.get("subset_of") or "")))
        row = {
            "node": node,
            "indicator": self._iri(fig.get("indicator")),
            "value": value,
            "unit": self._iri(fig.get("unit")),
            "qualifier": self._iri(fig.get("qualifier")),
            "year": None if fig.get("year") is None else str(fig.get("year")),
            "growth": fig.get("growth"),
            "growthQualifier": self._iri(fig.get("growth_qualifier")),
            "area": self._iri(fig.get("area")),
            "source": (sections([fig["source"]]) or [-1])[0] if fig.get("source") else -1,
        }
        for key, val in row.items():
            self.columns[key].append(val)

    def table(self) -> dict[str, Any]:
        """The columns, with each part's whole as a figure index (-1: none, or not in the page)."""
        self.columns["partOf"] = [self._index.get(part, -1) if part else -1 for part, _ in self._wholes]
        self.columns["subsetOf"] = [self._index.get(sub, -1) if sub else -1 for _, sub in self._wholes]
        return {"iris": self.iris, **self.columns}


def _profile(attrs: Mapping[str, Any], sections: _Sections) -> dict[str, Any]:
    """What the panel shows beyond label and class; empty parts are left out to keep big pages small."""
    out: dict[str, Any] = {}
    classes = sorted({short(c) for c in attrs.get("classes") or ()})
    if classes and classes != [_kind(attrs)]:
        out["classes"] = classes
    for key in ("names", "descriptions"):
        if attrs.get(key):
            out[key] = [[str(lang), str(text)] for lang, text in attrs[key]]
    if attrs.get("dates"):
        out["dates"] = {str(k): str(v) for k, v in attrs["dates"].items()}
    if attrs.get("url"):
        out["url"] = str(attrs["url"])
    if attrs.get("scheme"):
        out["scheme"] = str(attrs["scheme"])
    if attrs.get("sources"):
        out["sources"] = sections(attrs["sources"])
    return out


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


def _communities(graph: nx.MultiDiGraph, seed: int) -> dict[Any, int]:
    """Communities of the analysis (actors); a concept joins the community most of its neighbours are in."""
    from ecograph.network.analysis import communities

    found = communities(graph, seed=seed)
    member_of = {n: i for i, members in enumerate(found) for n in members}
    extra = len(found)
    for n in sorted(graph, key=str):
        if n in member_of:
            continue
        votes = Counter(member_of[m] for m in nx.all_neighbors(graph, n) if m in member_of)
        if votes:
            member_of[n] = min(votes, key=lambda c: (-votes[c], c))
        else:
            member_of[n] = extra
            extra += 1
    return member_of


def _aggregate_positions(
    graph: nx.MultiDiGraph, nodes: list[Any], radii: Mapping[Any, float], community: Mapping[Any, int], seed: int
) -> tuple[dict[Any, tuple[float, float]], dict[str, Any]]:
    """Lay out the community graph, then each community on its own around its place."""
    members: dict[int, list[Any]] = defaultdict(list)
    for n in nodes:
        members[community[n]].append(n)
    summary = nx.Graph()
    summary.add_nodes_from(members)
    links: Counter = Counter()
    for u, v in graph.edges():
        cu, cv = community[u], community[v]
        if cu != cv:
            links[(min(cu, cv), max(cu, cv))] += 1
    summary.add_edges_from(links)
    super_radius = {c: 6.0 + 3.0 * math.log10(1 + len(m)) for c, m in members.items()}
    centres = layout(summary, super_radius, seed=seed)
    pos: dict[Any, tuple[float, float]] = {}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    for group in members.values():
        pos.update(layout(simple.subgraph(group), radii, seed=seed, quick=True))
    rows = []
    for c, group in sorted(members.items()):
        top = max(group, key=lambda n: (not graph.nodes[n].get("unnamed"), graph.degree(n), str(n)))
        rows.append(
            {
                "id": c,
                "size": len(group),
                "x": centres[c][0],
                "y": centres[c][1],
                "radius": round(super_radius[c], 1),
                "label": display_name(top, graph.nodes[top]),
            }
        )
    return pos, {"groups": rows, "links": [[a, b, k] for (a, b), k in sorted(links.items())]}


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
    highlight: Iterable[str] | None = None,
) -> Scene:
    """Lay out and style a projected graph for the page.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The projection (node attributes ``label``, ``label_zh``, ``kind``, ``classes``,
        ``unnamed``, ``sources``, ``figures`` and, where present, ``names``,
        ``descriptions``, ``dates``, ``url``; edge attributes ``predicate``, ``kind``,
        ``sources``; graph attributes ``sections`` and ``terms``).
    focus : str, optional
        Draw only the neighbourhood of this node (IRI or label).
    hops : int
        Radius of the neighbourhood.
    chains : dict, optional
        Chain name to its instances (dicts with ``steps`` of ``from``/``edge``/``to``): each
        profile lists the chains its node is in.
    highlight : iterable of str, optional
        The chains whose nodes and edges are highlighted, everything else dimmed; all of
        ``chains`` when omitted.
    centrality : dict, optional
        Node to score for node sizes and label priority; node degree when absent.
    measure : str
        Name of the centrality, shown in the legend.
    max_nodes : int
        Above this many nodes, the page opens on one node per community.
    seed : int
        Seed of the layout (and of the communities), so builds draw the same picture.

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
    >>> s.node_count, s.edge_count, s.meta["sizeMeasure"]
    (2, 1, 'degree')
    >>> [c["family"] for c in s.classes]
    ['spaces', 'companies']
    >>> build_scene(g, max_nodes=1).meta["aggregated"]
    True
    """
    chains = dict(chains or {})
    total = (graph.number_of_nodes(), graph.number_of_edges())
    centre = None
    if focus is not None:
        centre = find_node(graph, focus)
        graph = neighbourhood(graph, centre, hops)
    if max_nodes < 1:
        raise EcographError(f"--max-nodes must be at least 1, not {max_nodes}")
    if centrality is None:
        centrality = {n: float(d) for n, d in graph.degree()}
        measure = "degree"
    nodes = sorted(graph, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    out_links: dict[Any, set[str]] = defaultdict(set)
    for u, _, a in graph.edges(data=True):
        out_links[u].add(_edge_kind(a))

    pairs = {}
    for n in nodes:
        a = graph.nodes[n]
        pairs[n] = (family_of(_kind(a), [short(c) for c in a.get("classes") or ()], out_links[n]), _kind(a))
    styles = class_styles(pairs.values())
    class_keys = sorted(styles, key=lambda p: ([f[0] for f in FAMILIES].index(p[0]), p[1]))
    class_index = {p: i for i, p in enumerate(class_keys)}
    classes = [{"name": k, "family": f, **styles[(f, k)]} for f, k in class_keys]
    families = [{"id": fid, "name": name, "color": colour} for fid, name, colour in FAMILIES]

    sizes = _sizes(nodes, graph, centrality)
    radii = {n: sizes[i] for i, n in enumerate(nodes)}
    aggregated = graph.number_of_nodes() > max_nodes
    started = time.perf_counter()
    community: dict[Any, int] = {}
    communities: dict[str, Any] = {}
    if aggregated:
        community = _communities(graph, seed)
        pos, communities = _aggregate_positions(graph, nodes, radii, community, seed)
    else:
        simple = nx.Graph()
        simple.add_nodes_from(nodes)
        simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
        pos = layout(simple, radii, seed=seed)
    layout_seconds = time.perf_counter() - started

    sections = _Sections(graph)
    figures = _Figures()
    columns: dict[str, list[Any]] = {k: [] for k in ("id", "label", "zh", "cls", "x", "y", "size", "unnamed")}
    profiles: dict[str, dict[str, Any]] = {}
    for i, n in enumerate(nodes):
        a = graph.nodes[n]
        columns["id"].append(str(n))
        columns["label"].append("" if a.get("unnamed") and not a.get("label") else display_name(n, a))
        columns["zh"].append(str(a.get("label_zh") or ""))
        columns["cls"].append(class_index[pairs[n]])
        columns["x"].append(pos[n][0])
        columns["y"].append(pos[n][1])
        columns["size"].append(sizes[i])
        columns["unnamed"].append(1 if a.get("unnamed") else 0)
        extra = _profile(a, sections)
        if extra:
            profiles[str(i)] = extra
        for fig in a.get("figures") or ():
            figures.add(i, fig, sections)
    if aggregated:
        columns["community"] = [community[n] for n in nodes]

    kinds = sorted({_edge_kind(a) for _, _, a in graph.edges(data=True)})
    kind_index = {k: i for i, k in enumerate(kinds)}
    edges: dict[str, list[Any]] = {"s": [], "t": [], "kind": []}
    edge_sources: dict[str, list[int]] = {}
    edge_ids: dict[tuple[Any, Any, Any], int] = {}
    for u, v, key, a in sorted(graph.edges(keys=True, data=True), key=lambda e: (index[e[0]], index[e[1]], str(e[2]))):
        j = len(edges["s"])
        edge_ids[(u, v, key)] = j
        edges["s"].append(index[u])
        edges["t"].append(index[v])
        edges["kind"].append(kind_index[_edge_kind(a)])
        found = sections(a.get("sources") or ())
        if found:
            edge_sources[str(j)] = found

    lit = set(chains) if highlight is None else set(highlight)
    chain_data = []
    for name, instances in chains.items():
        members, chain_edges = _chain_parts(graph, instances)
        chain_data.append(
            {
                "name": name,
                "instances": len(instances),
                "highlight": name in lit,
                "members": sorted(index[m] for m in members),
                "edges": sorted(edge_ids[e] for e in chain_edges) if name in lit else [],
            }
        )

    named = [i for i, n in enumerate(nodes) if columns["label"][i]]
    label_order = sorted(named, key=lambda i: (-float(centrality.get(nodes[i], 0.0)), columns["label"][i], i))
    terms = {str(k): dict(v) for k, v in (graph.graph.get("terms") or {}).items()}
    meta = {
        "sizeMeasure": measure,
        "aggregated": aggregated,
        "focus": None if centre is None else str(centre),
        "hops": hops if focus is not None else None,
        "maxNodes": max_nodes,
        "graphNodes": graph.number_of_nodes(),
        "graphEdges": graph.number_of_edges(),
        "totalNodes": total[0],
        "totalEdges": total[1],
    }
    return Scene(
        nodes=columns,
        edges=edges,
        classes=classes,
        families=families,
        edge_kinds=[{"name": k, "color": edge_colour(k)} for k in kinds],
        label_order=label_order,
        profiles=profiles,
        edge_sources=edge_sources,
        sections=sections.rows,
        terms=terms,
        chains=chain_data,
        communities=communities,
        figures=figures.table(),
        meta=meta,
        timings={"layout": layout_seconds},
    )
