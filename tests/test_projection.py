"""Tests of the RDF -> networkx projection and of its GraphML/GEXF export, against the seed facts."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.network.graphml import write_graph
from ecograph.network.projection import project
from ecograph.rdf.loading import load_dataset, load_ontology

ECOD = "https://w3id.org/ecograph/id/"
ECOC = "https://w3id.org/ecograph/concept/"
ECO = "https://w3id.org/ecograph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
S1 = ECOD + "source-latest-progress-s1"
S5 = ECOD + "source-latest-progress-s5"
PUJIANG_S1 = ECOD + "source-pujiang-introduction-s1"


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    return load_ontology()


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load_dataset()


@pytest.fixture(scope="module")
def graph(store: ox.Store, ontology: ox.Store) -> nx.MultiDiGraph:
    return project(store, ontology=ontology)


def figure(graph: nx.MultiDiGraph, node: str, indicator: str) -> dict:
    (found,) = [f for f in graph.nodes[ECOD + node]["figures"] if f["indicator"] == ECOC + "indicator-" + indicator]
    return found


def test_only_real_things_are_nodes(graph: nx.MultiDiGraph) -> None:
    for node in graph:
        local = node.rsplit("/", 1)[-1]
        assert not local.startswith(("obs-", "source-", "dataset-", "post-", "membership-", "unit-", "indicator-", "qualifier-", "role-")), node
        assert not node.startswith(("https://w3id.org/ecograph/graph/", ECO)), node
    for thing in ("zbj", "huibo", "most", "xu-guanhua", "pujiang-innovation-forum-2018", "beijing", "report-2018-entrepreneurship-incubation"):
        assert ECOD + thing in graph
    assert ECOC + "sector-flower-industry" in graph and ECOC + "category-university" in graph


def test_node_attributes_of_a_graduate(graph: nx.MultiDiGraph) -> None:
    zbj = graph.nodes[ECOD + "zbj"]
    assert (zbj["label"], zbj["label_zh"], zbj["kind"], zbj["unnamed"]) == ("www.zbj.com", "", "Enterprise", False)
    assert zbj["classes"] == ["Enterprise"] and zbj["sources"] == [S5]
    assert zbj["figures"] == []
    # The count of spaces is a figure about the group of spaces zbj founded (issue 16).
    spaces = figure(graph, "zbj-spaces", "spaces-operated")
    assert (spaces["value"], spaces["qualifier"], spaces["year"], spaces["source"]) == (20, ECOC + "qualifier-over", 2018, S5)
    assert graph.has_edge(ECOD + "zbj-spaces", ECOD + "zbj", key="founder")


def test_most_specific_kind_and_unnamed_parties(graph: nx.MultiDiGraph) -> None:
    haier = graph.nodes[ECOD + "haier-group"]
    assert haier["kind"] == "StateOwnedEnterprise" and haier["classes"] == ["Enterprise", "StateOwnedEnterprise"]
    assert haier["sources"] == [ECOD + "source-latest-progress-s6", ECOD + "source-latest-progress-s7"]
    incubator = graph.nodes[ECOD + "unnamed-incubator-of-zbj"]
    assert incubator["unnamed"] is True and incubator["label"] == "" and incubator["kind"] == "Incubator"
    # No Chinese name the source does not give (issue 16): China has its English label only.
    assert (graph.nodes[ECOD + "china"]["label"], graph.nodes[ECOD + "china"]["label_zh"]) == ("China", "")
    assert graph.nodes[ECOC + "category-university"]["scheme"] == "organisation-categories"


def test_national_figures_fold_into_china(graph: nx.MultiDiGraph) -> None:
    spaces = figure(graph, "china", "makers-spaces")
    assert (spaces["value"], spaces["year"], spaces["growth"], spaces["growth_qualifier"]) == (
        5739, 2017, 33.0, ECOC + "qualifier-over"
    )
    assert spaces["source"] == S1
    assert figure(graph, "china", "jobs-provided")["value"] == 1_050_000
    assert figure(graph, "china", "government-funding")["value"] == 3_150_000_000
    assert figure(graph, "china", "investment-won")["qualifier"] == ECOC + "qualifier-about"
    tusstar = {(f["area"].rsplit("/", 1)[1], f["value"]) for f in graph.nodes[ECOD + "tusstar"]["figures"]}
    assert tusstar == {("china", 57), ("beijing", 8)}


def test_edges_carry_kind_predicate_and_sources(graph: nx.MultiDiGraph) -> None:
    huibo = graph.get_edge_data(ECOD + "huibo", ECOD + "sudatiangong-makers-space")
    assert huibo == {"incubatedBy": {"predicate": ECO + "incubatedBy", "kind": "incubatedBy", "sources": [ECOD + "source-latest-progress-s7"]}}
    report = graph.get_edge_data(ECOD + "report-2018-entrepreneurship-incubation", ECOD + "torch-center")
    assert report["publisher"]["predicate"] == "http://purl.org/dc/terms/publisher"
    founders = {v.rsplit("/", 1)[1] for _, v, k in graph.out_edges(ECOD + "pujiang-innovation-forum", keys=True) if k == "founder"}
    assert founders == {"most", "shanghai-municipal-peoples-government"}


def test_posts_fold_into_person_edges(graph: nx.MultiDiGraph) -> None:
    chair = graph.get_edge_data(ECOD + "xu-guanhua", ECOD + "pujiang-innovation-forum")["chairman"]
    assert chair["former"] is False and chair["sources"] == [PUJIANG_S1]
    assert chair["via"] == ECOD + "post-pujiang-innovation-forum-chairman"
    minister = graph.get_edge_data(ECOD + "xu-guanhua", ECOD + "most")["formerMinister"]
    assert minister["former"] is True and minister["role"] == ECOC + "role-minister"


def test_sections_graph_attribute(graph: nx.MultiDiGraph) -> None:
    section = graph.graph["sections"][S5]
    assert section["title"] == "Graduated companies build up spaces and a virtuous circle is formed"
    assert section["document_title"] == "Latest Progress of Mass Entrepreneurship and Mass Innovation in China"
    assert len(graph.graph["sections"]) == 11


def test_inferred_classes_refine_the_kind(store: ox.Store, ontology: ox.Store) -> None:
    zbj = ox.NamedNode(ECOD + "zbj")
    inferred = [ox.Triple(zbj, ox.NamedNode(RDF_TYPE), ox.NamedNode(ECO + c)) for c in ("IncubatedCompany", "GraduatedCompany", "VirtuousCircleCompany")]
    node = project(store, inferred=inferred, ontology=ontology).nodes[ECOD + "zbj"]
    assert node["kind"] == "VirtuousCircleCompany"
    assert {"Enterprise", "GraduatedCompany", "VirtuousCircleCompany"} <= set(node["classes"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_reopens_with_typed_attributes(fmt: str, graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_graph(graph, tmp_path / f"g.{fmt}")
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    zbj = back.nodes[ECOD + "zbj"]
    assert zbj["label"] == "www.zbj.com" and zbj["kind"] == "Enterprise"
    assert zbj["unnamed"] is False and back.nodes[ECOD + "unnamed-incubator-of-zbj"]["unnamed"] is True
    zbj_spaces = back.nodes[ECOD + "zbj-spaces"]
    assert zbj_spaces["figure_count"] == 1 and isinstance(zbj_spaces["figure_count"], int)
    assert "spaces-operated over 20" in zbj_spaces["figures"]
    assert back.nodes[ECOD + "haier-group"]["classes"] == "Enterprise; StateOwnedEnterprise"
    kinds = {d["kind"] for *_, d in back.edges(data=True)}
    assert {"incubatedBy", "graduatedFrom", "founder", "superEvent", "chairman", "formerMinister"} <= kinds
    assert all(v is not None for _, d in back.nodes(data=True) for v in d.values())


def test_cli_export_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    result = CliRunner().invoke(app, ["export", "--format", "graphml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(out).has_edge(ECOD + "flowerplus", ECOD + "suhehui")


def test_projection_is_deterministic(store: ox.Store, ontology: ox.Store, graph: nx.MultiDiGraph) -> None:
    again = project(store, ontology=ontology)
    assert list(again.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
