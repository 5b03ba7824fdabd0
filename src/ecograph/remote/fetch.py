"""Read the graph back from any SPARQL 1.1 store, page by page, into a local store for the projection.

``ecograph chains|analyze|viz|export --endpoint URL`` project a graph that a store holds: this
module fetches its statements with plain SPARQL 1.1 SELECT queries (no store-specific feature),
in pages of a bounded number of statements, into an embedded pyoxigraph store, and
:func:`ecograph.network.projection.project` turns that store into networkx exactly as it does
for local files. What is fetched:

- **the project's convention** (no ``graph``): every named graph that says which source
  section it comes from (``?g prov:wasDerivedFrom ?section . ?section a eco:SourceSection``),
  whole, in its own graph; and the descriptions of the source sections and documents with those
  links, in the default graph. The store's other graphs (the inferred statements, the ontology,
  a store's system graphs) are not read, as a local run does not read them;
- **one graph** (``graph=IRI``): all of its statements, in the default graph.

Each request's answer is checked: a store that cuts or times out an answer and says so in a
header (Virtuoso's ``X-SPARQL-MaxRows`` or ``X-SQL-State``, ecograph's own
``X-Ecograph-Truncated``) fails loudly, and the statements fetched must add up to what the store
counted first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pyoxigraph as ox

from ecograph.errors import EcographError
from ecograph.network.projection import FOLDED_PREDICATES
from ecograph.rdf.namespaces import PREFIXES

__all__ = ["DEFAULT_PAGE", "FetchReport", "fetch_store", "fetch_neighbourhood", "data_graphs", "project_endpoint"]

DEFAULT_PAGE = 50_000
Progress = Callable[[int, int], None]
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal

_SECTION_GRAPHS = """PREFIX eco: <{eco}> PREFIX prov: <{prov}>
SELECT ?g (COUNT(*) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?g WHERE {{ ?g prov:wasDerivedFrom ?section . ?section a eco:SourceSection }} }}
  GRAPH ?g {{ ?s ?p ?o }}
}} GROUP BY ?g ORDER BY ?g""".format(eco=PREFIXES["eco"], prov=PREFIXES["prov"])
_GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
_GRAPHS_PAGE = "SELECT DISTINCT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
_ONE_GRAPH_PAGE = "SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o LIMIT {limit} OFFSET {offset}"
# The sources: what a local run reads from the default graph of graph/**/sources.trig.
_SOURCES = """PREFIX eco: <{eco}> PREFIX dcterms: <{dcterms}>
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ ?s a eco:SourceSection . ?s ?p ?o }} UNION {{ ?section a eco:SourceSection ; dcterms:isPartOf ?s . ?s ?p ?o }}
}}""".format(eco=PREFIXES["eco"], dcterms=PREFIXES["dcterms"])
_DERIVED = """PREFIX eco: <{eco}> PREFIX prov: <{prov}>
SELECT DISTINCT ?s ?o WHERE {{ ?s prov:wasDerivedFrom ?o . ?o a eco:SourceSection }}""".format(eco=PREFIXES["eco"], prov=PREFIXES["prov"])
_WAS_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
# Statements of the named graphs that touch one of the given IRIs (either end). The VALUES sit inside
# each branch and the class test is a FILTER: with the VALUES outside, or the classes as a second
# VALUES, Oxigraph first enumerated every typed statement (1.8 s instead of 0.01 s a request at 10^5).
_AROUND = """SELECT DISTINCT ?g ?s ?p ?o WHERE {{
  {{ VALUES ?s {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ VALUES ?o {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} }}
}}"""
# The last ring is only described: its own statements (labels, classes, links) and its figures.
_ABOUT = """SELECT DISTINCT ?g ?s ?p ?o WHERE {{
  {{ VALUES ?s {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ VALUES ?o {{ {nodes} }} GRAPH ?g {{ ?s ?p ?o }} GRAPH ?typed {{ ?s a ?c }} FILTER(?c IN (FOLDED)) }}
}}"""
# Things whose statements are folded into their neighbours by the projection: fetched with them.
_FOLDED_CLASSES = {PREFIXES["org"] + "Post", PREFIXES["org"] + "Membership", PREFIXES["eco"] + "StatisticalObservation",
                   "http://purl.org/linked-data/cube#Observation"}
_NODES_PER_REQUEST = 200
_FOLDED_LIST = ", ".join(f"<{c}>" for c in sorted(_FOLDED_CLASSES))
_FOLDED = "SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {nodes} }} GRAPH ?g {{ ?x a ?c }} FILTER(?c IN (" + _FOLDED_LIST + ")) }}"
_ABOUT = _ABOUT.replace("FOLDED", _FOLDED_LIST)


@dataclass
class FetchReport:
    """What was fetched: the local store, the statements, the requests and the time."""

    store: ox.Store
    statements: int = 0
    requests: int = 0
    seconds: float = 0.0
    graphs: list[str] = field(default_factory=list)


def _select(endpoint: str, text: str, timeout: float | None) -> list[dict[str, Term]]:
    from ecograph.sparql.query import run_query

    return run_query(text, endpoint=endpoint, timeout=timeout).records()  # type: ignore[return-value]


def _integer(row: dict[str, Term], name: str) -> int:
    return int(float(row[name].value))


def data_graphs(endpoint: str, *, timeout: float | None = None) -> dict[str, int]:
    """The store's named graphs of facts (derived from a source section) and their sizes.

    Parameters
    ----------
    endpoint : str
        SPARQL 1.1 query URL.
    timeout : float, optional
        Seconds for the whole answer.

    Returns
    -------
    dict of str to int
        Graph IRI to its number of statements, sorted by IRI.
    """
    rows = _select(endpoint, _SECTION_GRAPHS, timeout)
    return {r["g"].value: _integer(r, "n") for r in rows if isinstance(r.get("g"), ox.NamedNode)}


def _batches(sizes: dict[str, int], page: int) -> Iterator[list[str]]:
    batch: list[str] = []
    total = 0
    for graph, n in sizes.items():
        if batch and total + n > page:
            yield batch
            batch, total = [], 0
        batch.append(graph)
        total += n
    if batch:
        yield batch


def _quad(row: dict[str, Term], graph: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    return ox.Quad(row["s"], row["p"], row["o"], graph)  # type: ignore[arg-type]


def _sources(endpoint: str, graphs: set[str], timeout: float | None) -> list[ox.Quad]:
    """The sections and documents, and which section each graph comes from (default graph)."""
    quads = [_quad(r, ox.DefaultGraph()) for r in _select(endpoint, _SOURCES, timeout)]
    # Only the graphs' own links: the filter is here because stores read "GRAPH ?s {}" differently.
    links = _select(endpoint, _DERIVED, timeout)
    quads += [ox.Quad(r["s"], _WAS_DERIVED_FROM, r["o"]) for r in links if r["s"].value in graphs]  # type: ignore[arg-type]
    return quads


def _check_total(what: str, expected: int, got: int) -> None:
    # Fewer is a cut answer. (Virtuoso sends a few more: its COUNT(*) merges a literal's two spellings.)
    if got < expected:
        raise EcographError(
            f"the store counted {expected:,} statements in {what} but sent {got:,}: "
            "it cut an answer without saying so (raise its row limit, e.g. Virtuoso's ResultSetMaxRows)"
        )


def fetch_store(
    endpoint: str,
    *,
    graph: str | None = None,
    page: int = DEFAULT_PAGE,
    timeout: float | None = 300.0,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch the graph a store holds into a local store, in pages.

    Parameters
    ----------
    endpoint : str
        SPARQL 1.1 query URL (Oxigraph: ``http://HOST:7878/query``; Virtuoso: ``http://HOST:8890/sparql``).
    graph : str, optional
        Read only this named graph (into the local default graph); by default every graph
        of facts and the source descriptions (see the module's docstring).
    page : int, default 50,000
        Statements per request at most (a larger graph is read in sorted slices).
    timeout : float, optional
        Seconds for each request's whole answer.
    progress : callable, optional
        Called with ``(statements fetched, statements in total)`` after each request.

    Returns
    -------
    FetchReport

    Raises
    ------
    EcographError
        Unreachable store, HTTP error, an answer cut short (header, or fewer statements than
        counted), or no graph of facts at all.
    """
    if page < 1:
        raise EcographError(f"the page size must be positive, got {page}")
    start = time.perf_counter()
    report = FetchReport(ox.Store())
    if graph is not None:
        [row] = _select(endpoint, _GRAPH_SIZE.format(graph=graph), timeout)
        sizes = {graph: _integer(row, "n")}
        if not sizes[graph]:
            raise EcographError(f"{endpoint} holds no statement in the graph <{graph}>")
    else:
        sizes = data_graphs(endpoint, timeout=timeout)
        if not sizes:
            raise EcographError(
                f"{endpoint} holds no named graph derived from a source section (prov:wasDerivedFrom an "
                "eco:SourceSection): publish the project with `ecograph publish`, or name the graph with --graph"
            )
    report.requests += 1
    report.graphs = list(sizes)
    total = sum(sizes.values())
    if progress:
        progress(0, total)

    def add(quads: Iterable[ox.Quad]) -> None:
        before = len(report.store)
        report.store.extend(quads)
        report.requests += 1
        report.statements += len(report.store) - before
        if progress:
            progress(min(report.statements, total), total)

    for batch in _batches(sizes, page):
        if len(batch) == 1 and (graph is not None or sizes[batch[0]] > page):
            _fetch_sorted(endpoint, batch[0], sizes[batch[0]], page, timeout, add, into_default=graph is not None)
            continue
        text = _GRAPHS_PAGE.format(graphs=" ".join(f"<{g}>" for g in batch))
        rows = _select(endpoint, text, timeout)
        _check_total(f"{len(batch)} graphs", sum(sizes[g] for g in batch), len(rows))
        add(_quad(r, r["g"]) for r in rows)  # type: ignore[arg-type]
    if graph is None:
        add(_sources(endpoint, set(sizes), timeout))
        report.requests += 1
    report.seconds = time.perf_counter() - start
    return report


def _fetch_sorted(
    endpoint: str, graph: str, size: int, page: int, timeout: float | None, add: Callable[[Iterable[ox.Quad]], None],
    *, into_default: bool,
) -> None:
    target: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph() if into_default else ox.NamedNode(graph)
    got = 0
    for offset in range(0, size, page):
        rows = _select(endpoint, _ONE_GRAPH_PAGE.format(graph=graph, limit=page, offset=offset), timeout)
        got += len(rows)
        add(_quad(r, target) for r in rows)
    _check_total(f"<{graph}>", size, got)


def fetch_neighbourhood(
    endpoint: str,
    focus: str,
    hops: int,
    *,
    graph: str | None = None,
    timeout: float | None = 300.0,
    progress: Progress | None = None,
) -> FetchReport:
    """Fetch only the statements within ``hops`` links of one IRI (for ``viz --focus``).

    Round ``r`` fetches every statement that touches a thing ``r`` links away from ``focus``
    (either way round, as the projection's links go); the IRIs it reaches are the next ring.
    Posts, memberships and figures, which the projection folds into their neighbours, are
    fetched within the same round and cost no hop. The statements about the last ring
    (labels, classes, figures) are thus fetched too, so every node drawn is described.

    Parameters
    ----------
    endpoint : str
        SPARQL 1.1 query URL.
    focus : str
        The IRI at the centre.
    hops : int
        How many links away from ``focus``.
    graph : str, optional
        Read only this named graph (into the local default graph).
    timeout : float, optional
        Seconds for each request's whole answer.
    progress : callable, optional
        Called with ``(statements fetched, 0)`` after each request (the total is not known).

    Returns
    -------
    FetchReport
    """
    start = time.perf_counter()
    report = FetchReport(ox.Store())
    graphs = set(data_graphs(endpoint, timeout=timeout)) if graph is None else {graph}
    report.requests += 1
    report.graphs = sorted(graphs)
    seen: set[str] = set()
    ring = {focus}
    target = (lambda g: ox.DefaultGraph()) if graph is not None else (lambda g: g)
    for hop in range(hops + 1):
        last = hop == hops
        reached: set[str] = set()
        todo = sorted(ring - seen)
        while todo:
            seen.update(todo)
            rows = [r for r in _around(endpoint, todo, timeout, subjects_only=last) if r["g"].value in graphs]
            report.requests += (len(todo) + _NODES_PER_REQUEST - 1) // _NODES_PER_REQUEST
            report.store.extend(_quad(r, target(r["g"])) for r in rows)
            # Links the projection folds away (evidence, data sets, units...) lead nowhere: not followed.
            new = {
                t.value
                for r in rows
                if r["p"].value not in FOLDED_PREDICATES
                for t in (r["s"], r["o"])
                if isinstance(t, ox.NamedNode)
            } - seen
            reached |= new
            touched = {t.value for r in rows for t in (r["s"], r["o"]) if isinstance(t, ox.NamedNode)} - seen
            report.statements = len(report.store)
            if progress:
                progress(report.statements, 0)
            # Posts, memberships and figures cost no hop: fetched at once, with what they link to.
            todo = sorted(_folded(endpoint, sorted(touched), timeout)) if touched else []
            report.requests += 1 if touched else 0
        ring = reached - seen
    if graph is None:
        report.store.extend(_sources(endpoint, graphs, timeout))
        report.requests += 2
    report.statements = len(report.store)
    report.seconds = time.perf_counter() - start
    return report


def _around(endpoint: str, nodes: list[str], timeout: float | None, *, subjects_only: bool) -> list[dict[str, Term]]:
    rows: list[dict[str, Term]] = []
    for i in range(0, len(nodes), _NODES_PER_REQUEST):
        values = " ".join(f"<{n}>" for n in nodes[i : i + _NODES_PER_REQUEST])
        rows += _select(endpoint, (_ABOUT if subjects_only else _AROUND).format(nodes=values), timeout)
    return rows


def _folded(endpoint: str, nodes: list[str], timeout: float | None) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(nodes), _NODES_PER_REQUEST):
        values = " ".join(f"<{n}>" for n in nodes[i : i + _NODES_PER_REQUEST])
        found |= {r["x"].value for r in _select(endpoint, _FOLDED.format(nodes=values), timeout)}
    return found


def project_endpoint(
    endpoint: str,
    *,
    graph: str | None = None,
    focus: str | None = None,
    hops: int = 1,
    page: int = DEFAULT_PAGE,
    timeout: float | None = 300.0,
    progress: Progress | None = None,
) -> Any:
    """The projection (networkx) of a graph a store holds: fetched in pages, projected as local files are.

    Parameters
    ----------
    endpoint : str
        SPARQL 1.1 query URL.
    graph : str, optional
        One named graph to read (see :func:`fetch_store`).
    focus : str, optional
        Fetch only the neighbourhood of this IRI (see :func:`fetch_neighbourhood`).
    hops : int, default 1
        Radius of that neighbourhood.
    page, timeout, progress
        See :func:`fetch_store`.

    Returns
    -------
    networkx.MultiDiGraph
        See :func:`ecograph.network.projection.project`.
    """
    from ecograph.network.projection import project

    if focus is not None:
        fetched = fetch_neighbourhood(endpoint, focus, hops, graph=graph, timeout=timeout, progress=progress)
    else:
        fetched = fetch_store(endpoint, graph=graph, page=page, timeout=timeout, progress=progress)
    return project(fetched.store)
