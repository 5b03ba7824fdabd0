"""String-based constraints: ``sh:pattern``, ``sh:languageIn``, ``sh:uniqueLang``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ecograph.rdf.stores import select
from ecograph.validation.shacl.constraints.base import Constraint

if TYPE_CHECKING:
    from ecograph.validation.shacl.reader import ShapesReader
    from ecograph.validation.shacl.writer import SparqlWriter

__all__ = ["PatternConstraint", "LanguageInConstraint", "UniqueLangConstraint"]


@dataclass(frozen=True)
class PatternConstraint(Constraint):
    """``sh:pattern``: the value's string matches the regular expression (blank nodes never do)."""

    regex: str  # a SPARQL string literal

    parameter = SH.pattern

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        # Checked here, so that a pattern Oxigraph's regex engine rejects fails at compile time, not per query.
        text = rdflib.Literal(str(value)).n3()
        ok = list(select(ox.Store(), f'SELECT (REGEX("", {text}) AS ?ok) WHERE {{}}'))[0]["ok"]
        if ok is None:
            raise reader.refuse(where, f"sh:pattern {text} (a regular expression Oxigraph cannot run)")
        return [cls(text)]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        return f"(!isBlank({v}) && REGEX(STR({v}), {self.regex}))"


@dataclass(frozen=True)
class LanguageInConstraint(Constraint):
    """``sh:languageIn``: the value is a literal whose language tag matches one of the list."""

    tags: tuple[str, ...]  # lower case

    parameter = SH.languageIn

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls(tuple(sorted(str(tag).lower() for tag in reader.items(value, where, "sh:languageIn"))))]

    def value_holds(self, sparql: SparqlWriter, v: str) -> str:
        if "*" in self.tags:
            return f'(isLiteral({v}) && LANG({v}) != "")'
        tags = ", ".join(rdflib.Literal(t).n3() for t in self.tags)
        return (f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({tags}) '
                f'|| LCASE(STRBEFORE(LANG({v}), "-")) IN ({tags})))')


@dataclass(frozen=True)
class UniqueLangConstraint(Constraint):
    """``sh:uniqueLang true``: no two values of the path share a language tag."""

    parameter = SH.uniqueLang
    property_only = True
    on_value_set = True

    @classmethod
    def read(cls, reader: ShapesReader, node: rdflib.term.Node, value: rdflib.term.Node, where: str) -> list[Constraint]:
        return [cls()] if isinstance(value, rdflib.Literal) and value.toPython() is True else []

    def set_holds(self, sparql: SparqlWriter, path: str, node: str) -> str:
        a, b = sparql.fresh(), sparql.fresh()
        return (f"NOT EXISTS {{ {node} {path} {a}, {b} . FILTER(!sameTerm({a}, {b}) && isLiteral({a}) "
                f'&& isLiteral({b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}')
