"""The ``ecograph`` command line: a thin Typer layer over build, validate and run."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecograph import __version__
from ecograph.build.artefacts import BuildReport, StepResult
from ecograph.build.artefacts import build as run_build
from ecograph.errors import EcographError, ValidationFailed, exit_code

__all__ = ["app"]

app = typer.Typer(
    name="ecograph",
    help="Build, validate and publish the ecograph knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> NoReturn:
    # One line, whatever the message holds: parser messages may contain newlines or [brackets].
    _err().print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")
    raise typer.Exit(code)


def _guard(action: Callable[[], T]) -> T:
    """Run an action; turn ecograph errors into one red stderr line and an exit code."""
    try:
        return action()
    except ValidationFailed as e:
        _out().print(e.report, markup=False)
        _fail(str(e), exit_code(e))
    except EcographError as e:
        _fail(str(e), exit_code(e))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as e:
        if os.environ.get("ECOGRAPH_DEBUG"):
            raise
        _fail(f"internal error: {type(e).__name__}: {e} (set ECOGRAPH_DEBUG=1 for the traceback)", 1)


def _with_status(action: Callable[[Callable[[str], None]], T]) -> T:
    with _err().status("starting") as status:
        return action(lambda step: status.update(f"{step}…"))


def _summary(steps: list[StepResult], report: BuildReport) -> None:
    table = Table(title=f"ecograph → {report.out_dir}")
    table.add_column("step")
    table.add_column("time", justify="right")
    table.add_column("result")
    for s in steps:
        table.add_row(s.name, f"{s.seconds:.2f} s", escape(s.result))
    out = _out()
    out.print(table)
    for note in report.notes:
        out.print(f"[yellow]note:[/] {escape(note)}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ecograph {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Project folder to use; wins over $ECOGRAPH_HOME and over an ecograph.toml above the current folder.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Build, validate and publish the ecograph knowledge graph."""
    from ecograph.paths import use_home

    # Until the command ends (not for the rest of the process: tests invoke many commands).
    ctx.with_resource(use_home(home))


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The project folder to create (or to make a project).")],
    name: Annotated[str | None, typer.Option("--name", help="The project's name (default: the folder's).")] = None,
    seed: Annotated[
        bool, typer.Option("--seed/--no-seed", help="Load the seed graph shipped with ecograph besides your own data.")
    ] = True,
) -> None:
    """Create a project folder: graph/ for your data, queries/ for your queries, a README and ecograph.toml."""
    from ecograph.paths import display_path
    from ecograph.project import init_project

    created = _guard(lambda: init_project(folder, name=name, seed=seed))
    out = _out()
    for path in created.files:
        out.print(f"created {escape(display_path(path))}")
    out.print(f"[green]project ready[/]: {escape(str(created.root))} — run `ecograph run` inside it")


@app.command()
def info(fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table") -> None:
    """Show the project in use, how it was found, and where its ontology, data, queries and output are."""
    from ecograph.project import project_info

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}", 2)
    about = _guard(project_info)
    if fmt == "json":
        typer.echo(json.dumps(about, indent=2, ensure_ascii=False))
        return
    table = Table(title="ecograph project", show_header=False)
    table.add_column("what")
    table.add_column("value")
    for key, value in about.items():
        shown = "\n".join(value) if isinstance(value, list) else "(none: the shipped data alone)" if value is None else str(value)
        table.add_row(key, escape(shown))
    _out().print(table)


OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output directory (default: build/ of the project).")
]


ReasonOption = Annotated[
    bool,
    typer.Option(
        "--reason/--no-reason",
        help="Materialise the OWL 2 RL entailments of the whole graph (reasonable) into the graph ecog:inferred.",
    ),
]


@app.command()
def build(out: OutOption = None, reason: ReasonOption = True) -> None:
    """Load, validate, reason and export the graph, and document the ontology."""
    report = _guard(lambda: _with_status(lambda p: run_build(out, progress=p, reason=reason)))
    out_console = _out()
    for f in report.files:
        count = "" if f.statements is None else f", {f.statements} statements"
        out_console.print(f"{escape(f.path)}  ({f.size} bytes{count})")
    _summary(report.steps, report)


class ValidationEngine(StrEnum):
    """SHACL engines of ``ecograph validate``."""

    sparql = "sparql"
    pyshacl = "pyshacl"


