"""The installable tool: build the wheel, install it in a fresh virtual environment, run it away from the checkout.

The fresh environment gets its dependencies the ordinary way (pip and its configured package
indexes or wheel caches), so this also checks that the wheel declares every dependency.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from support import REPO

SHIPPED = [
    "ecograph/data/ontology/ecograph.ttl",
    "ecograph/data/ontology/vocabularies.ttl",
    "ecograph/data/ontology/shapes.ttl",
    "ecograph/data/ontology/checks/parts-add-up-violation.rq",
    "ecograph/data/graph/seed/sources.trig",
    "ecograph/data/graph/seed/makers-spaces-2017.trig",
    "ecograph/data/queries/06-national-figures.rq",
    "ecograph/viz/templates/analysts-page.html.j2",
    "ecograph/ingest/templates/organisations.csv",
    "ecograph/endpoint/static/index.html",
    "ecograph/endpoint/templates/entity.html.j2",
    "ecograph/network/chains.toml",
]


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 1200) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a user elsewhere: no project, no path into the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("ECOGRAPH_HOME", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["HOME"] = str(home)
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the sources (setuptools leaves build/ and *.egg-info in the tree it builds)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "src", source / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", source], root, dict(os.environ))
    [built] = sorted((root / "dist").glob("ecograph-*.whl"))
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies; returns its bin/."""
    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / "bin"
    _run([bin_dir / "python", "-m", "pip", "install", "-q", wheel], env_dir, _clean_env(env_dir))
    return bin_dir


def test_the_wheel_carries_the_ontology_seed_queries_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, missing
    queries = sorted(p.name for p in (REPO / "src" / "ecograph" / "data" / "queries").glob("*.rq"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("ecograph/data/queries/")) == queries


def test_the_main_job_runs_from_the_installed_wheel_in_a_folder_that_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = _clean_env(tmp_path)
    about = json.loads(_run([installed / "ecograph", "info", "--format", "json"], work, env).stdout)
    site = installed.parent / "lib"
    assert about["project"] is None and about["found by"] == "none"
    assert Path(about["shipped data"]).is_relative_to(site), about  # the installed copy, not the checkout's
    run = _run([installed / "ecograph", "run", "--out", "out"], work, env)
    out = work / "out"
    for name in ("ecograph.trig", "ecograph.ttl", "ecograph-inferred.ttl", "ecograph.html", "ontology/index.html"):
        assert (out / name).is_file(), (name, run.stdout)
    assert " ok" in run.stdout and "failed" not in run.stdout, run.stdout
    assert "Pujiang Innovation Forum" in (out / "ecograph.trig").read_text(encoding="utf-8")
    answer = _run([installed / "ecograph", "query", "06-national-figures", "--format", "csv"], work, env)
    assert "5739" in answer.stdout  # the number of makers' spaces in China in 2017, from the seed
    assert not (work / "build").exists()  # --out was honoured; nothing else was written here


def test_an_installed_init_project_is_found_from_below_and_takes_ingested_tables(installed: Path, tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    _run([installed / "ecograph", "init", "mine"], tmp_path, env)
    project = tmp_path / "mine"
    below = project / "graph"
    _run([installed / "ecograph", "templates", project / "tables"], below, env)
    tables = project / "tables" / "examples"
    _run([installed / "ecograph", "ingest", tables / "sources.csv", tables / "organisations.csv"], below, env)
    assert list((project / "graph" / "ingested").glob("*.trig"))
    about = json.loads(_run([installed / "ecograph", "info", "--format", "json"], below, env).stdout)
    assert (about["project"], about["found by"]) == (str(project), "ecograph.toml")
    names = _run([installed / "ecograph", "query", "example-organisations", "--format", "csv"], below, env).stdout
    assert "Ministry of Science and Technology" in names  # the shipped seed, found through the project's marker
    assert "Example University" in names  # and the project's own ingested table
