"""Where a project's files are: its folder, and the ontology, seed graph and queries shipped in the package.

A project is a folder. The one in use is, in this order: the ``--home`` option (or
``ecograph.open(home=...)``), the ``ECOGRAPH_HOME`` environment variable, and the nearest folder
holding an ``ecograph.toml`` marker from the current folder upward. Without any, commands run
on the shipped data alone and write to ``build/`` of the current folder.

A project may hold ``graph/`` (its data), ``queries/`` (saved queries added to the shipped
catalogue) and ``ontology/`` (which then replaces the shipped ontology, shapes and checks).
Its marker's ``seed = true`` also loads the seed graph shipped with ecograph.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from ecograph.errors import EcographError, InputError

__all__ = [
    "MARKER",
    "HOME_VARIABLE",
    "Project",
    "NoProject",
    "shipped_dir",
    "find_project",
    "current_project",
    "use_home",
    "project_root",
    "ontology_dir",
    "graph_dir",
    "data_dirs",
    "queries_dirs",
    "build_dir",
    "display_path",
]

MARKER = "ecograph.toml"
"""The file that makes a folder an ecograph project."""

HOME_VARIABLE = "ECOGRAPH_HOME"
"""The environment variable naming the project folder."""

_MARKER_KEYS = {"name": str, "seed": bool}


class NoProject(EcographError):
    """An action needs a project folder (to write data into) and none is in use."""


def shipped_dir() -> Path:
    """Return the data shipped inside the package: ``ontology/``, ``graph/seed/``, ``queries/``."""
    return Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Project:
    """The project in use, and where each kind of file comes from.

    Attributes
    ----------
    root : Path or None
        The project folder; None when no project is in use (the shipped data alone).
    found_by : str
        How it was found: ``--home``, ``ECOGRAPH_HOME``, ``ecograph.toml`` or ``none``.
    seed : bool
        Whether the seed graph shipped with ecograph is loaded besides the project's ``graph/``.
    name : str
        The project's name from its marker ("" when it names none).
    """

    root: Path | None
    found_by: str
    seed: bool
    name: str = ""

    @property
    def ontology_dir(self) -> Path:
        """The project's ``ontology/`` if it has one, else the shipped ontology."""
        own = self.root / "ontology" if self.root is not None else None
        return own if own is not None and own.is_dir() else shipped_dir() / "ontology"

    @property
    def data_dirs(self) -> list[Path]:
        """The folders of data files: the shipped seed when loaded, then the project's ``graph/``."""
        dirs = [shipped_dir() / "graph"] if self.seed else []
        if self.root is not None and (self.root / "graph").is_dir():
            dirs.append(self.root / "graph")
        return dirs

    @property
    def queries_dirs(self) -> list[Path]:
        """The folders of saved queries: the shipped catalogue, then the project's ``queries/``."""
        dirs = [shipped_dir() / "queries"]
        if self.root is not None and (self.root / "queries").is_dir():
            dirs.append(self.root / "queries")
        return dirs

    @property
    def build_dir(self) -> Path:
        """The default output folder: ``build/`` of the project, or of the current folder without one."""
        return (self.root if self.root is not None else Path.cwd()) / "build"

    @property
    def graph_dir(self) -> Path:
        """The project's ``graph/``, where new data is written.

        Raises
        ------
        NoProject
            Without a project: the shipped data is never written to.
        """
        if self.root is None:
            raise NoProject(
                "no ecograph project here: create one with `ecograph init DIR` and run from inside it, "
                f"or name one with --home or {HOME_VARIABLE}"
            )
        return self.root / "graph"


# The project named by --home (or ecograph.open), for the commands of this context only.
_home: ContextVar[Path | Project | None] = ContextVar("ecograph_home", default=None)


