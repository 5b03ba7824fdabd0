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
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDFS, SDO, SKOS

from ecograph.build.concepts import concepts_html
from ecograph.build.full import FULL_EXPORT, ontology_quads
from ecograph.build.parallel import run_forked
from ecograph.errors import EcographError, ValidationFailed
from ecograph.paths import build_dir, ontology_dir
from ecograph.rdf.export import ExportFormat, export_all, trig_spliced
from ecograph.rdf.loading import data_files, load_dataset, load_ontology, ontology_files, temporarily_added
from ecograph.utils import atomic_write

__all__ = ["OutputFile", "StepResult", "BuildReport", "build", "ontology_html"]

Progress = Callable[[str], None]

DATA_EXPORTS: tuple[tuple[str, ExportFormat], ...] = (
    ("ecograph.ttl", ExportFormat.TURTLE),
    ("ecograph.nt", ExportFormat.NTRIPLES),
    ("ecograph.trig", ExportFormat.TRIG),
    ("ecograph.jsonld", ExportFormat.JSONLD),
)
INFERRED_EXPORTS: tuple[tuple[str, ExportFormat], ...] = (
    ("ecograph-inferred.ttl", ExportFormat.TURTLE),  # the inferred statements alone
    ("ecograph-inferred.trig", ExportFormat.TRIG),  # the same in the graph ecog:inferred, with its PROV
)
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
    data, ontology : pyoxigraph.Store
        The asserted data (named graphs, source descriptions in the default graph) and the
        ontology with its vocabularies, apart (join them with
        :func:`ecograph.rdf.loading.temporarily_added` where a step needs both).
    inferred : list of pyoxigraph.Quad
        The reasoner's output, in the named graph ``ecog:inferred`` (empty when reasoning was skipped).
    provenance : list of pyoxigraph.Quad
        The PROV description of that graph (default graph; empty when reasoning was skipped).
    """

    out_dir: Path
    files: list[OutputFile] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: ox.Store | None = field(default=None, repr=False, compare=False)
    ontology: ox.Store | None = field(default=None, repr=False, compare=False)
    inferred: list[ox.Quad] = field(default_factory=list, repr=False, compare=False)
    provenance: list[ox.Quad] = field(default_factory=list, repr=False, compare=False)


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


ExportJob = tuple[list[tuple[str, ExportFormat]], Callable[[], list[int]]]


def _data_exports(tmp: Path, data: ox.Store, with_full: bool) -> list[ExportJob]:
    """The data files: as a dataset in one job, as triples in another (each sorts its own way).

    With ``with_full`` (nothing inferred to wait for), the dataset job also writes the full export,
    whose data graphs keep their text of ``ecograph.trig`` (:func:`ecograph.rdf.export.export_all`).
    """
    jobs: list[ExportJob] = []
    for datasets in (True, False):
        files = [f for f in DATA_EXPORTS if f[1].supports_datasets is datasets]
        targets = [(fmt, tmp / name) for name, fmt in files]
        if datasets and with_full:
            full = [(ontology_quads(), tmp / FULL_EXPORT)]
            jobs.append(([*files, (FULL_EXPORT, ExportFormat.TRIG)], partial(export_all, data, targets, trig_with=full)))
        else:
            jobs.append((files, partial(export_all, data, targets)))
    return jobs


def _inferred_and_full(tmp: Path, data: ox.Store, report: BuildReport, with_full: bool = True) -> list[ExportJob]:
    """The inferred Turtle in one job; the inferred TriG and, with ``with_full``, the full export in another.

    The full export splices the TriG texts of the data and of the inferred statements, which are
    written already, with the ontology's graphs (:func:`ecograph.rdf.export.trig_spliced`): no store
    of everything, no sort of everything. Only where that cannot give the same bytes (a blank node
    in a named graph of the data) are the statements added to the data store and written again.
    """
    inferred = ox.Store()
    inferred.extend(report.inferred)
    inferred.extend(report.provenance)
    ttl, trig = INFERRED_EXPORTS

    def inferred_turtle() -> list[int]:
        return export_all(_without_provenance(inferred), [(ttl[1], tmp / ttl[0])])

    def inferred_trig_and_full() -> list[int]:
        counts = export_all(inferred, [(trig[1], tmp / trig[0])])
        if not with_full:
            return counts
        data_count = next(f.statements for f in report.files if f.path == "ecograph.trig")
        parts = [((tmp / "ecograph.trig").read_bytes(), data_count or 0), ((tmp / trig[0]).read_bytes(), counts[0])]
        spliced = trig_spliced(parts, ontology_quads())
        del parts
        if spliced is not None:
            atomic_write(tmp / FULL_EXPORT, spliced[0])
            return [*counts, spliced[1]]
        with temporarily_added(data, [*ontology_quads(), *report.inferred, *report.provenance]) as full:
            return counts + export_all(full, [(ExportFormat.TRIG, tmp / FULL_EXPORT)])

    full = [(FULL_EXPORT, ExportFormat.TRIG)] if with_full else []
    return [([trig, *full], inferred_trig_and_full), ([ttl], inferred_turtle)]


def _record(tmp: Path, report: BuildReport, jobs: list[ExportJob], counts: list[list[int]]) -> int:
    """Add each written file to the report; return how many there were."""
    written = 0
    for (files, _), job_counts in zip(jobs, counts, strict=True):
        for (name, _), count in zip(files, job_counts, strict=True):
            report.files.append(OutputFile(name, (tmp / name).stat().st_size, count))
            written += 1
    return written


def _validate(data: ox.Store, ontology: ox.Store) -> tuple[bool, str]:
    from ecograph.validation.validate import validate_store

    # The ontology joins the data for the checks only: no second store of the whole graph.
    with temporarily_added(data, ontology) as store:
        result = validate_store(store)
    return result.conforms, result.text


def _previous_documentation(out_dir: Path, main: Path) -> bytes | None:
    """The previous build's ontology page, when that build documented the very same ontology file with this pyLODE.

    pyLODE's page is a function of the file and pyLODE's version (the build is byte-for-byte
    reproducible, tested), and takes seconds: an unchanged ontology keeps its page.
    """
    page, copy = out_dir / "ontology" / "index.html", out_dir / "ontology" / main.name
    try:
        # The page names the pyLODE release that wrote it.
        version = f'id="version">{importlib.metadata.version("pylode")}<'.encode()
        if copy.read_bytes() == main.read_bytes():
            html = page.read_bytes()
            if version in html:
                return html
    except (OSError, importlib.metadata.PackageNotFoundError):
        pass
    return None


def _without_provenance(inferred: ox.Store) -> ox.Store:
    only = ox.Store()
    only.extend(q for q in inferred if not isinstance(q.graph_name, ox.DefaultGraph))
    return only


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
        Materialise the OWL 2 RL entailments over all the data
        (:func:`ecograph.validation.materialise.materialise`); a failure is an error. False
        skips the step, exports empty inferred files and adds a note saying so.

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
        report.data, report.ontology = data, ontology
        r.append(
            f"{len(data_files())} data files, {len(data)} quads in {len(list(data.named_graphs()))} graphs; "
            f"{len(ontology_files())} ontology files, {len(ontology)} triples"
        )

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        # Validation and the exports need nothing from each other: forked workers, a core each. Without
        # reasoning the inferred and full files are known too and join them. A failed validation stops
        # the exports and leaves out_dir as it was.
        jobs = _data_exports(tmp, data, with_full=not reason)
        jobs += [] if reason else _inferred_and_full(tmp, data, report, with_full=False)
        with steps.step(("validate + " if validate else "") + ("export data" if reason else "export")) as r:
            check: list[Callable[[], object]] = [partial(_validate, data, ontology)] if validate else []
            results: list[Any] = run_forked([*check, *(job for _, job in jobs)])
            if validate:
                conforms, text = results.pop(0)
                if not conforms:
                    raise ValidationFailed(text, "validation failed: the data does not conform to the shapes")
                r.append("conforms")
            r.append(f"{_record(tmp, report, jobs, results)} files")

        with steps.step("reason") as r:
            if not reason:
                r.append("skipped: not requested")
                report.notes.append("reasoning skipped: ecograph-inferred.ttl and ecograph-inferred.trig are empty")
            else:
                from ecograph.validation.materialise import materialise

                materialised = materialise(data, ontology)
                report.inferred, report.provenance = materialised.inferred, materialised.provenance
                r.append(f"{len(materialised.inferred)} statements inferred by {materialised.engine} "
                         f"(OWL 2 RL, {materialised.peak_mb:,.0f} MB)")

        if reason:
            with steps.step("export inferred") as r:
                jobs = _inferred_and_full(tmp, data, report)
                r.append(f"{_record(tmp, report, jobs, run_forked([job for _, job in jobs]))} files")

        with steps.step("document") as r:
            (tmp / "ontology").mkdir()
            for src in sorted(ontology_dir().glob("*.ttl")):
                shutil.copyfile(src, tmp / "ontology" / src.name)
                report.files.append(OutputFile(f"ontology/{src.name}", src.stat().st_size, None))
            main = ontology_dir() / MAIN_ONTOLOGY
            if main.is_file():
                html = _previous_documentation(out_dir, main)
                r.append("ontology/index.html" + (" (unchanged ontology: kept)" if html is not None else ""))
                if html is None:
                    html = ontology_html(main).encode("utf-8")
                (tmp / "ontology" / "index.html").write_bytes(html)
                report.files.append(OutputFile("ontology/index.html", len(html), None))
            else:
                r.append(f"skipped: no ontology/{MAIN_ONTOLOGY}")
                report.notes.append(f"documentation skipped: no ontology/{MAIN_ONTOLOGY}")
            # Every SKOS concept (vocabularies and data) beside the ontology page.
            with temporarily_added(data, ontology) as both:
                page = concepts_html(both).encode("utf-8")
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