@app.command()
def validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="RDF files to validate (default: the whole project).")
    ] = None,
    engine: Annotated[
        ValidationEngine,
        typer.Option("--engine", help="SHACL engine: shapes compiled to SPARQL (fast), or pySHACL (the reference)."),
    ] = ValidationEngine.sparql,
) -> None:
    """Validate the project (or FILE...) against the SHACL shapes: exit 0 conforms, 1 violations, 2 unreadable."""

    def action() -> tuple[bool, str]:
        from ecograph.validation.validate import validate_files, validate_project

        result = validate_files(files, engine.value) if files else validate_project(engine.value)
        return result.conforms, result.text

    conforms, text = _guard(action)
    if not conforms:
        _out().print(text, markup=False)
        _fail("validation failed: the data does not conform to the shapes", 1)
    _out().print(text or "conforms", markup=False)


class ReasoningEngine(StrEnum):
    """Engines of ``ecograph reason``."""

    reasonable = "reasonable"
    hermit = "hermit"


@app.command()
def reason(
    engine: Annotated[
        ReasoningEngine,
        typer.Option(
            "--engine",
            help="reasonable: OWL 2 RL entailments of the whole graph (what build and run add); "
            "hermit: consistency and classification of the ontology with the data (the seed).",
        ),
    ] = ReasoningEngine.reasonable,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=1, help="Seconds before the reasoner is stopped.")
    ] = None,
) -> None:
    """Reason over the ontology and the data: inferred statements (reasonable) or consistency (HermiT)."""
    if engine is ReasoningEngine.hermit:
        _reason_hermit(timeout)
        return
    import pyoxigraph

    from ecograph.rdf.loading import load_dataset, load_ontology
    from ecograph.sparql.query import compact
    from ecograph.validation.materialise import DEFAULT_TIMEOUT, materialise

    result = _guard(lambda: materialise(load_dataset(), load_ontology(), timeout=timeout or DEFAULT_TIMEOUT))
    out = _out()
    out.print(f"{len(result.inferred)} statements inferred by {escape(result.engine)} (OWL 2 RL) from "
              f"{result.read} statements read, in {result.seconds:.1f} s, {result.peak_mb:,.0f} MB"
              + (f" (the largest of {result.parts} parts)" if result.parts > 1 else ""))
    counts: dict[str, int] = {}
    for q in result.inferred:
        if q.predicate.value.endswith("#type") and isinstance(q.object, pyoxigraph.NamedNode):
            counts[q.object.value] = counts.get(q.object.value, 0) + 1
    table = Table(title="inferred class memberships (graph ecog:inferred)")
    table.add_column("class")
    table.add_column("members", justify="right")
    for cls, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(escape(compact(pyoxigraph.NamedNode(cls))), str(n))
    out.print(table)


def _reason_hermit(timeout: float | None) -> None:
    from ecograph.validation.reasoning import DEFAULT_TIMEOUT, reason_project

    result = _guard(lambda: reason_project(timeout=timeout or DEFAULT_TIMEOUT))
    out = _out()
    out.print(f"[green]consistent[/]: ontology and data (HermiT, {result.seconds:.1f} s)")
    memberships = result.memberships(prefixed=True)
    table = Table(title=f"inferred class memberships: {len(memberships)} individuals")
    table.add_column("individual")
    table.add_column("inferred classes")
    for individual, classes in memberships.items():
        table.add_row(escape(individual), escape(", ".join(classes)))
    out.print(table)
    others = len(result.inferred) - sum(len(c) for c in memberships.values())
    out.print(f"{len(result.inferred)} inferred statements ({others} property values)")


@app.command()
def run(out: OutOption = None, reason: ReasonOption = True) -> None:
    """The main job: build, validate, reason, export, run the query catalogue, find the chains, draw the page."""
    from ecograph.build.main_job import run_main_job

    job = _guard(lambda: _with_status(lambda progress: run_main_job(out, progress=progress, reason=reason)))
    _summary(job.steps, job.build)
    if job.failed:
        _fail(f"{len(job.failed)} catalogue quer{'ies' if len(job.failed) != 1 else 'y'} failed: {', '.join(job.failed)}", 1)


@app.command()
def synth(
    triples: Annotated[int, typer.Option("--triples", "-n", help="About how many statements to generate.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same size and seed give the same bytes.")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output .trig or .nq file (default: build/synth-N.trig).")
    ] = None,
) -> None:
    """Write a synthetic ecosystem graph of about N statements, plus FILE.expected.json with its exact counts."""
    from ecograph.paths import display_path
    from ecograph.synth.generator import write_synth

    result = _guard(lambda: write_synth(out, triples, seed))
    assert result.path is not None, "a written graph has its path"
    _out().print(f"{escape(display_path(result.path))}  ({result.counts['triples']} statements, seed {seed})")


