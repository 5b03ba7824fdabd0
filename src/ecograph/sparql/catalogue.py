"""The saved SPARQL queries of ``queries/`` and ``ontology/checks/``: their comment headers, parameters and lookup by name."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from ecograph.errors import EcographError, InputError
from ecograph.paths import display_path, ontology_dir, queries_dirs
from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.terms import XSD_INTEGER
from ecograph.sparql.lexical import code_only

__all__ = [
    "KINDS",
    "PARAMETER_TYPES",
    "Parameter",
    "CatalogueQuery",
    "parse_query_text",
    "load_query_file",
    "checks_dir",
    "load_catalogue",
    "find_query",
    "to_term",
    "catalogue_markdown",
    "catalogue_table",
    "syntax_error_position",
    "reject_service",
]

QueryKind = Literal["select", "ask", "construct", "describe", "violation"]
KINDS: tuple[str, ...] = ("select", "ask", "construct", "describe", "violation")
PARAMETER_TYPES: tuple[str, ...] = ("iri", "literal", "integer")

_FIELD = re.compile(r"^# ([a-z]+):(?: (.*))?$")
_CONTINUATION = re.compile(r"^#  +(\S.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+type=(?P<type>\S+)(?:\s+default=(?P<default>\S+))?\s+--\s+(?P<meaning>\S.*)$"
)
_DIFFERS = re.compile(r"^(?P<store>[a-z][a-z0-9-]*)\s+--\s+(?P<reason>\S.*)$")
_NAME = re.compile(r"^(?:\d{2}-)?[a-z0-9]+(?:-[a-z0-9]+)*$")
_SINGLE_FIELDS = ("title", "description", "question", "kind", "dataset")
DATASETS: tuple[str, ...] = ("union", "default-graph")
_REQUIRED_FIELDS = ("title", "description", "question", "kind")
_FORMS: dict[type, str] = {ox.QuerySolutions: "select", ox.QueryBoolean: "ask", ox.QueryTriples: "construct"}


def to_term(value: str, type_: str) -> ox.NamedNode | ox.Literal:
    """Turn a parameter value given as text into an RDF term of the declared type.

    Parameters
    ----------
    value : str
        The text: an absolute IRI, ``<IRI>`` or ``prefix:name`` (for ``iri``), any text
        (``literal``) or a whole number (``integer``).
    type_ : {"iri", "literal", "integer"}
        The declared type.

    Returns
    -------
    pyoxigraph.NamedNode or pyoxigraph.Literal

    Raises
    ------
    ValueError
        If the value is not of that type (an IRI with spaces, quotes or ``>``, a relative
        IRI, an unknown prefix, a number with other characters).

    Examples
    --------
    >>> to_term("ecod:huibo", "iri")
    <NamedNode value=https://w3id.org/ecograph/id/huibo>
    >>> to_term("2017", "integer")
    <Literal value=2017 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    >>> to_term("x> } ; DROP ALL", "literal").value
    'x> } ; DROP ALL'
    """
    if type_ == "literal":
        return ox.Literal(value)
    if type_ == "integer":
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"{value!r} is not an integer")
        return ox.Literal(str(int(text)), datatype=XSD_INTEGER)
    if type_ == "iri":
        iri = value.strip()
        if iri.startswith("<") and iri.endswith(">"):
            iri = iri[1:-1]
        else:
            prefix, sep, local = iri.partition(":")
            if sep and prefix in PREFIXES and not local.startswith("//"):
                iri = PREFIXES[prefix] + local
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            raise ValueError(f"{value!r} is not an absolute IRI or a known prefixed name")
        try:
            return ox.NamedNode(iri)
        except ValueError as e:
            raise ValueError(f"{value!r} is not a valid IRI: {e}") from e
    raise ValueError(f"unknown parameter type {type_!r} (use {', '.join(PARAMETER_TYPES)})")


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter: ``# param: NAME type=TYPE [default=VALUE] -- MEANING``.

    The parameter binds the query variable of the same name; without a value and without a
    default the variable stays free (the query answers for every value).
    """

    name: str
    type: str
    default: str | None
    meaning: str

    def term(self, value: str | None = None) -> ox.NamedNode | ox.Literal | None:
        """Return the RDF term for a value, the default when value is None, or None.

        Raises
        ------
        EcographError
            If the value is not of the declared type.
        """
        text = self.default if value is None else value
        if text is None:
            return None
        try:
            return to_term(text, self.type)
        except ValueError as e:
            raise EcographError(f"parameter {self.name} ({self.type}): {e}") from e

    def as_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready mapping."""
        return {"name": self.name, "type": self.type, "default": self.default, "meaning": self.meaning}


@dataclass(frozen=True)
class CatalogueQuery:
    """A saved query: a ``.rq`` file and what its comment header declares.

    Attributes
    ----------
    name : str
        The file name without ``.rq``, e.g. ``"06-national-figures"``.
    path : Path or None
        The file; None for a query given as text.
    title, description, question : str
        From the header; ``description`` is one paragraph.
    kind : str
        ``select``, ``ask``, ``construct``, ``describe`` or ``violation`` (a SELECT that
        must return nothing).
    parameters : list of Parameter
        In declaration order.
    text : str
        The full query text, header included.
    differs : list of (str, str)
        ``(store, reason)`` from ``# differs: STORE -- REASON`` lines: stores known to answer
        this query differently from the embedded engine (``tests/test_publish.py`` skips
        exactly those comparisons).
    dataset : str
        From ``# dataset:``. ``union`` (the default): the union of all graphs is the default
        graph. ``default-graph``: the store's own default graph, for queries about what is
        stated outside the named graphs; written so that they are also right over the union,
        which is what a remote endpoint may give them.
    """

    name: str
    path: Path | None
    title: str
    description: str
    question: str
    kind: str
    parameters: list[Parameter] = field(default_factory=list)
    text: str = field(default="", repr=False)
    differs: list[tuple[str, str]] = field(default_factory=list)
    dataset: str = "union"

    @property
    def union_default_graph(self) -> bool:
        """True when the query runs with the union of all graphs as its default graph."""
        return self.dataset == "union"

    @property
    def short_name(self) -> str:
        """The name without its two-digit number, e.g. ``"national-figures"``."""
        return re.sub(r"^\d{2}-", "", self.name)

    def parameter(self, name: str) -> Parameter:
        """Return the declared parameter called ``name``.

        Raises
        ------
        EcographError
            If the query declares no such parameter.
        """
        for p in self.parameters:
            if p.name == name:
                return p
        declared = ", ".join(p.name for p in self.parameters) or "none"
        raise EcographError(f"query {self.name} has no parameter {name!r} (declared: {declared})")

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping: name, title, description, question, kind, parameters."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "question": self.question,
            "kind": self.kind,
            "parameters": [p.as_dict() for p in self.parameters],
        }


def _header(text: str, shown: str, strict: bool) -> tuple[dict[str, str], list[tuple[int, str]], list[tuple[int, str]]]:
    # Ad-hoc queries (strict=False) may open with any comments; only known fields are read.
    fields: dict[str, str] = {}
    params: list[tuple[int, str]] = []
    differs: list[tuple[int, str]] = []
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if not line.startswith("#"):
            break
        if line == "#":
            current = None
            continue
        if (m := _FIELD.match(line)) is not None:
            key, value = m.group(1), (m.group(2) or "").strip()
            if key in ("param", "differs"):
                (params if key == "param" else differs).append((number, value))
                current = None
            elif key in _SINGLE_FIELDS:
                if key in fields:
                    raise InputError(shown, f"header field {key!r} given twice", number)
                fields[key] = value
                current = key
            elif strict:
                raise InputError(
                    shown, f"unknown header field {key!r} (use {', '.join(_SINGLE_FIELDS)}, param, differs)", number
                )
            else:
                current = None
        elif (m := _CONTINUATION.match(line)) is not None and current is not None:
            fields[current] = f"{fields[current]} {m.group(1)}".strip()
        elif strict:
            raise InputError(shown, "header lines are '# field: value' or indented continuations '#   text'", number)
        else:
            current = None
    return fields, params, differs


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _form(text: str, shown: str) -> str:
    """Return the query form by running the query on an empty store (this also checks its syntax)."""
    try:
        result = ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as e:
        line, message = syntax_error_position(e)
        raise InputError(shown, message, line) from e
    if isinstance(result, ox.QueryTriples) and re.search(r"\bDESCRIBE\b", code_only(text), re.IGNORECASE):
        return "describe"
    return _FORMS[type(result)]


def reject_service(text: str, shown: str) -> None:
    """Refuse a query that calls another endpoint: ecograph never reaches the network from a query.

    Parameters
    ----------
    text : str
        The query.
    shown : str
        How to name the query in the message.

    Raises
    ------
    InputError
        If the query uses the ``SERVICE`` keyword outside strings, IRIs and comments.

    Examples
    --------
    >>> reject_service('SELECT * { ?s ?p "SERVICE" } # SERVICE', "q")
    >>> reject_service("SELECT * {\\n SERVICE <http://example.org/> { ?s ?p ?o } }", "q")
    Traceback (most recent call last):
    ...
    ecograph.errors.InputError: q:2: SERVICE is not allowed: ecograph queries never call other endpoints
    """
    code = code_only(text)
    m = re.search(r"\bSERVICE\b", code, re.IGNORECASE)
    if m is not None:
        line = code.count("\n", 0, m.start()) + 1
        raise InputError(shown, "SERVICE is not allowed: ecograph queries never call other endpoints", line)


def syntax_error_position(error: SyntaxError) -> tuple[int | None, str]:
    """Split a pyoxigraph SPARQL syntax error into its line and a ``column C: message`` text.

    pyoxigraph reports ``error at LINE:COLUMN: message`` (both 1-based) in the message only.

    Examples
    --------
    >>> syntax_error_position(SyntaxError("error at 3:2: expected OPTIONAL"))
    (3, 'column 2: expected OPTIONAL')
    """
    message = error.msg or str(error)
    m = re.match(r"^error at (\d+):(\d+)(?:-\d+:\d+)?: (.*)$", message, re.DOTALL)
    if m is None:
        return error.lineno, message
    return int(m.group(1)), f"column {m.group(2)}: {m.group(3)}"


def parse_query_text(text: str, name: str, path: Path | None = None, *, require_header: bool = True) -> CatalogueQuery:
    """Read a query and its comment header.

    Parameters
    ----------
    text : str
        The SPARQL text, starting with the ``# field: value`` header lines.
    name : str
        Name to give the query (and to show in messages when ``path`` is None).
    path : Path, optional
        Where the text comes from, for messages.
    require_header : bool, default True
        If false, a missing title, description, question or kind is allowed (ad-hoc queries);
        the kind then follows from the query form.

    Returns
    -------
    CatalogueQuery

    Raises
    ------
    InputError
        Naming the file and line: a malformed or incomplete header, a parameter declared
        twice, of an unknown type, with an invalid default or not projected by the query,
        a kind that does not match the query form, or a SPARQL syntax error.
    """
    shown = display_path(path) if path is not None else name
    fields, raw_params, raw_differs = _header(text, shown, strict=require_header)
    if require_header:
        for key in _REQUIRED_FIELDS:
            if not fields.get(key):
                raise InputError(shown, f"header field {key!r} is missing or empty", 1)
    reject_service(text, shown)
    form = _form(text, shown)
    kind = fields.get("kind") or form
    kind_line = _line_of(text, "# kind:")
    if kind not in KINDS:
        raise InputError(shown, f"unknown kind {kind!r} (use {', '.join(KINDS)})", kind_line)
    if (kind == "violation" and form != "select") or (kind != "violation" and kind != form):
        raise InputError(shown, f"kind {kind!r} does not match the query, which is a {form.upper()} query", kind_line)

    dataset = fields.get("dataset") or "union"
    if dataset not in DATASETS:
        raise InputError(shown, f"unknown dataset {dataset!r} (use {', '.join(DATASETS)})", _line_of(text, "# dataset:"))

    parameters: list[Parameter] = []
    for number, value in raw_params:
        m = _PARAM.match(value)
        if m is None:
            raise InputError(shown, "a parameter reads '# param: NAME type=iri|literal|integer [default=VALUE] -- meaning'", number)
        p = Parameter(m.group("name"), m.group("type"), m.group("default"), m.group("meaning").strip())
        if p.type not in PARAMETER_TYPES:
            raise InputError(shown, f"parameter {p.name}: unknown type {p.type!r} (use {', '.join(PARAMETER_TYPES)})", number)
        if any(q.name == p.name for q in parameters):
            raise InputError(shown, f"parameter {p.name} declared twice", number)
        try:
            probe = p.term() or to_term("urn:ecograph:probe" if p.type == "iri" else "0", p.type)
        except EcographError as e:
            raise InputError(shown, f"invalid default: {e}", number) from e
        try:
            ox.Store().query(text, prefixes=PREFIXES, substitutions={ox.Variable(p.name): probe})
        except (RuntimeError, ValueError) as e:
            raise InputError(shown, f"parameter {p.name} cannot be bound: {e}", number) from e
        parameters.append(p)

    differs: list[tuple[str, str]] = []
    for number, value in raw_differs:
        if (m := _DIFFERS.match(value)) is None:
            raise InputError(shown, "a store difference reads '# differs: STORE -- reason'", number)
        differs.append((m.group("store"), m.group("reason").strip()))

    if path is not None and require_header:
        _check_name(path, kind, shown)
    return CatalogueQuery(
        name=name,
        path=path,
        title=fields.get("title", ""),
        description=fields.get("description", ""),
        question=fields.get("question", ""),
        kind=kind,
        parameters=parameters,
        text=text,
        differs=differs,
        dataset=dataset,
    )


def _check_name(path: Path, kind: str, shown: str) -> None:
    stem = path.stem
    if not _NAME.match(stem):
        raise InputError(shown, "catalogue file names read NN-short-name.rq (two digits, then lower-case words and hyphens)")
    if (kind == "violation") != stem.endswith("-violation"):
        raise InputError(shown, "integrity checks (kind: violation) and only they have names ending in -violation.rq")
    if (kind == "construct") != re.sub(r"^\d{2}-", "", stem).startswith("construct-"):
        raise InputError(shown, "CONSTRUCT extracts (kind: construct) and only they have names NN-construct-….rq")


def load_query_file(path: Path, *, require_header: bool = True) -> CatalogueQuery:
    """Read one ``.rq`` file; see :func:`parse_query_text`.

    Raises
    ------
    InputError
        If the file cannot be read or its header or query is invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(display_path(path), getattr(e, "strerror", None) or str(e)) from e
    return parse_query_text(text, path.stem, path, require_header=require_header)


