"""The endpoint's self-descriptions: a SPARQL service description and the VoID of the data."""

from __future__ import annotations

import pyoxigraph as ox

from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.stores import select
from ecograph.rdf.terms import RDF_TYPE, RDFS_COMMENT, XSD_INTEGER

__all__ = ["void_description", "dcat_description", "service_description", "DESCRIPTION_PREFIXES"]

_VOID = "http://rdfs.org/ns/void#"
_SD = "http://www.w3.org/ns/sparql-service-description#"
_DCTERMS = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_FORMATS = "http://www.w3.org/ns/formats/"
# Copied from the data's own void:Dataset node into the description.
_COPIED = tuple(ox.NamedNode(_DCTERMS + p) for p in ("title", "license", "source", "description", "publisher"))
_COPIED += (ox.NamedNode(_VOID + "vocabulary"),)

DESCRIPTION_PREFIXES = {**PREFIXES, "sd": _SD, "formats": _FORMATS, "dcat": _DCAT}
# What a client can ask the entity pages for (see ecograph.endpoint.dereference).
_ENTITY_MEDIA_TYPES = ("text/html", "text/turtle", "application/n-triples", "application/ld+json", "application/trig")


def _v(name: str) -> ox.NamedNode:
    return ox.NamedNode(_VOID + name)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(select(store, query, use_default_graph_as_union=True))


def _dataset_node(store: ox.Store) -> ox.NamedNode | ox.BlankNode:
    found = _rows(store, f"SELECT ?d WHERE {{ ?d a <{_VOID}Dataset> }} ORDER BY ?d LIMIT 1")
    return found[0]["d"] if found else ox.BlankNode("dataset")


def _d(name: str) -> ox.NamedNode:
    return ox.NamedNode(_DCAT + name)


