"""Run saved or ad-hoc SPARQL queries on the graph (pyoxigraph) or on a SPARQL endpoint, and write the results."""

from __future__ import annotations

import importlib
import json
import logging
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from ecograph.errors import EcographError, InputError
from ecograph.paths import build_dir
from ecograph.rdf.export import ExportFormat, export
from ecograph.rdf.loading import data_files, load_dataset, load_ontology, ontology_files
from ecograph.rdf.namespaces import INFERRED_GRAPH_IRI, PREFIXES
from ecograph.rdf.terms import XSD_STRING, curie
from ecograph.sparql.catalogue import (
    CatalogueQuery,
    find_query,
    load_catalogue,
    load_query_file,
    parse_query_text,
    syntax_error_position,
)
from ecograph.sparql.lexical import code_only

__all__ = [
    "json_term",
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "QueryResult",
    "CatalogueRun",
    "default_store",
    "inferred_statements",
    "add_inferred",
    "resolve_query",
    "run_named_query",
    "parse_params",
    "bind_parameters",
    "bound_text",
    "run_query",
    "run_catalogue",
    "catalogue_summary",
    "compact",
]

log = logging.getLogger(__name__)

RESULT_FORMATS: dict[str, ox.QueryResultsFormat | None] = {
    "table": None,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
"""Formats for SELECT and ASK answers (``table`` is for people; the others are SPARQL results formats)."""

GRAPH_FORMATS: dict[str, ExportFormat] = {
    "ttl": ExportFormat.TURTLE,
    "nt": ExportFormat.NTRIPLES,
    "jsonld": ExportFormat.JSONLD,
}
"""Formats for CONSTRUCT and DESCRIBE answers."""

INFERRED_FILE = "ecograph-inferred.ttl"
INFERRED_GRAPH = ox.NamedNode(INFERRED_GRAPH_IRI)
_SELECT_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.5"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

if TYPE_CHECKING:  # pandas is an optional extra
    import pandas


def compact(term: Term | None) -> str:
    """Show a term briefly: ``prefix:name`` for known namespaces, a literal's text, "" when unbound.

    Examples
    --------
    >>> compact(ox.NamedNode("https://w3id.org/ecograph/id/huibo"))
    'ecod:huibo'
    >>> compact(ox.Literal("5739", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    '5739'
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def json_term(term: Term) -> dict[str, object]:
    """Write one RDF term as a SPARQL 1.1 JSON results binding (RDF-star triples nest)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {k: json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


@dataclass
class QueryResult:
    """The answer to one query, materialised so it can be written in several formats.

    Attributes
    ----------
    query : CatalogueQuery
        What was run.
    form : str
        ``select``, ``ask`` or ``construct`` (DESCRIBE answers are graphs too).
    variables : list of str
        Projected variables (SELECT).
    rows : list of tuple
        One tuple of terms (None when unbound) per solution, in ``variables`` order (SELECT).
    boolean : bool or None
        The answer of an ASK query.
    triples : list of pyoxigraph.Triple
        The graph of a CONSTRUCT or DESCRIBE query.
    seconds : float
        Wall-clock time of the query, including reading all answers.
    bindings : dict of str to term
        The parameter values the query ran with.
    """

    query: CatalogueQuery
    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    seconds: float = 0.0
    bindings: dict[str, Term] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Rows (SELECT), triples (CONSTRUCT), or 1 for a true and 0 for a false ASK."""
        if self.form == "select":
            return len(self.rows)
        if self.form == "ask":
            return int(bool(self.boolean))
        return len(self.triples)

    def __repr__(self) -> str:
        count = len(self.rows) if self.form == "select" else len(self.triples)
        noun = "row" if self.form == "select" else "triple"
        answer = str(self.boolean).lower() if self.form == "ask" else f"{count} {noun}{'' if count == 1 else 's'}"
        return f"<QueryResult {self.query.name}: {answer}>"

    def records(self) -> list[dict[str, Term]]:
        """Return the SELECT rows as dictionaries of bound variables."""
        return [{v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]

    def to_pandas(self, *, compact: bool = False) -> pandas.DataFrame:
        """Return the answer as a pandas DataFrame (needs ``pip install "ecograph[notebook]"``).

        Parameters
        ----------
        compact : bool, default False
            Show IRIs of known namespaces as ``prefix:name`` (``ecod:huibo``) instead of in full.

        Returns
        -------
        pandas.DataFrame
            One column per variable; numbers, years, dates and booleans as Python values, IRIs
            and text as strings, unbound values as None (see
            :func:`ecograph.sparql.frames.python_value`). ASK: one column ``answer``;
            CONSTRUCT: ``subject``, ``predicate``, ``object``.
        """
        from ecograph.sparql.frames import answer_frame

        return answer_frame(self, compact=compact)

    def to_csv(self, path: str | Path) -> Path:
        """Write the answer as CSV (SPARQL 1.1 CSV results; graphs as ``subject,predicate,object``); returns the path."""
        from ecograph.sparql.frames import answer_csv

        return answer_csv(self, path)

    def _repr_html_(self) -> str:
        from ecograph.sparql.frames import answer_html

        return answer_html(self)

    def column(self, variable: str) -> list[Term | None]:
        """Return the values of one variable, row by row."""
        i = self.variables.index(variable)
        return [row[i] for row in self.rows]

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Return headers and rows of short strings, for display (see :func:`compact`)."""
        if self.form == "select":
            return list(self.variables), [[compact(t) for t in row] for row in self.rows]
        if self.form == "ask":
            return ["answer"], [["true" if self.boolean else "false"]]
        triples = sorted(self.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return ["subject", "predicate", "object"], [[compact(t.subject), compact(t.predicate), compact(t.object)] for t in triples]

    def _results_json(self) -> bytes:
        if self.form == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}).encode()
        bindings = [{v: json_term(t) for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}}).encode()

    def serialize(self, format: str) -> bytes:
        """Write the answer.

        Parameters
        ----------
        format : str
            ``csv``, ``tsv``, ``json`` or ``xml`` (SPARQL results formats, written by
            pyoxigraph) for SELECT and ASK; ``ttl``, ``nt`` or ``jsonld`` for CONSTRUCT and
            DESCRIBE; ``table`` for any, as aligned plain text.

        Returns
        -------
        bytes

        Raises
        ------
        EcographError
            If the format does not fit the kind of answer.
        """
        if format == "table":
            headers, rows = self.table()
            return _plain_table(headers, rows).encode("utf-8")
        if self.form == "construct":
            if format not in GRAPH_FORMATS:
                raise EcographError(
                    f"{self.query.name} answers with a graph: use --format {', '.join(GRAPH_FORMATS)} or table"
                )
            return export(self.triples, GRAPH_FORMATS[format]) or b""
        results_format = RESULT_FORMATS.get(format)
        if results_format is None:
            raise EcographError(
                f"{self.query.name} answers with {'a boolean' if self.form == 'ask' else 'rows'}: "
                f"use --format {', '.join(RESULT_FORMATS)}"
            )
        # Round trip through pyoxigraph so every format is written by its SPARQL results serializer.
        parsed = ox.parse_query_results(self._results_json(), format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=results_format)
        assert data is not None  # no output given: the bytes are returned
        return data


