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


def _context() -> Any:
    """The ontology and the seed graph, which the queries need besides the synthetic data.

    ``rdfs:subClassOf*`` paths need the ontology, and parameter defaults name seed
    entities (ecod:china, the Pujiang forum): with the seed every query has answers.
    """
    import pyoxigraph as ox

    from ecograph.rdf.loading import load_dataset, load_ontology

    store = ox.Store()
    store.extend(load_ontology())
    store.extend(load_dataset())
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
    context = _context()
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
                                                   "labelOverlaps", "firstFrameMs", "shownMs") if k in stats)
    emit("page open", seconds, f"{page.stat().st_size / 1e6:.1f} MB in Chromium; {detail}" + (f"; errors: {errors}" if errors else ""))
    print(json.dumps({"name": "page stats", "seconds": seconds, "result": json.dumps(stats)}), flush=True)


def step_main_job(spec: dict) -> None:
    """``ecograph run --no-reason`` on a project whose graph/ holds the seed and the synthetic graph.

    The real main job in one process (load, validate, export, document, catalogue, chains,
    page), so its peak memory is the job's; reasoning is the row above, on a sample.
    """
    import shutil

    from ecograph.build.main_job import run_main_job

    out = Path(spec["out"])
    home = out / "home"
    shutil.rmtree(home, ignore_errors=True)
    (home / "graph").mkdir(parents=True)
    # A project like `ecograph init` makes: the shipped ontology, seed and catalogue, plus the synthetic data.
    (home / "ecograph.toml").write_text("[project]\nseed = true\n", encoding="utf-8")
    (home / "graph" / Path(spec["path"]).name).symlink_to(Path(spec["path"]).resolve())
    os.environ["ECOGRAPH_HOME"] = str(home)
    start = time.perf_counter()
    job = run_main_job(out / "build", reason=False)
    seconds = time.perf_counter() - start
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
