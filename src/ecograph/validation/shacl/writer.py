"""Writes the SPARQL of compiled shapes, with each class replaced by its subclasses in the store."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, count

from ecograph.validation.shacl.constraints import Counted
from ecograph.validation.shacl.shapes import Column, Select, Shape, Target

__all__ = ["SparqlWriter", "PAIRWISE"]

#: Counts up to this are tested per focus node with that many distinct values; larger ones by aggregation.
PAIRWISE = 2


class SparqlWriter:
    """Writes the queries of targeted shapes; each constraint writes its own tests.

    Parameters
    ----------
    subclasses : dict
        ``<class>`` to the ``<iri>`` of the class and its subclasses in the store; None when a
        subclass is a blank node (the class is then matched with a property path).
    """

    def __init__(self, subclasses: dict[str, tuple[str, ...] | None]) -> None:
        self.subclasses = subclasses
        self.names = count(1)

    def fresh(self) -> str:
        """A variable not used yet."""
        return f"?x{next(self.names)}"

    def instance_of(self, node: str, cls: str) -> str:
        """A pattern that matches when ``node`` is an instance of ``cls`` or of a subclass."""
        subs = self.subclasses[cls]
        if subs is None:  # a blank-node subclass cannot go into VALUES
            return f"{node} rdf:type/rdfs:subClassOf* {cls} ."
        kind = self.fresh()
        return f"{node} rdf:type {kind} . VALUES {kind} {{ {' '.join(subs)} }}"

    def holds(self, shape: Shape, node: str) -> str:
        """An expression that is true when ``node`` conforms to ``shape``."""
        path = shape.path
        tests = [c.set_holds(self, path, node) if path else c.value_holds(self, node) for c in shape.constraints]
        tests += [self.holds(p, node) for p in shape.properties]
        return f"({' && '.join(tests)})" if tests else "true"

    def values(self, node: str, path: str, n: int, shape: Shape | None = None) -> str:
        """A pattern that matches when ``node`` has ``n`` distinct values (conforming to ``shape``)."""
        found = [self.fresh() for _ in range(n)]
        tests = [f"!sameTerm({a}, {b})" for a, b in combinations(found, 2)]
        tests += [self.holds(shape, v) for v in found] if shape else []
        pattern = " ".join(f"{node} {path} {v} ." for v in found)
        return pattern + (f" FILTER({' && '.join(tests)})" if tests else "")

    def focus_nodes(self, target: Target) -> str:
        """A subquery that binds ``?focus`` to each target of a shape, once."""
        branches = [f"?focus {p} [] ." for p in target.subjects_of]
        if any(self.subclasses[c] is None for c in target.classes):
            branches += [self.instance_of("?focus", c) for c in target.classes]
        elif target.classes:
            classes = sorted({s for c in target.classes for s in self.subclasses[c] or ()})
            branches.append(f"?focus rdf:type ?class . VALUES ?class {{ {' '.join(classes)} }}")
        return f"{{ SELECT DISTINCT ?focus WHERE {{ {' UNION '.join(f'{{ {b} }}' for b in branches)} }} }}"

    def selects(self, target: Target) -> Iterator[Select]:
        """The queries that find every failure of a targeted shape; few, as each finds the targets again.

        One query tests each focus node against the constraints of the node shape and those on
        the set of values of a property; one finds the failing values of every property (a
        UNION, one branch per constraint); large counts get an aggregate query each, since
        testing ``n`` distinct values per node grows with ``n`` squared.
        """
        focus = self.focus_nodes(target)
        node = target.shape
        tests: list[tuple[str, Column]] = []
        branches: list[tuple[str, Column]] = []
        for c in node.constraints:
            column = Column(f"?t{len(tests)}", node, "?focus" if c.reports_value else "")
            tests.append((c.value_holds(self, "?focus"), column))
        for prop in node.properties:
            p = str(prop.path)
            for c in prop.constraints:
                if isinstance(c, Counted) and c.distinct_values() > PAIRWISE:
                    yield self.counted(focus, prop, c)
                elif c.on_value_set:
                    tests.append((c.set_holds(self, p, "?focus"), Column(f"?t{len(tests)}", prop, "")))
                else:
                    column = Column(f"?b{len(branches)}", prop, "?value")
                    fails = f"!{c.value_holds(self, '?value')}"
                    branches.append((f"?focus {p} ?value . FILTER({fails}) BIND(false AS {column.var})", column))
        if tests:
            binds = " ".join(f"BIND({test} AS {column.var})" for test, column in tests)
            failed = " || ".join(f"!{column.var}" for _, column in tests)
            variables = " ".join(column.var for _, column in tests)
            yield Select(
                f"SELECT ?focus {variables} WHERE {{ {focus} {binds} FILTER({failed}) }}",
                tuple(column for _, column in tests),
            )
        if branches:
            union = " UNION ".join(f"{{ {test} }}" for test, _ in branches)
            variables = " ".join(column.var for _, column in branches)
            yield Select(
                f"SELECT DISTINCT ?focus ?value {variables} WHERE {{ {focus} {union} }}",
                tuple(column for _, column in branches),
            )

    def counted(self, focus: str, prop: Shape, constraint: Counted) -> Select:
        """An aggregate query for a large ``sh:minCount``, ``sh:maxCount`` or ``sh:qualifiedMinCount``."""
        having, values = constraint.aggregate(self, str(prop.path))
        return Select(
            f"SELECT ?focus (false AS ?t0) WHERE {{ {focus} {values} }} "
            f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) {having})",
            (Column("?t0", prop, ""),),
        )

