"""The analysts' page without a browser: scene data, escaping, self-containment, the viz command."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError
from ecograph.viz import build_page, build_scene, write_page
from ecograph.viz.layout import SMALL_FIGURE, fruchterman_reingold, layout, remove_overlaps, small_figure
from ecograph.viz.page import safe_json
from ecograph.viz.payload import join_payload, split_payload
from ecograph.viz.style import FAMILIES, family_of
from support import BIDI, ECO, ECOD, PAYLOADS, SECTION, VIRTUOUS_MEMBERS, hostile_graph, parse, shown


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


def test_safe_json_escapes_markup_and_line_separators() -> None:
    text = safe_json({"a": "</script><!--&\u2028\u2029"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}


def test_safe_json_shows_bidirectional_controls_as_their_codes() -> None:
    text = safe_json({"label": "invoice\u202efdp.exe", "\u2067key": "\u200f"})
    assert not BIDI.search(text)
    assert json.loads(text) == {"label": "invoice[U+202E]fdp.exe", "[U+2067]key": "[U+200F]"}


PAGE_JS = ("analysts-page.js", "renderer-sigma.js", "renderer-vis.js", "figures-view.js")


@pytest.mark.parametrize("renderer", ["sigma", "vis"])
def test_hostile_text_never_appears_as_markup(renderer: str) -> None:
    html, _ = build_page(hostile_graph(), renderer=renderer)
    tags = parse(html)
    assert [t for t, _ in tags.tags if t in ("img", "a", "iframe", "object")] == []
    assert [p for p in PAYLOADS if "<" in p and p in html] == []
    data = next(a for t, a in tags.tags if a.get("id") == "ecograph-data")
    assert data["type"] == "application/json"
    payload = tags.payload
    assert set(payload["nodes"]["label"]) == {shown(p) for p in PAYLOADS}
    assert not BIDI.search(html)
    for name in PAGE_JS:
        code = Path(__file__).parents[1].joinpath("src/ecograph/viz/templates", name).read_text()
        assert "innerHTML" not in code and "insertAdjacentHTML" not in code and "eval(" not in code, name


@pytest.mark.parametrize("renderer", ["sigma", "vis"])
def test_page_loads_nothing_and_allows_only_its_own_scripts(renderer: str) -> None:
    html, _ = build_page(tiny_graph(), renderer=renderer)
    tags = parse(html)
    for tag, attrs in tags.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            assert attrs["href"].startswith("data:")
    csp = next(a["content"] for t, a in tags.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    script_src = csp.split("script-src", 1)[1].split(";", 1)[0]
    code = tags.scripts[1:-1]  # everything but the JSON data blocks (the map's, the details')
    assert len(code) >= 3
    for script in code:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert script_src.count("'sha256-") == len(code)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?https?:", html)


def test_families_and_shades_are_stable_and_colour_blind_safe() -> None:
    one = build_scene(tiny_graph(["alpha", "beta", "gamma"]))
    two = build_scene(tiny_graph(["gamma", "beta", "alpha"]))
    assert one.classes == two.classes and one.nodes == two.nodes
    by_name = {c["name"]: c for c in one.classes}
    # alpha is an Enterprise incubated by beta: an incubated company, not just an organisation.
    assert by_name["Enterprise"]["family"] == "companies"
    assert by_name["Incubator"]["family"] == by_name["MakerSpace"]["family"] == "spaces"
    assert by_name["Incubator"]["color"] != by_name["MakerSpace"]["color"]
    assert by_name["Incubator"]["familyColor"] == by_name["MakerSpace"]["familyColor"]
    okabe_ito = {"#0072B2", "#E69F00", "#D55E00", "#CC79A7", "#009E73", "#56B4E9"}
    assert okabe_ito <= {colour for _, _, colour in FAMILIES}
    assert family_of("ForumSession") == "events" and family_of("City") == "places" and family_of("Report") == "documents"


def test_layout_is_deterministic_and_removes_overlaps() -> None:
    g = nx.barabasi_albert_graph(300, 2, seed=4)
    radii = {v: 3.0 + (v % 7) for v in g}
    one, two = layout(g, radii, seed=3), layout(g, radii, seed=3)
    assert one == two
    for u, v in combinations(g, 2):
        assert math.dist(one[u], one[v]) >= radii[u] + radii[v] - 0.2, (u, v)
    pushed = remove_overlaps({"a": (0.0, 0.0), "b": (0.0, 0.0), "c": (1.0, 1.0)}, dict.fromkeys("abc", 4.0))
    for u, v in combinations("abc", 2):
        assert math.dist(pushed[u], pushed[v]) >= 8.0


LAYOUT_OF_SMALL_PARTS = """
import hashlib, json, networkx as nx
from ecograph.viz.layout import layout
g = nx.path_graph([f"p{i}" for i in range(700)])
for k in range(40):
    nx.add_cycle(g, [f"t{k}-{j}" for j in range(6)])
