"""A scalable SHACL engine: the project's shapes compiled into SPARQL SELECT queries run on pyoxigraph."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, count
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from ecograph.errors import EcographError

__all__ = ["UnsupportedShape", "ShapeResult", "CompiledShapes", "compile_shapes", "compile_shapes_file", "reported_shape"]

# Constraint parameters the compiler understands: on any shape they test a value node, on a
# property shape they test the values of its path one by one.
_VALUE_PARAMETERS = {
    SH["class"]: "class",
    SH.datatype: "datatype",
    SH.nodeKind: "nodeKind",
    SH.pattern: "pattern",
    SH.languageIn: "languageIn",
    SH.node: "node",
    SH["or"]: "or",
    SH["not"]: "not",
}
# ...and those that test the set of values of a property shape's path as a whole.
_SET_PARAMETERS = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf}
# Parameters that do not change which values conform (pySHACL reports every severity alike).
_DESCRIPTIVE = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity}
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
_PREFIXES = f"PREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX xsd: <{XSD}>\n"
# Counts up to this are tested per focus node with that many distinct values; larger ones by aggregation.
_PAIRWISE = 2


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
class _Shape:
    """A shape reduced to what the queries need; terms are SPARQL text (``<iri>``, ``"x"@en``)."""

    path: str | None
    constraints: tuple[tuple[str, object], ...]
    properties: tuple[_Shape, ...]
    message: str
    reported_as: str


@dataclass(frozen=True)
class _Target:
    """A shape with targets: the classes (``<iri>``) whose instances it tests, and the properties whose subjects."""

    shape: _Shape
    classes: tuple[str, ...]
    subjects_of: tuple[str, ...]


@dataclass(frozen=True)
class _Column:
    """A boolean variable of a query that is false for a failure of one constraint."""

    var: str
    shape: _Shape  # the shape that holds the constraint (its path and message)
    value: str  # the variable that holds the value SHACL reports, "" when it reports none


@dataclass(frozen=True)
class _Select:
    """A query (without prefixes) that binds ``?focus`` and one :class:`_Column` per constraint it tests."""

    query: str
    columns: tuple[_Column, ...]


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


class _Compiler:
    """Reads the shapes graph into :class:`_Shape` trees, refusing what it cannot translate."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.classes: set[str] = set()
        self.done: dict[rdflib.term.Node, _Shape] = {}
        self.open: list[rdflib.term.Node] = []

    def name(self, node: rdflib.term.Node) -> str:
        return node.n3(self.graph.namespace_manager) if isinstance(node, rdflib.URIRef) else "a blank-node shape"

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

    def targets(self) -> list[_Target]:
        for other in (SH.targetNode, SH.targetObjectsOf, SH.target):
            for node in self.graph.subjects(other):
                raise self.refuse(self.name(node), f"{other.n3(self.graph.namespace_manager)} (a target other than "
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
            found.append(_Target(self.shape(node, where), classes, subjects_of))
        return found

    def iri(self, node: rdflib.term.Node, where: str, parameter: str) -> str:
        if isinstance(node, rdflib.URIRef):
            return node.n3()
        if isinstance(node, rdflib.BNode):  # e.g. a path [ sh:inversePath ex:p ], or a list for a sequence
            keys = sorted({p.n3(self.graph.namespace_manager) for p in self.graph.predicates(node)})
            shown = f"[ {' ; '.join(keys)} ]"
        else:
            shown = node.n3()
        raise self.refuse(where, f"{parameter} {shown} (only an IRI)")

    def items(self, node: rdflib.term.Node, where: str, parameter: str) -> list[rdflib.term.Node]:
        try:
            return list(self.graph.items(node))
        except Exception as e:  # rdflib raises different errors for broken lists
            raise self.refuse(where, f"{parameter} with a value that is not an RDF list") from e

    def shape(self, node: rdflib.term.Node, where: str) -> _Shape:
        if node in self.done:
            return self.done[node]
        if node in self.open:
            raise self.refuse(where, "a recursive shape (it refers to itself through sh:node, sh:or or sh:not)")
        self.open.append(node)
        where = self.name(node) if isinstance(node, rdflib.URIRef) else where
        path_node = self.graph.value(node, SH.path)
        path = None if path_node is None else self.iri(path_node, where, "sh:path")
        constraints: list[tuple[str, object]] = []
        properties: list[_Shape] = []
        for parameter, value in sorted(self.graph.predicate_objects(node), key=lambda pair: tuple(map(str, pair))):
            if not str(parameter).startswith(str(SH)) or parameter in _DESCRIPTIVE | _TARGETS | {SH.path}:
                continue
            construct = parameter.n3(self.graph.namespace_manager)
            if parameter == SH.property:
                if path is not None:
                    raise self.refuse(where, "sh:property inside a property shape")
                properties.append(self.shape(value, where))
            elif parameter in _VALUE_PARAMETERS:
                constraints.append(self.value_constraint(_VALUE_PARAMETERS[parameter], value, where))
            elif parameter in _SET_PARAMETERS and path is not None:
                constraints.extend(self.set_constraint(node, parameter, value, where))
            elif parameter == SH.hasValue:  # of a node shape: the node itself is the value
                constraints.append(("hasValue", value.n3()))
            else:
                raise self.refuse(where, construct)
        self.open.pop()
        done = _Shape(path, tuple(constraints), tuple(properties), self.message(node), self.owner(node))
        self.done[node] = done
        return done

    def value_constraint(self, kind: str, value: rdflib.term.Node, where: str) -> tuple[str, object]:
        if kind == "class":
            self.classes.add(self.iri(value, where, "sh:class"))
            return kind, value.n3()
        if kind == "datatype":
            if value == RDFS.Datatype:
                raise self.refuse(where, "sh:datatype rdfs:Datatype")
            return kind, self.iri(value, where, "sh:datatype")
        if kind == "nodeKind":
            if value not in _NODE_KINDS:
                raise self.refuse(where, f"sh:nodeKind {value.n3()}")
            return kind, _NODE_KINDS[value]
        if kind == "pattern":
            return kind, _regex(value, lambda construct: self.refuse(where, construct))
        if kind == "languageIn":
            return kind, tuple(sorted(str(tag).lower() for tag in self.items(value, where, "sh:languageIn")))
        if kind == "node":
            return kind, self.shape(value, where)
        if kind == "or":
            return kind, tuple(self.shape(member, where) for member in self.items(value, where, "sh:or"))
        return kind, self.shape(value, where)  # "not"

    def set_constraint(
        self, node: rdflib.term.Node, parameter: rdflib.URIRef, value: rdflib.term.Node, where: str
    ) -> list[tuple[str, object]]:
        if parameter in (SH.minCount, SH.maxCount, SH.qualifiedMinCount):
            number = value.toPython() if isinstance(value, rdflib.Literal) else None
            if not (isinstance(number, int) and number >= 0):
                name = parameter.n3(self.graph.namespace_manager)
                raise self.refuse(where, f"{name} {value.n3()} (only a non-negative integer)")
        if parameter == SH.minCount:
            return [("minCount", value.toPython())]
        if parameter == SH.maxCount:
            return [("maxCount", value.toPython())]
        if parameter == SH.hasValue:
            return [("hasValue", value.n3())]
        if parameter == SH.uniqueLang:
            return [("uniqueLang", True)] if value.toPython() is True else []
        if parameter == SH.qualifiedValueShape:
            least = self.graph.value(node, SH.qualifiedMinCount)
            if least is None:
                raise self.refuse(where, "sh:qualifiedValueShape without sh:qualifiedMinCount")
            return [("qualifiedMinCount", (self.shape(value, where), least.toPython()))]
        if self.graph.value(node, SH.qualifiedValueShape) is None:  # sh:qualifiedMinCount alone
            raise self.refuse(where, "sh:qualifiedMinCount without sh:qualifiedValueShape")
        return []


def _regex(pattern: rdflib.term.Node, refuse: Callable[[str], UnsupportedShape]) -> str:
    """The pattern as a SPARQL string, after checking that Oxigraph's regex engine accepts it."""
    text = rdflib.Literal(str(pattern)).n3()
    ok = list(ox.Store().query(f"SELECT (REGEX(\"\", {text}) AS ?ok) WHERE {{}}"))[0]["ok"]
    if ok is None:
        raise refuse(f"sh:pattern {text} (a regular expression Oxigraph cannot run)")
    return text


class _Sparql:
    """Writes the SPARQL of compiled shapes, with each class replaced by its subclasses in the store."""

    def __init__(self, subclasses: dict[str, tuple[str, ...] | None]) -> None:
        self.subclasses = subclasses
        self.names = count(1)

    def fresh(self) -> str:
        return f"?x{next(self.names)}"

    def instance_of(self, node: str, cls: str) -> str:
        subs = self.subclasses[cls]
        if subs is None:  # a blank-node subclass cannot go into VALUES
            return f"{node} rdf:type/rdfs:subClassOf* {cls} ."
        kind = self.fresh()
        return f"{node} rdf:type {kind} . VALUES {kind} {{ {' '.join(subs)} }}"

    def holds(self, shape: _Shape, node: str) -> str:
        """An expression that is true when ``node`` conforms to ``shape``."""
        tests = [
            self.set_holds(shape.path, c, node) if shape.path else self.value_holds(c, node) for c in shape.constraints
        ]
        tests += [self.holds(p, node) for p in shape.properties]
        return f"({' && '.join(tests)})" if tests else "true"

    def value_holds(self, constraint: tuple[str, object], v: str) -> str:
        """An expression that is true when the value node ``v`` meets one constraint."""
        kind, arg = constraint
        if kind == "class":
            return f"EXISTS {{ {self.instance_of(v, str(arg))} }}"
        if kind == "datatype":
            if arg == RDF.langString.n3():
                return f'(isLiteral({v}) && LANG({v}) != "")'
            if arg == RDFS.Literal.n3():
                return f"isLiteral({v})"
            well_formed = f" && COALESCE({_WELL_FORMED[arg].format(v=v)}, false)" if arg in _WELL_FORMED else ""
            return f"(isLiteral({v}) && DATATYPE({v}) = {arg}{well_formed})"
        if kind == "nodeKind":
            return str(arg).format(v=v)
        if kind == "pattern":
            return f"(!isBlank({v}) && REGEX(STR({v}), {arg}))"
        if kind == "languageIn":
            tags = ", ".join(rdflib.Literal(t).n3() for t in arg)  # type: ignore[union-attr]
            if "*" in arg:  # type: ignore[operator]
                return f'(isLiteral({v}) && LANG({v}) != "")'
            return (f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({tags}) '
                    f'|| LCASE(STRBEFORE(LANG({v}), "-")) IN ({tags})))')
        if kind == "hasValue":
            return f"sameTerm({v}, {arg})"
        if kind == "node":
            return self.holds(arg, v)  # type: ignore[arg-type]
        if kind == "or":
            return f"({' || '.join(self.holds(s, v) for s in arg)})"  # type: ignore[union-attr]
        return f"!{self.holds(arg, v)}"  # type: ignore[arg-type]  # "not"

    def values(self, node: str, path: str, n: int, shape: _Shape | None = None) -> str:
        """A pattern that matches when ``node`` has ``n`` distinct values (conforming to ``shape``)."""
        found = [self.fresh() for _ in range(n)]
        tests = [f"!sameTerm({a}, {b})" for a, b in combinations(found, 2)]
        tests += [self.holds(shape, v) for v in found] if shape else []
        pattern = " ".join(f"{node} {path} {v} ." for v in found)
        return pattern + (f" FILTER({' && '.join(tests)})" if tests else "")

    def set_holds(self, path: str, constraint: tuple[str, object], node: str) -> str:
        """An expression that is true when the values of ``path`` at ``node`` meet one constraint."""
        kind, arg = constraint
        if kind == "minCount":
            return f"EXISTS {{ {self.values(node, path, arg)} }}" if arg else "true"  # type: ignore[arg-type]
        if kind == "maxCount":
            return f"NOT EXISTS {{ {self.values(node, path, arg + 1)} }}"  # type: ignore[operator]
        if kind == "qualifiedMinCount":
            shape, least = arg  # type: ignore[misc]
            return f"EXISTS {{ {self.values(node, path, least, shape)} }}" if least else "true"
        if kind == "hasValue":
            return f"EXISTS {{ {node} {path} {arg} }}"
        if kind == "uniqueLang":
            a, b = self.fresh(), self.fresh()
            return (f"NOT EXISTS {{ {node} {path} {a}, {b} . FILTER(!sameTerm({a}, {b}) && isLiteral({a}) "
                    f'&& isLiteral({b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}')
        value = self.fresh()
        return f"NOT EXISTS {{ {node} {path} {value} . FILTER(!{self.value_holds(constraint, value)}) }}"

    def focus_nodes(self, target: _Target) -> str:
        """A subquery that binds ``?focus`` to each target of a shape, once."""
        branches = [f"?focus {p} [] ." for p in target.subjects_of]
        if any(self.subclasses[c] is None for c in target.classes):
            branches += [self.instance_of("?focus", c) for c in target.classes]
        elif target.classes:
            classes = sorted({s for c in target.classes for s in self.subclasses[c] or ()})
            branches.append(f"?focus rdf:type ?class . VALUES ?class {{ {' '.join(classes)} }}")
        return f"{{ SELECT DISTINCT ?focus WHERE {{ {' UNION '.join(f'{{ {b} }}' for b in branches)} }} }}"

    def selects(self, target: _Target) -> Iterator[_Select]:
        """The queries that find every failure of a targeted shape; few, as each finds the targets again.

        One query tests each focus node against the constraints of the node shape and those on
        the set of values of a property; one finds the failing values of every property (a
        UNION, one branch per constraint); large counts get an aggregate query each, since
        testing ``n`` distinct values per node grows with ``n`` squared.
        """
        focus = self.focus_nodes(target)
        node = target.shape
        tests: list[tuple[str, _Column]] = []
        branches: list[tuple[str, _Column]] = []
        for c in node.constraints:
            column = _Column(f"?t{len(tests)}", node, "" if c[0] == "hasValue" else "?focus")
            tests.append((self.value_holds(c, "?focus"), column))
        for prop in node.properties:
            p = str(prop.path)
            for c in prop.constraints:
                if _distinct_values(c) > _PAIRWISE:
                    yield self.counted(focus, prop, c)
                elif c[0] in ("minCount", "maxCount", "qualifiedMinCount", "hasValue", "uniqueLang"):
                    tests.append((self.set_holds(p, c, "?focus"), _Column(f"?t{len(tests)}", prop, "")))
                else:
                    column = _Column(f"?b{len(branches)}", prop, "?value")
                    fails = f"!{self.value_holds(c, '?value')}"
                    branches.append((f"?focus {p} ?value . FILTER({fails}) BIND(false AS {column.var})", column))
        if tests:
            binds = " ".join(f"BIND({test} AS {column.var})" for test, column in tests)
            failed = " || ".join(f"!{column.var}" for _, column in tests)
            variables = " ".join(column.var for _, column in tests)
            yield _Select(
                f"SELECT ?focus {variables} WHERE {{ {focus} {binds} FILTER({failed}) }}",
                tuple(column for _, column in tests),
            )
        if branches:
            union = " UNION ".join(f"{{ {test} }}" for test, _ in branches)
            variables = " ".join(column.var for _, column in branches)
            yield _Select(
                f"SELECT DISTINCT ?focus ?value {variables} WHERE {{ {focus} {union} }}",
                tuple(column for _, column in branches),
            )

    def counted(self, focus: str, prop: _Shape, constraint: tuple[str, object]) -> _Select:
        """An aggregate query for a large ``sh:minCount``, ``sh:maxCount`` or ``sh:qualifiedMinCount``."""
        kind, arg = constraint
        if kind == "maxCount":
            having, values = f"> {arg}", f"?focus {prop.path} ?value ."
        else:
            shape, least = (None, arg) if kind == "minCount" else arg  # type: ignore[misc]
            test = f" FILTER({self.holds(shape, '?value')})" if shape else ""
            having, values = f"< {least}", f"OPTIONAL {{ ?focus {prop.path} ?value .{test} }}"
        return _Select(
            f"SELECT ?focus (false AS ?t0) WHERE {{ {focus} {values} }} "
            f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) {having})",
            (_Column("?t0", prop, ""),),
        )


