"""Tests of publishing to a real Oxigraph server on loopback: graphs arrive whole and queries answer as locally."""

from __future__ import annotations

import contextlib
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError
from ecograph.remote.publish import graph_url, publish, publish_store
from ecograph.sparql.catalogue import load_catalogue
from ecograph.sparql.query import QueryResult, default_store, run_query

# Queries whose answers must be the same from the server as from the embedded store.
COMPARED = ["01-incubation-pairs", "19-virtuous-circle-by-path"]
VIRTUOUS_CIRCLE = """PREFIX eco: <https://w3id.org/ecograph/ontology#> PREFIX schema: <https://schema.org/>
SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c eco:graduatedFrom/a eco:Incubator ; ^schema:founder ?s }"""


def _oxigraph() -> str:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).is_file():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _running_server(location: Path) -> Iterator[str]:
    """An Oxigraph server on loopback storing in ``location``; yields its base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [_oxigraph(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """An empty Oxigraph server."""
    with _running_server(tmp_path / "db") as base:
        yield base


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server holding the project's graph, uploaded with ``ecograph publish``."""
    with _running_server(tmp_path_factory.mktemp("published") / "db") as base:
        result = CliRunner().invoke(app, ["publish", "--endpoint", f"{base}/store", "--batch-size", "100"])
        assert result.exit_code == 0, result.output
        assert "graphs" in result.output
        yield base


def _remote_graph(base: str, graph: str | None) -> set[ox.Triple]:
    request = urllib.request.Request(graph_url(f"{base}/store", graph), headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return {q.triple for q in ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES)}


def _csv_rows(args: list[str]) -> tuple[str, list[str]]:
    result = CliRunner().invoke(app, ["query", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    return header, sorted(rows)


def test_catalogue_queries_answer_the_same_through_the_cli(published: str) -> None:
    for name in COMPARED:
        local = _csv_rows([name])
        remote = _csv_rows([name, "--endpoint", f"{published}/query"])
        assert remote == local, name
        assert local[1], f"{name} answered nothing: the comparison would prove nothing"
    # The seed's four virtuous-circle companies, found on the server.
    _, rows = _csv_rows(["19-virtuous-circle-by-path", "--endpoint", f"{published}/query"])
    companies = {row.split(",")[0].rsplit("/", 1)[1] for row in rows}
    assert companies == {"zbj", "iflytek", "daan-gene", "enjoyor"}


@pytest.fixture(scope="module")
def local_store() -> ox.Store:
    """The embedded store ``ecograph query`` answers from."""
    return default_store()


def _differences(store: ox.Store, endpoint: str) -> list[str]:
    differ = []
    for q in load_catalogue():
        local, remote = run_query(q, store).table(), run_query(q, endpoint=endpoint).table()
        if (local[0], sorted(local[1])) != (remote[0], sorted(remote[1])):
            differ.append(q.name)
    return differ


def test_every_catalogue_query_answers_the_same_from_the_server(published: str, local_store: ox.Store) -> None:
    assert _differences(local_store, f"{published}/query") == []


def test_each_graph_arrives_whole_in_small_batches(server: str, tmp_path: Path) -> None:
    from ecograph.synth.generator import write_synth

    path = tmp_path / "synth.trig"
    counts = write_synth(path, 4_000, seed=3).counts
    report = publish(f"{server}/store", [path], batch_size=7)
    local = ox.Store()
    local.load(path=str(path))
    assert report.statements == len(local) == counts["triples"]
    assert len(report.graphs) == counts["named_graphs"] + 1
    for graph in [None, *sorted(g.value for g in local.named_graphs())[:5]]:
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        expected = {q.triple for q in local.quads_for_pattern(None, None, None, name)}
        assert _remote_graph(server, graph) == expected
    # Chain counts computed by the generator hold on the server too.
    with urllib.request.urlopen(f"{server}/query?" + urllib.parse.urlencode({"query": VIRTUOUS_CIRCLE}), timeout=10) as r:
        answer = json.loads(r.read())
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == counts["virtuous_circle"]


def test_publishing_twice_replaces_rather_than_adds(server: str) -> None:
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/ecograph/graph/test")
    for i in range(10):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), g))
    publish_store(store, f"{server}/store", batch_size=3)
    store.remove(ox.Quad(ox.NamedNode("urn:s0"), ox.NamedNode("urn:p"), ox.Literal("0"), g))
    report = publish_store(store, f"{server}/store", graph=g.value, batch_size=3)
    assert report.requests == 3
    assert len(_remote_graph(server, g.value)) == 9


def test_the_default_graph_can_go_to_a_named_graph(server: str) -> None:
    store = ox.Store()
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("x", language="en"))
    store.add(ox.Quad(triple.subject, triple.predicate, triple.object))
    report = publish_store(store, f"{server}/store", default_graph_iri="urn:graph:default")
    assert [g.graph for g in report.graphs] == ["urn:graph:default"]
    assert _remote_graph(server, "urn:graph:default") == {triple}
    assert _remote_graph(server, None) == set()


