"""Run independent pieces of the build in forked worker processes, one core each.

The exports are bound by Python-level work inside pyoxigraph's parser and serialiser (the GIL),
so threads would not help; forked children share the loaded store with the parent page by page
(copy-on-write) instead of receiving a copy of it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from typing import TypeVar

from ecograph.errors import EcographError

__all__ = ["run_forked", "worker_count"]

T = TypeVar("T")


def worker_count() -> int:
    """How many tasks :func:`run_forked` runs at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _child(task: Callable[[], object], pipe: multiprocessing.connection.Connection) -> None:
    try:
        result: tuple[str, object] = ("ok", task())
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        try:  # the parent must be able to rebuild it, not only this side to write it
            result = ("error", pickle.loads(pickle.dumps(error)))
        except Exception:  # noqa: BLE001
            result = ("error", EcographError("".join(traceback.format_exception(error)).strip()))
    pipe.send(result)
    pipe.close()


def run_forked(tasks: Sequence[Callable[[], T]], workers: int | None = None) -> list[T]:
    """Run each task in a forked child, at most ``workers`` at a time, and return their results in order.

    Each task sees the parent's memory as it was when the task started (a task's writes to
    files are what it leaves behind). Results travel back pickled, so keep them small.
    With one worker, or where ``fork`` does not exist, the tasks run here, one after another.

    Parameters
    ----------
    tasks : sequence of callables without arguments
    workers : int, optional
        Defaults to :func:`worker_count`.

    Returns
    -------
    list
        Each task's return value.

    Raises
    ------
    Exception
        The first failing task's own exception (or an EcographError with its traceback when it
        cannot be pickled, or naming the exit status when a child died without a word); the
        other children are stopped.

    Examples
    --------
    >>> run_forked([lambda: 1 + 1, lambda: "two"], workers=2)
    [2, 'two']
    """
    workers = worker_count() if workers is None else workers
    if workers <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task() for task in tasks]
    context = multiprocessing.get_context("fork")
    results: dict[int, T] = {}
    running: dict[multiprocessing.connection.Connection, tuple[int, BaseProcess]] = {}
    waiting = list(enumerate(tasks))
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                index, task = waiting.pop(0)
                receive, send = context.Pipe(duplex=False)
                process: BaseProcess = context.Process(target=_child, args=(task, send), daemon=True)
                process.start()
                send.close()
                running[receive] = (index, process)
            for ready in multiprocessing.connection.wait(list(running)):
                assert isinstance(ready, multiprocessing.connection.Connection)
                index, process = running.pop(ready)
                try:
                    status, value = ready.recv()
                except EOFError:
                    process.join()
                    raise EcographError(f"a build worker stopped without an answer (exit status {process.exitcode})") from None
                process.join()
                if status == "error":
                    raise value
                results[index] = value
    finally:
        for _, process in running.values():
            process.terminate()
            process.join()
    return [results[i] for i in range(len(tasks))]