def dcat_description(dataset: ox.NamedNode | ox.BlankNode, endpoint_url: str) -> list[ox.Triple]:
    """Describe the served data as a DCAT dataset with its SPARQL service and its entity pages.

    Parameters
    ----------
    dataset : NamedNode or BlankNode
        The dataset node (the data's own ``void:Dataset``).
    endpoint_url : str
        The SPARQL endpoint's URL (``…/sparql``); the other URLs are made from it.

    Returns
    -------
    list of pyoxigraph.Triple
        ``dcat:Dataset`` with ``dcat:landingPage`` (the query page) and two
        ``dcat:Distribution`` s: the SPARQL endpoint (through a ``dcat:DataService`` with its
        ``dcat:endpointURL`` and ``dcat:endpointDescription``) and the dereferenceable entity
        IRIs (``dcat:accessURL`` of the ``/id/`` space, one ``dcat:mediaType`` per format).
    """
    root = endpoint_url.removesuffix("sparql")
    service = ox.NamedNode(endpoint_url + "#service")
    sparql = ox.BlankNode("distribution-sparql")
    pages = ox.BlankNode("distribution-entities")
    media = "https://www.iana.org/assignments/media-types/"
    out = [
        ox.Triple(dataset, RDF_TYPE, _d("Dataset")),
        ox.Triple(dataset, _d("landingPage"), ox.NamedNode(root)),
        ox.Triple(dataset, _d("distribution"), sparql),
        ox.Triple(sparql, RDF_TYPE, _d("Distribution")),
        ox.Triple(sparql, ox.NamedNode(_DCTERMS + "title"), ox.Literal("SPARQL 1.1 endpoint", language="en")),
        ox.Triple(sparql, _d("accessURL"), ox.NamedNode(endpoint_url)),
        ox.Triple(sparql, _d("accessService"), service),
        ox.Triple(service, RDF_TYPE, _d("DataService")),
        ox.Triple(service, _d("endpointURL"), ox.NamedNode(endpoint_url)),
        ox.Triple(service, _d("endpointDescription"), ox.NamedNode(root + "service-description")),
        ox.Triple(service, _d("servesDataset"), dataset),
        ox.Triple(service, ox.NamedNode(_DCTERMS + "conformsTo"), ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
        ox.Triple(dataset, _d("distribution"), pages),
        ox.Triple(pages, RDF_TYPE, _d("Distribution")),
        ox.Triple(pages, ox.NamedNode(_DCTERMS + "title"), ox.Literal("a page and RDF for each entity, negotiated", language="en")),
        ox.Triple(pages, _d("accessURL"), ox.NamedNode(root + "id/")),
    ]
    out += [ox.Triple(pages, _d("mediaType"), ox.NamedNode(media + m)) for m in _ENTITY_MEDIA_TYPES]
    return out


def void_description(store: ox.Store, endpoint_url: str) -> list[ox.Triple]:
    """Describe the served data in VoID and DCAT, with counts computed from the store.

    The data's own ``void:Dataset`` node (``ecod:ecograph``) is the subject, so its
    ``dcterms:license`` and ``dcterms:source`` come from the graph itself.

    Parameters
    ----------
    store : pyoxigraph.Store
        Exactly what the endpoint serves.
    endpoint_url : str
        The SPARQL endpoint's URL, for ``void:sparqlEndpoint``.

    Returns
    -------
    list of pyoxigraph.Triple
        ``void:triples`` (distinct triples over all graphs), ``void:classes`` and one
        ``void:classPartition`` per class with ``void:entities``, ``void:properties``
        and one ``void:propertyPartition`` per property with ``void:triples``, one
        ``void:subset`` per named graph, ``void:distinctSubjects``/``Objects``.
    """
    ds = _dataset_node(store)
    out = [ox.Triple(ds, RDF_TYPE, _v("Dataset"))]
    if isinstance(ds, ox.NamedNode):
        for solution in _rows(store, f"SELECT DISTINCT ?p ?o WHERE {{ {ds} ?p ?o }} ORDER BY ?p ?o"):
            if solution["p"] in _COPIED:
                out.append(ox.Triple(ds, solution["p"], solution["o"]))
    distinct = "{ SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    (totals,) = _rows(
        store,
        f"SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_) "
        f"(COUNT(DISTINCT ?p) AS ?p_) WHERE {distinct}",
    )
    classes = _rows(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    properties = _rows(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {distinct} GROUP BY ?p ORDER BY ?p")
    graphs = _rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    out += [
        ox.Triple(ds, _v("sparqlEndpoint"), ox.NamedNode(endpoint_url)),
        ox.Triple(ds, _v("uriSpace"), ox.Literal(PREFIXES["ecod"])),
        ox.Triple(ds, _v("triples"), _count(int(totals["t"].value))),
        ox.Triple(ds, _v("distinctSubjects"), _count(int(totals["s_"].value))),
        ox.Triple(ds, _v("distinctObjects"), _count(int(totals["o_"].value))),
        ox.Triple(ds, _v("properties"), _count(int(totals["p_"].value))),
        ox.Triple(ds, _v("classes"), _count(len(classes))),
    ]
    for i, row in enumerate(classes):
        part = ox.BlankNode(f"class{i}")
        out += [
            ox.Triple(ds, _v("classPartition"), part),
            ox.Triple(part, _v("class"), row["c"]),
            ox.Triple(part, _v("entities"), _count(int(row["n"].value))),
        ]
    for i, row in enumerate(properties):
        part = ox.BlankNode(f"property{i}")
        out += [
            ox.Triple(ds, _v("propertyPartition"), part),
            ox.Triple(part, _v("property"), row["p"]),
            ox.Triple(part, _v("triples"), _count(int(row["n"].value))),
        ]
    for row in graphs:
        out += [
            ox.Triple(ds, _v("subset"), row["g"]),
            ox.Triple(row["g"], RDF_TYPE, _v("Dataset")),
            ox.Triple(row["g"], _v("triples"), _count(int(row["n"].value))),
        ]
    return out + dcat_description(ds, endpoint_url)


def service_description(store: ox.Store, endpoint_url: str, timeout: float, max_rows: int) -> list[ox.Triple]:
    """Describe the endpoint as an ``sd:Service`` (SPARQL 1.1 Service Description).

    Parameters
    ----------
    store : pyoxigraph.Store
        The served data, for the graph sizes.
    endpoint_url : str
        ``sd:endpoint``.
    timeout : float
        Per-query time limit in seconds, stated in a comment.
    max_rows : int
        Result row limit, stated in a comment.

    Returns
    -------
    list of pyoxigraph.Triple
    """
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + name)

    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint_url)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            RDFS_COMMENT,
            ox.Literal(
                f"Read-only (SPARQL Update and Graph Store writes are refused); SERVICE is refused; "
                f"each query may run {timeout:g} s and returns at most {max_rows} rows "
                "(longer answers are cut and flagged with the X-Ecograph-Truncated header).",
                language="en",
            ),
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        out.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name)))
    (total,) = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    out.append(ox.Triple(default_graph, _v("triples"), _count(int(total["n"].value))))
    graphs = _rows(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for i, row in enumerate(graphs):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, sd("name"), row["g"]),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, _v("triples"), _count(int(row["n"].value))),
        ]
    return out
