"""Shared fixtures: a copy of the small fixture project, rapper, and RDF comparison helpers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "src" / "ecograph" / "data"
SHAPES_DIR = Path(__file__).parent / "shapes"
SHAPE_CONTEXT = SHAPES_DIR / "context.trig"
EXAMPLE_GRAPH = ox.NamedNode("https://w3id.org/ecograph/graph/example")


def example_store(example: Path) -> ox.Store:
    """The shared shape-example context plus one example, its triples in the named graph ecog:example."""
    store = ox.Store()
    store.load(path=SHAPE_CONTEXT, format=ox.RdfFormat.TRIG)
    fmt = ox.RdfFormat.TRIG if example.suffix == ".trig" else ox.RdfFormat.TURTLE
    store.load(path=example, format=fmt, to_graph=None if fmt == ox.RdfFormat.TRIG else EXAMPLE_GRAPH)
    return store


@pytest.fixture
def fixtures_dir() -> Path:
    """The tests/fixtures directory."""
    return FIXTURES


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of tests/fixtures/project, made the project via ECOGRAPH_HOME."""
    home = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", home)
    monkeypatch.setenv("ECOGRAPH_HOME", str(home))
    return home


@pytest.fixture
def rapper() -> Callable[[Path, str], subprocess.CompletedProcess]:
    """Run ``rapper -i SYNTAX -c FILE``; skips the test when rapper is missing."""
    exe = shutil.which("rapper")
    if exe is None:
        pytest.skip("rapper not installed")

    def run(path: Path, syntax: str) -> subprocess.CompletedProcess:
        return subprocess.run([exe, "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=300)

    return run


@pytest.fixture
def nquads() -> Callable[[Iterable[ox.Quad | ox.Triple]], set[str]]:
    """Canonical N-Quads lines of some statements, for isomorphism checks by set equality."""
    from ecograph.rdf.export import ExportFormat, export

    def lines(data: Iterable[ox.Quad | ox.Triple]) -> set[str]:
        return set(export(list(data), ExportFormat.NQUADS).decode("utf-8").splitlines())

    return lines


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Map every file below root (relative POSIX path) to its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def read_tree() -> Callable[[Path], dict[str, bytes]]:
    """See :func:`tree_bytes`."""
    return tree_bytes
