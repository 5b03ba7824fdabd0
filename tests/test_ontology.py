"""The ontology is documented, closed, offline, and covers every term the data uses."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ecograph.rdf.loading import load_dataset, load_ontology
from ecograph.rdf.namespaces import ECO

ECO_NS = str(ECO._NS)
TERM_TYPES = "owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty"
PREFIXES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
"""


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    return load_ontology()


@pytest.fixture(scope="module")
def data() -> ox.Store:
    return load_dataset()


def _terms(store: ox.Store) -> list[str]:
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?t WHERE {{ VALUES ?type {{ {TERM_TYPES} }} ?t a ?type FILTER isIRI(?t) }}")
    return sorted(r["t"].value for r in rows)


def test_every_term_has_english_and_chinese_label_and_definition(ontology):
    terms = _terms(ontology)
    assert len(terms) > 100
    missing = []
    for term in terms:
        for lang, prop in (("en", "rdfs:label"), ("zh", "rdfs:label"), ("en", "skos:definition")):
            ask = PREFIXES + f'ASK {{ <{term}> {prop} ?l FILTER(lang(?l) = "{lang}") }}'
            if not ontology.query(ask):
                missing.append(f"{term} {prop}@{lang}")
    assert missing == []


def test_defined_namespace_matches_the_ontology_exactly(ontology):
    declared = {
        q.subject.value[len(ECO_NS):]
        for q in ontology
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ECO_NS)
    }
    in_code = set(ECO.__annotations__)
    assert declared == in_code
    with pytest.raises(AttributeError):
        ECO.VirtuousCirlceCompany  # noqa: B018 - a misspelling must fail loudly


def test_no_remote_imports(ontology):
    assert not ontology.query(PREFIXES + "ASK { ?o owl:imports ?x }")


def test_every_class_and_property_the_data_uses_is_declared(ontology, data):
    declared = set(_terms(ontology))
    used_props = {r["p"].value for r in data.query("SELECT DISTINCT ?p WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")}
    used_classes = {
        r["c"].value for r in data.query("SELECT DISTINCT ?c WHERE { { ?s a ?c } UNION { GRAPH ?g { ?s a ?c } } }")
    }
    # Vocabulary bookkeeping terms (rdf:type, labels, SKOS, VoID, DCTERMS on sources) need no declaration here.
    exempt_prefixes = (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://rdfs.org/ns/void#",
        "http://purl.org/dc/terms/",
        "http://purl.org/linked-data/cube#",
    )
    undeclared = sorted(t for t in used_props | used_classes if t not in declared and not t.startswith(exempt_prefixes))
    assert undeclared == []


def test_every_concept_used_belongs_to_a_declared_scheme(ontology, data):
    schemes = {r["s"].value for r in ontology.query(PREFIXES + "SELECT ?s WHERE { ?s a skos:ConceptScheme }")}
    in_schemes = {
        r["s"].value
        for r in data.query(PREFIXES + "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?c skos:inScheme ?s } }")
    }
    assert in_schemes <= schemes
    assert {"https://w3id.org/ecograph/concept/sectors", "https://w3id.org/ecograph/concept/forum-themes"} <= in_schemes
