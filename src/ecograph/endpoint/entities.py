"""Descriptions of the graph's own IRIs, for dereferencing: which statements describe one entity.

A description holds the entity's statements in both directions, whole figures about it, the
names, classes and source sections of every node they mention, and the sections and documents
those sources are (the evidence). Each statement keeps its named graph, so TriG and N-Quads
show which section every statement was taken from; Turtle, N-Triples and JSON-LD give the
statements as triples.

The statements are found with three SPARQL SELECT queries, so a description can be computed
wherever queries run: on a pyoxigraph store (:func:`describe`), or in the endpoint's workers
(:func:`describe_with`, given a function that runs a query).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ecograph.rdf.namespaces import PREFIXES

__all__ = [
    "BASE",
    "IRI_SPACES",
    "Description",
    "Row",
    "entity_iri",
    "local_path",
    "own_statements_query",
    "mentioned_query",
    "sources_query",
    "describe_with",
    "describe",
    "used_prefixes",
    "serialize_statements",
]

BASE = "https://w3id.org/ecograph/"
"""Every IRI the graph mints starts here; ``GET /id/x`` on a deployment answers for ``BASE + "id/x"``."""

IRI_SPACES = ("id", "concept", "graph")
"""The folders of minted IRIs that name things (``ecod:``, ``ecoc:``, ``ecog:``)."""

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_NAMING = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#notation",
    _RDF_TYPE,
    _DERIVED,
    "https://w3id.org/ecograph/ontology#unnamedInSource",
)
_SOURCE_PROPERTIES = (
    _RDF_TYPE,
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/isPartOf",
    "http://purl.org/dc/terms/identifier",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://w3id.org/ecograph/ontology#sectionNumber",
)
# A statement of the union default graph that no named graph holds is in the store's default graph.
_WHERE_STATED = "{ GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?elsewhere { ?s ?p ?o } } }"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = Sequence[Term | None]
"""One solution of a description query: ``s``, ``p``, ``o``, ``g`` (None for the default graph)."""


def entity_iri(path: str) -> str | None:
    """Map a request path of a minted IRI space to the IRI it names, or None.

    Examples
    --------
    >>> entity_iri("/id/huibo")
    'https://w3id.org/ecograph/id/huibo'
    >>> entity_iri("/concept/unit-yuan"), entity_iri("/id/a/b"), entity_iri("/sparql")
    ('https://w3id.org/ecograph/concept/unit-yuan', None, None)
    """
    space, _, slug = path.lstrip("/").partition("/")
    if space not in IRI_SPACES or not _SLUG.fullmatch(slug):
        return None
    return f"{BASE}{space}/{slug}"


def local_path(iri: str) -> str | None:
    """The path this server answers an IRI at (``/id/huibo``), or None for IRIs it does not mint.

    Examples
    --------
    >>> local_path("https://w3id.org/ecograph/id/huibo"), local_path("http://schema.org/founder")
    ('/id/huibo', None)
    """
    if not iri.startswith(BASE):
        return None
    path = "/" + iri[len(BASE):]
    return path if entity_iri(path) == iri else None


def _iri(term: str) -> str:
    return f"<{term}>"


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(_iri(i) for i in sorted(set(iris)))} }}"


def own_statements_query(iri: str) -> str:
    """SELECT the entity's statements either way round, and whole the figures it is a dimension of (area, subject, indicator)."""
    return f"""PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT ?s ?p ?o ?g WHERE {{
  {{ BIND({_iri(iri)} AS ?s) {_WHERE_STATED} }}
  UNION {{ BIND({_iri(iri)} AS ?o) {_WHERE_STATED} }}
  UNION {{ ?s ?dimension {_iri(iri)} ; qb:dataSet ?dataset . ?dimension a qb:DimensionProperty . {_WHERE_STATED} }}
}}"""


def mentioned_query(iris: Iterable[str]) -> str:
    """SELECT the names, classes and source sections of the given nodes."""
    return f"""SELECT ?s ?p ?o ?g WHERE {{
  {_values("s", iris)}
  {_values("p", _NAMING)}
  {_WHERE_STATED}
}}"""


def sources_query(sections: Iterable[str]) -> str:
    """SELECT what the given source sections are: title, number, and the documents they belong to."""
    return f"""PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?o ?g WHERE {{
  {_values("section", sections)}
  ?section dcterms:isPartOf* ?s .
  {_values("p", _SOURCE_PROPERTIES)}
  {_WHERE_STATED}
}}"""