def checks_dir() -> Path:
    """Return ``ontology/checks/``, the integrity checks (``*-violation.rq``) that ``ecograph validate`` runs."""
    return ontology_dir() / "checks"


def load_catalogue(directory: Path | None = None) -> list[CatalogueQuery]:
    """Load the saved queries: ``queries/*.rq``, then the integrity checks ``ontology/checks/*-violation.rq``.

    The queries are the shipped catalogue, then the project's own ``queries/``; the checks
    are those of the ontology in use (see :mod:`ecograph.paths`). Each folder is sorted by name;
    a query is named by its file name without ``.rq`` (``06-national-figures``,
    ``parts-add-up-violation``).

    Parameters
    ----------
    directory : Path, optional
        Load every ``*.rq`` file of this directory only. Defaults to the folders above
        (a missing directory adds nothing).

    Returns
    -------
    list of CatalogueQuery

    Raises
    ------
    InputError
        On the first file whose header or query is invalid, naming file and line, or whose
        name is already taken by another query.

    Examples
    --------
    >>> catalogue = load_catalogue()
    >>> [q.kind for q in catalogue if q.name in ("06-national-figures", "parts-add-up-violation")]
    ['select', 'violation']
    """
    if directory is None:
        # A missing directory globs to nothing: a project without saved queries or checks.
        paths = [p for d in queries_dirs() for p in sorted(d.glob("*.rq"))] + sorted(checks_dir().glob("*-violation.rq"))
    else:
        directory = Path(directory)
        if not directory.is_dir():
            raise InputError(display_path(directory), "no such query directory")
        paths = sorted(directory.glob("*.rq"))
    catalogue: list[CatalogueQuery] = []
    for path in paths:
        query = load_query_file(path)
        taken = next((q for q in catalogue if q.name == query.name), None)
        if taken is not None:
            raise InputError(display_path(path), f"the name {query.name} is taken by {display_path(taken.path or path)}")
        catalogue.append(query)
    return catalogue


