"""Tests of the build (determinism, round trips, atomic swap) and of the ecograph command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

import ecograph.build.artefacts as build_module
from ecograph.build.artefacts import BuildReport, build
from ecograph.cli import app
from ecograph.errors import EcographError, InputError
from ecograph.rdf.loading import load_dataset, store_from_files
from ecograph.sparql.catalogue import load_catalogue
from support import FIXTURES, SHIPPED, tree_bytes

EXPECTED_FILES = {
    "ecograph.ttl",
    "ecograph.nt",
    "ecograph.trig",
    "ecograph.jsonld",
    "ecograph-inferred.ttl",
    "ontology/ecograph.ttl",
    "ontology/index.html",
    "ontology/concepts.html",
}
RDFLIB = {"ttl": "turtle", "nt": "nt", "trig": "trig", "jsonld": "json-ld"}
RAPPER = {"ttl": "turtle", "nt": "ntriples", "trig": "trig"}


@dataclass
class Built:
    """Two builds of one project and the data they were built from."""

    first: Path
    second: Path
    report: BuildReport
    data: list[ox.Quad]


def store_dump(stmts: list, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> bytes:
    """Serialise statements as they are, without ecograph.rdf.export."""
    return ox.serialize(stmts, format=fmt)


def _repo_has_data() -> bool:
    return (SHIPPED / "ontology" / "ecograph.ttl").is_file() and any((SHIPPED / "graph").rglob("*.trig"))


@pytest.fixture(scope="module", params=["fixture", "repo"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build the fixture project (without validation and reasoning) or the real project (all steps) twice."""
    root = tmp_path_factory.mktemp(request.param)
    with pytest.MonkeyPatch.context() as mp:
        if request.param == "fixture":
            home = root / "project"
            shutil.copytree(FIXTURES / "project", home)
            mp.setenv("ECOGRAPH_HOME", str(home))
            steps = {"validate": False, "reason": False}
        else:
            if not _repo_has_data():
                pytest.skip("the project has no ontology/ecograph.ttl and graph/**/*.trig yet")
            mp.delenv("ECOGRAPH_HOME", raising=False)
            steps = {}
        report = build(root / "a" / "build", **steps)
        build(root / "b" / "build", **steps)
        data = list(load_dataset())
    return Built(root / "a" / "build", root / "b" / "build", report, data)


def test_two_builds_are_byte_identical(built: Built) -> None:
    first, second = tree_bytes(built.first), tree_bytes(built.second)
    assert set(first) >= EXPECTED_FILES
    assert first == second


def test_report_lists_the_files_written(built: Built) -> None:
    on_disk = {path: len(body) for path, body in tree_bytes(built.first).items()}
    assert {f.path: f.size for f in built.report.files} == on_disk
    assert [s.name for s in built.report.steps][0] == "load"
    assert {"export", "document"} <= {s.name for s in built.report.steps}


def test_no_temporary_directories_are_left(built: Built) -> None:
    assert [p.name for p in built.first.parent.iterdir()] == ["build"]


@pytest.mark.parametrize("name", ["ecograph.trig", "ecograph.jsonld"])
def test_dataset_exports_keep_the_named_graphs(built: Built, name: str, nquads) -> None:
    path = built.first / name
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    assert nquads(ox.parse(path=path, format=fmt)) == nquads(built.data)
    got = rdflib.Dataset()
    got.parse(path, format=RDFLIB[path.suffix[1:]])
    expected = rdflib.Dataset()
    expected.parse(data=store_dump(built.data), format="nquads")
    names = {g.identifier for g in expected.graphs() if len(g)}
    assert names == {g.identifier for g in got.graphs() if len(g)}
    for name_ in names:
        assert isomorphic(expected.graph(name_), got.graph(name_)), name_


