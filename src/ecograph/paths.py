"""Where the project's directories are: the repo root above src/, or $ECOGRAPH_HOME."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["repo_root", "ontology_dir", "graph_dir", "queries_dir", "build_dir", "display_path"]


def repo_root() -> Path:
    """Return the project root.

    Returns
    -------
    Path
        ``$ECOGRAPH_HOME`` when set, else the parent of ``src/``.
    """
    home = os.environ.get("ECOGRAPH_HOME")
    if home:
        return Path(home).resolve()
    return Path(__file__).resolve().parents[2]


def ontology_dir() -> Path:
    """Return ``ontology/`` of the project."""
    return repo_root() / "ontology"


def graph_dir() -> Path:
    """Return ``graph/`` of the project."""
    return repo_root() / "graph"


def queries_dir() -> Path:
    """Return ``queries/`` of the project."""
    return repo_root() / "queries"


def build_dir() -> Path:
    """Return the default build output directory, ``build/`` of the project."""
    return repo_root() / "build"


def display_path(path: str | Path) -> str:
    """Return a path as short as possible for messages.

    Parameters
    ----------
    path : str or Path
        Any path.

    Returns
    -------
    str
        Relative to the project root or the working directory when inside
        either, else absolute.
    """
    p = Path(path).resolve()
    for base in (repo_root(), Path.cwd().resolve()):
        if p.is_relative_to(base):
            return p.relative_to(base).as_posix()
    return str(p)
