"""What the compiler reads shapes into, and what the engine reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ecograph.errors import EcographError

if TYPE_CHECKING:
    from ecograph.validation.shacl.constraints.base import Constraint

__all__ = ["UnsupportedShape", "ShapeResult", "Shape", "Target", "Column", "Select", "reported_shape"]


class UnsupportedShape(EcographError):
    """A shape uses SHACL that the SPARQL engine does not compile; validate with pySHACL instead."""


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result, as pySHACL would report it.

    Attributes
    ----------
    focus : pyoxigraph term
        The focus node.
    shape : str
        IRI of the named node shape the constraint belongs to (its ``sh:property`` owner;
        ``_:id`` if that shape is a blank node).
    path : str or None
        IRI of the property, None for a constraint of the node shape itself.
    value : pyoxigraph term or None
        The value that fails (the focus node for node-level constraints); None for constraints
        on the number or set of values (``sh:minCount``, ``sh:maxCount``, ``sh:hasValue``, ...).
    message : str
        The ``sh:message`` of the shape that holds the constraint.
    """

    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    shape: str
    path: str | None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    message: str


@dataclass(frozen=True)
class Shape:
    """A shape reduced to what the queries need; terms are SPARQL text (``<iri>``, ``"x"@en``)."""

    path: str | None
    constraints: tuple[Constraint, ...]
    properties: tuple[Shape, ...]
    message: str
    reported_as: str


@dataclass(frozen=True)
class Target:
    """A shape with targets: the classes (``<iri>``) whose instances it tests, and the properties whose subjects."""

    shape: Shape
    classes: tuple[str, ...]
    subjects_of: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    """A boolean variable of a query that is false for a failure of one constraint."""

    var: str
    shape: Shape  # the shape that holds the constraint (its path and message)
    value: str  # the variable that holds the value SHACL reports, "" when it reports none


@dataclass(frozen=True)
class Select:
    """A query (without prefixes) that binds ``?focus`` and one :class:`Column` per constraint it tests."""

    query: str
    columns: tuple[Column, ...]


def reported_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> rdflib.term.Node:
    """Return the shape a result is reported as: an anonymous property shape is reported as the node shape that holds it.

    Parameters
    ----------
    shapes : rdflib.Graph
        The shapes graph.
    shape : rdflib node
        The shape that holds the failing constraint.

    Returns
    -------
    rdflib node
        The first named shape up the ``sh:property`` links, or the topmost blank node.
    """
    while isinstance(shape, rdflib.BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is None:
            break
        shape = parent
    return shape
