"""OWL 2 RL materialisation of the whole graph with ``reasonable``, its output in a named graph with PROV.

HermiT (:mod:`ecograph.validation.reasoning`) checks consistency and classifies the ontology
with the seed; this module computes the entailments of the ontology over all the data, at any
size, with the OWL 2 RL engine ``reasonable`` (Rust). The engine runs in a child process, so
its memory is returned when it ends and a time limit really stops it.

What the engine reads:

- the ontology and vocabularies, whole, as N-Triples (its Turtle reader mis-reads some of our
  files: blank nodes and abbreviations came back as different triples, and with them fewer
  inferences; N-Triples, in a file named ``.ttl``, is read exactly: tested);
- of the data, the ``rdf:type`` statements and the statements whose predicate an ontology
  axiom mentions (domain, range, sub-property, inverse, restriction, characteristic), plus any
  schema statement (``rdfs:subClassOf``, ``owl:`` terms, lists) the data itself makes. No
  OWL 2 RL rule can fire on a statement whose predicate no axiom mentions unless
  ``owl:sameAs`` is in play, and the ontology has no axiom that infers it (no functional
  property, key or maximum cardinality: checked on every run, and the filter is dropped when
  one appears).

Above :data:`PART_STATEMENTS` statements the data is reasoned in parts, two at a time on two
cores, split so that no rule needs statements from two parts (:mod:`ecograph.validation.partition`):
the engine's memory follows the part, not the graph.

What is kept of its answer: statements about IRIs that are new (no graph states them), not
about the ontology's own terms, without blank nodes, and not the trivial ``owl:Thing``,
``rdfs:Resource`` or reflexive ``owl:sameAs``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.errors import EcographError
from ecograph.rdf.namespaces import ONTOLOGY_IRI, PREFIXES
from ecograph.rdf.stores import serialize
from ecograph.validation.partition import joining_predicates, write_parts

__all__ = [
    "INFERRED_GRAPH",
    "ENGINE",
    "Materialisation",
    "materialise",
    "provenance",
    "reasoner_input",
    "part_count",
    "PART_STATEMENTS",
    "engine_version",
]

#: The named graph that holds every inferred statement (agreed IRI: ecog:inferred).
INFERRED_GRAPH = ox.NamedNode(PREFIXES["ecog"] + "inferred")
#: The OWL 2 RL engine (PyPI package name).
ENGINE = "reasonable"
DEFAULT_TIMEOUT = 3600.0
#: Statements of the data per part: the engine needs about 3 KB a statement it reads, so a part
#: of 500,000 (some 330,000 that can fire a rule) stays near 1 GB, and two run at once on two cores.
PART_STATEMENTS = 500_000

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_PROV = PREFIXES["prov"]
RDF_TYPE = ox.NamedNode(_RDF + "type")
_SCHEMA_PREDICATES = frozenset(
    [_RDFS + p for p in ("subClassOf", "subPropertyOf", "domain", "range")] + [_RDF + p for p in ("first", "rest")]
)
_ACTIVITY = ox.NamedNode(INFERRED_GRAPH.value + "#reasoning")
_AGENT = ox.NamedNode(INFERRED_GRAPH.value + "#engine")

# Predicates that an axiom of the ontology mentions: only statements with these (and rdf:type) can fire a rule.
_AXIOM_PREDICATES = f"""PREFIX owl: <{_OWL}> PREFIX rdfs: <{_RDFS}> PREFIX rdf: <{_RDF}>
SELECT DISTINCT ?p WHERE {{
  {{ ?p rdfs:domain|rdfs:range|rdfs:subPropertyOf|owl:inverseOf|owl:equivalentProperty|owl:propertyDisjointWith ?x }}
  UNION {{ ?x rdfs:subPropertyOf|owl:inverseOf|owl:equivalentProperty|owl:onProperty|owl:propertyDisjointWith ?p }}
  UNION {{ ?p a ?characteristic VALUES ?characteristic {{ owl:TransitiveProperty owl:SymmetricProperty
      owl:AsymmetricProperty owl:IrreflexiveProperty owl:ReflexiveProperty }} }}
  UNION {{ ?x owl:propertyChainAxiom ?chain . ?chain rdf:rest*/rdf:first ?p }}
  FILTER(isIRI(?p))
}}"""
# Axioms from which OWL 2 RL infers owl:sameAs, which rewrites statements of any predicate.
_SAME_AS_SOURCES = f"""PREFIX owl: <{_OWL}> ASK {{
  {{ ?p a owl:FunctionalProperty }} UNION {{ ?p a owl:InverseFunctionalProperty }} UNION {{ ?c owl:hasKey ?k }}
  UNION {{ ?r owl:maxCardinality|owl:maxQualifiedCardinality|owl:cardinality|owl:qualifiedCardinality ?n }}
  UNION {{ ?a owl:sameAs ?b }}
}}"""

# Runs in the child: read the N-Triples, materialise, write what may be new as N-Triples. The engine
# answers with every statement it knows, given ones included: the child drops those of its own part,
# the parent those that another part or graph states.
_CHILD = r"""
import sys
import reasonable
from rdflib import BNode, URIRef

