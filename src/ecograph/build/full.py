"""``ecograph-full.trig``: one file that answers every catalogue query by itself.

The data keeps its named graphs (one per source section) and its default graph (the
descriptions of the sources); each ontology file goes into a named graph of its own
(``ecograph.ttl`` into ``ecog:ontology``, ``vocabularies.ttl`` into ``ecog:vocabularies``,
any other ``NAME.ttl`` into ``ecog:ontology-NAME``), which the default graph says was derived
from the ontology; the inferred statements are added as the query store adds them. A store
loaded with this file alone, with the union of its graphs as default graph, is the store
``ecograph query`` runs on, but for where the ontology's statements sit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ecograph.rdf.loading import RDF_FORMATS, ontology_files
from ecograph.rdf.namespaces import ONTOLOGY_IRI, PREFIXES

__all__ = ["FULL_EXPORT", "ontology_graph", "ontology_quads", "full_dataset"]

FULL_EXPORT = "ecograph-full.trig"
"""The file name ``ecograph build`` writes."""

_ECOG = PREFIXES["ecog"]
_NAMED = {"ecograph": "ontology", "vocabularies": "vocabularies"}
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
# Document lineage, as for the report and its sources: prov:wasDerivedFrom is kept for evidence alone.
_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


def ontology_graph(path: Path) -> ox.NamedNode:
    """Name the graph that holds one ontology file in ``ecograph-full.trig``.

    Examples
    --------
    >>> [ontology_graph(Path(f)).value.rsplit("/", 1)[1] for f in ("ecograph.ttl", "vocabularies.ttl", "analysis.ttl")]
    ['ontology', 'vocabularies', 'ontology-analysis']
    """
    stem = Path(path).stem
    return ox.NamedNode(_ECOG + _NAMED.get(stem, f"ontology-{stem}"))


def ontology_quads(files: Iterable[Path] | None = None) -> Iterator[ox.Quad]:
    """Yield each ontology file's statements in its own graph, and the graph's description.

    Parameters
    ----------
    files : iterable of Path, optional
        The ontology files (not the shapes); :func:`ecograph.rdf.loading.ontology_files` by default.

    Yields
    ------
    pyoxigraph.Quad
        The file's triples in :func:`ontology_graph`; in the default graph, that graph
        has ``dcterms:source`` the ontology the file declares (the ecograph ontology when it
        declares none) and its ``dcterms:title``.
    """
    for path in ontology_files() if files is None else files:
        graph = ontology_graph(path)
        declared: list[ox.NamedNode] = []
        for triple in ox.parse(path=path, format=RDF_FORMATS[path.suffix.lower()]):
            if triple.predicate == _RDF_TYPE and triple.object == _OWL_ONTOLOGY and isinstance(triple.subject, ox.NamedNode):
                declared.append(triple.subject)
            yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)
        for ontology in declared or [ox.NamedNode(ONTOLOGY_IRI)]:
            yield ox.Quad(graph, _SOURCE, ontology, ox.DefaultGraph())
        yield ox.Quad(graph, _TITLE, ox.Literal(f"the statements of {path.name}", language="en"), ox.DefaultGraph())


def full_dataset(
    data: ox.Store, inferred: Iterable[ox.Quad | ox.Triple] = (), files: Iterable[Path] | None = None
) -> ox.Store:
    """Put data, ontology and inferred statements together, each in graphs of their own.

    Parameters
    ----------
    data : pyoxigraph.Store
        The data as loaded (named graphs of facts, the default graph of source descriptions).
    inferred : iterable of Quad or Triple
        The reasoner's statements, added as :func:`ecograph.sparql.query.add_inferred` adds
        them to the query store (only what no graph states yet).
    files : iterable of Path, optional
        The ontology files; the project's by default.

    Returns
    -------
    pyoxigraph.Store
    """
    from ecograph.sparql.query import add_inferred

    store = ox.Store()
    store.extend(ontology_quads(files))
    store.extend(data)
    add_inferred(store, inferred)
    return store
