"""Write the projection as GraphML or GEXF, with flat typed attributes that Gephi and Cytoscape open."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from ecograph.errors import EcographError
from ecograph.utils import atomic_write

__all__ = ["FORMATS", "flatten", "write_graph", "export_projection"]

#: Supported formats and their file suffixes.
FORMATS = {"graphml": ".graphml", "gexf": ".gexf"}
_JOIN = "; "


def _figure_text(figure: dict[str, Any]) -> str:
    short = {k: str(figure.get(k) or "").rsplit("/", 1)[-1] for k in ("indicator", "unit", "qualifier")}
    parts = [
        short["indicator"].removeprefix("indicator-"),
        short["qualifier"].removeprefix("qualifier-"),
        str(figure.get("value")),
        short["unit"].removeprefix("unit-"),
    ]
    if figure.get("year") is not None:
        parts.append(f"({figure['year']})")
    return " ".join(p for p in parts if p)


def _flat(value: Any) -> Any:
    """One attribute value as str, int, float or bool: lists joined, missing values empty."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        return _JOIN.join(str(v) for v in value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Copy a projection with attributes that graph tools can type.

    Lists become ``"; "``-joined strings, figures a readable summary plus
    ``figure_count``, missing values empty strings; numbers and booleans stay
    numbers and booleans. Every node has the same attribute names (and so does
    every edge), so each column has one type.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.

    Returns
    -------
    networkx.MultiDiGraph
    """
    flat = nx.MultiDiGraph()
    node_keys = sorted({k for _, a in graph.nodes(data=True) for k in a} - {"figures"})
    edge_keys = sorted({k for *_, a in graph.edges(data=True) for k in a})
    for node, attrs in graph.nodes(data=True):
        values = {k: _flat(attrs.get(k)) for k in node_keys}
        if "unnamed" in values and values["unnamed"] == "":
            values["unnamed"] = False
        figures = attrs.get("figures") or []
        values["figures"] = _JOIN.join(_figure_text(f) for f in figures)
        values["figure_count"] = len(figures)
        values["source_count"] = len(attrs.get("sources") or [])
        flat.add_node(node, **values)
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        values = {k: _flat(attrs.get(k)) for k in edge_keys}
        if "former" in values and values["former"] == "":
            values["former"] = False
        flat.add_edge(u, v, key=key, **values)
    return flat


def write_graph(graph: nx.MultiDiGraph, path: str | Path, fmt: str | None = None) -> Path:
    """Write a projection to GraphML or GEXF atomically (temporary file, then rename).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection (flattened here).
    path : str or Path
        Target file.
    fmt : {"graphml", "gexf"}, optional
        Defaults to the file's suffix.

    Returns
    -------
    Path
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise EcographError(f"unsupported graph format {fmt!r} (use {', '.join(FORMATS)})")
    flat = flatten(graph)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
    atomic_write(path, buffer.getvalue())
    return path


def export_projection(fmt: str = "graphml", out: str | Path | None = None, *, paths: Iterable[Any] | None = None) -> Path:
    """What ``ecograph export`` does: project the project's data and write it for Gephi or Cytoscape.

    Parameters
    ----------
    fmt : {"graphml", "gexf"}
        Output format.
    out : str or Path, optional
        Target file; defaults to ``build/ecograph.<fmt>``.
    paths : iterable of path, optional
        Data files; defaults to ``graph/``.

    Returns
    -------
    Path
        The file written.
    """
    from ecograph.network.projection import load_projection
    from ecograph.paths import build_dir

    if fmt not in FORMATS:
        raise EcographError(f"unsupported graph format {fmt!r} (use {', '.join(FORMATS)})")
    target = Path(out) if out is not None else build_dir() / f"ecograph{FORMATS[fmt]}"
    return write_graph(load_projection(paths), target, fmt)
