"""Benchmark ecograph on synthetic graphs of growing size, side by side with raw pyoxigraph and rdflib.

Usage::

    python benchmarks/run.py [--sizes 10000,100000,1000000] [--with-10m] [--limit S] [--out DIR] [--stores oxigraph,virtuoso]
    python benchmarks/run.py --page-only [--sizes ...]   # the analysts' page alone, seed included

Each step runs in its own child process (benchmarks/steps.py). The time shown is
measured inside the child around the operation alone; the peak memory is the
child's maximum resident set size from ``os.wait4`` (so it includes the Python
interpreter and the imports: see the "interpreter + imports" row). A child that
runs over ``--limit`` seconds is killed and shown as "> limit".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STEPS = HERE / "steps.py"
TOOLS = ("ecograph", "pyoxigraph", "rdflib")
EXPORTS = ("TURTLE", "NTRIPLES", "TRIG", "JSONLD", "NQUADS")
EXT = {"TURTLE": "ttl", "NTRIPLES": "nt", "TRIG": "trig", "JSONLD": "jsonld", "NQUADS": "nq"}

# Targets at 10^6 statements, as the scale issue sets them (see docs/scale.md).
TARGET_SIZE = 1_000_000
TARGET_EXPORT_RATIO = 2.0  # ecograph load + export within 2x pyoxigraph's own parse + serialize
TARGET_QUERY_SECONDS = 1.0  # every catalogue query under 1 s ...
TARGET_QUERY_SPEEDUP = 20.0  # ... and at least 20 times faster than rdflib's in-memory graph
TARGET_CHAINS_SECONDS = 10.0
TARGET_PAGE_MB = 30.0  # every node drawn (issue 13)
TARGET_PAGE_OPEN_SECONDS = 10.0
TARGET_FIRST_FRAME_MS = 5000.0
TARGET_LAYOUT_SECONDS = 120.0
TARGET_PEAK_MB = 4096.0  # the whole main job
TARGET_GROWTH = 1.5  # time may grow at most 1.5 times as fast as the data: close to linear
TARGET_BUILD_RATIO = 2.0  # `ecograph build --no-reason` within 2x the bare pyoxigraph script (whole processes)
TARGET_BUILD_MB = 1536.0  # ... and within 1.5 GB
LARGE_SIZE = 10_000_000
FOCUS = "https://w3id.org/ecograph/id/synth/r0-gen1-incubator"  # viz --focus: a synthetic incubator every size has
TARGET_LARGE_PEAK_MB = 16384.0  # the main job with reasoning at 10^7
TARGET_LARGE_GROWTH = 15.0  # each step's time from 10^6 to 10^7
# The groups of steps --steps can pick; the synthetic graph is always generated.
STEP_GROUPS = ("load", "build", "reason", "checks", "export", "queries", "network", "store", "main_job")
# Why a step may grow faster than the data, and the fix: shown beside a growth that misses its target.
GROWTH_REASONS = {
    "--endpoint (virtuoso)": ("Virtuoso writes SPARQL JSON answers slowly (about 0.2 ms a row, 8.6 s for a 50,000-row page at 10^5); "
                              "fix: ask for SPARQL XML (3.2 s), as the client does since 2026-12-02"),
    "load": ("the step is pyoxigraph's in-memory bulk load, whose 4-7 s at 10^6 vary from run to run, so its growth "
             "does too: --steps load puts the raw pyoxigraph load beside it; fix: load the files in parallel"),
    "export": ("sorting N-Triples lines is n log n and the lines no longer fit the caches; "
               "fix: sort per graph in parallel writers, or take the store's own order"),
    "chains": ("the chain instances' Python objects outgrow the caches; "
               "fix: count instances on the plain index, build dicts only for those shown"),
    "reason": "the engine's joins grow with the classes' extents; fix: partition the data by region for the engine",
    "queries": ("the sorted listings of the catalogue (01, 25, the lineage: 10^5-10^6 rows at 10^7) sort n log n; "
                "fix: the main job counts rows without sorting them, a researcher pages with LIMIT"),
    "page": ("above --max-nodes (150,000 nodes) the page groups the graph into communities (igraph's Leiden) and lays "
             "each out; fix: lay out only the communities an analyst opens, in the page"),
}


@dataclass
class Cell:
    """One measurement: time and peak memory, or why there is none."""

    seconds: float | None = None
    peak_mb: float | None = None
    note: str = ""

    def __str__(self) -> str:
        if self.seconds is None:
            return self.note or "—"
        # Milliseconds matter for the fast queries: three decimals below 0.1 s, then two.
        text = f"{self.seconds:.3f} s" if self.seconds < 0.1 else f"{self.seconds:.2f} s"
        if self.peak_mb is not None:
            text += f" · {self.peak_mb:,.0f} MB"
        return text


@dataclass
class Row:
    """A step measured with one or more tools."""

    step: str
    kind: str
    cells: dict[str, Cell] = field(default_factory=dict)
    note: str = ""


@dataclass
class Child:
    """What a child process reported."""

    spec: dict
    lines: list[dict]
    peak_mb: float
    timed_out: bool
    error: str


def run_child(spec: dict, first_limit: float, each_limit: float | None = None) -> Child:
    """Run one step in a child; stop it when a line takes longer than its limit.

    ``first_limit`` bounds the wait for the first line, ``each_limit`` (default:
    the same) each later one. Peak memory comes from ``os.wait4``'s rusage of
    this very child (ru_maxrss, KiB on Linux).
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, str(STEPS), json.dumps(spec)], stdout=subprocess.PIPE, stderr=err, env=env)
        fd = proc.stdout.fileno()  # type: ignore[union-attr]
        lines: list[dict] = []
        buf = b""
        deadline = time.monotonic() + first_limit
        timed_out = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                proc.kill()
                timed_out = True
                break
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(json.loads(line))
                deadline = time.monotonic() + (each_limit if each_limit is not None else first_limit)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()  # type: ignore[union-attr]
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()
    error = "" if proc.returncode == 0 or timed_out else (tail[-1] if tail else f"exit {proc.returncode}")
    return Child(spec, lines, usage.ru_maxrss / 1024, timed_out, error)


