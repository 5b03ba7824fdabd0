"""The SHACL constraint components the SPARQL engine compiles, one class each (as in pySHACL's ``constraints/core``)."""

from __future__ import annotations

import rdflib

from ecograph.validation.shacl.constraints.base import Constraint, Counted
from ecograph.validation.shacl.constraints.cardinality import MaxCountConstraint, MinCountConstraint
from ecograph.validation.shacl.constraints.logical import NotConstraint, OrConstraint
from ecograph.validation.shacl.constraints.other import HasValueConstraint
from ecograph.validation.shacl.constraints.shape_based import (
    NodeConstraint,
    QualifiedMinCountConstraint,
    QualifiedMinCountParameter,
)
from ecograph.validation.shacl.constraints.string_based import (
    LanguageInConstraint,
    PatternConstraint,
    UniqueLangConstraint,
)
from ecograph.validation.shacl.constraints.value_type import ClassConstraint, DatatypeConstraint, NodeKindConstraint

__all__ = [
    "Constraint",
    "Counted",
    "CONSTRAINTS",
    "ClassConstraint",
    "DatatypeConstraint",
    "NodeKindConstraint",
    "PatternConstraint",
    "LanguageInConstraint",
    "UniqueLangConstraint",
    "MinCountConstraint",
    "MaxCountConstraint",
    "NodeConstraint",
    "QualifiedMinCountConstraint",
    "QualifiedMinCountParameter",
    "NotConstraint",
    "OrConstraint",
    "HasValueConstraint",
]

#: Each constraint parameter the compiler understands, with the class that reads it.
CONSTRAINTS: dict[rdflib.URIRef, type[Constraint]] = {
    kind.parameter: kind
    for kind in (
        ClassConstraint,
        DatatypeConstraint,
        NodeKindConstraint,
        PatternConstraint,
        LanguageInConstraint,
        UniqueLangConstraint,
        MinCountConstraint,
        MaxCountConstraint,
        NodeConstraint,
        QualifiedMinCountConstraint,
        QualifiedMinCountParameter,
        NotConstraint,
        OrConstraint,
        HasValueConstraint,
    )
}
