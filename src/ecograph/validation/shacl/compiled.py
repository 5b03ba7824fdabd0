"""Compiling a shapes graph, and running the compiled shapes on a store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from ecograph.rdf.stores import select
from ecograph.validation.shacl.reader import ShapesReader
from ecograph.validation.shacl.shapes import Select, ShapeResult, Target
from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["CompiledShapes", "compile_shapes", "compile_shapes_file"]

_PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX xsd: <{XSD}>\n"


@dataclass(frozen=True)
class CompiledShapes:
    """Shapes compiled for the SPARQL engine; :meth:`run` validates a store with them.

    Attributes
    ----------
    targets : tuple
        The shapes that have targets, with their constraints.
    classes : frozenset of str
        Every class the shapes name (``sh:targetClass``, ``sh:class``), as ``<iri>``.
    """

    targets: tuple[Target, ...]
    classes: frozenset[str]

    def subclasses(self, store: ox.Store) -> dict[str, tuple[str, ...] | None]:
        """Each class with its subclasses (``rdfs:subClassOf*``) in the store, in one query.

        Parameters
        ----------
        store : pyoxigraph.Store
            Data and ontology.

        Returns
        -------
        dict
            ``<class>`` to the ``<iri>`` of the class and its subclasses; None when a subclass is a
            blank node (those classes are then matched with a property path).
        """
        found: dict[str, set[str] | None] = {c: {c} for c in self.classes}
        if self.classes:
            classes = " ".join(sorted(self.classes))
            query = f"SELECT ?class ?sub WHERE {{ VALUES ?class {{ {classes} }} ?sub rdfs:subClassOf* ?class }}"
            for row in select(store, _PREFIXES + query, use_default_graph_as_union=True):
                cls, sub, known = str(row["class"]), row["sub"], found[str(row["class"])]
                if known is not None and isinstance(sub, ox.NamedNode):
                    known.add(str(sub))
                else:
                    found[cls] = None
        return {c: None if s is None else tuple(sorted(s)) for c, s in found.items()}

    def _selects(self, store: ox.Store) -> list[Select]:
        sparql = SparqlWriter(self.subclasses(store))
        return [query for target in self.targets for query in sparql.selects(target)]

    def queries(self, store: ox.Store) -> list[str]:
        """The SPARQL SELECT queries that :meth:`run` sends to a store, for reading or timing.

        Parameters
        ----------
        store : pyoxigraph.Store
            Data and ontology; its subclass hierarchy is written into the queries.

        Returns
        -------
        list of str
        """
        return [_PREFIXES + query.query for query in self._selects(store)]

    def run(self, store: ox.Store) -> list[ShapeResult]:
        """Validate the union of all graphs of a store.

        Parameters
        ----------
        store : pyoxigraph.Store
            Data and ontology (sh:class and sh:targetClass follow its rdfs:subClassOf statements).

        Returns
        -------
        list of ShapeResult
            One per failing focus node, constraint and value, in no particular order.
        """
        out = []
        for query in self._selects(store):
            for row in select(store, _PREFIXES + query.query, use_default_graph_as_union=True):
                for column in query.columns:
                    flag = row[column.var[1:]]
                    if isinstance(flag, ox.Literal) and flag.value == "false":
                        value = row[column.value[1:]] if column.value else None
                        shape = column.shape
                        out.append(ShapeResult(row["focus"], shape.reported_as, _iri(shape.path), value, shape.message))
        return out


def _iri(term: str | None) -> str | None:
    return None if term is None else term[1:-1]


def compile_shapes(graph: rdflib.Graph) -> CompiledShapes:
    """Compile a SHACL shapes graph for the SPARQL engine.

    Parameters
    ----------
    graph : rdflib.Graph
        The shapes.

    Returns
    -------
    CompiledShapes

    Raises
    ------
    UnsupportedShape
        A shape uses SHACL outside the supported subset; the message names the shape and the construct.

    Examples
    --------
    >>> g = rdflib.Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ...     ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "needs ex:p" ] .''')
    >>> a, c = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/C")
    >>> store = ox.Store()
    >>> store.add(ox.Quad(a, ox.NamedNode(str(RDF.type)), c))
    >>> [(r.focus.value, r.path, r.message) for r in compile_shapes(g).run(store)]
    [('http://example.org/a', 'http://example.org/p', 'needs ex:p')]
    """
    reader = ShapesReader(graph)
    targets = reader.targets()
    return CompiledShapes(tuple(targets), frozenset(reader.classes))


@lru_cache(maxsize=4)
def _compiled(path: Path, mtime_ns: int) -> CompiledShapes:
    return compile_shapes(rdflib.Graph().parse(path, format="turtle"))


def compile_shapes_file(path: Path | str) -> CompiledShapes:
    """Compile a Turtle shapes file, once per version of the file (cached by path and time).

    Parameters
    ----------
    path : Path or str
        The shapes file, e.g. :func:`ecograph.validation.validate.shapes_file`.

    Returns
    -------
    CompiledShapes

    Raises
    ------
    UnsupportedShape
        See :func:`compile_shapes`.
    """
    path = Path(path).resolve()
    return _compiled(path, path.stat().st_mtime_ns)
