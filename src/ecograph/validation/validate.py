"""Validate the data: SHACL shapes (compiled to SPARQL, or pySHACL) and SPARQL consistency checks, as one report."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ecograph.paths import ontology_dir
from ecograph.rdf.loading import load_dataset, load_ontology, store_from_files, to_rdflib
from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.stores import select
from ecograph.rdf.terms import RDF_LANG_STRING, XSD_STRING, curie
from ecograph.sparql.catalogue import checks_dir, load_query_file
from ecograph.validation.shacl import ShapeResult, UnsupportedShape, compile_shapes_file, reported_shape

__all__ = [
    "SHAPES_NAMESPACE",
    "ENGINES",
    "Violation",
    "ValidationReport",
    "Check",
    "shapes_file",
    "load_checks",
    "run_check",
    "validate_store",
    "validate_files",
    "validate_project",
]

SHAPES_NAMESPACE = "https://w3id.org/ecograph/shapes#"
_CURIES = {"ecosh": SHAPES_NAMESPACE, "sh": str(SH), **PREFIXES}
_CHECK_SUFFIX = "-violation.rq"
ENGINES: tuple[str, ...] = ("sparql", "pyshacl")
_PLAIN = {XSD_STRING.value, RDF_LANG_STRING.value}


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    focus_node : str
        The node that breaks the rule, as a prefixed name where possible (``ecod:huibo``).
    shape : str
        The rule: a SHACL node shape (``ecosh:ObservationShape``) or a SPARQL check
        (``check:parts-add-up``).
    path : str or None
        The property involved, if any.
    value : str or None
        The value found, if any.
    message : str
        What is wrong, in plain words.
    """

    focus_node: str
    shape: str
    path: str | None
    value: str | None
    message: str


@dataclass
class ValidationReport:
    """The outcome of a validation.

    Attributes
    ----------
    conforms : bool
        True when no shape and no check is violated.
    violations : list of Violation
        Every broken rule, sorted by focus node and rule.
    text : str
        A readable report: which node, which rule, what was found.
    engine : str
        The SHACL engine that ran: ``"sparql"`` or ``"pyshacl"`` (also when pySHACL stood in
        for shapes the SPARQL engine does not support).
    """

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    text: str = ""
    engine: str = "sparql"


@dataclass(frozen=True)
class Check:
    """A SPARQL consistency check: a SELECT that returns one row per violation.

    The query binds ``?focus`` and may bind ``?path``, ``?value`` and ``?message``; it runs
    with the union of all graphs as the default graph, unless its header says
    ``# dataset: default-graph``. Its file opens with the query
    catalogue's header (``# title:``, ``# description:``, ``# question:``, ``# kind: violation``),
    so ``ecograph query NAME-violation`` runs it too.

    Attributes
    ----------
    name : str
        File name without ``-violation.rq``, e.g. ``parts-add-up``.
    description : str
        What must hold: the header's ``# description:`` (its ``# title:`` if that is empty).
    query : str
        The SPARQL text.
    union_default_graph : bool
        False for a check about the store's own default graph (``# dataset: default-graph``).
    """

    name: str
    description: str
    query: str
    union_default_graph: bool = True

    @property
    def rule(self) -> str:
        """The rule name used in reports, ``check:<name>``."""
        return f"check:{self.name}"


def shapes_file() -> Path:
    """Return the SHACL shapes file, ``ontology/shapes.ttl``."""
    return ontology_dir() / "shapes.ttl"


def _cell(row: ox.QuerySolution, name: str) -> object | None:
    try:
        term: object = row[name]
    except (KeyError, IndexError):
        return None
    return term


def _curie(term: object) -> str:
    text = term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)
    if isinstance(term, (ox.BlankNode, rdflib.BNode)):
        return f"_:{text}"
    if isinstance(term, (ox.NamedNode, rdflib.URIRef)):
        return curie(text, _CURIES) or text
    return text


