"""Shape-based constraints: ``sh:node``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from ecograph.validation.shacl.constraints.base import Constraint, Counted, non_negative

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.shapes import Shape
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["NodeConstraint", "QualifiedMinCountConstraint", "QualifiedMinCountParameter"]


@dataclass(frozen=True)
class NodeConstraint(Constraint):
    """``sh:node``: the value conforms to the shape."""

    shape: Shape

    parameter = SH.node

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(reader.shape(value, where))]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return sparql.holds(self.shape, v)


@dataclass(frozen=True)
class QualifiedMinCountConstraint(Counted):
    """``sh:qualifiedValueShape`` and ``sh:qualifiedMinCount``: at least this many distinct values conform to the shape."""

    shape: Shape
    least: int

    parameter = SH.qualifiedValueShape

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        least = reader.graph.value(node, SH.qualifiedMinCount)
        if least is None:
            raise reader.refuse(where, "sh:qualifiedValueShape without sh:qualifiedMinCount")
        return [cls(reader.shape(value, where), non_negative(reader, SH.qualifiedMinCount, least, where))]

    def set_holds(self, sparql: SparqlWriter, path: str, node: str) -> str:
        return f"EXISTS {{ {sparql.values(node, path, self.least, self.shape)} }}" if self.least else "true"

    def distinct_values(self) -> int:
        return self.least

    def aggregate(self, sparql: SparqlWriter, path: str) -> tuple[str, str]:
        test = f" FILTER({sparql.holds(self.shape, '?value')})"
        return f"< {self.least}", f"OPTIONAL {{ ?focus {path} ?value .{test} }}"


class QualifiedMinCountParameter(Constraint):
    """``sh:qualifiedMinCount`` is read with its ``sh:qualifiedValueShape``; alone it is refused."""

    parameter = SH.qualifiedMinCount
    property_only = True

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        non_negative(reader, SH.qualifiedMinCount, value, where)
        if reader.graph.value(node, SH.qualifiedValueShape) is None:
            raise reader.refuse(where, "sh:qualifiedMinCount without sh:qualifiedValueShape")
        return []
