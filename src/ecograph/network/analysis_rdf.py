"""Run the network analysis on the project and write its results as RDF with PROV (build/analysis.trig)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.errors import EcographError
from ecograph.network.analysis import DEFAULT_SAMPLE, DEFAULT_SEED, analyze
from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.stores import serialize
from ecograph.rdf.terms import RDF_TYPE, expand, xsd
from ecograph.utils import atomic_write

__all__ = ["ANALYSIS_NS", "ANALYSIS_GRAPH", "analysis_quads", "write_analysis_rdf", "run_analysis"]

#: Terms of the analysis results (not part of the ecograph ontology: they describe a computation).
ANALYSIS_NS = "https://w3id.org/ecograph/analysis#"
#: The named graph that holds the results.
ANALYSIS_GRAPH = PREFIXES["ecog"] + "analysis"
_RUN = "https://w3id.org/ecograph/analysis/"
_PREFIXES = {**PREFIXES, "ecoa": ANALYSIS_NS}


def _p(name: str) -> ox.NamedNode:
    return expand(name, _PREFIXES)


def _lit(value: Any, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=xsd(datatype))
    return ox.Literal(str(value), language="en")


def _ended_at(when: str | datetime | None) -> str:
    if when is None:
        when = datetime.now(UTC).replace(microsecond=0)
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError as e:
            raise EcographError(f"bad --date {when!r}: use an ISO date-time such as 2026-01-01T00:00:00Z") from e
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def analysis_quads(result: Mapping[str, Any], *, ended_at: str | datetime | None = None) -> list[ox.Quad]:
    """Describe an analysis as RDF: scores in ``ecog:analysis``, PROV activities in the default graph.

    Parameters
    ----------
    result : dict
        From :func:`ecograph.network.analysis.analyze`.
    ended_at : str or datetime, optional
        When the analysis ended (``prov:endedAtTime``); now when omitted. The
        only part of the output that varies between runs on the same data.

    Returns
    -------
    list of pyoxigraph.Quad
        Sorted.
    """
    graph = ox.NamedNode(ANALYSIS_GRAPH)
    default = ox.DefaultGraph()
    time = _lit(_ended_at(ended_at), "dateTime")
    quads: list[ox.Quad] = []
    activities = [*result["rankings"], result["communities"], result["brokers"]]
    for entry in activities:
        activity = ox.NamedNode(_RUN + entry["metric"])
        quads += [
            ox.Quad(activity, RDF_TYPE, _p("prov:Activity"), default),
            ox.Quad(activity, _p("rdfs:label"), _lit(f"network analysis: {entry['metric']}"), default),
            ox.Quad(activity, _p("ecoa:method"), ox.Literal(entry["method"]), default),
            ox.Quad(activity, _p("ecoa:parameters"), ox.Literal(entry["parameters"]), default),
            ox.Quad(activity, _p("ecoa:counted"), _lit(entry["counted"]), default),
            ox.Quad(activity, _p("ecoa:leftOut"), _lit(entry["left_out"]), default),
            ox.Quad(activity, _p("prov:used"), ox.NamedNode(PREFIXES["ecod"] + "ecograph"), default),
            ox.Quad(activity, _p("prov:endedAtTime"), time, default),
            ox.Quad(graph, _p("prov:wasGeneratedBy"), activity, default),
        ]
    for node, scores in result["scores"].items():
        subject = ox.NamedNode(node)
        quads += [
            ox.Quad(subject, _p("ecoa:degree"), _lit(scores["degree"], "integer"), graph),
            ox.Quad(subject, _p("ecoa:pageRank"), _lit(repr(float(scores["pagerank"])), "double"), graph),
            ox.Quad(subject, _p("ecoa:betweenness"), _lit(repr(float(scores["betweenness"])), "double"), graph),
            ox.Quad(subject, _p("ecoa:community"), _lit(scores["community"], "integer"), graph),
        ]
    for row in result["brokers"]["rows"]:
        quads.append(ox.Quad(ox.NamedNode(row["node"]), _p("ecoa:brokerScore"), _lit(row["score"], "integer"), graph))
    return sorted(set(quads), key=str)


def write_analysis_rdf(quads: Iterable[ox.Quad], path: str | Path) -> Path:
    """Write quads as TriG, atomically (temporary file, then rename).

    Parameters
    ----------
    quads : iterable of pyoxigraph.Quad
        From :func:`analysis_quads`.
    path : str or Path
        Target ``.trig`` file.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prefixes: dict[str, str] = {k: PREFIXES[k] for k in ("ecod", "ecoc", "ecog", "prov", "rdfs", "xsd") if k in PREFIXES}
    prefixes["ecoa"] = ANALYSIS_NS
    atomic_write(path, serialize(list(quads), ox.RdfFormat.TRIG, prefixes=prefixes))
    return path


def run_analysis(
    *,
    top: int | None = 10,
    write_rdf: bool = False,
    out: str | Path | None = None,
    ended_at: str | datetime | None = None,
    paths: Iterable[Any] | None = None,
    seed: int = DEFAULT_SEED,
    sample: int = DEFAULT_SAMPLE,
) -> dict[str, Any]:
    """What ``ecograph analyze`` does: load, project, analyse, and optionally write RDF.

    Parameters
    ----------
    top : int or None
        Rows per ranking.
    write_rdf : bool
        Also write the results to ``out`` (default ``build/analysis.trig``).
    out : str or Path, optional
        The TriG file.
    ended_at : str or datetime, optional
        Fixed ``prov:endedAtTime`` (for reproducible files).
    paths : iterable of path, optional
        Data files; defaults to ``graph/``.
    seed, sample
        See :func:`ecograph.network.analysis.analyze`.

    Returns
    -------
    dict
        The :func:`~ecograph.network.analysis.analyze` result, plus ``rdf`` (the path
        written, or None).
    """
    from ecograph.network.projection import load_projection
    from ecograph.paths import build_dir

    # Validate the date before the (possibly long) analysis.
    stamp = _ended_at(ended_at) if write_rdf else None
    result = analyze(load_projection(paths), top=top, seed=seed, sample=sample)
    result["rdf"] = None
    if write_rdf:
        target = Path(out) if out is not None else build_dir() / "analysis.trig"
        result["rdf"] = str(write_analysis_rdf(analysis_quads(result, ended_at=stamp), target))
    return result
