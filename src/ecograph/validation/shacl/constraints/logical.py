"""Logical constraints: ``sh:not``, ``sh:or``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import rdflib
from rdflib.namespace import SH

from ecograph.validation.shacl.constraints.base import Constraint

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.shapes import Shape
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["NotConstraint", "OrConstraint"]


@dataclass(frozen=True)
class NotConstraint(Constraint):
    """``sh:not``: the value does not conform to the shape."""

    shape: Shape

    parameter: ClassVar[rdflib.URIRef] = SH["not"]

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(reader.shape(value, where))]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return f"!{sparql.holds(self.shape, v)}"


@dataclass(frozen=True)
class OrConstraint(Constraint):
    """``sh:or``: the value conforms to at least one of the shapes."""

    shapes: tuple[Shape, ...]

    parameter: ClassVar[rdflib.URIRef] = SH["or"]

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(tuple(reader.shape(member, where) for member in reader.items(value, where, "sh:or")))]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return f"({' || '.join(sparql.holds(s, v) for s in self.shapes)})"
