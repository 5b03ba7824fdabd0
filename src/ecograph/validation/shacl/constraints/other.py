"""Other constraints: ``sh:hasValue``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import SH

from ecograph.validation.shacl.constraints.base import Constraint

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["HasValueConstraint"]


@dataclass(frozen=True)
class HasValueConstraint(Constraint):
    """``sh:hasValue``: the node is the term (node shape), or the path has it among its values (property shape)."""

    term: str  # SPARQL text

    parameter = SH.hasValue
    on_value_set = True
    reports_value = False

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(value.n3())]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return f"sameTerm({v}, {self.term})"

    def set_holds(self, sparql: SparqlWriter, path: str, node: str) -> str:
        return f"EXISTS {{ {node} {path} {self.term} }}"