@app.command()
def publish(
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store.")
    ],
    graph: Annotated[
        str | None, typer.Option("--graph", help="Upload only this named graph IRI (or 'default').")
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Statements per request.")] = 50_000,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Retries of a failed request, with backoff.")] = 3,
    files: Annotated[
        list[Path] | None,
        typer.Option("--file", help="Upload these RDF files instead of the project's graph (repeatable)."),
    ] = None,
    default_graph_iri: Annotated[
        str | None,
        typer.Option("--default-graph-iri", help="Send the default graph to this named graph (stores without ?default)."),
    ] = None,
    no_reason: Annotated[
        bool, typer.Option("--no-reason", help="Upload asserted statements only, without the reasoner.")
    ] = False,
) -> None:
    """Upload the graph, each named graph to its own graph, with the Graph Store HTTP Protocol."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ecograph.remote.publish import publish as run_publish

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_err(), transient=True) as bar:
        task = bar.add_task("uploading statements", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = _guard(
            lambda: run_publish(
                endpoint, files, graph=graph, batch_size=batch_size, retries=retries, progress=progress,
                default_graph_iri=default_graph_iri, inferred=not no_reason,
            )
        )
    _out().print(
        f"{report.statements} statements in {len(report.graphs)} graphs, {report.requests} requests"
        f" ({report.retries} retried) to {escape(endpoint)} in {report.seconds:.1f} s"
    )


class ChainFormat(StrEnum):
    """Output formats of ``ecograph chains``."""

    table = "table"
    json = "json"


class AnalysisFormat(StrEnum):
    """Output formats of ``ecograph analyze``."""

    table = "table"
    json = "json"
    csv = "csv"


class GraphFormat(StrEnum):
    """Output formats of ``ecograph export``."""

    graphml = "graphml"
    gexf = "gexf"


class Renderer(StrEnum):
    """Renderers of ``ecograph viz``: WebGL for every size, vis-network for small graphs and notebooks."""

    sigma = "sigma"
    vis = "vis"


EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint", help="Read the graph from this SPARQL 1.1 query URL (any store) instead of graph/."),
]
GraphOption = Annotated[
    str | None,
    typer.Option("--graph", help="With --endpoint: read only this named graph (default: every graph of facts)."),
]
PageOption = Annotated[
    int, typer.Option("--page-size", min=1, help="With --endpoint: statements per request at most.")
]


def _store_projection(endpoint: str, graph: str | None, page: int, focus: str | None = None, hops: int = 1) -> object:
    """The projection of a store's graph, fetched in pages with a progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ecograph.remote.fetch import project_endpoint

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_err(), transient=True) as bar:
        task = bar.add_task(f"reading {endpoint}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        return _guard(lambda: project_endpoint(endpoint, graph=graph, focus=focus, hops=hops, page=page, progress=progress))


def _named(iri: str, labels: dict[str, str]) -> str:
    return labels.get(iri) or f"(unnamed) {iri.rsplit('/', 1)[-1]}"


@app.command()
def chains(
    name: Annotated[str | None, typer.Argument(help="One chain (default: every chain).")] = None,
    fmt: Annotated[ChainFormat, typer.Option("--format", "-f", help="Output format.")] = ChainFormat.table,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
    page_size: PageOption = 50_000,
) -> None:
    """List every instance of the declared chains, each step with the source section that supports it."""
    from ecograph.network.chains import find_chains, load_chains, run_chains

    if endpoint is None:
        found = _guard(lambda: run_chains(name))
    else:
        declared = _guard(load_chains)
        if name is not None and name not in declared:
            _fail(f"unknown chain {name!r} (known: {', '.join(declared)})", 1)
        projection = _store_projection(endpoint, graph, page_size)
        found = _guard(lambda: find_chains(projection, name, chains=declared))
    if fmt is ChainFormat.json:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    out = _out()
    for chain_name, instances in found.items():
        table = Table(title=f"{chain_name}: {len(instances)} instances")
        for column in ("#", "from", "edge", "to", "source section"):
            table.add_column(column)
        for number, inst in enumerate(instances, start=1):
            labels = inst["labels"]
            if not inst["steps"]:
                table.add_row(str(number), escape(_named(inst["start"], labels)), "", "", "")
            for i, step in enumerate(inst["steps"]):
                sources = "; ".join(s["title"] or s["section"] for s in step["sources"])
                table.add_row(
                    str(number) if i == 0 else "",
                    escape(_named(step["from"], labels)),
                    step["edge"],
                    escape(_named(step["to"], labels)),
                    escape(sources),
                )
            for fig in inst["figures"]:
                text = f"{fig['indicator'].rsplit('indicator-', 1)[-1]} = {fig['value']} ({fig['year']})"
                table.add_row("", "", "figure", escape(text), escape("; ".join(s["title"] for s in fig["sources"])))
        out.print(table)


@app.command()
def analyze(
    fmt: Annotated[AnalysisFormat, typer.Option("--format", "-f", help="Output format.")] = AnalysisFormat.table,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Rows per ranking.")] = 10,
    write_rdf: Annotated[
        bool, typer.Option("--write-rdf", help="Also write the scores as RDF with PROV to build/analysis.trig.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="TriG file for --write-rdf (default: build/analysis.trig).")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Fixed prov:endedAtTime (ISO date-time) for reproducible RDF.")
    ] = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
    page_size: PageOption = 50_000,
) -> None:
    """Rank the actors by degree, PageRank and betweenness; find communities and brokers."""
    from ecograph.ingest.templates import csv_safe
    from ecograph.network.analysis import csv_rows
    from ecograph.network.analysis_rdf import run_analysis

    projection = None if endpoint is None else _store_projection(endpoint, graph, page_size)
    result = _guard(lambda: run_analysis(top=top, write_rdf=write_rdf, out=out, ended_at=date, graph=projection))
    if fmt is AnalysisFormat.json:
        typer.echo(json.dumps({k: v for k, v in result.items() if k != "scores"}, indent=2, ensure_ascii=False))
    elif fmt is AnalysisFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        # Analysts open this in spreadsheets: a label such as "=HYPERLINK(…)" must stay text.
        writer.writerows([csv_safe(c) if isinstance(c, str) else c for c in row] for row in csv_rows(result))
    else:
        console = _out()
        size = result["graph"]
        console.print(f"{size['nodes']} nodes, {size['edges']} edges; ranked: {size['actors']} actors")
        for ranking in [*result["rankings"], result["brokers"]]:
            table = Table(title=f"{ranking['metric']} — {escape(ranking['method'])}", caption=escape(
                f"counted: {ranking['counted']}. left out: {ranking['left_out']}"))
            for column in ("#", "label", "kind", "value"):
                table.add_column(column)
            for row in ranking["rows"]:
                table.add_row(str(row["rank"]), escape(row["label"]), row["kind"], str(row.get("value", row.get("score"))))
            console.print(table)
        comms = result["communities"]
        table = Table(title=f"communities — {comms['count']} ({escape(comms['parameters'])})")
        for column in ("#", "size", "members (best connected first)"):
            table.add_column(column)
        for row in comms["rows"]:
            table.add_row(str(row["rank"]), str(row["size"]), escape(", ".join(row["labels"])))
        console.print(table)
    if result.get("rdf"):
        from ecograph.paths import display_path

        _err().print(f"wrote {escape(display_path(result['rdf']))}")


@app.command("export")
def export_graph(
    fmt: Annotated[GraphFormat, typer.Option("--format", "-f", help="Output format.")] = GraphFormat.graphml,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file (default: build/ecograph.graphml or .gexf).")
    ] = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
    page_size: PageOption = 50_000,
) -> None:
    """Write the network projection for Gephi or Cytoscape (GraphML or GEXF)."""
    from ecograph.network.graphml import export_projection
    from ecograph.paths import display_path

    projection = None if endpoint is None else _store_projection(endpoint, graph, page_size)
    path = _guard(lambda: export_projection(fmt.value, out, graph=projection))
    _out().print(escape(display_path(path)))


