"""The Python API for notebooks: open the graph, ask it questions, get DataFrames and the analysts' page.

A thin layer over the functions the commands use: ``kg.query`` is ``ecograph query``,
``kg.chains`` is ``ecograph chains``, ``kg.analyze`` is ``ecograph analyze`` and ``kg.page``
is ``ecograph viz``, each on the project the graph was opened from.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ecograph.paths import Project, current_project, find_project, use_home
from ecograph.sparql.query import QueryResult

if TYPE_CHECKING:  # pandas is an optional extra
    import pandas

    from ecograph.viz import PageReport

__all__ = ["KnowledgeGraph", "Page", "open_graph"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Page:
    """The analysts' page, shown inline in Jupyter and saved as one offline HTML file.

    Attributes
    ----------
    html : str
        The whole self-contained page.
    nodes, edges : int
        What it draws.
    height : int
        Height in pixels of the frame it is shown in within a notebook.
    """

    html: str = field(repr=False)
    nodes: int
    edges: int
    height: int = 640

    def _repr_html_(self) -> str:
        # A sandboxed frame: the page's scripts run, but in an origin of their own, away from the notebook.
        return (
            f'<iframe sandbox="allow-scripts" srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ccc" '
            f'title="ecograph analysts\' page"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (an ``.html`` file that opens offline); returns the path."""
        from ecograph.utils import atomic_write

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, self.html.encode("utf-8"))
        return path


