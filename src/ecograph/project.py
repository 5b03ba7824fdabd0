"""A user's project folder: create one (``ecograph init``) and describe the one in use (``ecograph info``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ecograph import __version__
from ecograph.errors import EcographError
from ecograph.paths import MARKER, current_project, queries_dirs, shipped_dir

__all__ = ["InitReport", "init_project", "project_info"]

_README = """\
# {name}

An ecograph project. Any `ecograph` command run in this folder
or below it uses this project (it finds `{marker}`).

| path | what |
| --- | --- |
| `{marker}` | marks the project; `seed = true` also loads the seed graph shipped with ecograph |
| `graph/` | your data: `.trig`, `.ttl` or `.nt` files; `ecograph ingest` writes to `graph/ingested/` |
| `queries/` | your saved SPARQL queries (`.rq` with a header), added to the shipped catalogue |
| `build/` | what `ecograph build` and `ecograph run` write (safe to delete) |

Start with:

```sh
ecograph run                      # build, validate, query, chains and the analysts' page into build/
ecograph templates tables/        # CSV templates for your own facts, then: ecograph ingest tables/*.csv
ecograph query example-organisations
```

To use your own ontology instead of the shipped one, add an `ontology/` folder
(`ecograph.ttl`, `vocabularies.ttl`, `shapes.ttl`, `checks/*-violation.rq`).
"""

_MARKER_TEXT = """\
# This folder is an ecograph project: ecograph commands run in it or below it use it.
[project]
name = {name}
# Also load the seed graph shipped with ecograph (China's makers' spaces in 2017, the Pujiang
# Innovation Forum) besides the data in graph/.
seed = {seed}
"""

_EXAMPLE_QUERY = """\
# title: Organisations by name
# description: Every organisation of the graph with its English name, as an example of a saved
#   query: the header lines above the query are what `ecograph queries` lists.
# question: Which organisations does the graph name?
# kind: select

PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT DISTINCT ?organisation ?name WHERE {
  ?organisation a/rdfs:subClassOf* org:Organization ; rdfs:label ?name .
  FILTER(LANGMATCHES(LANG(?name), "en"))
}
ORDER BY ?name ?organisation
"""

_GITIGNORE = "/build/\n"


@dataclass
class InitReport:
    """What ``ecograph init`` did: the project folder and the files it created."""

    root: Path
    files: list[Path] = field(default_factory=list)


def init_project(folder: str | Path, *, name: str | None = None, seed: bool = True) -> InitReport:
    """Create a project folder, or make an existing folder a project; existing files are kept.

    Parameters
    ----------
    folder : str or Path
        The folder; created with its parents when missing.
    name : str, optional
        The project's name; the folder's name by default.
    seed : bool, default True
        Whether the project loads the seed graph shipped with ecograph.

    Returns
    -------
    InitReport

    Raises
    ------
    EcographError
        If the folder is already a project or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> report = init_project(Path(tempfile.mkdtemp()) / "my-graph")
    >>> sorted(p.relative_to(report.root).as_posix() for p in report.files)
    ['.gitignore', 'README.md', 'ecograph.toml', 'graph/README.md', 'queries/example-organisations.rq']
    """
    root = Path(folder).expanduser().absolute()
    if (root / MARKER).exists():
        raise EcographError(f"{root} is already an ecograph project (it has {MARKER})")
    if root.exists() and not root.is_dir():
        raise EcographError(f"{root} exists and is not a folder")
    name = name or root.name
    files = {
        MARKER: _MARKER_TEXT.format(name=json.dumps(name, ensure_ascii=False), seed="true" if seed else "false"),
        "README.md": _README.format(name=name, marker=MARKER),
        ".gitignore": _GITIGNORE,
        "graph/README.md": "Your data: RDF files (.trig, .ttl, .nt) in this folder and below.\n",
        "queries/example-organisations.rq": _EXAMPLE_QUERY,
    }
    report = InitReport(root)
    try:
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if relative != MARKER and path.exists():
                continue  # a folder being made a project keeps what it has
            path.write_text(text, encoding="utf-8")
            report.files.append(path)
    except OSError as e:
        raise EcographError(f"cannot create the project in {root}: {e.strerror or e}") from e
    return report


def project_info() -> dict[str, object]:
    """Describe the project in use: its folder, how it was found, and where each kind of file comes from.

    Returns
    -------
    dict
        ``version``, ``project``, ``found by``, ``seed``, ``ontology``, ``data``, ``queries``,
        ``build`` and ``shipped data``; folders as absolute paths, ``project`` None without one.
    """
    project = current_project()
    return {
        "version": __version__,
        "project": str(project.root) if project.root is not None else None,
        "found by": project.found_by,
        "seed": project.seed,
        "ontology": str(project.ontology_dir),
        "data": [str(d) for d in project.data_dirs],
        "queries": [str(d) for d in queries_dirs()],
        "build": str(project.build_dir),
        "shipped data": str(shipped_dir()),
    }
