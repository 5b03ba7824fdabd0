"""Dereferenceable IRIs over real HTTP: content negotiation on /id/, /concept/, /graph/ and /ontology, 404s, DCAT, and the entity page in Chromium."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from ecograph.endpoint.dereference import dereference
from ecograph.endpoint.entities import describe
from ecograph.project import init_project
from ecograph.sparql.query import default_store
from support import Server, http, start_server

BASE = "https://w3id.org/ecograph/"
ECO = BASE + "ontology#"
HUIBO = BASE + "id/huibo"
INCUBATED_BY = (rdflib.URIRef(HUIBO), rdflib.URIRef(ECO + "incubatedBy"), rdflib.URIRef(BASE + "id/sudatiangong-makers-space"))


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--workers", "1")
    try:
        yield running
    finally:
        running.stop()


def get(server: Server, path: str, accept: str | None = None, method: str = "GET") -> tuple[int, Any, bytes]:
    return http(method, server.base + path.lstrip("/"), headers={"Accept": accept} if accept else {})


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "text/turtle", "turtle"),
    ],
)
def test_an_entity_iri_answers_rdf_by_content_negotiation(server: Server, accept: str, media_type: str, rdflib_format: str) -> None:
    status, headers, body = get(server, "/id/huibo", accept)
    assert status == 200 and headers.get_content_type() == media_type
    assert headers["Vary"] == "Accept" and 'rel="alternate"; type="text/turtle"' in headers["Link"]
    graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    assert INCUBATED_BY in graph  # its own statement
    space = rdflib.URIRef(BASE + "id/sudatiangong-makers-space")
    assert (space, rdflib.RDFS.label, rdflib.Literal("Sudatiangong Makers' Space", lang="en")) in graph  # a neighbour's name
    section = rdflib.URIRef(BASE + "id/source-latest-progress-s7")
    assert (space, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), section) in graph  # the neighbour's source
    assert (section, rdflib.DCTERMS.isPartOf, rdflib.URIRef(BASE + "id/source-latest-progress")) in graph  # the evidence
    figure = rdflib.URIRef(BASE + "id/obs-2017-huibo-turnover")
    assert (figure, rdflib.URIRef(ECO + "obsValue"), None) in graph  # figures about it, whole


def test_trig_keeps_the_graphs_and_every_format_says_the_same(server: Server) -> None:
    formats = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}
    sizes = {len(rdflib.Graph().parse(data=get(server, "/id/huibo", a)[2], format=f)) for a, f in formats.items()}
    assert len(sizes) == 1
    status, headers, body = get(server, "/id/huibo", "application/trig")
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format="trig")
    assert INCUBATED_BY in dataset.graph(rdflib.URIRef(BASE + "graph/latest-progress-s7"))


def test_the_answer_is_the_description_of_the_served_store(server: Server) -> None:
    store = default_store()
    expected = describe(store, HUIBO)
    _, _, body = get(server, "/id/huibo", "application/n-quads")

    def named(quads: list[ox.Quad]) -> set[str]:
        return {str(q) for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert named(list(ox.parse(body, format=ox.RdfFormat.N_QUADS))) == named(expected.quads)
    assert len(expected.quads) > 50


def test_browsers_and_star_get_the_page_and_format_wins(server: Server) -> None:
    for accept in ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*", None):
        status, headers, body = get(server, "/id/huibo", accept)
        assert status == 200 and headers.get_content_type() == "text/html", accept
    page = body.decode("utf-8")
    assert "<h1>HUIBO</h1>" in page and 'href="/id/sudatiangong-makers-space"' in page and "150000000" in page
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy
    status, headers, _ = http("GET", server.base + "id/huibo?format=turtle", headers={"Accept": "text/html"})
    assert headers.get_content_type() == "text/turtle"
    status, headers, body = get(server, "/id/huibo", method="HEAD")
    assert status == 200 and body == b""


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ("/concept/unit-yuan", (rdflib.URIRef(BASE + "concept/unit-yuan"), rdflib.SKOS.prefLabel, rdflib.Literal("yuan", lang="en"))),
        ("/graph/latest-progress-s7", (rdflib.URIRef(BASE + "graph/latest-progress-s7"), rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), rdflib.URIRef(BASE + "id/source-latest-progress-s7"))),
        ("/ontology", (rdflib.URIRef(BASE + "ontology"), rdflib.RDF.type, rdflib.OWL.Ontology)),
    ],
)
def test_the_other_iri_spaces_and_the_ontology_dereference(server: Server, path: str, wanted: tuple) -> None:
    status, headers, body = get(server, path, "text/turtle")
    assert status == 200, body
    assert wanted in rdflib.Graph().parse(data=body, format="turtle")


def test_the_ontology_page_is_its_documentation(server: Server) -> None:
    status, headers, body = get(server, "/ontology", "text/html")
    assert status == 200 and headers.get_content_type() == "text/html"
    assert b"ecograph ontology" in body and b"MakerSpace" in body


@pytest.mark.parametrize("path", ["/id/no-such-thing", "/concept/nothing", "/id/huibo/more", "/id/"])
def test_unknown_iris_are_404(server: Server, path: str) -> None:
    for accept in ("text/turtle", "text/html"):
        status, headers, body = get(server, path, accept)
        assert status == 404, (path, accept, body)


def test_an_unavailable_format_is_406(server: Server) -> None:
    status, _, body = get(server, "/id/huibo", "image/png")
    assert status == 406 and b"text/turtle" in body


def test_void_describes_the_dataset_in_dcat(server: Server) -> None:
    status, _, body = get(server, "/.well-known/void", "text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    [dataset] = list(graph.subjects(rdflib.RDF.type, dcat.Dataset))
    assert dataset == rdflib.URIRef(BASE + "id/ecograph")
    assert (dataset, rdflib.DCTERMS.license, None) in graph and (dataset, rdflib.DCTERMS.title, None) in graph
    services = set(graph.subjects(rdflib.RDF.type, dcat.DataService))
    assert {graph.value(s, dcat.endpointURL) for s in services} == {rdflib.URIRef(server.url)}
    access = {graph.value(d, dcat.accessURL) for d in graph.objects(dataset, dcat.distribution)}
    assert access == {rdflib.URIRef(server.url), rdflib.URIRef(server.base + "id/")}


# ---------------------------------------------------------------- hostile labels in a real browser

HOSTILE = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> & \"quotes\" 'too'"
HOSTILE_DATA = f"""@prefix eco: <{ECO}> .
@prefix ecod: <{BASE}id/> .
@prefix ecog: <{BASE}graph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

