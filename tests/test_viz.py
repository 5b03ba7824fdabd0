"""The analysts' page without a browser: scene data, escaping, self-containment, the viz command."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError
from ecograph.viz import build_page, build_scene, write_page
from ecograph.viz.page import safe_json
from ecograph.viz.style import node_style
from support import ECO, ECOD, PAYLOADS, SECTION, VIRTUOUS_MEMBERS, hostile_graph


def tiny_graph(order: list[str] | None = None) -> nx.MultiDiGraph:
    """Three nodes of three classes, added in the given order of slugs."""
    kinds = {"alpha": "Enterprise", "beta": "Incubator", "gamma": "MakerSpace"}
    g = nx.MultiDiGraph(sections={SECTION: {"title": "Test section", "document": ECOD + "doc"}})
    for slug in order or sorted(kinds):
        g.add_node(ECOD + slug, label=slug.title(), kind=kinds[slug], classes=[ECO + kinds[slug]], sources=[SECTION])
    g.add_edge(ECOD + "alpha", ECOD + "beta", predicate=ECO + "incubatedBy", kind="incubatedBy", sources=[SECTION])
    g.add_edge(ECOD + "gamma", ECOD + "alpha", predicate="https://schema.org/founder", kind="founder", sources=[])
    return g


@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    """The projection of the real seed data."""
    projection = pytest.importorskip("ecograph.network.projection")
    from ecograph.rdf.loading import load_dataset

    return projection.project(load_dataset())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_safe_json_escapes_markup_and_line_separators() -> None:
    text = safe_json({"a": "</script><!--&\u2028\u2029"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}


def test_hostile_text_never_appears_as_markup() -> None:
    html, _ = build_page(hostile_graph())
    tags = parse(html)
    assert [t for t, _ in tags.tags if t in ("img", "a", "iframe", "object")] == []
    assert len(tags.scripts) == 4  # data, options, vis-network, page script
    assert [p for p in PAYLOADS if "<" in p and p in html] == []
    data = next(a for t, a in tags.tags if a.get("id") == "ecograph-data")
    assert data["type"] == "application/json"
    payload = json.loads(tags.scripts[0])
    assert {n["label"] for n in payload["nodes"]} == set(PAYLOADS)
    assert "innerHTML" not in Path(__file__).parents[1].joinpath("src/ecograph/viz/templates/analysts-page.js").read_text()


def test_page_loads_nothing_and_allows_only_its_own_scripts() -> None:
    html, _ = build_page(tiny_graph())
    tags = parse(html)
    for tag, attrs in tags.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            assert attrs["href"].startswith("data:")
    csp = next(a["content"] for t, a in tags.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    code = [s for s in tags.scripts[2:]]
    for script in code:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?https?:", html)


def test_styles_do_not_depend_on_insertion_order() -> None:
    one = build_scene(tiny_graph(["alpha", "beta", "gamma"]))
    two = build_scene(tiny_graph(["gamma", "beta", "alpha"]))
    style = lambda s: {n["id"]: (n["color"], n["shape"]) for n in s.nodes}  # noqa: E731
    assert style(one) == style(two)
    assert style(one)[ECOD + "beta"] == node_style("Incubator")
    assert one.legend == two.legend
    assert [e["kind"] for e in one.legend["nodes"]] == ["Enterprise", "Incubator", "MakerSpace"]


def test_positions_are_precomputed_and_stable() -> None:
    one, two = build_scene(tiny_graph()), build_scene(tiny_graph())
    assert [(n["x"], n["y"]) for n in one.nodes] == [(n["x"], n["y"]) for n in two.nodes]
    assert len({(n["x"], n["y"]) for n in one.nodes}) == 3
    html, _ = build_page(tiny_graph())
    options = json.loads(parse(html).scripts[1])
    assert options["physics"] == {"enabled": False}


def test_big_drawings_cluster_nodes_by_class() -> None:
    from ecograph.viz.scene import SPRING_LIMIT

    g = nx.MultiDiGraph(sections={})
    n = SPRING_LIMIT + 10
    for i in range(n):
        g.add_node(i, label=f"N{i}", kind=("Enterprise", "Incubator")[i % 2])
        if i:
            g.add_edge(i, i - 1, kind="next")
    nodes = build_scene(g, max_nodes=n).nodes
    assert len({(v["x"], v["y"]) for v in nodes}) == n
    centre = {k: [sum(v[a] for v in nodes if v["kind"] == k) / (n / 2) for a in "xy"] for k in ("Enterprise", "Incubator")}
    for v in nodes:
        own, other = (centre[k] for k in sorted(centre, key=lambda k: k != v["kind"]))
        assert math.dist((v["x"], v["y"]), own) < math.dist((v["x"], v["y"]), other)
    assert nodes == build_scene(g, max_nodes=n).nodes


def test_focus_unknown_or_ambiguous_is_a_clear_error() -> None:
    g = tiny_graph()
    with pytest.raises(EcographError, match="no node"):
        build_scene(g, focus="nothing like this")
    g.add_node(ECOD + "alpha-2", label="ALPHA", kind="Enterprise")
    with pytest.raises(EcographError, match="ambiguous"):
        build_scene(g, focus="alpha")
    assert {n["id"] for n in build_scene(g, focus=ECOD + "beta", hops=1).nodes} == {ECOD + "beta", ECOD + "alpha"}


def test_large_graphs_are_aggregated_by_class() -> None:
    g = nx.MultiDiGraph(sections={})
    for i in range(30):
        g.add_node(f"e{i}", label=f"E{i}", kind="Enterprise")
        g.add_node(f"s{i}", label=f"S{i}", kind="MakerSpace")
        g.add_edge(f"e{i}", f"s{i}", kind="incubatedBy")
    scene = build_scene(g, max_nodes=59)
    assert scene.meta["aggregated"] and scene.meta["graphNodes"] == 60
    assert {n["label"] for n in scene.nodes} == {"Enterprise (30)", "MakerSpace (30)"}
    assert [(e["from"], e["to"], e["count"]) for e in scene.edges] == [("class:Enterprise", "class:MakerSpace", 30)]
    assert not build_scene(g, max_nodes=60).meta["aggregated"]


def test_seed_page_draws_every_node_and_the_virtuous_circle(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    report = write_page(tmp_path / "seed.html", graph=seed_graph)
    payload = json.loads(parse(report.path.read_text(encoding="utf-8")).scripts[0])
    assert len(payload["nodes"]) == report.nodes == seed_graph.number_of_nodes()
    assert len(payload["edges"]) == report.edges == seed_graph.number_of_edges()
    assert payload["meta"]["sizeMeasure"] == report.size_measure == "PageRank"
    (chain,) = payload["chains"]
    assert chain["name"] == "virtuous-circle" and chain["instances"] == 4
    assert set(chain["members"]) == VIRTUOUS_MEMBERS
    china = payload["details"][ECOD + "china"]
    assert china["labelZh"] == ""  # the source gives no Chinese name, so none is shown (issue 16)
    (spaces,) = [f for f in china["figures"] if f["indicator"] == "indicator-makers-spaces"]
    assert (spaces["value"], spaces["year"], spaces["growth"], spaces["growthQualifier"]) == (5739, "2017", 33, "over")
    assert spaces["source"] in {s["title"] for s in seed_graph.graph["sections"].values()}


def test_focus_on_a_label_draws_its_neighbourhood(seed_graph: nx.MultiDiGraph) -> None:
    scene = build_scene(seed_graph, focus="particle space", hops=1)
    ids = {n["id"] for n in scene.nodes}
    assert {ECOD + "particle-space", ECOD + "iflytek"} <= ids
    assert scene.meta["focus"] == ECOD + "particle-space"
    assert len(ids) < seed_graph.number_of_nodes()


def test_viz_command_writes_the_page(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--focus", "Shanghai", "--hops", "1"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert "nodes" in result.output
    payload = json.loads(parse(out.read_text(encoding="utf-8")).scripts[0])
    assert payload["meta"]["focus"] == ECOD + "shanghai"


def test_viz_command_reports_an_unknown_focus_in_one_line(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--focus", "no such thing"])
    assert result.exit_code == 1
    assert "no node has this IRI or label" in result.output
    assert not out.exists()


def test_viz_command_aggregates_and_rejects_unknown_chains(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--max-nodes", "50"])
    assert result.exit_code == 0, result.output
    payload = json.loads(parse(out.read_text(encoding="utf-8")).scripts[0])
    assert payload["meta"]["aggregated"]
    kinds = {a["kind"] for _, a in seed_graph.nodes(data=True)}
    assert {n["label"] for n in payload["nodes"]} == {
        f"{k} ({sum(1 for _, a in seed_graph.nodes(data=True) if a['kind'] == k)})" for k in kinds
    }
    assert sum(e["count"] for e in payload["edges"]) == seed_graph.number_of_edges()
    result = CliRunner().invoke(app, ["viz", "--out", str(tmp_path / "x.html"), "--chain", "no-such-chain"])
    assert result.exit_code == 1
    assert "unknown chain 'no-such-chain'" in result.output