@pytest.mark.parametrize("name", ["ecograph.ttl", "ecograph.nt"])
def test_triple_exports_are_the_union(built: Built, name: str, nquads) -> None:
    path = built.first / name
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    union = [q.triple for q in built.data]
    assert nquads(ox.parse(path=path, format=fmt)) == nquads(union)
    got = rdflib.Graph().parse(path, format=RDFLIB[path.suffix[1:]])
    expected = rdflib.Graph().parse(data=store_dump(union, ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(expected, got)


def test_inferred_export_holds_only_what_reasoning_added(built: Built, nquads) -> None:
    got = nquads(ox.parse(path=built.first / "ecograph-inferred.ttl", format=ox.RdfFormat.TURTLE))
    asserted = nquads(q.triple for q in built.data)
    assert not (asserted & got)
    assert got == nquads(q.triple for q in built.report.inferred)


@pytest.mark.parametrize("name", ["ecograph.ttl", "ecograph.nt", "ecograph.trig"])
def test_rapper_parses_the_exports(built: Built, name: str, rapper) -> None:
    result = rapper(built.first / name, RAPPER[Path(name).suffix[1:]])
    assert result.returncode == 0, result.stderr
    assert "returned 0 triples" not in result.stderr


def test_jsonld_has_no_remote_context(built: Built) -> None:
    text = (built.first / "ecograph.jsonld").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert isinstance(doc, list)
    assert '"@context"' not in text  # expanded form: nothing to fetch


def test_ontology_html_is_reproducible(fixtures_dir: Path) -> None:
    # The fixture's owl:intersectionOf of four members is what pyLODE used to render in random order.
    ontology = fixtures_dir / "project" / "ontology" / "ecograph.ttl"
    pages = {build_module.ontology_html(ontology) for _ in range(3)}
    assert len(pages) == 1
    assert pages.pop().count('class="cardinality">and') == 3


def test_ontology_documentation_is_offline_html(built: Built) -> None:
    html = (built.first / "ontology" / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script src=" not in html and '<link href="http' not in html


# --- failures -------------------------------------------------------------------------


def test_broken_trig_exits_2_naming_file_and_line_and_keeps_the_build(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "build"
    out.mkdir(parents=True)
    (out / "previous.txt").write_text("from an earlier build")
    shutil.copy(FIXTURES / "broken.trig", project / "graph" / "seed" / "broken.trig")
    result = CliRunner().invoke(app, ["build", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "graph/seed/broken.trig:7:" in result.stderr
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert [p.name for p in out.iterdir()] == ["previous.txt"]
    assert [p.name for p in out.parent.iterdir()] == ["build"]


def test_failure_after_loading_keeps_the_build(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out" / "build"
    build(out, validate=False, reason=False)
    before = tree_bytes(out)

    def broken_html(path: Path) -> str:
        raise EcographError("pyLODE could not document it")

    monkeypatch.setattr(build_module, "ontology_html", broken_html)
    (project / "graph" / "seed" / "c-new.ttl").write_text(
        "<https://w3id.org/ecograph/id/new> <http://www.w3.org/2000/01/rdf-schema#label> \"new\" .\n"
    )
    with pytest.raises(EcographError, match="pyLODE"):
        build(out, validate=False, reason=False)
    assert tree_bytes(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["build"]


def test_validate_unreadable_file_exits_2(fixtures_dir: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(fixtures_dir / "broken.trig")])
    assert result.exit_code == 2, result.output
    assert "broken.trig:7:" in result.stderr
    assert "Traceback" not in result.stderr


def test_input_error_names_file_and_line(fixtures_dir: Path) -> None:
    with pytest.raises(InputError) as info:
        store_from_files([fixtures_dir / "broken.trig"])
    assert info.value.line == 7
    assert info.value.path.endswith("broken.trig")
    assert str(info.value).startswith(f"{info.value.path}:7: ")


def test_missing_and_unknown_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.trig"):
        store_from_files([tmp_path / "missing.trig"])
    (tmp_path / "data.csv").write_text("a,b\n")
    with pytest.raises(InputError, match="unsupported file type"):
        store_from_files([tmp_path / "data.csv"])


# --- command line ---------------------------------------------------------------------


def test_cli_build_and_run_succeed_on_the_fixture(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fixture project has no shapes: run the command line without the validate and reason steps.
    def without_checks(*args, **kwargs) -> BuildReport:
        return build_module.build(*args, **{**kwargs, "validate": False, "reason": False})

    monkeypatch.setattr("ecograph.cli.run_build", without_checks)
    monkeypatch.setattr("ecograph.build.main_job.build", without_checks)
    out = tmp_path / "build"
    for command in (["build", "--out", str(out)], ["run", "--out", str(out)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output + result.stderr
        assert "export" in result.stdout and "document" in result.stdout
        assert "skipped" in result.stdout
    assert set(tree_bytes(out)) >= EXPECTED_FILES


def test_run_without_reasoning_validates_and_says_reasoning_was_skipped(tmp_path: Path) -> None:
    # For graphs of millions of statements: everything but HermiT, and the summary says so.
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["run", "--no-reason", "--out", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "conforms" in result.stdout and "skipped: not requested" in result.stdout
    assert f"{len(load_catalogue())} ok" in result.stdout
    inferred = ox.parse(path=out / "ecograph-inferred.ttl", format=ox.RdfFormat.TURTLE)
    assert list(inferred) == []
    assert len(list(ox.parse(path=out / "ecograph.nt", format=ox.RdfFormat.N_TRIPLES))) > 1000


def test_python_m_ecograph_help() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ECOGRAPH_HOME"}
    result = subprocess.run(
        [sys.executable, "-m", "ecograph", "--help"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    for command in ("build", "validate", "run"):
        assert command in result.stdout


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("ecograph")
    if not exe.exists():
        pytest.skip("not running from the project's .venv")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("ecograph ")
