"""Chains of the ecosystem (virtuous circle, lineages, ...) declared in chains.toml, found by one generic matcher."""

from __future__ import annotations

import gc
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from ecograph.errors import EcographError, InputError
from ecograph.paths import display_path

__all__ = ["CHAINS_FILE", "Step", "Repeat", "Chain", "load_chains", "match", "find_chains", "run_chains"]

#: The chain declarations shipped with ecograph.
CHAINS_FILE = Path(__file__).with_name("chains.toml")

_DIRECTIONS = ("in", "out")
_REPEATS = {"+": (1, None), "*": (0, None), "?": (0, 1)}


@dataclass(frozen=True)
class Step:
    """Follow one edge: ``edges`` kinds, ``direction`` "out" or "in", next node of ``to`` classes (None: any)."""

    edges: frozenset[str]
    direction: str
    to: frozenset[str] | None = None


@dataclass(frozen=True)
class Repeat:
    """A sequence of steps matched between ``least`` and ``most`` times (``most`` None: unbounded)."""

    steps: tuple[Step, ...]
    least: int = 1
    most: int | None = 1


@dataclass(frozen=True)
class Chain:
    """One chain pattern, as declared in ``chains.toml``."""

    name: str
    title: str
    description: str
    start: frozenset[str] | None
    elements: tuple[Repeat, ...]
    end: frozenset[str] | None = None
    figures: tuple[str, ...] = ()
    fixed_length: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed_length", all(e.least == e.most for e in self.elements))


def _kinds(value: Any, groups: Mapping[str, list[str]], where: str) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        if value not in groups:
            raise ValueError(f"{where}: unknown kind group {value!r} (groups: {', '.join(sorted(groups))})")
        return frozenset(groups[value])
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise ValueError(f"{where}: expected a kind group name or a list of class names, got {value!r}")


def _step(raw: Mapping[str, Any], groups: Mapping[str, list[str]], where: str) -> Step:
    unknown = set(raw) - {"edge", "direction", "to"}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    edges = raw.get("edge")
    if isinstance(edges, str):
        edges = [edges]
    if not edges or not all(isinstance(e, str) for e in edges):
        raise ValueError(f"{where}: 'edge' must name one or more edge kinds")
    if raw.get("direction") not in _DIRECTIONS:
        raise ValueError(f"{where}: 'direction' must be 'in' or 'out'")
    return Step(frozenset(edges), raw["direction"], _kinds(raw.get("to"), groups, where))


def _element(raw: Mapping[str, Any], groups: Mapping[str, list[str]], where: str) -> Repeat:
    if "repeat" not in raw:
        return Repeat((_step(raw, groups, where),))
    if raw["repeat"] not in _REPEATS or not isinstance(raw.get("steps"), list) or not raw["steps"]:
        raise ValueError(f"{where}: a repeated group needs repeat = '+', '*' or '?' and a non-empty 'steps'")
    least, most = _REPEATS[raw["repeat"]]
    steps = tuple(_step(s, groups, f"{where}, step {i + 1}") for i, s in enumerate(raw["steps"]))
    return Repeat(steps, least, most)