def _plain_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


class CatalogueRun(NamedTuple):
    """The outcome of one catalogue query in :func:`run_catalogue`."""

    name: str
    rows: int
    seconds: float
    ok: bool


# ---------------------------------------------------------------- the store


def _newest_input() -> float:
    return max((p.stat().st_mtime for p in [*data_files(), *ontology_files()]), default=0.0)


def _from_file(triples: Iterable[ox.Triple]) -> list[ox.Quad]:
    """Put the triples of ``ecograph-inferred.ttl`` back where the build had them."""
    # The graph's PROV is about ecog:inferred and its activity and engine (ecog:inferred#...).
    described = INFERRED_GRAPH.value
    return [
        ox.Quad(t.subject, t.predicate, t.object)
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.split("#")[0] == described
        else ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH)
        for t in triples
        # Blank nodes of a file are new nodes, not the store's: their triples would duplicate structure.
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    ]


def inferred_statements(store: ox.Store | None = None) -> tuple[list[ox.Quad], str]:
    """Find the inferred statements: from a fresh build, else from the reasoner.

    Parameters
    ----------
    store : pyoxigraph.Store, optional
        Ontology and data to reason over when there is no fresh build; loaded when None.

    Returns
    -------
    (list of Quad, str)
        The statements in the named graph ``ecog:inferred`` with the graph's PROV description
        (default graph), and where they come from: ``build/ecograph-inferred.ttl``,
        ``reasoner`` or ``none`` (no fresh build and no reasoner, or the reasoner failed:
        queries over inferred classes then answer nothing).
    """
    built = build_dir() / INFERRED_FILE
    if built.is_file() and built.stat().st_mtime >= _newest_input():
        try:
            triples = list(ox.parse(path=built, format=ox.RdfFormat.TURTLE))
        except (SyntaxError, OSError) as e:
            raise InputError(str(built), f"cannot read the inferred triples: {e}") from e
        return _from_file(triples), f"build/{INFERRED_FILE}"
    try:
        reason = importlib.import_module("ecograph.validation.reasoning")
    except ModuleNotFoundError as e:
        if e.name != "ecograph.validation.reasoning":
            raise
        return [], "none"
    if store is None:
        store = ox.Store()
        store.extend(load_ontology())
        store.extend(load_dataset())
    try:
        result = reason.reason(store)
    except EcographError as e:
        # A query that needs no inference should still run where the reasoner cannot (no Java, time limit).
        log.warning("reasoning failed, querying asserted triples only: %s", e)
        return [], "none"
    quads: list[ox.Quad] = result.quads(store)
    return quads, "reasoner"


