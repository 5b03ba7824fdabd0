"""``ecograph serve`` as a real process: SPARQL protocol, formats, limits, read-only, the query page."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from ecograph.rdf.namespaces import PREFIXES
from ecograph.sparql.catalogue import load_catalogue
from ecograph.sparql.query import default_store, run_query
from support import Server, http, start_server

REPO = Path(__file__).resolve().parents[1]
ECO, ECOD = PREFIXES["eco"], PREFIXES["ecod"]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TIMEOUT = 2
MAX_ROWS = 5000
# Every triple times every triple, four times over: far too much work to ever finish.
CROSS_PATTERN = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"
RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS_PATTERN} }}"
HUIBO_INCUBATOR = f"SELECT ?carrier WHERE {{ <{ECOD}huibo> <{ECO}incubatedBy> ?carrier }}"
HUIBO_NETWORK = f"CONSTRUCT {{ ?c <{ECO}incubatedBy> ?carrier }} WHERE {{ ?c <{ECO}incubatedBy> ?carrier }}"
SECTION7 = f"{ECOD}spaces-that-cultivated-section-7-companies"
SECTION7_COMPANIES = {"liulishuo", "qichacha", "vipmro", "autocloudpro", "eleme", "no1-food-delivery", "zib"}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server("--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def embedded_store() -> ox.Store:
    return default_store()


def get_query(server: Server, query: str, accept: str | None = None, **params: str):
    url = server.url + "?" + urllib.parse.urlencode({"query": query, **params})
    return http("GET", url, headers={"Accept": accept} if accept else {})


def post_form(server: Server, query: str, accept: str | None = None):
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http("POST", server.url, body, headers)


def term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> tuple[str, ...] | None:
    """What a SPARQL JSON binding says about a term; blank node labels are arbitrary."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    datatype = "" if term.language or term.datatype.value == XSD_STRING else term.datatype.value
    return ("literal", term.value, term.language or "", datatype)


def json_key(binding: dict[str, str] | None) -> tuple[str, ...] | None:
    if binding is None:
        return None
    if binding["type"] == "bnode":
        return ("bnode",)
    if binding["type"] == "uri":
        return ("uri", binding["value"])
    datatype = binding.get("datatype", "")
    return ("literal", binding["value"], binding.get("xml:lang", ""), "" if datatype == XSD_STRING else datatype)


def triple_keys(triples) -> set[tuple]:
    return {(term_key(t.subject), term_key(t.predicate), term_key(t.object)) for t in triples}


def without_parameters(text: str) -> str:
    """The query text with its parameter declarations dropped, so nothing gets bound.

    The endpoint runs the text it is sent; a trailing VALUES clause is not the same as
    binding a parameter before evaluation (a FILTER inside sees no VALUES), so both sides
    run the very same text with every parameter left free.
    """
    return "\n".join(line for line in text.splitlines() if not line.startswith("# param:")) + "\n"


# --- the process ---------------------------------------------------------------------------


def test_binds_loopback_on_a_free_port(server: Server) -> None:
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    assert host == "127.0.0.1" and int(port) > 0
    status, headers, body = http("GET", server.base + "status")
    assert status == 200 and len(json.loads(body)["workers"]) == 2


# --- answers -------------------------------------------------------------------------------


def test_catalogue_answers_equal_the_embedded_ones(server: Server, embedded_store: ox.Store) -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= 20
    checked = Counter()
    for query in catalogue:
        text = without_parameters(query.text)
        embedded = run_query(text, embedded_store)
        client = SPARQLWrapper(server.url)
        client.setMethod(POST)
        client.setQuery(text)
        # SPARQLWrapper guesses the form with a regex that reads comments too ("add up" -> ADD).
        client.queryType = "CONSTRUCT" if embedded.form == "construct" else embedded.form.upper()
        if embedded.form == "select":
            client.setReturnFormat(JSON)
            served = client.query().convert()
            assert served["head"]["vars"] == embedded.variables, query.name
            got = Counter(tuple(json_key(b.get(v)) for v in embedded.variables) for b in served["results"]["bindings"])
            want = Counter(tuple(term_key(t) for t in row) for row in embedded.rows)
            assert got == want, query.name
        elif embedded.form == "ask":
            client.setReturnFormat(JSON)
            assert client.query().convert()["boolean"] == embedded.boolean, query.name
        else:
            client.setReturnFormat(TURTLE)
            served_triples = list(ox.parse(client.query().convert(), format=ox.RdfFormat.TURTLE))
            assert triple_keys(served_triples) == triple_keys(embedded.triples), query.name
        checked[embedded.form] += 1
    assert checked["select"] >= 15 and checked["construct"] >= 1


