"""OWL reasoning with HermiT (through owlready2) in a child process that the time limit really stops."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.errors import EcographError
from ecograph.rdf.loading import load_dataset, load_ontology
from ecograph.rdf.stores import select, serialize
from ecograph.rdf.terms import OWL_IMPORTS, RDF_TYPE, RDFS_RANGE, curie

__all__ = [
    "DEFAULT_TIMEOUT",
    "ReasoningResult",
    "java_executable",
    "reason",
    "reason_project",
    "inconsistency_causes",
]

DEFAULT_TIMEOUT = 120.0
#: The named graph that holds every inferred statement (ecog:inferred); its PROV is in the default graph.
ECOD = "https://w3id.org/ecograph/id/"
# Inferred classes and properties are kept only from these vocabularies (not owl:Thing, prov:, ...).
INFERRED_NAMESPACES = ("https://w3id.org/ecograph/ontology#", "http://www.w3.org/ns/org#", "https://schema.org/")
# owlready2 takes a property typed qb:DimensionProperty etc. for a new kind of property and
# re-parents it; these Data Cube typings say nothing to an OWL reasoner, so they stay out.
_CUBE_PROPERTY_TYPES = {
    ox.NamedNode("http://purl.org/linked-data/cube#" + name)
    for name in ("DimensionProperty", "MeasureProperty", "AttributeProperty", "ComponentProperty", "CodedProperty")
}
_INCONSISTENT = 3
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4), and rdf:langString.
_OWL2_XSD_NAMES = (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte",
    "unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language",
    "Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp",
)
OWL2_DATATYPES = frozenset(
    [_XSD + name for line in _OWL2_XSD_NAMES for name in line.split(" ")]
    + ["http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational",
       "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral", "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
       "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "http://www.w3.org/2000/01/rdf-schema#Literal"]
)

# Runs in the child process: load N-Triples into a fresh owlready2 World, run HermiT, and print
# every class membership and object property value of an ecod: individual that the reasoned
# world holds (the parent keeps those that were not asserted).
_CHILD = r"""
import sys
import owlready2
from owlready2 import ThingClass

source, java, ecod, namespaces = sys.argv[1], sys.argv[2], sys.argv[3], tuple(sys.argv[4:])
owlready2.JAVA_EXE = java
owlready2.JAVA_MEMORY = 1000  # MB of Java heap: HermiT needs little here, and the machine is shared
world = owlready2.World()
world.get_ontology("file://" + source).load(format="ntriples")
try:
    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
except owlready2.OwlReadyInconsistentOntologyError:
    sys.exit(3)
rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
properties = [p for p in world.object_properties() if p.iri.startswith(namespaces)]
lines = set()
for individual in world.search(iri=ecod + "*"):
    if not isinstance(individual, owlready2.Thing):
        continue
    for cls in individual.INDIRECT_is_a:
        if isinstance(cls, ThingClass) and cls.iri.startswith(namespaces):
            lines.add(f"<{individual.iri}> <{rdf_type}> <{cls.iri}> .")
    for prop in properties:
        for value in prop._get_indirect_values_for_individual(individual):
            if isinstance(value, owlready2.Thing):  # not the class fillers of restrictions
                lines.add(f"<{individual.iri}> <{prop.iri}> <{value.iri}> .")
sys.stdout.write("\n".join(sorted(lines)) + "\n")
"""

# Individuals whose (asserted or domain/range/hasValue-implied) types include two disjoint classes.
_DISJOINT_CLASH = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?x ?a ?b WHERE {
  { ?a owl:disjointWith ?b } UNION { ?b owl:disjointWith ?a }
  FILTER(STR(?a) < STR(?b))
  { ?x a ?ca }
  UNION { ?x ?pa ?ya . ?pa rdfs:subPropertyOf*/rdfs:domain ?ca }
  UNION { ?ya ?pa ?x . ?pa rdfs:subPropertyOf*/rdfs:range ?ca }
  UNION { ?ca owl:equivalentClass ?ra . ?ra owl:onProperty ?pa ; owl:hasValue ?va . ?x ?pa ?va }
  ?ca rdfs:subClassOf* ?a .
  { ?x a ?cb }
  UNION { ?x ?pb ?yb . ?pb rdfs:subPropertyOf*/rdfs:domain ?cb }
  UNION { ?yb ?pb ?x . ?pb rdfs:subPropertyOf*/rdfs:range ?cb }
  UNION { ?cb owl:equivalentClass ?rb . ?rb owl:onProperty ?pb ; owl:hasValue ?vb . ?x ?pb ?vb }
  ?cb rdfs:subClassOf* ?b .
  FILTER(isIRI(?x))
}
ORDER BY ?x ?a ?b
"""


