"""Deterministic, atomic RDF serialisation of stores and quads (pyoxigraph-style API)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import IO

import pyoxigraph as ox

from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.stores import serialize
from ecograph.rdf.terms import RDF_TYPE
from ecograph.utils import atomic_write

__all__ = ["ExportFormat", "export", "statements"]

Statement = ox.Quad | ox.Triple


class ExportFormat(Enum):
    """Output formats; dataset formats keep the named graphs, the others merge them."""

    TURTLE = ("ttl", ox.RdfFormat.TURTLE)
    NTRIPLES = ("nt", ox.RdfFormat.N_TRIPLES)
    TRIG = ("trig", ox.RdfFormat.TRIG)
    JSONLD = ("jsonld", ox.RdfFormat.JSON_LD)
    NQUADS = ("nq", ox.RdfFormat.N_QUADS)

    @property
    def file_extension(self) -> str:
        """File extension without the dot, e.g. ``"ttl"``."""
        return self.value[0]

    @property
    def rdf_format(self) -> ox.RdfFormat:
        """The pyoxigraph format used to write it."""
        return self.value[1]

    @property
    def supports_datasets(self) -> bool:
        """Whether named graphs are kept."""
        return self.rdf_format.supports_datasets


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def _canonical(nquads: bytes) -> ox.Dataset:
    # Parser-assigned blank node ids are random; RDFC-1.0 makes them a function of the data.
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def _graph_texts(data: ox.Store | Iterable[Statement]) -> list[tuple[bytes | None, bytes]]:
    """N-Triples text of each graph, default graph (named None) first, then named graphs in order."""
    default = ox.DefaultGraph()
    if isinstance(data, ox.Store):
        graphs = [default, *sorted(data.named_graphs(), key=str)]
        names = [None if g == default else str(g).encode() for g in graphs]
        texts = [data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs]
    else:
        by_graph: dict[GraphName, list[Statement]] = {default: []}
        for s in data:
            by_graph.setdefault(s.graph_name if isinstance(s, ox.Quad) else default, []).append(s)
        graphs = [default, *sorted((g for g in by_graph if g != default), key=str)]
        names = [None if g == default else str(g).encode() for g in graphs]
        nquads = [serialize(by_graph.pop(g), ox.RdfFormat.N_QUADS) for g in graphs]
        # Only the graph name ends a line with " <name> .\n" (N-Triples escapes newlines in literals).
        texts = [t if n is None else t.replace(b" " + n + b" .\n", b" .\n") for n, t in zip(names, nquads, strict=True)]
    return [(name, text) for name, text in zip(names, texts, strict=True) if text]


def _sorted_lines(text: bytes | Iterable[bytes]) -> bytes:
    # Sorting N-Triples lines as bytes sorts by (subject, predicate, object) strings: a term that is
    # a prefix of another is followed by a space, which sorts before anything that can continue a term.
    lines = sorted(set(text.splitlines() if isinstance(text, bytes) else text))
    lines.append(b"")  # so that the join ends with a newline without copying the text again
    return b"\n".join(lines) if len(lines) > 1 else b""


def _sorted_graphs(
    data: ox.Store | Iterable[Statement], format: ExportFormat, *, canonical: bool = False
) -> list[tuple[bytes | None, bytes]]:
    """Sorted, deduplicated N-Triples text of each graph (None names the default graph), graphs in order."""
    graphs = _graph_texts(data)
    # A false alarm ("_:" inside a literal) only costs time: canonicalising changes no IRI or literal.
    blank = not canonical and any(b"_:" in text or (name or b"").startswith(b"_:") for name, text in graphs)
    if format.supports_datasets:
        if blank:
            return _sorted_graphs(_canonical(_nquads(graphs)), format, canonical=True)
        return [(name, _sorted_lines(text)) for name, text in graphs]
    if blank:
        union = _canonical(b"".join(text for _, text in graphs))
        graphs = [(None, serialize(union, ox.RdfFormat.N_QUADS))]
    text = _sorted_lines(line for _, text in graphs for line in text.splitlines())
    return [(None, text)] if text else []


def _nquads(graphs: list[tuple[bytes | None, bytes]]) -> bytes:
    # N-Triples escapes newlines inside literals, so " .\n" only ever ends a statement.
    return b"".join(text if name is None else text.replace(b" .\n", b" " + name + b" .\n") for name, text in graphs)


def statements(data: ox.Store | Iterable[Statement], format: ExportFormat) -> list[Statement]:
    """Return what :func:`export` writes, in the order it writes it.

    Parameters
    ----------
    data : pyoxigraph.Store or iterable of Quad or Triple
        The statements; triples are taken as default-graph quads.
    format : ExportFormat
        Target format; non-dataset formats get the deduplicated union of all graphs.

    Returns
    -------
    list of Quad (dataset formats) or Triple (the others)
        Sorted by graph, subject, predicate, object; blank nodes canonicalised (RDFC-1.0).

    Examples
    --------
    >>> ex = "http://example.org/"
    >>> a, p = ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p")
    >>> quads = [ox.Quad(a, p, ox.Literal("2"), ox.NamedNode(ex + "g")), ox.Quad(a, p, ox.Literal("1"))]
    >>> [str(t.object) for t in statements(quads + quads, ExportFormat.TURTLE)]
    ['"1"', '"2"']
    """
    text = _nquads(_sorted_graphs(data, format))
    parsed = ox.parse(text, format=ox.RdfFormat.N_QUADS)
    return list(parsed) if format.supports_datasets else [q.triple for q in parsed]


def _used_prefixes(graphs: list[tuple[bytes | None, bytes]], prefixes: Mapping[str, str]) -> dict[str, str]:
    # Bytes searches over the N-Triples text run at C speed.
    text = b"".join(text for _, text in graphs)
    names = b"\n".join(name for name, _ in graphs if name)
    # rdf:type as a predicate is written "a" and needs no prefix; as an object (" .\n" follows) it does.
    rdf_type = f"<{RDF_TYPE.value}>".encode()
    type_object = b" " + rdf_type + b" .\n" in text
    type_predicates = text.count(b" " + rdf_type + b" ")  # each holds one "<" and no other use can overlap it

    def used(ns: str) -> bool:
        iri = b"<" + ns.encode()
        if iri in names:
            return True
        if rdf_type.startswith(iri):
            return type_object or text.count(iri) > type_predicates
        return iri in text

    # Only declare prefixes that are used, so the header does not depend on unrelated namespaces.
    return {p: ns for p, ns in sorted(prefixes.items()) if used(ns)}


def export(
    data: ox.Store | Iterable[Statement],
    format: ExportFormat,
    output: str | os.PathLike[str] | IO[bytes] | None = None,
    *,
    prefixes: Mapping[str, str] | None = PREFIXES,
) -> bytes | None:
    """Serialise quads or a store deterministically.

    Parameters
    ----------
    data : pyoxigraph.Store or iterable of Quad or Triple
        What to write.
    format : ExportFormat
        Output format. TURTLE and NTRIPLES write the union of all graphs as
        deduplicated triples; TRIG, JSONLD and NQUADS keep the named graphs.
    output : str, PathLike or binary file, optional
        Where to write. A path is written atomically (temporary file in the same
        directory, then ``os.replace``). No output argument means the bytes are returned.
    prefixes : mapping of str to str, optional
        Prefixes for Turtle/TriG; only those actually used are declared.

    Returns
    -------
    bytes or None
        The serialisation when ``output`` is None, else None.
    """
    graphs = _sorted_graphs(data, format)
    body = _nquads(graphs)
    if format not in (ExportFormat.NTRIPLES, ExportFormat.NQUADS):
        # Sorted N-Quads text is parsed back in order; the serialiser only adds abbreviations.
        used = _used_prefixes(graphs, prefixes or {})
        body = serialize(ox.parse(body, format=ox.RdfFormat.N_QUADS), format.rdf_format, prefixes=used or None)
    if output is None:
        return body
    if hasattr(output, "write"):
        output.write(body)
    else:
        atomic_write(output, body)
    return None