def test_http_errors_name_the_status_and_the_answer(server: str) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    with pytest.raises(EcographError, match=r"HTTP 404 .*not supported"):
        publish_store(store, f"{server}/nowhere")
    with pytest.raises(EcographError, match="no graph 'urn:missing'"):
        publish_store(store, f"{server}/store", graph="urn:missing")
    result = CliRunner().invoke(app, ["publish", "--endpoint", "ftp://example.invalid/store"])
    assert result.exit_code == 1
    assert "must be an http(s) URL" in result.output


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 to the first ``failures`` requests, then 204."""

    failures = 2
    seen: list[str] = []

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        _Flaky.seen.append(self.command)
        code = 503 if len(_Flaky.seen) <= _Flaky.failures else 204
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def test_transient_failures_are_retried_with_backoff() -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
        url = f"http://127.0.0.1:{httpd.server_port}/store"
        _Flaky.seen = []
        report = publish_store(store, url, retries=3, backoff=0.01)
        assert (report.retries, report.requests, _Flaky.seen) == (2, 1, ["PUT"] * 3)
        _Flaky.seen = []
        with pytest.raises(EcographError, match="HTTP 503"):
            publish_store(store, url, retries=1, backoff=0.01)
    finally:
        httpd.shutdown()
        httpd.server_close()


# ---------------------------------------------------------------- the whole catalogue on 10^6 statements, in real second stores

SCALE = 1_000_000
ECOGRAPH_GRAPHS = "https://w3id.org/ecograph/"
# Virtuoso has no default graph of its own: what the embedded store keeps there goes to this named graph.
VIRTUOSO_DEFAULT_GRAPH = "https://w3id.org/ecograph/graph/default"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BOOLEAN_AS_INTEGER = {"true": "1", "1": "1", "false": "0", "0": "0"}


class ScaleGraph:
    """The synthetic graph with the ontology, the seed and the inferred triples, as file and as embedded store."""

    def __init__(self, directory: Path) -> None:
        from ecograph.synth.generator import write_synth

        synth = directory / f"synth-{SCALE}.nq"
        self.counts = write_synth(synth, SCALE, seed=0).counts
        self.store = default_store()
        self.store.bulk_load(path=str(synth))
        # The file the second stores load: exactly the quads of the embedded store.
        self.load_dir = directory / "load"
        self.load_dir.mkdir()
        self.file = self.load_dir / "graph.nq"
        self.store.dump(str(self.file), format=ox.RdfFormat.N_QUADS)
        self.catalogue = load_catalogue()
        self.local = {q.name: run_query(q, self.store) for q in self.catalogue}


@pytest.fixture(scope="session")
def scale_graph(tmp_path_factory: pytest.TempPathFactory) -> ScaleGraph:
    """Built once per session; the files stay in the session's temporary directory."""
    return ScaleGraph(tmp_path_factory.mktemp("scale"))


def _comparable(result: QueryResult, store: str) -> tuple[list[str], set[tuple[object, ...]]]:
    """An answer as (variables, set of rows), normalised only as docs/scale.md says the store differs.

    RDF 1.1 makes ``"x"`` and ``"x"^^xsd:string`` one term, and pyoxigraph compares them so,
    so strings need nothing. For Virtuoso, on both sides, as docs/scale.md says: booleans
    become the integers 1/0 (Virtuoso answers ``BIND(EXISTS …)`` with ``"1"^^xsd:integer``), and
    whole ``xsd:decimal`` numbers become ``xsd:integer`` (Virtuoso loads integers beyond 32 bits,
    such as 3150000000, as decimals).
    """

    def term(t: object) -> object:
        if store != "virtuoso" or not isinstance(t, ox.Literal):
            return t
        if t.datatype.value == _XSD + "boolean":
            return ox.Literal(_BOOLEAN_AS_INTEGER[t.value], datatype=ox.NamedNode(_XSD + "integer"))
        if t.datatype.value == _XSD + "decimal" and Decimal(t.value) == Decimal(t.value).to_integral_value():
            return ox.Literal(str(int(Decimal(t.value))), datatype=ox.NamedNode(_XSD + "integer"))
        return t

    if result.form == "ask":
        return ["answer"], {(result.boolean,)}
    if result.form == "construct":
        return ["subject", "predicate", "object"], {(t.subject, t.predicate, t.object) for t in result.triples}
    return list(result.variables), {tuple(term(t) for t in row) for row in result.rows}


def _compare_catalogue(graph: ScaleGraph, endpoint: str, store: str) -> list[str]:
    """Run every catalogue query on the endpoint; return the disagreements, skipping the declared ones."""
    problems = []
    for q in graph.catalogue:
        if store in {s for s, _ in q.differs}:
            continue
        local = graph.local[q.name]
        try:
            remote = run_query(q, endpoint=endpoint, timeout=300)
        except EcographError as e:
            problems.append(f"{q.name}: {e}"[:400])
            continue
        (local_vars, local_rows), (remote_vars, remote_rows) = _comparable(local, store), _comparable(remote, store)
        if (local_vars, local_rows) != (remote_vars, remote_rows):
            only_local, only_remote = sorted(local_rows - remote_rows, key=str)[:1], sorted(remote_rows - local_rows, key=str)[:1]
            problems.append(
                f"{q.name}: {local.size} answers embedded, {remote.size} from {store}; variables {local_vars} vs {remote_vars};"
                f" only embedded {only_local}, only {store} {only_remote}"
            )
    return problems