def _short(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return curie(term.value) or f"<{term.value}>"
    return str(term)


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


@dataclass
class ReasoningResult:
    """What the reasoner concluded.

    Iterating over the result yields the inferred triples.

    Attributes
    ----------
    consistent : bool
        False only when :func:`reason` ran with ``strict=False`` on inconsistent input.
    inferred : list of pyoxigraph.Triple
        Statements about ``ecod:`` individuals that follow from the ontology and data but were
        not asserted: ``rdf:type`` to named ``eco:``/``org:``/``schema:`` classes, and object
        property values (inverses such as ``eco:founded``, super-properties such as
        ``eco:incubatedBy`` of ``eco:graduatedFrom``). Sorted.
    seconds : float
        Wall-clock time of the reasoning, child process included.
    problems : list of str
        Why the input is inconsistent, when it is and ``strict=False``.
    """

    consistent: bool
    inferred: list[ox.Triple] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.inferred)

    def memberships(self, *, prefixed: bool = False) -> dict[str, list[str]]:
        """Inferred classes of each individual.

        Parameters
        ----------
        prefixed : bool, default False
            Give prefixed names (``ecod:zbj``, ``eco:VirtuousCircleCompany``) instead of IRIs.

        Returns
        -------
        dict of str to list of str
            Individual to the sorted names of its inferred classes, sorted by individual.
        """
        name = _short if prefixed else _plain
        out: dict[str, list[str]] = {}
        for t in self.inferred:
            if t.predicate == RDF_TYPE:
                out.setdefault(name(t.subject), []).append(name(t.object))
        return {k: sorted(v) for k, v in sorted(out.items())}


def java_executable() -> str:
    """Find the Java runtime HermiT runs on.

    Returns
    -------
    str
        ``$ECOGRAPH_JAVA``, else ``$JAVA_HOME/bin/java``, else ``java`` on the ``PATH``.

    Raises
    ------
    EcographError
        If no Java runtime is found.
    """
    configured = os.environ.get("ECOGRAPH_JAVA")
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise EcographError(f"ECOGRAPH_JAVA={configured} is not an executable file")
        return configured
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise EcographError("Java not found: the HermiT reasoner needs a Java runtime (set JAVA_HOME or ECOGRAPH_JAVA)")
    return found


def _with_ontology(store: ox.Store) -> ox.Store:
    full = ox.Store()
    full.extend(store)
    full.extend(load_ontology())
    return full


def _in_owl2(quad: ox.Quad) -> bool:
    """Whether OWL 2 DL admits a statement: no literal, and no range, of a datatype outside OWL 2's map."""
    term = quad.object
    if isinstance(term, ox.Literal):
        return term.datatype.value in OWL2_DATATYPES
    if quad.predicate != RDFS_RANGE or not isinstance(term, ox.NamedNode):
        return True
    return not (term.value.startswith(_XSD) and term.value not in OWL2_DATATYPES)