def add_inferred(store: ox.Store, statements: Iterable[ox.Triple | ox.Quad]) -> int:
    """Add inferred statements that no graph of the store states yet.

    Parameters
    ----------
    store : pyoxigraph.Store
        Changed in place.
    statements : iterable of Triple or Quad
        Quads go to their own graph (``ecog:inferred``, PROV in the default graph); triples
        go to ``ecog:inferred``.

    Returns
    -------
    int
        How many statements were added.
    """
    added = 0
    for s in statements:
        quad = s if isinstance(s, ox.Quad) else ox.Quad(s.subject, s.predicate, s.object, INFERRED_GRAPH)
        stated = next(iter(store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)), None)
        if stated is None or (isinstance(quad.graph_name, ox.DefaultGraph) and quad not in store):
            store.add(quad)
            added += 1
    return added


def default_store(*, inferred: bool = True) -> ox.Store:
    """Load the store queries run on by default.

    Parameters
    ----------
    inferred : bool, default True
        Also add the inferred triples (see :func:`inferred_statements`).

    Returns
    -------
    pyoxigraph.Store
        Ontology and vocabularies in the default graph, the facts in their named graphs, the
        inferred statements in ``ecog:inferred`` and its PROV in the default graph. Queries use
        the union of all graphs as the default graph.
    """
    store = ox.Store()
    store.extend(load_ontology())
    store.extend(load_dataset())
    if inferred:
        triples, source = inferred_statements(store)
        if source == "none":
            log.warning("no inferred triples: no fresh build/%s and no ecograph.validation.reasoning", INFERRED_FILE)
        add_inferred(store, triples)
    return store


# ---------------------------------------------------------------- what to run, with which values


def resolve_query(spec: str, stdin: str | None = None) -> CatalogueQuery:
    """Find the query a user means: a catalogue name, a ``.rq`` file, or ``-`` for standard input.

    Parameters
    ----------
    spec : str
        ``"06-national-figures"``, ``"national-figures"``, ``"path/to/query.rq"`` or ``"-"``.
    stdin : str, optional
        The text read from standard input, for ``-``; read from ``sys.stdin`` when None.

    Returns
    -------
    CatalogueQuery
        Files and standard input may omit the header; a header they have is used.

    Raises
    ------
    EcographError
        If no such query exists (listing close names) or the query is invalid.
    """
    if spec == "-":
        text = sys.stdin.read() if stdin is None else stdin
        return parse_query_text(text, "<stdin>", require_header=False)
    path = Path(spec)
    if path.is_file():
        return load_query_file(path, require_header=False)
    catalogue = load_catalogue()
    if "/" in spec or spec.endswith((".rq", ".sparql")):
        try:
            return find_query(spec, catalogue)
        except EcographError:
            raise EcographError(f"no such query file: {spec}") from None
    return find_query(spec, catalogue)


def parse_params(assignments: Sequence[str]) -> dict[str, str]:
    """Split ``KEY=VALUE`` command-line assignments.

    Examples
    --------
    >>> parse_params(["year=2017", "subject=ecod:huibo"])
    {'year': '2017', 'subject': 'ecod:huibo'}

    Raises
    ------
    EcographError
        If an assignment has no ``=`` or an empty key, or a key is given twice.
    """
    params: dict[str, str] = {}
    for a in assignments:
        key, sep, value = a.partition("=")
        key = key.strip()
        if not sep or not key:
            raise EcographError(f"--param expects KEY=VALUE, got {a!r}")
        if key in params:
            raise EcographError(f"--param {key} given twice")
        params[key] = value
    return params


