"""Reads a shapes graph into :class:`~ecograph.validation.shacl.shapes.Shape` trees, refusing what it cannot translate."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from ecograph.validation.shacl.constraints import CONSTRAINTS, Constraint
from ecograph.validation.shacl.shapes import Shape, Target, UnsupportedShape, reported_shape

__all__ = ["ShapesReader"]

_TARGETS = {SH.targetClass, SH.targetSubjectsOf}
# Parameters that do not change which values conform (pySHACL reports every severity alike).
_DESCRIPTIVE = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity}


class ShapesReader:
    """Reads the targeted shapes of a graph, and every shape they refer to, once each.

    Attributes
    ----------
    graph : rdflib.Graph
        The shapes.
    classes : set of str
        Every class the shapes name (``sh:targetClass``, ``sh:class``), as ``<iri>``.
    """

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.classes: set[str] = set()
        self.done: dict[rdflib.term.Node, Shape] = {}
        self.open: list[rdflib.term.Node] = []

    def n3(self, term: rdflib.term.Node) -> str:
        return term.n3(self.graph.namespace_manager) if isinstance(term, rdflib.term.Identifier) else str(term)

    def name(self, node: rdflib.term.Node) -> str:
        return self.n3(node) if isinstance(node, rdflib.URIRef) else "a blank-node shape"

    def refuse(self, where: str, construct: str) -> UnsupportedShape:
        return UnsupportedShape(f"shape {where}: {construct} is not supported by the SPARQL engine")

    def owner(self, node: rdflib.term.Node) -> str:
        node = reported_shape(self.graph, node)
        return f"_:{node}" if isinstance(node, rdflib.BNode) else str(node)

    def message(self, node: rdflib.term.Node) -> str:
        def english_first(message: rdflib.term.Node) -> tuple[bool, str]:
            return getattr(message, "language", None) not in ("en", None), str(message)

        messages = sorted(self.graph.objects(node, SH.message), key=english_first)
        return str(messages[0]) if messages else f"The value does not conform to {self.name(node)}."

    def targets(self) -> list[Target]:
        for other in (SH.targetNode, SH.targetObjectsOf, SH.target):
            for node in self.graph.subjects(other):
                raise self.refuse(self.name(node), f"{self.n3(other)} (a target other than "
                                  "sh:targetClass and sh:targetSubjectsOf)")
        for node in set(self.graph.subjects(RDF.type, SH.NodeShape)):
            if {RDFS.Class, OWL.Class} & set(self.graph.objects(node, RDF.type)):
                raise self.refuse(self.name(node), "an implicit class target (a shape that is also a class)")
        found = []
        for node in sorted({s for p in _TARGETS for s in self.graph.subjects(p)}, key=str):
            where = self.name(node)
            if self.graph.value(node, SH.path) is not None:
                raise self.refuse(where, "a property shape with a target")
            classes, subjects_of = (
                tuple(sorted(self.iri(t, where, f"sh:{kind.fragment}") for t in self.graph.objects(node, kind)))
                for kind in (SH.targetClass, SH.targetSubjectsOf)
            )
            self.classes.update(classes)
            found.append(Target(self.shape(node, where), classes, subjects_of))
        return found

    def iri(self, node: rdflib.term.Node, where: str, parameter: str) -> str:
        if isinstance(node, rdflib.URIRef):
            return node.n3()
        if isinstance(node, rdflib.BNode):  # e.g. a path [ sh:inversePath ex:p ], or a list for a sequence
            keys = sorted({self.n3(p) for p in self.graph.predicates(node)})
            shown = f"[ {' ; '.join(keys)} ]"
        else:
            shown = node.n3()
        raise self.refuse(where, f"{parameter} {shown} (only an IRI)")

    def items(self, node: rdflib.term.Node, where: str, parameter: str) -> list[rdflib.term.Node]:
        try:
            return list(self.graph.items(node))
        except Exception as e:  # rdflib raises different errors for broken lists
            raise self.refuse(where, f"{parameter} with a value that is not an RDF list") from e

    def shape(self, node: rdflib.term.Node, where: str) -> Shape:
        if node in self.done:
            return self.done[node]
        if node in self.open:
            raise self.refuse(where, "a recursive shape (it refers to itself through sh:node, sh:or or sh:not)")
        self.open.append(node)
        where = self.name(node) if isinstance(node, rdflib.URIRef) else where
        path_node = self.graph.value(node, SH.path)
        path = None if path_node is None else self.iri(path_node, where, "sh:path")
        constraints: list[Constraint] = []
        properties: list[Shape] = []
        for parameter, value in sorted(self.graph.predicate_objects(node), key=lambda pair: tuple(map(str, pair))):
            if not str(parameter).startswith(str(SH)) or parameter in _DESCRIPTIVE | _TARGETS | {SH.path}:
                continue
            kind = CONSTRAINTS.get(parameter) if isinstance(parameter, rdflib.URIRef) else None
            if parameter == SH.property:
                if path is not None:
                    raise self.refuse(where, "sh:property inside a property shape")
                properties.append(self.shape(value, where))
            elif kind is not None and (path is not None or not kind.property_only):
                constraints.extend(kind.read(self, node, value, where))
            else:
                raise self.refuse(where, self.n3(parameter))
        self.open.pop()
        done = Shape(path, tuple(constraints), tuple(properties), self.message(node), self.owner(node))
        self.done[node] = done
        return done
