"""Split what the OWL 2 RL engine reads into parts it can reason on one at a time, with the same answer.

The engine needs about 3 KB of memory for every statement it reads (2 GB at 10⁶ statements),
so a 10⁷-statement graph does not fit in one run. Reasoning on parts gives the same
entailments as reasoning on the whole when no rule needs statements from two parts:

- A rule with one premise about data (domain, range, sub-property, inverse, ``hasValue``,
  sub-class) only needs that statement: a statement goes to the part of its subject, which so
  derives everything it entails. Its object's part needs what it entails about the object
  (its types, for rules that join on them), which depends only on the predicate and the
  object: one statement per predicate and object goes there too, so a node that thousands of
  statements point to (a country, a sector) does not pull them all into its part.
- Rules with several premises join them on a node: the types of one node (intersection,
  sub-class, disjointness: all of a node's types are in its part), or a node and the object of
  a *joining* property: one that a ``someValuesFrom``/``allValuesFrom`` restriction, a
  property chain, a transitive, asymmetric or disjoint-property axiom names, or that entails
  such a property (sub-, inverse and equivalent properties). Nodes that a joining property
  links are kept in one part (a union-find over those statements: connected components).
- Rules that infer ``owl:sameAs`` rewrite statements across nodes: when the ontology has an
  axiom that can infer it, :mod:`ecograph.validation.materialise` reasons on the whole graph at once.

Parts are formed by hashing each component's root, so a component larger than a part stays whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

__all__ = ["joining_predicates", "write_parts"]

_OWL = "http://www.w3.org/2002/07/owl#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = ox.NamedNode(_RDF + "type")

# Properties that OWL 2 RL joins on: x p y and something about y (or about x p y and y p z).
_JOINING = f"""PREFIX owl: <{_OWL}> PREFIX rdf: <{_RDF}>
SELECT DISTINCT ?p WHERE {{
  {{ ?r owl:onProperty ?p ; owl:someValuesFrom|owl:allValuesFrom ?c }}
  UNION {{ ?x owl:propertyChainAxiom ?chain . ?chain rdf:rest*/rdf:first ?p }}
  UNION {{ ?p a ?kind VALUES ?kind {{ owl:TransitiveProperty owl:AsymmetricProperty }} }}
  UNION {{ ?p owl:propertyDisjointWith ?q }} UNION {{ ?q owl:propertyDisjointWith ?p }}
  UNION {{ ?d a owl:AllDisjointProperties ; owl:members/rdf:rest*/rdf:first ?p }}
  FILTER(isIRI(?p))
}}"""
# p entails statements of q (or q of p): sub-, inverse and equivalent properties.
_ENTAILS = f"""PREFIX owl: <{_OWL}> PREFIX rdfs: <{_RDFS}>
SELECT DISTINCT ?p ?q WHERE {{ ?p rdfs:subPropertyOf|owl:inverseOf|owl:equivalentProperty ?q FILTER(isIRI(?p) && isIRI(?q)) }}"""


def joining_predicates(ontology: ox.Store) -> set[ox.NamedNode]:
    """Properties whose statements OWL 2 RL may join with statements about their object.

    Parameters
    ----------
    ontology : pyoxigraph.Store
        Ontology and vocabularies.

    Returns
    -------
    set of pyoxigraph.NamedNode
        The joining properties and every property linked to one by sub-, inverse or equivalent
        property axioms (in either direction: conservative).

    Examples
    --------
    >>> store = ox.Store()
    >>> store.load(b'''@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... <urn:R> owl:onProperty <urn:founded> ; owl:someValuesFrom <urn:Carrier> .
    ... <urn:founder> owl:inverseOf <urn:founded> . <urn:label> rdfs:domain <urn:Thing> .''', format=ox.RdfFormat.TURTLE)
    >>> sorted(p.value for p in joining_predicates(store))
    ['urn:founded', 'urn:founder']
    """
    found = {row["p"] for row in ontology.query(_JOINING)}  # type: ignore[union-attr]
    links: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for row in ontology.query(_ENTAILS):  # type: ignore[union-attr]
        p, q = row["p"], row["q"]
        links.setdefault(p, set()).add(q)
        links.setdefault(q, set()).add(p)
    todo = list(found)
    while todo:
        for linked in links.get(todo.pop(), ()):
            if linked not in found:
                found.add(linked)
                todo.append(linked)
    return found


class _Components:
    """Union-find over the nodes that joining statements link."""

    def __init__(self) -> None:
        self.parent: dict[ox.NamedNode | ox.BlankNode, ox.NamedNode | ox.BlankNode] = {}

    def find(self, node: ox.NamedNode | ox.BlankNode) -> ox.NamedNode | ox.BlankNode:
        parent = self.parent
        root = node
        while (up := parent.get(root, root)) != root:
            root = up
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    def union(self, a: ox.NamedNode | ox.BlankNode, b: ox.NamedNode | ox.BlankNode) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def write_parts(
    data: ox.Store,
    predicates: Iterable[ox.NamedNode],
    joining: set[ox.NamedNode],
    schema: bytes,
    paths: list[Path],
) -> list[int]:
    """Write the engine's input as ``len(paths)`` N-Triples files that can be reasoned on separately.

    Parameters
    ----------
    data : pyoxigraph.Store
        The asserted data (every graph is read).
    predicates : iterable of pyoxigraph.NamedNode
        The predicates whose statements the engine reads (the others are left out).
    joining : set of pyoxigraph.NamedNode
        :func:`joining_predicates` of the ontology.
    schema : bytes
        N-Triples of the ontology, written at the head of every part.
    paths : list of Path
        One file per part.

    Returns
    -------
    list of int
        Statements of the data written to each part (a statement that two parts need counts in both).
    """
    count = len(paths)
    components = _Components()
    if count > 1:
        for p in sorted(joining, key=lambda p: p.value):
            for quad in data.quads_for_pattern(None, p, None, None):
                if not isinstance(quad.object, ox.Literal | ox.Triple) and not isinstance(quad.subject, ox.Triple):
                    components.union(quad.subject, quad.object)

    def part(node: ox.NamedNode | ox.BlankNode) -> int:
        return zlib.crc32(str(components.find(node)).encode()) % count if count > 1 else 0

    written = [0] * count
    reached: set[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode]] = set()  # (predicate, object) already in the object's part
    files: list[BinaryIO] = [path.open("wb") for path in paths]
    try:
        for out in files:
            out.write(schema)
        for p in sorted(set(predicates), key=lambda p: p.value):
            ends_matter = p != _RDF_TYPE
            for quad in data.quads_for_pattern(None, p, None, None):
                subject, obj = quad.subject, quad.object
                if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                    continue  # RDF-star statements are not OWL 2 RL's
                line = f"{quad.triple} .\n".encode()
                first = part(subject)
                files[first].write(line)
                written[first] += 1
                if ends_matter and count > 1 and not isinstance(obj, ox.Literal) and (p, obj) not in reached:
                    reached.add((p, obj))
                    second = part(obj)
                    if second != first:
                        files[second].write(line)
                        written[second] += 1
    finally:
        for out in files:
            out.close()
    return written
