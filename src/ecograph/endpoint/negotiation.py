"""Content negotiation and serialisation of SPARQL results for the endpoint."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ecograph.rdf.stores import serialize
from ecograph.rdf.terms import XSD_STRING
from ecograph.sparql.query import Term, json_term

__all__ = [
    "ResultFormat",
    "SOLUTION_FORMATS",
    "GRAPH_FORMATS",
    "NotAcceptable",
    "negotiate",
    "serialize_solutions",
    "serialize_boolean",
    "serialize_triples",
]



@dataclass(frozen=True)
class ResultFormat:
    """One serialisation the endpoint can answer with.

    Parameters
    ----------
    name : str
        Short name, accepted by the ``format`` request parameter.
    media_type : str
        The ``Content-Type`` sent back.
    aliases : tuple of str
        Other media types (and short names) that select this format.
    """

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value, with the charset."""
        return f"{self.media_type}; charset=utf-8"


# The first format of each list is the default (Accept missing or */*).
SOLUTION_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json", ("application/json", "srj")),
    ResultFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "srx")),
    ResultFormat("csv", "text/csv"),
    ResultFormat("tsv", "text/tab-separated-values", ("text/tsv",)),
)
GRAPH_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("turtle", "text/turtle", ("ttl", "application/x-turtle", "application/turtle")),
    ResultFormat("ntriples", "application/n-triples", ("nt", "n-triples", "text/plain")),
    ResultFormat("jsonld", "application/ld+json", ("json-ld", "json", "application/json")),
    ResultFormat("rdfxml", "application/rdf+xml", ("xml", "rdf", "application/xml")),
)
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class NotAcceptable(ValueError):
    """No supported format matches the request (HTTP 406)."""


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    # Stable sort: among equal q the client's own order decides.
    return sorted(ranges, key=lambda r: -r[1])


def _matches(media_range: str, fmt: ResultFormat) -> bool:
    if media_range == "*/*":
        return True
    types = (fmt.media_type, *(a for a in fmt.aliases if "/" in a))
    if media_range.endswith("/*"):
        return any(t.startswith(media_range[:-1]) for t in types)
    return media_range in types


def negotiate(formats: Sequence[ResultFormat], accept: str | None, requested: str | None = None) -> ResultFormat:
    """Choose the answer's format from a ``format`` parameter or an Accept header.

    Parameters
    ----------
    formats : sequence of ResultFormat
        The formats for this kind of result; the first is the default.
    accept : str or None
        The request's ``Accept`` header.
    requested : str or None
        The ``format`` parameter (a short name or a media type); it wins over Accept.

    Returns
    -------
    ResultFormat

    Raises
    ------
    NotAcceptable
        If the parameter names no supported format, or no Accept range matches.

    Examples
    --------
    >>> negotiate(SOLUTION_FORMATS, "text/csv;q=0.5, application/sparql-results+xml").name
    'xml'
    >>> negotiate(GRAPH_FORMATS, "text/html,*/*;q=0.8").name
    'turtle'
    >>> negotiate(SOLUTION_FORMATS, None, "tsv").media_type
    'text/tab-separated-values'
    """
    if requested:
        wanted = requested.strip().lower()
        for fmt in formats:
            if wanted == fmt.name or wanted == fmt.media_type or wanted in fmt.aliases:
                return fmt
        raise NotAcceptable(f"unknown format {requested!r} for this query; use one of {_names(formats)}")
    if not accept or not accept.strip():
        return formats[0]
    for media_range, q in _parse_accept(accept):
        if q <= 0:
            continue
        for fmt in formats:
            if _matches(media_range, fmt):
                return fmt
    raise NotAcceptable(f"cannot answer this query as {accept!r}; supported: {_names(formats)}")


def _names(formats: Sequence[ResultFormat]) -> str:
    return ", ".join(f"{f.media_type} (format={f.name})" for f in formats)


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = "".join(f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object"))
        return f"<triple>{parts}</triple>"
    raise TypeError(f"unexpected RDF term {term!r}")


def _csv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _tsv_term(term: object) -> str:
    # N-Triples syntax, as the TSV results format asks; tabs and newlines must not survive.
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def serialize_solutions(
    variables: Sequence[str], rows: Sequence[Sequence[Term | None]], fmt: ResultFormat
) -> bytes:
    """Serialise ``SELECT`` solutions in one of :data:`SOLUTION_FORMATS`.

    Parameters
    ----------
    variables : sequence of str
        Variable names, without ``?``, in projection order.
    rows : sequence of sequence
        One value per variable per row; ``None`` where unbound.
    fmt : ResultFormat
        The format chosen by :func:`negotiate`.

    Returns
    -------
    bytes
        UTF-8 text.

    Examples
    --------
    >>> serialize_solutions(["s"], [[ox.NamedNode("urn:x:a")], [None]], SOLUTION_FORMATS[2])
    b's\\r\\nurn:x:a\\r\\n""\\r\\n'
    """
    if fmt.name == "json":
        bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt.name == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if fmt.name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buffer.getvalue().encode()
    if fmt.name == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise NotAcceptable(f"{fmt.media_type} is not a format for SELECT results")


def serialize_boolean(value: bool, fmt: ResultFormat) -> bytes:
    """Serialise an ``ASK`` answer; CSV and TSV carry the bare word ``true`` or ``false``.

    Parameters
    ----------
    value : bool
        The answer.
    fmt : ResultFormat
        One of :data:`SOLUTION_FORMATS`.

    Returns
    -------
    bytes
    """
    word = "true" if value else "false"
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n"
        ).encode()
    return f"{word}\n".encode()


def serialize_triples(triples: Sequence[ox.Triple], fmt: ResultFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise ``CONSTRUCT``/``DESCRIBE`` triples in one of :data:`GRAPH_FORMATS`.

    Parameters
    ----------
    triples : sequence of pyoxigraph.Triple
        The graph.
    fmt : ResultFormat
        The format chosen by :func:`negotiate`.
    prefixes : dict, optional
        Prefixes for Turtle (ignored by the other formats).

    Returns
    -------
    bytes
    """
    rdf_format = _RDF_FORMATS[fmt.name]
    if rdf_format != ox.RdfFormat.TURTLE:
        return serialize(triples, rdf_format)
    # Turtle groups only consecutive triples of one subject: bring them together, stably.
    first_seen: dict[object, int] = {}
    for t in triples:
        first_seen.setdefault(t.subject, len(first_seen))
    ordered = sorted(triples, key=lambda t: first_seen[t.subject])
    return serialize(ordered, rdf_format, prefixes=dict(prefixes or {}))
