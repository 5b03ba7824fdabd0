"""Cardinality constraints: ``sh:minCount``, ``sh:maxCount``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from ecograph.validation.shacl.constraints.base import Constraint, Counted, non_negative

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["MinCountConstraint", "MaxCountConstraint"]


@dataclass(frozen=True)
class MinCountConstraint(Counted):
    """``sh:minCount``: the path has at least this many distinct values."""

    least: int

    parameter = SH.minCount

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(non_negative(reader, SH.minCount, value, where))]

    def set_holds(self, sparql: SparqlWriter, path: str, node: str) -> str:
        return f"EXISTS {{ {sparql.values(node, path, self.least)} }}" if self.least else "true"

    def distinct_values(self) -> int:
        return self.least

    def aggregate(self, sparql: SparqlWriter, path: str) -> tuple[str, str]:
        return f"< {self.least}", f"OPTIONAL {{ ?focus {path} ?value . }}"


@dataclass(frozen=True)
class MaxCountConstraint(Counted):
    """``sh:maxCount``: the path has at most this many distinct values."""

    most: int

    parameter = SH.maxCount

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(non_negative(reader, SH.maxCount, value, where))]

    def set_holds(self, sparql: SparqlWriter, path: str, node: str) -> str:
        return f"NOT EXISTS {{ {sparql.values(node, path, self.most + 1)} }}"

    def distinct_values(self) -> int:
        return self.most + 1

    def aggregate(self, sparql: SparqlWriter, path: str) -> tuple[str, str]:
        return f"> {self.most}", f"?focus {path} ?value ."
