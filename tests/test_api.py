"""The Python API: ecograph.open, queries as DataFrames and CSV, chains, rankings, the page inline and saved."""

from __future__ import annotations

import csv
import doctest
import html
import shutil
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import ecograph
from ecograph.api import KnowledgeGraph, Page
from ecograph.cli import app
from ecograph.errors import EcographError, MissingDependency
from ecograph.project import init_project
from support import REPO

pandas = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ECOGRAPH_HOME", raising=False)
        mp.chdir(REPO)
        return ecograph.open()


def test_the_api_is_listed_in_all() -> None:
    assert {"open", "KnowledgeGraph", "QueryResult", "Page", "__version__"} <= set(ecograph.__all__)
    for name in ecograph.__all__:
        assert getattr(ecograph, name) is not None


def test_docs_python_md_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOGRAPH_HOME", raising=False)
    monkeypatch.chdir(REPO)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, tried = doctest.testfile(str(REPO / "docs" / "python.md"), module_relative=False, optionflags=flags, verbose=False)
    assert tried >= 15 and failures == 0


def test_query_by_name_and_text_gives_typed_columns(kg: KnowledgeGraph) -> None:
    df = kg.query("06-national-figures").to_pandas()
    spaces = df[df.indicator == "https://w3id.org/ecograph/concept/indicator-makers-spaces"].iloc[0]
    assert (spaces.area, int(spaces.year), int(spaces.value), spaces.unitLabel) == ("https://w3id.org/ecograph/id/china", 2017, 5739, "organisation")
    assert str(df["value"].dtype) == "int64" and str(df["comparedWith"].dtype) == "Int64"  # gaps stay <NA>, not 2016.0
    assert df["growthRate"].dropna().map(type).eq(float).all()
    text = kg.query("SELECT ?space WHERE { ?company eco:incubatedBy ?space ; rdfs:label ?name } ORDER BY ?space")
    assert {t.value for (t,) in text.rows} >= {"https://w3id.org/ecograph/id/sudatiangong-makers-space"}


def test_parameters_are_bound_like_the_command_line(kg: KnowledgeGraph) -> None:
    ours = kg.query("evidence", subject="ecod:huibo")
    runner = CliRunner()
    theirs = runner.invoke(app, ["query", "17-evidence", "--param", "subject=ecod:huibo", "--format", "json"])
    assert theirs.exit_code == 0, theirs.output
    assert ours.serialize("json").strip() == theirs.output.strip().encode("utf-8")
    with pytest.raises(EcographError, match="has no parameter 'no_such_parameter'"):
        kg.query("evidence", no_such_parameter="x")


def test_unknown_names_and_bad_text_are_clear_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(EcographError, match="national-figures"):
        kg.query("natonal-figures")
    with pytest.raises(EcographError, match=r"<query>:1: column \d+"):
        kg.query("SELECT ?x WHERE { ?x ?y }")


def test_ask_and_construct_answers_as_frames(kg: KnowledgeGraph) -> None:
    ask = kg.query("24-graduates-found-spaces").to_pandas()
    assert ask.columns.tolist() == ["answer"] and bool(ask.answer[0]) is True
    graph = kg.query("25-construct-incubation-network").to_pandas(compact=True)
    assert graph.columns.tolist() == ["subject", "predicate", "object"]
    assert ((graph.subject == "ecod:huibo") & (graph.object == "ecod:sudatiangong-makers-space")).any()


def test_to_csv_writes_what_the_command_writes(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = kg.query("06-national-figures").to_csv(tmp_path / "figures.csv")
    result = CliRunner().invoke(app, ["query", "06-national-figures", "--format", "csv"])
    assert path.read_text(encoding="utf-8").replace("\r\n", "\n").strip() == result.output.replace("\r\n", "\n").strip()
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 15 and {r["value"] for r in rows} >= {"5739"}


def test_a_result_shows_as_an_escaped_table_in_notebooks(kg: KnowledgeGraph) -> None:
    store = ox.Store()
    label = '<script>alert("x")</script>'
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal(label), ox.NamedNode("urn:g")))
    hostile = KnowledgeGraph(store, kg.project).query("SELECT ?o WHERE { ?s ?p ?o }")
    shown = hostile._repr_html_()
    assert "<script>" not in shown and html.escape(label) in shown
    assert "15 rows" in kg.query("06-national-figures")._repr_html_()


