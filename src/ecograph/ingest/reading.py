"""Read CSV (UTF-8, UTF-8 with BOM or GB18030, detected) and XLSX files into rows of raw cells."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest import cells
from ecograph.ingest.problems import Problem
from ecograph.ingest.schema import TABLE_KINDS, schema
from ecograph.paths import display_path

__all__ = ["Table", "decode", "kind_of", "read_table_files"]

_KIND_WORDS = {k: k for k in TABLE_KINDS} | {
    "organizations": "organisations",
    "source": "sources",
    "organisation": "organisations",
    "organization": "organisations",
    "space": "spaces",
    "incubations": "incubation",
    "founders": "founding",
    "event": "events",
    "figures": "statistics",
}


@dataclass
class Table:
    """One table read from a file (or one sheet of a workbook).

    Attributes
    ----------
    shown : str
        File (and sheet) as shown in messages.
    kind : str
        Which template it follows, one of ``TABLE_KINDS``.
    key : str
        Slug naming the table in IRIs of its rows' evidence (the file name, plus the sheet).
    name : str
        File name (and sheet) for the titles of the evidence.
    rows : list of (int, dict)
        Spreadsheet row number and the raw cells by column name; blank rows left out.
    encoding : str or None
        How a CSV file was decoded.
    """

    shown: str
    kind: str
    key: str
    name: str
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    encoding: str | None = None
    absent: frozenset[str] = frozenset()


def kind_of(name: str) -> str | None:
    """Tell the kind of a table from a file or sheet name.

    Examples
    --------
    >>> kind_of("organisations-2019"), kind_of("Statistics"), kind_of("notes")
    ('organisations', 'statistics', None)
    """
    words = [w for w in re.split(r"[^a-z]+", name.lower()) if w]
    for word in words:
        if word in _KIND_WORDS:
            return _KIND_WORDS[word]
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes) -> tuple[str, str]:
    """Decode a CSV file: strict UTF-8 (a BOM allowed), else strict GB18030.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    (str, str)
        The text and the encoding that decoded it (``utf-8``, ``utf-8-sig`` or ``gb18030``).

    Raises
    ------
    UnicodeError
        With a message giving the byte offset and line where neither encoding works.

    Examples
    --------
    >>> decode("名称\\n".encode("gb18030"))
    ('名称\\n', 'gb18030')
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnicodeError("the file is UTF-16 (Excel's 'Unicode text'): save it as 'CSV UTF-8' instead")
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_error:
            first = max(utf8_error.start, gb_error.start)
            raise UnicodeError(
                f"neither UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}, "
                f"line {_line_of(data, utf8_error.start)}) nor GB18030 (byte 0x{data[gb_error.start]:02x} at "
                f"offset {gb_error.start}, line {_line_of(data, gb_error.start)}); the text breaks off at line "
                f"{_line_of(data, first)}"
            ) from None


def _norm_header(value: object) -> str:
    return re.sub(r"\s+", "_", cells.text(value).lstrip("\ufeff").strip().lower())


def _table(
    shown: str, kind: str, key: str, name: str, records: Sequence[tuple[int, Sequence[object]]], problems: list[Problem]
) -> Table | None:
    """Check the header of raw records and map cells to column names."""
    table = Table(shown=shown, kind=kind, key=key, name=name)
    if not records or all(cells.text(v) == "" for v in records[0][1]):
        problems.append(Problem(shown, None, None, None, f"a header row with the columns of the {kind} table", "empty"))
        return None
    header_row, raw_header = records[0]
    tmpl = schema(kind)
    header = [_norm_header(v) for v in raw_header]
    while header and header[-1] == "":
        header.pop()
    seen: set[str] = set()
    for name_ in header:
        if name_ in seen:
            problems.append(Problem(shown, header_row, name_, name_, "each column once", "duplicate"))
        seen.add(name_)
        if name_ not in tmpl.names:
            close = difflib.get_close_matches(name_, tmpl.names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    shown,
                    header_row,
                    name_ or "(blank)",
                    name_,
                    f"one of the columns {', '.join(tmpl.names)}{hint}",
                    "unknown-column",
                )
            )
    absent = {c.name for c in tmpl.columns if c.required and c.name not in seen}
    for col in tmpl.columns:
        if col.name in absent:
            problems.append(
                Problem(shown, header_row, col.name, None, f"a column {col.name!r} (required)", "missing-column")
            )
    table.absent = frozenset(absent)
    for number, values in records[1:]:
        if all(cells.text(v) == "" for v in values):
            continue
        extra = [v for v in values[len(header) :] if cells.text(v) != ""]
        if extra:
            problems.append(
                Problem(
                    shown, number, None, cells.text(extra[0]), f"at most {len(header)} cells, one per column", "table"
                )
            )
        # Cells of unknown or repeated columns are left out; the rows are still checked.
        table.rows.append(
            (number, {h: v for h, v in reversed(list(zip(header, values, strict=False))) if h in tmpl.names})
        )
    if not table.rows:
        problems.append(Problem(shown, None, None, None, "at least one data row below the header", "empty"))
    return table


