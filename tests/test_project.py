"""Project folders: the lookup order (--home, ECOGRAPH_HOME, ecograph.toml upward, none), the marker, `ecograph init`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError, InputError
from ecograph.paths import MARKER, NoProject, current_project, find_project, shipped_dir, use_home
from ecograph.project import init_project
from ecograph.rdf.loading import data_files
from ecograph.sparql.catalogue import load_catalogue
from support import REPO

runner = CliRunner()


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder with no project above it and no ECOGRAPH_HOME."""
    monkeypatch.delenv("ECOGRAPH_HOME", raising=False)
    folder = tmp_path / "nowhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert find_project().root is None, "a project above the temporary folder would spoil these tests"
    return folder


def make_project(folder: Path, marker: str = "[project]\nseed = true\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(marker, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the lookup order


def test_without_a_project_the_shipped_data_is_used_and_build_goes_to_the_current_folder(nowhere: Path) -> None:
    project = current_project()
    assert (project.root, project.found_by, project.seed) == (None, "none", True)
    assert project.ontology_dir == shipped_dir() / "ontology"
    assert project.data_dirs == [shipped_dir() / "graph"]
    assert project.build_dir == nowhere / "build"
    assert {p.name for p in data_files()} >= {"sources.trig", "makers-spaces-2017.trig", "pujiang-forum.trig"}


def test_the_marker_is_found_from_a_folder_below(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(nowhere / "mine")
    (root / "graph" / "deep").mkdir(parents=True)
    monkeypatch.chdir(root / "graph" / "deep")
    project = current_project()
    assert (project.root, project.found_by) == (root, MARKER)
    assert project.data_dirs == [shipped_dir() / "graph", root / "graph"]
    assert project.build_dir == root / "build"


def test_ecograph_home_wins_over_the_marker_and_home_wins_over_both(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = make_project(nowhere / "found")
    by_env = make_project(nowhere / "by-env", "[project]\nseed = false\n")
    by_option = make_project(nowhere / "by-option")
    monkeypatch.chdir(found)
    assert current_project().root == found
    monkeypatch.setenv("ECOGRAPH_HOME", str(by_env))
    assert (current_project().root, current_project().found_by, current_project().seed) == (by_env, "ECOGRAPH_HOME", False)
    with use_home(by_option):
        assert (current_project().root, current_project().found_by) == (by_option, "--home")
    assert current_project().root == by_env


def test_a_home_without_marker_uses_its_folders_and_no_seed(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "ontology").mkdir()
    project = find_project(tmp_path)
    assert (project.seed, project.data_dirs, project.ontology_dir) == (False, [tmp_path / "graph"], tmp_path / "ontology")


def test_a_missing_home_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EcographError, match="--home names .*missing, which is not a folder"):
        find_project(tmp_path / "missing")
    monkeypatch.setenv("ECOGRAPH_HOME", str(tmp_path / "gone"))
    with pytest.raises(EcographError, match="ECOGRAPH_HOME names .*gone"):
        find_project()


@pytest.mark.parametrize(
    ("marker", "line", "message"),
    [
        ("[project]\nseed = yes\n", 2, "not valid TOML"),
        ("[project]\nsed = true\n", None, "unknown setting project.sed"),
        ("[project]\nseed = \"true\"\n", None, "project.seed must be a true/false value"),
        ("[tool]\nx = 1\n", None, "one [project] table"),
    ],
)
def test_a_bad_marker_names_the_file(tmp_path: Path, marker: str, line: int | None, message: str) -> None:
    make_project(tmp_path, marker)
    with pytest.raises(InputError, match=message.replace("[", r"\[")) as caught:
        find_project(tmp_path)
    assert (caught.value.path, caught.value.line) == (str(tmp_path / MARKER), line)


def test_writing_data_needs_a_project(nowhere: Path) -> None:
    with pytest.raises(NoProject, match="ecograph init DIR"):
        _ = current_project().graph_dir


# ---------------------------------------------------------------- ecograph init


def test_init_creates_a_project_that_commands_find(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["init", "my-graph", "--name", "Mine"])
    assert result.exit_code == 0, result.output
    root = nowhere / "my-graph"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        ".gitignore", "README.md", MARKER, "graph/README.md", "queries/example-organisations.rq",
    ]
    assert "ecograph run" in (root / "README.md").read_text(encoding="utf-8")
    project = find_project(start=root / "graph")
    assert (project.root, project.seed, project.name) == (root, True, "Mine")
    monkeypatch.chdir(root / "queries")
    names = [q.name for q in load_catalogue()]
    assert "example-organisations" in names and "06-national-figures" in names
    answer = runner.invoke(app, ["query", "example-organisations", "--format", "csv"])
    assert answer.exit_code == 0, answer.output
    assert "https://w3id.org/ecograph/id/most," in answer.output  # an organisation of the seed, found by the project's query


def test_init_without_seed_loads_only_the_projects_graph(nowhere: Path) -> None:
    report = init_project(nowhere / "empty", seed=False)
    assert find_project(report.root).data_dirs == [report.root / "graph"]
    assert "seed = false" in (report.root / MARKER).read_text(encoding="utf-8")


def test_init_keeps_existing_files_and_refuses_a_project(nowhere: Path) -> None:
    folder = nowhere / "existing"
    (folder / "graph").mkdir(parents=True)
    (folder / "README.md").write_text("mine\n", encoding="utf-8")
    report = init_project(folder)
    assert folder / "README.md" not in report.files
    assert (folder / "README.md").read_text(encoding="utf-8") == "mine\n"
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 1
    assert "already an ecograph project" in result.output


def test_home_option_and_info(nowhere: Path) -> None:
    root = init_project(nowhere / "p").root
    result = runner.invoke(app, ["--home", str(root), "info", "--format", "json"])
    assert result.exit_code == 0, result.output
    about = json.loads(result.output)
    assert (about["project"], about["found by"], about["build"]) == (str(root), "--home", str(root / "build"))
    assert about["data"] == [str(shipped_dir() / "graph"), str(root / "graph")]
    missing = runner.invoke(app, ["--home", str(nowhere / "nope"), "queries"])
    assert missing.exit_code == 1 and "not a folder" in missing.output


def test_a_project_query_may_not_take_a_shipped_name(nowhere: Path) -> None:
    root = init_project(nowhere / "p").root
    mine = (root / "queries" / "example-organisations.rq").read_text(encoding="utf-8")
    (root / "queries" / "06-national-figures.rq").write_text(mine, encoding="utf-8")
    with use_home(root), pytest.raises(InputError, match="the name 06-national-figures is taken"):
        load_catalogue()


def test_ingest_writes_into_the_project_graph(nowhere: Path) -> None:
    root = init_project(nowhere / "p").root
    examples = Path(__file__).resolve().parents[1] / "src" / "ecograph" / "ingest" / "templates" / "examples"
    result = runner.invoke(app, ["--home", str(root), "ingest", str(examples / "organisations.csv"), str(examples / "sources.csv")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "graph" / "ingested").glob("*.trig"))
    assert not any((REPO / "src" / "ecograph" / "data" / "graph").rglob("ingested"))


def test_ingest_without_a_project_says_how_to_make_one(nowhere: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "src" / "ecograph" / "ingest" / "templates" / "examples"
    result = runner.invoke(app, ["ingest", str(examples / "organisations.csv"), str(examples / "sources.csv")])
    assert result.exit_code == 1
    assert "ecograph init DIR" in result.output


def test_the_checkout_is_a_project_with_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOGRAPH_HOME", raising=False)
    project = find_project(start=REPO / "docs")
    assert (project.root, project.seed) == (REPO, True)
    assert (REPO / MARKER).is_file() and shipped_dir() == REPO / "src" / "ecograph" / "data"
