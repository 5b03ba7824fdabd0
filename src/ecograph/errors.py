"""Exceptions of ecograph and the process exit code each one maps to."""

from __future__ import annotations

from pathlib import Path

__all__ = ["EcographError", "InputError", "ValidationFailed", "MissingDependency", "exit_code"]


class EcographError(Exception):
    """Base of every error that ecograph reports to the user as one line."""


class InputError(EcographError):
    """An input file could not be read or parsed.

    Parameters
    ----------
    path : str or Path
        The file, as it should be shown to the user.
    message : str
        What went wrong, without the location.
    line : int, optional
        1-based line of the error, when known.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type, tuple[str, str, int | None]]:
        # So that the error survives the trip back from a worker process.
        return type(self), (self.path, self.message, self.line)


class ValidationFailed(EcographError):
    """The data does not conform to the shapes.

    Parameters
    ----------
    report : str
        The full validation report, for the user to read.
    summary : str, optional
        The one-line message; defaults to a generic one.
    """

    def __init__(self, report: str, summary: str = "validation failed") -> None:
        self.report = report
        super().__init__(summary)

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return type(self), (self.report, str(self))


class MissingDependency(EcographError):
    """An optional package that a feature needs is not installed (the message says how to install it)."""


def exit_code(error: BaseException) -> int:
    """Return the process exit code for an error.

    Parameters
    ----------
    error : BaseException
        The error that ended the command.

    Returns
    -------
    int
        2 for :class:`InputError`, 1 for any other error.
    """
    return 2 if isinstance(error, InputError) else 1