def load_checks(directory: Path | None = None) -> list[Check]:
    """Read the consistency checks, ``ontology/checks/*-violation.rq``, sorted by name.

    Parameters
    ----------
    directory : Path, optional
        Where the queries are; defaults to ``ontology/checks`` of the project.

    Returns
    -------
    list of Check

    Raises
    ------
    InputError
        A check whose header or query is invalid (see :func:`ecograph.sparql.catalogue.parse_query_text`).
    """
    directory = checks_dir() if directory is None else Path(directory)
    found = []
    for path in sorted(directory.glob(f"*{_CHECK_SUFFIX}")):
        query = load_query_file(path)
        name = path.name[: -len(_CHECK_SUFFIX)]
        found.append(Check(name, query.description or query.title, query.text, query.union_default_graph))
    return found


def run_check(check: Check, store: ox.Store) -> list[Violation]:
    """Run one check over the union of all graphs of a store (or its own default graph, if the check says so).

    Parameters
    ----------
    check : Check
        The check to run.
    store : pyoxigraph.Store
        Data and ontology (checks about qualifiers need the vocabularies).

    Returns
    -------
    list of Violation
        One per row; empty when the check holds.
    """
    out = []
    for row in select(store, check.query, use_default_graph_as_union=check.union_default_graph):
        path, value, message = _cell(row, "path"), _cell(row, "value"), _cell(row, "message")
        out.append(
            Violation(
                focus_node=_curie(_cell(row, "focus")),
                shape=check.rule,
                path=None if path is None else _curie(path),
                value=None if value is None else _curie(value),
                message=message.value if isinstance(message, ox.Literal) else check.description,
            )
        )
    return out


@lru_cache(maxsize=4)
def _shapes_graph(path: Path, mtime_ns: int) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def _message(results: rdflib.Graph, result: rdflib.term.Node) -> str:
    messages = list(results.objects(result, SH.resultMessage))
    english = [m for m in messages if getattr(m, "language", None) in ("en", None)]
    return str((english or messages)[0]) if messages else "(no message)"


def _shacl(data: rdflib.Graph) -> list[Violation]:
    from pyshacl import validate  # slow to import: only when validating

    path = shapes_file()
    shapes = _shapes_graph(path, path.stat().st_mtime_ns)
    # inference="none": SHACL follows the ontology's rdfs:subClassOf triples (they are in the
    # data graph) by itself, and RDFS inference would type every range value, hiding range errors.
    _, results, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, js=False, allow_warnings=False
    )
    out = []
    # Only the report's own results: nested ones (sh:detail) repeat them from inside a sh:node.
    for result in results.objects(None, SH.result):
        path_node = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        out.append(
            Violation(
                focus_node=_curie(results.value(result, SH.focusNode)),
                shape=_curie(reported_shape(shapes, results.value(result, SH.sourceShape))),
                path=None if path_node is None else _curie(path_node),
                value=None if value is None else _curie(value),
                message=_message(results, result),
            )
        )
    return out


def _literal_text(literal: ox.Literal) -> str:
    # pySHACL shows a literal as rdflib writes it ("1.0" for "1"^^xsd:double); show it the same
    # way, except an ill-typed one, which is shown as written rather than as rdflib's guess.
    if literal.datatype.value in _PLAIN:
        return literal.value
    rdflib_log = logging.getLogger("rdflib.term")
    disabled, rdflib_log.disabled = rdflib_log.disabled, True  # rdflib logs ill-typed literals
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = rdflib.Literal(literal.value, datatype=rdflib.URIRef(literal.datatype.value))
    finally:
        rdflib_log.disabled = disabled
    return literal.value if parsed.ill_typed else str(parsed)


def _shown(term: object) -> str:
    return _literal_text(term) if isinstance(term, ox.Literal) else _curie(term)




def _violation(result: ShapeResult) -> Violation:
    return Violation(
        focus_node=_shown(result.focus),
        shape=result.shape if result.shape.startswith("_:") else _curie(ox.NamedNode(result.shape)),
        path=None if result.path is None else _curie(ox.NamedNode(result.path)),
        value=None if result.value is None else _shown(result.value),
        message=result.message,
    )


