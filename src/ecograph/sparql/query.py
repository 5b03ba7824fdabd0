"""Run saved or ad-hoc SPARQL queries on the graph (pyoxigraph) or on a SPARQL endpoint, and write the results."""

from __future__ import annotations

import json
import logging
import sys
import time
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
from ecograph.safe_text import xml_safe_term
from ecograph.sparql.catalogue import (
    CatalogueQuery,
    find_query,
    load_catalogue,
    load_query_file,
    parse_query_text,
    syntax_error_position,
)
from ecograph.sparql.client import remote_query
from ecograph.sparql.tokens import Kind, code_tokens, declared_prefixes, names_its_dataset

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

INFERRED_FILE = "ecograph-inferred.trig"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
INFERRED_GRAPH = ox.NamedNode(INFERRED_GRAPH_IRI)
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
        """Write the answer as CSV (SPARQL 1.1 CSV results; graphs as ``subject,predicate,object``); returns the path.

        A text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'``.
        """
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

    def _results_json(self, xml: bool = False) -> bytes:
        if self.form == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}).encode()
        # XML cannot carry some control characters at all (see ecograph.safe_text).
        safe = xml_safe_term if xml else (lambda t: t)
        bindings = [{v: json_term(safe(t)) for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]
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
        parsed = ox.parse_query_results(self._results_json(xml=format == "xml"), format=ox.QueryResultsFormat.JSON)
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


def inferred_statements(store: ox.Store | None = None) -> tuple[list[ox.Quad], str]:
    """Find the inferred statements: from a fresh build, else from the OWL 2 RL engine.

    Parameters
    ----------
    store : pyoxigraph.Store, optional
        Ontology and data to reason over when there is no fresh build; loaded when None.

    Returns
    -------
    (list of Quad, str)
        The statements in the named graph ``ecog:inferred`` with the graph's PROV description
        (default graph), and where they come from: ``build/ecograph-inferred.trig`` or the
        engine and its version.

    Raises
    ------
    EcographError
        The build's file cannot be read, or the engine failed: a query over inferred classes
        would silently answer too little otherwise (``--no-reason`` uses asserted statements only).
    """
    built = build_dir() / INFERRED_FILE
    if built.is_file() and built.stat().st_mtime >= _newest_input():
        try:
            return list(ox.parse(path=built, format=ox.RdfFormat.TRIG)), f"build/{INFERRED_FILE}"
        except (SyntaxError, OSError) as e:
            raise InputError(str(built), f"cannot read the inferred statements: {e}") from e
    from ecograph.validation.materialise import materialise

    ontology = load_ontology()
    # A given store may hold the ontology too: the engine reads the ontology from its own argument.
    data = load_dataset() if store is None else store
    try:
        result = materialise(data, ontology)
    except EcographError as e:
        # Queries over inferred classes would answer too little, silently: stop instead.
        raise EcographError(
            f"reasoning failed, so inferred statements are missing: {e} "
            "(run `ecograph build` first, or pass --no-reason to use asserted statements only)"
        ) from e
    return [*result.inferred, *result.provenance], result.engine


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
    from ecograph.validation.materialise import INFERRED_GRAPH

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
        Also add the inferred statements (see :func:`inferred_statements`); a reasoning
        failure is then an error. False for asserted statements only (``--no-reason``).

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
        statements, _ = inferred_statements(store)
        add_inferred(store, statements)
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
        text = bound_text(query, bindings)
        # A query naming its own dataset (FROM, FROM NAMED) gets exactly that, not the union.
        union = query.union_default_graph and not names_its_dataset(text)
        answer = store.query(text, use_default_graph_as_union=union, prefixes=PREFIXES)
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
    if not bindings:
        return query.text
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }}"
    openings = _group_openings(query.text)
    if not openings:
        raise EcographError(f"{query.name}: cannot find the WHERE clause to bind {names}")
    text = query.text
    for end in reversed(openings):
        text = text[:end] + block + text[end:]
    return text


def _group_openings(text: str) -> list[int]:
    """Where the group patterns of ``WHERE {``, ``ASK {`` and ``SELECT … {`` open (offsets after the brace)."""
    tokens = code_tokens(text)
    openings = []
    for i, token in enumerate(tokens):
        keyword = token.text.upper() if token.kind is Kind.WORD else ""
        if keyword in ("WHERE", "ASK") and i + 1 < len(tokens) and tokens[i + 1].text == "{":
            openings.append(tokens[i + 1].start + 1)
        elif keyword == "SELECT":
            # WHERE is optional after a projection: the first brace outside its expressions opens the pattern.
            depth = 0
            for later in tokens[i + 1 :]:
                if later.kind is Kind.WORD and later.text.upper() == "WHERE":
                    break
                if later.text == "(":
                    depth += 1
                elif later.text == ")":
                    depth -= 1
                elif later.text == "{" and depth == 0:
                    openings.append(later.start + 1)
                    break
    return openings