def _reasoner_input(full: ox.Store) -> bytes:
    # Literals of datatypes outside OWL 2's map (xsd:gYear, xsd:date) only state values of data
    # properties, and ranges of such datatypes only constrain those values: neither says anything
    # about classes, and HermiT with its default settings rejects both (the SHACL shapes check them).
    triples = {
        q.triple
        for q in full
        # An owl:imports would make owlready2 fetch the imported ontology over the network.
        if q.predicate != OWL_IMPORTS
        and not (q.predicate == RDF_TYPE and q.object in _CUBE_PROPERTY_TYPES)
        and _in_owl2(q)
    }
    return serialize(triples, ox.RdfFormat.N_TRIPLES)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # The child leads its own process group, which Java joins: one signal stops both.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _run_child(source: Path, java: str, workdir: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, TMPDIR=str(workdir))  # owlready2's temporary N-Triples file lands in workdir
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(source), java, ECOD, *INFERRED_NAMESPACES],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise EcographError(f"reasoning stopped: HermiT took longer than the time limit of {timeout:g} s") from None
    except BaseException:
        _kill_group(proc)
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def inconsistency_causes(store: ox.Store) -> list[str]:
    """Explain an inconsistency by individuals that belong to two disjoint classes.

    Types count when asserted, implied by a property's domain or range, or by an
    ``owl:hasValue`` class definition, following ``rdfs:subClassOf``.

    Parameters
    ----------
    store : pyoxigraph.Store
        Ontology and data (the union of all graphs is read).

    Returns
    -------
    list of str
        One sentence per clash, e.g. ``ecod:most is both eco:Enterprise and eco:GovernmentBody,
        which are disjoint``; empty when no such clash is found.
    """
    return [
        f"{_short(r['x'])} is both {_short(r['a'])} and {_short(r['b'])}, which are disjoint"
        for r in select(store, _DISJOINT_CLASH, use_default_graph_as_union=True)
    ]


def reason(store: ox.Store, *, timeout: float = DEFAULT_TIMEOUT, strict: bool = True) -> ReasoningResult:
    """Check consistency and realise individuals with HermiT; return what was inferred.

    The ontology is added to (a copy of) the store, so the store may hold data only. HermiT
    runs in a child process group that is killed when ``timeout`` expires. Nothing is
    fetched over the network: the ontology declares the reused terms instead of importing them.

    Parameters
    ----------
    store : pyoxigraph.Store
        The data (named graphs), with or without the ontology.
    timeout : float, default 120
        Seconds before the reasoner is stopped.
    strict : bool, default True
        Raise on an inconsistent ontology and data; if false, return ``consistent=False``.

    Returns
    -------
    ReasoningResult

    Raises
    ------
    EcographError
        Inconsistent input (naming the individuals and disjoint classes where they can be
        found), the time limit, no Java, or a reasoner failure.
    """
    start = time.perf_counter()
    java = java_executable()
    full = _with_ontology(store)
    with tempfile.TemporaryDirectory(prefix="ecograph-reason-") as tmp:
        workdir = Path(tmp)
        source = workdir / "input.nt"
        source.write_bytes(_reasoner_input(full))
        proc = _run_child(source, java, workdir, timeout)
    seconds = time.perf_counter() - start
    if proc.returncode == _INCONSISTENT:
        problems = inconsistency_causes(full)
        if strict:
            nobody = "no individual is in two disjoint classes, so look for a class that can have no members"
            detail = "; ".join(problems) if problems else nobody
            raise EcographError(f"the ontology and data are inconsistent (HermiT): {detail}")
        return ReasoningResult(consistent=False, seconds=seconds, problems=problems)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit code {proc.returncode}"]
        raise EcographError(f"the reasoner failed: {lines[-1]}")
    inferred = sorted(
        (
            t
            for t in ox.parse(proc.stdout, format=ox.RdfFormat.N_TRIPLES)
            if not any(full.quads_for_pattern(t.subject, t.predicate, t.object))
        ),
        key=str,
    )
    return ReasoningResult(consistent=True, inferred=inferred, seconds=seconds)


def reason_project(*, timeout: float = DEFAULT_TIMEOUT) -> ReasoningResult:
    """Reason over every data file of the project (``graph/``) and the ontology.

    Parameters
    ----------
    timeout : float, default 120
        Seconds before the reasoner is stopped.

    Returns
    -------
    ReasoningResult

    Raises
    ------
    EcographError
        See :func:`reason`.
    """
    return reason(load_dataset(), timeout=timeout)