ecog:hostile-s1 prov:wasDerivedFrom ecod:source-hostile-s1 .
ecod:source-hostile-s1 a eco:SourceSection ; dcterms:title {json.dumps('<b onmouseover="window.pwned=3">a section</b>')} .

ecog:hostile-s1 {{
  ecod:evil a eco:Enterprise ; rdfs:label {json.dumps(HOSTILE)}@en ;
    schema:description "</p></main><script>window.pwned=4</script>" ;
    eco:incubatedBy ecod:other ;
    schema:sameAs <javascript:window.pwned=5> ;
    prov:wasDerivedFrom ecod:source-hostile-s1 .
  ecod:other a eco:MakerSpace ; rdfs:label "</a><a href=\\"javascript:window.pwned=6\\">other</a>"@en .
}}
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = init_project(tmp_path_factory.mktemp("hostile") / "project", seed=False).root
    (root / "graph" / "hostile.trig").write_text(HOSTILE_DATA, encoding="utf-8")
    running = start_server("--workers", "1", env={"ECOGRAPH_HOME": str(root)})
    try:
        yield running
    finally:
        running.stop()


def test_hostile_labels_are_escaped_over_http(hostile_server: Server) -> None:
    status, _, body = get(hostile_server, "/id/evil", "text/html")
    assert status == 200
    page = body.decode("utf-8")
    assert "<script" not in page and "<img" not in page and "<b onmouseover" not in page
    assert 'href="javascript:' not in page and "<td>javascript:window.pwned=5</td>" in page  # shown, never linked
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")), reason="chromium and chromedriver are not installed")
def test_hostile_labels_stay_text_in_chromium_and_links_lead_to_entity_pages(hostile_server: Server) -> None:
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By

    from ecograph.viz.browser import chromium

    with chromium() as driver:
        driver.get(hostile_server.base + "id/evil")
        assert driver.execute_script("return window.pwned === undefined")
        assert driver.find_element(By.TAG_NAME, "h1").text == HOSTILE
        assert "</p></main><script>window.pwned=4</script>" in driver.find_element(By.ID, "about").text
        hrefs = [a.get_attribute("href") for a in driver.find_elements(By.TAG_NAME, "a")]
        assert not [h for h in hrefs if h and not h.startswith(("http://", "https://"))], hrefs
        assert driver.find_elements(By.TAG_NAME, "script") == [] and driver.find_elements(By.TAG_NAME, "img") == []
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "#relations a") if a.get_attribute("href").endswith("/id/other"))
        link.click()
        assert driver.current_url == hostile_server.base + "id/other"
        assert driver.find_element(By.TAG_NAME, "h1").text == "</a><a href=\"javascript:window.pwned=6\">other</a>"
        assert driver.execute_script("return window.pwned === undefined")


def test_dereference_without_a_server_is_the_same_function(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(HOSTILE_DATA.encode("utf-8"), format=ox.RdfFormat.TRIG)

    def run(query: str) -> tuple[list, bool]:
        return [tuple(s[v] for v in "spog") for s in store.query(query, use_default_graph_as_union=True)], False

    reply = dereference("/id/evil", "text/turtle", None, run)
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    assert (rdflib.URIRef(BASE + "id/evil"), rdflib.RDFS.label, rdflib.Literal(HOSTILE, lang="en")) in graph
