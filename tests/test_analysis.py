"""Tests of the network metrics on the seed: rankings, determinism, brokers, RDF output and the CLI."""

from __future__ import annotations

import ast
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import ecograph.network.analysis as analysis
from ecograph.cli import app
from ecograph.network.analysis import analyze, betweenness, brokers, communities, pagerank
from ecograph.network.analysis_rdf import ANALYSIS_NS, run_analysis
from ecograph.network.projection import project
from ecograph.rdf.loading import load_dataset, load_ontology

ECOD = "https://w3id.org/ecograph/id/"
EDITION_2018 = ECOD + "pujiang-innovation-forum-2018"
FORUM = ECOD + "pujiang-innovation-forum"
DATE = "2026-01-02T03:04:05Z"


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return project(load_dataset(), ontology=load_ontology())


@pytest.fixture(scope="module")
def result(graph: nx.MultiDiGraph) -> dict:
    return analyze(graph, top=None)


def ranking(result: dict, metric: str) -> list[dict]:
    return next(r for r in result["rankings"] if r["metric"] == metric)["rows"]


def test_analysis_never_imports_rdflib() -> None:
    tree = ast.parse(Path(analysis.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    # igraph (with random to seed it) is a graph library too: the compiled Louvain for large graphs.
    assert imported <= {"__future__", "collections", "collections.abc", "itertools", "typing", "networkx", "igraph", "random"}
    probe = "import sys, ecograph.network.analysis; print('rdflib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_degree_counts_distinct_neighbours_of_the_forum(result: dict) -> None:
    rows = ranking(result, "degree")
    # 2018 edition: 16 sessions, 2 pre-forum events, the forum and the venue.
    assert (rows[0]["node"], rows[0]["value"]) == (EDITION_2018, 20)
    # The forum: 11 editions, 2 founders, the chair and the 2 strategies it serves.
    assert (rows[1]["node"], rows[1]["value"]) == (FORUM, 16)


def test_rankings_leave_out_concepts_and_unnamed_parties(result: dict, graph: nx.MultiDiGraph) -> None:
    for r in result["rankings"]:
        assert "concept nodes (52)" in r["left_out"] and "unnamed" in r["left_out"]
        listed = {row["node"] for row in r["rows"]}
        assert not any(graph.nodes[n]["unnamed"] or graph.nodes[n]["kind"] == "Concept" for n in listed)
        assert ECOD + "zbj" in listed
    # Unnamed parties still count: the space group that cultivated seven companies has degree 7.
    assert result["scores"][ECOD + "spaces-that-cultivated-section-7-companies"]["degree"] == 7
    assert ECOC_SECTOR not in result["scores"]


ECOC_SECTOR = "https://w3id.org/ecograph/concept/sector-flower-industry"


def test_pagerank_is_a_distribution_over_actors(graph: nx.MultiDiGraph) -> None:
    scores = pagerank(graph)
    assert abs(sum(scores.values()) - 1.0) < 1e-9
    assert max(scores, key=scores.get) == FORUM


def test_betweenness_exact_then_sampled_reproducibly(graph: nx.MultiDiGraph) -> None:
    exact, method = betweenness(graph)
    assert method == "exact" and max(exact, key=exact.get) == EDITION_2018
    first, method = betweenness(graph, exact_limit=10, sample=30, seed=7)
    second, _ = betweenness(graph, exact_limit=10, sample=30, seed=7)
    assert method == "sampled k=30, seed=7" and first == second
    sampled = analyze(graph, exact_limit=10, sample=30)
    assert "sampled k=30, seed=42" in next(r for r in sampled["rankings"] if r["metric"] == "betweenness")["method"]


def test_communities_are_reproducible_and_keep_cultivated_companies_together(graph: nx.MultiDiGraph) -> None:
    first = communities(graph)
    assert first == communities(graph)
    cultivated = {ECOD + c for c in ("liulishuo", "qichacha", "vipmro", "autocloudpro", "eleme", "no1-food-delivery", "zib")}
    home = [c for c in first if ECOD + "spaces-that-cultivated-section-7-companies" in c]
    assert len(home) == 1 and cultivated <= set(home[0])
    assert sum(len(c) for c in first) == len(analysis.actor_graph(graph))


def test_brokers_join_otherwise_separate_groups(graph: nx.MultiDiGraph) -> None:
    found = {b["node"]: b for b in brokers(graph)}
    # MOST alone links its agency (Torch Center) with the forum it founded.
    assert ["kind: Forum", "kind: GovernmentAgency"] in found[ECOD + "most"]["pairs"]
    # iFLYTEK links the incubator it left with the AI sector of the space it built.
    assert ["kind: Incubator", "sector: artificial intelligence"] in found[ECOD + "iflytek"]["pairs"]
    # Huibo's three robot sectors sit on one node: that joins them, nobody brokers them.
    assert ECOD + "sudatiangong-makers-space" not in found


def test_analysis_rdf_is_reproducible_and_queryable(tmp_path: Path) -> None:
    first = run_analysis(write_rdf=True, out=tmp_path / "a.trig", ended_at=DATE)
    second = run_analysis(write_rdf=True, out=tmp_path / "b.trig", ended_at=DATE)
    data = Path(first["rdf"]).read_bytes()
    assert data == Path(second["rdf"]).read_bytes()
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TRIG)
    query = f"""PREFIX ecoa: <{ANALYSIS_NS}> PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?degree ?ended WHERE {{
      GRAPH <https://w3id.org/ecograph/graph/analysis> {{ <{EDITION_2018}> ecoa:degree ?degree }}
      <https://w3id.org/ecograph/graph/analysis> prov:wasGeneratedBy ?run .
      ?run ecoa:method "networkx.degree" ; prov:endedAtTime ?ended .
    }}"""
    (row,) = list(store.query(query))
    assert (row["degree"].value, row["ended"].value) == ("20", DATE)


def test_cli_analyze_formats_and_rdf(tmp_path: Path) -> None:
    runner = CliRunner()
    as_json = runner.invoke(app, ["analyze", "--format", "json", "--top", "3"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert [len(r["rows"]) for r in data["rankings"]] == [3, 3, 3] and "scores" not in data
    as_csv = runner.invoke(app, ["analyze", "--format", "csv", "--top", "2"])
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][:3] == ["metric", "rank", "node"] and rows[1][:3] == ["degree", "1", EDITION_2018]
    out = tmp_path / "analysis.trig"
    table = runner.invoke(app, ["analyze", "--write-rdf", "--out", str(out), "--date", DATE])
    assert table.exit_code == 0 and "betweenness" in table.stdout and out.exists()
    bad = runner.invoke(app, ["analyze", "--write-rdf", "--out", str(tmp_path / "x.trig"), "--date", "yesterday"])
    assert bad.exit_code == 1 and "bad --date" in bad.output and not (tmp_path / "x.trig").exists()


def test_community_labels_name_the_members_in_the_same_order(graph: nx.MultiDiGraph) -> None:
    result = analyze(graph, top=3)
    for row in result["communities"]["rows"]:
        assert len(row["labels"]) == len(row["members"]) <= 3
        assert row["labels"] == [graph.nodes[m].get("label", "") for m in row["members"]]
    # The seed's largest community: the 2018 edition is its best-connected member, and named so.
    first = result["communities"]["rows"][0]
    assert first["members"][0] == EDITION_2018
    assert first["labels"][0] == graph.nodes[EDITION_2018]["label"]
    as_csv = CliRunner().invoke(app, ["analyze", "--format", "csv", "--top", "3"])
    row = next(r for r in csv.reader(io.StringIO(as_csv.stdout)) if r[0] == "communities")
    assert row[3].split(";") == [graph.nodes[m].get("label", "") for m in row[2].split(";")]


def test_analysis_csv_cells_never_become_formulas(monkeypatch: pytest.MonkeyPatch, graph: nx.MultiDiGraph) -> None:
    hostile = graph.copy()
    hostile.nodes[EDITION_2018]["label"] = '=HYPERLINK("http://evil.example","x")'
    monkeypatch.setattr("ecograph.network.projection.load_projection", lambda *a, **k: hostile)
    as_csv = CliRunner().invoke(app, ["analyze", "--format", "csv", "--top", "3"])
    assert as_csv.exit_code == 0, as_csv.output
    cells = [c for r in csv.reader(io.StringIO(as_csv.stdout)) for c in r]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:2].isdigit())]