def test_chains_and_analysis_match_the_commands(kg: KnowledgeGraph) -> None:
    import json

    chains = kg.chains()
    found = json.loads(CliRunner().invoke(app, ["chains", "--format", "json"]).output)
    assert {c: chains[chains.chain == c].instance.nunique() for c in found} == {c: len(i) for c, i in found.items()}
    circle = chains[(chains.chain == "virtuous-circle") & (chains.edge == "graduatedFrom")]
    assert set(circle.from_label) >= {"iFLYTEK", "DAAN GENE"}
    assert circle.sources.str.contains("virtuous circle").all()
    ranks = kg.analyze(top=5)
    expected = list(csv.reader(CliRunner().invoke(app, ["analyze", "--format", "csv", "--top", "5"]).output.splitlines()))
    assert ranks.columns.tolist() == expected[0]
    assert ranks.label.tolist() == [row[3] for row in expected[1:]]


def test_page_inline_is_a_sandboxed_frame_and_saves_one_file(kg: KnowledgeGraph, tmp_path: Path) -> None:
    page = kg.page(focus="HUIBO")
    assert isinstance(page, Page) and page.nodes >= 2
    frame = page._repr_html_()
    assert frame.startswith('<iframe sandbox="allow-scripts" srcdoc="')
    assert "allow-same-origin" not in frame and "<script" not in frame.split('srcdoc="', 1)[1].split('"', 1)[0]
    assert html.unescape(frame.split('srcdoc="', 1)[1].split('"', 1)[0]) == page.html
    saved = page.save(tmp_path / "deep" / "huibo.html")
    assert saved.read_text(encoding="utf-8") == page.html and "HUIBO" in page.html


def test_open_takes_a_home_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOGRAPH_HOME", raising=False)
    root = init_project(tmp_path / "mine").root
    (root / "graph" / "extra.trig").write_text(
        "@prefix ecod: <https://w3id.org/ecograph/id/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/ecograph/graph/extra> { ecod:extra-thing rdfs:label \"Extra thing\"@en . }\n",
        encoding="utf-8",
    )
    kg = ecograph.open(home=root, inferred=False)
    monkeypatch.chdir(tmp_path)  # elsewhere, without a project: the graph still uses its own
    assert kg.project.root == root
    names = {r["name"].value for r in kg.query("example-organisations").records()}
    assert "Ministry of Science and Technology" in names
    assert kg.query("SELECT ?n WHERE { ecod:extra-thing rdfs:label ?n }").rows[0][0].value == "Extra thing"


def test_without_pandas_the_message_says_what_to_install(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    answer = kg.query("06-national-figures")
    assert len(answer.rows) == 15  # queries need no pandas
    for action in (answer.to_pandas, kg.chains, kg.analyze, kg.queries):
        with pytest.raises(MissingDependency, match=r'pip install "ecograph\[notebook\]"'):
            action()


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")), reason="chromium and chromedriver are not installed")
def test_the_inline_page_draws_in_a_browser(kg: KnowledgeGraph, tmp_path: Path) -> None:
    pytest.importorskip("selenium")
    from ecograph.viz.browser import chromium, wait_ready

    page = kg.page(focus="HUIBO")
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body><h1>cell output</h1>{page._repr_html_()}</body></html>", encoding="utf-8")
    driver: Any
    with chromium() as driver:
        driver.get(notebook.resolve().as_uri())
        driver.switch_to.frame(0)
        wait_ready(driver)
        drawn = driver.execute_script("return document.body.innerText")
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert "HUIBO" in drawn
    assert errors == []
