"""What can be wrong with an input table, located by file, row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ecograph.errors import EcographError

__all__ = ["Problem", "IngestFailed", "UNREADABLE"]

UNREADABLE = frozenset({"unreadable", "encoding"})
"""Problem kinds that mean a file could not be read at all (exit code 2)."""


@dataclass(frozen=True)
class Problem:
    """One problem in the input.

    Attributes
    ----------
    file : str
        The file (and sheet, for a workbook) as shown to the user.
    row : int or None
        Spreadsheet row number: the header is row 1, the first data row is row 2.
    column : str or None
        The column name.
    value : str or None
        The value found.
    expected : str
        What was expected instead.
    kind : str
        ``unreadable``, ``encoding``, ``empty``, ``unknown-column``, ``missing-column``,
        ``missing``, ``type``, ``reference``, ``duplicate``, ``table``, ``source`` or ``validation``.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    kind: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        parts = [where]
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        detail = f"expected {self.expected}"
        if self.value is not None:
            detail = f"found {self.value!r}; {detail}"
        return ": ".join(parts) + ": " + detail

    def as_dict(self) -> dict:
        """The problem as plain data (for ``--format json``)."""
        return asdict(self) | {"message": str(self)}


class IngestFailed(EcographError):
    """The tables could not be ingested; nothing was written.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, in file and row order.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        files = len({p.file for p in problems})
        super().__init__(
            f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}; "
            "nothing was written"
        )

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read at all, else 1."""
        return 2 if any(p.kind in UNREADABLE for p in self.problems) else 1
