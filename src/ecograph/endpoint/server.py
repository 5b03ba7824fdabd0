"""``ecograph serve``: a read-only SPARQL 1.1 endpoint with real per-query time limits."""

from __future__ import annotations

import json
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from ecograph.endpoint.dereference import answers_path, dereference, worker_runner
from ecograph.endpoint.describe import DESCRIPTION_PREFIXES, service_description, void_description
from ecograph.endpoint.guard import QueryRefused, UpdateRefused, check_query
from ecograph.endpoint.negotiation import GRAPH_FORMATS, NotAcceptable, negotiate, serialize_triples
from ecograph.endpoint.workers import Answer, PoolBusy, QueryTimeout, WorkerCrashed, WorkerPool
from ecograph.errors import EcographError
from ecograph.rdf.loading import store_from_files

__all__ = ["EndpointConfig", "Endpoint", "served_store", "serve", "yasgui_dir"]

_MAX_BODY = 1 << 20
_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}
# The page may talk to this server only: the browser itself blocks any other request.
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'"
)
_WRITE_MESSAGE = "this endpoint is read-only: SPARQL Update and Graph Store writes are refused"


@dataclass
class EndpointConfig:
    """How to run the endpoint.

    Parameters
    ----------
    host : str
        Interface to bind; loopback unless asked otherwise.
    port : int
        TCP port; 0 picks a free one.
    timeout : float
        Seconds one query may run before its worker process is killed.
    max_rows : int
        Most solutions (or triples) returned; the rest is cut and flagged.
    workers : int
        Worker processes, each with its own copy of the store.
    queue_wait : float or None
        Seconds a request waits for a free worker; defaults to ``timeout + 5``.
    max_waiting : int
        Requests allowed to wait at once; beyond that the answer is 503 at once.
    files : list of Path or None
        RDF files to serve; by default what :func:`served_store` loads.
    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue_wait: float | None = None
    max_waiting: int = 128
    files: list[Path] | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise EcographError("--timeout must be a positive number of seconds")
        if self.max_rows < 1:
            raise EcographError("--max-rows must be at least 1")
        if self.workers < 1:
            raise EcographError("--workers must be at least 1")
        if not 0 <= self.port <= 65535:
            raise EcographError("--port must be between 0 and 65535")


def served_store(files: list[Path] | None = None) -> ox.Store:
    """Load exactly what the endpoint serves.

    Parameters
    ----------
    files : list of Path, optional
        Serve these files only; by default the same store the embedded queries use
        (:func:`ecograph.sparql.query.default_store`: ontology, facts, inferred triples).

    Returns
    -------
    pyoxigraph.Store
    """
    if files is not None:
        return store_from_files(files)
    from ecograph.sparql.query import default_store

    return default_store()


def yasgui_dir() -> Path:
    """Return the folder of the vendored YASGUI build (``scripts/vendor-yasgui.sh`` fills it)."""
    return Path(__file__).resolve().parents[1] / "vendor" / "node" / "yasgui" / "build"


def _static(name: str) -> bytes:
    return resources.files("ecograph.endpoint").joinpath("static", name).read_bytes()


def _catalogue_examples() -> list[dict[str, str]]:
    """The saved queries of ``queries/``, as examples for the query page."""
    try:
        from ecograph.sparql.catalogue import load_catalogue
    except ImportError:  # the catalogue module is optional for the endpoint itself
        return []
    try:
        catalogue = load_catalogue()
    except EcographError as e:
        print(f"ecograph serve: warning: the query page has no examples: {e}", file=sys.stderr)
        return []
    return [
        {"name": q.name, "title": q.title, "description": q.description, "kind": q.kind, "query": q.text}
        for q in catalogue
    ]


class Endpoint:
    """The HTTP front (one thread per connection) over a pool of query worker processes.

    Parameters
    ----------
    config : EndpointConfig
        Host, port, limits.

    Examples
    --------
    >>> endpoint = Endpoint(EndpointConfig(port=0))  # doctest: +SKIP
    >>> endpoint.start(); print(endpoint.url); endpoint.serve_forever()  # doctest: +SKIP
    """

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self._snapshot: Path | None = None
        self._server: _Server | None = None
        self._pool: WorkerPool | None = None
        self._waiting = threading.BoundedSemaphore(config.max_waiting)
        self.void: list[ox.Triple] = []
        self.description: list[ox.Triple] = []
        self.examples: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        """The SPARQL endpoint's URL (with the real port once started)."""
        host = self.config.host
        port = self._server.server_address[1] if self._server else self.config.port
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"

    def start(self) -> None:
        """Load the data, describe it, start the workers and bind the socket.

        Raises
        ------
        InputError
            If a data file does not parse.
        EcographError
            If the address cannot be bound or a worker fails to start.
        """
        # Load once here: a broken file is reported as file:line before any worker starts,
        # and the workers load this very snapshot, so they serve what the descriptions count.
        store = served_store(self.config.files)
        try:
            self._server = _Server((self.config.host, self.config.port), self)
        except OSError as e:
            raise EcographError(f"cannot listen on {self.config.host}:{self.config.port}: {e.strerror or e}") from e
        try:
            self.void = void_description(store, self.url)
            self.description = service_description(store, self.url, self.config.timeout, self.config.max_rows)
            self.examples = _catalogue_examples()
            self._snapshot = Path(tempfile.mkdtemp(prefix="ecograph-serve-")) / "served.nq"
            store.dump(self._snapshot, format=ox.RdfFormat.N_QUADS)
            del store
            self._pool = WorkerPool([self._snapshot], self.config.workers)
            self._pool.start()
        except BaseException:
            self.close()
            raise

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` is called."""
        assert self._server is not None, "start() first"
        self._server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Stop serving (from another thread) and kill the workers."""
        if self._server is not None:
            self._server.shutdown()
        self.close()

    def close(self) -> None:
        """Release the socket and the worker processes."""
        if self._pool is not None:
            self._pool.close()
        if self._server is not None:
            self._server.server_close()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot.parent, ignore_errors=True)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the live query workers."""
        return self._pool.pids if self._pool else []

    def query(self, request: dict[str, Any]) -> Answer:
        """Run one query request in a worker, within the configured limits.

        Parameters
        ----------
        request : dict
            ``query``, ``accept``, ``format``, ``default_graph``, ``named_graph``.

        Returns
        -------
        Answer
            Including 400 (malformed, SERVICE), 403 (update), 503 (time limit, busy).
        """
        assert self._pool is not None, "start() first"
        try:
            check_query(request["query"])
        except UpdateRefused as e:
            return _text_answer(HTTPStatus.FORBIDDEN, str(e))
        except QueryRefused as e:
            return _text_answer(HTTPStatus.BAD_REQUEST, str(e))
        if not self._waiting.acquire(blocking=False):
            return _text_answer(HTTPStatus.SERVICE_UNAVAILABLE, "too many queries waiting; try again shortly")
        try:
            wait = self.config.queue_wait if self.config.queue_wait is not None else self.config.timeout + 5
            return self._pool.run({**request, "max_rows": self.config.max_rows}, self.config.timeout, wait)
        except QueryTimeout as e:
            answer = _text_answer(HTTPStatus.SERVICE_UNAVAILABLE, str(e))
            answer.worker = e.pid
            return answer
        except (PoolBusy, WorkerCrashed) as e:
            return _text_answer(HTTPStatus.SERVICE_UNAVAILABLE, str(e))
        finally:
            self._waiting.release()


def _text_answer(status: int, message: str) -> Answer:
    return Answer(int(status), "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Fifty clients connecting at once must not overflow the listen queue.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up before reading its answer is not the server's error.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        if ":" in address[0]:
            self.address_family = __import__("socket").AF_INET6
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "ecograph-sparql"
    protocol_version = "HTTP/1.1"

    # --- plumbing --------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the terminal shows the URL line and errors only

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-Ecograph-Truncated, X-Ecograph-Rows, X-Ecograph-Worker")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode(), headers)

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body larger than {_MAX_BODY} bytes")
            return None
        return self.rfile.read(length) if length else b""

    def _path(self) -> str:
        return urlsplit(self.path).path

    def _params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True)

    # --- methods ---------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path, params = self._path(), self._params()
        endpoint = self.server.endpoint
        if path == "/sparql":
            if "update" in params:
                self._text(HTTPStatus.FORBIDDEN, _WRITE_MESSAGE)
            elif "query" in params:
                self._run_query(params["query"][0], params)
            else:
                self._graph(endpoint.description, params)
        elif path == "/service-description":
            self._graph(endpoint.description, params)
        elif path in ("/.well-known/void", "/void"):
            self._graph(endpoint.void, params)
        elif path in ("/", "/index.html"):
            self._page()
        elif path == "/plain":
            self._page(plain=True)
        elif path == "/catalogue.json":
            self._send(HTTPStatus.OK, "application/json", json.dumps(endpoint.examples).encode())
        elif path.startswith("/static/"):
            self._file(path.removeprefix("/static/"), from_vendor=False)
        elif path.startswith("/vendor/yasgui/"):
            self._file(path.removeprefix("/vendor/yasgui/"), from_vendor=True)
        elif answers_path(path):
            reply = dereference(path, self.headers.get("Accept"), next(iter(params.get("format", [])), None), worker_runner(endpoint.query))
            self._send(reply.status, reply.content_type, reply.body, reply.headers)
        elif path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, "image/x-icon", b"")
        elif path == "/status":
            status = {
                "workers": endpoint.worker_pids,
                "timeout": endpoint.config.timeout,
                "max_rows": endpoint.config.max_rows,
            }
            self._send(HTTPStatus.OK, "application/json", json.dumps(status).encode())
        else:
            self._text(HTTPStatus.NOT_FOUND, f"no such resource: {path} (the endpoint is /sparql)")

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        path = self._path()
        body = self._body()
        if body is None:
            return
        if path != "/sparql":
            self._refuse_write()
            return
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = self._params()
        if media_type == "application/sparql-update":
            self._text(HTTPStatus.FORBIDDEN, _WRITE_MESSAGE)
        elif media_type == "application/sparql-query":
            self._run_query(body.decode("utf-8", errors="replace"), params)
        elif media_type == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            merged = {**params, **form}
            if "update" in form:
                self._text(HTTPStatus.FORBIDDEN, _WRITE_MESSAGE)
            elif "query" in form:
                self._run_query(form["query"][0], merged)
            else:
                self._text(HTTPStatus.BAD_REQUEST, "missing 'query' in the form")
        else:
            self._text(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "POST a query as application/sparql-query or application/x-www-form-urlencoded (query=...)",
            )

    def _refuse_write(self) -> None:
        self._text(
            HTTPStatus.METHOD_NOT_ALLOWED if self.command != "POST" else HTTPStatus.FORBIDDEN,
            _WRITE_MESSAGE,
            {"Allow": "GET, HEAD, POST, OPTIONS"},
        )

    def do_PUT(self) -> None:  # noqa: N802
        if self._body() is not None:
            self._refuse_write()

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # --- answers ---------------------------------------------------------------------------

    def _run_query(self, text: str, params: dict[str, list[str]]) -> None:
        request = {
            "query": text,
            "accept": self.headers.get("Accept"),
            "format": next(iter(params.get("format", [])), None),
            "default_graph": params.get("default-graph-uri", []),
            "named_graph": params.get("named-graph-uri", []),
        }
        answer = self.server.endpoint.query(request)
        headers = {"Cache-Control": "no-store"}
        if answer.worker:
            headers["X-Ecograph-Worker"] = str(answer.worker)
        if answer.rows is not None:
            headers["X-Ecograph-Rows"] = str(answer.rows)
        if answer.truncated:
            headers["X-Ecograph-Truncated"] = "true"
        if answer.status == HTTPStatus.SERVICE_UNAVAILABLE:
            headers["Retry-After"] = "1"
        self._send(answer.status, answer.content_type, answer.body, headers)

    def _graph(self, triples: list[ox.Triple], params: dict[str, list[str]]) -> None:
        try:
            fmt = negotiate(GRAPH_FORMATS, self.headers.get("Accept"), next(iter(params.get("format", [])), None))
        except NotAcceptable as e:
            self._text(HTTPStatus.NOT_ACCEPTABLE, str(e))
            return
        self._send(HTTPStatus.OK, fmt.content_type, serialize_triples(triples, fmt, DESCRIPTION_PREFIXES))

    def _page(self, plain: bool = False) -> None:
        has_yasgui = (yasgui_dir() / "yasgui.min.js").is_file()
        page = _static("index.html" if has_yasgui and not plain else "fallback.html")
        self._send(HTTPStatus.OK, _STATIC_TYPES[".html"], page, {"Content-Security-Policy": _PAGE_POLICY})

    def _file(self, name: str, from_vendor: bool) -> None:
        allowed = {"yasgui.min.js", "yasgui.min.css"} if from_vendor else {"page.js", "page.css", "fallback.js"}
        if name not in allowed:
            self._text(HTTPStatus.NOT_FOUND, f"no such file: {name}")
            return
        try:
            data = (yasgui_dir() / name).read_bytes() if from_vendor else _static(name)
        except OSError:
            self._text(HTTPStatus.NOT_FOUND, f"{name} is not installed (run scripts/vendor-yasgui.sh)")
            return
        self._send(HTTPStatus.OK, _STATIC_TYPES[Path(name).suffix], data, {"Cache-Control": "max-age=3600"})


@dataclass
class _Stopper:
    endpoint: Endpoint
    stopped: threading.Event = field(default_factory=threading.Event)

    def __call__(self, signum: int, frame: object) -> None:
        if not self.stopped.is_set():
            self.stopped.set()
            threading.Thread(target=self.endpoint.shutdown, daemon=True).start()


def serve(config: EndpointConfig, on_ready: Callable[[str], None] | None = None) -> None:
    """Run the endpoint until Ctrl-C or SIGTERM.

    Parameters
    ----------
    config : EndpointConfig
        Host, port and limits.
    on_ready : callable, optional
        Called with the endpoint URL once it accepts queries; prints it by default.

    Raises
    ------
    EcographError
        If the data does not load, the port cannot be bound or a worker fails.
    """
    endpoint = Endpoint(config)
    endpoint.start()
    stopper = _Stopper(endpoint)
    previous = signal.signal(signal.SIGTERM, stopper)
    try:
        (on_ready or (lambda url: print(f"SPARQL endpoint ready at {url}", flush=True)))(endpoint.url)
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        endpoint.close()
        sys.stdout.flush()