def _parse(data: Mapping[str, Any]) -> dict[str, Chain]:
    groups = data.get("kinds", {})
    chains: dict[str, Chain] = {}
    for i, raw in enumerate(data.get("chain", [])):
        name = raw.get("name") or f"#{i + 1}"
        where = f"chain {name}"
        unknown = set(raw) - {"name", "title", "description", "start", "steps", "end", "figures"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if not raw.get("name") or not raw.get("description") or not isinstance(raw.get("steps"), list):
            raise ValueError(f"{where}: 'name', 'description' and 'steps' are required")
        if name in chains:
            raise ValueError(f"{where}: declared twice")
        elements = tuple(_element(s, groups, f"{where}, step {j + 1}") for j, s in enumerate(raw["steps"]))
        chains[name] = Chain(
            name=name,
            title=raw.get("title", name),
            description=" ".join(raw["description"].split()),
            start=_kinds(raw.get("start"), groups, f"{where}, start"),
            elements=elements,
            end=_kinds(raw.get("end"), groups, f"{where}, end"),
            figures=tuple(raw.get("figures", ())),
        )
    return chains


def load_chains(path: str | Path | None = None) -> dict[str, Chain]:
    """Read chain declarations.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file; defaults to :data:`CHAINS_FILE`.

    Returns
    -------
    dict of str to Chain
        In declaration order.

    Raises
    ------
    InputError
        If the file cannot be read, is not TOML, or declares a chain wrongly.

    Examples
    --------
    >>> chains = load_chains()
    >>> chains["virtuous-circle"].fixed_length, chains["incubation-lineage"].fixed_length
    (True, False)
    """
    path = CHAINS_FILE if path is None else Path(path)
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise InputError(shown, e.strerror or str(e)) from e
    except tomllib.TOMLDecodeError as e:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(e))
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise InputError(shown, message, line) from e
    try:
        return _parse(data)
    except ValueError as e:
        name = re.match(r"chain ([^,:\s]+)", str(e))
        declared = re.search(rf'^\s*name\s*=\s*"{re.escape(name.group(1))}"', text, re.M) if name else None
        raise InputError(shown, str(e), text.count("\n", 0, declared.start()) + 1 if declared else None) from e


@dataclass(frozen=True)
class _Index:
    """What the matcher reads from a projection, in plain dicts (networkx views cost a call per look-up)."""

    classes: dict[str, Any]
    labels: dict[str, str]
    out: dict[str, list[tuple[str, str, tuple[str, ...]]]]
    into: dict[str, list[tuple[str, str, tuple[str, ...]]]]
    sources: dict[str, dict[str, str]]


# One step of a found path: subject, edge kind, object, the sections that state it.
_Link = tuple[str, str, str, list[str]]


def _index(graph: nx.MultiDiGraph) -> _Index:
    out: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    into: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for u, v, data in graph.edges(data=True):
        kind, sources = data.get("kind"), tuple(data.get("sources", ()))
        out.setdefault(u, []).append((v, kind, sources))
        into.setdefault(v, []).append((u, kind, sources))
    return _Index(
        classes={n: d.get("classes", ()) for n, d in graph.nodes(data=True)},
        labels={n: d.get("label", "") for n, d in graph.nodes(data=True)},
        out=out,
        into=into,
        sources=graph.graph.get("sections", {}),
    )


def _fits(index: _Index, node: str, kinds: frozenset[str] | None) -> bool:
    return kinds is None or not kinds.isdisjoint(index.classes[node])


def _moves(index: _Index, node: str, step: Step) -> Iterator[tuple[str, str, str, str, list[str]]]:
    """Yield (next node, edge kind, subject, object, sections), one per neighbour, sorted."""
    found: dict[str, tuple[str, set[str]]] = {}
    edges = (index.out if step.direction == "out" else index.into).get(node, ())
    for other, kind, sources in edges:
        if kind not in step.edges:
            continue
        if other in found:
            # Parallel matching edges (e.g. incubatedBy and graduatedFrom) are one step with both sources.
            first, seen = found[other]
            found[other] = (min(first, kind), seen.union(sources))
        else:
            found[other] = (kind, set(sources))
    for other in sorted(found):
        kind, sections = found[other]
        subject, obj = (node, other) if step.direction == "out" else (other, node)
        yield other, kind, subject, obj, sorted(sections)


def _paths(index: _Index, chain: Chain, start: str) -> Iterator[tuple[list[str], list[_Link]]]:
    """Every simple path from ``start`` that matches the chain; visited nodes are never re-entered."""
    nodes = [start]
    steps: list[_Link] = []
    visited = {start}
    elements = chain.elements

    def walk(node: str, ei: int, si: int, reps: int) -> Iterator[tuple[list[str], list[_Link]]]:
        if ei == len(elements):
            if _fits(index, node, chain.end):
                yield list(nodes), list(steps)
            return
        element = elements[ei]
        if si == 0:
            if reps >= element.least:
                yield from walk(node, ei + 1, 0, 0)
            if element.most is not None and reps >= element.most:
                return
        step = element.steps[si]
        for other, kind, subject, obj, sources in _moves(index, node, step):
            if other in visited or not _fits(index, other, step.to):
                continue
            visited.add(other)
            nodes.append(other)
            steps.append((subject, kind, obj, sources))
            if si + 1 == len(element.steps):
                yield from walk(other, ei, 0, reps + 1)
            else:
                yield from walk(other, ei, si + 1, reps)
            steps.pop()
            nodes.pop()
            visited.discard(other)

    yield from walk(start, 0, 0, 0)


