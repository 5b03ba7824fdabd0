"""The page's data as written into the HTML: what the first view draws, then the details in a compact form.

At 10^5 nodes most of the bytes were the same few strings again and again: every IRI written in
full, a node's classes as a list of names (28 distinct lists for 98,433 nodes at 10^6 statements),
its names repeating its label, the source sections of every node and edge as a list each. The
details keep each of these once, in a table, and refer to it by index. ``join_payload`` (and the
page's ``loadDetails``) turn them back into the scene's payload, unchanged.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DETAILS", "split_payload", "join_payload", "split_iri"]

DETAILS = ("profiles", "edgeSources", "sections", "terms", "figures")
"""Parts of the page's data that the first view does not need: they follow the page's scripts."""

NONE = -1
"""Index meaning "nothing" in the details' per-node and per-edge columns."""


def split_iri(iri: str) -> tuple[str, str]:
    """Split an IRI after its last ``/`` or ``#``: the namespace the page keeps once, and the local part.

    Examples
    --------
    >>> split_iri("https://w3id.org/ecograph/id/synth/org-12")
    ('https://w3id.org/ecograph/id/synth/', 'org-12')
    >>> split_iri("http://example.org/o#Thing")
    ('http://example.org/o#', 'Thing')
    >>> split_iri("r0-1")
    ('', 'r0-1')
    """
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


class _Table:
    """Distinct values in order of first appearance, each referred to by its index."""

    def __init__(self) -> None:
        self.rows: list[Any] = []
        self._index: dict[Any, int] = {}

    def ref(self, value: Any) -> int:
        key = tuple(value) if isinstance(value, list) else value
        if key not in self._index:
            self._index[key] = len(self.rows)
            self.rows.append(value)
        return self._index[key]


def _labels_as_names(label: str, zh: str) -> list[list[str]]:
    """The names a node's label columns stand for: its English label, then its Chinese one."""
    return [["en", label]] + ([["zh", zh]] if zh else [])


def split_payload(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a scene's payload into what the first view draws and the details read after it.

    The first block (before the scripts) holds what the map needs: node columns but their IRIs,
    edges, classes, label order, chains, communities. The second (after the scripts, parsed once
    the first frame is drawn) holds profiles, sources, sections, terms, figures and the IRIs, so
    the browser neither tokenises nor parses them before drawing. In the details, IRIs are a
    namespace index and a local part (``ids``); a node's classes and the source sections of
    nodes and edges are indexes into ``classSets`` and ``sourceSets`` (-1 for none), one column
    each; ``namesAreLabels`` is 1 where a node's names are just its English and Chinese labels.

    Parameters
    ----------
    payload : dict
        :meth:`ecograph.viz.scene.Scene.payload` with its ``meta``.

    Returns
    -------
    tuple of dict
        ``(view, details)``; :func:`join_payload` gives the payload back.

    Examples
    --------
    >>> payload = {"nodes": {"id": ["http://x/a", "http://x/b"], "label": ["A", ""], "zh": ["", ""]},
    ...            "edges": {"s": [0], "t": [1]}, "meta": {},
    ...            "profiles": {"0": {"names": [["en", "A"]], "classes": ["C", "D"], "sources": [0]}},
    ...            "edgeSources": {"0": [0]}}
    >>> view, details = split_payload(payload)
    >>> view["nodes"]
    {'label': ['A', ''], 'zh': ['', '']}
    >>> details["ids"], details["nodeClasses"], details["classSets"], details["edgeSources"]
    ({'prefixes': ['http://x/'], 'prefix': [0, 0], 'local': ['a', 'b']}, [0, -1], [['C', 'D']], [0])
    >>> details["profiles"], details["namesAreLabels"]
    ({}, [1, 0])
    >>> join_payload(view, details) == payload
    True
    """
    view = {k: v for k, v in payload.items() if k not in DETAILS}
    view["nodes"] = {k: v for k, v in payload["nodes"].items() if k != "id"}
    details: dict[str, Any] = {k: payload[k] for k in DETAILS if k in payload and k not in ("profiles", "edgeSources")}

    prefixes = _Table()
    ids = [split_iri(str(i)) for i in payload["nodes"]["id"]]
    prefix = [prefixes.ref(p) for p, _ in ids]
    details["ids"] = {"prefixes": prefixes.rows, "prefix": prefix, "local": [local for _, local in ids]}

    class_sets, source_sets = _Table(), _Table()
    count = len(ids)
    node_classes, node_sources, names_are_labels = [NONE] * count, [NONE] * count, [0] * count
    labels, zh = payload["nodes"].get("label", [""] * count), payload["nodes"].get("zh", [""] * count)
    profiles: dict[str, dict[str, Any]] = {}
    for key, profile in (payload.get("profiles") or {}).items():
        i, rest = int(key), dict(profile)
        if "classes" in rest:
            node_classes[i] = class_sets.ref(rest.pop("classes"))
        if "sources" in rest:
            node_sources[i] = source_sets.ref(rest.pop("sources"))
        if rest.get("names") == _labels_as_names(labels[i], zh[i]):
            del rest["names"]
            names_are_labels[i] = 1
        if rest:
            profiles[key] = rest
    edge_sources = [NONE] * len(payload["edges"]["s"])
    for key, found in (payload.get("edgeSources") or {}).items():
        edge_sources[int(key)] = source_sets.ref(found)
    details.update(
        profiles=profiles,
        classSets=class_sets.rows,
        sourceSets=source_sets.rows,
        nodeClasses=node_classes,
        nodeSources=node_sources,
        namesAreLabels=names_are_labels,
        edgeSources=edge_sources,
    )
    return view, details


def join_payload(view: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """Return the scene's payload from the page's two blocks (the inverse of :func:`split_payload`).

    Parameters
    ----------
    view, details : dict
        The page's first and second JSON blocks.

    Returns
    -------
    dict
        The payload, as :meth:`ecograph.viz.scene.Scene.payload` gave it.
    """
    ids = details["ids"]
    nodes = {"id": [ids["prefixes"][p] + local for p, local in zip(ids["prefix"], ids["local"], strict=True)]}
    nodes.update(view["nodes"])
    labels, zh = nodes.get("label", [""] * len(nodes["id"])), nodes.get("zh", [""] * len(nodes["id"]))
    profiles: dict[str, dict[str, Any]] = {}
    for i in range(len(nodes["id"])):
        profile = dict(details["profiles"].get(str(i), {}))
        if details["nodeClasses"][i] != NONE:
            profile["classes"] = details["classSets"][details["nodeClasses"][i]]
        if details["namesAreLabels"][i]:
            profile["names"] = _labels_as_names(labels[i], zh[i])
        if details["nodeSources"][i] != NONE:
            profile["sources"] = details["sourceSets"][details["nodeSources"][i]]
        if profile:
            profiles[str(i)] = profile
    edge_sources = {str(j): details["sourceSets"][k] for j, k in enumerate(details["edgeSources"]) if k != NONE}
    compact = ("ids", "classSets", "sourceSets", "nodeClasses", "nodeSources", "namesAreLabels", "edgeSources", "profiles")
    rest = {k: v for k, v in details.items() if k not in compact}
    return {**view, **rest, "nodes": nodes, "profiles": profiles, "edgeSources": edge_sources}
