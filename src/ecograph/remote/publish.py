"""Upload the graph to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol, in batches with retries."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.errors import EcographError
from ecograph.rdf.stores import serialize

__all__ = ["PublishReport", "GraphUpload", "publish", "publish_store", "graph_url"]

DEFAULT_BATCH = 50_000
_NTRIPLES = "application/n-triples"
# Statuses worth another try: the server is busy, restarting or behind a proxy that timed out.
_TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
Progress = Callable[[int, int], None]


@dataclass
class GraphUpload:
    """One graph sent to the store: its name (``None`` for the default graph), statements and requests."""

    graph: str | None
    statements: int
    requests: int


@dataclass
class PublishReport:
    """What :func:`publish` sent.

    Attributes
    ----------
    endpoint : str
        The Graph Store Protocol URL.
    graphs : list of GraphUpload
        One per graph, default graph first.
    retries : int
        Requests that had to be sent again.
    seconds : float
        Wall-clock time of the upload.
    """

    endpoint: str
    graphs: list[GraphUpload] = field(default_factory=list)
    retries: int = 0
    seconds: float = 0.0

    @property
    def statements(self) -> int:
        """Statements sent, over all graphs."""
        return sum(g.statements for g in self.graphs)

    @property
    def requests(self) -> int:
        """HTTP requests that succeeded."""
        return sum(g.requests for g in self.graphs)


def graph_url(endpoint: str, graph: str | None) -> str:
    """Return the Graph Store Protocol URL of one graph.

    Parameters
    ----------
    endpoint : str
        The store's Graph Store Protocol URL, e.g. ``http://127.0.0.1:7878/store``.
    graph : str or None
        A graph IRI, or ``None`` for the default graph.

    Returns
    -------
    str

    Examples
    --------
    >>> graph_url("http://127.0.0.1:7878/store", "https://w3id.org/ecograph/graph/x")
    'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fecograph%2Fgraph%2Fx'
    >>> graph_url("http://127.0.0.1:7878/store?x=1", None)
    'http://127.0.0.1:7878/store?x=1&default'
    """
    query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _check_endpoint(endpoint: str) -> None:
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise EcographError(f"--endpoint must be an http(s) URL, got {endpoint!r}")


def _excerpt(body: bytes) -> str:
    return " ".join(body.decode("utf-8", "replace").split())[:300]


def _send(url: str, method: str, body: bytes, *, retries: int, backoff: float, timeout: float) -> int:
    """Send one request; retry transient failures with exponential backoff. Returns the retries used."""
    for attempt in range(retries + 1):
        request = urllib.request.Request(
            url, data=body, method=method, headers={"Content-Type": _NTRIPLES, "User-Agent": "ecograph"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return attempt
        except urllib.error.HTTPError as e:
            detail = _excerpt(e.read())
            if e.code not in _TRANSIENT or attempt == retries:
                raise EcographError(f"{method} {url} failed: HTTP {e.code} {e.reason}: {detail or '(empty body)'}") from e
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            if attempt == retries:
                reason = getattr(e, "reason", e)
                raise EcographError(f"{method} {url} failed after {retries + 1} attempts: {reason}") from e
        time.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


def _batches(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    # Blank-node labels are local to one request: a graph with blank nodes goes whole.
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        yield triples
        return
    for start in range(0, len(triples), size):
        yield triples[start : start + size]


def _graph_names(store: ox.Store, only: str | None) -> list[ox.NamedNode | ox.DefaultGraph]:
    names: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    named = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    named.sort(key=lambda g: g.value)
    names += named
    if only is None:
        return names
    wanted = [g for g in names if (g.value if isinstance(g, ox.NamedNode) else "default") == only]
    if not wanted:
        raise EcographError(f"no graph {only!r} in the data (use a named graph IRI or 'default')")
    return wanted


def publish_store(
    store: ox.Store,
    endpoint: str,
    *,
    graph: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    retries: int = 3,
    backoff: float = 0.5,
    timeout: float = 120.0,
    progress: Progress | None = None,
    default_graph_iri: str | None = None,
) -> PublishReport:
    """Upload every graph of a store, each to its own graph of the remote store.

    The first batch of a graph is sent with PUT (replacing what the store had
    in that graph), the next ones with POST (adding). Both are idempotent for an
    RDF store, so a retried batch never duplicates statements.

    Parameters
    ----------
    store : pyoxigraph.Store
        What to send.
    endpoint : str
        Graph Store Protocol URL (Oxigraph: ``http://HOST:PORT/store``).
    graph : str, optional
        Send only this graph: a named graph IRI, or ``"default"``.
    batch_size : int
        Statements per request.
    retries : int
        Further attempts after a connection error or a 408/429/5xx answer.
    backoff : float
        Seconds before the first retry; doubled for each next one.
    timeout : float
        Seconds to wait for one answer.
    progress : callable, optional
        Called with ``(statements sent, statements in total)`` after each batch.
    default_graph_iri : str, optional
        Send the default graph's statements to this named graph instead of
        ``?default``, for stores whose Graph Store endpoint has no default graph
        (Virtuoso, which answers queries without ``FROM`` from all graphs).

    Returns
    -------
    PublishReport

    Raises
    ------
    EcographError
        A bad endpoint, an unknown graph, or a request that failed for good; the
        message has the HTTP status and the start of the answer.
    """
    _check_endpoint(endpoint)
    if batch_size < 1:
        raise EcographError(f"--batch-size must be positive, got {batch_size}")
    names = _graph_names(store, graph)
    total = len(store) if graph is None else _count(store, names[0])
    report = PublishReport(endpoint)
    start, sent = time.perf_counter(), 0
    if progress:
        progress(0, total)
    for name in names:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
        target = name.value if isinstance(name, ox.NamedNode) else default_graph_iri
        upload = GraphUpload(target, len(triples), 0)
        url = graph_url(endpoint, upload.graph)
        for n, batch in enumerate(_batches(triples, batch_size)):
            body = serialize(batch, ox.RdfFormat.N_TRIPLES)
            report.retries += _send(url, "PUT" if n == 0 else "POST", body, retries=retries, backoff=backoff, timeout=timeout)
            upload.requests += 1
            sent += len(batch)
            if progress:
                progress(sent, total)
        report.graphs.append(upload)
    report.seconds = time.perf_counter() - start
    return report


def _count(store: ox.Store, name: ox.NamedNode | ox.DefaultGraph) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, name))


def publish(
    endpoint: str,
    files: Iterable[Path] | None = None,
    **options: object,
) -> PublishReport:
    """Upload the graph queries run on (or the given files) to a Graph Store Protocol endpoint.

    Parameters
    ----------
    endpoint : str
        Graph Store Protocol URL.
    files : iterable of Path, optional
        RDF files to send instead; by default the ontology, the data and the
        inferred triples, exactly what ``ecograph query`` answers from.
    **options
        As for :func:`publish_store`.

    Returns
    -------
    PublishReport
    """
    _check_endpoint(endpoint)
    if files:
        from ecograph.rdf.loading import store_from_files

        store = store_from_files(files)
    else:
        from ecograph.sparql.query import default_store

        store = default_store()
    return publish_store(store, endpoint, **options)  # type: ignore[arg-type]