def bind_parameters(query: CatalogueQuery, params: Mapping[str, str | Term] | None = None) -> dict[str, Term]:
    """Turn parameter values into RDF terms of their declared types, with the defaults.

    Parameters
    ----------
    query : CatalogueQuery
        Declares the parameters.
    params : mapping of str to str or term, optional
        Values as text (converted per the declared type) or as pyoxigraph terms (used as given).

    Returns
    -------
    dict of str to term
        Only parameters with a value or a default; the others stay free.

    Raises
    ------
    EcographError
        For an undeclared parameter or a value not of the declared type.
    """
    params = dict(params or {})
    bindings: dict[str, Term] = {}
    for name in params:
        query.parameter(name)  # raises for an undeclared name
    for p in query.parameters:
        value = params.get(p.name)
        if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
            bindings[p.name] = value
            continue
        term = p.term(value)
        if term is not None:
            bindings[p.name] = term
    return bindings


# ---------------------------------------------------------------- running


class _Deadline:
    def __init__(self, name: str, timeout: float | None) -> None:
        self.name = name
        self.timeout = timeout
        self.start = time.perf_counter()

    def check(self) -> None:
        if self.timeout is not None and time.perf_counter() - self.start > self.timeout:
            raise EcographError(f"query {self.name} timed out after {self.timeout:g} s")

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start


# What a query answers: a boolean, rows, or statements (triples here, quads when parsed from an endpoint).
_Answer = ox.QueryBoolean | ox.QuerySolutions | Iterable[ox.Triple | ox.Quad]


def _collect(answer: _Answer, query: CatalogueQuery, deadline: _Deadline, bindings: dict[str, Term]) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(query, "ask", boolean=bool(answer), seconds=deadline.elapsed, bindings=bindings)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            rows.append(tuple(solution[i] for i in range(len(variables))))
            deadline.check()
        return QueryResult(query, "select", variables, rows, seconds=deadline.elapsed, bindings=bindings)
    triples = []
    for t in answer:  # QueryTriples, or the statements an endpoint sent (in the default graph)
        triples.append(t.triple if isinstance(t, ox.Quad) else t)
        deadline.check()
    return QueryResult(query, "construct", triples=triples, seconds=deadline.elapsed, bindings=bindings)


def _run_local(query: CatalogueQuery, store: ox.Store, bindings: dict[str, Term], deadline: _Deadline) -> QueryResult:
    try:
        answer = store.query(
            bound_text(query, bindings), use_default_graph_as_union=query.union_default_graph, prefixes=PREFIXES
        )
        return _collect(answer, query, deadline, bindings)
    except SyntaxError as e:
        line, message = syntax_error_position(e)
        raise InputError(query.name if query.path is None else str(query.path), message, line) from e
    except (RuntimeError, OSError, ValueError) as e:
        raise EcographError(f"query {query.name} failed: {e}") from e


def bound_text(query: CatalogueQuery, bindings: Mapping[str, Term]) -> str:
    """Return the query text with its parameter values in a ``VALUES`` block opening every ``WHERE``.

    Both the embedded engine and remote endpoints run this text. Values are serialised
    terms (``str()`` of a pyoxigraph term is its N-Triples form, valid SPARQL), never pasted
    raw. Every ``WHERE`` clause gets the block, sub-selects included, so the values are in
    scope for every ``FILTER`` and restrict every sub-select (a sub-select left unbound
    computes its answer for all values first: minutes at 10^6 statements). Oxigraph's
    ``substitutions`` are not used: they bind after the query is planned, so the planner
    cannot start from the given node (0.2 s instead of 0.1 ms at 10^6 statements).

    Parameters
    ----------
    query : CatalogueQuery
        The query.
    bindings : mapping of str to term
        Parameter values by name, as :func:`bind_parameters` returns them.

    Returns
    -------
    str

    Examples
    --------
    >>> q = parse_query_text("SELECT ?o WHERE { ?s <urn:p> ?o }", "q", require_header=False)
    >>> bound_text(q, {"s": ox.NamedNode("urn:a")})
    'SELECT ?o WHERE { VALUES (?s) { (<urn:a>) } ?s <urn:p> ?o }'
    """
    text = query.text
    if not bindings:
        return text
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    wheres = [m.end() for m in re.finditer(r"(?i)\b(?:WHERE|ASK)\s*\{", code_only(text))]
    if not wheres:
        raise EcographError(f"{query.name}: cannot find the WHERE clause to bind {names}")
    block = f" VALUES ({names}) {{ ({values}) }}"
    for end in reversed(wheres):
        text = text[:end] + block + text[end:]
    return text