def test_plain_patterns_see_the_facts_and_graph_reaches_the_evidence(server: Server) -> None:
    client = SPARQLWrapper(server.url)
    client.setReturnFormat(JSON)
    client.setQuery(f"SELECT ?company WHERE {{ ?company <{ECO}incubatedBy> <{SECTION7}> }}")
    rows = client.query().convert()["results"]["bindings"]
    assert {r["company"]["value"].removeprefix(ECOD) for r in rows} == SECTION7_COMPANIES
    client.setQuery(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{ECOD}flowerplus> <{ECO}incubatedBy> <{ECOD}suhehui> }} }}")
    graphs = [r["g"]["value"] for r in client.query().convert()["results"]["bindings"]]
    assert graphs and all(g.startswith(PREFIXES["ecog"]) for g in graphs)


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_reads_every_results_format(server: Server, fmt: str) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery(HUIBO_INCUBATOR)
    client.setReturnFormat(fmt)
    answer = client.query()
    converted = answer.convert()
    if fmt == JSON:
        assert converted["results"]["bindings"] == [
            {"carrier": {"type": "uri", "value": f"{ECOD}sudatiangong-makers-space"}}
        ]
    elif fmt == XML:
        uris = [n.firstChild.data for n in converted.getElementsByTagName("uri")]
        assert uris == [f"{ECOD}sudatiangong-makers-space"]
    elif fmt == CSV:
        assert list(csv.reader(io.StringIO(converted.decode()))) == [["carrier"], [f"{ECOD}sudatiangong-makers-space"]]
    else:
        assert converted.decode().splitlines() == ["?carrier", f"<{ECOD}sudatiangong-makers-space>"]


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type", "results_format"),
    [
        (None, None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", None, "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", None, "text/csv", None),
        ("text/tab-separated-values", None, "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/html,*/*;q=0.8", "tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        (
            "text/csv;q=0.2, application/sparql-results+xml",
            None,
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
    ],
)
def test_select_negotiation(server: Server, accept, fmt, media_type, results_format) -> None:
    params = {"format": fmt} if fmt else {}
    status, headers, body = get_query(server, HUIBO_INCUBATOR, accept, **params)
    assert status == 200
    assert headers.get_content_type() == media_type
    if results_format is None:  # CSV is lossy: pyoxigraph will not parse it back
        assert body.decode().split("\r\n") == ["carrier", f"{ECOD}sudatiangong-makers-space", ""]
        return
    solutions = list(ox.parse_query_results(body, format=results_format))
    assert [s["carrier"] for s in solutions] == [ox.NamedNode(f"{ECOD}sudatiangong-makers-space")]


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        (None, "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_negotiation(server: Server, accept, media_type, rdf_format) -> None:
    status, headers, body = post_form(server, HUIBO_NETWORK, accept)
    assert status == 200 and headers.get_content_type() == media_type
    triples = triple_keys(ox.parse(body, format=rdf_format))
    pair = (("uri", f"{ECOD}huibo"), ("uri", f"{ECO}incubatedBy"), ("uri", f"{ECOD}sudatiangong-makers-space"))
    assert pair in triples
    assert sum(1 for t in triples if t[2] == ("uri", SECTION7)) == len(SECTION7_COMPANIES)


def test_direct_post_and_ask(server: Server) -> None:
    ask = f"ASK {{ <{ECOD}flowerplus> <{ECO}incubatedBy> <{ECOD}suhehui> }}"
    status, headers, body = http(
        "POST",
        server.url,
        ask.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, _, body = get_query(server, ask.replace("suhehui", "huibo"), "application/sparql-results+xml")
    assert status == 200 and b"<boolean>false</boolean>" in body


def test_unsupported_format_is_406(server: Server) -> None:
    status, _, body = get_query(server, HUIBO_INCUBATOR, "image/png")
    assert status == 406 and b"application/sparql-results+json" in body


# --- refusals ------------------------------------------------------------------------------


def test_updates_and_graph_store_writes_are_refused(server: Server) -> None:
    insert = f"INSERT DATA {{ <{ECOD}huibo> <{ECO}incubatedBy> <{ECOD}suhehui> }}"
    drop = "DROP ALL"
    form = urllib.parse.urlencode({"update": drop}).encode()
    attempts = [
        http("POST", server.url, form, {"Content-Type": "application/x-www-form-urlencoded"}),
        http("POST", server.url, insert.encode(), {"Content-Type": "application/sparql-update"}),
        http("GET", server.url + "?" + urllib.parse.urlencode({"update": drop})),
        post_form(server, insert),  # an update sent as a query
        http("PUT", server.base + "data?default", b"<urn:x:a> <urn:x:b> <urn:x:c> .", {"Content-Type": "text/turtle"}),
        http("POST", server.base + "data?default", b"<urn:x:a> <urn:x:b> <urn:x:c> .", {"Content-Type": "text/turtle"}),
        http("DELETE", server.base + "data?default"),
        http("DELETE", server.url),
    ]
    for status, _, body in attempts:
        assert status in (403, 405), (status, body)
        assert b"read-only" in body
    # Nothing changed: huibo still has its one incubator, the graphs are all there.
    status, _, body = get_query(server, HUIBO_INCUBATOR)
    assert [b["carrier"]["value"] for b in json.loads(body)["results"]["bindings"]] == [
        f"{ECOD}sudatiangong-makers-space"
    ]


def test_malformed_query_gets_400_with_the_position(server: Server) -> None:
    status, headers, body = get_query(server, "SELECT ?s WHERE {\n  ?s ?p \n")
    assert status == 400 and headers.get_content_type() == "text/plain"
    assert re.search(rb"\b3:\d+\b", body), body


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { ?s ?p 1.service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://127.0.0.1:9/x> } }",
    ],
)
def test_federated_service_is_refused(server: Server, query: str) -> None:
    status, _, body = post_form(server, query)
    assert status == 400 and b"SERVICE" in body


def test_service_inside_strings_and_names_is_not_refused(server: Server) -> None:
    query = 'SELECT ?service WHERE { BIND("SERVICE <x> {}" AS ?service) } # SERVICE'
    status, _, body = post_form(server, query)
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["service"]["value"] == "SERVICE <x> {}"


# --- limits --------------------------------------------------------------------------------


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_runaway_query_is_stopped_and_its_worker_killed(server: Server) -> None:
    before = json.loads(http("GET", server.base + "status")[2])["workers"]
    status, headers, body = post_form(server, RUNAWAY)
    assert status == 503
    assert b"time limit" in body and f"{TIMEOUT} s".encode() in body
    killed = int(headers["X-Ecograph-Worker"])
    assert killed in before
    assert not pid_alive(killed)  # its CPU and memory came back
    # The server answers the next query at once, and correctly.
    status, _, body = get_query(server, HUIBO_INCUBATOR)
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["carrier"]["value"] == f"{ECOD}sudatiangong-makers-space"


def test_long_answers_are_cut_at_max_rows_and_flagged(server: Server) -> None:
    status, headers, body = post_form(server, f"SELECT * WHERE {{ {CROSS_PATTERN} }}", "text/csv")
    assert status == 200
    assert headers["X-Ecograph-Truncated"] == "true" and headers["X-Ecograph-Rows"] == str(MAX_ROWS)
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert len(rows) == MAX_ROWS + 1 and rows[0] == list("abcdefghijkl")
    status, headers, _ = get_query(server, HUIBO_INCUBATOR)
    assert "X-Ecograph-Truncated" not in headers and headers["X-Ecograph-Rows"] == "1"


def test_fifty_clients_at_once(server: Server) -> None:
    clients = 50
    start = threading.Barrier(clients)
    answers: list[object] = [None] * clients

    def client(i: int) -> None:
        start.wait()
        # Half ask who cultivated the seven companies, half ask for huibo's incubator.
        if i % 2:
            query, want = f"SELECT ?company WHERE {{ ?company <{ECO}incubatedBy> <{SECTION7}> }}", SECTION7_COMPANIES
        else:
            query, want = HUIBO_INCUBATOR, {"sudatiangong-makers-space"}
        status, _, body = post_form(server, query)
        values = {v["value"].removeprefix(ECOD) for b in json.loads(body)["results"]["bindings"] for v in b.values()}
        answers[i] = (status, values == want)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert answers == [(200, True)] * clients


# --- descriptions --------------------------------------------------------------------------


def test_service_description(server: Server) -> None:
    status, headers, body = http("GET", server.url)
    assert status == 200 and headers.get_content_type() == "text/turtle"
    store = ox.Store()
    store.load(body, format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    ask = f"ASK {{ ?s a <{sd}Service> ; <{sd}endpoint> <{server.url}> ; <{sd}supportedLanguage> <{sd}SPARQL11Query> }}"
    assert store.query(ask)
    assert http("GET", server.base + "service-description")[2] == body


def test_void_counts_come_from_the_data(server: Server, embedded_store: ox.Store) -> None:
    status, headers, body = http("GET", server.base + ".well-known/void")
    assert status == 200 and headers.get_content_type() == "text/turtle"
    void = ox.Store()
    void.load(body, format=ox.RdfFormat.TURTLE)
    v, dct = "http://rdfs.org/ns/void#", "http://purl.org/dc/terms/"

    def one(query: str) -> ox.QuerySolution:
        (row,) = list(void.query(f"PREFIX void: <{v}> PREFIX dcterms: <{dct}> {query}"))
        return row

    described = one(
        "SELECT ?triples ?classes ?properties ?license ?source WHERE { ?d a void:Dataset ; void:triples ?triples ; "
        "void:classes ?classes ; void:properties ?properties ; dcterms:license ?license ; dcterms:source ?source }"
    )
    assert described["license"] == ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
    assert described["source"] == ox.NamedNode(f"{ECOD}source-seed-000")

    def count(query: str) -> int:
        return int(next(iter(embedded_store.query(query, use_default_graph_as_union=True)))["n"].value)

    assert int(described["triples"].value) == count("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert int(described["classes"].value) == count("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    assert int(described["properties"].value) == count("SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")
    makers = one(f"SELECT ?n WHERE {{ ?d void:classPartition [ void:class <{ECO}MakerSpace> ; void:entities ?n ] }}")
    assert int(makers["n"].value) == count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{ECO}MakerSpace> }}") > 0
    incubated = one(
        f"SELECT ?n WHERE {{ ?d void:propertyPartition [ void:property <{ECO}incubatedBy> ; void:triples ?n ] }}"
    )
    assert int(incubated["n"].value) == count(
        f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?o {{ ?s <{ECO}incubatedBy> ?o }} }}"
    )
    assert int(incubated["n"].value) >= 9  # huibo, flowerplus and the section 7 companies