def cell(child: Child, limit: float, name: str | None = None) -> Cell:
    """The cell for one line of a child (the first one when ``name`` is None)."""
    for line in child.lines:
        if name is None or line["name"] == name:
            if line["name"] == "n/a":
                return Cell(note=line["result"])
            return Cell(line["seconds"], child.peak_mb, line["result"])
    if child.timed_out:
        return Cell(note=f"> {limit:g} s")
    return Cell(note=f"NO (crashed: {child.error[:100]})" if child.error else "n/a")


def run_queries(
    tool: str, path: Path, queries: list[str], limit: float, step_limit: float, max_timeouts: int | None,
    inferred: str | None = None,
) -> list[Child]:
    """Run the queries in order in children; a query over the limit is skipped and the rest go on in a new child.

    After ``max_timeouts`` queries over the limit (None: no cap) the remaining ones are not run.
    """
    children: list[Child] = []
    todo = list(queries)
    while todo and (max_timeouts is None or sum(c.timed_out for c in children) < max_timeouts):
        child = run_child({"step": "queries", "tool": tool, "path": str(path), "names": todo, "inferred": inferred}, step_limit, limit)
        children.append(child)
        done = {line["name"] for line in child.lines}
        if not child.timed_out or "ready" not in done:
            break
        todo = [n for n in todo if n not in done][1:]  # the first one not done is the one that ran over
    return children


def query_cell(children: list[Child] | None, name: str, limit: float, step_limit: float) -> Cell:
    """The cell of one query, from the children that ran the catalogue."""
    if children is None:
        return Cell(note="not run: graph load over the limit")
    for child in children:
        if any(line["name"] == name for line in child.lines):
            return cell(child, limit, name)
    for child in children:
        done = {line["name"] for line in child.lines}
        if child.timed_out and "ready" not in done:
            return Cell(note=f"not run: load > {step_limit:g} s")
        if child.timed_out and name == _first_missing(child, name):
            return Cell(note=f"> {limit:g} s")
    last = children[-1] if children else None
    if last is not None and last.error:
        return Cell(note=f"NO (crashed: {last.error[:100]})")
    if last is not None and not last.timed_out and name in last.spec.get("names", []):
        return Cell(note="n/a (left the catalogue during the run)")
    return Cell(note="not run: too many queries over the limit")


def _first_missing(child: Child, name: str) -> str | None:
    todo = child.spec.get("names", [])
    done = {line["name"] for line in child.lines}
    return next((n for n in todo if n not in done), None)


