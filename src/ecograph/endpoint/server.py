"""``ecograph serve``: a read-only SPARQL 1.1 endpoint with real per-query time limits."""

from __future__ import annotations

import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.endpoint.describe import service_description, void_description
from ecograph.endpoint.guard import QueryRefused, UpdateRefused, check_query
from ecograph.endpoint.workers import Answer, PoolBusy, QueryTimeout, WorkerCrashed, WorkerPool
from ecograph.errors import EcographError
from ecograph.rdf.loading import store_from_files
from ecograph.sparql.catalogue import load_catalogue
from ecograph.sparql.tokens import MAX_NESTING, max_nesting

__all__ = ["EndpointConfig", "Endpoint", "LOOPBACK_NAMES", "served_store", "serve", "yasgui_dir"]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
"""Host names the endpoint always answers to; others only when given with ``--host-name``."""


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
    host_names : list of str
        Names (or addresses) clients may use in the ``Host`` header besides
        :data:`LOOPBACK_NAMES` and ``host``; any other is refused (DNS rebinding).
    cors : list of str
        Web origins (``https://example.org``) whose pages may read the answers; none by default.
    idle_timeout : float
        Seconds a connection may stay silent, before or between requests, before it is closed.
    max_nesting : int
        Deepest bracket nesting a query may have (400 beyond, before any worker sees it).
    inferred : bool
        Serve the inferred statements too (from a fresh build or the reasoner, whose failure
        is then an error); False serves the asserted statements only (``--no-reason``).
    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue_wait: float | None = None
    max_waiting: int = 128
    files: list[Path] | None = None
    host_names: list[str] = field(default_factory=list)
    cors: list[str] = field(default_factory=list)
    idle_timeout: float = 5.0
    max_nesting: int = MAX_NESTING
    inferred: bool = True

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise EcographError("--timeout must be a positive number of seconds")
        if self.max_rows < 1:
            raise EcographError("--max-rows must be at least 1")
        if self.workers < 1:
            raise EcographError("--workers must be at least 1")
        if not 0 <= self.port <= 65535:
            raise EcographError("--port must be between 0 and 65535")
        for origin in self.cors:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise EcographError(f"--cors takes a web origin such as https://example.org, not {origin!r}")

    @property
    def allowed_hosts(self) -> set[str]:
        """Host names the ``Host`` header may carry (lower case, without port or brackets)."""
        names = {*LOOPBACK_NAMES, *(n.lower().strip("[]") for n in self.host_names)}
        if self.host not in ("0.0.0.0", "::", ""):
            names.add(self.host.lower().strip("[]"))
        return names


def served_store(files: list[Path] | None = None, *, inferred: bool = True) -> ox.Store:
    """Load exactly what the endpoint serves.

    Parameters
    ----------
    files : list of Path, optional
        Serve these files only; by default the same store the embedded queries use
        (:func:`ecograph.sparql.query.default_store`: ontology, facts, inferred triples).
    inferred : bool, default True
        Add the inferred triples (not for ``files``).

    Returns
    -------
    pyoxigraph.Store
    """
    if files is not None:
        return store_from_files(files)
    from ecograph.sparql.query import default_store

    return default_store(inferred=inferred)


def yasgui_dir() -> Path:
    """Return the folder of the vendored YASGUI build (``scripts/vendor-yasgui.sh`` fills it)."""
    return Path(__file__).resolve().parents[1] / "vendor" / "node" / "yasgui" / "build"


def _catalogue_examples() -> list[dict[str, str]]:
    """The saved queries of ``queries/``, as examples for the query page."""
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
    """The endpoint's state: the served data's descriptions, the limits, the pool of query workers.

    The HTTP side is :func:`ecograph.endpoint.routes.build_app` (a Starlette route table),
    served by Hypercorn in :func:`serve`.

    Parameters
    ----------
    config : EndpointConfig
        Host, port, limits.
    """

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self._snapshot: Path | None = None
        self._pool: WorkerPool | None = None
        self._waiting = threading.BoundedSemaphore(config.max_waiting)
        self.socket: socket.socket | None = None
        self._port = 0
        self.void: list[ox.Triple] = []
        self.description: list[ox.Triple] = []
        self.examples: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        """The SPARQL endpoint's URL (with the real port once started)."""
        host = self.config.host
        port = self._port or self.config.port
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"

    def start(self) -> None:
        """Load the data, describe it, bind the socket and start the workers.

        Raises
        ------
        InputError
            If a data file does not parse.
        EcographError
            If the address cannot be bound or a worker fails to start.
        """
        # Load once here: a broken file is reported as file:line before any worker starts,
        # and the workers load this very snapshot, so they serve what the descriptions count.
        store = served_store(self.config.files, inferred=self.config.inferred)
        family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
        try:
            self.socket = socket.create_server((self.config.host, self.config.port), family=family, backlog=1024)
        except OSError as e:
            raise EcographError(f"cannot listen on {self.config.host}:{self.config.port}: {e.strerror or e}") from e
        self._port = self.socket.getsockname()[1]
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

    def release_socket(self) -> int:
        """Hand the listening socket's file descriptor over to the HTTP server, which closes it."""
        assert self.socket is not None, "start() first"
        fd = self.socket.detach()
        self.socket = None
        return fd

    def close(self) -> None:
        """Release the socket and the worker processes."""
        if self._pool is not None:
            self._pool.close()
        if self.socket is not None:
            self.socket.close()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot.parent, ignore_errors=True)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the live query workers."""
        return self._pool.pids if self._pool else []

    def query(self, request: dict[str, Any]) -> Answer:
        """Run one query request in a worker, within the configured limits (blocks; call from a thread).

        Parameters
        ----------
        request : dict
            ``query``, ``accept``, ``format``, ``default_graph``, ``named_graph``.

        Returns
        -------
        Answer
            Including 400 (malformed, too deep, SERVICE), 403 (update), 503 (time limit, busy).
        """
        assert self._pool is not None, "start() first"
        depth = max_nesting(request["query"])
        if depth > self.config.max_nesting:
            return text_answer(
                HTTPStatus.BAD_REQUEST, f"malformed query: brackets nest {depth} deep; the limit is {self.config.max_nesting}"
            )
        try:
            check_query(request["query"])
        except UpdateRefused as e:
            return text_answer(HTTPStatus.FORBIDDEN, str(e))
        except QueryRefused as e:
            return text_answer(HTTPStatus.BAD_REQUEST, str(e))
        if not self._waiting.acquire(blocking=False):
            return text_answer(HTTPStatus.SERVICE_UNAVAILABLE, "too many queries waiting; try again shortly")
        try:
            wait = self.config.queue_wait if self.config.queue_wait is not None else self.config.timeout + 5
            return self._pool.run({**request, "max_rows": self.config.max_rows}, self.config.timeout, wait)
        except QueryTimeout as e:
            answer = text_answer(HTTPStatus.SERVICE_UNAVAILABLE, str(e))
            answer.worker = e.pid
            return answer
        except (PoolBusy, WorkerCrashed) as e:
            return text_answer(HTTPStatus.SERVICE_UNAVAILABLE, str(e))
        finally:
            self._waiting.release()


def text_answer(status: int, message: str) -> Answer:
    """Return a plain-text answer (errors and refusals)."""
    return Answer(int(status), "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def serve(config: EndpointConfig, on_ready: Callable[[str], None] | None = None) -> None:
    """Run the endpoint until Ctrl-C or SIGTERM, then finish the requests under way and stop.

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
    import asyncio

    from hypercorn.asyncio import serve as hypercorn_serve
    from hypercorn.config import Config

    from ecograph.endpoint.routes import build_app

    endpoint = Endpoint(config)
    endpoint.start()
    settings = Config()
    settings.bind = [f"fd://{endpoint.release_socket()}"]
    settings.keep_alive_timeout = config.idle_timeout  # also the time to send a request's head
    settings.graceful_timeout = config.timeout + 5  # in-flight queries finish on SIGTERM
    settings.accesslog = None
    settings.errorlog = "-"
    settings.loglevel = "WARNING"
    settings.backlog = 1024

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        (on_ready or (lambda url: print(f"SPARQL endpoint ready at {url}", flush=True)))(endpoint.url)
        await hypercorn_serve(build_app(endpoint), settings, shutdown_trigger=stop.wait)  # type: ignore[arg-type]

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.close()
        sys.stdout.flush()