def _count(endpoint: str, query: str) -> int:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])


def test_the_whole_catalogue_answers_the_same_from_an_oxigraph_server_at_scale(
    scale_graph: ScaleGraph, tmp_path: Path
) -> None:
    location = tmp_path / "db"
    subprocess.run([_oxigraph(), "load", "--location", str(location), "--file", str(scale_graph.file)], check=True, capture_output=True)
    with _running_server(location) as base:
        named = sum(1 for q in scale_graph.store if not isinstance(q.graph_name, ox.DefaultGraph))
        assert _count(f"{base}/query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == named
        assert scale_graph.local["19-virtuous-circle-by-path"].size > 1_000, "the comparison needs the synthetic chains"
        assert _compare_catalogue(scale_graph, f"{base}/query", "oxigraph") == []


def _virtuoso_ini(root: Path, sql_port: int, http_port: int, allowed: Path) -> Path:
    ini = root / "virtuoso.ini"
    (root / "vsp").mkdir()
    ini.write_text(
        f"""[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {allowed}
NumberOfBuffers = 100000
MaxDirtyBuffers = 75000
ThreadsPerQuery = 2
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}/vsp
ServerThreads = 4
EnabledDavVSP = 0
[SPARQL]
; the shipped 10,000 silently cuts answers; 25-construct-incubation-network has over 100,000 triples
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
; past this Virtuoso answers 200 with partial results and X-SQL-State: S1TAT, which run_query refuses
MaxQueryExecutionTime = 300
""",
        encoding="utf-8",
    )
    return ini


def _isql(isql: str, sql_port: int, statements: str) -> str:
    done = subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"], capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0 and "*** Error" not in output, output[-2000:]
    return output


@contextlib.contextmanager
def _running_virtuoso(root: Path, allowed: Path) -> Iterator[tuple[str, int, str]]:
    """A Virtuoso on loopback with its own database in ``root``; yields (SPARQL URL, ISQL port, isql)."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.skip("Virtuoso is not installed (Debian: virtuoso-opensource; scripts/setup.sh installs it)")
    sql_port, http_port = _free_port(), _free_port()
    ini = _virtuoso_ini(root, sql_port, http_port, allowed)
    with open(root / "server.out", "wb") as out:
        proc = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=root, stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"virtuoso did not start: {(root / 'server.out').read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        else:
            pytest.fail("virtuoso did not answer within 60 s")
        yield endpoint, sql_port, isql
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_the_whole_catalogue_answers_the_same_from_virtuoso_at_scale(scale_graph: ScaleGraph, tmp_path: Path) -> None:
    with _running_virtuoso(tmp_path, scale_graph.load_dir) as (endpoint, sql_port, isql):
        # Quads without a graph (the embedded default graph) go to the graph named in ld_dir.
        _isql(isql, sql_port, f"ld_dir('{scale_graph.load_dir}', '{scale_graph.file.name}', '{VIRTUOSO_DEFAULT_GRAPH}'); rdf_loader_run(); checkpoint;")
        report = _isql(isql, sql_port, "SELECT ll_file, ll_state, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_state <> 2 OR ll_error IS NOT NULL;")
        assert "0 Rows." in report, report
        loaded = _count(endpoint, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{ECOGRAPH_GRAPHS}")) }}')
        assert loaded == len(scale_graph.store)
        problems = _compare_catalogue(scale_graph, endpoint, "virtuoso")
        assert problems == [], "\n".join(problems)


def test_store_differences_are_declared_in_query_headers() -> None:
    declared = {q.name: dict(q.differs) for q in load_catalogue() if q.differs}
    assert {store for d in declared.values() for store in d} == {"virtuoso"}
    assert "transitive" in declared["20-lineage"]["virtuoso"]


class _VirtuosoLike(http.server.BaseHTTPRequestHandler):
    """Answers every query with one row, plus the headers Virtuoso adds to partial answers."""

    headers_to_send: dict[str, str] = {}
    body = b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [{"__ASK_RETVAL": {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]}}'

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.body)))
        for key, value in self.headers_to_send.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def test_partial_answers_from_an_endpoint_fail_loudly() -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _VirtuosoLike)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/sparql"
        ask = "ASK { ?s ?p ?o }"
        # Virtuoso 7 answers ASK with a one-row result set; it is read as the boolean it means.
        _VirtuosoLike.headers_to_send = {}
        result = run_query(ask, endpoint=url)
        assert (result.form, result.boolean) == ("ask", True)
        _VirtuosoLike.headers_to_send = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout."}
        with pytest.raises(EcographError, match="partial answer .*S1TAT"):
            run_query(ask, endpoint=url)
        _VirtuosoLike.headers_to_send = {"X-SPARQL-MaxRows": "10000"}
        with pytest.raises(EcographError, match="cut the answer .* at 10000 rows"):
            run_query(ask, endpoint=url)
    finally:
        httpd.shutdown()
        httpd.server_close()