# --- the query page ------------------------------------------------------------------------


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.parametrize("page_path", ["", "plain"])
def test_query_page_is_offline(server: Server, page_path: str) -> None:
    status, headers, page = http("GET", server.base + page_path)
    assert status == 200 and headers.get_content_type() == "text/html"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    parser = _References()
    parser.feed(page.decode())
    assert parser.refs
    assert [r for r in parser.refs if urllib.parse.urlsplit(r).netloc or urllib.parse.urlsplit(r).scheme] == []
    assert not re.search(rb"https?://", page)
    served = {}
    for ref in parser.refs:
        status, headers, body = http("GET", urllib.parse.urljoin(server.base, ref))
        assert status == 200, ref
        served[ref] = body
    own = [ref for ref in served if ref.startswith("static/")]
    assert own and all(not re.search(rb"https?://", served[ref]) for ref in own)
    # The vendored bundle carries namespace IRIs as strings; what matters is that nothing
    # in it loads a stylesheet, font or script from elsewhere.
    for ref, body in served.items():
        if ref.endswith(".css"):
            assert not re.search(rb"url\(\s*['\"]?(https?:)?//", body), ref
        if ref.endswith(".js"):
            assert not re.search(rb"<script[^>]+src=['\"]?(https?:)?//", body), ref
            assert not re.search(rb"\bimport\s*\(\s*['\"`](https?:)?//", body), ref