def _quad(row: Row) -> ox.Quad | None:
    s, p, o, g = row
    if s is None or p is None or o is None or not isinstance(p, ox.NamedNode) or isinstance(s, ox.Literal):
        return None
    return ox.Quad(s, p, o, g if isinstance(g, ox.NamedNode) else ox.DefaultGraph())


@dataclass
class Description:
    """What the graph says about one IRI, and what a reader needs to follow it.

    Attributes
    ----------
    iri : str
        The entity.
    quads : list of pyoxigraph.Quad
        Every statement of the description in its graph, sorted, without repeats.
    truncated : bool
        True when a query hit the row limit, so statements may be missing.
    """

    iri: str
    quads: list[ox.Quad] = field(default_factory=list)
    truncated: bool = False

    @property
    def found(self) -> bool:
        """True when the graph says anything with the entity as subject or object."""
        node = ox.NamedNode(self.iri)
        return any(q.subject == node or q.object == node for q in self.quads)

    def triples(self) -> list[ox.Triple]:
        """The statements without their graphs, once each: the entity's own first."""
        return _triples(self.quads, self.iri)

    def serialize(self, fmt: ox.RdfFormat) -> bytes:
        """Write the description: quads for TriG and N-Quads, triples for the other formats."""
        return serialize_statements(self.quads, fmt, self.iri)


def _triples(quads: Iterable[ox.Quad], first: str | None = None) -> list[ox.Triple]:
    node = ox.NamedNode(first) if first else None
    return sorted({q.triple for q in quads}, key=lambda t: (t.subject != node, str(t)))


def serialize_statements(quads: list[ox.Quad], fmt: ox.RdfFormat, first: str | None = None) -> bytes:
    """Write statements: in their graphs for TriG and N-Quads, as triples once each (``first``'s first) otherwise."""
    data: list[ox.Quad] | list[ox.Triple] = quads if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS) else _triples(quads, first)
    prefixes = used_prefixes(quads) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(data, format=fmt, prefixes=prefixes) or b""


def used_prefixes(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """The project's prefixes that some IRI of the statements starts with (for Turtle and TriG)."""
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object, q.graph_name) if isinstance(t, ox.NamedNode)}
    iris |= {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)}
    return {prefix: ns for prefix, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def describe_with(run: Callable[[str], tuple[list[Row], bool]], iri: str) -> Description:
    """Describe an IRI by running the three description queries with ``run``.

    Parameters
    ----------
    run : callable
        Runs one SELECT over the union of all graphs; returns its rows (``s``, ``p``, ``o``,
        ``g`` in that order) and whether the rows were cut at a limit.
    iri : str
        The entity.

    Returns
    -------
    Description
    """
    description = Description(iri)
    quads: set[ox.Quad] = set()

    def add(query: str) -> None:
        rows, truncated = run(query)
        description.truncated |= truncated
        quads.update(q for q in map(_quad, rows) if q is not None)

    add(own_statements_query(iri))
    if not quads:
        return description
    mentioned = {
        t.value
        for q in quads
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode) and t.value != iri
    }
    if mentioned:
        add(mentioned_query(mentioned))
    sections = {q.object.value for q in quads if q.predicate.value == _DERIVED and isinstance(q.object, ox.NamedNode)}
    if sections:
        add(sources_query(sections))
    description.quads = sorted(quads, key=str)
    return description


def describe(store: ox.Store, iri: str) -> Description:
    """Describe an IRI from a store whose named graphs hold the facts (see :func:`describe_with`).

    Examples
    --------
    >>> store = ox.Store()
    >>> a, name = ox.NamedNode(BASE + "id/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    >>> store.add(ox.Quad(a, name, ox.Literal("A"), ox.NamedNode(BASE + "graph/s1")))
    >>> [str(q) for q in describe(store, BASE + "id/a").quads]
    ['<https://w3id.org/ecograph/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" <https://w3id.org/ecograph/graph/s1>']
    >>> describe(store, BASE + "id/nobody").found
    False
    """

    def run(query: str) -> tuple[list[Row], bool]:
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        return [tuple(solution[v] for v in ("s", "p", "o", "g")) for solution in solutions], False

    return describe_with(run, iri)
