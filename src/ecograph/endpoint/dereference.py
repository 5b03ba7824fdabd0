"""Dereferencing: what ``GET /id/{slug}`` (and ``/concept/…``, ``/graph/…``, ``/ontology``) answers.

Independent of the HTTP server: :func:`dereference` takes the request's path, ``Accept``
header and ``format`` parameter, and a function that runs a SELECT query (in the endpoint's
workers, or on a store), and returns the reply to send. HTML is the default, for browsers and
``*/*``; Turtle, N-Triples, JSON-LD and RDF/XML give the description as triples, TriG and
N-Quads keep each statement in its named graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.endpoint.entities import Description, Row, describe_with, entity_iri, serialize_statements
from ecograph.endpoint.negotiation import GRAPH_FORMATS, NotAcceptable, ResultFormat, negotiate
from ecograph.errors import EcographError

__all__ = ["ENTITY_FORMATS", "Reply", "RunQuery", "dereference", "rows_from_results", "answers_path", "worker_runner"]

HTML = ResultFormat("html", "text/html", ("application/xhtml+xml",))
ENTITY_FORMATS: tuple[ResultFormat, ...] = (
    HTML,
    *GRAPH_FORMATS,
    ResultFormat("trig", "application/trig", ("application/x-trig",)),
    ResultFormat("nquads", "application/n-quads", ("nq",)),
)
"""What an entity IRI answers with; the first (HTML) for browsers and ``*/*``."""

_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
_ONTOLOGY_PATHS = ("/ontology", "/ontology/")

RunQuery = Callable[[str], tuple[list[Row], bool]]
"""Runs a SELECT over the union of all graphs; returns its rows and whether they were cut."""


@dataclass
class Reply:
    """What to send back: status, ``Content-Type``, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def answers_path(path: str) -> bool:
    """Whether :func:`dereference` answers this path (a minted IRI space or the ontology)."""
    return path in _ONTOLOGY_PATHS or entity_iri(path) is not None


def rows_from_results(body: bytes, content_type: str) -> list[Row]:
    """Read the rows of a SPARQL JSON results answer (``s``, ``p``, ``o``, ``g``) as terms."""
    if not content_type.startswith("application/sparql-results+json"):
        raise ValueError(f"expected SPARQL JSON results, got {content_type}")
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(solution[v] for v in ("s", "p", "o", "g")) for solution in solutions]


def worker_runner(query: Callable[[dict[str, Any]], Any]) -> RunQuery:
    """Make a :data:`RunQuery` of the endpoint's ``query(request) -> Answer`` (its workers and limits).

    Raises
    ------
    EcographError
        From the runner, when a worker answers anything but 200 (time limit, busy, crashed).
    """

    def run(text: str) -> tuple[list[Row], bool]:
        request: dict[str, Any] = {
            "query": text,
            "accept": "application/sparql-results+json",
            "format": None,
            "default_graph": [],
            "named_graph": [],
        }
        answer = query(request)
        if answer.status != HTTPStatus.OK:
            raise EcographError(f"the description query failed ({answer.status}): {answer.body.decode('utf-8', 'replace').strip()}")
        return rows_from_results(answer.body, answer.content_type), bool(answer.truncated)

    return run


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(int(status), "text/plain; charset=utf-8", (message.rstrip() + "\n").encode(), headers or {})


def _alternates(path: str) -> str:
    return ", ".join(f'<{path}?format={f.name}>; rel="alternate"; type="{f.media_type}"' for f in ENTITY_FORMATS)


def _rdf(description_or_quads: Description | list[ox.Quad], fmt: ResultFormat) -> bytes:
    if isinstance(description_or_quads, Description):
        return description_or_quads.serialize(_RDF_FORMATS[fmt.name])
    return serialize_statements(description_or_quads, _RDF_FORMATS[fmt.name])


@cache
def _ontology_document(files: tuple[tuple[str, float], ...]) -> tuple[list[ox.Quad], str]:
    """The ontology files' statements (each in its graph, as in ecograph-full.trig) and their pyLODE page."""
    from ecograph.build.artefacts import ontology_html
    from ecograph.build.full import ontology_quads

    paths = [Path(name) for name, _ in files]
    quads = list(ontology_quads(paths))
    main = next((p for p in paths if p.name == "ecograph.ttl"), None)
    return quads, ontology_html(main) if main is not None else ""


def _ontology_reply(fmt: ResultFormat, headers: dict[str, str]) -> Reply:
    from ecograph.rdf.loading import ontology_files

    files = tuple((str(p), p.stat().st_mtime) for p in ontology_files())
    quads, page = _ontology_document(files)
    if fmt is HTML:
        if not page:
            return _text(HTTPStatus.NOT_FOUND, "the ontology in use has no ecograph.ttl to document")
        # pyLODE's page carries its own inline style and no script.
        policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
        return Reply(200, HTML.content_type, page.encode("utf-8"), {**headers, "Content-Security-Policy": policy})
    return Reply(200, fmt.content_type, _rdf(quads, fmt), headers)


def dereference(path: str, accept: str | None, requested: str | None, run: RunQuery) -> Reply:
    """Answer a request for one of the graph's own IRIs.

    Parameters
    ----------
    path : str
        The request path: ``/id/huibo``, ``/concept/unit-yuan``, ``/graph/latest-progress-s7``
        or ``/ontology``; it names the IRI ``https://w3id.org/ecograph`` + path.
    accept : str or None
        The ``Accept`` header.
    requested : str or None
        The ``format`` parameter (``html``, ``turtle``, ``ntriples``, ``jsonld``, ``rdfxml``,
        ``trig``, ``nquads`` or a media type); it wins over ``Accept``.
    run : callable
        Runs the description queries (see :data:`RunQuery`).

    Returns
    -------
    Reply
        200 with the description (``Vary: Accept``, ``Link`` to the other formats), 404 for
        an IRI the graph says nothing about, 406 for a format it cannot give.

    Examples
    --------
    >>> store = ox.Store()
    >>> def run(query):
    ...     return [tuple(s[v] for v in "spog") for s in store.query(query, use_default_graph_as_union=True)], False
    >>> dereference("/id/nobody", "text/turtle", None, run).status
    404
    """
    headers = {"Vary": "Accept", "Link": _alternates(path)}
    try:
        fmt = negotiate(ENTITY_FORMATS, accept, requested)
    except NotAcceptable as e:
        return _text(HTTPStatus.NOT_ACCEPTABLE, str(e), headers)
    if path in _ONTOLOGY_PATHS:
        return _ontology_reply(fmt, headers)
    iri = entity_iri(path)
    if iri is None:
        return _text(HTTPStatus.NOT_FOUND, f"no such resource: {path}")
    try:
        description = describe_with(run, iri)
    except EcographError as e:
        return _text(HTTPStatus.SERVICE_UNAVAILABLE, str(e), {**headers, "Retry-After": "1"})
    if not description.found:
        return _text(HTTPStatus.NOT_FOUND, f"the graph says nothing about <{iri}>", headers)
    if description.truncated:
        headers["X-Ecograph-Truncated"] = "true"
    if fmt is HTML:
        from ecograph.endpoint.entity_page import render_entity_html

        html, policy = render_entity_html(description)
        return Reply(200, HTML.content_type, html.encode("utf-8"), {**headers, "Content-Security-Policy": policy})
    return Reply(200, fmt.content_type, _rdf(description, fmt), headers)

