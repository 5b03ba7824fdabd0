"""Load the project's RDF files into pyoxigraph stores, with file:line parse errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
]

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}
_DATA_SUFFIXES = (".trig", ".ttl", ".nt")
# pyoxigraph prefixes messages with a location that InputError already shows.
_LOCATION = re.compile(r"^Parser error [^:]*: ")


def _is_shapes(path: Path) -> bool:
    return path.name == "shapes.ttl" or path.name.endswith("-shapes.ttl")


def data_files(root: Path | None = None) -> list[Path]:
    """List the data files: ``graph/**/*.trig``, ``*.ttl`` and ``*.nt``, sorted.

    Parameters
    ----------
    root : Path, optional
        Directory to search; defaults to the data folders of the project in use (the shipped
        seed when it is loaded, then the project's ``graph/``), each sorted on its own.

    Returns
    -------
    list of Path
    """
    roots = data_dirs() if root is None else [root]
    return [f for r in roots for f in sorted(p for p in r.rglob("*") if p.suffix in _DATA_SUFFIXES and p.is_file())]


def ontology_files(root: Path | None = None) -> list[Path]:
    """List ``ontology/*.ttl`` without the SHACL shapes files, sorted.

    Parameters
    ----------
    root : Path, optional
        Directory to search; defaults to the project's ``ontology/``.

    Returns
    -------
    list of Path
    """
    root = ontology_dir() if root is None else root
    return sorted(p for p in root.glob("*.ttl") if not _is_shapes(p))


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
        store.load(path=path, format=fmt)
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