@dataclass(frozen=True)
class CompiledShapes:
    """Shapes compiled for the SPARQL engine; :meth:`run` validates a store with them.

    Attributes
    ----------
    targets : tuple
        The shapes that have targets, with their constraints.
    classes : frozenset of str
        Every class the shapes name (``sh:targetClass``, ``sh:class``), as ``<iri>``.
    """

    targets: tuple[_Target, ...]
    classes: frozenset[str]

    def subclasses(self, store: ox.Store) -> dict[str, tuple[str, ...] | None]:
        """Each class with its subclasses (``rdfs:subClassOf*``) in the store, in one query.

        Parameters
        ----------
        store : pyoxigraph.Store
            Data and ontology.

        Returns
        -------
        dict
            ``<class>`` to the ``<iri>`` of the class and its subclasses; None when a subclass is a
            blank node (those classes are then matched with a property path).
        """
        found: dict[str, set[str] | None] = {c: {c} for c in self.classes}
        if self.classes:
            classes = " ".join(sorted(self.classes))
            query = f"SELECT ?class ?sub WHERE {{ VALUES ?class {{ {classes} }} ?sub rdfs:subClassOf* ?class }}"
            for row in store.query(_PREFIXES + query, use_default_graph_as_union=True):
                cls, sub, known = str(row["class"]), row["sub"], found[str(row["class"])]
                if known is not None and isinstance(sub, ox.NamedNode):
                    known.add(str(sub))
                else:
                    found[cls] = None
        return {c: None if s is None else tuple(sorted(s)) for c, s in found.items()}

    def _selects(self, store: ox.Store) -> list[_Select]:
        sparql = _Sparql(self.subclasses(store))
        return [select for target in self.targets for select in sparql.selects(target)]

    def queries(self, store: ox.Store) -> list[str]:
        """The SPARQL SELECT queries that :meth:`run` sends to a store, for reading or timing.

        Parameters
        ----------
        store : pyoxigraph.Store
            Data and ontology; its subclass hierarchy is written into the queries.

        Returns
        -------
        list of str
        """
        return [_PREFIXES + select.query for select in self._selects(store)]

    def run(self, store: ox.Store) -> list[ShapeResult]:
        """Validate the union of all graphs of a store.

        Parameters
        ----------
        store : pyoxigraph.Store
            Data and ontology (sh:class and sh:targetClass follow its rdfs:subClassOf statements).

        Returns
        -------
        list of ShapeResult
            One per failing focus node, constraint and value, in no particular order.
        """
        out = []
        for select in self._selects(store):
            for row in store.query(_PREFIXES + select.query, use_default_graph_as_union=True):
                for column in select.columns:
                    flag = row[column.var[1:]]
                    if isinstance(flag, ox.Literal) and flag.value == "false":
                        value = row[column.value[1:]] if column.value else None
                        shape = column.shape
                        found = ShapeResult(row["focus"], shape.reported_as, _iri(shape.path), value, shape.message)
                        out.append(found)
        return out