@app.command()
def viz(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output HTML file (default: build/ecograph.html).")
    ] = None,
    focus: Annotated[
        str | None, typer.Option("--focus", help="Draw only the neighbourhood of this IRI or label.")
    ] = None,
    hops: Annotated[int, typer.Option("--hops", min=0, help="Radius of the --focus neighbourhood.")] = 1,
    chain: Annotated[
        list[str] | None, typer.Option("--chain", help="Also highlight this chain (repeatable).")
    ] = None,
    max_nodes: Annotated[
        int,
        typer.Option(
            "--max-nodes",
            min=1,
            help="Above this many nodes, open on one node per community (Louvain; igraph's Leiden above 50,000 actors; "
            "drill down in the page).",
        ),
    ] = 150_000,
    screenshot: Annotated[
        Path | None, typer.Option("--screenshot", help="Also save a PNG of the page (needs chromium).")
    ] = None,
    renderer: Annotated[
        Renderer, typer.Option("--renderer", help="sigma (WebGL, up to ~10^5 nodes) or vis (vis-network, small graphs).")
    ] = Renderer.sigma,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
    page_size: PageOption = 50_000,
) -> None:
    """Write the analysts' page: one self-contained HTML file that opens offline."""
    from ecograph.paths import display_path
    from ecograph.viz import write_page

    projection = None
    if endpoint is not None:
        # With --focus only the neighbourhood is fetched; a label (not an IRI) needs the whole graph to be found.
        around = focus if focus is not None and "://" in focus else None
        projection = _store_projection(endpoint, graph, page_size, focus=around, hops=hops)
    report = _guard(
        lambda: write_page(
            out, focus=focus, hops=hops, chain=chain, max_nodes=max_nodes, screenshot=screenshot, renderer=renderer.value,
            graph=projection,
        )
    )
    drawn = f"{report.nodes} nodes, {report.edges} edges"
    if report.aggregated:
        drawn += f"; opens on {report.communities} communities (more than {max_nodes} nodes)"
    _out().print(
        f"{escape(display_path(report.path))}  ({report.size} bytes; {drawn}; {report.renderer} renderer; "
        f"size by {report.size_measure})"
    )
    for name, members in report.chains.items():
        _out().print(f"chain {escape(name)}: {members} nodes highlighted")
    if report.screenshot is not None:
        _out().print(f"screenshot: {escape(display_path(report.screenshot))}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port; 0 picks a free one.")] = 7878,
    host: Annotated[
        str, typer.Option("--host", help="Interface to bind; other than loopback only when you mean it.")
    ] = "127.0.0.1",
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds a query may run; then its worker is killed.")
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Most rows (or triples) per answer; more are cut and flagged.")
    ] = 10_000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Query worker processes.")] = 2,
    host_name: Annotated[
        list[str] | None,
        typer.Option("--host-name", help="A name clients may reach the endpoint by, besides loopback (repeatable)."),
    ] = None,
    cors: Annotated[
        list[str] | None,
        typer.Option("--cors", help="A web origin (https://example.org) whose pages may read answers (repeatable)."),
    ] = None,
    idle_timeout: Annotated[
        float, typer.Option("--idle-timeout", min=0.1, help="Seconds a connection may stay silent, before or between requests.")
    ] = 5.0,
    no_reason: Annotated[
        bool, typer.Option("--no-reason", help="Serve asserted statements only, without the reasoner.")
    ] = False,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page at /."""
    from ecograph.endpoint.server import EndpointConfig
    from ecograph.endpoint.server import serve as run_endpoint

    def ready(url: str) -> None:
        typer.echo(f"SPARQL endpoint ready at {url}")
        typer.echo(f"query page at {url.removesuffix('sparql')} (Ctrl-C stops)", err=True)
        if host not in ("127.0.0.1", "::1", "localhost"):
            _err().print(f"[yellow]note:[/] listening on {escape(host)}: other machines may reach this endpoint")
        # The URL line is what scripts and tests wait for: make sure it leaves the buffer now.
        sys.stdout.flush()

    _guard(
        lambda: run_endpoint(
            EndpointConfig(
                host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                host_names=host_name or [], cors=cors or [], idle_timeout=idle_timeout, inferred=not no_reason,
            ),
            ready,
        )
    )


QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")


@app.command("queries")
def list_queries(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """List the saved SPARQL queries (shipped and the project's queries/): name, kind and the question each answers."""
    from ecograph.sparql.catalogue import load_catalogue

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}", 2)
    catalogue = _guard(load_catalogue)
    if fmt == "json":
        typer.echo(json.dumps([q.as_dict() for q in catalogue], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(catalogue)} queries (run one with: ecograph query NAME)")
    table.add_column("name", no_wrap=True)
    for column in ("kind", "question", "parameters"):
        table.add_column(column)
    for q in catalogue:
        params = ", ".join(p.name if p.default is None else f"{p.name}={p.default}" for p in q.parameters)
        table.add_row(escape(q.name), q.kind, escape(q.question), escape(params))
    _out().print(table)


@app.command("query")
def run_saved_query(
    name: Annotated[str, typer.Argument(help="A catalogue query name, a .rq file, or - to read the query from stdin.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE for a declared parameter (repeatable).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="|".join(QUERY_FORMATS))] = "table",
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Send the query to this SPARQL 1.1 endpoint URL instead.")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.0, help="Seconds before giving up; with --endpoint, for the whole answer (default 60)."),
    ] = None,
    max_bytes: Annotated[
        str | None,
        typer.Option("--max-bytes", help="With --endpoint: the most an answer may weigh, e.g. 64M or 2G (default 256M)."),
    ] = None,
    no_reason: Annotated[
        bool, typer.Option("--no-reason", help="Query asserted statements only, without the reasoner.")
    ] = False,
) -> None:
    """Run a saved or ad-hoc SPARQL query on the graph (or an endpoint) and print the answer."""
    from ecograph.sparql.client import parse_size
    from ecograph.sparql.query import run_named_query

    if fmt not in QUERY_FORMATS:
        _fail(f"--format must be one of {', '.join(QUERY_FORMATS)}, not {fmt!r}", 2)
    limit = None if max_bytes is None else _guard(lambda: parse_size(max_bytes))
    result = _guard(
        lambda: run_named_query(
            name, param or [], endpoint=endpoint, timeout=timeout, max_bytes=limit, inferred=not no_reason
        )
    )
    if fmt == "table":
        headers, rows = result.table()
        table = Table(title=escape(result.query.name), title_justify="left")
        for h in headers:
            table.add_column(escape(h), overflow="fold")
        for row in rows:
            table.add_row(*(escape(c) for c in row))
        Console(highlight=False).print(table)  # wraps long cells instead of cutting them
    else:
        data = _guard(lambda: result.serialize(fmt))
        sys.stdout.buffer.write(data if data.endswith(b"\n") or not data else data + b"\n")
        sys.stdout.flush()
    if result.query.kind == "violation" and result.size:
        _fail(f"{result.size} violation{'s' if result.size != 1 else ''} found by {result.query.name}", 1)


@app.command()
def ingest(
    files: Annotated[
        list[Path], typer.Argument(help="CSV or XLSX tables named after their template (organisations.csv, statistics-2019.xlsx).")
    ],
    source: Annotated[str | None, typer.Option("--source", help="Source id for rows without a source cell.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check, convert and validate, but write nothing.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output .trig file (default: graph/ingested/SOURCE.trig).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text|json")] = "text",
) -> None:
    """Add facts from filled-in template tables to graph/: exit 0 done, 1 bad rows, 2 unreadable files."""
    from ecograph.ingest import IngestFailed, IngestResult
    from ecograph.ingest import ingest as run_ingest

    if fmt not in ("text", "json"):
        _fail(f"--format must be text or json, not {fmt!r}", 2)

    def action() -> tuple[IngestResult | None, IngestFailed | None]:
        try:
            return run_ingest(files, source=source, out=out, dry_run=dry_run), None
        except IngestFailed as e:
            return None, e

    result, failed = _guard(action)
    if failed is not None:
        if fmt == "json":
            body = {"ok": False, "exit_code": failed.exit_code, "problems": [p.as_dict() for p in failed.problems]}
            typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            for problem in failed.problems:
                _err().print(str(problem), markup=False, highlight=False)
        _fail(str(failed), failed.exit_code)
    assert result is not None, "ingest returned or failed"
    if fmt == "json":
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    out_console = _out()
    for t in result.tables:
        out_console.print(f"read {escape(t.file)}: {t.rows} rows ({t.kind}{', ' + t.encoding if t.encoding else ''})")
    verb = "would write" if result.dry_run else "wrote"
    for o in result.outputs:
        what = f"{verb} {escape(o.path)}" if o.changed else f"{escape(o.path)} unchanged"
        out_console.print(f"{what}: {o.rows} rows from source {escape(o.source)}, {o.statements} statements")
    for d in result.duplicates:
        out_console.print(f"[yellow]check:[/] {escape(str(d))}")
    for note in result.notes:
        out_console.print(f"[yellow]note:[/] {escape(note)}")


@app.command()
def templates(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the templates to.")],
    examples: Annotated[bool, typer.Option("--examples/--no-examples", help="Also write the filled examples.")] = True,
) -> None:
    """Write the ingest templates (CSV, XLSX, CSVW metadata) and filled examples to a directory."""
    from ecograph.ingest.templates import write_templates

    for path in _guard(lambda: write_templates(out_dir, examples=examples)):
        _out().print(escape(str(path)))
