"""Build the published artefacts: validated, reasoned, exported and documented, swapped in atomically."""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDFS, SDO, SKOS

from ecograph.build.concepts import concepts_html
from ecograph.build.full import FULL_EXPORT, full_dataset
from ecograph.errors import EcographError, ValidationFailed
from ecograph.paths import build_dir, ontology_dir
from ecograph.rdf.export import ExportFormat, export
from ecograph.rdf.loading import data_files, load_dataset, load_ontology, ontology_files
from ecograph.rdf.stores import select

__all__ = ["OutputFile", "StepResult", "BuildReport", "build", "ontology_html"]

Progress = Callable[[str], None]

DATA_EXPORTS: tuple[tuple[str, ExportFormat], ...] = (
    ("ecograph.ttl", ExportFormat.TURTLE),
    ("ecograph.nt", ExportFormat.NTRIPLES),
    ("ecograph.trig", ExportFormat.TRIG),
    ("ecograph.jsonld", ExportFormat.JSONLD),
)
INFERRED_EXPORT = ("ecograph-inferred.ttl", ExportFormat.TURTLE)
MAIN_ONTOLOGY = "ecograph.ttl"


@dataclass(frozen=True)
class OutputFile:
    """One written file: path relative to the output directory, size in bytes, statements (None if not RDF)."""

    path: str
    size: int
    statements: int | None


@dataclass(frozen=True)
class StepResult:
    """One build step: its name, wall-clock seconds and a short result text."""

    name: str
    seconds: float
    result: str


@dataclass
class BuildReport:
    """What a build did.

    Attributes
    ----------
    out_dir : Path
        The output directory, now holding the new build.
    files : list of OutputFile
        Every file written, sorted by path.
    steps : list of StepResult
        The steps in the order they ran.
    notes : list of str
        Skipped steps and other remarks for the user.
    store : pyoxigraph.Store
        Asserted ontology (default graph) and data (named graphs), for later steps.
    data, ontology : pyoxigraph.Store
        The same two apart, for steps that must tell them apart (the projection).
    inferred : list of pyoxigraph.Quad
        The reasoner's statements in the named graph ``ecog:inferred`` and that graph's PROV in the
        default graph (empty when reasoning was skipped).
    """

    out_dir: Path
    files: list[OutputFile] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    store: ox.Store | None = field(default=None, repr=False, compare=False)
    data: ox.Store | None = field(default=None, repr=False, compare=False)
    ontology: ox.Store | None = field(default=None, repr=False, compare=False)
    inferred: list[ox.Quad] = field(default_factory=list, repr=False, compare=False)


def _import_ontpub() -> type:
    if "pylode.version" not in sys.modules:
        # pyLODE 3.4.1 reads its version from a pyproject.toml that its wheel does not ship.
        shim = types.ModuleType("pylode.version")
        shim.__dict__["__version__"] = importlib.metadata.version("pylode")
        sys.modules["pylode.version"] = shim
    root = logging.getLogger()
    guard = logging.NullHandler()
    # pyLODE calls logging.basicConfig(level=DEBUG) on import; a handler present makes that a no-op.
    root.addHandler(guard)
    try:
        import pylode.utils
        from pylode import OntPub
    finally:
        root.removeHandler(guard)
    if not getattr(pylode.utils.intersperse, "ecograph_ordered", False):
        # pyLODE collects owl:unionOf/intersectionOf members in a set of HTML elements,
        # whose order follows memory addresses; sorting by the rendered HTML makes it reproducible.
        original = pylode.utils.intersperse

        def intersperse(items: object, sep: object) -> list:
            if isinstance(items, (set, frozenset)):
                items = sorted(items, key=str)
            return original(items, sep)

        intersperse.ecograph_ordered = True  # type: ignore[attr-defined]
        pylode.utils.intersperse = intersperse
    return OntPub


_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SDO.name)


def _english_labels(graph: rdflib.Graph) -> rdflib.Graph:
    # pyLODE glues every label of a term together ("organisation组织"); keep the English one where there is one.
    for s, p in {(term, label) for label in _LABELS for term in graph.subjects(label, None)}:
        labels = list(graph.objects(s, p))
        if any(getattr(o, "language", None) == "en" for o in labels):
            for o in labels:
                if getattr(o, "language", None) not in ("en", None):
                    graph.remove((s, p, o))
    return graph


def _ontpub_html(ontology: str) -> str:
    OntPub = _import_ontpub()
    # An rdflib Graph (not a path) keeps pyLODE from calling exit() on parse errors.
    return OntPub(_english_labels(rdflib.Graph().parse(ontology, format="turtle"))).make_html()


_CHILD = """
import sys
from ecograph.build.artefacts import _ontpub_html
try:
    html = _ontpub_html(sys.argv[1])
except Exception as e:
    sys.exit(f"{type(e).__name__}: {e}")
sys.stdout.buffer.write(html.encode("utf-8"))
"""


def ontology_html(ontology: Path) -> str:
    """Render pyLODE (OntPub profile) documentation of an ontology file, offline and reproducibly.

    Parameters
    ----------
    ontology : Path
        A Turtle file declaring an ``owl:Ontology`` with a ``dcterms:title``.

    Returns
    -------
    str
        Self-contained HTML (CSS inlined, no remote scripts or stylesheets).

    Raises
    ------
    EcographError
        If pyLODE cannot document the ontology.
    """
    # A child process keeps pyLODE's global side effects (logging setup, the patch above) out of
    # the caller; the fixed hash seed guards against any order that still follows string hashes.
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ontology)], env=env, capture_output=True, check=False
    )
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit code {proc.returncode}"]
        raise EcographError(f"pyLODE could not document {ontology.name}: {lines[-1]}")
    return proc.stdout.decode("utf-8")