def _read_marker(path: Path) -> dict[str, object]:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), e.strerror or str(e)) from e
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not UTF-8 text: {e}") from e
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"\(at line (\d+), column \d+\)", str(e))
        raise InputError(str(path), f"not valid TOML: {e}", int(at.group(1)) if at else None) from e
    settings = table.get("project", {})
    if not isinstance(settings, dict) or set(table) - {"project"}:
        raise InputError(str(path), "the marker holds one [project] table (name, seed)")
    for key, value in settings.items():
        wanted = _MARKER_KEYS.get(key)
        if wanted is None:
            raise InputError(str(path), f"unknown setting project.{key} (known: {', '.join(_MARKER_KEYS)})")
        if not isinstance(value, wanted):
            raise InputError(str(path), f"project.{key} must be a {'true/false' if wanted is bool else 'text'} value")
    return settings


def _project_at(root: Path, found_by: str) -> Project:
    marker = root / MARKER
    settings = _read_marker(marker) if marker.is_file() else {}
    return Project(root, found_by, bool(settings.get("seed", False)), str(settings.get("name", "")))


def find_project(home: str | Path | None = None, start: str | Path | None = None) -> Project:
    """Find the project in use, in the documented order.

    Parameters
    ----------
    home : str or Path, optional
        A project folder named explicitly (``--home``); wins over everything else.
    start : str or Path, optional
        Where the upward search for ``ecograph.toml`` starts; the current folder by default.

    Returns
    -------
    Project
        With ``root=None`` and the shipped seed when there is no project.

    Raises
    ------
    EcographError
        If ``home`` or ``ECOGRAPH_HOME`` names a folder that does not exist.
    InputError
        If a marker file is not valid.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "ecograph.toml").write_text("[project]\\nseed = true\\n")
    >>> (folder / "deep" / "er").mkdir(parents=True)
    >>> project = find_project(start=folder / "deep" / "er")
    >>> project.root == folder, project.found_by, project.seed
    (True, 'ecograph.toml', True)
    """
    for value, found_by in ((home, "--home"), (os.environ.get(HOME_VARIABLE), HOME_VARIABLE)):
        if value is None or str(value) == "":
            continue
        root = Path(value).expanduser().resolve()
        if not root.is_dir():
            raise EcographError(f"{found_by} names {value}, which is not a folder")
        return _project_at(root, found_by)
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return _project_at(folder, MARKER)
    return Project(None, "none", seed=True)


def current_project() -> Project:
    """Return the project in use now (see :func:`find_project`; :func:`use_home` sets ``home``)."""
    home = _home.get()
    return home if isinstance(home, Project) else find_project(home)


@contextmanager
def use_home(home: str | Path | Project | None) -> Iterator[None]:
    """Use this project within the ``with`` block; ``--home`` does this.

    Parameters
    ----------
    home : str, Path, Project or None
        A folder (found as ``--home`` would be), a :class:`Project` already found (used as it
        is, even one without a folder), or None for the usual lookup.
    """
    token = _home.set(home if isinstance(home, Project) or home is None else Path(home))
    try:
        yield
    finally:
        _home.reset(token)


def project_root() -> Path | None:
    """Return the folder of the project in use, or None."""
    return current_project().root


def ontology_dir() -> Path:
    """Return the ontology folder in use: the project's ``ontology/``, else the shipped one."""
    return current_project().ontology_dir


def graph_dir() -> Path:
    """Return ``graph/`` of the project, where new data goes (raises :class:`NoProject` without one)."""
    return current_project().graph_dir


def data_dirs() -> list[Path]:
    """Return the folders whose RDF files are the data (see :attr:`Project.data_dirs`)."""
    return current_project().data_dirs


def queries_dirs() -> list[Path]:
    """Return the folders of saved queries (see :attr:`Project.queries_dirs`)."""
    return current_project().queries_dirs


def build_dir() -> Path:
    """Return the default build output directory, ``build/`` of the project."""
    return current_project().build_dir


def display_path(path: str | Path) -> str:
    """Return a path as short as possible for messages.

    Parameters
    ----------
    path : str or Path
        Any path.

    Returns
    -------
    str
        Relative to the project folder or the working directory when inside
        either, else absolute.
    """
    p = Path(path).resolve()
    try:
        root = project_root()
    except EcographError:
        root = None
    for base in (root, Path.cwd().resolve()):
        if base is not None and p.is_relative_to(base):
            return p.relative_to(base).as_posix()
    return str(p)