source, target, skip = sys.argv[1], sys.argv[2], sys.argv[3]
with open(skip, encoding="utf-8") as f:
    skip_subjects = set(f.read().split("\n"))
with open(source, encoding="utf-8") as f:
    given = set(f.read().split(" .\n"))  # this part's own statements: dropped here, the others by the parent
OWL, RDFS, RDF = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
trivial_types = {OWL + "Thing", RDFS + "Resource", OWL + "NamedIndividual"}
reasoner = reasonable.PyReasoner()
reasoner.load_file(source)
with open(target, "w", encoding="utf-8") as out:
    for s, p, o in reasoner.reason():
        if type(s) is not URIRef or type(o) is BNode:
            continue
        # str(): rdflib's URIRef.startswith does not take a tuple of prefixes.
        predicate, obj = str(p), str(o)
        if predicate.startswith((OWL, RDFS)) or str(s) in skip_subjects:
            continue  # schema statements and the closure of the ontology itself
        if predicate == RDF + "type" and (type(o) is not URIRef or obj in trivial_types or obj.startswith((OWL, RDFS))):
            continue
        line = f"{s.n3()} {p.n3()} {o.n3()}"
        if line not in given:
            out.write(line + " .\n")
# This process's own peak (VmHWM): ru_maxrss would start at the parent's size, copied when it forked.
with open("/proc/self/status", encoding="ascii") as f:
    peak = [line.split()[1] for line in f if line.startswith("VmHWM:")]
with open(target + ".peak", "w", encoding="ascii") as f:
    f.write(peak[0] if peak else "")
"""


@dataclass
class Materialisation:
    """What the OWL 2 RL engine inferred.

    Attributes
    ----------
    inferred : list of pyoxigraph.Quad
        New statements, each in :data:`INFERRED_GRAPH`.
    provenance : list of pyoxigraph.Quad
        The PROV description of the graph (default graph): see :func:`provenance`.
    engine : str
        Engine and version, e.g. ``reasonable 0.4.4``.
    read : int
        Statements given to the engine (ontology and the data that can fire a rule; a statement
        in several graphs counts once per graph).
    seconds : float
        Wall-clock time, the child process included.
    peak_mb : float
        The peak resident memory of the largest engine child.
    parts : int
        Parts the data was reasoned in (:func:`part_count`; up to one per core at a time).
    """

    inferred: list[ox.Quad] = field(default_factory=list)
    provenance: list[ox.Quad] = field(default_factory=list)
    engine: str = ""
    read: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0
    parts: int = 1

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.inferred)

    def __len__(self) -> int:
        return len(self.inferred)

    def members(self, cls: str) -> set[str]:
        """IRIs inferred to belong to the class ``cls`` (an IRI)."""
        member = ox.NamedNode(cls)
        return {
            q.subject.value
            for q in self.inferred
            if q.predicate == RDF_TYPE and q.object == member and isinstance(q.subject, ox.NamedNode)
        }


def engine_version() -> str:
    """Return the engine and its installed version, e.g. ``reasonable 0.4.4``.

    Raises
    ------
    EcographError
        If the engine is not installed.
    """
    try:
        return f"{ENGINE} {importlib.metadata.version(ENGINE)}"
    except importlib.metadata.PackageNotFoundError:
        raise EcographError(f"the OWL 2 RL engine is not installed: pip install {ENGINE} (or use --no-reason)") from None


def _union_text(store: ox.Store, predicates: Iterable[ox.NamedNode] | None) -> bytes:
    """N-Triples of the store's statements (every graph), only of the given predicates when not None."""
    if predicates is None:
        return serialize((q.triple for q in store), ox.RdfFormat.N_TRIPLES)
    chunks = [
        serialize((q.triple for q in store.quads_for_pattern(None, p, None, None)), ox.RdfFormat.N_TRIPLES)
        for p in sorted(set(predicates), key=lambda p: p.value)
    ]
    return b"".join(chunks)


