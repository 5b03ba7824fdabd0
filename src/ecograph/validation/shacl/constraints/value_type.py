"""Value type constraints: ``sh:class``, ``sh:datatype``, ``sh:nodeKind``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from ecograph.validation.shacl.constraints.base import Constraint

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["ClassConstraint", "DatatypeConstraint", "NodeKindConstraint"]

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# Ill-formed literals ("abc"^^xsd:integer) fail sh:datatype, as SHACL and pySHACL say. Oxigraph keeps
# them as written, and casting one to its own datatype fails; integers and decimals are matched
# against their lexical space instead, as Oxigraph's numbers overflow where XSD's do not.
_CAST_CHECKED = (XSD.double, XSD.float, XSD.boolean, XSD.date, XSD.dateTime, XSD.time)
_WELL_FORMED = {
    **{d.n3(): f"isLiteral({d.n3()}({{v}}))" for d in _CAST_CHECKED},
    XSD.integer.n3(): 'REGEX(STR({v}), "^[+-]?[0-9]+$")',
    XSD.decimal.n3(): 'REGEX(STR({v}), "^[+-]?([0-9]+(\\\\.[0-9]*)?|\\\\.[0-9]+)$")',
}


@dataclass(frozen=True)
class ClassConstraint(Constraint):
    """``sh:class``: the value is an instance of the class or of one of its subclasses."""

    cls: str  # <iri>

    parameter: ClassVar[rdflib.URIRef] = SH["class"]

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        iri = reader.iri(value, where, "sh:class")
        reader.classes.add(iri)
        return [cls(iri)]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return f"EXISTS {{ {sparql.instance_of(v, self.cls)} }}"


@dataclass(frozen=True)
class DatatypeConstraint(Constraint):
    """``sh:datatype``: the value is a well-formed literal of the datatype."""

    datatype: str  # <iri>

    parameter = SH.datatype

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        if value == RDFS.Datatype:
            raise reader.refuse(where, "sh:datatype rdfs:Datatype")
        return [cls(reader.iri(value, where, "sh:datatype"))]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        if self.datatype == RDF.langString.n3():
            return f'(isLiteral({v}) && LANG({v}) != "")'
        if self.datatype == RDFS.Literal.n3():
            return f"isLiteral({v})"
        check = _WELL_FORMED.get(self.datatype)
        well_formed = f" && COALESCE({check.format(v=v)}, false)" if check else ""
        return f"(isLiteral({v}) && DATATYPE({v}) = {self.datatype}{well_formed})"


@dataclass(frozen=True)
class NodeKindConstraint(Constraint):
    """``sh:nodeKind``: the value is an IRI, a blank node or a literal (or one of two)."""

    test: str  # a SPARQL expression with a ``{v}`` placeholder

    parameter = SH.nodeKind

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        test = _NODE_KINDS.get(value) if isinstance(value, rdflib.URIRef) else None
        if test is None:
            raise reader.refuse(where, f"sh:nodeKind {value.n3()}")
        return [cls(test)]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return self.test.format(v=v)