TWO_TRIANGLES = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")]
FOUR_CLIQUES = [
    (f"{k}{i}", f"{k}{j}") for k in "pqrs" for i in range(5) for j in range(i + 1, 5)
] + [("p0", "q0"), ("q0", "r0"), ("r0", "s0"), ("s0", "p0")]


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        (TWO_TRIANGLES, [["a", "b", "c"], ["x", "y", "z"]]),
        (FOUR_CLIQUES, [[f"{k}{i}" for i in range(5)] for k in "pqrs"]),
    ],
    ids=["two-triangles", "four-cliques-in-a-ring"],
)
@pytest.mark.parametrize("compiled", [False, True], ids=["louvain", "leiden"])
def test_louvain_and_leiden_find_the_dense_groups(
    monkeypatch: pytest.MonkeyPatch, edges: list[tuple[str, str]], expected: list[list[str]], compiled: bool
) -> None:
    graph = nx.MultiDiGraph()
    graph.add_edges_from(edges)
    monkeypatch.setattr(analysis, "LEIDEN_ABOVE", 0 if compiled else 10**9)
    assert analysis.communities(graph, seed=3) == expected
    assert analysis.communities_method(graph).startswith("igraph" if compiled else "networkx")


def test_leiden_is_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    # A graph with many equally good splits: only the seed decides, and the same seed decides the same.
    graph = nx.MultiDiGraph(nx.grid_2d_graph(12, 12))
    graph = nx.relabel_nodes(graph, {n: f"n{n[0]:02d}-{n[1]:02d}" for n in graph})
    monkeypatch.setattr(analysis, "LEIDEN_ABOVE", 0)
    first = analysis.communities(graph, seed=1)
    assert first == analysis.communities(graph, seed=1)
    assert sorted(n for c in first for n in c) == sorted(graph)
    assert len(first) > 1
