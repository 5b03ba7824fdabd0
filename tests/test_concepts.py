"""The SKOS concept reference lists every concept with its scheme, labels and definition."""

from __future__ import annotations

import pyoxigraph as ox

from ecograph.build.concepts import concepts_html, list_concepts
from ecograph.rdf.loading import load_dataset, load_ontology

ECOC = "https://w3id.org/ecograph/concept/"


def _store() -> ox.Store:
    store = ox.Store()
    store.extend(load_dataset())
    store.extend(load_ontology())
    return store


def test_every_concept_is_listed_with_its_scheme() -> None:
    store = _store()
    concepts = list_concepts(store)
    in_graph = {r["c"].value for r in store.query("SELECT DISTINCT ?c WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> }", use_default_graph_as_union=True)}
    assert {c.iri for c in concepts} == in_graph and len(concepts) == 102
    assert all(c.scheme and c.label_en and c.definition for c in concepts)
    by_iri = {c.iri: c for c in concepts}
    yuan = by_iri[ECOC + "unit-yuan"]
    assert (yuan.scheme, yuan.label_en, yuan.label_zh, yuan.definition) == (ECOC + "units", "yuan", "元", "Chinese yuan (renminbi).")
    assert by_iri[ECOC + "sector-audio-recognition"].broader == (ECOC + "sector-artificial-intelligence",)
    # Concepts taken from the English source have no Chinese label: none is invented.
    assert by_iri[ECOC + "theme-2018"].label_zh == ""


def test_the_page_names_every_concept_and_escapes_text() -> None:
    store = _store()
    page = concepts_html(store)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    for concept in list_concepts(store):
        assert f'id="ecoc:{concept.iri[len(ECOC):]}"' in page
    assert "众创空间数量" in page and "Two-wheel Drive: S&amp;T Innovation and Institutional Innovation" in page
    hostile = ox.Store()
    hostile.add(ox.Quad(ox.NamedNode(ECOC + "x"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                        ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept")))
    hostile.add(ox.Quad(ox.NamedNode(ECOC + "x"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                        ox.Literal("<script>alert(1)</script>", language="en")))
    assert "<script>alert" not in concepts_html(hostile) and "&lt;script&gt;" in concepts_html(hostile)
