"""Typed access to a pyoxigraph store's query answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pyoxigraph as ox

__all__ = ["select", "serialize"]


def select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """Run a SELECT query and return its solutions.

    Parameters
    ----------
    store : pyoxigraph.Store
        The store.
    query : str
        A SELECT query.
    **options
        Passed to :meth:`pyoxigraph.Store.query` (``prefixes``, ``use_default_graph_as_union``, ...).

    Returns
    -------
    pyoxigraph.QuerySolutions

    Raises
    ------
    TypeError
        If the query is not a SELECT query.

    Examples
    --------
    >>> store = ox.Store()
    >>> [row["x"].value for row in select(store, 'SELECT ?x WHERE { VALUES ?x { "a" } }')]
    ['a']
    """
    answer = store.query(query, **options)
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got one that answers {type(answer).__name__}")
    return answer


def serialize(
    statements: Iterable[ox.Quad | ox.Triple], format: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Serialise statements to bytes, as :func:`pyoxigraph.serialize` does without an output.

    Examples
    --------
    >>> a = ox.NamedNode("urn:x:a")
    >>> serialize([ox.Triple(a, a, a)], ox.RdfFormat.N_TRIPLES)
    b'<urn:x:a> <urn:x:a> <urn:x:a> .\\n'
    """
    # pyoxigraph takes triples, quads or both; its stubs name only the first two.
    data = ox.serialize(cast(Iterable[ox.Quad], statements), format=format, prefixes=prefixes)
    assert data is not None  # no output given: the bytes are returned
    return data