def _read_csv(path: Path, shown: str, problems: list[Problem]) -> list[Table]:
    kind = kind_of(path.stem)
    if kind is None:
        problems.append(Problem(shown, None, None, path.name, _name_hint(), "table"))
        return []
    data = path.read_bytes()
    if not data.strip():
        problems.append(Problem(shown, None, None, None, f"a header row with the columns of the {kind} table", "empty"))
        return []
    try:
        text, encoding = decode(data)
    except UnicodeError as e:
        problems.append(Problem(shown, None, None, None, f"text in UTF-8 or GB18030: {e}", "encoding"))
        return []
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(
            Problem(shown, line, None, None, "text without NUL characters (is this a CSV file?)", "unreadable")
        )
        return []
    records = [(i, list(r)) for i, r in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    table = _table(shown, kind, cells.slugify(path.stem), path.name, records, problems)
    if table is None:
        return []
    table.encoding = encoding
    return [table]


def _read_xlsx(path: Path, shown: str, problems: list[Problem]) -> list[Table]:
    import openpyxl  # only workbooks need it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a damaged or foreign file
        problems.append(
            Problem(shown, None, None, None, f"an Excel workbook (.xlsx): {type(e).__name__}: {e}", "unreadable")
        )
        return []
    try:
        sheets = [(ws, kind_of(ws.title)) for ws in workbook.worksheets]
        chosen = [(ws, k) for ws, k in sheets if k]
        if not chosen:
            kind = kind_of(path.stem)
            if kind is None:
                problems.append(Problem(shown, None, None, path.name, _name_hint(sheets=True), "table"))
                return []
            chosen = [(workbook.worksheets[0], kind)]
        tables = []
        for ws, kind in chosen:
            one = len(chosen) == 1
            where = shown if one else f"{shown}[{ws.title}]"
            key = cells.slugify(path.stem if one else f"{path.stem}-{ws.title}")
            records = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            table = _table(where, kind, key, path.name if one else f"{path.name} [{ws.title}]", records, problems)
            if table is not None:
                tables.append(table)
        return tables
    finally:
        workbook.close()


def _name_hint(sheets: bool = False) -> str:
    where = "a sheet or the file" if sheets else "the file"
    return f"{where} named after one of the tables: {', '.join(TABLE_KINDS)} (e.g. organisations-2019.csv)"


def read_table_files(paths: list[Path], problems: list[Problem]) -> list[Table]:
    """Read every file, collecting problems instead of stopping at the first.

    Parameters
    ----------
    paths : list of Path
        ``.csv`` and ``.xlsx`` files; the kind of each table comes from its file or sheet name.
    problems : list of Problem
        Appended to.

    Returns
    -------
    list of Table
        The tables whose header is usable.
    """
    tables: list[Table] = []
    for path in paths:
        path = Path(path)
        shown = display_path(path)
        if not path.is_file():
            problems.append(Problem(shown, None, None, None, "an existing file", "unreadable"))
            continue
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                tables.extend(_read_csv(path, shown, problems))
            elif suffix in (".xlsx", ".xlsm"):
                tables.extend(_read_xlsx(path, shown, problems))
            else:
                problems.append(Problem(shown, None, None, path.suffix, "a .csv or .xlsx file", "unreadable"))
        except OSError as e:
            problems.append(Problem(shown, None, None, None, f"a readable file ({e.strerror or e})", "unreadable"))
        except csv.Error as e:
            problems.append(Problem(shown, None, None, None, f"well-formed CSV ({e})", "unreadable"))
    return tables
