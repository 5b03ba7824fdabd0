"""Check the rows of all tables together: cell types, identifiers, sources and references."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecograph.ingest import cells
from ecograph.ingest.problems import Problem
from ecograph.ingest.reading import Table
from ecograph.ingest.schema import schema

__all__ = ["Row", "Known", "CheckedTables", "check_tables"]

ORG, SPACE, EVENT, PLACE, STAT, SOURCE = "organisation", "space", "event", "place", "figure", "source"
_DEFINES = {"organisations": ORG, "spaces": SPACE, "events": EVENT, "statistics": STAT, "sources": SOURCE}
# Which kinds of thing each reference column may name.
_REFERENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "sources": {"publisher": (ORG,), "part_of": (SOURCE,)},
    "organisations": {"parent": (ORG,)},
    "spaces": {"operated_by": (ORG,)},
    "incubation": {"company": (ORG,), "carrier": (SPACE,)},
    "founding": {"founder": (ORG,), "founded": (SPACE, ORG, EVENT)},
    "events": {"part_of": (EVENT,), "founders": (ORG,), "location": (PLACE,)},
    "statistics": {
        "area": (PLACE,),
        "subject": (ORG, SPACE, EVENT),
        "attributed_to": (ORG,),
        "part_of_figure": (STAT,),
        "subset_of_figure": (STAT,),
    },
}


@dataclass
class Row:
    """A data row whose cells have been parsed.

    Attributes
    ----------
    table : Table
        Where it comes from.
    number : int
        Spreadsheet row number.
    values : dict
        Parsed cells by column name (None when empty; a list for columns with a separator).
    id : str or None
        Identifier of the thing the row describes (sources, organisations, spaces, events, figures).
    source : str or None
        Identifier of the source document the row cites.
    """

    table: Table
    number: int
    values: dict[str, Any]
    id: str | None = None
    source: str | None = None


@dataclass
class Known:
    """What the graph already holds: typed IRIs (``ecod:`` ids and ``ecoc:`` concepts) and source ids."""

    ids: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


@dataclass
class CheckedTables:
    """The result of :func:`check_tables`: rows by table kind, and what the run defines."""

    rows: dict[str, list[Row]]
    defined: dict[str, tuple[str, Row]]
    places: dict[str, Row]
    sources: list[str]


def _where(row: Row) -> str:
    return f"{row.table.shown} row {row.number}"


def _parse_row(table: Table, number: int, raw: dict[str, object], problems: list[Problem]) -> Row:
    tmpl = schema(table.kind)
    values: dict[str, Any] = {}
    unit = cells.text(raw.get("unit")).lower()
    for col in tmpl.columns:
        cell = raw.get(col.name)
        shown = cells.text(cell)
        if shown == "":
            values[col.name] = col.parse(col.default) if col.default is not None else None
            if col.required and col.name not in table.absent:
                problems.append(Problem(table.shown, number, col.name, None, f"a value ({col.expected})", "missing"))
            continue
        items: list[object] = [i for i in (p.strip() for p in shown.split(col.separator)) if i] if col.separator else [cell]
        parsed = []
        for item in items:
            try:
                if col.name == "value":
                    parsed.append(cells.parse_number(item, percent=unit == "percent"))
                else:
                    parsed.append(col.parse(item))
            except cells.CellError as e:
                problems.append(Problem(table.shown, number, col.name, cells.text(item), str(e), "type"))
        values[col.name] = parsed if col.separator else (parsed[0] if parsed else None)
    return Row(table, number, values)


def _default_id(row: Row, problems: list[Problem]) -> str | None:
    v = row.values
    if v.get("id"):
        return v["id"]
    kind = row.table.kind
    if kind == "statistics":
        if not v.get("indicator") or not (v.get("subject") or v.get("area")):
            return None  # reported as missing values
        parts = ["obs", v.get("year"), v.get("subject") or v.get("area"), v["indicator"]]
        if v.get("subject") and v.get("area"):
            parts.append(v["area"])
        return "-".join(p for p in parts if p)
    if kind == "spaces" and v.get("unnamed"):
        problems.append(
            _problem(
                row,
                "id",
                None,
                "an id (an unnamed space has no name to make one from)",
                "missing",
            )
        )
        return None
    name = v.get("name_en")
    if name:
        slug = cells.slugify(name)
        if slug:
            return slug
        problems.append(_problem(row, "id", None, f"an id (no slug can be made from {name!r})", "missing"))
    elif v.get("name_zh"):
        problems.append(_problem(row, "id", None, "an id (a Chinese-only name has no English slug)", "missing"))
    return None


def _row_rules(row: Row, problems: list[Problem]) -> None:
    """Rules that involve more than one cell."""
    v, kind = row.values, row.table.kind
    if kind in ("organisations", "spaces", "events"):
        if kind == "spaces" and v.get("unnamed"):
            for col in ("name_en", "name_zh", "aliases"):
                if v.get(col):
                    found = "|".join(v[col]) if isinstance(v[col], list) else v[col]
                    problems.append(_problem(row, col, found, "an empty cell: the space is unnamed in the source", "type"))
        elif not v.get("name_en"):
            problems.append(
                _problem(
                    row,
                    "name_en",
                    None,
                    "the English name (every named thing needs one; name_zh is extra)",
                    "missing",
                )
            )
        for label in v.get("sectors") or []:
            if not cells.slugify(label) or cells.has_cjk(label):
                problems.append(
                    _problem(
                        row,
                        "sectors",
                        label,
                        "an English sector label (it names the concept ecoc:sector-<slug>)",
                        "type",
                    )
                )
    for col in ("theme", "location_name"):
        if kind == "events" and v.get(col) and cells.has_cjk(v[col]):
            problems.append(_problem(row, col, v[col], "English text (the concept or place needs an English label)", "type"))
    if kind == "organisations" and v.get("type") == "unit" and not v.get("parent"):
        problems.append(_problem(row, "parent", None, "the organisation a unit belongs to", "missing"))
    if kind == "statistics":
        if not v.get("area") and not v.get("subject"):
            problems.append(_problem(row, "area", None, "an area or a subject (the figure must be about something)", "missing"))
        elif v.get("area") and not v.get("year"):
            # Figures per area belong to Data Cube structures with a year dimension (IC-11).
            problems.append(_problem(row, "year", None, "the year of a figure given for an area", "missing"))
        if v.get("growth_rate") is None:
            for col in ("growth_qualifier", "growth_compared_with"):
                if v.get(col):
                    problems.append(_problem(row, col, str(v[col]), "an empty cell when there is no growth_rate", "type"))
        else:
            v["growth_qualifier"] = v.get("growth_qualifier") or "exact"
            if not v.get("growth_compared_with") and v.get("year"):
                v["growth_compared_with"] = str(int(v["year"]) - 1)
    if kind == "events" and v.get("location_name") and not v.get("location"):
        v["location"] = cells.slugify(v["location_name"]) or None
        if v["location"] is None:
            problems.append(_problem(row, "location", None, "an id for the new place (its name has no English slug)", "missing"))


def check_tables(tables: list[Table], known: Known, default_source: str | None, problems: list[Problem]) -> CheckedTables:
    """Parse and cross-check every row of every table.

    The phases run in order, each appending what it finds to ``problems``: parse the rows,
    define the identifiers, collect new places, give each row its source, check references.

    Parameters
    ----------
    tables : list of Table
        Tables read by :func:`~ecograph.ingest.reading.read_table_files`.
    known : Known
        What the graph already holds, for references.
    default_source : str or None
        The ``--source`` option: the source of rows that do not name one.
    problems : list of Problem
        Appended to; the result is only usable when nothing was appended.

    Returns
    -------
    CheckedTables
    """
    rows = _parse_tables(tables, problems)
    defined, sources = _define_ids(rows, problems)
    places = _new_places(rows, defined, problems)
    used_sources = _assign_sources(rows, sources, known, default_source, problems)
    for kind, kind_rows in rows.items():
        for column, allowed in _REFERENCES.get(kind, {}).items():
            for row in kind_rows:
                value = row.values.get(column)
                for ref in value if isinstance(value, list) else [value] if value else []:
                    _check_reference(row, column, ref, allowed, defined, places, sources, known, problems)
    _check_graduations(rows, defined, problems)
    return CheckedTables(rows=rows, defined=defined, places=places, sources=sorted(used_sources))


def _problem(row: Row, column: str | None, value: str | None, expected: str, kind: str) -> Problem:
    """A problem with one cell (or, without a column, one row) of a table."""
    return Problem(row.table.shown, row.number, column, value, expected, kind)


def _parse_tables(tables: list[Table], problems: list[Problem]) -> dict[str, list[Row]]:
    """Every row parsed, by table kind; a table name given twice in one run is read once."""
    rows: dict[str, list[Row]] = {}
    keys: dict[str, str] = {}
    for table in tables:
        if table.key in keys:
            expected = f"a table name not used twice in one run (also {keys[table.key]})"
            problems.append(Problem(table.shown, None, None, table.name, expected, "duplicate"))
            continue
        keys[table.key] = table.shown
        for number, raw in table.rows:
            row = _parse_row(table, number, raw, problems)
            _row_rules(row, problems)
            rows.setdefault(table.kind, []).append(row)
    return rows


def _define_ids(rows: dict[str, list[Row]], problems: list[Problem]) -> tuple[dict[str, tuple[str, Row]], dict[str, Row]]:
    """The identifiers the rows define: things (with what they are) and sources, each used once."""
    defined: dict[str, tuple[str, Row]] = {}
    sources: dict[str, Row] = {}
    for kind, what in _DEFINES.items():
        for row in rows.get(kind, []):
            row.id = _default_id(row, problems)
            if row.id is None:
                continue
            if kind == "sources":
                if row.id in sources:
                    problems.append(_problem(row, "id", row.id, f"an identifier used once (also {_where(sources[row.id])})", "duplicate"))
                sources[row.id] = row
            elif row.id in defined:
                other_kind, other = defined[row.id]
                expected = f"an identifier used once (also the {other_kind} in {_where(other)})"
                problems.append(_problem(row, "id", row.id, expected, "duplicate"))
            else:
                defined[row.id] = (what, row)
    return defined, sources


def _new_places(rows: dict[str, list[Row]], defined: dict[str, tuple[str, Row]], problems: list[Problem]) -> dict[str, Row]:
    """Places that events name and describe (``location`` with ``location_name``), by id."""
    places: dict[str, Row] = {}
    for row in rows.get("events", []):
        if row.values.get("location_name") and row.values.get("location"):
            place = row.values["location"]
            if place in defined:
                what, other = defined[place]
                problems.append(_problem(row, "location", place, f"a new place id (it is the {what} in {_where(other)})", "duplicate"))
            places.setdefault(place, row)
    return places


def _assign_sources(
    rows: dict[str, list[Row]], sources: dict[str, Row], known: Known, default_source: str | None, problems: list[Problem]
) -> set[str]:
    """Give each row its source (its cell, ``--source``, or the only source row); return the sources used."""
    source_ids = sorted(sources)
    fallback = default_source or (source_ids[0] if len(source_ids) == 1 else None)
    if fallback is not None and fallback not in sources and fallback not in known.sources:
        problems.append(Problem("--source", None, None, fallback, "a source in the sources table or in the graph", "source"))
    used: set[str] = set(sources)
    for kind, kind_rows in rows.items():
        if kind == "sources":
            continue
        for row in kind_rows:
            row.source = row.values.get("source") or fallback
            if row.source is None:
                expected = "a source id here, the --source option, or exactly one row in a sources table"
                problems.append(_problem(row, "source", None, expected, "missing"))
            elif row.source not in sources and row.source not in known.sources:
                if row.values.get("source"):
                    problems.append(_problem(row, "source", row.source, "a source in the sources table or in the graph", "reference"))
            else:
                used.add(row.source)
    return used


def _check_graduations(rows: dict[str, list[Row]], defined: dict[str, tuple[str, Row]], problems: list[Problem]) -> None:
    """A company graduates from an incubator, not from another kind of space."""
    for row in rows.get("incubation", []):
        carrier = defined.get(row.values.get("carrier") or "")
        if row.values.get("relation") != "graduated-from" or not carrier or carrier[0] != SPACE:
            continue
        space = carrier[1]
        if space.values.get("type") != "incubator":
            expected = f"an incubator to graduate from (it is a {space.values.get('type')} in {_where(space)})"
            problems.append(_problem(row, "carrier", row.values["carrier"], expected, "reference"))


def _check_reference(
    row: Row,
    column: str,
    ref: str,
    allowed: tuple[str, ...],
    defined: dict[str, tuple[str, Row]],
    places: dict[str, Row],
    sources: dict[str, Row],
    known: Known,
    problems: list[Problem],
) -> None:
    wanted = " or ".join(f"{'an' if a[0] in 'aeiou' else 'a'} {a}" for a in allowed)
    if SOURCE in allowed:
        if ref not in sources and ref not in known.sources:
            problems.append(_problem(row, column, ref, "a source in the sources table or in the graph", "reference"))
        return
    if ref in defined:
        what, other = defined[ref]
        if what not in allowed:
            problems.append(_problem(row, column, ref, f"the id of {wanted} (it is the {what} in {_where(other)})", "reference"))
        return
    if PLACE in allowed and ref in places:
        return
    if ref not in known.ids:
        problems.append(_problem(row, column, ref, f"the id of {wanted} in the tables or in the graph", "reference"))