def test_query_page_lists_the_catalogue(server: Server) -> None:
    examples = json.loads(http("GET", server.base + "catalogue.json")[2])
    catalogue = load_catalogue()
    assert [e["name"] for e in examples] == [q.name for q in catalogue]
    assert all(e["query"] == q.text for e, q in zip(examples, catalogue, strict=True))


# --- starting and stopping -----------------------------------------------------------------


def test_terminate_stops_the_workers_too() -> None:
    running = start_server("--workers", "1")
    try:
        workers = json.loads(http("GET", running.base + "status")[2])["workers"]
        assert len(workers) == 1 and pid_alive(workers[0])
    finally:
        code = running.stop()
    assert code == 0
    deadline = time.monotonic() + 10
    while pid_alive(workers[0]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(workers[0])


def test_broken_data_file_is_reported_with_its_line(tmp_path: Path) -> None:
    home = tmp_path / "project"
    (home / "graph").mkdir(parents=True)
    (home / "ontology").mkdir()
    (home / "queries").mkdir()
    (home / "graph" / "broken.trig").write_text("@prefix ex: <urn:x:> .\nex:a ex:b .\n")
    result = subprocess.run(
        [sys.executable, "-m", "ecograph", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "ECOGRAPH_HOME": str(home)},
    )
    assert result.returncode == 2
    assert "broken.trig:2" in result.stderr
    assert "ready" not in result.stdout


needs_chromium = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="chromium and chromedriver are not installed",
)


