"""Ingest tables into graph/: read, check, convert, validate the whole graph, then write atomically."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.ingest.checking import CheckedTables, Known, check_tables
from ecograph.ingest.duplicates import Duplicate, likely_duplicates
from ecograph.ingest.problems import IngestFailed, Problem
from ecograph.ingest.rdf import build_quads
from ecograph.ingest.reading import read_table_files
from ecograph.paths import display_path, graph_dir
from ecograph.rdf.export import ExportFormat, export
from ecograph.rdf.loading import data_files, load_file, load_ontology
from ecograph.rdf.namespaces import ECO, ECOC, ECOD, ECOG, RDF, RDFS, SKOS
from ecograph.utils import atomic_files

__all__ = ["OutputFile", "TableRead", "IngestResult", "ingest", "default_output"]

_HEADER = (
    "# Written by `ecograph ingest` from tables; edit the tables and ingest them again rather than this file.\n"
    "# Each table row's facts are in a named graph derived from a section that names the table and row.\n"
)


@dataclass(frozen=True)
class OutputFile:
    """One file of graph/ the run writes (or would write, in a dry run)."""

    path: str
    source: str
    rows: int
    statements: int
    changed: bool


@dataclass(frozen=True)
class TableRead:
    """One input table: where it is, which template it follows, its rows and how it was decoded."""

    file: str
    kind: str
    rows: int
    encoding: str | None


@dataclass
class IngestResult:
    """What an ingest did (or, with ``dry_run``, would do)."""

    tables: list[TableRead] = field(default_factory=list)
    outputs: list[OutputFile] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        """Plain data for ``--format json``."""
        return {
            "ok": True,
            "dry_run": self.dry_run,
            "tables": [t.__dict__ for t in self.tables],
            "outputs": [o.__dict__ for o in self.outputs],
            "duplicates": [d.as_dict() for d in self.duplicates],
            "notes": self.notes,
            "problems": [],
        }


def default_output(source: str) -> Path:
    """Where the facts of one source go: ``graph/ingested/<source>.trig``."""
    return graph_dir() / "ingested" / f"{source}.trig"


def _known(stores: list[ox.Store | list[ox.Quad]]) -> Known:
    known = Known()
    rdf_type = str(RDF.type)
    doc_types = {str(ECO.SourceDocument)}
    ecod, ecoc, source_prefix = str(ECOD), str(ECOC), f"{ECOD}source-"
    for data in stores:
        quads = (
            data.quads_for_pattern(None, ox.NamedNode(rdf_type), None, None)
            if isinstance(data, ox.Store)
            else (q for q in data if q.predicate.value == rdf_type)
        )
        for q in quads:
            s = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
            if s.startswith(source_prefix) and not isinstance(q.object, ox.Triple) and q.object.value in doc_types:
                known.sources.add(s[len(source_prefix) :])
            if s.startswith(ecod):
                known.ids.add(s[len(ecod) :])
            elif s.startswith(ecoc):
                known.concepts.add(s)
    return known


def _labels(store: ox.Store) -> list[tuple[str, str]]:
    out = []
    ecod = str(ECOD)
    for prop in (RDFS.label, SKOS.altLabel):
        for q in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None, None):
            if (
                isinstance(q.subject, ox.NamedNode)
                and q.subject.value.startswith(ecod)
                and isinstance(q.object, ox.Literal)
            ):
                out.append((q.subject.value[len(ecod) :], q.object.value))
    return out


def _replaced(source: str, keys: set[str], redescribed: bool) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(k) for k in sorted(keys)) or "(?!)"
    src = re.escape(source)
    parts = [
        rf"{re.escape(str(ECOG))}{src}-(?:{alternatives})-row-\d+",
        rf"{re.escape(str(ECOD))}source-{src}-(?:{alternatives})-row-\d+",
    ]
    if redescribed:
        parts.append(rf"{re.escape(str(ECOD))}source-{src}")
    return re.compile("^(?:" + "|".join(parts) + ")$")


def _keep(quads: list[ox.Quad], pattern: re.Pattern[str]) -> list[ox.Quad]:
    kept = []
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            if pattern.match(q.graph_name.value):
                continue
        elif isinstance(q.subject, ox.NamedNode) and pattern.match(q.subject.value):
            continue
        kept.append(q)
    return kept


def _kept_quads(source: str, path: Path, checked: CheckedTables) -> list[ox.Quad]:
    """What stays of an existing output file: all but the rows of the tables ingested again."""
    if not path.is_file():
        return []
    old = ox.Store()
    load_file(old, path)
    keys = {r.table.key for rows in checked.rows.values() for r in rows if r.source == source}
    redescribed = any(r.id == source for r in checked.rows.get("sources", []))
    return _keep(list(old), _replaced(source, keys, redescribed))


def _names(checked: CheckedTables) -> list[tuple[str, str, str]]:
    """Names and aliases of the things the tables describe, with the row they are in."""
    names: list[tuple[str, str, str]] = []
    for kind in ("organisations", "spaces", "events"):
        for row in checked.rows.get(kind, []):
            if row.id is None:  # refused while checking, so ingest stopped before this
                continue
            where = f"{row.table.shown} row {row.number}"
            cells = [row.values.get("name_en"), row.values.get("name_zh"), *(row.values.get("aliases") or [])]
            names.extend((row.id, name, where) for name in cells if name)
    return names


def _validate(store: ox.Store) -> tuple[bool, str]:
    from ecograph.validation.validate import validate_store

    result = validate_store(store)
    return bool(result.conforms), str(result.text)


def _write_all(contents: dict[Path, bytes]) -> None:
    """Write every file at once: all are replaced or none is."""
    for path in contents:
        path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_files(*contents) as files:
        for f, data in zip(files, contents.values(), strict=True):
            f.write(data)


def ingest(
    files: list[Path],
    *,
    source: str | None = None,
    out: Path | None = None,
    dry_run: bool = False,
    validate: bool = True,
) -> IngestResult:
    """Turn filled-in template tables into reviewable TriG in graph/, all or nothing.

    Parameters
    ----------
    files : list of Path
        CSV or XLSX tables; each is named after its template (``organisations.csv``,
        ``statistics-2019.xlsx``) or is a workbook with sheets so named.
    source : str, optional
        Source id for rows without a ``source`` cell (default: the only row of a sources table).
    out : Path, optional
        Output file, when every row cites one source (default ``graph/ingested/<source>.trig``).
    dry_run : bool, default False
        Check, convert and validate, but write nothing.
    validate : bool, default True
        Validate the whole graph, with the new files in it, against the shapes before writing.
        Only for very large tables whose validation is done separately (``ecograph validate``).

    Returns
    -------
    IngestResult
        The tables read, the files written (or that would be), likely duplicates for a person to
        confirm, and notes.

    Raises
    ------
    IngestFailed
        With every problem found (file, row, column, value, expectation); graph/ is unchanged.
    InputError
        When a file already in graph/ does not parse.
    """
    problems: list[Problem] = []
    tables = read_table_files([Path(f) for f in files], problems)
    result = IngestResult(tables=[TableRead(t.shown, t.kind, len(t.rows), t.encoding) for t in tables], dry_run=dry_run)
    ontology = load_ontology()
    existing_files = data_files()
    graph = ox.Store()
    for f in existing_files:
        load_file(graph, f)
    known = _known([graph, ontology])
    checked = check_tables(tables, known, source, problems)
    quads_by_source = build_quads(checked, known) if not problems else {}
    if not problems and out is not None and len(quads_by_source) > 1:
        problems.append(
            Problem(
                "--out",
                None,
                None,
                str(out),
                f"one source per output file; the rows cite {', '.join(sorted(quads_by_source))}",
                "source",
            )
        )
    if out is not None and Path(out).suffix.lower() != ".trig":
        problems.append(
            Problem("--out", None, None, str(out), "a .trig file (named graphs carry the evidence)", "source")
        )
    if problems:
        # Python's sort is stable: within a row, problems stay in column order.
        raise IngestFailed(sorted(problems, key=lambda p: (p.file, p.row or 0)))

    targets = {src: (Path(out).absolute() if out is not None else default_output(src)) for src in quads_by_source}
    target_set = {p.resolve() for p in targets.values()}
    others = [f for f in existing_files if f.resolve() not in target_set]
    store = ox.Store()
    store.extend(ontology)
    for f in others:
        load_file(store, f)
    kept = {src: _kept_quads(src, path, checked) for src, path in targets.items()}
    concepts = _known([store, *kept.values()]).concepts
    if concepts != known.concepts:
        # Concepts made by the rows being replaced do not count as existing: the new rows make them again.
        known = Known(ids=known.ids, concepts=concepts, sources=known.sources)
        quads_by_source = build_quads(checked, known)

    contents: dict[Path, bytes] = {}
    for src, path in sorted(targets.items()):
        quads = list(set(kept[src]) | set(quads_by_source[src]))
        body = export(quads, ExportFormat.TRIG) or b""
        data = _HEADER.encode("utf-8") + body
        if validate:
            store.load(
                data, format=ox.RdfFormat.TRIG
            )  # parsing what will be written, not the quads, checks the file too
        previous = path.read_bytes() if path.is_file() else None
        contents[path] = data
        rows = sum(1 for rs in checked.rows.values() for r in rs if r.source == src)
        result.outputs.append(OutputFile(display_path(path), src, rows, len(quads), previous != data))

    verdict = _validate(store) if validate else (True, "")
    if not validate:
        result.notes.append("validation skipped on request: run `ecograph validate`")
    elif not verdict[0]:
        raise IngestFailed(
            [
                Problem(
                    ", ".join(o.path for o in result.outputs),
                    None,
                    None,
                    None,
                    "a graph that conforms to the shapes; the report:\n" + verdict[1],
                    "validation",
                )
            ]
        )

    result.duplicates = likely_duplicates(_names(checked), _labels(graph))
    for t in tables:
        if t.encoding == "gb18030":
            result.notes.append(f"{t.shown}: read as GB18030")
    if not dry_run:
        _write_all(contents)
    return result
