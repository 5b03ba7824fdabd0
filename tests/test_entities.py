"""Entity descriptions for dereferencing: the statements both ways, neighbours' names and sources, figures, and the HTML page."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib

from ecograph.endpoint.entities import BASE, Description, describe, entity_iri, local_path
from ecograph.endpoint.entity_page import entity_page, render_entity_html
from ecograph.sparql.query import default_store

ECO = "https://w3id.org/ecograph/ontology#"
ECOD = BASE + "id/"
ECOC = BASE + "concept/"
ECOG = BASE + "graph/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
DCTERMS_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return default_store()


@pytest.fixture(scope="module")
def huibo(store: ox.Store) -> Description:
    return describe(store, ECOD + "huibo")


def quad(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str | None) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(g) if g else ox.DefaultGraph())


@pytest.mark.parametrize(
    ("path", "iri"),
    [
        ("/id/huibo", ECOD + "huibo"),
        ("/concept/unit-yuan", ECOC + "unit-yuan"),
        ("/graph/latest-progress-s7", ECOG + "latest-progress-s7"),
        ("/id/", None),
        ("/id/a/b", None),
        ("/id/%3Cscript%3E", None),
        ("/sparql", None),
        ("/other/huibo", None),
    ],
)
def test_paths_map_to_minted_iris_and_back(path: str, iri: str | None) -> None:
    assert entity_iri(path) == iri
    if iri is not None:
        assert local_path(iri) == path


def test_outgoing_statements_keep_their_named_graph(huibo: Description) -> None:
    assert huibo.found
    assert quad(ECOD + "huibo", ECO + "incubatedBy", ox.NamedNode(ECOD + "sudatiangong-makers-space"), ECOG + "latest-progress-s7") in huibo.quads
    assert quad(ECOD + "huibo", str(RDFS_LABEL.value), ox.Literal("HUIBO", language="en"), ECOG + "latest-progress-s7") in huibo.quads


def test_neighbours_come_with_their_names_and_sections(huibo: Description) -> None:
    triples = set(huibo.triples())
    space = ox.NamedNode(ECOD + "sudatiangong-makers-space")
    assert ox.Triple(space, RDFS_LABEL, ox.Literal("Sudatiangong Makers' Space", language="en")) in triples
    assert ox.Triple(space, PROV_DERIVED, ox.NamedNode(ECOD + "source-latest-progress-s7")) in triples
    # the graph the statements sit in, and the section and document it was taken from: the evidence
    assert ox.Triple(ox.NamedNode(ECOG + "latest-progress-s7"), PROV_DERIVED, ox.NamedNode(ECOD + "source-latest-progress-s7")) in triples
    titles = {t.subject.value: t.object.value for t in triples if t.predicate == DCTERMS_TITLE}
    assert titles[ECOD + "source-latest-progress-s7"].startswith("Makers' spaces cultivate a large number of excellent enterprises")
    assert titles[ECOD + "source-latest-progress"] == "Latest Progress of Mass Entrepreneurship and Mass Innovation in China"


def test_figures_about_the_entity_are_described_whole(huibo: Description) -> None:
    triples = set(huibo.triples())
    figure = ox.NamedNode(ECOD + "obs-2017-huibo-investment")
    by_predicate = {t.predicate.value: t.object for t in triples if t.subject == figure}
    assert by_predicate[ECO + "obsValue"].value == "150000000"
    assert by_predicate[ECO + "unit"] == ox.NamedNode(ECOC + "unit-yuan")
    assert by_predicate[ECO + "refPeriod"].value == "2017"
    yuan = {t.object.value for t in triples if t.subject == ox.NamedNode(ECOC + "unit-yuan")}
    assert "yuan" in yuan  # the unit's name, from the vocabularies


def test_incoming_statements_are_part_of_the_description(store: ox.Store) -> None:
    space = describe(store, ECOD + "sudatiangong-makers-space")
    assert ox.Triple(ox.NamedNode(ECOD + "huibo"), ox.NamedNode(ECO + "incubatedBy"), ox.NamedNode(ECOD + "sudatiangong-makers-space")) in space.triples()
    assert ox.Triple(ox.NamedNode(ECOD + "huibo"), RDFS_LABEL, ox.Literal("HUIBO", language="en")) in space.triples()


def test_an_unknown_iri_is_not_found(store: ox.Store) -> None:
    assert not describe(store, ECOD + "no-such-thing").found
    assert describe(store, ECOD + "no-such-thing").quads == []


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [(ox.RdfFormat.TURTLE, "turtle"), (ox.RdfFormat.N_TRIPLES, "nt"), (ox.RdfFormat.JSON_LD, "json-ld"), (ox.RdfFormat.RDF_XML, "xml")],
)
def test_triple_formats_parse_in_rdflib_with_every_statement(huibo: Description, fmt: ox.RdfFormat, rdflib_format: str) -> None:
    graph = rdflib.Graph().parse(data=huibo.serialize(fmt), format=rdflib_format)
    assert len(graph) == len(huibo.triples())
    assert (rdflib.URIRef(ECOD + "huibo"), rdflib.URIRef(ECO + "incubatedBy"), rdflib.URIRef(ECOD + "sudatiangong-makers-space")) in graph


def test_trig_keeps_each_statement_in_its_graph(huibo: Description) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=huibo.serialize(ox.RdfFormat.TRIG), format="trig")
    graph = dataset.graph(rdflib.URIRef(ECOG + "latest-progress-s7"))
    assert (rdflib.URIRef(ECOD + "huibo"), rdflib.URIRef(ECO + "incubatedBy"), rdflib.URIRef(ECOD + "sudatiangong-makers-space")) in graph
    assert json.loads(huibo.serialize(ox.RdfFormat.JSON_LD))  # and JSON-LD is JSON


# ---------------------------------------------------------------- the page for people


def test_page_shows_names_class_figures_relations_and_sources(huibo: Description) -> None:
    page = entity_page(huibo)
    assert page.title == "HUIBO"
    assert {"enterprise", "incubated company"} <= {c.text for c in page.classes}  # asserted and inferred
    assert page.descriptions and page.descriptions[0].startswith("A robot maker")
    investment = next(f for f in page.figures if f.value == "150000000")
    assert (investment.unit.text, investment.year, investment.qualifier.text) == ("yuan", "2017", "exact")
    assert investment.sources[0].href == "/id/source-latest-progress-s7"
    incubated = next(r for r in page.outgoing if r.predicate.iri == ECO + "incubatedBy")
    assert (incubated.other.text, incubated.other.href) == ("Sudatiangong Makers' Space", "/id/sudatiangong-makers-space")
    assert [(s.text, s.title, s.href) for s in incubated.sources] == [("section 7", page.sources[0].section.text, "/id/source-latest-progress-s7")]
    assert page.sources[0].section.text.startswith("Makers' spaces cultivate a large number of excellent enterprises")
    inferred = next(r for r in page.incoming if r.other.iri == ECOD + "sudatiangong-makers-space")
    assert inferred.inferred and inferred.sources == []  # the inverse the reasoner adds, marked as such
    assert page.sources[0].document == "Latest Progress of Mass Entrepreneurship and Mass Innovation in China"


def test_page_html_has_the_facts_and_no_script(huibo: Description) -> None:
    html, policy = render_entity_html(huibo)
    for text in ("HUIBO", "150000000", "yuan", "Sudatiangong Makers&#39; Space", 'href="/id/sudatiangong-makers-space"', "?format=turtle"):
        assert text in html
    assert "<script" not in html.lower()
    assert "default-src 'none'" in policy and "script-src" not in policy


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">"\'&'


def hostile_store() -> ox.Store:
    store = ox.Store()
    graph = ECOG + "hostile-s1"
    store.add(quad(ECOD + "evil", str(RDFS_LABEL.value), ox.Literal(HOSTILE, language="en"), graph))
    store.add(quad(ECOD + "evil", ECO + "incubatedBy", ox.NamedNode("javascript:alert(1)"), graph))
    store.add(quad(ECOD + "evil", "http://schema.org/founder", ox.NamedNode(ECOD + "other"), graph))
    store.add(quad(ECOD + "other", str(RDFS_LABEL.value), ox.Literal("</td></tr></table><h1>injected</h1>"), graph))
    store.add(quad(graph, str(PROV_DERIVED.value), ox.NamedNode(ECOD + "source-hostile"), None))
    store.add(quad(ECOD + "source-hostile", str(DCTERMS_TITLE.value), ox.Literal('<b onmouseover="x()">title</b>'), None))
    return store


def test_hostile_labels_are_text_and_unsafe_iris_are_not_links() -> None:
    html, _ = render_entity_html(describe(hostile_store(), ECOD + "evil"))
    assert "<script>" not in html and "<img" not in html and "<h1>injected" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