def _endpoint_text(query: CatalogueQuery, bindings: dict[str, Term]) -> str:
    declared = declared_prefixes(query.text)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p.lower() not in declared)
    return prologue + bound_text(query, bindings).rstrip() + "\n"


def _run_remote(
    query: CatalogueQuery,
    endpoint: str,
    bindings: dict[str, Term],
    deadline: _Deadline,
    timeout: float | None,
    max_bytes: int | None,
) -> QueryResult:
    graph = query.kind in ("construct", "describe")
    with remote_query(
        endpoint, _endpoint_text(query, bindings), graph=graph, timeout=timeout, max_bytes=max_bytes, name=query.name
    ) as answer:
        try:
            if graph:
                return _collect(answer.triples(), query, deadline, bindings)
            solutions = answer.solutions()
            ask_as_row = isinstance(solutions, ox.QuerySolutions) and [v.value for v in solutions.variables] == ["__ASK_RETVAL"]
            if query.kind == "ask" and ask_as_row:
                # Virtuoso 7 answers ASK with one row of an integer 1 or 0 instead of a boolean.
                assert isinstance(solutions, ox.QuerySolutions)
                rows = list(solutions)
                value = rows[0][0] if rows else None
                yes = value is not None and value.value not in ("0", "false")
                return QueryResult(query, "ask", boolean=yes, seconds=deadline.elapsed, bindings=bindings)
            return _collect(solutions, query, deadline, bindings)
        except SyntaxError as e:
            raise EcographError(f"{endpoint} sent an unreadable {answer.media_type} answer: {e}") from e


def run_query(
    query_or_text: CatalogueQuery | str,
    store: ox.Store | None = None,
    params: Mapping[str, str | Term] | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    inferred: bool = True,
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
        Seconds. For an endpoint, a deadline for the whole answer, from connecting to its
        last byte (default 60). Locally, the time is checked as answers are read, so one
        answer that takes long to compute is not interrupted.
    max_bytes : int, optional
        For an endpoint, the most bytes its answer may have (default 256 MiB, see
        :mod:`ecograph.sparql.client`); the answer is parsed as it streams in.
    inferred : bool, default True
        For the default store: add the inferred statements (see :func:`default_store`).

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
        return _run_remote(query, endpoint, bindings, deadline, timeout, max_bytes)
    return _run_local(query, default_store(inferred=inferred) if store is None else store, bindings, deadline)


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
        Inferred statements (such as a build's ``report.inferred`` and ``report.provenance``)
        to add, to a copy of the store, before running (see :func:`add_inferred`).

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


def catalogue_summary(runs: Sequence[CatalogueRun], slowest: int = 3) -> str:
    """Summarise :func:`run_catalogue` in one line, naming the slowest queries when one took a second or more.

    Examples
    --------
    >>> catalogue_summary([CatalogueRun("a", 3, 0.25, True), CatalogueRun("b-violation", 2, 0.5, False)])
    '2 queries in 0.75 s: 1 ok, 1 failed (b-violation)'
    >>> catalogue_summary([CatalogueRun("a", 3, 0.25, True), CatalogueRun("b", 70000, 12.5, True)])
    '2 queries in 12.75 s: 2 ok; slowest b 12.5 s (70,000 rows), a 0.2 s (3 rows)'
    """
    failed = [r.name for r in runs if not r.ok]
    text = f"{len(runs)} queries in {sum(r.seconds for r in runs):.2f} s: {len(runs) - len(failed)} ok"
    if failed:
        text += f", {len(failed)} failed ({', '.join(failed)})"
    ranked = sorted(runs, key=lambda r: -r.seconds)[:slowest]
    if ranked and ranked[0].seconds >= 1:
        text += "; slowest " + ", ".join(f"{r.name} {r.seconds:.1f} s ({r.rows:,} rows)" for r in ranked)
    return text


def run_named_query(
    spec: str,
    assignments: Sequence[str] = (),
    *,
    endpoint: str | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    stdin: str | None = None,
    inferred: bool = True,
) -> QueryResult:
    """Run a query the way ``ecograph query`` names it: resolve, bind ``KEY=VALUE`` parameters, run.

    Parameters
    ----------
    spec : str
        Catalogue name, ``.rq`` file or ``-`` (see :func:`resolve_query`).
    assignments : sequence of str
        ``KEY=VALUE`` texts (see :func:`parse_params`).
    endpoint, timeout, max_bytes, inferred
        See :func:`run_query`.
    stdin : str, optional
        Query text for ``-`` (read from standard input when None).

    Returns
    -------
    QueryResult
    """
    query = resolve_query(spec, stdin)
    return run_query(
        query, params=parse_params(assignments), endpoint=endpoint, timeout=timeout, max_bytes=max_bytes, inferred=inferred
    )
