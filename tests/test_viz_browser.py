"""The analysts' page in a real headless Chromium: offline, complete, searchable, and inert to hostile text."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from ecograph.viz import build_page, write_page
from ecograph.viz.browser import chromium, wait_ready
from support import ECOD, PAYLOADS, VIRTUOUS_MEMBERS, hostile_graph

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
    """The seed page, opened once; returns its path and the network events of the load."""
    path = write_page(tmp_path_factory.mktemp("page") / "ecograph.html", graph=seed_graph).path
    events = open_page(driver, path)
    return {"path": path, "events": events, "errors": console_errors(driver)}


def test_seed_page_opens_offline_without_errors(driver: Any, seed_page: dict) -> None:
    assert seed_page["errors"] == []
    assert_offline(driver, seed_page["events"], seed_page["path"])


def test_seed_page_draws_the_whole_graph(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    counts = driver.execute_script("return window.ecograph.counts()")
    assert counts["nodes"] == seed_graph.number_of_nodes()
    assert counts["edges"] == seed_graph.number_of_edges()
    assert driver.execute_script("return window.ecograph.meta.sizeMeasure") in ("PageRank", "degree")


@pytest.mark.parametrize(
    ("query", "iri"), [("huibo", ECOD + "huibo"), ("particle SPACE", ECOD + "particle-space"), ("BEIJING", ECOD + "beijing")]
)
def test_search_selects_and_centres_a_node(
    driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph, query: str, iri: str
) -> None:
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(query, Keys.ENTER)
    assert driver.execute_script("return window.ecograph.network.getSelectedNodes()") == [iri]
    heading = driver.find_element(By.CSS_SELECTOR, "#panel h2.name").text
    assert heading == seed_graph.nodes[iri]["label"]
    centre = driver.execute_script("return window.ecograph.network.getViewPosition()")
    node = driver.execute_script("return window.ecograph.network.getPositions([arguments[0]])[arguments[0]]", iri)
    assert abs(centre["x"] - node["x"]) < 1 and abs(centre["y"] - node["y"]) < 1


def test_panel_shows_figures_with_unit_year_qualifier_and_source(driver: Any, seed_page: dict) -> None:
    driver.execute_script("window.ecograph.select(arguments[0])", ECOD + "china")
    figures = [f.text for f in driver.find_elements(By.CSS_SELECTOR, "#panel .figure")]
    spaces = [f for f in figures if "5,739" in f]
    assert len(spaces) == 1
    assert "(2017)" in spaces[0] and "Source: " in spaces[0]
    assert any("more than 25,000,000 square metre" in f for f in figures)


def test_legend_toggles_hide_and_show_a_class(driver: Any, seed_page: dict, seed_graph: nx.MultiDiGraph) -> None:
    incubators = sum(1 for _, a in seed_graph.nodes(data=True) if a["kind"] == "Incubator")
    button = driver.find_element(By.CSS_SELECTOR, '#legend-nodes button[data-kind="Incubator"]')
    assert button.find_element(By.CSS_SELECTOR, ".count").text == str(incubators)
    before = driver.execute_script("return window.ecograph.counts()")
    button.click()
    hidden = driver.execute_script("return window.ecograph.counts()")
    assert hidden["nodes"] == before["nodes"] - incubators
    assert hidden["edges"] < before["edges"]
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert driver.execute_script("return window.ecograph.counts()") == before


def test_virtuous_circle_is_highlighted_and_the_rest_dimmed(driver: Any, seed_page: dict) -> None:
    assert driver.execute_script("return window.ecograph.chainsOn()")
    assert set(driver.execute_script("return window.ecograph.highlighted()")) == VIRTUOUS_MEMBERS


def test_screenshot_of_the_seed_page(driver: Any, seed_page: dict, tmp_path: Path) -> None:
    shot = tmp_path / "seed-page.png"
    open_page(driver, seed_page["path"])  # as it opens, before any search
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 150_000


def test_hostile_labels_stay_inert_text(driver: Any, tmp_path: Path) -> None:
    graph = hostile_graph()
    html, _ = build_page(graph)
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    events = open_page(driver, path)
    assert_offline(driver, events, path)
    for i, text in enumerate(PAYLOADS):
        driver.execute_script("window.ecograph.select(arguments[0])", f"{ECOD}hostile-{i}")
        assert driver.execute_script("return document.querySelector('#panel h2.name').textContent") == text
        zh = driver.execute_script("return document.querySelector('#panel .zh').textContent")
        assert zh == "中国" + text
        sources = driver.execute_script("return document.querySelector('#panel .sources li').textContent")
        assert sources == PAYLOADS[1]  # the section title
    found = driver.execute_script("return window.ecograph.search(arguments[0])", "中国<script>")
    assert found == [ECOD + "hostile-0"]
    legend = driver.execute_script(
        "return Array.from(document.querySelectorAll('#legend-nodes .name')).map(e => e.textContent)"
    )
    assert sorted(legend) == sorted(set(PAYLOADS[:3]))
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('img, iframe, a, object').length") == 0
    assert driver.execute_script("return document.scripts.length") == 4
    assert console_errors(driver) == []
