"""Query worker processes for the endpoint: each holds the store; a runaway one is killed."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, BinaryIO

import pyoxigraph as ox

from ecograph.errors import EcographError

__all__ = [
    "Answer",
    "PoolBusy",
    "QueryTimeout",
    "WorkerCrashed",
    "WorkerPool",
    "answer_query",
]

_FRAME = struct.Struct(">I")
_STOP = object()


@dataclass
class Answer:
    """A worker's reply to one query.

    Parameters
    ----------
    status : int
        HTTP status for the reply.
    content_type : str
        ``Content-Type`` of ``body``.
    body : bytes
        The serialised result, or a plain-text error message.
    truncated : bool
        True when rows beyond ``max_rows`` were cut off.
    rows : int or None
        Rows (solutions or triples) in ``body``; None for ASK and errors.
    worker : int
        Process id of the worker that answered.
    """

    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    rows: int | None = None
    worker: int = 0


class PoolBusy(EcographError):
    """No worker became free within the allowed wait."""


class QueryTimeout(EcographError):
    """A query ran past the time limit; its worker was killed.

    Parameters
    ----------
    message : str
        What to tell the client.
    pid : int
        The process id of the killed worker.
    """

    def __init__(self, message: str, pid: int) -> None:
        super().__init__(message)
        self.pid = pid


class WorkerCrashed(EcographError):
    """A worker died while answering (for example out of memory)."""


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def answer_query(store: ox.Store, request: dict[str, Any], prefixes: dict[str, str] | None = None) -> Answer:
    """Run one query request against a store and serialise the answer.

    Parameters
    ----------
    store : pyoxigraph.Store
        The data.
    request : dict
        ``query`` (str), ``accept`` (str or None), ``format`` (str or None),
        ``max_rows`` (int), ``default_graph`` and ``named_graph`` (lists of IRIs).
    prefixes : dict, optional
        Prefixes for Turtle output.

    Returns
    -------
    Answer
        Status 200 with the result, 400 for a malformed query (with the
        engine's line:column message), 406 for an unsupported format.
    """
    from ecograph.endpoint.negotiation import (
        GRAPH_FORMATS,
        SOLUTION_FORMATS,
        NotAcceptable,
        negotiate,
        serialize_boolean,
        serialize_solutions,
        serialize_triples,
    )

    max_rows = int(request["max_rows"])
    options: dict[str, Any] = {}
    if request.get("default_graph"):
        options["default_graph"] = [ox.NamedNode(iri) for iri in request["default_graph"]]
    else:
        # Facts live in named graphs; plain patterns must still see them.
        options["use_default_graph_as_union"] = True
    if request.get("named_graph"):
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request["named_graph"]]
    try:
        result = store.query(request["query"], **options)
        if isinstance(result, ox.QuerySolutions):
            fmt = negotiate(SOLUTION_FORMATS, request.get("accept"), request.get("format"))
            variables = [v.value for v in result.variables]
            rows = [[solution[i] for i in range(len(variables))] for solution in islice(result, max_rows + 1)]
            truncated = len(rows) > max_rows
            rows = rows[:max_rows]
            body = serialize_solutions(variables, rows, fmt)
            return Answer(200, fmt.content_type, body, truncated, len(rows))
        if isinstance(result, ox.QueryBoolean):
            fmt = negotiate(SOLUTION_FORMATS, request.get("accept"), request.get("format"))
            return Answer(200, fmt.content_type, serialize_boolean(bool(result), fmt))
        fmt = negotiate(GRAPH_FORMATS, request.get("accept"), request.get("format"))
        triples = list(islice(result, max_rows + 1))
        truncated = len(triples) > max_rows
        triples = triples[:max_rows]
        return Answer(200, fmt.content_type, serialize_triples(triples, fmt, prefixes), truncated, len(triples))
    except SyntaxError as e:
        return _text(400, f"malformed query: {e.msg or e}")
    except NotAcceptable as e:
        return _text(406, str(e))
    except (OSError, RuntimeError, ValueError, TypeError) as e:
        return _text(500, f"query failed: {e}")


# --- worker side -----------------------------------------------------------------------------


def _read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    return stream.read(size)


def _write_frames(stream: IO[bytes], *payloads: bytes) -> None:
    stream.write(b"".join(_FRAME.pack(len(p)) + p for p in payloads))
    stream.flush()


def _die_with_parent() -> None:
    # A worker busy in a runaway query must not outlive a server that was killed outright.
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_main(files: Sequence[str]) -> int:
    """Serve queries over stdin/stdout until stdin closes (the worker process's main).

    Parameters
    ----------
    files : sequence of str
        RDF files to load, as for :func:`ecograph.rdf.loading.store_from_files`.

    Returns
    -------
    int
        Process exit status.
    """
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    # The protocol owns the real stdout; a stray print goes to stderr instead.
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer

    from ecograph.rdf.loading import store_from_files
    from ecograph.rdf.namespaces import PREFIXES

    store = store_from_files([Path(f) for f in files])
    _write_frames(channel, json.dumps({"ready": True, "quads": len(store)}).encode())
    while (frame := _read_frame(requests)) is not None:
        answer = answer_query(store, json.loads(frame), PREFIXES)
        head = {k: getattr(answer, k) for k in ("status", "content_type", "truncated", "rows")}
        _write_frames(channel, json.dumps(head).encode(), answer.body)
    return 0


# --- server side -----------------------------------------------------------------------------


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    buffer: bytearray = field(default_factory=bytearray)

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, payload: bytes) -> None:
        assert self.process.stdin is not None
        _write_frames(self.process.stdin, payload)

    def receive(self, deadline: float) -> bytes | None:
        """Return the next frame, None at EOF; raise TimeoutError past the deadline."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while True:
            if len(self.buffer) >= _FRAME.size:
                (size,) = _FRAME.unpack_from(self.buffer)
                if len(self.buffer) >= _FRAME.size + size:
                    frame = bytes(self.buffer[_FRAME.size : _FRAME.size + size])
                    del self.buffer[: _FRAME.size + size]
                    return frame
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            readable, _, _ = select.select([fd], [], [], remaining)
            if readable:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                self.buffer += chunk

    def kill(self) -> None:
        """Kill the process and reap it, so its CPU and memory come back at once."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class WorkerPool:
    """A fixed number of worker processes, each with its own copy of the store.

    A query goes to an idle worker; one that runs past its time limit is killed
    (SIGKILL, then reaped) and replaced by a fresh process in the background,
    while the other workers go on answering.

    Parameters
    ----------
    files : sequence of Path
        RDF files every worker loads.
    size : int
        Number of worker processes.
    start_timeout : float
        Seconds a new worker may take to load the data.
    """

    def __init__(self, files: Sequence[Path], size: int = 2, start_timeout: float = 120.0) -> None:
        if size < 1:
            raise ValueError("the pool needs at least one worker")
        self._command = [sys.executable, "-m", "ecograph.endpoint.workers", *map(str, files)]
        self._size = size
        self._start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: dict[int, _Worker] = {}
        self._closed = False
        # Each item asks the spawner thread for one worker; a queue, if given, hears how it went.
        self._requests: queue.Queue[Any] = queue.Queue()

    def start(self) -> None:
        """Start every worker and wait until each has loaded the data.

        Raises
        ------
        EcographError
            If a worker fails to start.
        """
        # One long-lived thread starts every worker: the kernel's parent-death signal
        # fires when the *thread* that forked a worker ends, not only the process.
        self._spawner = threading.Thread(target=self._spawn_loop, name="ecograph-workers", daemon=True)
        self._spawner.start()
        failures: queue.Queue[EcographError | None] = queue.Queue()
        for _ in range(self._size):
            self._requests.put(failures)
        for _ in range(self._size):
            failure = failures.get()
            if failure is not None:
                raise failure

    def _spawn_loop(self) -> None:
        while (report := self._requests.get()) is not _STOP:
            if self._closed:
                continue
            worker = self._spawn()
            try:
                self._await_ready(worker)
            except EcographError as e:
                if report is not None:
                    report.put(e)
                else:
                    print(f"ecograph serve: {e}", file=sys.stderr)
                continue
            if self._closed:
                self._discard(worker)
                continue
            self._idle.put(worker)
            if report is not None:
                report.put(None)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return sorted(self._all)

    def _spawn(self) -> _Worker:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        process = subprocess.Popen(
            self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
        )
        worker = _Worker(process)
        with self._lock:
            self._all[worker.pid] = worker
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            frame = worker.receive(time.monotonic() + self._start_timeout)
        except TimeoutError:
            frame = None
        if frame is None or not json.loads(frame).get("ready"):
            self._discard(worker)
            raise EcographError(f"a query worker failed to start (exit status {worker.process.poll()})")

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.pop(worker.pid, None)

    def _replace(self) -> None:
        self._requests.put(None)

    def run(self, request: dict[str, Any], timeout: float, wait: float) -> Answer:
        """Answer one query in a worker process.

        Parameters
        ----------
        request : dict
            As for :func:`answer_query`.
        timeout : float
            Seconds the query may run once a worker has it.
        wait : float
            Seconds to wait for an idle worker.

        Returns
        -------
        Answer

        Raises
        ------
        PoolBusy
            If no worker became free within ``wait``.
        QueryTimeout
            If the query ran past ``timeout``; its worker is gone when this is raised.
        WorkerCrashed
            If the worker died while answering.
        """
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy(f"all query workers stayed busy for {wait:g} s; try again") from None
        deadline = time.monotonic() + timeout
        try:
            worker.send(json.dumps(request).encode())
            head = worker.receive(deadline)
            body = worker.receive(deadline) if head is not None else None
        except TimeoutError:
            self._discard(worker)
            self._replace()
            raise QueryTimeout(
                f"query stopped: it ran longer than the time limit of {timeout:g} s "
                "(its worker process was killed and is being replaced)",
                worker.pid,
            ) from None
        except OSError:
            head = body = None
        if head is None or body is None:
            status = worker.process.poll()
            self._discard(worker)
            self._replace()
            raise WorkerCrashed(f"the query worker died while answering (exit status {status})")
        self._idle.put(worker)
        meta = json.loads(head)
        return Answer(meta["status"], meta["content_type"], body, meta["truncated"], meta["rows"], worker.pid)

    def close(self) -> None:
        """Kill every worker; queries still waiting get :class:`PoolBusy`."""
        self._closed = True
        self._requests.put(_STOP)
        with self._lock:
            workers = list(self._all.values())
            self._all.clear()
        for worker in workers:
            worker.kill()


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