class _Steps:
    def __init__(self, progress: Progress | None, report: BuildReport) -> None:
        self.progress = progress
        self.report = report

    @contextmanager
    def step(self, name: str) -> Iterator[list[str]]:
        if self.progress:
            self.progress(name)
        result: list[str] = []
        start = time.perf_counter()
        yield result
        self.report.steps.append(StepResult(name, time.perf_counter() - start, "; ".join(result) or "ok"))


_DISTINCT_TRIPLES = """SELECT (COUNT(*) AS ?n) WHERE {
    SELECT DISTINCT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }"""


def _count(data: ox.Store, fmt: ExportFormat) -> int:
    """How many statements an export of ``data`` in ``fmt`` holds (the union merges repeated triples)."""
    if fmt.supports_datasets:
        return len(data)
    return int(next(iter(select(data, _DISTINCT_TRIPLES)))["n"].value)


def _write(tmp: Path, name: str, data: ox.Store, fmt: ExportFormat, report: BuildReport) -> None:
    path = tmp / name
    export(data, fmt, path)
    report.files.append(OutputFile(name, path.stat().st_size, _count(data, fmt)))


def _swap(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        if not out.is_dir():
            raise EcographError(f"{out} exists and is not a directory")
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    out_dir: Path | None = None,
    *,
    progress: Progress | None = None,
    validate: bool = True,
    reason: bool = True,
) -> BuildReport:
    """Load, validate, reason, export and document; replace ``out_dir`` only on success.

    Parameters
    ----------
    out_dir : Path, optional
        Output directory; defaults to the project's ``build/``.
    progress : callable, optional
        Called with each step's name as it starts (for a status display).
    validate : bool, default True
        Check the shapes and the integrity checks (``ecograph.validation.validate.validate_store``);
        False skips the step, and its summary says "skipped: not requested".
    reason : bool, default True
        Run HermiT (``ecograph.validation.reasoning.reason``); False skips the step, exports an
        empty ``ecograph-inferred.ttl`` and adds a note saying so.

    Returns
    -------
    BuildReport

    Raises
    ------
    InputError
        A data or ontology file does not parse.
    ValidationFailed
        The data does not conform; ``.report`` has the details.
    EcographError
        Any other failure. In every case the previous ``out_dir`` is left untouched.
    """
    out_dir = Path(build_dir() if out_dir is None else out_dir).absolute()
    report = BuildReport(out_dir=out_dir)
    steps = _Steps(progress, report)

    with steps.step("load") as r:
        data = load_dataset()
        ontology = load_ontology()
        store = ox.Store()
        store.extend(ontology)
        store.extend(data)
        report.store, report.data, report.ontology = store, data, ontology
        r.append(
            f"{len(data_files())} data files, {len(data)} quads in {len(list(data.named_graphs()))} graphs; "
            f"{len(ontology_files())} ontology files, {len(ontology)} triples"
        )

    with steps.step("validate") as r:
        if not validate:
            r.append("skipped: not requested")
        else:
            from ecograph.validation.validate import validate_store

            result = validate_store(store)
            if not result.conforms:
                raise ValidationFailed(result.text, "validation failed: the data does not conform to the shapes")
            r.append("conforms")

    with steps.step("reason") as r:
        if not reason:
            r.append("skipped: not requested")
            report.notes.append("reasoning skipped: ecograph-inferred.ttl is empty")
        else:
            from ecograph.validation.reasoning import reason as run_reasoner

            reasoned = run_reasoner(store)
            report.inferred = reasoned.quads(data)
            r.append(f"{len(reasoned.inferred)} inferred statements")

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        with steps.step("export") as r:
            for name, fmt in DATA_EXPORTS:
                _write(tmp, name, data, fmt, report)
            inferred = ox.Store()
            inferred.extend(report.inferred)
            _write(tmp, INFERRED_EXPORT[0], inferred, INFERRED_EXPORT[1], report)
            _write(tmp, FULL_EXPORT, full_dataset(data, report.inferred), ExportFormat.TRIG, report)
            r.append(f"{len(DATA_EXPORTS) + 2} files")

        with steps.step("document") as r:
            (tmp / "ontology").mkdir()
            for src in sorted(ontology_dir().glob("*.ttl")):
                shutil.copyfile(src, tmp / "ontology" / src.name)
                report.files.append(OutputFile(f"ontology/{src.name}", src.stat().st_size, None))
            main = ontology_dir() / MAIN_ONTOLOGY
            if main.is_file():
                html = ontology_html(main).encode("utf-8")
                (tmp / "ontology" / "index.html").write_bytes(html)
                report.files.append(OutputFile("ontology/index.html", len(html), None))
                r.append("ontology/index.html")
            else:
                r.append(f"skipped: no ontology/{MAIN_ONTOLOGY}")
                report.notes.append(f"documentation skipped: no ontology/{MAIN_ONTOLOGY}")
            # Every SKOS concept (vocabularies and data) beside the ontology page.
            page = concepts_html(store).encode("utf-8")
            (tmp / "ontology" / "concepts.html").write_bytes(page)
            report.files.append(OutputFile("ontology/concepts.html", len(page), None))
            r.append("ontology/concepts.html")

        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the build is meant to be published
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.files.sort(key=lambda f: f.path)
    return report
