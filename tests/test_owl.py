"""The ontology files together are OWL 2 DL that other OWL tools read: the OWL API's profile
checker, py-horned-owl, and a datatype check against OWL 2's datatype map."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ecograph.rdf.loading import load_ontology, ontology_files

OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DL_PROFILE = Path(__file__).parent / "owl" / "DLProfile.java"
# The OWL 2 datatype map (OWL 2 Structural Specification, section 4): xsd:gYear and xsd:date are not in it.
OWL2_DATATYPES = {RDFS + "Literal", RDF + "PlainLiteral", RDF + "XMLLiteral", OWL + "real", OWL + "rational"} | {
    XSD + name
    for name in [
        "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "double",
        "float", "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "boolean",
        "hexBinary", "base64Binary", "anyURI", "dateTime", "dateTimeStamp",
    ]
}


def _count(store: ox.Store, kind: str) -> int:
    query = f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t a <{OWL}{kind}> FILTER isIRI(?t) }}"
    return int(next(iter(store.query(query)))["n"].value)


def _rdf_xml(paths: list[Path]) -> str:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph.serialize(format="xml")


def test_every_datatype_the_ontology_names_is_in_the_owl2_datatype_map() -> None:
    # Ranges and datatype restrictions outside the map make HermiT stop (UnsupportedDatatypeException);
    # the real value types (xsd:gYear, xsd:date) are enforced by the SHACL shapes instead.
    rows = load_ontology().query(
        f"""SELECT DISTINCT ?d WHERE {{
          {{ ?p a <{OWL}DatatypeProperty> ; <{RDFS}range> ?d }}
          UNION {{ ?r <{OWL}onDatatype>|<{OWL}someValuesFrom>|<{OWL}allValuesFrom> ?d FILTER(STRSTARTS(STR(?d), "{XSD}")) }}
          FILTER isIRI(?d) }}"""
    )
    named = {r["d"].value for r in rows}
    assert RDFS + "Literal" in named  # eco:refPeriod and the other years
    assert named - OWL2_DATATYPES == set()


def test_py_horned_owl_reads_the_ontology_files() -> None:
    pyhornedowl = pytest.importorskip("pyhornedowl")
    ontology = pyhornedowl.open_ontology_from_string(_rdf_xml(ontology_files()), "rdf")
    ours = load_ontology()
    classes = {c for c in ontology.get_classes() if not c.startswith(OWL)}
    assert len(classes) == _count(ours, "Class") > 50
    assert "https://w3id.org/ecograph/ontology#VirtuousCircleCompany" in classes
    assert len(ontology.get_object_properties()) == _count(ours, "ObjectProperty")
    assert len(ontology.get_data_properties()) == _count(ours, "DatatypeProperty")
    subclasses = ontology.get_superclasses("https://w3id.org/ecograph/ontology#SpaceGroup")
    assert "https://w3id.org/ecograph/ontology#IncubationCarrier" in subclasses


def _hermit_jar() -> Path:
    import owlready2

    return Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"


def _dl_profile(paths: list[Path]) -> tuple[int, list[str]]:
    """Run the OWL API's OWL 2 DL profile checker on the files: (classes, violations)."""
    if shutil.which("javac") is None:
        pytest.skip("a JDK (javac) is needed to run the OWL API's profile checker; scripts/setup.sh installs one")
    proc = subprocess.run(
        ["java", "-cp", str(_hermit_jar()), str(DL_PROFILE), *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    match = re.fullmatch(r"classes (\d+) violations (\d+)", lines[-1])
    assert match, proc.stdout[-2000:]
    assert int(match[2]) == len(lines) - 1
    return int(match[1]), lines[:-1]


def test_the_ontology_files_are_owl2_dl() -> None:
    classes, violations = _dl_profile(ontology_files())
    assert violations == []
    assert classes > 50


def test_the_profile_checker_reports_what_is_not_dl(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix ex: <https://example.org/> .\n"
        "ex:o a owl:Ontology . ex:A a owl:Class ; ex:note \"an annotation property nobody declared\" .\n"
        "ex:b a ex:Undeclared .\n",
        encoding="utf-8",
    )
    _, violations = _dl_profile([broken])
    assert any("Use of undeclared annotation property" in v for v in violations), violations
    assert any("Use of undeclared class" in v for v in violations), violations


# owlready2's HermiT exactly as a user calls it: a fresh World, sync_reasoner_hermit with its
# default settings (no ignore_unsupported_datatypes), in a child so owlready2's globals stay clean.
_STOCK_HERMIT = r"""
import sys
import owlready2
world = owlready2.World()
world.get_ontology("file://" + sys.argv[1]).load(format="ntriples")
owlready2.sync_reasoner_hermit(world, debug=0)
eco = "https://w3id.org/ecograph/ontology#"
virtuous = world.search_one(iri=eco + "VirtuousCircleCompany")
print("classes", len([c for c in world.classes() if c.iri.startswith(eco)]))
print("unsatisfiable", len(list(world.inconsistent_classes())))
print("ancestors", " ".join(sorted(c.iri.removeprefix(eco) for c in virtuous.ancestors() if c.iri.startswith(eco))))
"""


def _stock_hermit(source: Path) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run(
        [sys.executable, "-c", _STOCK_HERMIT, str(source)], capture_output=True, text=True, timeout=300, check=False
    )


def test_stock_hermit_classifies_the_ontology_with_default_settings(tmp_path: Path) -> None:
    source = tmp_path / "ontology.nt"
    source.write_bytes(load_ontology().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    proc = _stock_hermit(source)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
    ours = load_ontology().query(
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{OWL}Class> FILTER STRSTARTS(STR(?c), \"https://w3id.org/ecograph/ontology#\") }}"
    )
    assert int(lines["classes"]) == int(next(iter(ours))["n"].value) > 20
    assert lines["unsatisfiable"] == "0"
    assert {"GraduatedCompany", "IncubatedCompany", "Enterprise"} <= set(lines["ancestors"].split())


def test_stock_hermit_rejects_a_year_range_which_is_why_the_ontology_has_none(tmp_path: Path) -> None:
    source = tmp_path / "gyear.nt"
    source.write_text(
        "<https://example.org/o> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology> .\n"
        "<https://example.org/year> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#DatatypeProperty> .\n"
        f"<https://example.org/year> <{RDFS}range> <{XSD}gYear> .\n",
        encoding="utf-8",
    )
    proc = _stock_hermit(source)
    assert proc.returncode != 0
    assert "UnsupportedDatatypeException" in proc.stderr
