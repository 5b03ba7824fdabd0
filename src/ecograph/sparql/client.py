"""A SPARQL 1.1 protocol client for remote endpoints, with a deadline and a size cap on every answer.

The answer is parsed while it arrives (pyoxigraph reads from the socket through a guarded
reader), so a caller can stream rows; the whole exchange, from connecting to the last byte,
must fit in ``timeout`` seconds and ``max_bytes`` bytes. Partial answers are refused: Virtuoso
marks them with ``X-SQL-State`` or ``X-SPARQL-MaxRows``, ``ecograph serve`` with
``X-Ecograph-Truncated``.

Examples
--------
>>> with remote_query("http://127.0.0.1:7878/sparql", "SELECT * { ?s ?p ?o } LIMIT 3") as answer:  # doctest: +SKIP
...     rows = [tuple(solution) for solution in answer.solutions()]
"""

from __future__ import annotations

import http
import http.client
import io
import re
import socket
import ssl
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox

from ecograph.errors import EcographError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "RemoteError",
    "RemoteAnswer",
    "parse_size",
    "remote_query",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds a remote answer may take, from connecting to its last byte."""
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Bytes a remote answer may have (256 MiB): enough for a few million rows, far from filling memory."""

# XML first: every SPARQL store writes it (it is SPARQL 1.0's format), and Virtuoso writes it 2.7 times
# faster than JSON (50,000 rows: 3.2 s against 8.6 s), which is most of `chains --endpoint`'s time there.
_SELECT_ACCEPT = "application/sparql-results+xml, application/sparql-results+json;q=0.9, text/tab-separated-values;q=0.5"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)i?b?\s*", re.IGNORECASE)


class RemoteError(EcographError):
    """The endpoint could not be reached, answered an error, or sent an answer that cannot be used."""


def parse_size(text: str) -> int:
    """Read a byte count such as ``1000000``, ``512M``, ``2GiB`` (binary units).

    Examples
    --------
    >>> parse_size("512M"), parse_size("2GiB"), parse_size("1500")
    (536870912, 2147483648, 1500)
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        raise EcographError(f"not a size: {text!r} (write bytes, or a number with K, M or G)")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * 1024 ** " kmgt".index(unit or " "))


class _GuardedReader(io.RawIOBase):
    """The answer's body, read under the deadline and the size cap."""

    def __init__(self, response: http.client.HTTPResponse, sock: socket.socket, exchange: _Exchange) -> None:
        self._response = response
        self._sock = sock
        self._exchange = exchange
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._response.isclosed():  # the whole body was read (http.client then closes the socket)
            return 0
        self._sock.settimeout(self._exchange.remaining())
        try:
            chunk = self._response.read1(min(len(buffer), 1 << 16))
        except TimeoutError:
            raise self._exchange.timed_out() from None
        except (http.client.HTTPException, OSError) as e:
            raise RemoteError(f"{self._exchange.endpoint} broke off the answer: {e}") from e
        self.count += len(chunk)
        if self.count > self._exchange.max_bytes:
            raise self._exchange.too_large()
        self._exchange.remaining()  # a server dribbling bytes must not outlast the deadline
        buffer[: len(chunk)] = chunk
        return len(chunk)


@dataclass
class _Exchange:
    endpoint: str
    timeout: float
    max_bytes: int
    start: float

    def remaining(self) -> float:
        left = self.timeout - (time.monotonic() - self.start)
        if left <= 0:
            raise self.timed_out()
        return left

    def timed_out(self) -> RemoteError:
        return RemoteError(f"cannot query {self.endpoint}: timed out after {self.timeout:g} s (--timeout)")

    def too_large(self) -> RemoteError:
        return RemoteError(
            f"the answer from {self.endpoint} is larger than {self.max_bytes} bytes (--max-bytes): "
            "ask for less (LIMIT, paging) or raise the limit"
        )


@dataclass
class RemoteAnswer:
    """An answer being received: its media type and headers, and the body to parse as it streams."""

    endpoint: str
    media_type: str
    headers: Mapping[str, str]
    body: IO[bytes]
    expect_graph: bool

    def solutions(self) -> ox.QuerySolutions | ox.QueryBoolean:
        """Parse a SELECT or ASK answer; solutions are read from the network while iterated."""
        fmt = _RESULT_TYPES.get(self.media_type)
        if fmt is None:
            raise RemoteError(f"{self.endpoint} sent {self.media_type}, not SPARQL results")
        return ox.parse_query_results(self.body, format=fmt)

    def triples(self) -> Iterator[ox.Triple]:
        """Parse a CONSTRUCT or DESCRIBE answer; triples are read from the network while iterated."""
        fmt = _GRAPH_TYPES.get(self.media_type)
        if fmt is None:
            raise RemoteError(f"{self.endpoint} sent {self.media_type}, not a graph format")
        for statement in ox.parse(self.body, format=fmt):
            yield statement.triple if isinstance(statement, ox.Quad) else statement


