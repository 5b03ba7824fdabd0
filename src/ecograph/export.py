"""Deterministic, atomic RDF serialisation of stores and quads (pyoxigraph-style API)."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ecograph.namespaces import PREFIXES

__all__ = ["ExportFormat", "export", "statements", "atomic_write"]

Statement = ox.Quad | ox.Triple
_RDF_TYPE_NT = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


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


def _key(q: ox.Quad) -> tuple[str, str, str, str]:
    # The default graph sorts first; str() of a term is its N-Triples form.
    g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
    return (g, str(q.subject), str(q.predicate), str(q.object))


def _has_blank(key: tuple[str, str, str, str]) -> bool:
    return key[0].startswith("_:") or key[1].startswith("_:") or key[3].startswith("_:")


@contextmanager
def _no_gc() -> Iterator[None]:
    # Millions of small tuples would trigger the cyclic collector again and again; none of them is cyclic.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    """
    return _sorted_statements(data, format)[0]


def _sorted_statements(
    data: ox.Store | Iterable[Statement], format: ExportFormat
) -> tuple[list[Statement], list[tuple[str, str, str, str]]]:
    with _no_gc():
        quads = [s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object) for s in data]
        if not format.supports_datasets:
            quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        unique = {_key(q): q for q in quads}
        if any(_has_blank(k) for k in unique):
            # Parser-assigned blank node ids are random; RDFC-1.0 makes them a function of the data.
            dataset = ox.Dataset(unique.values())
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            unique = {_key(q): q for q in dataset}
        keys = sorted(unique)
        ordered = [unique[k] for k in keys]
    return (ordered if format.supports_datasets else [q.triple for q in ordered]), keys


def _used_prefixes(keys: list[tuple[str, str, str, str]], prefixes: Mapping[str, str]) -> dict[str, str]:
    # Search the N-Triples text of every term at once (C speed); rdf:type is written "a" and needs no prefix.
    text = "\n".join(part for g, s, p, o in keys for part in (g, s, "" if p == _RDF_TYPE_NT else p, o))
    # Only declare prefixes that are used, so the header does not depend on unrelated namespaces.
    return {p: ns for p, ns in sorted(prefixes.items()) if f"<{ns}" in text}


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to a file so that readers see either the old or the new content.

    Parameters
    ----------
    path : str or PathLike
        Destination; its directory must exist.
    data : bytes
        Full new content.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be published
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    stmts, keys = _sorted_statements(data, format)
    used = _used_prefixes(keys, prefixes or {})
    body = ox.serialize(stmts, format=format.rdf_format, prefixes=used or None)
    if output is None:
        return body
    if hasattr(output, "write"):
        output.write(body)
    else:
        atomic_write(output, body)
    return None
