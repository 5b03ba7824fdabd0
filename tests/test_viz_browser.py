"""The analysts' page in a real headless Chromium: offline, complete, searchable, and inert to hostile text."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from ecograph.viz import build_page, write_page
from ecograph.viz.browser import chromium, wait_ready
from support import BIDI, ECOD, PAYLOADS, VIRTUOUS_MEMBERS, hostile_graph, parse, shown

pytest.importorskip("selenium")
if not (shutil.which("chromium") and shutil.which("chromedriver")):
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """One headless Chromium for the module, fresh profile, console and network logs on."""
    with chromium() as d:
        yield d


def open_page(driver: Any, path: Path) -> list[dict]:
    """Open a page from file:// and return the DevTools network events it caused."""
    driver.get("about:blank")
    driver.get_log("performance")  # drop the browser's own start-up traffic
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())
    wait_ready(driver)
    return [json.loads(e["message"])["message"] for e in driver.get_log("performance")]


def assert_offline(driver: Any, events: list[dict], path: Path) -> None:
    """Nothing but the file itself and data: URIs was requested, and nothing failed."""
    own = path.resolve().as_uri()
    requested = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
    assert own in requested
    assert [u for u in requested if u != own and not u.startswith("data:")] == []
    assert [e for e in events if e["method"] == "Network.loadingFailed"] == []
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [u for u in resources if not u.startswith("data:")] == []


def console_errors(driver: Any) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    projection = pytest.importorskip("ecograph.network.projection")
    return projection.load_projection()


