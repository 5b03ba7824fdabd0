"""The endpoint's HTTP side: a Starlette route table over :class:`ecograph.endpoint.server.Endpoint`.

Add a route by writing a handler ``async def handler(request) -> Response`` and a line in
:func:`build_app`'s table. Every request first passes the host allow-list (a page on another
site, DNS rebinding included, cannot reach a researcher's local endpoint) and, only when
``--cors`` names origins, the CORS middleware.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ecograph.endpoint.dereference import ONTOLOGY_PATHS, dereference, worker_runner
from ecograph.endpoint.describe import DESCRIPTION_PREFIXES
from ecograph.endpoint.entities import IRI_SPACES
from ecograph.endpoint.negotiation import GRAPH_FORMATS, NotAcceptable, negotiate, serialize_triples
from ecograph.endpoint.server import Endpoint, yasgui_dir
from ecograph.endpoint.workers import Answer

__all__ = ["build_app", "MAX_BODY"]

MAX_BODY = 1 << 20
"""Bytes a request body may have (a query, form-encoded or not)."""
_BODY_SECONDS = 30.0
_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
# The page may talk to this server only: the browser itself blocks any other request.
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'"
)
_WRITE_MESSAGE = "this endpoint is read-only: SPARQL Update and Graph Store writes are refused"
_ALLOW = "GET, HEAD, POST, OPTIONS"
_EXPOSED = ["X-Ecograph-Truncated", "X-Ecograph-Rows", "X-Ecograph-Worker"]
_OWN_FILES = {"page.js", "page.css", "fallback.js"}
_VENDOR_FILES = {"yasgui.min.js", "yasgui.min.css"}


def _endpoint(request: Request) -> Endpoint:
    endpoint: Endpoint = request.app.state.endpoint
    return endpoint


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response((message.rstrip() + "\n").encode(), int(status), headers, "text/plain; charset=utf-8")


class _BodyTooLarge(Exception):
    pass


async def _body(request: Request) -> bytes:
    """Read the body within :data:`MAX_BODY` and a time limit (the server parses Content-Length and chunks)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _BodyTooLarge
    chunks, size = [], 0
    with anyio.fail_after(_BODY_SECONDS):
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise _BodyTooLarge
            chunks.append(chunk)
    return b"".join(chunks)


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


# --- SPARQL protocol ------------------------------------------------------------------------


async def _run_query(request: Request, text: str, params: dict[str, list[str]]) -> Response:
    query: dict[str, Any] = {
        "query": text,
        "accept": request.headers.get("accept"),
        "format": _first(params, "format"),
        "default_graph": params.get("default-graph-uri", []),
        "named_graph": params.get("named-graph-uri", []),
    }
    endpoint = _endpoint(request)
    answer: Answer = await anyio.to_thread.run_sync(endpoint.query, query, limiter=request.app.state.limiter)
    headers = {"Cache-Control": "no-store"}
    if answer.worker:
        headers["X-Ecograph-Worker"] = str(answer.worker)
    if answer.rows is not None:
        headers["X-Ecograph-Rows"] = str(answer.rows)
    if answer.truncated:
        headers["X-Ecograph-Truncated"] = "true"
    if answer.status == HTTPStatus.SERVICE_UNAVAILABLE:
        headers["Retry-After"] = "1"
    return Response(answer.body, answer.status, headers, answer.content_type)