@contextmanager
def _with_ontology(store: ox.Store) -> Iterator[ox.Store]:
    """The store with the ontology and vocabularies in its default graph, for the time of a validation.

    The triples it lacks are added and removed again afterwards, so that a store of 10^6
    statements is not copied; a store that cannot be written to is copied instead.
    """
    ontology = load_ontology()
    missing = [q for q in ontology if q not in store]
    try:
        if missing:
            store.extend(missing)
        writable = True
    except (OSError, RuntimeError):  # pyoxigraph's read-only stores refuse transactions
        writable = False
    if not writable:
        working = ox.Store()
        working.extend(store)
        working.extend(ontology)
        yield working
        return
    try:
        yield store
    finally:
        for quad in missing:
            store.remove(quad)


def _report(violations: list[Violation], statements: int, checks: int, note: str = "") -> str:
    if not violations:
        text = f"conforms: {statements} statements meet every SHACL shape and {checks} consistency checks"
    else:
        lines = [f"{len(violations)} violation{'s' if len(violations) != 1 else ''}:"]
        for v in violations:
            rule = v.shape if v.path is None else f"{v.shape} (property {v.path})"
            lines.append(f"- {v.focus_node}")
            lines.append(f"    rule:    {rule}")
            if v.value is not None:
                lines.append(f"    found:   {v.value}")
            lines.append(f"    problem: {v.message}")
        text = "\n".join(lines)
    return f"{text}\n{note}" if note else text


def validate_store(store: ox.Store, engine: str = "sparql") -> ValidationReport:
    """Validate a store against the SHACL shapes and the consistency checks.

    The ontology and vocabularies are added to the store's default graph for the time of the
    validation and removed again (a read-only store is copied instead), so the store may hold
    data only or data and ontology, and is the same afterwards; other threads using the store
    meanwhile would see the ontology in it.

    Parameters
    ----------
    store : pyoxigraph.Store
        The data, facts in named graphs.
    engine : {"sparql", "pyshacl"}, default "sparql"
        ``"sparql"`` runs the shapes compiled into SPARQL queries on the store itself
        (:mod:`ecograph.validation.shacl`, fast on large graphs); ``"pyshacl"`` runs pySHACL, the
        reference, on an rdflib copy. When the shapes use SHACL the SPARQL engine does not
        support, pySHACL runs instead and the report's text ends with a note saying so.

    Returns
    -------
    ValidationReport

    Raises
    ------
    ValueError
        An unknown engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}: use one of {', '.join(ENGINES)}")
    statements = len(store)
    checks = load_checks()
    note, compiled = "", None
    if engine == "sparql":
        try:
            compiled = compile_shapes_file(shapes_file())
        except UnsupportedShape as e:
            engine, note = "pyshacl", f"note: validated with pySHACL because {e}"
    with _with_ontology(store) as working:
        violations = [_violation(r) for r in compiled.run(working)] if compiled is not None else _shacl(to_rdflib(working))
        for check in checks:
            violations.extend(run_check(check, working))
    violations = sorted(set(violations), key=lambda v: (v.focus_node, v.shape, v.path or "", v.value or ""))
    return ValidationReport(
        conforms=not violations,
        violations=violations,
        text=_report(violations, statements, len(checks), note),
        engine=engine,
    )


def validate_files(paths: Iterable[Path | str], engine: str = "sparql") -> ValidationReport:
    """Load RDF files (with the ontology) and validate them.

    Parameters
    ----------
    paths : iterable of Path or str
        TriG, Turtle, N-Triples or N-Quads files, or directories of them.
    engine : {"sparql", "pyshacl"}, default "sparql"
        The SHACL engine, see :func:`validate_store`.

    Returns
    -------
    ValidationReport

    Raises
    ------
    InputError
        A file cannot be read or parsed (the message names the file and line).
    """
    return validate_store(store_from_files(Path(p) for p in paths), engine)


def validate_project(engine: str = "sparql") -> ValidationReport:
    """Validate every data file of the project (``graph/``).

    Parameters
    ----------
    engine : {"sparql", "pyshacl"}, default "sparql"
        The SHACL engine, see :func:`validate_store`.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> validate_project().conforms
    True
    """
    return validate_store(load_dataset(), engine)
