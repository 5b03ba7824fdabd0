"""Write the templates and filled examples as CSV and XLSX, safely, and document their columns."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ecograph.ingest.cells import FORMULA_CHARS
from ecograph.ingest.reading import decode
from ecograph.ingest.schema import (
    SLUG_PATTERN,
    TABLE_KINDS,
    Column,
    TableSchema,
    schema,
    schemas,
    template_dir,
)

__all__ = [
    "csv_safe",
    "write_csv",
    "write_xlsx",
    "example_rows",
    "write_templates",
    "columns_markdown",
    "update_docs",
]


def csv_safe(value: str) -> str:
    """Prefix a text that a spreadsheet would run as a formula with a quote (ingest drops it again).

    Examples
    --------
    >>> csv_safe("=HYPERLINK(\\"x\\")"), csv_safe("Haier Group")
    ('\\'=HYPERLINK("x")', 'Haier Group')
    """
    return "'" + value if value.startswith(FORMULA_CHARS) else value


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a UTF-8 CSV table (no BOM, LF line ends) with formula-like cells quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[csv_safe(c) for c in row] for row in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


_BASES = {
    "string": "text",
    "decimal": "number",
    "date": "date or year",
    "gYear": "year",
    "boolean": "yes/no",
    "anyURI": "web address",
}


def _type_text(column: Column) -> str:
    if column.allowed:
        text = ", ".join(column.allowed)
    elif column.pattern == SLUG_PATTERN:
        text = "identifier"
    elif column.pattern:
        text = f"text matching {column.pattern}"
    else:
        text = _BASES.get(column.base, column.base)
    if column.separator:
        text += f" (several, separated by {column.separator})"
    if column.default:
        text += f"; default {column.default}"
    return text


def _doc_rows(tmpl: TableSchema) -> list[list[str]]:
    return [[c.name, "yes" if c.required else "no", _type_text(c), c.description, c.example] for c in tmpl.columns]


def write_xlsx(path: Path, tmpl: TableSchema, rows: list[list[str]]) -> None:
    """Write a workbook: a sheet named after the table, and a sheet documenting its columns.

    Every cell is written as text: a value such as ``=1+2`` or ``+86-21-54065138`` stays text
    (cell data type ``s``, shown with a quote prefix) and never becomes a formula.
    """
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None, "a new workbook has a sheet"
    sheet.title = tmpl.kind
    docs = workbook.create_sheet("columns")
    for ws, header, body in (
        (sheet, list(tmpl.names), rows),
        (docs, ["column", "required", "type or allowed values", "meaning", "example"], _doc_rows(tmpl)),
    ):
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(body, start=2):
            for c, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = ws.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
                if value.startswith(FORMULA_CHARS):
                    cell.quotePrefix = True
        ws.freeze_panes = "A2"
    workbook.save(path)


def example_rows(kind: str) -> list[list[str]]:
    """The rows of the filled example of one table (fictitious, from "Example survey 2019")."""
    text, _ = decode((template_dir() / "examples" / f"{kind}.csv").read_bytes())
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, body = records[0], records[1:]
    names = schema(kind).names
    return [[row[header.index(n)] if n in header else "" for n in names] for row in body]


def write_templates(out_dir: Path, *, examples: bool = True) -> list[Path]:
    """Write every template (CSV, XLSX and CSVW metadata) and, optionally, the filled examples.

    Parameters
    ----------
    out_dir : Path
        Created if needed; ``examples/`` goes below it.
    examples : bool, default True
        Also write the filled examples, which ``ecograph ingest`` accepts as they are.

    Returns
    -------
    list of Path
        The files written, sorted.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for tmpl in schemas():
        meta = out_dir / f"{tmpl.kind}.csv-metadata.json"
        meta.write_bytes((template_dir() / meta.name).read_bytes())
        write_csv(out_dir / f"{tmpl.kind}.csv", list(tmpl.names), [])
        write_xlsx(out_dir / f"{tmpl.kind}.xlsx", tmpl, [])
        written += [meta, out_dir / f"{tmpl.kind}.csv", out_dir / f"{tmpl.kind}.xlsx"]
        if examples:
            (out_dir / "examples").mkdir(exist_ok=True)
            rows = example_rows(tmpl.kind)
            write_csv(out_dir / "examples" / f"{tmpl.kind}.csv", list(tmpl.names), rows)
            write_xlsx(out_dir / "examples" / f"{tmpl.kind}.xlsx", tmpl, rows)
            written += [out_dir / "examples" / f"{tmpl.kind}.csv", out_dir / "examples" / f"{tmpl.kind}.xlsx"]
    return sorted(written)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def columns_markdown() -> str:
    """The column reference of every template, in Markdown, generated from the CSVW metadata."""
    parts = []
    for kind in TABLE_KINDS:
        tmpl = schema(kind)
        parts.append(f"### {tmpl.title} (`{kind}.csv`)\n\n{tmpl.description}\n")
        parts.append("| column | required | type or allowed values | meaning | example |\n|---|---|---|---|---|")
        for name, required, kinds, meaning, example in _doc_rows(tmpl):
            parts.append(f"| `{name}` | {required} | {_cell(kinds)} | {_cell(meaning)} | {_cell(example)} |")
        parts.append("")
    return "\n".join(parts)


_BLOCK = re.compile(r"(<!-- columns:start -->\n).*?(<!-- columns:end -->)", re.DOTALL)


def update_docs(path: Path) -> bool:
    """Replace the generated column reference between the markers in a Markdown file.

    Returns
    -------
    bool
        True when the file changed.
    """
    old = path.read_text(encoding="utf-8")
    new = _BLOCK.sub(lambda m: m.group(1) + columns_markdown() + m.group(2), old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


if __name__ == "__main__":  # python -m ecograph.ingest.templates docs/ingest.md
    import sys

    for name in sys.argv[1:]:
        print(name, "updated" if update_docs(Path(name)) else "unchanged")
