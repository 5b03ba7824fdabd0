"""Data and helpers that several test modules share (not a test module: tests import it, never each other)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from ecograph.viz.payload import join_payload

__all__ = [
    "FIXTURES",
    "REPO",
    "SHIPPED",
    "SHAPES_DIR",
    "SHAPE_CONTEXT",
    "EXAMPLE_GRAPH",
    "example_store",
    "tree_bytes",
    "ECOD",
    "ECO",
    "SECTION",
    "VIRTUOUS",
    "VIRTUOUS_MEMBERS",
    "PAYLOADS",
    "hostile_graph",
    "Server",
    "start_server",
    "http",
    "comparable_term",
    "rdflib_term",
    "VIRTUOSO_DEFAULT_GRAPH",
    "oxigraph_exe",
    "free_port",
    "running_oxigraph",
    "isql_exec",
    "running_virtuoso",
]

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


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Map every file below root (relative POSIX path) to its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# The analysts' page: the seed's virtuous circle, and text that tries to become markup.
ECOD = "https://w3id.org/ecograph/id/"
ECO = "https://w3id.org/ecograph/ontology#"
SECTION = ECOD + "source-test-s1"
VIRTUOUS = {ECOD + s for s in ("zbj", "iflytek", "daan-gene", "enjoyor")}
VIRTUOUS_MEMBERS = VIRTUOUS | {
    ECOD + s
    for s in (
        "zbj-spaces",
        "particle-space",
        "daan-gene-spaces",
        "enjoyor-spaces",
        "unnamed-incubator-of-zbj",
        "unnamed-incubator-of-iflytek",
        "unnamed-incubator-of-daan-gene",
        "unnamed-incubator-of-enjoyor",
    )
}
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    '<a href="javascript:window.__pwned=1">click</a>',
    "\"'quotes'\" and the word href",
    "\u202eevil\u202c right-to-left",
    "中国 </script><!--",
    "line\u2028separator",
)


BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Bidirectional controls: the page shows each as its visible code (U+202E as "[U+202E]")."""


def shown(text: str) -> str:
    """A text from the data as the page shows it."""
    return BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def hostile_graph() -> nx.MultiDiGraph:
    """A graph whose every text is an injection attempt; each payload sets window.__pwned."""
    g = nx.MultiDiGraph(sections={SECTION: {"title": PAYLOADS[1], "document": ECOD + "doc"}})
    for i, text in enumerate(PAYLOADS):
        g.add_node(
            f"{ECOD}hostile-{i}",
            label=text,
            label_zh="中国" + text,
            kind=PAYLOADS[i % 3],
            classes=[ECO + "Enterprise"],
            unnamed=False,
            sources=[SECTION],
            # Two years of one indicator (a series chart) with a growth and an area (the figures-by-area chart).
            figures=[
                {
                    "indicator": text,
                    "value": i + year - 2017,
                    "unit": PAYLOADS[0],
                    "qualifier": PAYLOADS[2],
                    "year": year,
                    "growth": 1.5 if year == 2017 else None,
                    "growth_qualifier": None,
                    "area": f"{ECOD}hostile-{i}",
                    "source": SECTION,
                }
                for year in (2017, 2018)
            ],
        )
    for i in range(len(PAYLOADS) - 1):
        g.add_edge(f"{ECOD}hostile-{i}", f"{ECOD}hostile-{i + 1}", predicate=ECO + "x", kind=PAYLOADS[3], sources=[])
    return g


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    @property
    def payload(self) -> dict[str, Any]:
        """The page's data as the page reads it: the map's block, then the details after the scripts."""
        return join_payload(json.loads(self.scripts[0]), json.loads(self.scripts[-1]))


def parse(html: str) -> _Tags:
    """The tags and the script texts of an HTML page."""
    p = _Tags()
    p.feed(html)
    return p


# The endpoint: a real `python -m ecograph serve` process, and plain HTTP.
URL_LINE = re.compile(r"^SPARQL endpoint ready at (http://127\.0\.0\.1:(\d+)/sparql)$")