@pytest.fixture(scope="module")
def seed_page(driver: Any, seed_graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The seed page (default renderer), opened once; returns its path and the network events of the load."""
    path = write_page(tmp_path_factory.mktemp("page") / "ecograph.html", graph=seed_graph).path
    events = open_page(driver, path)
    return {"path": path, "events": events, "errors": console_errors(driver), "stats": stats(driver)}


def stats(driver: Any) -> dict:
    return driver.execute_script("return window.ecographPage.stats()")


def test_seed_page_opens_offline_without_errors(driver: Any, seed_page: dict) -> None:
    assert seed_page["errors"] == []
    assert_offline(driver, seed_page["events"], seed_page["path"])


def test_first_view_is_readable_and_complete(seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    first = seed_page["stats"]
    assert first["renderer"] == "sigma" and first["aggregated"] is False
    assert first["nodes"] == seed_graph.number_of_nodes()
    assert first["edges"] == seed_graph.number_of_edges()
    assert first["labelOverlaps"] == 0
    assert first["labelsShown"] >= 20
    assert first["firstFrameMs"] > 0


def test_first_frame_is_reported_on_screen_after_it_was_drawn(driver: Any, seed_page: dict) -> None:
    shown = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () { done(window.ecographPage.stats()); }); });"
    )
    assert shown["shownMs"] >= shown["firstFrameMs"] > 0


def test_shown_labels_are_real_names_and_do_not_overlap(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    labels = driver.execute_script("return window.ecographPage.shownLabels()")
    names = {a["label"] or a["label_zh"] for _, a in seed_graph.nodes(data=True) if not a.get("unnamed")}
    assert {lab["text"] for lab in labels} <= names
    for a, b in combinations(labels, 2):
        apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
        assert apart, (a["text"], b["text"])
    unnamed = {n for n, a in seed_graph.nodes(data=True) if a.get("unnamed")}
    assert not unnamed & {lab["id"] for lab in labels}


def test_zooming_in_shows_more_labels_without_overlaps(driver: Any, seed_page: dict) -> None:
    zoom = 2.5
    size = driver.execute_script("var b = document.getElementById('network'); return [b.clientWidth, b.clientHeight]")
    centre = driver.execute_script(
        "var r = window.ecographPage.renderer, s = r.sigma(), c = r.camera().getState();"
        "return window.ecographPage.shownLabels().map(function (l) { return l.id; });"
    )
    # The nodes that will fill the window once zoomed in are those now in its middle part.
    middle = driver.execute_script(
        "var s = window.ecographPage.renderer.sigma(), w = arguments[0], h = arguments[1], z = arguments[2], out = [];"
        "s.getGraph().forEachNode(function (k, a) { var p = s.framedGraphToViewport(s.getNodeDisplayData(k));"
        " if (Math.abs(p.x - w / 2) < w / (2 * z) && Math.abs(p.y - h / 2) < h / (2 * z)) out.push(window.ecographPage.nodeId(a.i)); });"
        "return out;", size[0], size[1], zoom)
    labelled_before = set(centre) & set(middle)
    driver.execute_script(
        "var c = window.ecographPage.renderer.camera(), st = c.getState(); c.setState({x: st.x, y: st.y, ratio: st.ratio / arguments[0]});"
        "window.ecographPage.renderer.sigma().refresh();", zoom
    )
    zoomed = stats(driver)
    labelled_after = {lab["id"] for lab in driver.execute_script("return window.ecographPage.shownLabels()")}
    assert zoomed["labelOverlaps"] == 0
    assert len(labelled_after & set(middle)) > len(labelled_before)
    open_page(driver, seed_page["path"])


@pytest.mark.parametrize(
    ("query", "iri"), [("huibo", ECOD + "huibo"), ("particle SPACE", ECOD + "particle-space"), ("BEIJING", ECOD + "beijing")]
)
def test_search_selects_and_focuses_a_node(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph, query: str, iri: str) -> None:
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(query, Keys.ENTER)
    assert driver.execute_script("return window.ecographPage.selected()") == iri
    heading = driver.find_element(By.CSS_SELECTOR, "#panel h2.name").text
    assert heading == seed_graph.nodes[iri]["label"]
    neighbours = {iri} | set(nx.all_neighbors(seed_graph, iri))
    assert set(driver.execute_script("return window.ecographPage.highlighted()")) == neighbours
    driver.execute_script("window.ecographPage.unfocus()")


def test_search_finds_other_names_too(driver: Any, seed_page: dict) -> None:
    found = driver.execute_script("return window.ecographPage.search('Haier')")
    assert ECOD + "haier-group" in found
    driver.execute_script("window.ecographPage.unfocus()")


def test_huibo_profile_shows_figures_with_unit_year_and_source(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    driver.execute_script("window.ecographPage.select(arguments[0])", ECOD + "huibo")
    rows = driver.find_elements(By.CSS_SELECTOR, "#panel table.figures tr.figure")
    sources = driver.find_elements(By.CSS_SELECTOR, "#panel table.figures tr.figure-source")
    figures = seed_graph.nodes[ECOD + "huibo"]["figures"]
    assert len(rows) == len(sources) == len(figures) > 0
    titles = {s["title"] for s in seed_graph.graph["sections"].values()}
    for row, src, fig in zip(rows, sources, figures, strict=True):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        assert f"{fig['value']:,}" in cells[1]
        assert cells[2] == seed_graph.graph["terms"][fig["unit"]]["en"]
        assert cells[3] == str(fig["year"])
        assert src.text.removeprefix("Source: ").split(" — ")[0] in titles
    panel = driver.find_element(By.ID, "panel").text
    assert "HUIBO" in panel and "https://w3id.org/ecograph/id/huibo" in panel
    assert "incubatedBy" in panel and "Sudatiangong Makers' Space" in panel
    assert "incubation-lineage" in panel  # the chains it belongs to
    query = driver.find_element(By.CSS_SELECTOR, "#panel textarea").get_attribute("value")
    assert "<https://w3id.org/ecograph/id/huibo>" in query and query.lstrip().startswith("PREFIX")
    # A relation is a link that focuses its neighbour.
    driver.find_element(By.CSS_SELECTOR, f'#panel button.link[data-node="{ECOD}sudatiangong-makers-space"]').click()
    assert driver.execute_script("return window.ecographPage.selected()") == ECOD + "sudatiangong-makers-space"
    driver.execute_script("window.ecographPage.unfocus()")


def test_unnamed_party_profile_says_so(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    iri = ECOD + "haier-group-spaces"
    driver.execute_script("window.ecographPage.select(arguments[0])", iri)
    panel = driver.find_element(By.ID, "panel").text
    assert "Unnamed in the source." in panel
    for _, text in seed_graph.nodes[iri]["descriptions"]:
        assert text in panel
    driver.execute_script("window.ecographPage.unfocus()")


def chart_values(driver: Any) -> list[dict]:
    return driver.execute_script(
        "return window.ecographFigures.charts.map(function (c) { var o = c.getOption();"
        " return {series: o.series.map(function (s) { return (s.data || []).map(function (d) {"
        " return d && typeof d === 'object' ? {value: d.value, tip: d.tip || [], text: d.text || ''} : d; }); })}; })"
    )


def test_figures_view_charts_the_seed_observations(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    driver.find_element(By.ID, "tab-figures").click()
    assert stats(driver)["charts"] >= 3
    charts = chart_values(driver)
    points = [p for c in charts for s in c["series"] for p in s if isinstance(p, dict)]
    china = {f["indicator"].rsplit("/", 1)[-1]: f for f in seed_graph.nodes[ECOD + "china"]["figures"]}
    growth = [p for p in points if any(line.split(": ", 1)[-1] == "makers' spaces" for line in p["tip"][:1])]
    assert any(p["value"] == china["indicator-makers-spaces"]["growth"] and "value: 5,739 organisation" in p["tip"] for p in growth)
    parts = {p["value"] for p in points if not isinstance(p["value"], list)}
    assert {57_000_000_000, 10_000_000_000, 67_000_000_000} <= parts
    themes = [p for p in points if isinstance(p["value"], list)]
    years = {int(p["value"][1]) for p in themes}
    assert set(range(2008, 2019)) <= years
    assert all(any(line.startswith("source: ") for line in p["tip"]) for p in themes)
    driver.find_element(By.ID, "tab-graph").click()


def test_legend_toggles_a_family_and_a_class(driver: Any, seed_page: dict) -> None:
    family = driver.find_element(By.CSS_SELECTOR, '#legend-families button.family[data-family="spaces"]')
    members = int(family.find_element(By.CSS_SELECTOR, ".count").text)
    before = stats(driver)
    family.click()
    hidden = stats(driver)
    assert hidden["nodes"] == before["nodes"] - members and hidden["edges"] < before["edges"]
    assert family.get_attribute("aria-pressed") == "false"
    family.click()
    assert stats(driver)["nodes"] == before["nodes"]
    incubators = driver.find_element(By.CSS_SELECTOR, '#legend-families button[data-kind="Incubator"]')
    count = int(incubators.find_element(By.CSS_SELECTOR, ".count").text)
    incubators.click()
    assert stats(driver)["nodes"] == before["nodes"] - count
    incubators.click()
    assert stats(driver) == before


def test_virtuous_circle_is_highlighted_and_the_rest_dimmed(driver: Any, seed_page: dict) -> None:
    assert driver.execute_script("return window.ecographPage.chainsOn()")
    assert set(driver.execute_script("return window.ecographPage.highlighted()")) == VIRTUOUS_MEMBERS


def test_screenshots_of_overview_profile_and_figures(driver: Any, seed_page: dict, tmp_path: Path) -> None:
    """The pictures in the README and docs/page.md: ECOGRAPH_SCREENSHOTS=docs/img saves them there."""
    shots_dir = Path(os.environ.get("ECOGRAPH_SCREENSHOTS") or tmp_path)
    shots_dir.mkdir(parents=True, exist_ok=True)
    open_page(driver, seed_page["path"])
    shots = {"page-overview.png": None, "page-profile.png": ECOD + "huibo", "page-figures.png": "figures"}
    for name, what in shots.items():
        if what == "figures":
            driver.find_element(By.ID, "tab-figures").click()
        elif what:
            driver.execute_script("window.ecographPage.select(arguments[0])", what)
        assert driver.save_screenshot(str(shots_dir / name))
        data = (shots_dir / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 400_000


def test_vis_renderer_draws_and_searches_the_seed(driver: Any, seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_page(tmp_path / "vis.html", graph=seed_graph, renderer="vis").path
    events = open_page(driver, path)
    assert_offline(driver, events, path)
    first = stats(driver)
    assert first["renderer"] == "vis"
    assert (first["nodes"], first["edges"]) == (seed_graph.number_of_nodes(), seed_graph.number_of_edges())
    assert first["labelOverlaps"] == 0 and first["labelsShown"] >= 20
    # The source gives no Chinese names (issue 16); the hostile-label test searches Chinese text.
    assert driver.execute_script("return window.ecographPage.search('Beijing')")[0] == ECOD + "beijing"
    assert set(driver.execute_script("return window.ecographPage.highlighted()")) >= {ECOD + "beijing"}
    driver.execute_script("window.ecographPage.showTab('figures')")
    assert stats(driver)["charts"] >= 3
    assert console_errors(driver) == []


def test_aggregated_page_drills_down_into_a_community(driver: Any, seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    report = write_page(tmp_path / "agg.html", graph=seed_graph, max_nodes=50)
    open_page(driver, report.path)
    first = stats(driver)
    assert first["aggregated"] and first["nodes"] == report.communities
    driver.execute_script("window.ecographPage.enterCommunity(0)")
    inside = stats(driver)
    assert not inside["aggregated"] and 0 < inside["nodes"] < seed_graph.number_of_nodes()
    assert inside["labelOverlaps"] == 0
    assert driver.execute_script("return window.ecographPage.search('HUIBO')") == [ECOD + "huibo"]
    assert driver.execute_script("return window.ecographPage.selected()") == ECOD + "huibo"
    assert console_errors(driver) == []


@pytest.mark.parametrize("renderer", ["sigma", "vis"])
def test_hostile_labels_stay_inert_text(driver: Any, tmp_path: Path, renderer: str) -> None:
    graph = hostile_graph()
    html, _ = build_page(graph, renderer=renderer)
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    events = open_page(driver, path)
    assert_offline(driver, events, path)
    for i, text in enumerate(PAYLOADS):
        driver.execute_script("window.ecographPage.select(arguments[0])", f"{ECOD}hostile-{i}")
        assert driver.execute_script("return document.querySelector('#panel h2.name').textContent") == shown(text)
        zh = driver.execute_script("return document.querySelector('#panel .zh').textContent")
        assert zh == shown("中国" + text)
        sources = driver.execute_script("return document.querySelector('#panel .sources li').textContent")
        assert sources == PAYLOADS[1]  # the section title
        cells = driver.execute_script("return Array.from(document.querySelectorAll('#panel table.figures td')).map(e => e.textContent)")
        assert PAYLOADS[0] in cells  # the unit, as text
        assert not BIDI.search(driver.execute_script("return document.body.textContent"))
        driver.execute_script("window.ecographPage.renderer.repaint()")
    found = driver.execute_script("return window.ecographPage.search(arguments[0])", "中国<script>")
    assert found == [ECOD + "hostile-0"]
    results = driver.execute_script("return Array.from(document.querySelectorAll('#results button')).map(e => e.textContent)")
    assert results and results[0].startswith(PAYLOADS[0])
    assert driver.execute_script("return window.ecographPage.search('evil')") == [ECOD + "hostile-4"]
    legend = driver.execute_script(
        "return Array.from(document.querySelectorAll('#legend-families button[data-kind] .name')).map(e => e.textContent)"
    )
    assert sorted(set(legend)) == sorted(set(PAYLOADS[:3]))
    edge_kinds = driver.execute_script("return Array.from(document.querySelectorAll('#legend-edges .name')).map(e => e.textContent)")
    assert edge_kinds == [PAYLOADS[3]]
    labels = [lab["text"] for lab in driver.execute_script("return window.ecographPage.shownLabels()")]
    assert shown(PAYLOADS[4]) in labels and not any(BIDI.search(t) for t in labels)
    driver.execute_script("window.ecographPage.showTab('figures')")
    assert driver.execute_script("return window.ecographPage.stats().charts") >= 1
    tips = driver.execute_script(
        "return window.ecographFigures.charts.map(function (c) { c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});"
        " return c.getDom().textContent; })"
    )
    options = driver.execute_script("return JSON.stringify(window.ecographFigures.charts.map(function (c) { return c.getOption(); }))")
    assert not BIDI.search(options) and not any(BIDI.search(t) for t in tips)
    assert shown(PAYLOADS[4]) in options or any(shown(PAYLOADS[4]) in t for t in tips)
    driver.execute_script("window.ecographPage.showTab('graph')")
    driver.execute_script("window.ecographPage.unfocus()")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('img, iframe, a, object, embed').length") == 0
    inline = driver.execute_script("return Array.from(document.scripts).filter(s => s.type !== 'application/json').length")
    assert inline == len(parse(html).scripts) - 2  # all but the two JSON blocks
    assert console_errors(driver) == []


def test_a_right_to_left_override_cannot_reverse_a_shown_name(driver: Any, tmp_path: Path) -> None:
    """U+202E before "evil" would draw it as "live": the page draws e, v, i, l from left to right."""
    html, _ = build_page(hostile_graph())
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    open_page(driver, path)
    driver.execute_script("window.ecographPage.select(arguments[0])", f"{ECOD}hostile-4")
    lefts = driver.execute_script(
        "var t = document.querySelector('#panel h2.name').firstChild, s = t.data.indexOf('evil'), out = [];"
        "for (var k = s; k < s + 4; k++) { var r = document.createRange(); r.setStart(t, k); r.setEnd(t, k + 1);"
        " out.push(r.getBoundingClientRect().left); } return out;"
    )
    assert lefts == sorted(lefts) and len(set(lefts)) == 4