print(hashlib.sha256(json.dumps(sorted(layout(g, dict.fromkeys(g, 3.0), seed=0).items())).encode()).hexdigest())
"""


def test_layout_is_the_same_in_every_python_process() -> None:
    # Above 600 nodes each component is laid out apart; string node names must not make the
    # result depend on the process's hash seed (a set's order), or builds would not be byte-identical.
    runs = [
        subprocess.run([sys.executable, "-c", LAYOUT_OF_SMALL_PARTS], env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and len(runs[0].strip()) == 64


def test_layout_keeps_neighbours_closer_than_strangers() -> None:
    # Two cliques joined by one edge: ForceAtlas2 puts each clique together.
    g = nx.disjoint_union(nx.complete_graph(8), nx.complete_graph(8))
    g.add_edge(0, 8)
    pos = layout(g, dict.fromkeys(g, 4.0), seed=1)
    inside = sum(math.dist(pos[u], pos[v]) for u, v in combinations(range(8), 2)) / 28
    across = sum(math.dist(pos[u], pos[v]) for u in range(8) for v in range(8, 16)) / 64
    assert inside < across / 1.3


@pytest.mark.parametrize(
    "graph",
    [nx.path_graph(2), nx.star_graph(5), nx.path_graph(5), nx.cycle_graph(SMALL_FIGURE), nx.complete_graph(4)],
    ids=["pair", "star", "path", "ring", "clique"],
)
def test_small_figures_hold_every_node_apart_and_a_star_round_its_hub(graph: nx.Graph) -> None:
    radii = {v: 3.0 + v for v in graph}
    pos = layout(graph, radii, seed=3)
    assert pos == {v: (round(x, 1), round(y, 1)) for v, (x, y) in small_figure(graph, radii).items()}
    for u, v in combinations(graph, 2):
        assert math.dist(pos[u], pos[v]) >= radii[u] + radii[v] + 2.0 - 0.2, (u, v)
    hub = max(graph, key=graph.degree)
    if graph.degree(hub) == len(graph) - 1 and len(graph) > 3:
        assert pos[hub] == (0.0, 0.0)
        assert len({round(math.dist(pos[hub], pos[v]), 1) for v in graph if v != hub}) == 1


def test_a_graph_of_many_small_components_gets_figures_apart_from_each_other() -> None:
    g = nx.path_graph([f"p{i}" for i in range(700)])
    for k in range(30):
        nx.add_star(g, [f"s{k}-{j}" for j in range(5)])
    radii = dict.fromkeys(g, 3.0)
    pos = layout(g, radii, seed=0)
    for k in range(30):
        hub, leaves = f"s{k}-0", [f"s{k}-{j}" for j in range(1, 5)]
        assert len({round(math.dist(pos[hub], pos[leaf]), 1) for leaf in leaves}) == 1  # a star round its hub
    stars = [pos[n] for n in g if n.startswith("s")]
    assert all(math.dist(a, b) >= 6.0 - 0.2 for a, b in combinations(stars, 2))


def test_the_quick_layout_keeps_cliques_together_and_is_seeded() -> None:
    g = nx.disjoint_union(nx.complete_graph(8), nx.complete_graph(8))
    g.add_edge(0, 8)
    radii = dict.fromkeys(g, 4.0)
    pos = layout(g, radii, seed=1, quick=True)
    assert pos == layout(g, radii, seed=1, quick=True) and fruchterman_reingold(g, seed=2) == fruchterman_reingold(g, seed=2)
    inside = sum(math.dist(pos[u], pos[v]) for u, v in combinations(range(8), 2)) / 28
    across = sum(math.dist(pos[u], pos[v]) for u in range(8) for v in range(8, 16)) / 64
    assert inside < across / 1.3
    for u, v in combinations(g, 2):
        assert math.dist(pos[u], pos[v]) >= 8.0 - 0.2


def test_page_details_keep_repeated_strings_once_and_give_the_scene_back(seed_graph: nx.MultiDiGraph) -> None:
    payload = build_scene(seed_graph).payload()
    view, details = split_payload(payload)
    assert join_payload(view, details) == payload
    # Each IRI's namespace, each list of classes and each list of source sections is written once.
    ids = details["ids"]
    assert len(ids["prefixes"]) < 10 < len(ids["local"]) == seed_graph.number_of_nodes()
    assert not any("://" in local for local in ids["local"])
    assert len(details["classSets"]) == len({tuple(p["classes"]) for p in payload["profiles"].values() if "classes" in p})
    assert "https://w3id.org/ecograph/id/" not in safe_json(details["profiles"])


def test_seed_pages_are_byte_identical(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    one = write_page(tmp_path / "one.html", graph=seed_graph).path.read_bytes()
    two = write_page(tmp_path / "two.html", graph=seed_graph).path.read_bytes()
    assert one == two


def test_focus_unknown_or_ambiguous_is_a_clear_error() -> None:
    g = tiny_graph()
    with pytest.raises(EcographError, match="no node"):
        build_scene(g, focus="nothing like this")
    g.add_node(ECOD + "alpha-2", label="ALPHA", kind="Enterprise")
    with pytest.raises(EcographError, match="ambiguous"):
        build_scene(g, focus="alpha")
    assert set(build_scene(g, focus=ECOD + "beta", hops=1).nodes["id"]) == {ECOD + "beta", ECOD + "alpha"}


def test_large_graphs_are_aggregated_by_community() -> None:
    # Three rings of 20 joined in a chain: Louvain finds the three rings.
    g = nx.MultiDiGraph(sections={})
    for ring in range(3):
        for i in range(20):
            g.add_node(f"r{ring}-{i}", label=f"R{ring} {i}", kind="Enterprise")
        for i in range(20):
            g.add_edge(f"r{ring}-{i}", f"r{ring}-{(i + 1) % 20}", kind="partner")
            g.add_edge(f"r{ring}-{i}", f"r{ring}-{(i + 7) % 20}", kind="partner")
    g.add_edge("r0-0", "r1-0", kind="partner")
    g.add_edge("r1-10", "r2-10", kind="partner")
    scene = build_scene(g, max_nodes=59)
    assert scene.meta["aggregated"] and scene.meta["graphNodes"] == 60
    groups = scene.communities["groups"]
    assert sorted(c["size"] for c in groups) == [20, 20, 20]
    ids = scene.nodes["id"]
    for ring in range(3):
        assert len({scene.nodes["community"][ids.index(f"r{ring}-{i}")] for i in range(20)}) == 1
    assert sum(k for _, _, k in scene.communities["links"]) == 2
    assert scene.node_count == 60  # every node is in the page, for drill-down
    assert not build_scene(g, max_nodes=60).meta["aggregated"]


def test_unnamed_parties_are_small_unlabelled_and_say_what_the_source_says(seed_graph: nx.MultiDiGraph) -> None:
    scene = build_scene(seed_graph)
    unnamed = [i for i, flag in enumerate(scene.nodes["unnamed"]) if flag]
    assert len(unnamed) == sum(1 for _, a in seed_graph.nodes(data=True) if a.get("unnamed")) > 0
    named_sizes = [s for s, flag in zip(scene.nodes["size"], scene.nodes["unnamed"], strict=True) if not flag]
    for i in unnamed:
        iri = scene.nodes["id"][i]
        assert scene.nodes["label"][i] == seed_graph.nodes[iri].get("label", "")
        assert scene.nodes["size"][i] < min(named_sizes)
        assert i not in scene.label_order
        said = [text for _, text in seed_graph.nodes[iri].get("descriptions", [])]
        assert [text for _, text in scene.profiles.get(str(i), {}).get("descriptions", [])] == said


def test_seed_page_holds_every_node_edge_figure_and_the_virtuous_circle(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    report = write_page(tmp_path / "seed.html", graph=seed_graph)
    payload = parse(report.path.read_text(encoding="utf-8")).payload
    assert len(payload["nodes"]["id"]) == report.nodes == seed_graph.number_of_nodes()
    assert len(payload["edges"]["s"]) == report.edges == seed_graph.number_of_edges()
    assert payload["meta"]["sizeMeasure"] == report.size_measure == "PageRank"
    assert payload["meta"]["renderer"] == report.renderer == "sigma"
    (chain,) = [c for c in payload["chains"] if c["highlight"]]
    assert chain["name"] == "virtuous-circle" and chain["instances"] == 4
    # Every declared chain is in the page, for the profiles, but only the virtuous circle is lit.
    from ecograph.network.chains import load_chains

    assert [c["name"] for c in payload["chains"]][0] == "virtuous-circle"
    assert {c["name"] for c in payload["chains"]} == set(load_chains())
    assert {payload["nodes"]["id"][i] for i in chain["members"]} == VIRTUOUS_MEMBERS
    table, china = payload["figures"], payload["nodes"]["id"].index(ECOD + "china")
    keys = [k for k in table if k != "iris"]
    rows = [dict(zip(keys, values, strict=True)) for values in zip(*(table[k] for k in keys), strict=True)]
    iri = table["iris"]
    spaces = [f for f in rows if f["node"] == china and iri[f["indicator"]].endswith("indicator-makers-spaces")]
    assert [(f["value"], f["year"], f["growth"]) for f in spaces] == [(5739, "2017", 33)]
    # The source gives China no Chinese name, so none is shown (issue 16).
    assert not [name for lang, name in seed_graph.nodes[ECOD + "china"]["names"] if lang == "zh"]
    assert payload["terms"][iri[spaces[0]["growthQualifier"]]]["en"] == "over"
    assert payload["sections"][spaces[0]["source"]]["title"] in {s["title"] for s in seed_graph.graph["sections"].values()}
    assert len(rows) == sum(len(a["figures"]) for _, a in seed_graph.nodes(data=True))
    parts = [f for f in rows if f["partOf"] >= 0]
    assert {rows[f["partOf"]]["value"] for f in parts} == {67_000_000_000}
    # Labels for every node that has a name, most important (PageRank) first.
    assert len(payload["labelOrder"]) == sum(1 for lab in payload["nodes"]["label"] if lab)


def test_projection_gives_the_profile_its_names_dates_and_parts(seed_graph: nx.MultiDiGraph) -> None:
    assert ["en", "Haier"] in seed_graph.nodes[ECOD + "haier-group"]["names"]
    assert seed_graph.nodes[ECOD + "pujiang-innovation-forum-2018"]["dates"]["startDate"].startswith("2018")
    parts = [f for f in seed_graph.nodes[ECOD + "china"]["figures"] if f["part_of"]]
    assert {f["part_of"] for f in parts} == {ECOD + "obs-2017-china-investment-won"}
    assert sum(f["value"] for f in parts) == 67_000_000_000
    assert seed_graph.graph["terms"]["https://w3id.org/ecograph/concept/indicator-makers-spaces"]["en"] == "makers' spaces"


def test_focus_on_a_label_draws_its_neighbourhood(seed_graph: nx.MultiDiGraph) -> None:
    scene = build_scene(seed_graph, focus="particle space", hops=1)
    ids = set(scene.nodes["id"])
    assert {ECOD + "particle-space", ECOD + "iflytek"} <= ids
    assert scene.meta["focus"] == ECOD + "particle-space"
    assert len(ids) < seed_graph.number_of_nodes()


def test_viz_command_writes_the_page(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--focus", "Shanghai", "--hops", "1", "--renderer", "vis"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert "nodes" in result.output and "vis" in result.output
    payload = parse(out.read_text(encoding="utf-8")).payload
    assert payload["meta"]["focus"] == ECOD + "shanghai"
    assert payload["meta"]["renderer"] == "vis"


def test_viz_command_reports_an_unknown_focus_or_renderer_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--focus", "no such thing"])
    assert result.exit_code == 1
    assert "no node has this IRI or label" in result.output
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--renderer", "svg"])
    assert result.exit_code != 0 and "svg" in result.output
    assert not out.exists()


def test_viz_command_aggregates_by_community_and_rejects_unknown_chains(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--max-nodes", "50"])
    assert result.exit_code == 0, result.output
    assert "communities" in result.output
    payload = parse(out.read_text(encoding="utf-8")).payload
    assert payload["meta"]["aggregated"]
    groups = payload["communities"]["groups"]
    assert sum(c["size"] for c in groups) == seed_graph.number_of_nodes() == len(payload["nodes"]["id"])
    assert sorted(set(payload["nodes"]["community"])) == [c["id"] for c in groups]
    result = CliRunner().invoke(app, ["viz", "--out", str(tmp_path / "x.html"), "--chain", "no-such-chain"])
    assert result.exit_code == 1
    assert "unknown chain 'no-such-chain'" in result.output


def test_chain_option_highlights_that_chain_too(tmp_path: Path, seed_graph: nx.MultiDiGraph) -> None:
    from ecograph.network.chains import find_chains

    out = tmp_path / "page.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(out), "--chain", "incubation-lineage"])
    assert result.exit_code == 0, result.output
    payload = parse(out.read_text(encoding="utf-8")).payload
    names = [c["name"] for c in payload["chains"] if c["highlight"]]
    assert names == ["virtuous-circle", "incubation-lineage"]
    lineage = payload["chains"][1]
    expected = find_chains(seed_graph, "incubation-lineage")["incubation-lineage"]
    assert lineage["instances"] == len(expected) > 0
    ids = payload["nodes"]["id"]
    assert ECOD + "huibo" in {ids[i] for i in lineage["members"]}