def run_process(argv: list[str], env: dict[str, str], limit: float) -> Cell:
    """Wall time and peak memory of a whole process (interpreter, imports and all), as a user runs it."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env)
        deadline = start + limit
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return Cell(note=f"> {limit:g} s")
            time.sleep(0.02)
        seconds = time.monotonic() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()
            return Cell(note=f"NO (crashed: {(tail[-1] if tail else 'exit ' + str(status))[:100]})")
    return Cell(seconds, usage.ru_maxrss / 1024)


def median_process(argv: list[str], env: dict[str, str], limit: float, repeat: int) -> Cell:
    """The run with the median time of ``repeat`` runs (a failed run is returned at once)."""
    cells = []
    for _ in range(repeat):
        c = run_process(argv, env, limit)
        if c.seconds is None:
            return c
        cells.append(c)
    cells.sort(key=lambda c: c.seconds or 0.0)
    chosen = cells[len(cells) // 2]
    chosen.note = f"median of {repeat}" if repeat > 1 else ""
    return chosen


def project_home(out: Path, data: Path) -> Path:
    """A project folder as `ecograph init` makes it: the shipped ontology, seed and catalogue, plus one synthetic graph."""
    home = out / "home"
    shutil.rmtree(home, ignore_errors=True)
    (home / "graph").mkdir(parents=True)
    (home / "ecograph.toml").write_text("[project]\nseed = true\n", encoding="utf-8")
    (home / "graph" / data.name).symlink_to(data.resolve())
    return home


def info(step_limit: float) -> dict:
    """Library versions and catalogue query names, from a child (the parent stays small, see run_child)."""
    child = run_child({"step": "info"}, step_limit)
    if not child.lines:
        raise SystemExit(f"cannot import ecograph: {child.error}")
    return json.loads(child.lines[0]["result"])


def generate(path: Path, size: int, seed: int, limit: float) -> tuple[Cell, int]:
    child = run_child({"step": "generate", "path": str(path), "size": size, "seed": seed}, max(limit, size / 20_000))
    statements = next((int(line["result"]) for line in child.lines if line["name"] == "statements"), 0)
    return cell(child, limit, "generate"), statements


def bench_size(size: int, args: argparse.Namespace, queries: list[str], source: str) -> list[Row]:
    out: Path = args.out
    limit, step_limit = args.limit, args.step_limit
    path = out / f"synth-{size}.trig"
    rows: list[Row] = []
    gen, statements = generate(path, size, args.seed, step_limit)
    rows.append(Row("generate (synth)", "generate", {"ecograph": gen}, f"{statements:,} statements"))
    noop = run_child({"step": "noop"}, limit)
    rows.append(Row("interpreter + imports", "baseline", {"ecograph": Cell(0.0, noop.peak_mb)}, "memory floor of every child"))
    left_out = [g for g in STEP_GROUPS if g not in args.steps]
    if left_out:
        rows.append(Row("steps not run (--steps)", "baseline", {}, ", ".join(left_out)))
    with_rdflib = size <= args.rdflib_max
    tools = TOOLS if with_rdflib else TOOLS[:2]
    skipped = {} if with_rdflib else {"rdflib": Cell(note=f"skipped above {args.rdflib_max:,} statements (--rdflib-max)")}

    load = Row("load", "load", dict(skipped))
    for tool in tools if {"load", "queries"} & args.steps else ():
        child = run_child({"step": "load", "tool": tool, "path": str(path)}, args.load_limit if tool == "rdflib" else step_limit)
        load.cells[tool] = cell(child, args.load_limit if tool == "rdflib" else step_limit)
    if load.cells.keys() - skipped.keys():
        rows.append(load)

    # The build as users run it, whole processes: ecograph build --no-reason against the bare engine.
    home = project_home(out / f"project-{size}", path)
    env = {**os.environ, "ECOGRAPH_HOME": str(home),
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    files = sorted(str(p) for p in (REPO / "src" / "ecograph" / "data" / "graph").rglob("*.trig")) + [str(path)]
    if "build" in args.steps:
        _build_rows(rows, out, size, env, files, args)
    inferred = out / f"inferred-{size}.nq"
    inferred.unlink(missing_ok=True)  # never an earlier run's
    if "reason" in args.steps:
        _reason_row(rows, path, inferred, step_limit)
    if "checks" in args.steps:
        _check_rows(rows, size, path, out, args)
    if "export" in args.steps:
        _export_rows(rows, path, out, size, step_limit)
    if "queries" in args.steps:
        _query_rows(rows, load, skipped, tools, path, inferred, queries, source, args)
    if "network" in args.steps:
        _network_rows(rows, path, out, size, step_limit)
    if "store" in args.steps:
        _store_rows(rows, path, out, size, inferred, args)
    if "main_job" in args.steps:
        _main_job_rows(rows, path, out, size, home, step_limit)
    return rows


def _build_rows(rows: list[Row], out: Path, size: int, env: dict[str, str], files: list[str], args: argparse.Namespace) -> None:
    step_limit = args.step_limit
    build = median_process([sys.executable, "-m", "ecograph", "build", "--no-reason", "--out", str(out / f"build-{size}")],
                           env, step_limit, args.repeat)
    bare = median_process([sys.executable, str(HERE / "bare_pyoxigraph.py"), "--out", str(out / f"bare-{size}"), *files],
                          env, step_limit, args.repeat)
    rows.append(Row("build --no-reason (whole process)", "build", {"ecograph": build, "pyoxigraph": bare},
                    "ecograph: load, validate, four sorted exports, documentation; pyoxigraph: benchmarks/bare_pyoxigraph.py "
                    "(bulk load, write ttl, nt, trig, jsonld)"))


def _reason_row(rows: list[Row], path: Path, inferred: Path, step_limit: float) -> None:
    child = run_child({"step": "materialise", "path": str(path), "out": str(inferred)}, step_limit)
    rows.append(Row("reason (OWL 2 RL, whole graph with the seed)", "reason", {"ecograph": cell(child, step_limit)},
                    "reasonable, as build runs it"))
    if child.error or child.timed_out:
        inferred.unlink(missing_ok=True)


def _check_rows(rows: list[Row], size: int, path: Path, out: Path, args: argparse.Namespace) -> None:
    limit, step_limit = args.limit, args.step_limit
    checks = (
        ("validate", {"step": "validate", "engine": "sparql"}, args.validate_sample),
        ("validate (pySHACL, the reference)", {"step": "validate", "engine": "pyshacl"}, args.pyshacl_sample),
        ("consistency (HermiT)", {"step": "reason"}, args.reason_sample),
    )
    for name, spec, sample_size in checks:
        target = path
        note = "whole graph"
        if sample_size is not None and size > sample_size:
            target = out / f"synth-{sample_size}.trig"
            generate(target, sample_size, args.seed, limit)
            note = f"on a {sample_size:,}-statement sample (same generator and seed)"
        if spec["step"] == "validate":
            note += ", loading included"
        child = run_child({**spec, "path": str(target)}, step_limit)
        rows.append(Row(name, "check", {"ecograph": cell(child, step_limit)}, note))


def _export_rows(rows: list[Row], path: Path, out: Path, size: int, step_limit: float) -> None:
    export_dir = out / f"export-{size}"
    export_dir.mkdir(parents=True, exist_ok=True)
    for fmt in EXPORTS:
        row = Row(f"export {EXT[fmt]}", "export")
        for tool in ("ecograph", "pyoxigraph"):
            target = export_dir / f"{tool}.{EXT[fmt]}"
            child = run_child({"step": "export", "tool": tool, "format": fmt, "path": str(path), "out": str(target)}, step_limit)
            row.cells[tool] = cell(child, step_limit)
            target.unlink(missing_ok=True)
        if fmt in ("TURTLE", "NTRIPLES"):
            row.note = "raw pyoxigraph keeps duplicate triples across graphs"
        rows.append(row)


def _query_rows(rows: list[Row], load: Row, skipped: dict[str, Cell], tools: tuple[str, ...], path: Path, inferred: Path,
                queries: list[str], source: str, args: argparse.Namespace) -> None:
    limit, step_limit = args.limit, args.step_limit
    if queries:
        results: dict[str, list[Child] | None] = {}
        for tool in tools:
            loaded = load.cells["pyoxigraph" if tool == "ecograph" else tool]
            spec_inferred = str(inferred) if inferred.is_file() else None
            results[tool] = None if loaded.seconds is None else run_queries(
                tool, path, queries, limit, step_limit, args.max_timeouts, spec_inferred)
        for name in queries:
            row = Row(f"query {name}", "query", dict(skipped), note="")
            for tool, children in results.items():
                row.cells[tool] = query_cell(children, name, limit, step_limit)
            rows.append(row)
        rows.append(Row("queries: peak memory (load + all queries)", "baseline",
                        {t: Cell(0.0, max(c.peak_mb for c in cs)) for t, cs in results.items() if cs}))
    else:
        rows.append(Row("catalogue queries", "query", {"pyoxigraph": Cell(note=source), "rdflib": Cell(note=source)}))


def _network_rows(rows: list[Row], path: Path, out: Path, size: int, step_limit: float) -> None:
    for step in ("projection", "chains", "analysis", "page", "page_open"):
        spec = {"step": step, "path": str(path), "out": str(out / f"page-{size}.html")}
        child = run_child(spec, step_limit)
        note = "on the networkx projection (projection time not included)" if step not in ("projection", "page_open") else ""
        name = step.replace("_", " ")
        rows.append(Row(name, name, {"ecograph": cell(child, step_limit)}, note))


def _store_rows(rows: list[Row], path: Path, out: Path, size: int, inferred: Path, args: argparse.Namespace) -> None:
    step_limit = args.step_limit
    for store in args.stores:
        if size > args.store_max:
            skipped = Cell(note=f"skipped above {args.store_max:,} statements (--store-max)")
            rows.append(Row(f"chains --endpoint ({store})", "store", {"ecograph": skipped}))
            continue
        spec = {"step": "store", "store": store, "path": str(path), "out": str(out), "focus": FOCUS,
                "inferred": str(inferred) if inferred.is_file() else None}
        child = run_child(spec, step_limit)
        for line, kind in (("chains (local files)", "store"), ("store load", "store"), ("chains --endpoint", "store"),
                           ("viz --focus --hops 2 --endpoint", "store")):
            shown = line if line == "chains (local files)" else f"{line} ({store})"
            rows.append(Row(shown, kind, {"ecograph": cell(child, step_limit, line)}))


def _main_job_rows(rows: list[Row], path: Path, out: Path, size: int, home: Path, step_limit: float) -> None:
    spec = {"step": "main_job", "path": str(path), "out": str(out / f"main-job-{size}"), "home": str(home), "reason": True}
    child = run_child(spec, step_limit)
    job = cell(child, step_limit, "main job")
    if job.seconds is None:
        job.note += f" (peak memory until then {child.peak_mb:,.0f} MB)"
    rows.append(Row("main job", "main job", {"ecograph": job},
                    "`ecograph run` in one process, reasoning included: load, validate, reason, export, document, "
                    "catalogue, chains, page"))
    results = {line["name"].removeprefix("main job result: "): line["result"]
               for line in child.lines if line["name"].startswith("main job result: ")}
    finished = set()
    for line in child.lines:
        if line["name"].startswith("main job: "):
            name = line["name"].removeprefix("main job: ")
            finished.add(name)
            note = "; ".join(filter(None, (results.get(name), line["result"])))
            rows.append(Row(line["name"], "main job step", {"ecograph": Cell(line["seconds"], None, note)}))
    started = [line["name"].removeprefix("main job starts: ") for line in child.lines
               if line["name"].startswith("main job starts: ")]
    for name in started:
        if name not in finished:
            why = f"> {step_limit:g} s (stopped in this step)" if child.timed_out else f"NO (crashed: {child.error[:100]})"
            rows.append(Row(f"main job: {name}", "main job step", {"ecograph": Cell(note=why)}))


def markdown(size: int, rows: list[Row]) -> str:
    lines = [f"### {size:,} statements", "", "| step | ecograph | pyoxigraph (raw) | rdflib | note |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [str(row.cells[t]) if t in row.cells else "" for t in TOOLS]
        note = row.note
        first = row.cells.get("ecograph")
        timed = row.kind in ("check", "reason", "projection", "chains", "analysis", "page", "main job", "main job step", "store")
        if timed and first and first.seconds is not None:
            note = "; ".join(n for n in (first.note, note) if n)
        if row.kind == "query":
            answers = {t: c.note for t, c in row.cells.items() if c.seconds is not None}
            note = next(iter(answers.values()), note)
            if len(set(answers.values())) > 1:
                note = "answers differ: " + ", ".join(f"{t} {a}" for t, a in answers.items())
        lines.append(f"| {row.step} | " + " | ".join(cells) + f" | {note} |")
    return "\n".join(lines) + "\n"


def growth(results: dict[int, list[Row]]) -> str:
    """Time per size and its growth, from each size to the next and from the smallest to the largest."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return ""
    small, large = sizes[0], sizes[-1]
    steps = [f"×{b / a:g} data" for a, b in pairwise(sizes)]
    header = ["step", "tool", *(f"{s:,}" for s in sizes), *steps]
    if len(sizes) > 2:
        header.append(f"×{large / small:g} data")
    lines = [f"### Time growth from {small:,} to {large:,} statements", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    by_size = {size: {r.step: r for r in rows} for size, rows in results.items()}
    for row in results[large]:
        if row.kind == "baseline":
            continue
        for tool in row.cells:
            times = [_seconds(by_size[size].get(row.step), tool) for size in sizes]
            if not all(times):
                continue
            factors = [f"×{b / a:.0f}" for a, b in pairwise(times)]
            if len(sizes) > 2:
                factors.append(f"×{times[-1] / times[0]:.0f}")
            lines.append(f"| {row.step} | {tool} | " + " | ".join(f"{t:.3f} s" for t in times) + " | " + " | ".join(factors) + " |")
    return "\n".join(lines) + "\n"


def _load_results(path: Path) -> dict[int, list[Row]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        int(size): [Row(r["step"], r["kind"], {t: Cell(**r[t]) for t in TOOLS if t in r}, r.get("note", "")) for r in rows]
        for size, rows in raw.items()
    }


def _seconds(row: Row | None, tool: str) -> float | None:
    c = row.cells.get(tool) if row else None
    return c.seconds if c else None


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def _query_verdict(row: Row) -> tuple[str, bool | None]:
    """A catalogue query: < 1 s, >= 20x rdflib, an answer that is not empty, and the same answer in every engine."""
    eco, slow = row.cells.get("ecograph"), row.cells.get("rdflib")
    if eco is None or eco.seconds is None:
        return (eco.note if eco else "not run"), False
    answers = {t: c.note for t, c in row.cells.items() if c.seconds is not None}
    if eco.note.startswith("0 rows"):
        return f"{eco.seconds:.3f} s, but no answer: proves nothing", False
    if len(set(answers.values())) > 1:
        return "answers differ: " + ", ".join(f"{t} {a}" for t, a in answers.items()), False
    fast = eco.seconds < TARGET_QUERY_SECONDS
    if slow is not None and slow.seconds is not None:
        speedup = slow.seconds / max(eco.seconds, 1e-4)
        return f"{eco.seconds:.3f} s, {speedup:,.0f}× rdflib, {eco.note}", fast and speedup >= TARGET_QUERY_SPEEDUP
    if slow is not None and slow.note.startswith("> "):
        speedup = float(slow.note[2:].split()[0]) / max(eco.seconds, 1e-4)
        return (f"{eco.seconds:.3f} s, > {speedup:,.0f}× rdflib (rdflib over its limit), {eco.note}",
                fast and speedup >= TARGET_QUERY_SPEEDUP)
    return f"{eco.seconds:.3f} s, {eco.note}, rdflib not run", (None if fast else False)


def _failed(c: Cell | None) -> str:
    return c.note if c is not None and c.note else "not measured"


def targets(results: dict[int, list[Row]], small: int | None) -> str:
    """Check the scale issue's targets at 10^6 (and 10^7) statements, each as a measured ratio or bound."""
    if TARGET_SIZE not in results:
        return f"Targets are checked at {TARGET_SIZE:,} statements: not run (add it to --sizes).\n"
    rows = results[TARGET_SIZE]
    by_step = {r.step: r for r in rows}
    lines = [f"### Targets at {TARGET_SIZE:,} statements", "", "| target | measured | met |", "|---|---|---|"]

    left_out = set(by_step["steps not run (--steps)"].note.split(", ")) if "steps not run (--steps)" in by_step else set()
    build = by_step.get("build --no-reason (whole process)")
    eco, bare = (build.cells.get("ecograph"), build.cells.get("pyoxigraph")) if build else (None, None)
    if build is None and "build" in left_out:
        lines.append(f"| `ecograph build --no-reason` ≤ {TARGET_BUILD_RATIO:g}× bare pyoxigraph | not run (--steps) | n/a |")
    elif eco and bare and eco.seconds and bare.seconds:
        ratio = eco.seconds / bare.seconds
        lines.append(f"| `ecograph build --no-reason` ≤ {TARGET_BUILD_RATIO:g}× the bare pyoxigraph script (whole processes) | "
                     f"{eco.seconds:.1f} s vs {bare.seconds:.1f} s = {ratio:.2f}×; memory {eco.peak_mb:,.0f} MB vs "
                     f"{bare.peak_mb:,.0f} MB = {eco.peak_mb / bare.peak_mb:.2f}× | {_verdict(ratio <= TARGET_BUILD_RATIO)} |")
        lines.append(f"| `ecograph build --no-reason` peak memory ≤ {TARGET_BUILD_MB:,.0f} MB | {eco.peak_mb:,.0f} MB | "
                     f"{_verdict(eco.peak_mb <= TARGET_BUILD_MB)} |")
    else:
        lines.append(f"| `ecograph build --no-reason` ≤ {TARGET_BUILD_RATIO:g}× bare pyoxigraph | {_failed(eco)}; {_failed(bare)} | NO |")

    reason = by_step.get("reason (OWL 2 RL, whole graph with the seed)")
    rc = reason.cells.get("ecograph") if reason else None
    ok = rc is not None and rc.seconds is not None and "NOT the sidecar" not in rc.note
    if reason is None and "reason" in left_out:
        lines.append("| OWL 2 RL reasoning on the whole graph, virtuous circle = the generator's count | not run (--steps) | n/a |")
    else:
        lines.append(f"| OWL 2 RL reasoning on the whole graph, virtuous circle = the generator's count | "
                     f"{(f'{rc.seconds:.1f} s; ' + rc.note) if rc and rc.seconds is not None else _failed(rc)} | {_verdict(ok)} |")

    for row in (r for r in rows if r.kind == "query" and r.step.startswith("query ")):
        text, ok = _query_verdict(row)
        if row.step.endswith("-violation") and ok is False and "no answer" in text:
            # A check answers nothing on valid data: its speed on an empty answer is shown, never scored.
            text, ok = text.replace("but no answer: proves nothing", "a check with no violation: not scored"), None
        lines.append(f"| {row.step}: < {TARGET_QUERY_SECONDS:g} s, ≥ {TARGET_QUERY_SPEEDUP:g}× rdflib, an answer, engines agree | "
                     f"{text} | {_verdict(ok)} |")

    if {"projection", "chains", "page", "page open"} & by_step.keys():
        lines += _chain_lines(by_step.get("chains"))
    for row in (r for r in rows if r.kind == "store" and r.step.startswith("chains --endpoint")):
        c = row.cells.get("ecograph")
        ok = c is not None and c.seconds is not None and "same instances" in c.note
        measured = _failed(c) if c is None or c.seconds is None else f"{c.seconds:.1f} s; {c.note}"
        lines.append(f"| {row.step}: same instances as the local run | {measured} | {_verdict(ok)} |")
    if {"projection", "chains", "page", "page open"} & by_step.keys():
        lines += _page_lines(by_step.get("page"), by_step.get("page open"))
    else:  # the network steps were left out (--steps)
        lines.append("| chain search, page size, page open | not run (--steps) | n/a |")
    lines += _main_job_lines(by_step.get("main job"), TARGET_PEAK_MB, "with reasoning", "main_job" in left_out)

    if small is not None and small in results and small < TARGET_SIZE:
        lines += _growth_lines(results, small, TARGET_SIZE, TARGET_GROWTH * TARGET_SIZE / small)
    if LARGE_SIZE in results:
        large = {r.step: r for r in results[LARGE_SIZE]}
        lines += ["", f"### Targets at {LARGE_SIZE:,} statements", "", "| target | measured | met |", "|---|---|---|"]
        lines += _main_job_lines(large.get("main job"), TARGET_LARGE_PEAK_MB, "with reasoning", "main_job" in left_out)
        lines += _growth_lines(results, TARGET_SIZE, LARGE_SIZE, TARGET_LARGE_GROWTH)
    return "\n".join(lines) + "\n"


def _chain_lines(chains: Row | None) -> list[str]:
    cs = _seconds(chains, "ecograph")
    chains_measured = _failed(chains.cells.get("ecograph") if chains else None) if cs is None else f"{cs:.2f} s"
    return [f"| chain search < {TARGET_CHAINS_SECONDS:g} s | {chains_measured} | "
            f"{_verdict(False if cs is None else cs < TARGET_CHAINS_SECONDS)} |"]


def _page_lines(page: Row | None, page_open: Row | None) -> list[str]:
    lines = []
    page_mb = page.cells["ecograph"].note if page else ""
    opened = _seconds(page_open, "ecograph")
    size_ok = None
    if page and page.cells["ecograph"].seconds is not None:
        size = float(page_mb.rsplit(",", 1)[-1].replace("MB", "").strip() or "nan")
        size_ok = size < TARGET_PAGE_MB
    lines.append(f"| aggregated page < {TARGET_PAGE_MB:g} MB | {page_mb or 'not measured'} | "
                 f"{_verdict(False if size_ok is None else size_ok)} |")
    lines.append(f"| page opens in Chromium < {TARGET_PAGE_OPEN_SECONDS:g} s | "
                 f"{'not measured' if opened is None else f'{opened:.2f} s'} | "
                 f"{_verdict(False if opened is None else opened < TARGET_PAGE_OPEN_SECONDS)} |")
    return lines


def _main_job_lines(job: Row | None, limit_mb: float, what: str, left_out: bool = False) -> list[str]:
    c = job.cells.get("ecograph") if job else None
    if job is None and left_out:
        return [f"| main job ({what}) peak memory < {limit_mb:,.0f} MB | not run (--steps) | n/a |"]
    if c is None or c.seconds is None:
        return [f"| main job ({what}) peak memory < {limit_mb:,.0f} MB | {_failed(c)} | NO |"]
    return [f"| main job ({what}) peak memory < {limit_mb:,.0f} MB | {c.seconds:.1f} s, {c.peak_mb:,.0f} MB | "
            f"{_verdict(c.peak_mb < limit_mb)} |"]


def _growth_lines(results: dict[int, list[Row]], small: int, large: int, bound: float) -> list[str]:
    """Each step's time growth from ``small`` to ``large`` statements against ``bound``, with why and the fix where missed."""
    lines = []
    before = {r.step: r for r in results[small]}
    for row in results[large]:
        if row.kind in ("baseline", "query", "generate", "check") or row.step == "interpreter + imports":
            continue
        c, b = _seconds(row, "ecograph"), _seconds(before.get(row.step), "ecograph")
        if not (c and b):
            if row.cells.get("ecograph") and row.cells["ecograph"].seconds is None and row.step in before:
                lines.append(f"| {row.step}: time growth ×{large / small:g} data ≤ ×{bound:g} | "
                             f"{_failed(row.cells['ecograph'])}{_growth_reason(row.step)} | NO |")
            continue
        g = c / b
        why = _growth_reason(row.step) if g > bound else ""
        lines.append(f"| {row.step}: time growth ×{large / small:g} data ≤ ×{bound:g} | {b:.2f} s → {c:.2f} s = ×{g:.1f}{why} | "
                     f"{_verdict(g <= bound)} |")
    return lines


def _growth_reason(step: str) -> str:
    """Why a step grows faster than the data, and the fix, in brackets (empty when none is known)."""
    reason = next((text for key, text in GROWTH_REASONS.items() if key in step), "")
    return f" ({reason})" if reason else ""


def page_rows(graphs: list[tuple[str, Path | str]], args: argparse.Namespace) -> list[dict]:
    """Write and open the page of each graph; one dict of figures per graph."""
    rows = []
    for name, path in graphs:
        out = args.out / f"page-{name}.html"
        written = run_child({"step": "page", "path": str(path), "out": str(out)}, args.step_limit)
        row: dict = {"graph": name, "page": cell(written, args.step_limit, "page")}
        if row["page"].seconds is not None:
            opened = run_child({"step": "page_open", "path": str(path), "out": str(out)}, args.step_limit)
            row["open"] = cell(opened, args.step_limit, "page open")
            row["stats"] = next((json.loads(line["result"]) for line in opened.lines if line["name"] == "page stats"), {})
        rows.append(row)
    return rows


def page_table(rows: list[dict]) -> str:
    """The page's figures per graph, then the targets of issue 13 on the largest graph."""
    lines = ["### The analysts' page", "",
             "| graph | nodes drawn | edges drawn | aggregated | page | layout | write (all) | first frame | labels drawn "
             "| on screen | labels shown | label overlaps | peak memory (write) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        page, st = row["page"], row.get("stats", {})
        note = page.note.rsplit(", ", 1)
        size = note[-1] if page.seconds is not None else page.note
        layout = next((p.removeprefix("layout ") for p in page.note.split(", ") if p.startswith("layout ")), "")
        written = f"{page.seconds:.1f} s" if page.seconds is not None else "—"
        peak = f"{page.peak_mb:,.0f} MB" if page.peak_mb is not None else ""
        lines.append(f"| {row['graph']} | {st.get('nodes', '')} | {st.get('edges', '')} | {st.get('aggregated', '')} | {size} | "
                     f"{layout} | {written} | {st.get('firstFrameMs', '')} ms | {st.get('labelsMs', '')} ms | "
                     f"{st.get('shownMs', '')} ms | {st.get('labelsShown', '')} | "
                     f"{st.get('labelOverlaps', '')} | {peak} |")
    seed = next((r for r in rows if r["graph"] == "seed"), None)
    if seed and seed.get("stats"):
        lines += ["", f"Seed: labelOverlaps {seed['stats'].get('labelOverlaps')} (target 0): "
                      f"{_verdict(seed['stats'].get('labelOverlaps') == 0)}."]
    big = next((r for r in rows if r["graph"] == f"{TARGET_SIZE:,}"), None)
    if big and big.get("stats"):
        st, page = big["stats"], big["page"]
        size = float(page.note.rsplit(", ", 1)[-1].removesuffix(" MB"))
        layout = float(next(p for p in page.note.split(", ") if p.startswith("layout ")).split()[1])
        lines += ["", f"Targets at {TARGET_SIZE:,} statements:", "",
                  f"- drawn without aggregation: {not st.get('aggregated')} ({st.get('nodes')} nodes) — "
                  f"{_verdict(not st.get('aggregated'))}",
                  f"- file <= {TARGET_PAGE_MB:g} MB: {size:.1f} MB — {_verdict(size <= TARGET_PAGE_MB)}",
                  f"- first frame < {TARGET_FIRST_FRAME_MS / 1000:g} s: {st.get('firstFrameMs')} ms — "
                  f"{_verdict(st.get('firstFrameMs', 1e9) < TARGET_FIRST_FRAME_MS)}; on screen at {st.get('shownMs')} ms — "
                  f"{_verdict(0 < st.get('shownMs', 0) < TARGET_FIRST_FRAME_MS)}",
                  f"- layout < {TARGET_LAYOUT_SECONDS:g} s: {layout:.1f} s — {_verdict(layout < TARGET_LAYOUT_SECONDS)}"]
    return "\n".join(lines) + "\n"


def machine(versions: dict[str, str]) -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    libs = ", ".join(f"{k} {v}" for k, v in versions.items() if k != "python")
    return (f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (nproc), {mem} RAM, "
            f"Python {versions.get('python', '?')}, {libs}.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated graph sizes (statements)")
    parser.add_argument("--with-10m", action="store_true", help="also run 10,000,000 statements")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds before a query is stopped")
    parser.add_argument("--step-limit", type=float, default=600.0, help="seconds before any other step is stopped")
    parser.add_argument("--load-limit", type=float, default=600.0,
                        help="seconds before rdflib's load is stopped (its queries are not run then)")
    parser.add_argument("--max-timeouts", type=int, default=None,
                        help="per tool, stop running queries after this many ran over --limit (default: run every query; "
                             "each time-out costs --limit plus a reload of the graph)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where graphs and results go (git-ignored)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--validate-sample", type=int, default=None, help="validate at most this many statements (default: all)")
    parser.add_argument("--pyshacl-sample", type=int, default=100_000,
                        help="validate at most this many statements with pySHACL, for comparison")
    parser.add_argument("--reason-sample", type=int, default=20_000, help="check consistency with HermiT on at most this many statements")
    parser.add_argument("--rdflib-max", type=int, default=1_000_000, help="run rdflib only up to this size (it needs ~4 KB a statement)")
    parser.add_argument("--stores", default="oxigraph,virtuoso", help="stores to run chains/viz --endpoint against ('' for none)")
    parser.add_argument("--store-max", type=int, default=1_000_000, help="run the store steps only up to this size")
    parser.add_argument("--fresh", action="store_true", help="do not keep the other sizes of an earlier results.json")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each whole-process build (the median is shown)")
    parser.add_argument("--steps", default=",".join(STEP_GROUPS),
                        help=f"comma-separated groups of steps to run (default: all of {', '.join(STEP_GROUPS)}); "
                             "the ones left out are named in the table")
    parser.add_argument("--report", action="store_true",
                        help="run nothing: print the tables of the figures in --out's results.json again")
    parser.add_argument("--page-only", action="store_true",
                        help="only the analysts' page: the seed and each size (synthetic graphs made with --seed)")
    args = parser.parse_args(argv)
    args.stores = [s for s in args.stores.split(",") if s]
    args.steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    if unknown := args.steps - set(STEP_GROUPS):
        parser.error(f"--steps: unknown {', '.join(sorted(unknown))} (choose from {', '.join(STEP_GROUPS)})")
    if args.steps & {"queries", "store"}:
        args.steps.add("reason")  # their store holds the inferred graph, as `ecograph query` answers from it
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()} | ({10_000_000} if args.with_10m else set()))
    if args.report:
        return report(args.out / "results.json")
    args.out.mkdir(parents=True, exist_ok=True)
    about = info(args.step_limit)
    queries, source = about["queries"], about["source"]
    print(machine(about["versions"]))
    if args.page_only:
        graphs: list[tuple[str, Path | str]] = [("seed", "seed")]
        for size in sizes:
            path = args.out / f"synth-{size}.trig"
            generate(path, size, args.seed, args.step_limit)
            graphs.append((f"{size:,}", path))
        rows = page_rows(graphs, args)
        (args.out / "page-results.json").write_text(json.dumps(
            [{"graph": r["graph"], "page": vars(r["page"]), "open": vars(r["open"]) if "open" in r else None,
              "stats": r.get("stats", {})} for r in rows], indent=1), encoding="utf-8")
        print(page_table(rows))
        return 0
    results: dict[int, list[Row]] = {}
    for size in sizes:
        results[size] = bench_size(size, args, queries, source)
        print(markdown(size, results[size]), flush=True)
    # Keep the raw figures first, so that nothing measured is lost if a summary below fails. Sizes measured
    # by an earlier run in the same --out (say 10^6, before a separate 10^7 run) are kept and compared with.
    saved = args.out / "results.json"
    earlier = _load_results(saved) if saved.is_file() and not args.fresh else {}
    for size, rows in earlier.items():
        if size not in results:
            results[size] = rows
            print(f"({size:,} statements: figures of an earlier run, from {saved})\n")
    dump = {str(s): [{"step": r.step, "kind": r.kind, "note": r.note, **{t: vars(c) for t, c in r.cells.items()}} for r in rows]
            for s, rows in sorted(results.items())}
    saved.write_text(json.dumps(dump, indent=1), encoding="utf-8")
    print(summary(results))
    return 0


def summary(results: dict[int, list[Row]]) -> str:
    small = 10_000 if 10_000 in results else min(results)
    return growth(results) + "\n" + targets(results, small)


def report(saved: Path) -> int:
    """The tables of an earlier run, from its results.json."""
    if not saved.is_file():
        raise SystemExit(f"{saved}: no results.json there (run the benchmark with this --out first)")
    results = _load_results(saved)
    for size in sorted(results):
        print(markdown(size, results[size]))
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
