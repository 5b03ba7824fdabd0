"""Deterministic, atomic RDF serialisation of stores and quads (pyoxigraph-style API)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import IO

import pyoxigraph as ox

from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.stores import serialize
from ecograph.rdf.terms import RDF_TYPE
from ecograph.utils import atomic_write

__all__ = ["ExportFormat", "export", "export_all", "statements", "trig_spliced"]

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
    # Sorting first and then dropping neighbours that repeat is about three times faster than sorting
    # a set: the store hands out each graph's lines in runs that the sort keeps, and a set shuffles them.
    lines = list(dict.fromkeys(sorted(text.splitlines() if isinstance(text, bytes) else text)))
    lines.append(b"")  # so that the join ends with a newline without copying the text again
    return b"\n".join(lines) if len(lines) > 1 else b""


def _sorted_graphs(data: ox.Store | Iterable[Statement], format: ExportFormat) -> list[tuple[bytes | None, bytes]]:
    """Sorted, deduplicated N-Triples text of each graph (None names the default graph), graphs in order."""
    graphs = _graph_texts(data)
    # A false alarm ("_:" inside a literal) only costs time: canonicalising changes no IRI or literal.
    blank = any(b"_:" in text or (name or b"").startswith(b"_:") for name, text in graphs)
    if format.supports_datasets:
        return [(name, _sorted_lines(text)) for name, text in (_relabelled(graphs) if blank else graphs)]
    if blank:
        graphs = _relabelled([(None, b"".join(text for _, text in graphs))])
    text = _sorted_lines(line for _, text in graphs for line in text.splitlines())
    return [(None, text)] if text else []


def _relabelled(graphs: list[tuple[bytes | None, bytes]]) -> list[tuple[bytes | None, bytes]]:
    """The same graphs with their blank nodes labelled by RDFC-1.0 (graphs in order, lines unsorted).

    RDFC-1.0 labels a blank node from the statements that hold blank nodes and from nothing else,
    so only those go through the canonicaliser (and Python objects); the others stay text.
    """

    def has_blank(name: bytes | None, line: bytes) -> bool:
        return b"_:" in line or b"_:" in (name or b"")

    kept: dict[bytes | None, list[bytes]] = {}
    with_blank: list[tuple[bytes | None, bytes]] = []
    for name, text in graphs:
        lines = text.splitlines(keepends=True)
        kept.setdefault(name, []).extend(line for line in lines if not has_blank(name, line))
        with_blank.append((name, b"".join(line for line in lines if has_blank(name, line))))
    for name, text in _graph_texts(_canonical(_nquads(with_blank))):
        kept.setdefault(name, []).append(text)
    order = sorted(kept, key=lambda name: (name is not None, name or b""))
    return [(name, b"".join(kept[name])) for name in order if kept[name]]
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


def _body(
    graphs: list[tuple[bytes | None, bytes]], format: ExportFormat, prefixes: Mapping[str, str] | None,
    used: dict[str, str] | None = None,
) -> bytes:
    body = _nquads(graphs)
    if format not in (ExportFormat.NTRIPLES, ExportFormat.NQUADS):
        # Sorted N-Quads text is parsed back in order; the serialiser only adds abbreviations.
        used = _used_prefixes(graphs, prefixes or {}) if used is None else used
        body = serialize(ox.parse(body, format=ox.RdfFormat.N_QUADS), format.rdf_format, prefixes=used or None)
    return body


# A named graph's block opens with its name at the start of a line and " {"; its statements are
# indented, and literals never hold a raw newline, so nothing else starts a line and ends with " {".
_TRIG_GRAPH = re.compile(rb"^[^\t\n][^\n]* \{\n", re.MULTILINE)


def _trig_blocks(body: bytes) -> tuple[bytes, list[bytes]]:
    """Split TriG as the serialiser writes it: prefixes and default graph, then one block per named graph."""
    first = _TRIG_GRAPH.search(body)
    if first is None:
        return body, []
    # Each block closes with "}" alone on its line (block statements are indented); the next opens right after.
    blocks = [block + b"\n}\n" for block in body[first.start():].split(b"\n}\n")]
    if blocks.pop() != b"\n}\n":
        raise ValueError("TriG text does not end with a closed graph")
    return body[: first.start()], blocks


_PREFIX_LINE = re.compile(rb"^@prefix ([^:\s]*): <([^>]*)> \.$", re.MULTILINE)


def _block_name(declarations: bytes, block: bytes) -> bytes:
    """A block's graph name in N-Triples form (the order :func:`_sorted_graphs` puts graphs in)."""
    opening = block[: block.index(b"\n") + 1]  # "NAME {\n", the name perhaps abbreviated
    quads = list(ox.parse(declarations + opening + b"<urn:x> <urn:x> <urn:x> .\n}\n", format=ox.RdfFormat.TRIG))
    return str(quads[0].graph_name).encode()