def network_requests(driver) -> set[str]:
    """The http(s) and ws URLs the page asked for since the log was last read."""
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    requested = {e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"}
    return {u for u in requested if urllib.parse.urlsplit(u).scheme in ("http", "https", "ws", "wss")}


@needs_chromium
def test_plain_page_runs_a_saved_query_in_a_browser_offline(server: Server) -> None:
    pytest.importorskip("selenium")
    from selenium.webdriver.support.ui import WebDriverWait

    from ecograph.viz.browser import chromium

    names = [q.name for q in load_catalogue()]
    with chromium() as driver:
        driver.get("about:blank")
        driver.get_log("performance")  # drop the browser's own start-up traffic
        driver.get(server.base + "plain")
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.execute_script("return document.body.dataset.examples"))
        choose = (
            "const s = document.getElementById('examples'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('change')); document.querySelector('button').click();"
        )
        driver.execute_script(choose, str(names.index("01-incubation-pairs")))
        cells = "return [...document.querySelectorAll('#results td')].map(td => td.textContent)"
        wait.until(lambda d: d.execute_script(cells))
        shown = driver.execute_script(cells)
        assert f"{ECOD}huibo" in shown and f"{ECOD}sudatiangong-makers-space" in shown
        assert "HUIBO @en" in shown  # literal text with its language, inserted as text
        network = network_requests(driver)
        assert server.url in network and {u for u in network if not u.startswith(server.base)} == set()
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


@needs_chromium
@pytest.mark.skipif(
    not (REPO / "src/ecograph/vendor/node/yasgui/build/yasgui.min.js").is_file(),
    reason="YASGUI is not vendored (scripts/vendor-yasgui.sh)",
)
def test_query_page_runs_a_saved_query_in_a_browser_offline(server: Server, embedded_store: ox.Store) -> None:
    pytest.importorskip("selenium")
    from selenium.webdriver.support.ui import WebDriverWait

    from ecograph.viz.browser import chromium

    first = load_catalogue()[0]
    expected = run_query(without_parameters(first.text), embedded_store).size
    with chromium() as driver:
        driver.get("about:blank")
        driver.get_log("performance")  # drop the browser's own start-up traffic
        driver.get(server.base)
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.execute_script("return document.body.dataset.examples"))
        assert int(driver.execute_script("return document.body.dataset.examples")) == len(load_catalogue())
        assert driver.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()") == first.text
        driver.execute_script("document.querySelector('.yasqe_queryButton').click()")
        rows = "return document.querySelectorAll('.yasr table.dataTable tbody tr').length"
        wait.until(lambda d: d.execute_script(rows) > 0)
        assert driver.execute_script(rows) == min(expected, 50)  # the table's first page holds 50
        network = network_requests(driver)
        assert server.url in network and {u for u in network if not u.startswith(server.base)} == set()
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
