"""What every constraint kind does: read itself from the shapes graph, then write SPARQL tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import rdflib

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["Constraint", "Counted"]


class Constraint:
    """One SHACL constraint component of a shape, compiled to SPARQL expressions.

    A subclass names its parameter and reads it (:meth:`read`); a value constraint says when one
    value meets it (:meth:`value_holds`), a constraint on the set of values of a property says when
    the values of a path at a node meet it (:meth:`set_holds`).
    """

    #: The SHACL parameter that introduces the constraint.
    parameter: ClassVar[rdflib.URIRef]
    #: Allowed on property shapes only (the constraint is about the values of a path).
    property_only: ClassVar[bool] = False
    #: Tested once per focus node on the set of values of a path, rather than value by value.
    on_value_set: ClassVar[bool] = False
    #: SHACL reports the failing value node (not so for ``sh:hasValue``).
    reports_value: ClassVar[bool] = True

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        """The constraints that the parameter's ``value`` on shape ``node`` stands for (none, one, or more)."""
        raise NotImplementedError

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        """An expression that is true when the value node ``v`` meets the constraint."""
        raise NotImplementedError(f"{type(self).__name__} tests the set of values, not one value")

    def set_holds(self, sparql: SparqlWriter, path: str, node: str) -> str:
        """An expression that is true when the values of ``path`` at ``node`` meet the constraint."""
        value = sparql.fresh()
        return f"NOT EXISTS {{ {node} {path} {value} . FILTER(!{self.value_holds(sparql, value)}) }}"

    def distinct_values(self) -> int:
        """How many distinct values a test of the constraint at one node has to find (0: not counted)."""
        return 0


class Counted(Constraint):
    """A constraint on the number of values; large numbers are tested by an aggregate query."""

    on_value_set = True
    property_only = True

    def aggregate(self, sparql: SparqlWriter, path: str) -> tuple[str, str]:
        """The ``HAVING`` comparison on ``COUNT(DISTINCT ?value)`` that fails, and the pattern binding ``?value``."""
        raise NotImplementedError


def non_negative(reader: ShapesReader, parameter: rdflib.URIRef, value: rdflib.term.Node, where: str) -> int:
    """The value of a count parameter, refused unless it is a non-negative integer."""
    number = value.toPython() if isinstance(value, rdflib.Literal) else None
    if not (isinstance(number, int) and number >= 0):
        raise reader.refuse(where, f"{reader.n3(parameter)} {value.n3()} (only a non-negative integer)")
    return number