def _source_list(index: _Index, sections: Iterable[str]) -> list[dict[str, str]]:
    return [{"section": s, "title": index.sources.get(s, {}).get("title", "")} for s in sections]


def _figures(graph: nx.MultiDiGraph, index: _Index, node: str, indicators: tuple[str, ...]) -> list[dict[str, Any]]:
    wanted = {f"indicator-{i}" for i in indicators}
    out = []
    for figure in graph.nodes[node].get("figures", ()):
        if figure["indicator"].rsplit("/", 1)[-1] in wanted:
            out.append({**figure, "sources": _source_list(index, [figure["source"]] if figure["source"] else [])})
    return out


def match(graph: nx.MultiDiGraph, chain: Chain) -> list[dict[str, Any]]:
    """Find every instance of one chain in a projection.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection (see :func:`ecograph.network.projection.project`).
    chain : Chain
        The pattern.

    Returns
    -------
    list of dict
        Sorted by members. Each instance: ``chain``, ``members`` (node IRIs in
        path order), ``start``, ``end``, ``labels`` (IRI to English label),
        ``steps`` (each ``from`` -``edge``-> ``to`` as stated in the data,
        with ``sources``: section and title) and ``figures`` (of the start
        node, for chains that declare indicators).
    """
    with _cyclic_gc_paused():
        return _match(graph, _index(graph), chain)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # Matching builds ~10^5 small acyclic dicts and lists; each one of Python's full collections
    # would walk the whole projection again (45 % of the time at 10^6 statements).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _match(graph: nx.MultiDiGraph, index: _Index, chain: Chain) -> list[dict[str, Any]]:
    starts = sorted(n for n in index.classes if _fits(index, n, chain.start))
    seen: set[tuple[str, ...]] = set()
    instances = []
    for start in starts:
        for nodes, steps in _paths(index, chain, start):
            key = tuple(nodes)
            if key in seen:
                continue
            seen.add(key)
            instances.append(
                {
                    "chain": chain.name,
                    "members": nodes,
                    "start": nodes[0],
                    "end": nodes[-1],
                    "labels": {n: index.labels[n] for n in nodes},
                    "steps": [
                        {"from": s, "edge": kind, "to": o, "sources": _source_list(index, sources)}
                        for s, kind, o, sources in steps
                    ],
                    "figures": _figures(graph, index, nodes[0], chain.figures) if chain.figures else [],
                }
            )
    return sorted(instances, key=lambda i: i["members"])


def find_chains(
    graph: nx.MultiDiGraph, name: str | None = None, *, chains: Mapping[str, Chain] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Find the instances of one chain or of every declared chain.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection.
    name : str, optional
        One chain; all chains when omitted.
    chains : mapping of str to Chain, optional
        Declarations; defaults to :func:`load_chains`.

    Returns
    -------
    dict of str to list of dict
        Chain name to its instances (see :func:`match`).

    Raises
    ------
    EcographError
        If ``name`` is not a declared chain.
    """
    chains = load_chains() if chains is None else chains
    if name is not None and name not in chains:
        raise EcographError(f"unknown chain {name!r} (known: {', '.join(chains)})")
    wanted = [name] if name is not None else list(chains)
    with _cyclic_gc_paused():
        index = _index(graph)
        return {n: _match(graph, index, chains[n]) for n in wanted}


def run_chains(name: str | None = None, *, paths: Iterable[Any] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Load the project's data, project it and find chains: what ``ecograph chains`` prints.

    Parameters
    ----------
    name : str, optional
        One chain; all chains when omitted.
    paths : iterable of path, optional
        Data files or directories; defaults to ``graph/``.

    Returns
    -------
    dict of str to list of dict
    """
    from ecograph.network.projection import load_projection

    chains = load_chains()
    if name is not None and name not in chains:
        raise EcographError(f"unknown chain {name!r} (known: {', '.join(chains)})")
    return find_chains(load_projection(paths), name, chains=chains)
