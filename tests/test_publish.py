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
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.catalogue import load_catalogue
from ecograph.cli import app
from ecograph.errors import EcographError
from ecograph.publish import graph_url, publish, publish_store
from ecograph.query import default_store, run_query

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
    from ecograph.synth import write_synth

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