def _plan(data: ox.Store, ontology: ox.Store) -> tuple[bytes, set[ox.NamedNode] | None]:
    """The ontology as N-Triples, and the data's predicates the engine reads (None: all of them)."""
    schema = _union_text(ontology, None)
    if ontology.query(_SAME_AS_SOURCES):
        return schema, None
    predicates = {row["p"] for row in ontology.query(_AXIOM_PREDICATES)}  # type: ignore[union-attr]
    predicates.add(RDF_TYPE)
    # Schema statements in the data (a user's own subclass, say) are read too; annotations are not.
    predicates |= {p for p in _data_predicates(data) if p.value.startswith(_OWL) or p.value in _SCHEMA_PREDICATES}
    return schema, predicates


def reasoner_input(data: ox.Store, ontology: ox.Store) -> bytes:
    """The N-Triples the engine reads: the whole ontology and the data that can fire an OWL 2 RL rule.

    Parameters
    ----------
    data : pyoxigraph.Store
        Asserted statements (any graphs).
    ontology : pyoxigraph.Store
        Ontology and vocabularies.

    Returns
    -------
    bytes
        N-Triples; a statement repeated in several graphs is repeated (the engine merges them).
    """
    schema, predicates = _plan(data, ontology)
    return schema + _union_text(data, predicates)


def part_count(data: ox.Store, ontology: ox.Store) -> int:
    """How many parts :func:`materialise` reasons on: one per :data:`PART_STATEMENTS` statements of the data.

    One whenever the ontology can infer ``owl:sameAs`` (see :mod:`ecograph.validation.partition`).
    """
    if len(data) <= PART_STATEMENTS or ontology.query(_SAME_AS_SOURCES):
        return 1
    return -(-len(data) // PART_STATEMENTS)


def _data_predicates(data: ox.Store) -> set[ox.NamedNode]:
    return {row["p"] for row in data.query("SELECT DISTINCT ?p WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")}  # type: ignore[union-attr]


def _terms_of(ontology: ox.Store) -> str:
    subjects = {q.subject.value for q in ontology if isinstance(q.subject, ox.NamedNode)}
    return "\n".join(sorted(subjects))


def _start(source: Path, target: Path, skip: Path) -> tuple[subprocess.Popen[bytes], Path]:
    errors = target.with_suffix(".err")
    with open(errors, "wb") as err_file:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(source), str(target), str(skip)],
            stdout=subprocess.DEVNULL,
            stderr=err_file,
            start_new_session=True,
        )
    return proc, errors


def _check(status: int, source: Path, errors: Path) -> None:
    code = os.waitstatus_to_exitcode(status)
    err = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    if code == -signal.SIGKILL:
        raise EcographError(f"the OWL 2 RL engine was killed (out of memory?) after reading {source.stat().st_size:,} bytes")
    if code != 0:
        raise EcographError(f"the OWL 2 RL engine failed: {err[-1] if err else f'exit code {code}'}")


def _own_peak_mb(report: Path, ru_maxrss: int) -> float:
    """The child's peak MB as it reported it (VmHWM, KiB); ``ru_maxrss`` where /proc is missing."""
    with contextlib.suppress(OSError, ValueError):
        return int(report.read_text(encoding="ascii")) / 1024
    return ru_maxrss / 1024


def _run(parts: list[tuple[Path, Path]], skip: Path, timeout: float, workers: int) -> float:
    """Run the engine on each (input, output) part, ``workers`` at a time; return the largest child's peak MB."""
    deadline = time.monotonic() + timeout
    waiting = list(parts)
    running: dict[int, tuple[subprocess.Popen[bytes], Path, Path, Path]] = {}
    peak = 0.0
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                source, target = waiting.pop(0)
                proc, errors = _start(source, target, skip)
                running[proc.pid] = (proc, source, target, errors)
            for pid, (proc, source, target, errors) in list(running.items()):
                done, status, usage = os.wait4(pid, os.WNOHANG)
                if done:
                    del running[pid]
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    _check(status, source, errors)
                    peak = max(peak, _own_peak_mb(Path(f"{target}.peak"), usage.ru_maxrss))
            if running and time.monotonic() > deadline:
                raise EcographError(f"reasoning stopped: {ENGINE} took longer than the time limit of {timeout:g} s")
            time.sleep(0.05)
    finally:
        for proc, *_ in running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return peak


