"""The analyst's commands against a store: chains, analyze, viz and export --endpoint answer as the local run.

A project (the seed and a synthetic graph) is loaded into a real Oxigraph server and a real
Virtuoso, started here as tests/test_publish.py starts them; every command's answer from the store
must equal its answer from the same data on disk.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError
from ecograph.network.projection import project
from ecograph.rdf.loading import load_dataset
from ecograph.remote.fetch import fetch_store, project_endpoint
from ecograph.sparql.query import default_store
from support import VIRTUOSO_DEFAULT_GRAPH, isql_exec, oxigraph_exe, running_oxigraph, running_virtuoso

ECOD = "https://w3id.org/ecograph/id/"
runner = CliRunner()


class Project:
    """A project folder (the seed and a synthetic graph) and the N-Quads file the stores load."""

    def __init__(self, root: Path) -> None:
        from ecograph.synth.generator import write_synth

        self.home = root / "home"
        (self.home / "graph").mkdir(parents=True)
        # A project as `ecograph init` makes it: the shipped ontology, seed and catalogue, and our synthetic graph.
        (self.home / "ecograph.toml").write_text("[project]\nseed = true\n", encoding="utf-8")
        self.synth = self.home / "graph" / "synth.trig"
        self.counts = write_synth(self.synth, 20_000, seed=1).counts
        # What `ecograph publish` sends: ontology, data, inferred graph (the store answers queries with it).
        store = default_store()
        store.load(path=self.synth, format=ox.RdfFormat.TRIG)
        self.load_dir = root / "load"
        self.load_dir.mkdir()
        self.file = self.load_dir / "graph.nq"
        store.dump(str(self.file), format=ox.RdfFormat.N_QUADS)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ECOGRAPH_HOME", str(self.home))
            self.projection = project(load_dataset())


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("remote-projection"))


@pytest.fixture(scope="module")
def oxigraph(project_dir: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    subprocess.run([oxigraph_exe(), "load", "--location", str(location), "--file", str(project_dir.file)], check=True, capture_output=True)
    with running_oxigraph(location) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def virtuoso(project_dir: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), project_dir.load_dir) as (endpoint, sql_port, isql):
        isql_exec(isql, sql_port, f"ld_dir('{project_dir.load_dir}', 'graph.nq', '{VIRTUOSO_DEFAULT_GRAPH}'); rdf_loader_run(); checkpoint;")
        report = isql_exec(isql, sql_port, "SELECT ll_file, ll_state, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_state <> 2 OR ll_error IS NOT NULL;")
        assert "0 Rows." in report, report  # a load that failed or did not finish says so here, not as missing statements later
        yield endpoint


def _same_projection(expected: nx.MultiDiGraph, got: nx.MultiDiGraph) -> None:
    assert dict(got.nodes(data=True)) == dict(expected.nodes(data=True))
    edges = lambda g: sorted((u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in g.edges(keys=True, data=True))  # noqa: E731
    assert edges(got) == edges(expected)
    assert got.graph == expected.graph


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
def test_the_projection_of_a_store_equals_the_local_one(store: str, project_dir: Project, request: pytest.FixtureRequest) -> None:
    endpoint = request.getfixturevalue(store)
    seen: list[tuple[int, int]] = []
    fetched = fetch_store(endpoint, page=3_000, progress=lambda done, total: seen.append((done, total)))
    assert fetched.requests > 5, "small pages: the graph must come in several requests"
    assert seen[-1][0] == seen[-1][1] > 20_000
    _same_projection(project_dir.projection, project(fetched.store))
    virtuous = [n for n, d in project_dir.projection.nodes(data=True) if n.startswith(ECOD + "synth/")]
    assert len(virtuous) > 1_000, "the comparison needs the synthetic graph"


def _cli(project_dir: Project, args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ECOGRAPH_HOME", str(project_dir.home))
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
def test_chains_from_a_store_equal_the_local_run(
    store: str, project_dir: Project, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = request.getfixturevalue(store)
    local = json.loads(_cli(project_dir, ["chains", "--format", "json"], monkeypatch))
    remote = json.loads(_cli(project_dir, ["chains", "--format", "json", "--endpoint", endpoint, "--page-size", "5000"], monkeypatch))
    assert remote == local
    assert len(local["virtuous-circle"]) == project_dir.counts["virtuous_circle"] + 4  # the synthetic ones and the seed's


def test_analyze_and_export_from_a_store_equal_the_local_run(
    oxigraph: str, project_dir: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = json.loads(_cli(project_dir, ["analyze", "--format", "json", "--top", "5"], monkeypatch))
    remote = json.loads(_cli(project_dir, ["analyze", "--format", "json", "--top", "5", "--endpoint", oxigraph], monkeypatch))
    assert remote == local and local["rankings"][0]["rows"]
    _cli(project_dir, ["export", "--format", "graphml", "--out", str(tmp_path / "local.graphml")], monkeypatch)
    _cli(project_dir, ["export", "--format", "graphml", "--out", str(tmp_path / "remote.graphml"), "--endpoint", oxigraph], monkeypatch)
    assert (tmp_path / "remote.graphml").read_bytes() == (tmp_path / "local.graphml").read_bytes()


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize("focus,hops", [(ECOD + "zbj", 2), (ECOD + "most", 1), (ECOD + "synth/r1-gen1-incubator", 2)])
def test_a_focused_page_fetches_only_the_neighbourhood(
    store: str, project_dir: Project, focus: str, hops: int, request: pytest.FixtureRequest
) -> None:
    from ecograph.viz.scene import neighbourhood

    if focus not in project_dir.projection:
        pytest.skip(f"{focus} is not in this synthetic graph")
    fetched = project_endpoint(request.getfixturevalue(store), focus=focus, hops=hops)
    assert fetched.number_of_nodes() < project_dir.projection.number_of_nodes() / 4
    _same_projection(neighbourhood(project_dir.projection, focus, hops), neighbourhood(fetched, focus, hops))


def test_viz_focus_from_a_store_draws_what_the_local_run_draws(
    oxigraph: str, project_dir: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["viz", "--focus", ECOD + "most", "--hops", "2"]
    local = _cli(project_dir, [*args, "--out", str(tmp_path / "local.html")], monkeypatch)
    remote = _cli(project_dir, [*args, "--out", str(tmp_path / "remote.html"), "--endpoint", oxigraph], monkeypatch)
    drawn = lambda text: text.split("bytes;", 1)[1].split(";", 1)[0]  # noqa: E731  "28 nodes, 28 edges"
    assert drawn(remote) == drawn(local) and " 0 nodes" not in drawn(local)


def test_one_named_graph_of_a_store(project_dir: Project, tmp_path: Path) -> None:
    # A store that holds the synthetic graph as one named graph: --graph reads it, as if it were one file.
    graph = "urn:ecograph:test:everything"
    flat = tmp_path / "flat.nq"
    source = ox.Store()
    source.load(path=project_dir.synth, format=ox.RdfFormat.TRIG)
    ox.serialize((ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in source), str(flat), format=ox.RdfFormat.N_QUADS)
    location = tmp_path / "db"
    subprocess.run([oxigraph_exe(), "load", "--location", str(location), "--file", str(flat)], check=True, capture_output=True)
    local = ox.Store()
    local.extend(ox.Quad(q.subject, q.predicate, q.object) for q in source)
    with running_oxigraph(location) as base:
        fetched = fetch_store(f"{base}/query", graph=graph, page=4_000)
        assert fetched.requests > 3
        _same_projection(project(local), project(fetched.store))
        with pytest.raises(EcographError, match="no named graph derived from a source section"):
            fetch_store(f"{base}/query")


class _Cutting(http.server.BaseHTTPRequestHandler):
    """A store that counts 10 statements in one graph, then sends 3 (with or without saying so)."""

    say_so = True

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if "COUNT" in body:
            rows = [{"g": {"type": "uri", "value": "urn:g"}, "n": {"type": "literal", "value": "10"}}]
            head = ["g", "n"]
        else:
            rows = [{"g": {"type": "uri", "value": "urn:g"}, "s": {"type": "uri", "value": f"urn:s{i}"},
                     "p": {"type": "uri", "value": "urn:p"}, "o": {"type": "literal", "value": str(i)}} for i in range(3)]
            head = ["g", "s", "p", "o"]
        answer = json.dumps({"head": {"vars": head}, "results": {"bindings": rows}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(answer)))
        if self.say_so and "COUNT" not in body:
            self.send_header("X-SPARQL-MaxRows", "3")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("say_so,message", [(True, "cut the answer .* at 3 rows"), (False, "counted 10 statements .* but sent 3")])
def test_a_cut_answer_is_refused_loudly(say_so: bool, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Cutting)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(_Cutting, "say_so", say_so)
        url = f"http://127.0.0.1:{httpd.server_port}/sparql"
        with pytest.raises(EcographError, match=message):
            fetch_store(url)
        result = runner.invoke(app, ["chains", "--endpoint", url])
        assert result.exit_code == 1 and "error:" in result.output
    finally:
        httpd.shutdown()
        httpd.server_close()
