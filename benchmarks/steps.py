"""One benchmark step, run in a child process: ``python benchmarks/steps.py '<json spec>'``.

The child prints one JSON line per measurement (``{"name", "seconds", "result"}``);
the time covers the operation only, not the interpreter start or the imports.
The parent (benchmarks/run.py) reads the lines with a deadline, kills the child
when it runs over, and takes the child's peak memory from ``os.wait4``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

__all__ = ["main", "NotBuilt"]


class NotBuilt(Exception):
    """A module the step needs does not exist (yet) or lacks the expected function."""


def emit(name: str, seconds: float, result: str = "") -> None:
    print(json.dumps({"name": name, "seconds": seconds, "result": result}), flush=True)


@contextmanager
def timed(name: str, result: Callable[[], str] | None = None) -> Iterator[None]:
    start = time.perf_counter()
    yield
    emit(name, time.perf_counter() - start, result() if result else "")


def module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name and name.startswith(e.name):
            raise NotBuilt(f"{name} not built") from e
        raise


def function(mod: Any, *names: str) -> Callable[..., Any]:
    for name in names:
        if callable(getattr(mod, name, None)):
            return getattr(mod, name)
    raise NotBuilt(f"{mod.__name__} has none of {', '.join(names)}")


def oxigraph_store(path: str) -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.TRIG if path.endswith(".trig") else ox.RdfFormat.N_QUADS)
    return store


def rdflib_dataset(path: str, first: bytes | None = None) -> Any:
    """The file in rdflib's in-memory Dataset, after the N-Quads ``first`` if given.

    The N-Quads go first: rdflib 7.6 drops the default graph a Dataset already holds when it
    parses N-Quads into it.
    """
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    if first is not None:
        ds.parse(data=first, format="nquads")
    ds.parse(path, format="trig" if path.endswith(".trig") else "nquads")
    return ds


# ------------------------------------------------------------------ steps


def step_noop(spec: dict) -> None:
    import pyoxigraph  # noqa: F401
    import rdflib  # noqa: F401

    import ecograph.rdf.loading  # noqa: F401

    emit("noop", 0.0, "interpreter + imports")


def step_info(spec: dict) -> None:
    """Versions and the catalogue, so that the parent never imports the heavy libraries itself."""
    import platform

    versions = {"python": platform.python_version()}
    for name in ("pyoxigraph", "rdflib", "pyshacl", "owlready2", "networkx"):
        with contextlib.suppress(Exception):  # a missing optional library is simply not listed
            versions[name] = importlib.import_module(name).__version__
    try:
        from ecograph.sparql.catalogue import load_catalogue

        queries, source = [q.name for q in load_catalogue()], "ecograph.sparql.catalogue"
    except ModuleNotFoundError as e:
        queries, source = [], f"n/a ({e.name} not built)"
    emit("info", 0.0, json.dumps({"versions": versions, "queries": queries, "source": source}))


def step_generate(spec: dict) -> None:
    from ecograph.synth.generator import write_synth

    with timed("generate"):
        result = write_synth(spec["path"], spec["size"], spec["seed"])
    emit("statements", 0.0, str(result.counts["triples"]))


def step_load(spec: dict) -> None:
    tool, path = spec["tool"], spec["path"]
    start = time.perf_counter()
    if tool == "ecograph":
        from ecograph.rdf.loading import store_from_files

        n = len(store_from_files([Path(path)]))
    elif tool == "pyoxigraph":
        n = len(oxigraph_store(path))
    else:
        n = len(rdflib_dataset(path))
    emit("load", time.perf_counter() - start, f"{n:,} statements")


def step_validate(spec: dict) -> None:
    """Load and validate a file, as ``ecograph validate FILE`` does (loading included)."""
    validate = function(module("ecograph.validation.validate"), "validate_files")
    start = time.perf_counter()
    result = validate([Path(spec["path"])], engine=spec.get("engine", "sparql"))
    emit("validate", time.perf_counter() - start, "conforms" if result.conforms else "violations")


def step_reason(spec: dict) -> None:
    reason = function(module("ecograph.validation.reasoning"), "reason")
    from ecograph.rdf.loading import store_from_files

    store = store_from_files([Path(spec["path"])])
    start = time.perf_counter()
    result = reason(store)
    state = "consistent" if result.consistent else "INCONSISTENT"
    emit("reason", time.perf_counter() - start, f"{state}, {len(result.inferred):,} triples inferred")


def step_materialise(spec: dict) -> None:
    """OWL 2 RL materialisation of the whole graph with the seed, as `ecograph build` runs it.

    Writes the inferred graph and its PROV to ``spec["out"]`` (N-Quads), for the query steps.
    The engine runs in a grandchild: its peak memory is reported in the result.
    """
    import pyoxigraph as ox

    from ecograph.rdf.loading import load_dataset, load_ontology
    from ecograph.validation.materialise import materialise

    data = load_dataset()
    data.bulk_load(path=spec["path"], format=ox.RdfFormat.TRIG if spec["path"].endswith(".trig") else ox.RdfFormat.N_QUADS)
    ontology = load_ontology()
    start = time.perf_counter()
    result = materialise(data, ontology)
    seconds = time.perf_counter() - start
    ox.serialize([*result.inferred, *result.provenance], spec["out"], format=ox.RdfFormat.N_QUADS)
    virtuous = len(result.members("https://w3id.org/ecograph/ontology#VirtuousCircleCompany"))
    expected = json.loads(Path(spec["path"] + ".expected.json").read_text())["virtuous_circle"] + 4  # + the seed's four
    check = "= sidecar + seed" if virtuous == expected else f"NOT the sidecar's {expected:,}"
    emit("materialise", seconds, f"{len(result.inferred):,} inferred from {result.read:,} read; "
         f"{virtuous:,} virtuous-circle companies ({check}); engine child peak {result.peak_mb:,.0f} MB")


def step_export(spec: dict) -> None:
    import pyoxigraph as ox

    from ecograph.rdf.export import ExportFormat, export

    path, fmt, out = spec["path"], ExportFormat[spec["format"]], Path(spec["out"])
    store = oxigraph_store(path)
    start = time.perf_counter()
    if spec["tool"] == "ecograph":
        export(store, fmt, out)
    elif fmt.supports_datasets:
        store.dump(str(out), fmt.rdf_format)
    else:
        # Raw baseline: every graph's triples, duplicates across graphs included.
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store)
        ox.serialize(triples, str(out), fmt.rdf_format)
    emit("export", time.perf_counter() - start, f"{out.stat().st_size / 1e6:.1f} MB")


def _rdflib_term(term: Any) -> Any:
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    lang = term.language
    return rdflib.Literal(term.value, lang=lang, datatype=None if lang else rdflib.URIRef(term.datatype.value))


def _context(inferred: str | None = None) -> Any:
    """The ontology, the seed graph and the inferred statements, which the queries need besides the synthetic data.

    ``rdfs:subClassOf*`` paths need the ontology, parameter defaults name seed entities
    (ecod:china, the Pujiang forum), and ``18-virtuous-circle-by-class`` needs the inferred
    graph (the materialise step's output, when given): with them every query has answers.
    """
    import pyoxigraph as ox

    from ecograph.rdf.loading import load_dataset, load_ontology

    store = ox.Store()
    store.extend(load_ontology())
    store.extend(load_dataset())
    if inferred:
        store.load(path=inferred, format=ox.RdfFormat.N_QUADS)
    return store


def step_queries(spec: dict) -> None:
    """Load once, then run each catalogue query; one line per query so the parent can stop a slow one.

    ``ecograph`` runs :func:`ecograph.sparql.query.run_query`; ``pyoxigraph`` the raw
    ``Store.query`` and ``rdflib`` ``Dataset.query``, both with the same
    parameter defaults and prefixes, over the union of the graphs.
    """
    import pyoxigraph as ox

    from ecograph.rdf.namespaces import PREFIXES
    from ecograph.sparql.catalogue import load_catalogue
    from ecograph.sparql.query import bind_parameters, bound_text, run_query

    wanted = set(spec["names"])
    catalogue = [q for q in load_catalogue() if q.name in wanted]
    tool, path = spec["tool"], spec["path"]
    start = time.perf_counter()
    context = _context(spec.get("inferred"))
    if tool == "rdflib":
        store = rdflib_dataset(path, first=ox.serialize(context, format=ox.RdfFormat.N_QUADS))

        def run(q: Any) -> int:
            # rdflib's own way to bind values (initBindings), and the query's dataset.
            bindings = {k: _rdflib_term(v) for k, v in bind_parameters(q).items()}
            store.default_union = q.union_default_graph
            result = store.query(q.text, initNs=PREFIXES, initBindings=bindings)
            return int(bool(result.askAnswer)) if result.type == "ASK" else len(list(result))

    else:
        store = oxigraph_store(path)
        store.extend(context)

        def run(q: Any) -> int:
            if tool == "ecograph":
                return run_query(q, store).size
            # The same text as ecograph runs: parameters in VALUES blocks, the query's dataset.
            text = bound_text(q, bind_parameters(q))
            result = store.query(text, use_default_graph_as_union=q.union_default_graph, prefixes=PREFIXES)
            return int(bool(result)) if isinstance(result, ox.QueryBoolean) else len(list(result))

    emit("ready", time.perf_counter() - start, "loaded")
    for q in catalogue:
        start = time.perf_counter()
        rows = run(q)
        emit(q.name, time.perf_counter() - start, f"{rows} rows")


def _projection(path: str) -> Any:
    project = function(module("ecograph.network.projection"), "project")
    from ecograph.rdf.loading import store_from_files

    return project(store_from_files([Path(path)]))


def step_projection(spec: dict) -> None:
    project = function(module("ecograph.network.projection"), "project")
    from ecograph.rdf.loading import store_from_files

    store = store_from_files([Path(spec["path"])])
    start = time.perf_counter()
    graph = project(store)
    emit("projection", time.perf_counter() - start, f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges")


def step_chains(spec: dict) -> None:
    chains = module("ecograph.network.chains")
    find = function(chains, "find_chains")
    graph = _projection(spec["path"])
    start = time.perf_counter()
    found = find(graph)
    total = sum(len(v) for v in found.values()) if isinstance(found, dict) else len(found)
    emit("chains", time.perf_counter() - start, f"{total} chain instances")


def step_analysis(spec: dict) -> None:
    analysis = module("ecograph.network.analysis")
    analyze = function(analysis, "analyze")
    graph = _projection(spec["path"])
    start = time.perf_counter()
    analyze(graph)
    emit("analysis", time.perf_counter() - start, f"all metrics over {graph.number_of_nodes():,} nodes")


def _page_graph(path: str) -> Any:
    """The projection of a synthetic graph, or of the seed when the path is ``seed``."""
    if path == "seed":
        return function(module("ecograph.network.projection"), "load_projection")()
    return _projection(path)


def step_page(spec: dict) -> None:
    viz = module("ecograph.viz")
    write_page = function(viz, "write_page")
    graph = _page_graph(spec["path"])
    start = time.perf_counter()
    report = write_page(Path(spec["out"]), graph=graph, **({"max_nodes": spec["max_nodes"]} if spec.get("max_nodes") else {}))
    seconds = time.perf_counter() - start
    shown = f"opens on {getattr(report, 'communities', '?')} communities" if report.aggregated else f"{report.nodes:,} nodes"
    layout = getattr(report, "layout_seconds", None)
    emit("page", seconds, f"{shown}, {report.edges:,} edges, layout {layout:.1f} s, {report.size / 1e6:.1f} MB"
         if layout is not None else f"{shown}, {report.size / 1e6:.1f} MB")


def step_page_open(spec: dict) -> None:
    """Open the written page in headless Chromium (WebGL by SwiftShader): wall time until drawn, and its stats()."""
    browser = module("ecograph.viz.browser")
    chromium, wait_ready = function(browser, "chromium"), function(browser, "wait_ready")
    page = Path(spec["out"])
    with chromium((1280, 800)) as driver:
        start = time.perf_counter()
        driver.get(page.resolve().as_uri())
        wait_ready(driver, timeout=300.0)
        seconds = time.perf_counter() - start
        # The frame drawn is on screen one animation frame later (after the browser rasterised it).
        for _ in range(3000):
            if driver.execute_script("return window.ecographPage.stats().shownMs"):
                break
            time.sleep(0.1)
        stats = driver.execute_script("return window.ecographPage ? window.ecographPage.stats() : null") or {}
        errors = [e["message"][:120] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    detail = ", ".join(f"{k} {stats[k]}" for k in ("renderer", "nodes", "edges", "aggregated", "labelsShown",
                                                   "labelOverlaps", "firstFrameMs", "labelsMs", "shownMs") if k in stats)
    emit("page open", seconds, f"{page.stat().st_size / 1e6:.1f} MB in Chromium; {detail}" + (f"; errors: {errors}" if errors else ""))
    print(json.dumps({"name": "page stats", "seconds": seconds, "result": json.dumps(stats)}), flush=True)


def step_store(spec: dict) -> None:
    """The analyst's commands against a store: chains and a focused page read from an Oxigraph server or Virtuoso.

    The store is started as the tests start it (tests/support.py's helpers), loaded with
    the store ``ecograph query`` answers from (ontology, seed, synthetic graph, inferred graph)
    by its bulk loader; ``chains --endpoint`` (fetch in pages + projection + chain search) is
    timed against the same from the local files, and must find as many instances.
    """
    import contextlib
    import subprocess
    import tempfile

    import pyoxigraph as ox

    sys.path.insert(0, str(REPO / "tests"))
    from ecograph.network.chains import find_chains
    from ecograph.network.projection import project
    from ecograph.rdf.loading import load_dataset, load_ontology
    from ecograph.remote.fetch import fetch_neighbourhood, fetch_store
    from ecograph.viz import write_page
    from support import VIRTUOSO_DEFAULT_GRAPH, isql_exec, oxigraph_exe, running_oxigraph, running_virtuoso

    fmt = ox.RdfFormat.TRIG if spec["path"].endswith(".trig") else ox.RdfFormat.N_QUADS
    with tempfile.TemporaryDirectory(dir=spec["out"]) as tmp:
        root = Path(tmp)
        (root / "load").mkdir()
        nquads = root / "load" / "graph.nq"
        store = ox.Store()
        store.extend(load_ontology())
        store.extend(load_dataset())
        store.bulk_load(path=spec["path"], format=fmt)
        if spec.get("inferred"):
            store.bulk_load(path=spec["inferred"], format=ox.RdfFormat.N_QUADS)
        store.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
        local_data = load_dataset()
        local_data.bulk_load(path=spec["path"], format=fmt)
        del store
        start = time.perf_counter()
        local = {k: len(v) for k, v in find_chains(project(local_data)).items()}
        emit("chains (local files)", time.perf_counter() - start, f"{sum(local.values()):,} instances")
        del local_data
        with contextlib.ExitStack() as stack:
            start = time.perf_counter()
            if spec["store"] == "oxigraph":
                load = [oxigraph_exe(), "load", "--location", str(root / "db"), "--file", str(nquads)]
                subprocess.run(load, check=True, capture_output=True)
                endpoint = stack.enter_context(running_oxigraph(root / "db")) + "/query"
            else:
                endpoint, port, isql = stack.enter_context(running_virtuoso(root, root / "load"))
                isql_exec(isql, port, f"ld_dir('{root / 'load'}', 'graph.nq', '{VIRTUOSO_DEFAULT_GRAPH}'); rdf_loader_run(); checkpoint;")
            emit("store load", time.perf_counter() - start, f"{nquads.stat().st_size / 1e6:,.0f} MB of N-Quads")
            start = time.perf_counter()
            fetched = fetch_store(endpoint)
            fetch_seconds = time.perf_counter() - start
            remote = {k: len(v) for k, v in find_chains(project(fetched.store)).items()}
            same = "same instances as local" if remote == local else f"DIFFER from local: {remote} vs {local}"
            emit("chains --endpoint", time.perf_counter() - start,
                 f"{sum(remote.values()):,} instances, {same}; fetch {fetch_seconds:.1f} s, {fetched.requests} requests")
            del fetched
            start = time.perf_counter()
            around = fetch_neighbourhood(endpoint, spec["focus"], 2)
            report = write_page(root / "page.html", graph=project(around.store), focus=spec["focus"], hops=2)
            emit("viz --focus --hops 2 --endpoint", time.perf_counter() - start,
                 f"{report.nodes} nodes drawn; {len(around.store):,} statements in {around.requests} requests")


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets the process's peak resident set size (VmHWM).
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def step_main_job(spec: dict) -> None:
    """``ecograph run`` (with reasoning unless ``spec["reason"]`` is false) on a project of the seed and the synthetic graph.

    The real main job in one process (load, validate, reason, export, document, catalogue,
    chains, page), so its peak memory is the job's. Each step's time and the process's peak
    memory during it are emitted as soon as the step ends ("main job: NAME"), and "main job
    starts: NAME" as it begins, so that a job stopped at the time limit still shows the steps
    it finished and the one it was in; each step's result follows at the end ("main job
    result: NAME"; the reasoning engine's own child is in the reason step's result).
    """
    from ecograph.build.main_job import run_main_job

    out = Path(spec["out"])
    os.environ["ECOGRAPH_HOME"] = spec["home"]  # benchmarks/run.py's project of the seed and the synthetic graph
    current: list[tuple[str, float]] = []

    def finish_step() -> None:
        if current:
            name, began = current.pop()
            emit(f"main job: {name}", time.perf_counter() - began, f"process peak {_peak_mb():,.0f} MB")

    def progress(step: str) -> None:
        finish_step()
        _reset_peak()
        emit(f"main job starts: {step}", 0.0)
        current.append((step, time.perf_counter()))

    start = time.perf_counter()
    job = run_main_job(out / "build", reason=spec.get("reason", True), progress=progress)
    finish_step()
    seconds = time.perf_counter() - start
    for step in job.steps:
        emit(f"main job result: {step.name}", step.seconds, step.result)
    emit("main job", seconds, "; ".join(f"{s.name} {s.seconds:.1f} s" for s in job.steps))


STEPS: dict[str, Callable[[dict], None]] = {
    name[len("step_"):]: fn for name, fn in globals().items() if name.startswith("step_")
}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    try:
        STEPS[spec["step"]](spec)
    except NotBuilt as e:
        print(json.dumps({"name": "n/a", "seconds": 0.0, "result": f"n/a ({e})"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
