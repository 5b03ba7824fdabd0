"""ecograph: an open RDF knowledge graph of the innovation ecosystem, with its ontology and tools.

In Python (see ``docs/python.md``)::

    import ecograph
    kg = ecograph.open()                    # the project in use, or the shipped seed
    kg.query("06-national-figures").to_pandas()
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

__all__ = ["__version__", "open", "KnowledgeGraph", "QueryResult", "Page", "EcographError"]

try:
    __version__ = version("ecograph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from ecograph.api import KnowledgeGraph, Page
    from ecograph.errors import EcographError
    from ecograph.sparql.query import QueryResult

# Loaded on first use, so that `import ecograph` (and the command line) stays quick.
_LAZY = {
    "KnowledgeGraph": "ecograph.api",
    "Page": "ecograph.api",
    "QueryResult": "ecograph.sparql.query",
    "EcographError": "ecograph.errors",
}


def open(home: str | Path | None = None, *, inferred: bool = True) -> KnowledgeGraph:  # noqa: A001 - like gzip.open
    """Open the knowledge graph of a project for questions.

    Parameters
    ----------
    home : str or Path, optional
        The project folder. By default the project in use: ``ECOGRAPH_HOME``, else the
        nearest folder with an ``ecograph.toml`` from the current folder upward, else the
        seed graph shipped with ecograph.
    inferred : bool, default True
        Add the inferred statements (from a fresh build, else from the reasoner).

    Returns
    -------
    KnowledgeGraph
        ``kg.query(...)``, ``kg.chains()``, ``kg.analyze()``, ``kg.page()``, ``kg.store``.
    """
    from ecograph.api import open_graph

    return open_graph(home, inferred=inferred)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ecograph' has no attribute {name!r}")