def find_query(name: str, catalogue: list[CatalogueQuery] | None = None) -> CatalogueQuery:
    """Find a catalogue query by its name, with or without the number or ``.rq``.

    Parameters
    ----------
    name : str
        ``"06-national-figures"``, ``"national-figures"`` or ``"06-national-figures.rq"``.
    catalogue : list of CatalogueQuery, optional
        Defaults to :func:`load_catalogue`.

    Returns
    -------
    CatalogueQuery

    Raises
    ------
    EcographError
        If no query has that name; the message lists the closest names.
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    wanted = name.removesuffix(".rq")
    for q in catalogue:
        if wanted in (q.name, q.short_name):
            return q
    names = [q.name for q in catalogue] + [q.short_name for q in catalogue]
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.7)
    close += [n for n in names if wanted and wanted in n and n not in close]
    full = sorted({q.name for q in catalogue for c in close if c in (q.name, q.short_name)})
    hint = f"; did you mean {', '.join(full)}?" if full else "; `ecograph queries` lists them"
    raise EcographError(f"no query named {name!r} in the catalogue{hint}")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def catalogue_markdown(catalogue: list[CatalogueQuery] | None = None) -> str:
    """Render the catalogue as the Markdown page ``docs/queries.md``.

    Parameters
    ----------
    catalogue : list of CatalogueQuery, optional
        Defaults to :func:`load_catalogue`.

    Returns
    -------
    str
        A heading, how to run the queries, and a table of name, kind and question; ``docs/queries.md``
        starts with it and goes on with notes on how queries are run (measurements included).
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    lines = [
        "# Query catalogue",
        "",
        "<!-- Down to the table, generated from src/ecograph/data/queries/*.rq and src/ecograph/data/ontology/checks/*-violation.rq "
        "by ecograph.sparql.catalogue.catalogue_markdown(); the notes after it are written by hand. -->",
        "",
        f"{len(catalogue)} saved SPARQL queries over the ecograph knowledge graph. Run one with",
        "`ecograph query NAME [--param KEY=VALUE ...] [--format table|csv|tsv|json|xml|ttl|nt|jsonld]`;",
        "list them with `ecograph queries`. Queries of kind *violation* are integrity checks that",
        "must return no rows; they live in `src/ecograph/data/ontology/checks/`, and `ecograph validate` runs them",
        "too. *construct* queries return a graph. See the end of this page for how queries are run.",
        "",
    ]
    lines += catalogue_table(catalogue).splitlines()
    return "\n".join(lines) + "\n"


def catalogue_table(catalogue: list[CatalogueQuery] | None = None) -> str:
    """Render the catalogue as a Markdown table of name, kind, question and parameters.

    The README and ``docs/queries.md`` both show it; tests keep them in step.

    Parameters
    ----------
    catalogue : list of CatalogueQuery, optional
        Defaults to :func:`load_catalogue`.

    Returns
    -------
    str

    Examples
    --------
    >>> catalogue_table().splitlines()[0]
    '| name | kind | question | parameters |'
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    lines = ["| name | kind | question | parameters |", "|---|---|---|---|"]
    for q in catalogue:
        params = ", ".join(
            f"`{p.name}` ({p.type}{'' if p.default is None else ', default ' + p.default})" for p in q.parameters
        )
        lines.append(f"| `{q.name}` | {q.kind} | {_cell(q.question)} | {_cell(params) or '–'} |")
    return "\n".join(lines)