def _chain_rows(found: Mapping[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for chain, instances in found.items():
        for number, instance in enumerate(instances, start=1):
            labels = instance["labels"]
            steps = instance["steps"] or [{"from": instance["start"], "edge": "", "to": "", "sources": []}]
            for step_number, step in enumerate(steps, start=1):
                yield {
                    "chain": chain,
                    "instance": number,
                    "step": step_number,
                    "from": step["from"],
                    "from_label": labels.get(step["from"], ""),
                    "edge": step["edge"],
                    "to": step["to"],
                    "to_label": labels.get(step["to"], ""),
                    "sources": "; ".join(s["title"] or s["section"] for s in step["sources"]),
                    "sections": " ".join(s["section"] for s in step["sources"]),
                }


_CHAIN_COLUMNS = ["chain", "instance", "step", "from", "from_label", "edge", "to", "to_label", "sources", "sections"]


class KnowledgeGraph:
    """The knowledge graph of one project, opened for questions (see :func:`ecograph.open`).

    Parameters
    ----------
    store : pyoxigraph.Store
        What queries run on: the ontology, the facts in their named graphs, the inferred statements.
    project : Project
        Where the files came from; chains, analyses and pages read the same project.

    Attributes
    ----------
    store : pyoxigraph.Store
        For pyoxigraph power users: ``kg.store.query(...)`` with ``use_default_graph_as_union=True``
        sees what ``kg.query`` sees.
    project : Project
    """

    def __init__(self, store: ox.Store, project: Project) -> None:
        self.store = store
        self.project = project

    def __repr__(self) -> str:
        where = self.project.root if self.project.root is not None else "the shipped seed"
        graphs = sum(1 for _ in self.store.named_graphs())
        return f"<ecograph.KnowledgeGraph of {where}: {len(self.store)} statements, {graphs} named graphs>"

    def query(self, name_or_text: str, /, **params: Any) -> QueryResult:
        """Run a catalogue query by name, a ``.rq`` file, or SPARQL text.

        Parameters
        ----------
        name_or_text : str
            ``"06-national-figures"``, ``"national-figures"``, a path to a ``.rq`` file, or the
            text of a query (which may have a header declaring parameters).
        **params
            Values of the query's declared parameters: text as on the command line
            (``subject="ecod:huibo"``, ``year=2017``) or pyoxigraph terms.

        Returns
        -------
        QueryResult
            ``.rows`` (tuples of pyoxigraph terms), ``.to_pandas()``, ``.to_csv(path)``,
            ``.records()``; shown as a table in notebooks.

        Raises
        ------
        EcographError
            Unknown name (with the closest names), a syntax error (with line and column), a bad parameter.
        """
        from ecograph.sparql.catalogue import parse_query_text
        from ecograph.sparql.query import resolve_query, run_query

        with use_home(self.project):
            text = name_or_text.strip()
            if any(c.isspace() for c in text) or "{" in text:
                query = parse_query_text(name_or_text, "<query>", require_header=False)
            else:
                query = resolve_query(text, stdin="")
            values = {k: v if isinstance(v, (str, ox.NamedNode, ox.BlankNode, ox.Literal)) else str(v) for k, v in params.items()}
            return run_query(query, self.store, values)

    def queries(self) -> pandas.DataFrame:
        """Return the query catalogue (``ecograph queries``): name, kind, question, parameters."""
        from ecograph.sparql.catalogue import load_catalogue
        from ecograph.sparql.frames import require_pandas

        pandas = require_pandas("kg.queries()")
        with use_home(self.project):
            catalogue = load_catalogue()
        rows = [
            (q.name, q.kind, q.question, ", ".join(p.name if p.default is None else f"{p.name}={p.default}" for p in q.parameters))
            for q in catalogue
        ]
        return pandas.DataFrame(rows, columns=["name", "kind", "question", "parameters"])

    def chains(self, name: str | None = None) -> pandas.DataFrame:
        """Return every instance of the declared chains (``ecograph chains``), one row per step.

        Parameters
        ----------
        name : str, optional
            One chain; every chain by default.

        Returns
        -------
        pandas.DataFrame
            ``chain``, ``instance`` (numbered within its chain), ``step``, ``from``,
            ``from_label``, ``edge``, ``to``, ``to_label``, ``sources`` (section titles) and
            ``sections`` (their IRIs). An instance of a single node has one row without an edge.
        """
        from ecograph.network.chains import run_chains
        from ecograph.sparql.frames import require_pandas

        pandas = require_pandas("kg.chains()")
        with use_home(self.project):
            found = run_chains(name)
        return pandas.DataFrame(list(_chain_rows(found)), columns=_CHAIN_COLUMNS)

    def analyze(self, top: int | None = 10) -> pandas.DataFrame:
        """Rank the actors (``ecograph analyze``): degree, PageRank, betweenness, brokers, communities.

        Parameters
        ----------
        top : int or None, default 10
            Rows per ranking; None for every actor.

        Returns
        -------
        pandas.DataFrame
            ``metric``, ``rank``, ``node``, ``label``, ``kind``, ``value``, ``method`` (the
            rows of ``ecograph analyze --format csv``).
        """
        from ecograph.network.analysis import csv_rows
        from ecograph.network.analysis_rdf import run_analysis
        from ecograph.sparql.frames import require_pandas

        pandas = require_pandas("kg.analyze()")
        with use_home(self.project):
            result = run_analysis(top=top)
        header, *rows = csv_rows(result)
        return pandas.DataFrame(rows, columns=header)

    def page(
        self,
        *,
        focus: str | None = None,
        hops: int = 1,
        chain: list[str] | None = None,
        max_nodes: int | None = None,
        height: int = 640,
    ) -> Page:
        """Draw the analysts' page (``ecograph viz``); a notebook shows it inline, ``.save(path)`` writes it.

        Parameters
        ----------
        focus : str, optional
            Draw only the neighbourhood of this IRI or label.
        hops : int, default 1
            Radius of the ``focus`` neighbourhood.
        chain : list of str, optional
            Chains to highlight besides the virtuous circle.
        max_nodes : int, optional
            Above this many nodes, draw one node per class (the command's default when None).
        height : int, default 640
            Height of the inline frame in a notebook, in pixels.

        Returns
        -------
        Page
        """
        from ecograph.viz import write_page

        options: dict[str, Any] = {"focus": focus, "hops": hops, "chain": chain}
        if max_nodes is not None:
            options["max_nodes"] = max_nodes
        with tempfile.TemporaryDirectory(prefix="ecograph-page-") as folder, use_home(self.project):
            report: PageReport = write_page(Path(folder) / "ecograph.html", **options)
            text = report.path.read_text(encoding="utf-8")
        return Page(text, report.nodes, report.edges, height)


def open_graph(home: str | Path | None = None, *, inferred: bool = True) -> KnowledgeGraph:
    """Open the knowledge graph of a project (what ``ecograph query`` runs on).

    Parameters
    ----------
    home : str or Path, optional
        The project folder; by default the project in use: ``ECOGRAPH_HOME``, else the nearest
        ``ecograph.toml`` from the current folder upward, else the seed shipped with ecograph.
    inferred : bool, default True
        Add the inferred statements (from a fresh build, else from the reasoner).

    Returns
    -------
    KnowledgeGraph
    """
    from ecograph.sparql.query import default_store

    project = find_project(home) if home is not None else current_project()
    with use_home(project):
        store = default_store(inferred=inferred)
    return KnowledgeGraph(store, project)