def materialise(
    data: ox.Store,
    ontology: ox.Store,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    workdir: Path | None = None,
) -> Materialisation:
    """Materialise the OWL 2 RL entailments of the ontology over all the data.

    Parameters
    ----------
    data : pyoxigraph.Store
        Asserted statements: facts in named graphs, source descriptions in the default graph.
    ontology : pyoxigraph.Store
        Ontology and vocabularies.
    timeout : float, default 3600
        Seconds before the engine is stopped.
    workdir : Path, optional
        Where the engine's input and output files go (a temporary directory by default).

    Returns
    -------
    Materialisation

    Raises
    ------
    EcographError
        The engine is missing, failed, was killed or ran over the time limit.
    """
    engine = engine_version()
    start = time.perf_counter()
    count = part_count(data, ontology)
    with tempfile.TemporaryDirectory(prefix="ecograph-owlrl-", dir=workdir) as tmp:
        parts = [(Path(tmp) / f"input-{i}.ttl", Path(tmp) / f"inferred-{i}.nt") for i in range(count)]
        skip = Path(tmp) / "ontology-terms.txt"
        schema, predicates = _plan(data, ontology)
        if count == 1:
            text = schema + _union_text(data, predicates)
            read = text.count(b"\n")
            parts[0][0].write_bytes(text)
            del text
        else:
            assert predicates is not None  # part_count() is 1 when every statement is read
            written = write_parts(data, predicates, joining_predicates(ontology), schema, [source for source, _ in parts])
            read = schema.count(b"\n") + sum(written)
        skip.write_text(_terms_of(ontology), encoding="utf-8")
        peak = _run(parts, skip, timeout, workers=min(count, os.cpu_count() or 1))
        answers: set[bytes] = set()
        for _, target in parts:
            answers.update(target.read_bytes().splitlines())
        inferred = [
            ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH)
            for t in ox.parse(b"\n".join(sorted(answers)), format=ox.RdfFormat.N_TRIPLES)
            if not _stated(t, data, ontology)
        ]
        del answers
    result = Materialisation(inferred, engine=engine, read=read, seconds=time.perf_counter() - start, peak_mb=peak, parts=count)
    result.provenance = provenance(data, engine, len(inferred))
    return result


def _stated(triple: ox.Triple, *stores: ox.Store) -> bool:
    return any(next(iter(store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)), None) for store in stores)


def provenance(data: ox.Store, engine: str, statements: int) -> list[ox.Quad]:
    """PROV description of the inferred graph, in the default graph beside the other graphs' descriptions.

    ``ecog:inferred prov:wasGeneratedBy ecog:inferred#reasoning``: an activity that
    ``prov:used`` the ontology and every named graph of the data, associated with the
    engine (a ``prov:SoftwareAgent`` named with its version), following the OWL 2 RL profile.

    Parameters
    ----------
    data : pyoxigraph.Store
        The asserted data (its named graphs are listed).
    engine : str
        Engine and version, e.g. ``reasonable 0.4.4``.
    statements : int
        How many statements the inferred graph holds.

    Returns
    -------
    list of pyoxigraph.Quad

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"), ox.NamedNode("urn:g")))
    >>> [str(q.object) for q in provenance(store, "reasonable 0.4.4", 1) if q.predicate.value.endswith("used")]
    ['<https://w3id.org/ecograph/ontology>', '<urn:g>']
    """

    def iri(prefix: str, local: str) -> ox.NamedNode:
        return ox.NamedNode(PREFIXES[prefix] + local)

    name, _, version = engine.partition(" ")
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (INFERRED_GRAPH, RDF_TYPE, iri("prov", "Entity")),
        (INFERRED_GRAPH, iri("rdfs", "label"), ox.Literal(f"{statements} statements inferred by OWL 2 RL reasoning", language="en")),
        (INFERRED_GRAPH, iri("prov", "wasGeneratedBy"), _ACTIVITY),
        (_ACTIVITY, RDF_TYPE, iri("prov", "Activity")),
        (_ACTIVITY, iri("rdfs", "label"), ox.Literal(f"OWL 2 RL materialisation with {engine}", language="en")),
        (_ACTIVITY, iri("dcterms", "conformsTo"), ox.NamedNode("http://www.w3.org/TR/owl2-profiles/#OWL_2_RL")),
        (_ACTIVITY, iri("prov", "wasAssociatedWith"), _AGENT),
        (_ACTIVITY, iri("prov", "used"), ox.NamedNode(ONTOLOGY_IRI)),
        (_AGENT, RDF_TYPE, iri("prov", "SoftwareAgent")),
        (_AGENT, iri("rdfs", "label"), ox.Literal(engine, language="en")),
        (_AGENT, iri("schema", "name"), ox.Literal(name)),
        (_AGENT, iri("schema", "softwareVersion"), ox.Literal(version)),
    ]
    graphs = sorted((g for g in data.named_graphs() if isinstance(g, ox.NamedNode) and g != INFERRED_GRAPH), key=str)
    triples += [(_ACTIVITY, iri("prov", "used"), g) for g in graphs]
    return [ox.Quad(s, p, o) for s, p, o in triples]