@dataclass
class Server:
    """A running ``python -m ecograph serve`` process."""

    process: subprocess.Popen[str]
    url: str

    @property
    def base(self) -> str:
        return self.url.removesuffix("sparql")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(*args: str, env: dict[str, str] | None = None, wait: float = 180.0) -> Server:
    """Start the endpoint on a free port and wait for its URL line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ecograph", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    selector = selectors.DefaultSelector()
    assert process.stdout is not None
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if selector.select(timeout=deadline - time.monotonic()):
                line = process.stdout.readline()
                if not line:
                    break
                match = URL_LINE.match(line.strip())
                if match:
                    assert match.group(2) != "0"
                    return Server(process, match.group(1))
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"the server printed no URL line (exit {process.returncode}): {err}")
    finally:
        selector.close()


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    """Send one request; return (status, headers, body) whatever the status."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


# Answers of two engines compared term by term.
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


def comparable_term(term: object) -> object:
    """A term comparable across engines: numbers by value, plain literals as xsd:string."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, rdflib.URIRef)):
        return ("iri", str(term.value if isinstance(term, ox.NamedNode) else term))
    if isinstance(term, (ox.BlankNode, rdflib.BNode)):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        value, language, datatype = term.value, term.language, term.datatype.value
    else:
        value, language = str(term), term.language
        datatype = str(term.datatype) if term.datatype else (None if language else XSD + "string")
    if datatype in NUMERIC:
        return ("number", Decimal(value))
    if datatype == XSD + "boolean":
        return ("boolean", value in ("true", "1"))
    return ("literal", value, language, None if language else datatype)


def rdflib_term(term: ox.NamedNode | ox.Literal) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


# Second stores: a real Oxigraph server and a real Virtuoso on loopback, each with its own database.
# Virtuoso has no default graph of its own: what the embedded store keeps there goes to this named graph.
VIRTUOSO_DEFAULT_GRAPH = "https://w3id.org/ecograph/graph/default"


def oxigraph_exe() -> str:
    """The Oxigraph server's executable (the test extra installs it); skips the test without it."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).is_file():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return exe


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_oxigraph(location: Path) -> Iterator[str]:
    """An Oxigraph server on loopback storing in ``location``; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_exe(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _virtuoso_ini(root: Path, sql_port: int, http_port: int, allowed: Path) -> Path:
    ini = root / "virtuoso.ini"
    (root / "vsp").mkdir()
    ini.write_text(
        f"""[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {allowed}
NumberOfBuffers = 100000
MaxDirtyBuffers = 75000
ThreadsPerQuery = 2
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}/vsp
ServerThreads = 4
EnabledDavVSP = 0
[SPARQL]
; the shipped 10,000 silently cuts answers; 25-construct-incubation-network has over 100,000 triples
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
; past this Virtuoso answers 200 with partial results and X-SQL-State: S1TAT, which run_query refuses
MaxQueryExecutionTime = 300
""",
        encoding="utf-8",
    )
    return ini


def isql_exec(isql: str, sql_port: int, statements: str) -> str:
    """Run SQL statements in a test Virtuoso through its isql client; fail on any error."""
    done = subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"], capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0 and "*** Error" not in output, output[-2000:]
    return output


@contextlib.contextmanager
def running_virtuoso(root: Path, allowed: Path) -> Iterator[tuple[str, int, str]]:
    """A Virtuoso on loopback with its own database in ``root``; yields (SPARQL URL, ISQL port, isql)."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.skip("Virtuoso is not installed (Debian: virtuoso-opensource; scripts/setup.sh installs it)")
    sql_port, http_port = free_port(), free_port()
    ini = _virtuoso_ini(root, sql_port, http_port, allowed)
    with open(root / "server.out", "wb") as out:
        proc = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=root, stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"virtuoso did not start: {(root / 'server.out').read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        else:
            pytest.fail("virtuoso did not answer within 60 s")
        yield endpoint, sql_port, isql
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
