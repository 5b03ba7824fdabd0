"""The remote SPARQL client: a deadline for the whole answer, a size cap, partial answers refused."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.sparql.client import RemoteError, parse_size, remote_query
from ecograph.sparql.query import run_query

ROW = b'{"s": {"type": "literal", "value": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}'


@contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A one-connection-at-a-time HTTP server on loopback that answers with ``answer(conn)``."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(next(h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")))
                while len(body) < length:
                    body += conn.recv(65536)
                with contextlib.suppress(OSError):  # the client hung up, as it should past its limits
                    answer(conn)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join(10)
        listener.close()


def dribble(conn: socket.socket, seconds: float = 30.0) -> None:
    """Send a valid header at once, then one row every few milliseconds for ``seconds``."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nConnection: close\r\n\r\n")
    conn.sendall(b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + ROW)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        conn.sendall(b"," + ROW)
        time.sleep(0.01)


def flood(conn: socket.socket, rows: int = 100_000) -> None:
    """Send a valid answer of ``rows`` rows (about 8 MB) with no Content-Length."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nConnection: close\r\n\r\n")
    conn.sendall(b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + ROW)
    for _ in range(rows // 1000):
        conn.sendall((b"," + ROW) * 1000)
    conn.sendall(b"]}}")


def test_timeout_bounds_the_whole_answer_not_each_read() -> None:
    with raw_server(dribble) as url:
        start = time.monotonic()
        result = CliRunner().invoke(app, ["query", "-", "--endpoint", url, "--timeout", "1"], input="SELECT ?s { ?s ?p ?o }")
        elapsed = time.monotonic() - start
    assert result.exit_code == 1, result.output
    assert "timed out after 1 s" in result.stderr
    # The server would have gone on for 30 s; the deadline is the whole answer's.
    assert elapsed < 15


def test_max_bytes_caps_a_streamed_answer() -> None:
    with raw_server(flood) as url:
        result = CliRunner().invoke(app, ["query", "-", "--endpoint", url, "--max-bytes", "1M"], input="SELECT ?s { ?s ?p ?o }")
        assert result.exit_code == 1, result.output
        assert "larger than 1048576 bytes (--max-bytes)" in result.stderr
        # Under the cap, the same answer is read whole.
        assert run_query("SELECT ?s { ?s ?p ?o }", endpoint=url, max_bytes=parse_size("64M")).size == 100_001


def test_declared_content_length_over_the_cap_is_refused_before_reading() -> None:
    def huge(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            b"Content-Length: 5000000000\r\n\r\n{"
        )

    with raw_server(huge) as url, pytest.raises(RemoteError, match="larger than 1000 bytes"), remote_query(
        url, "SELECT * {}", max_bytes=1000
    ):
        pass


def test_truncated_answers_from_ecograph_serve_are_refused() -> None:
    def truncated(conn: socket.socket) -> None:
        body = b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + ROW + b"]}}"
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nX-Ecograph-Rows: 1\r\n"
            b"X-Ecograph-Truncated: true\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    with raw_server(truncated) as url:
        result = CliRunner().invoke(app, ["query", "-", "--endpoint", url], input="SELECT ?s { ?s ?p ?o }")
    assert result.exit_code == 1, result.output
    assert "cut the answer to <stdin> at 1 rows (X-Ecograph-Truncated)" in result.stderr


def test_http_errors_name_the_status() -> None:
    def teapot(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nmalformed query\n")

    with raw_server(teapot) as url, pytest.raises(RemoteError, match="answered 400 Bad Request: malformed query"):
        run_query("SELECT * {}", endpoint=url)


@pytest.mark.parametrize("text", ["12", "nope", "-5M"])
def test_parse_size(text: str) -> None:
    if text == "12":
        assert parse_size(text) == 12
    else:
        with pytest.raises(Exception, match="not a size"):
            parse_size(text)
