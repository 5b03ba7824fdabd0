"""Shared fixtures: a copy of the small fixture project, rapper, and RDF comparison helpers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from support import FIXTURES, tree_bytes


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


@pytest.fixture
def read_tree() -> Callable[[Path], dict[str, bytes]]:
    """See :func:`tree_bytes`."""
    return tree_bytes