def trig_spliced(
    parts: Sequence[tuple[bytes, int]], added: Iterable[Statement] = (), prefixes: Mapping[str, str] | None = PREFIXES
) -> tuple[bytes, int] | None:
    """TriG of the union of TriG texts :func:`export` wrote, plus ``added``, as :func:`export` writes it.

    The parts' named graphs keep their blocks of text: a block depends on its graph and the
    declared prefixes only, and a prefix that one part does not declare never occurs in it. Only
    the default graphs and ``added`` go through the serialiser, so the memory needed is that of
    the texts, not of a store of everything.

    Parameters
    ----------
    parts : sequence of (bytes, int)
        TriG texts as :func:`export` writes them, with the number of statements each holds.
    added : iterable of Quad or Triple
        More statements, in the default graph or in named graphs no part has.
    prefixes : mapping of str to str, optional
        The prefixes the parts were written with.

    Returns
    -------
    (bytes, int) or None
        The TriG text and its number of statements; None when splicing cannot give what
        :func:`export` writes: a blank node in a part's named graph (RDFC-1.0 labels it from
        everything), or a named graph in two places.

    Examples
    --------
    >>> ex = "http://example.org/"
    >>> a, p = ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p")
    >>> one = [ox.Quad(a, p, ox.Literal("1"), ox.NamedNode(ex + "g1")), ox.Quad(a, p, ox.Literal("0"))]
    >>> two = [ox.Quad(a, p, ox.Literal("2"), ox.NamedNode(ex + "g2")), ox.Quad(a, p, ox.Literal("0"))]
    >>> text, count = trig_spliced([(export(one, ExportFormat.TRIG), 2), (export(two, ExportFormat.TRIG), 2)])
    >>> text == export(one + two, ExportFormat.TRIG), count
    (True, 3)
    """
    declared: dict[str, str] = {}
    default: list[Statement] = []
    blocks: dict[bytes, bytes] = {}
    named = 0
    for text, count in parts:
        head, part_blocks = _trig_blocks(text)
        if any(b"_:" in block for block in part_blocks):
            return None
        for name, namespace in _PREFIX_LINE.findall(head):
            if declared.setdefault(name.decode(), namespace.decode()) != namespace.decode():
                return None
        declarations = b"".join(m.group(0) + b"\n" for m in _PREFIX_LINE.finditer(head))
        part_default = list(ox.parse(head, format=ox.RdfFormat.TRIG))
        default += part_default
        named += count - len(part_default)
        for block in part_blocks:
            name = _block_name(declarations, block)
            if blocks.setdefault(name, block) is not block:
                return None
    extra = ox.Store()
    extra.extend(s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object) for s in [*default, *added])
    extra_graphs = _sorted_graphs(extra, ExportFormat.TRIG)
    extra_named = [name for name, _ in extra_graphs if name is not None]
    if set(extra_named) & blocks.keys():
        return None
    used = dict(sorted({**declared, **_used_prefixes(extra_graphs, prefixes or {})}.items()))
    head, extra_blocks = _trig_blocks(_body(extra_graphs, ExportFormat.TRIG, prefixes, used))
    if len(extra_blocks) != len(extra_named):
        raise ValueError("TriG blocks do not match the named graphs")
    blocks.update(zip(extra_named, extra_blocks, strict=True))
    body = head + b"".join(blocks[name] for name in sorted(blocks))
    return body, named + sum(text.count(b"\n") for _, text in extra_graphs)


def export_all(
    data: ox.Store | Iterable[Statement],
    targets: Iterable[tuple[ExportFormat, str | os.PathLike[str]]],
    *,
    prefixes: Mapping[str, str] | None = PREFIXES,
    trig_with: Sequence[tuple[Iterable[Statement], str | os.PathLike[str]]] = (),
) -> list[int]:
    """Write the same data in several formats, each file as :func:`export` writes it.

    The sorted text is made once for all dataset formats and once for all triple formats,
    instead of once per file.

    Parameters
    ----------
    data : pyoxigraph.Store or iterable of Quad or Triple
        What to write (an iterable is read once).
    targets : iterable of (ExportFormat, path)
        Each file to write, atomically.
    prefixes : mapping of str to str, optional
        As for :func:`export`.
    trig_with : sequence of (iterable of Quad or Triple, path), optional
        Also write, after ``targets``, the TriG of the data with these statements added, as
        :func:`export` writes it. Where the additions leave the data's named graphs alone (their
        own graphs, or the default graph) and the data holds no blank node, those graphs keep
        their text of the data's TriG and only the rest goes through the serialiser.

    Returns
    -------
    list of int
        How many statements each file holds, in the order of ``targets``, then of ``trig_with``.
    """
    targets = list(targets)
    if not isinstance(data, ox.Store):
        store = ox.Store()
        store.extend(s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object) for s in data)
        data = store
    sorted_by_kind: dict[bool, list[tuple[bytes | None, bytes]]] = {}
    counts = []
    trig: bytes | None = None
    for format, path in targets:
        if format.supports_datasets not in sorted_by_kind:
            sorted_by_kind[format.supports_datasets] = _sorted_graphs(data, format)
        graphs = sorted_by_kind[format.supports_datasets]
        body = _body(graphs, format, prefixes)
        trig = body if format is ExportFormat.TRIG else trig
        atomic_write(path, body)
        counts.append(sum(text.count(b"\n") for _, text in graphs))
    for added, path in trig_with:
        added = list(added)
        if True not in sorted_by_kind:
            sorted_by_kind[True] = _sorted_graphs(data, ExportFormat.TRIG)
        if trig is None:
            trig = _body(sorted_by_kind[True], ExportFormat.TRIG, prefixes)
        count = sum(text.count(b"\n") for _, text in sorted_by_kind[True])
        reused = trig_spliced([(trig, count)], added, prefixes)
        if reused is None:
            from ecograph.rdf.loading import temporarily_added

            # The additions join the data in place: no copy of the whole store.
            with temporarily_added(data, (s if isinstance(s, ox.Quad) else ox.Quad(*s) for s in added)) as both:
                graphs = _sorted_graphs(both, ExportFormat.TRIG)
            reused = _body(graphs, ExportFormat.TRIG, prefixes), sum(text.count(b"\n") for _, text in graphs)
        atomic_write(path, reused[0])
        counts.append(reused[1])
    return counts


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
    body = _body(_sorted_graphs(data, format), format, prefixes)
    if output is None:
        return body
    if hasattr(output, "write"):
        output.write(body)
    else:
        atomic_write(output, body)
    return None