async def sparql(request: Request) -> Response:
    """``/sparql``: GET with ``query=``, POST form-encoded or as ``application/sparql-query``."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method in ("GET", "HEAD"):
        if "update" in params:
            return _text(HTTPStatus.FORBIDDEN, _WRITE_MESSAGE)
        if "query" in params:
            return await _run_query(request, params["query"][0], params)
        return _graph(request, _endpoint(request).description, params)
    body = await _body(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/sparql-update":
        return _text(HTTPStatus.FORBIDDEN, _WRITE_MESSAGE)
    if media_type == "application/sparql-query":
        return await _run_query(request, body.decode("utf-8", errors="replace"), params)
    if media_type == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        if "update" in form:
            return _text(HTTPStatus.FORBIDDEN, _WRITE_MESSAGE)
        if "query" in form:
            return await _run_query(request, form["query"][0], {**params, **form})
        return _text(HTTPStatus.BAD_REQUEST, "missing 'query' in the form")
    return _text(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "POST a query as application/sparql-query or application/x-www-form-urlencoded (query=...)",
    )


def _graph(request: Request, triples: list[ox.Triple], params: dict[str, list[str]] | None = None) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True) if params is None else params
    try:
        fmt = negotiate(GRAPH_FORMATS, request.headers.get("accept"), _first(params, "format"))
    except NotAcceptable as e:
        return _text(HTTPStatus.NOT_ACCEPTABLE, str(e))
    return Response(serialize_triples(triples, fmt, DESCRIPTION_PREFIXES), 200, None, fmt.content_type)


async def service_description(request: Request) -> Response:
    """``/service-description``: the SPARQL 1.1 Service Description, negotiated."""
    return _graph(request, _endpoint(request).description)


async def void(request: Request) -> Response:
    """``/.well-known/void``: the VoID description of the served data, negotiated."""
    return _graph(request, _endpoint(request).void)


async def describe_iri(request: Request) -> Response:
    """``/id/…``, ``/concept/…``, ``/graph/…`` and ``/ontology``: the graph's own IRIs, negotiated.

    The description queries run in the endpoint's workers, within its time limit and queue.
    """
    endpoint = _endpoint(request)
    params = parse_qs(request.url.query, keep_blank_values=True)
    run = worker_runner(endpoint.query)
    reply = await anyio.to_thread.run_sync(
        dereference, request.url.path, request.headers.get("accept"), _first(params, "format"), run,
        limiter=request.app.state.limiter,
    )
    return Response(reply.body, reply.status, reply.headers, reply.content_type)


# --- the query page and small resources ------------------------------------------------------


def _static(name: str) -> bytes:
    return resources.files("ecograph.endpoint").joinpath("static", name).read_bytes()


async def page(request: Request) -> Response:
    """``/``: YASGUI over this endpoint (``/plain``: the plain form, also the fallback without YASGUI)."""
    has_yasgui = (yasgui_dir() / "yasgui.min.js").is_file()
    plain = request.url.path == "/plain" or not has_yasgui
    body = _static("fallback.html" if plain else "index.html")
    return Response(body, 200, {"Content-Security-Policy": _PAGE_POLICY}, _STATIC_TYPES[".html"])


async def static_file(request: Request) -> Response:
    """``/static/NAME`` (the page's own files) and ``/vendor/yasgui/NAME`` (the vendored YASGUI build)."""
    name = request.path_params["name"]
    from_vendor = request.url.path.startswith("/vendor/")
    if name not in (_VENDOR_FILES if from_vendor else _OWN_FILES):
        return _text(HTTPStatus.NOT_FOUND, f"no such file: {name}")
    try:
        data = (yasgui_dir() / name).read_bytes() if from_vendor else _static(name)
    except OSError:
        return _text(HTTPStatus.NOT_FOUND, f"{name} is not installed (run scripts/vendor-yasgui.sh)")
    return Response(data, 200, {"Cache-Control": "max-age=3600"}, _STATIC_TYPES[Path(name).suffix])


async def catalogue(request: Request) -> Response:
    """``/catalogue.json``: the saved queries, as examples for the page."""
    return Response(json.dumps(_endpoint(request).examples).encode(), 200, None, "application/json")


async def status(request: Request) -> Response:
    """``/status``: worker process ids and limits."""
    endpoint = _endpoint(request)
    data = {"workers": endpoint.worker_pids, "timeout": endpoint.config.timeout, "max_rows": endpoint.config.max_rows}
    return Response(json.dumps(data).encode(), 200, None, "application/json")


async def favicon(request: Request) -> Response:
    return Response(b"", HTTPStatus.NO_CONTENT, None, "image/x-icon")


async def refuse_write(request: Request) -> Response:
    """Writes anywhere: 403 for POST, 405 for PUT, DELETE, PATCH (the endpoint is read-only)."""
    status = HTTPStatus.FORBIDDEN if request.method == "POST" else HTTPStatus.METHOD_NOT_ALLOWED
    return _text(status, _WRITE_MESSAGE, {"Allow": _ALLOW})


async def options(request: Request) -> Response:
    return Response(b"", HTTPStatus.NO_CONTENT, {"Allow": _ALLOW})


async def not_found(request: Request) -> Response:
    if request.method in ("POST", "PUT", "DELETE", "PATCH"):
        return await refuse_write(request)
    if request.method == "OPTIONS":
        return await options(request)
    return _text(HTTPStatus.NOT_FOUND, f"no such resource: {request.url.path} (the endpoint is /sparql)")


_READ = ["GET", "HEAD"]
_WRITES = ["PUT", "DELETE", "PATCH"]


def _routes() -> list[Route]:
    return [
        Route("/sparql", sparql, methods=[*_READ, "POST"]),
        Route("/sparql", refuse_write, methods=_WRITES),
        Route("/service-description", service_description, methods=_READ),
        Route("/.well-known/void", void, methods=_READ),
        Route("/void", void, methods=_READ),
        Route("/", page, methods=_READ),
        Route("/index.html", page, methods=_READ),
        Route("/plain", page, methods=_READ),
        Route("/catalogue.json", catalogue, methods=_READ),
        Route("/status", status, methods=_READ),
        Route("/favicon.ico", favicon, methods=_READ),
        Route("/static/{name}", static_file, methods=_READ),
        Route("/vendor/yasgui/{name}", static_file, methods=_READ),
        *(Route(path, describe_iri, methods=_READ) for path in ONTOLOGY_PATHS),
        *(Route(f"/{space}/{{slug}}", describe_iri, methods=_READ) for space in IRI_SPACES),
    ]


class _AllowedHosts:
    """Refuse a request whose ``Host`` is not one of this endpoint's names (DNS rebinding)."""

    def __init__(self, app: ASGIApp, names: set[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").strip().lower()
            name = host.rpartition("]")[0].lstrip("[") if host.startswith("[") else host.partition(":")[0]
            if name not in self.names:
                message = f"Host {host!r} is not a name of this endpoint (start it with --host-name {name or 'NAME'} to allow it)"
                await _text(HTTPStatus.FORBIDDEN, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _too_large(request: Request, exc: Exception) -> Response:
    return _text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body larger than {MAX_BODY} bytes")


async def _too_slow(request: Request, exc: Exception) -> Response:
    return _text(HTTPStatus.REQUEST_TIMEOUT, f"the request body took longer than {_BODY_SECONDS:g} s to arrive")


async def _not_found_handler(request: Request, exc: Exception) -> Response:
    return await not_found(request)


def build_app(endpoint: Endpoint) -> Starlette:
    """Return the ASGI application of a started :class:`Endpoint`.

    Parameters
    ----------
    endpoint : Endpoint
        Started (its workers running).

    Returns
    -------
    starlette.applications.Starlette
    """
    middleware = [Middleware(_AllowedHosts, names=endpoint.config.allowed_hosts)]
    if endpoint.config.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=endpoint.config.cors,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Content-Type", "Accept"],
                expose_headers=_EXPOSED,
            )
        )
    handlers: dict[Any, Any] = {
        HTTPStatus.NOT_FOUND: _not_found_handler,
        HTTPStatus.METHOD_NOT_ALLOWED: _not_found_handler,
        _BodyTooLarge: _too_large,
        TimeoutError: _too_slow,
    }
    app = Starlette(routes=_routes(), middleware=middleware, exception_handlers=handlers)
    app.state.endpoint = endpoint
    # Queries wait for a worker in threads; the endpoint's own semaphore answers 503 past max_waiting.
    app.state.limiter = anyio.CapacityLimiter(endpoint.config.max_waiting + endpoint.config.workers)
    return app


