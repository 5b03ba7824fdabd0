"""Hold N idle connections (half with a half-sent request) to a fresh ``ecograph serve`` on loopback.

Prints a table: the server's threads and memory with the connections open, how many the server
closed by itself within its idle timeout, and whether a query on a new connection was answered
meanwhile. Bounded: it stops by itself after ``--idle-timeout`` + 30 s.

    .venv/bin/python benchmarks/idle_connections.py --connections 2000
"""

from __future__ import annotations

import argparse
import resource
import selectors
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def process_figures(pid: int) -> tuple[int, int]:
    """Threads and resident memory (KiB) of a process."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--idle-timeout", type=float, default=5.0)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.connections * 2 + 100)), hard))
    server = subprocess.Popen(
        [sys.executable, "-m", "ecograph", "serve", "--port", "0", "--workers", "1", "--idle-timeout", str(args.idle_timeout)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().rsplit(" ", 1)[-1]
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        before = process_figures(server.pid)
        start = time.monotonic()
        conns = []
        for i in range(args.connections):
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            if i % 2:
                conn.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            conns.append(conn)
        opened = time.monotonic() - start
        during = process_figures(server.pid)
        query_start = time.monotonic()
        answered = urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=30).status == 200
        query_seconds = time.monotonic() - query_start
        selector = selectors.DefaultSelector()
        for conn in conns:
            conn.setblocking(False)
            selector.register(conn, selectors.EVENT_READ)
        closed, deadline = 0, time.monotonic() + args.idle_timeout + 30
        while closed < len(conns) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                try:
                    data = key.fileobj.recv(1024)
                except OSError:
                    data = b""
                if not data or data.startswith(b"HTTP/1.1 4"):
                    selector.unregister(key.fileobj)
                    closed += 1
        all_closed = time.monotonic() - start
        for conn in conns:
            conn.close()
        after = process_figures(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    rows = [
        ("connections opened", f"{args.connections} in {opened:.1f} s (half with a half-sent request)"),
        ("server threads before / with them / after", f"{before[0]} / {during[0]} / {after[0]}"),
        ("server memory (RSS) before / with them / after", f"{before[1] / 1024:.0f} / {during[1] / 1024:.0f} / {after[1] / 1024:.0f} MiB"),
        ("a query on a new connection meanwhile", f"{'answered' if answered else 'NOT answered'} in {query_seconds:.2f} s"),
        ("closed by the server",
         f"{closed} of {args.connections}, the last {all_closed:.1f} s after the first opened (idle timeout {args.idle_timeout:g} s)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
