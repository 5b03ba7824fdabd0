"""Helpers that several layers need and that belong to none of them: atomic file writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_files", "atomic_write"]


@contextmanager
def atomic_files(*paths: str | os.PathLike[str]) -> Iterator[list[BinaryIO]]:
    """Write several files so that readers see either all old or all new contents.

    Each path gets a temporary file beside it, opened for binary writing. When the block ends
    without an error, every temporary file is flushed to disk and replaces its path, in order;
    when it raises, no path is touched and the temporary files are removed.

    Parameters
    ----------
    *paths : str or PathLike
        Destinations; their directories must exist.

    Yields
    ------
    list of binary file
        One open file per path, in the same order.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_files(folder / "a.txt", folder / "b.txt") as (a, b):
    ...     _ = a.write(b"A"), b.write(b"B")
    >>> sorted(p.name for p in folder.iterdir()), (folder / "b.txt").read_bytes()
    (['a.txt', 'b.txt'], b'B')
    """
    targets = [Path(p) for p in paths]
    temps: list[Path] = []
    try:
        with ExitStack() as stack:
            files: list[BinaryIO] = []
            for target in targets:
                fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                temps.append(Path(name))
                files.append(stack.enter_context(os.fdopen(fd, "wb")))
            yield files
            for f in files:
                f.flush()
                os.fsync(f.fileno())
        for tmp, target in zip(temps, targets, strict=True):
            os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be published
            os.replace(tmp, target)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to a file so that readers see either the old or the new content.

    Parameters
    ----------
    path : str or PathLike
        Destination; its directory must exist.
    data : bytes
        Full new content.
    """
    with atomic_files(path) as (f,):
        f.write(data)