def _refuse_partial(endpoint: str, name: str, headers: Mapping[str, str]) -> None:
    # Virtuoso answers 200 with whatever it had when MaxQueryExecutionTime ran out (X-SQL-State: S1TAT)
    # and silently cuts answers at ResultSetMaxRows (X-SPARQL-MaxRows); ecograph serve cuts at --max-rows
    # and says so in X-Ecograph-Truncated. A partial answer must not pass for a whole one.
    state = headers.get("X-SQL-State")
    if state:
        message = headers.get("X-SQL-Message", "")
        raise RemoteError(f"{endpoint} sent a partial answer to {name} (X-SQL-State: {state} {message}".rstrip() + ")")
    cap = headers.get("X-SPARQL-MaxRows")
    if cap:
        raise RemoteError(f"{endpoint} cut the answer to {name} at {cap} rows (X-SPARQL-MaxRows): raise the store's row limit")
    if (headers.get("X-Ecograph-Truncated") or "").strip().lower() == "true":
        rows = headers.get("X-Ecograph-Rows", "its row limit")
        raise RemoteError(
            f"{endpoint} cut the answer to {name} at {rows} rows (X-Ecograph-Truncated): "
            "raise the server's --max-rows, or page with LIMIT and OFFSET"
        )


@contextmanager
def remote_query(
    endpoint: str,
    text: str,
    *,
    graph: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    name: str = "the query",
) -> Iterator[RemoteAnswer]:
    """POST a query to a SPARQL 1.1 endpoint and stream its answer.

    Parameters
    ----------
    endpoint : str
        ``http`` or ``https`` URL of the endpoint.
    text : str
        The query, sent form-encoded.
    graph : bool, default False
        Ask for a graph format (CONSTRUCT, DESCRIBE) rather than SPARQL results.
    timeout : float, optional
        Seconds for the whole exchange, connecting to the last byte (default
        :data:`DEFAULT_TIMEOUT`). Reading past it raises :class:`RemoteError`.
    max_bytes : int, optional
        Most bytes the answer may have (default :data:`DEFAULT_MAX_BYTES`); a larger
        ``Content-Length`` is refused before reading, a longer stream when it gets there.
    name : str, optional
        What the query is called, for messages.

    Yields
    ------
    RemoteAnswer
        Parse it with :meth:`RemoteAnswer.solutions` or :meth:`RemoteAnswer.triples` inside
        the ``with`` block; the connection closes when the block ends.

    Raises
    ------
    RemoteError
        Not an http(s) URL, unreachable, an HTTP error status, a partial answer, past the
        deadline or over the size cap.
    """
    exchange = _Exchange(
        endpoint,
        DEFAULT_TIMEOUT if timeout is None else timeout,
        DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
        time.monotonic(),
    )
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"--endpoint must be an http(s) URL, got {endpoint!r}")
    connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        port = parts.port
    except ValueError as e:
        raise RemoteError(f"--endpoint has a bad port: {endpoint!r}") from e
    connection = connection_type(parts.hostname, port, timeout=exchange.remaining())
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        try:
            connection.request(
                "POST",
                target,
                body=body,
                headers={
                    "Accept": _GRAPH_ACCEPT if graph else _SELECT_ACCEPT,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "User-Agent": "ecograph",
                },
            )
            # The response may take the socket over (Connection: close): keep it to set each read's timeout.
            sock = connection.sock
            assert sock is not None
            sock.settimeout(exchange.remaining())
            response = connection.getresponse()
        except TimeoutError:
            raise exchange.timed_out() from None
        except (OSError, ssl.SSLError, http.client.HTTPException) as e:
            raise RemoteError(f"cannot query {endpoint}: {getattr(e, 'strerror', None) or e}") from e
        headers = _Caseless(dict(response.getheaders()))
        reader: IO[bytes] = io.BufferedReader(_GuardedReader(response, sock, exchange), 1 << 16)
        if response.status >= 300:
            detail = " ".join(reader.read(4096).decode("utf-8", "replace").split())[:300]
            reason = response.reason or _phrase(response.status)
            raise RemoteError(f"{endpoint} answered {response.status} {reason}: {detail}")
        declared = headers.get("Content-Length") or ""
        if declared.isdigit() and int(declared) > exchange.max_bytes:
            raise exchange.too_large()
        _refuse_partial(endpoint, name, headers)
        media_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        yield RemoteAnswer(endpoint, media_type, headers, reader, graph)
    finally:
        connection.close()


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class _Caseless(dict[str, str]):
    """Response headers, looked up without regard to case."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__({k.lower(): v for k, v in headers.items()})

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(key.lower(), default)