def _endpoint_text(query: CatalogueQuery, bindings: dict[str, Term]) -> str:
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", query.text)}
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p.lower() not in declared)
    return prologue + bound_text(query, bindings).rstrip() + "\n"


def _check_complete(endpoint: str, query: CatalogueQuery, headers: Mapping[str, str]) -> None:
    # Virtuoso answers 200 with whatever it had when MaxQueryExecutionTime ran out (X-SQL-State: S1TAT)
    # and silently cuts answers at ResultSetMaxRows (X-SPARQL-MaxRows): a partial answer must not pass for a whole one.
    state = headers.get("X-SQL-State")
    if state:
        message = headers.get("X-SQL-Message", "")
        raise EcographError(f"{endpoint} sent a partial answer to {query.name} (X-SQL-State: {state} {message}".rstrip() + ")")
    cap = headers.get("X-SPARQL-MaxRows")
    if cap:
        raise EcographError(f"{endpoint} cut the answer to {query.name} at {cap} rows (X-SPARQL-MaxRows): raise the store's row limit")


def _run_remote(
    query: CatalogueQuery, endpoint: str, bindings: dict[str, Term], deadline: _Deadline, timeout: float | None
) -> QueryResult:
    scheme = urllib.parse.urlsplit(endpoint).scheme
    if scheme not in ("http", "https"):
        raise EcographError(f"--endpoint must be an http(s) URL, got {endpoint!r}")
    graph = query.kind in ("construct", "describe")
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": _endpoint_text(query, bindings)}).encode("utf-8"),
        headers={
            "Accept": _GRAPH_ACCEPT if graph else _SELECT_ACCEPT,
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "ecograph",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60 if timeout is None else timeout) as response:
            body = response.read()
            media = response.headers.get_content_type()
            _check_complete(endpoint, query, response.headers)
    except urllib.error.HTTPError as e:
        detail = " ".join(e.read().decode("utf-8", "replace").split())[:300]
        raise EcographError(f"{endpoint} answered {e.code} {e.reason}: {detail}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise EcographError(f"cannot query {endpoint}: {reason}") from e
    try:
        if graph:
            graph_format = _GRAPH_TYPES.get(media)
            if graph_format is None:
                raise EcographError(f"{endpoint} sent {media}, not a graph format")
            answer: _Answer = ox.parse(body, format=graph_format)
        else:
            results_format = _RESULT_TYPES.get(media)
            if results_format is None:
                raise EcographError(f"{endpoint} sent {media}, not SPARQL results")
            answer = ox.parse_query_results(body, format=results_format)
            if query.kind == "ask" and isinstance(answer, ox.QuerySolutions) and [v.value for v in answer.variables] == ["__ASK_RETVAL"]:
                # Virtuoso 7 answers ASK with one row of an integer 1 or 0 instead of a boolean.
                solutions = list(answer)
                value = solutions[0][0] if solutions else None
                yes = value is not None and value.value not in ("0", "false")
                return QueryResult(query, "ask", boolean=yes, seconds=deadline.elapsed, bindings=bindings)
        return _collect(answer, query, deadline, bindings)
    except SyntaxError as e:
        raise EcographError(f"{endpoint} sent an unreadable {media} answer: {e}") from e


def run_query(
    query_or_text: CatalogueQuery | str,
    store: ox.Store | None = None,
    params: Mapping[str, str | Term] | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> QueryResult:
    """Run a query with its parameters bound as RDF terms.

    Parameters
    ----------
    query_or_text : CatalogueQuery or str
        A catalogue query or SPARQL text (which may carry a header declaring parameters).
    store : pyoxigraph.Store, optional
        Where to run; :func:`default_store` when None and no endpoint is given. The union of
        its graphs is the default graph; ``GRAPH ?g`` still reaches the named graphs.
    params : mapping, optional
        Parameter values by name (text, converted to the declared type, or terms).
    endpoint : str, optional
        URL of a SPARQL 1.1 endpoint: the query is POSTed there (form-encoded) instead, with
        the parameters as a ``VALUES`` block of serialised terms opening every ``WHERE`` clause.
    timeout : float, optional
        Seconds. For an endpoint, the HTTP timeout (default 60). Locally, the time is checked
        as answers are read, so one answer that takes long to compute is not interrupted.

    Returns
    -------
    QueryResult

    Raises
    ------
    InputError
        A SPARQL syntax error (with line and column) or a bad header.
    EcographError
        Bad parameters, a failing or timed-out query, an unreachable endpoint.

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode("urn:g")))
    >>> text = "# param: s type=iri -- subject\\nSELECT ?s ?o WHERE { ?s <urn:p> ?o }"
    >>> run_query(text, store, {"s": "urn:a"}).table()
    (['s', 'o'], [['<urn:a>', 'x']])
    """
    query = (
        query_or_text
        if isinstance(query_or_text, CatalogueQuery)
        else parse_query_text(query_or_text, "<query>", require_header=False)
    )
    bindings = bind_parameters(query, params)
    deadline = _Deadline(query.name, timeout)
    if endpoint is not None:
        return _run_remote(query, endpoint, bindings, deadline, timeout)
    return _run_local(query, default_store() if store is None else store, bindings, deadline)


def run_catalogue(
    store: ox.Store,
    catalogue: list[CatalogueQuery] | None = None,
    *,
    inferred: Iterable[ox.Triple | ox.Quad] = (),
) -> list[CatalogueRun]:
    """Run every catalogue query with its defaults.

    Parameters
    ----------
    store : pyoxigraph.Store
        The graph (ontology in the default graph, facts in named graphs), with inferred
        triples if the class-based queries should find anything.
    catalogue : list of CatalogueQuery, optional
        Defaults to :func:`ecograph.sparql.catalogue.load_catalogue`.
    inferred : iterable of Triple or Quad, optional
        Inferred statements (such as a build's ``report.inferred``) to add, to a copy of the
        store, before running.

    Returns
    -------
    list of CatalogueRun
        ``(name, rows, seconds, ok)`` per query: ok when the query ran and, for a violation
        query, returned no rows.
    """
    inferred = list(inferred)
    if inferred:
        copy = ox.Store()
        copy.extend(store)
        add_inferred(copy, inferred)
        store = copy
    runs = []
    for q in load_catalogue() if catalogue is None else catalogue:
        start = time.perf_counter()
        try:
            result = run_query(q, store)
        except EcographError as e:
            log.error("%s", e)
            runs.append(CatalogueRun(q.name, 0, time.perf_counter() - start, False))
            continue
        runs.append(CatalogueRun(q.name, result.size, result.seconds, q.kind != "violation" or result.size == 0))
    return runs


def catalogue_summary(runs: Sequence[CatalogueRun]) -> str:
    """Summarise :func:`run_catalogue` in one line.

    Examples
    --------
    >>> catalogue_summary([CatalogueRun("a", 3, 0.25, True), CatalogueRun("b-violation", 2, 0.5, False)])
    '2 queries in 0.75 s: 1 ok, 1 failed (b-violation)'
    """
    failed = [r.name for r in runs if not r.ok]
    text = f"{len(runs)} queries in {sum(r.seconds for r in runs):.2f} s: {len(runs) - len(failed)} ok"
    if failed:
        text += f", {len(failed)} failed ({', '.join(failed)})"
    return text


def run_named_query(
    spec: str,
    assignments: Sequence[str] = (),
    *,
    endpoint: str | None = None,
    timeout: float | None = None,
    stdin: str | None = None,
) -> QueryResult:
    """Run a query the way ``ecograph query`` names it: resolve, bind ``KEY=VALUE`` parameters, run.

    Parameters
    ----------
    spec : str
        Catalogue name, ``.rq`` file or ``-`` (see :func:`resolve_query`).
    assignments : sequence of str
        ``KEY=VALUE`` texts (see :func:`parse_params`).
    endpoint, timeout
        See :func:`run_query`.
    stdin : str, optional
        Query text for ``-`` (read from standard input when None).

    Returns
    -------
    QueryResult
    """
    query = resolve_query(spec, stdin)
    return run_query(query, params=parse_params(assignments), endpoint=endpoint, timeout=timeout)
