"""The ``ecograph queries`` and ``ecograph query`` commands: formats read back, parameters, errors, endpoints."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner, Result

import ecograph.sparql.query as query_module
from ecograph.cli import app
from ecograph.sparql.catalogue import load_catalogue
from ecograph.sparql.query import default_store

ECOD = "https://w3id.org/ecograph/id/"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def seed_store() -> ox.Store:
    """The default store, loaded once for the module."""
    return default_store()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, seed_store: ox.Store) -> Invoke:
    """Invoke the CLI with the store loaded once (the commands load it per call otherwise)."""
    monkeypatch.setattr(query_module, "default_store", lambda inferred=True: seed_store)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "250"})

    return invoke


def _figures_by_indicator(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["indicator"].rsplit("indicator-", 1)[1]: r for r in rows}


def test_queries_json_lists_the_catalogue(cli: Invoke) -> None:
    result = cli("queries", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [q["name"] for q in listed] == [q.name for q in load_catalogue()]
    for q in listed:
        assert set(q) == {"name", "title", "description", "question", "kind", "parameters"}
    national = next(q for q in listed if q["name"] == "06-national-figures")
    assert {"name": "year", "type": "integer", "default": "2017", "meaning": "the reference year"} in national["parameters"]


def test_queries_table_shows_names_and_questions(cli: Invoke) -> None:
    result = cli("queries")
    assert result.exit_code == 0, result.output
    assert "06-national-figures" in result.stdout and "asserted-inferred-class-violation" in result.stdout


def test_query_csv_reads_back(cli: Invoke) -> None:
    result = cli("query", "national-figures", "--format", "csv")
    assert result.exit_code == 0, result.output
    figures = _figures_by_indicator(list(csv.DictReader(io.StringIO(result.stdout))))
    assert len(figures) == 15
    spaces = figures["makers-spaces"]
    assert (spaces["value"], spaces["unitLabel"], spaces["qualifierLabel"]) == ("5739", "organisation", "exact")
    assert (spaces["growthRate"], spaces["growthQualifierLabel"], spaces["comparedWith"], spaces["year"]) == ("33", "over", "2016", "2017")
    assert figures["government-funding"]["value"] == "3150000000"


def test_query_tsv_reads_back(cli: Invoke) -> None:
    result = cli("query", "06-national-figures", "-f", "tsv", "--param", "year=2017")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.rstrip("\n").split("\n")
    assert header.split("\t")[:5] == ["?area", "?year", "?indicator", "?indicatorLabel", "?value"]
    assert len(lines) == 15
    solutions = ox.parse_query_results(result.stdout_bytes, format=ox.QueryResultsFormat.TSV)
    spaces = next(s for s in solutions if s["indicator"].value.endswith("indicator-makers-spaces"))
    assert int(spaces["value"].value) == 5739 and Decimal(spaces["growthRate"].value) == 33
    assert spaces["growthRate"].datatype.value.endswith("#decimal") and spaces["qualifierLabel"].value == "exact"


def test_query_json_reads_back(cli: Invoke) -> None:
    result = cli("query", "07-investment-parts-vs-whole", "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    parts = {b["partValue"]["value"]: b["partQualifierLabel"]["value"] for b in answer["results"]["bindings"]}
    assert parts == {"57000000000": "exact", "10000000000": "about"}
    assert {b["partsTotal"]["value"] for b in answer["results"]["bindings"]} == {"67000000000"}
    assert {b["wholeValue"]["value"] for b in answer["results"]["bindings"]} == {"67000000000"}


def test_query_xml_reads_back(cli: Invoke) -> None:
    result = cli("query", "15-forum-edition-programme", "--format", "xml")
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    kinds = [
        b.find(f"{SPARQL_RESULTS}literal").text
        for b in root.iter(f"{SPARQL_RESULTS}binding")
        if b.get("name") == "kindLabel"
    ]
    assert kinds.count("forum session") == 16 and kinds.count("pre-forum event") == 2


@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_construct_writes_rdf_that_parses(cli: Invoke, fmt: str, rdf_format: ox.RdfFormat) -> None:
    result = cli("query", "25-construct-incubation-network", "--format", fmt)
    assert result.exit_code == 0, result.output
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(result.stdout_bytes, format=rdf_format)}
    assert (ECOD + "huibo", "https://w3id.org/ecograph/ontology#incubatedBy", ECOD + "sudatiangong-makers-space") in triples
    assert (ECOD + "particle-space", "https://schema.org/founder", ECOD + "iflytek") in triples


def test_construct_refuses_a_results_format(cli: Invoke) -> None:
    result = cli("query", "25-construct-incubation-network", "--format", "csv")
    assert result.exit_code == 1
    assert "answers with a graph" in result.stderr


def test_ask_in_json_and_xml(cli: Invoke) -> None:
    as_json = cli("query", "24-graduates-found-spaces", "-f", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": True}
    as_xml = ET.fromstring(cli("query", "24-graduates-found-spaces", "-f", "xml").stdout)
    assert as_xml.find(f"{SPARQL_RESULTS}boolean").text == "true"


def test_table_is_the_default(cli: Invoke) -> None:
    result = cli("query", "16-forum-contact")
    assert result.exit_code == 0, result.output
    assert "+86-21-54065138" in result.stdout and "pif@pujiangforum.org" in result.stdout


def test_param_binds_an_iri(cli: Invoke) -> None:
    result = cli("query", "17-evidence", "--param", "subject=ecod:flowerplus", "-f", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert {b["subject"]["value"] for b in bindings} == {ECOD + "flowerplus"}
    assert {(b["predicate"]["value"].rsplit("#", 1)[-1], b["object"]["value"]) for b in bindings} >= {("incubatedBy", ECOD + "suhehui")}
    empty = cli("query", "06-national-figures", "-p", "year=2016", "-f", "json")
    assert json.loads(empty.stdout)["results"]["bindings"] == []


def test_injection_in_an_iri_parameter_is_rejected(cli: Invoke) -> None:
    result = cli("query", "17-evidence", "--param", "subject=x> } ; DROP ALL ; <")
    assert result.exit_code == 1
    assert "not an absolute IRI" in result.stderr and result.stdout == ""


def test_injection_in_a_literal_parameter_stays_inert(cli: Invoke, seed_store: ox.Store) -> None:
    text = (
        "# param: name type=literal -- a label\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT DISTINCT ?thing ?name WHERE { ?thing rdfs:label ?label FILTER(STR(?label) = ?name) }\n"
    )
    found = cli("query", "-", "-p", "name=Flowerplus", "-f", "csv", input=text)
    assert list(csv.DictReader(io.StringIO(found.stdout))) == [{"thing": ECOD + "flowerplus", "name": "Flowerplus"}]
    before = len(seed_store)
    attack = 'x" } } ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    result = cli("query", "-", "-p", f"name={attack}", "-f", "json", input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert len(seed_store) == before


def test_undeclared_param_is_an_error(cli: Invoke) -> None:
    result = cli("query", "17-evidence", "-p", "graph=ecod:most")
    assert result.exit_code == 1
    assert "no parameter 'graph' (declared: subject)" in result.stderr


def test_syntax_error_prints_line_and_column(cli: Invoke, tmp_path: Path) -> None:
    text = "SELECT ?s WHERE {\n  ?s ?p ?o\n  ?x ?y ?z ?w .\n}\n"
    result = cli("query", "-", input=text)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["error: <stdin>:3: column 11: expected OPTIONAL"]
    path = tmp_path / "broken.rq"
    path.write_text("# a comment\n# another\n" + text, encoding="utf-8")
    from_file = cli("query", str(path))
    assert from_file.exit_code == 2
    assert from_file.stderr.strip().endswith("broken.rq:5: column 11: expected OPTIONAL")


def test_unknown_query_lists_close_names(cli: Invoke) -> None:
    result = cli("query", "national-figure")
    assert result.exit_code == 1
    assert "no query named 'national-figure'" in result.stderr and "06-national-figures" in result.stderr


def test_query_from_a_file_without_header(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("SELECT ?label WHERE { ecod:xu-guanhua rdfs:label ?label }\n", encoding="utf-8")
    result = cli("query", str(path), "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["label", "Xu", "Guanhua"]


def test_service_is_refused(cli: Invoke) -> None:
    result = cli("query", "-", input="SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert result.exit_code == 2
    assert "SERVICE is not allowed" in result.stderr


def test_violation_query_exit_codes(cli: Invoke, monkeypatch: pytest.MonkeyPatch, seed_store: ox.Store) -> None:
    name = "asserted-inferred-class-violation"
    assert cli("query", name, "-f", "csv").exit_code == 0
    bad = ox.Store()
    bad.extend(seed_store)
    bad.add(ox.Quad(ox.NamedNode(ECOD + "zbj"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode("https://w3id.org/ecograph/ontology#VirtuousCircleCompany"),
                    ox.NamedNode("https://w3id.org/ecograph/graph/latest-progress-s5")))
    monkeypatch.setattr(query_module, "default_store", lambda inferred=True: bad)
    result = cli("query", name, "-f", "csv")
    assert result.exit_code == 1
    assert ECOD + "zbj" in result.stdout and "1 violation found" in result.stderr


# ---------------------------------------------------------------- --endpoint, against a small local SPARQL server


class _Server:
    def __init__(self, store: ox.Store, delay: float = 0.0) -> None:
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
                query = urllib.parse.parse_qs(body)["query"][0]
                server.requests.append({"content-type": self.headers["Content-Type"], "accept": self.headers["Accept"], "query": query})
                time.sleep(delay)
                answer = store.query(query, use_default_graph_as_union=True)
                if isinstance(answer, ox.QueryTriples):
                    data, media = ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES), "application/n-triples"
                else:
                    data, media = answer.serialize(format=ox.QueryResultsFormat.JSON), "application/sparql-results+json"
                self.send_response(200)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def endpoint(seed_store: ox.Store) -> Iterator[_Server]:
    with _Server(seed_store) as server:
        yield server


def test_endpoint_gets_the_same_query_with_values(cli: Invoke, endpoint: _Server) -> None:
    local = json.loads(cli("query", "17-evidence", "-p", "subject=ecod:flowerplus", "-f", "json").stdout)
    result = cli("query", "17-evidence", "-p", "subject=ecod:flowerplus", "-f", "json", "--endpoint", endpoint.url)
    assert result.exit_code == 0, result.output
    remote = json.loads(result.stdout)
    key = lambda b: json.dumps(b, sort_keys=True)  # noqa: E731
    assert sorted(map(key, remote["results"]["bindings"])) == sorted(map(key, local["results"]["bindings"]))
    [sent] = endpoint.requests
    assert sent["content-type"] == "application/x-www-form-urlencoded"
    assert "application/sparql-results+json" in sent["accept"]
    # The bindings open the WHERE clause, so every FILTER of the query sees them.
    assert re.search(r"WHERE\s*\{ VALUES \(\?subject\) \{ \(<https://w3id.org/ecograph/id/flowerplus>\) \}", sent["query"])


def test_endpoint_bindings_reach_filters(cli: Invoke, endpoint: _Server) -> None:
    local = json.loads(cli("query", "06-national-figures", "-f", "json").stdout)
    remote = json.loads(cli("query", "06-national-figures", "-f", "json", "--endpoint", endpoint.url).stdout)
    assert len(local["results"]["bindings"]) == 15
    assert len(remote["results"]["bindings"]) == 15


def test_endpoint_construct_and_ask(cli: Invoke, endpoint: _Server) -> None:
    graph = cli("query", "25-construct-incubation-network", "-f", "nt", "--endpoint", endpoint.url)
    assert graph.exit_code == 0, graph.output
    assert f"<{ECOD}flowerplus> <https://w3id.org/ecograph/ontology#incubatedBy> <{ECOD}suhehui> ." in graph.stdout
    assert "application/n-triples" in endpoint.requests[0]["accept"]
    ask = cli("query", "24-graduates-found-spaces", "-f", "json", "--endpoint", endpoint.url)
    assert json.loads(ask.stdout)["boolean"] is True


def test_endpoint_timeout(cli: Invoke, seed_store: ox.Store) -> None:
    with _Server(seed_store, delay=2.0) as slow:
        result = cli("query", "16-forum-contact", "--endpoint", slow.url, "--timeout", "0.3")
    assert result.exit_code == 1
    assert f"cannot query {slow.url}" in result.stderr and "timed out" in result.stderr


def test_endpoint_must_be_http(cli: Invoke) -> None:
    result = cli("query", "16-forum-contact", "--endpoint", "file:///etc/passwd")
    assert result.exit_code == 1
    assert "must be an http(s) URL" in result.stderr