def _distinct_values(constraint: tuple[str, object]) -> int:
    """How many distinct values a test of a count constraint on one node has to find."""
    kind, arg = constraint
    if kind == "minCount":
        return arg  # type: ignore[return-value]
    if kind == "maxCount":
        return arg + 1  # type: ignore[operator]
    return arg[1] if kind == "qualifiedMinCount" else 0  # type: ignore[index]


def _iri(term: str | None) -> str | None:
    return None if term is None else term[1:-1]


def compile_shapes(graph: rdflib.Graph) -> CompiledShapes:
    """Compile a SHACL shapes graph for the SPARQL engine.

    Parameters
    ----------
    graph : rdflib.Graph
        The shapes.

    Returns
    -------
    CompiledShapes

    Raises
    ------
    UnsupportedShape
        A shape uses SHACL outside the supported subset; the message names the shape and the construct.

    Examples
    --------
    >>> g = rdflib.Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ...     ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "needs ex:p" ] .''')
    >>> a, c = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/C")
    >>> store = ox.Store()
    >>> store.add(ox.Quad(a, ox.NamedNode(str(RDF.type)), c))
    >>> [(r.focus.value, r.path, r.message) for r in compile_shapes(g).run(store)]
    [('http://example.org/a', 'http://example.org/p', 'needs ex:p')]
    """
    compiler = _Compiler(graph)
    targets = compiler.targets()
    return CompiledShapes(tuple(targets), frozenset(compiler.classes))


@lru_cache(maxsize=4)
def _compiled(path: Path, mtime_ns: int) -> CompiledShapes:
    return compile_shapes(rdflib.Graph().parse(path, format="turtle"))


def compile_shapes_file(path: Path | str) -> CompiledShapes:
    """Compile a Turtle shapes file, once per version of the file (cached by path and time).

    Parameters
    ----------
    path : Path or str
        The shapes file, e.g. :func:`ecograph.validation.validate.shapes_file`.

    Returns
    -------
    CompiledShapes

    Raises
    ------
    UnsupportedShape
        See :func:`compile_shapes`.
    """
    path = Path(path).resolve()
    return _compiled(path, path.stat().st_mtime_ns)
