"""Load the project's RDF files into pyoxigraph stores, with file:line parse errors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ecograph.errors import InputError
from ecograph.paths import data_dirs, display_path, ontology_dir
from ecograph.rdf.namespaces import PREFIXES

__all__ = [
    "RDF_FORMATS",
    "data_files",
    "ontology_files",
    "load_file",
    "store_from_files",
    "load_dataset",
    "load_ontology",
    "to_rdflib",
    "temporarily_added",
]

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
# RDF in a form (or under a name) ecograph cannot read: refused by name, never skipped.
_REFUSED_SUFFIXES = {
    ".n3": "Notation3 is not RDF 1.1: save it as Turtle (.ttl)",
    ".json": "name JSON-LD files .jsonld",
    ".xml": "name RDF/XML files .rdf",
    ".owx": "OWL/XML is not read: save the ontology as Turtle (.ttl) or RDF/XML (.rdf)",
    ".ofn": "OWL functional syntax is not read: save the ontology as Turtle (.ttl) or RDF/XML (.rdf)",
}
# Other files may share these suffixes (a synthetic graph's .expected.json, metadata): only
# those whose start reads as RDF are refused; the rest are not RDF and not looked at.
_RDF_MARKS = {
    ".json": (b'"@context"', b'"@graph"', b'"@id"'),
    ".xml": (b"http://www.w3.org/1999/02/22-rdf-syntax-ns#", b"<rdf:RDF"),
}
_PEEK_BYTES = 1 << 16
# pyoxigraph prefixes messages with a location that InputError already shows.
_LOCATION = re.compile(r"^Parser error [^:]*: ")


def _is_shapes(path: Path) -> bool:
    return path.name == "shapes.ttl" or path.name.endswith("-shapes.ttl")


def _looks_like_rdf(path: Path, suffix: str) -> bool:
    marks = _RDF_MARKS.get(suffix)
    if marks is None:
        return True
    with path.open("rb") as f:
        start = f.read(_PEEK_BYTES)
    return any(mark in start for mark in marks)


def _rdf_files(paths: Iterable[Path]) -> list[Path]:
    """The RDF files among ``paths``, sorted; an RDF-like file ecograph cannot read is an error."""
    found = []
    for p in paths:
        suffix = p.suffix.lower()
        if not p.is_file():
            continue
        if suffix in _REFUSED_SUFFIXES and _looks_like_rdf(p, suffix):
            raise InputError(display_path(p), f"cannot load this file: {_REFUSED_SUFFIXES[suffix]}")
        if suffix in RDF_FORMATS:
            found.append(p)
    return sorted(found)


def data_files(root: Path | None = None) -> list[Path]:
    """List the data files: every file of an :data:`RDF_FORMATS` type under the data folders.

    Parameters
    ----------
    root : Path, optional
        Directory to search; defaults to the data folders of the project in use (the shipped
        seed when it is loaded, then the project's ``graph/``), each sorted on its own.

    Returns
    -------
    list of Path

    Raises
    ------
    InputError
        For an RDF-like file that cannot be loaded (``.n3``, ``.json``, ``.xml``, …), rather
        than leaving it out without a word.
    """
    roots = data_dirs() if root is None else [root]
    return [f for r in roots for f in _rdf_files(r.rglob("*"))]


def ontology_files(root: Path | None = None) -> list[Path]:
    """List the ontology's RDF files (``ontology/*.ttl``, ``*.rdf``, ``*.owl``, ``*.jsonld``…) without the SHACL shapes, sorted.

    Parameters
    ----------
    root : Path, optional
        Directory to search; defaults to the project's ``ontology/``.

    Returns
    -------
    list of Path
    """
    root = ontology_dir() if root is None else root
    return [p for p in _rdf_files(root.glob("*")) if not _is_shapes(p)]


def load_file(store: ox.Store, path: Path) -> None:
    """Parse one RDF file into a store; triples go to the default graph.

    Parameters
    ----------
    store : pyoxigraph.Store
        Target store.
    path : Path
        File whose extension is one of :data:`RDF_FORMATS`.

    Raises
    ------
    InputError
        If the file cannot be read, has an unknown extension or does not parse.
    """
    path = Path(path)
    shown = display_path(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(shown, f"unsupported file type {path.suffix!r} (use {', '.join(RDF_FORMATS)})")
    try:
        # Bulk loading skips the per-statement transaction: about a third faster on large files. On a
        # parse error the store may hold part of the file; every caller then drops the store.
        store.bulk_load(path=path, format=fmt)
    except SyntaxError as e:
        message = _LOCATION.sub("", e.msg or str(e))
        if e.offset and e.lineno:
            message = f"{message} (column {e.offset})"
        raise InputError(shown, message, e.lineno) from e
    except OSError as e:
        raise InputError(shown, e.strerror or str(e)) from e


def store_from_files(files: Iterable[Path]) -> ox.Store:
    """Load the given RDF files into a new in-memory store.

    Parameters
    ----------
    files : iterable of Path
        Files to load, in order; directories are searched for data files.

    Returns
    -------
    pyoxigraph.Store

    Raises
    ------
    InputError
        On the first file that cannot be read or parsed.
    """
    store = ox.Store()
    for f in files:
        f = Path(f)
        for one in data_files(f) if f.is_dir() else [f]:
            load_file(store, one)
    return store


def load_dataset(paths: Iterable[Path] | None = None) -> ox.Store:
    """Load the knowledge graph data.

    Parameters
    ----------
    paths : iterable of Path, optional
        Files or directories; defaults to every data file under ``graph/``.

    Returns
    -------
    pyoxigraph.Store
        TriG quads in their named graphs, Turtle and N-Triples in the default graph.
    """
    return store_from_files(data_files() if paths is None else paths)


def load_ontology(paths: Iterable[Path] | None = None) -> ox.Store:
    """Load the ontology and vocabularies (not the shapes) into the default graph.

    Parameters
    ----------
    paths : iterable of Path, optional
        Files to load; defaults to :func:`ontology_files`.

    Returns
    -------
    pyoxigraph.Store
    """
    return store_from_files(ontology_files() if paths is None else paths)


def to_rdflib(store: ox.Store, union: bool = True) -> rdflib.Graph | rdflib.Dataset:
    """Copy a store into rdflib, for libraries that need it (pySHACL, owlready2).

    Parameters
    ----------
    store : pyoxigraph.Store
        Source store.
    union : bool, default True
        If true, return one Graph with the triples of every graph; else a
        Dataset that keeps the named graphs.

    Returns
    -------
    rdflib.Graph or rdflib.Dataset
        With the project's prefixes bound.
    """
    if union:
        data = ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES)
        target: rdflib.Graph = rdflib.Graph()
        target.parse(data=data, format="nt")
    else:
        target = rdflib.Dataset()
        target.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    for prefix, ns in PREFIXES.items():
        target.bind(prefix, ns, override=True)
    return target


@contextmanager
def temporarily_added(store: ox.Store, statements: Iterable[ox.Quad]) -> Iterator[ox.Store]:
    """Add statements to a store for the duration of a ``with`` block, then remove exactly those that were new.

    Cheaper than a copy of a large store (no second store, no Python loop over its statements).

    Parameters
    ----------
    store : pyoxigraph.Store
        Changed in place, and restored on leaving the block (also on an error).
    statements : iterable of pyoxigraph.Quad
        What to add; quads the store already holds stay after the block.

    Yields
    ------
    pyoxigraph.Store
        The same store.

    Examples
    --------
    >>> store = ox.Store()
    >>> a = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"))
    >>> store.add(a)
    >>> b = ox.Quad(ox.NamedNode("urn:b"), ox.NamedNode("urn:p"), ox.NamedNode("urn:c"), ox.NamedNode("urn:g"))
    >>> with temporarily_added(store, [a, b]) as s:
    ...     len(s)
    2
    >>> list(store) == [a], list(store.named_graphs())
    (True, [])
    """
    new = [q for q in statements if q not in store]
    # A store keeps a named graph once it has been given one, even when emptied: new graphs go too.
    graphs = {q.graph_name for q in new if not isinstance(q.graph_name, ox.DefaultGraph)}
    graphs = {g for g in graphs if not store.contains_named_graph(g)}
    store.extend(new)
    try:
        yield store
    finally:
        for q in new:
            store.remove(q)
        for g in graphs:
            store.remove_graph(g)
