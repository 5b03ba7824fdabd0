"""The table templates, read from their CSV on the Web metadata, and checking of one row against them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ecograph.ingest import cells

__all__ = [
    "SLUG_PATTERN",
    "Column",
    "TableSchema",
    "TABLE_KINDS",
    "schemas",
    "schema",
    "allowed_values",
    "template_dir",
]

TABLE_KINDS = ("sources", "organisations", "spaces", "incubation", "founding", "events", "statistics")
"""The kinds of table, in the order their rows are turned into RDF."""

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""The CSVW ``format`` of identifier columns."""
_ENUM = re.compile(r"^\^\(\?:([a-z0-9|-]+)\)\$$")


def allowed_values(datatype: dict | str) -> list[str] | None:
    """Return the values a column allows, when its CSVW ``format`` is an enumeration ``^(?:a|b)$``.

    Examples
    --------
    >>> allowed_values({"base": "string", "format": "^(?:en|zh)$"})
    ['en', 'zh']
    >>> allowed_values("date") is None
    True
    """
    if isinstance(datatype, dict) and isinstance(datatype.get("format"), str):
        m = _ENUM.match(datatype["format"])
        if m:
            return m.group(1).split("|")
    return None


@dataclass(frozen=True)
class Column:
    """One column of a template, as its CSVW metadata describes it."""

    name: str
    description: str
    base: str
    required: bool
    pattern: str | None = None
    allowed: tuple[str, ...] | None = None
    separator: str | None = None
    default: str | None = None
    example: str = ""

    @property
    def expected(self) -> str:
        """What a cell of this column must hold, in words for error messages."""
        if self.allowed:
            return "one of " + ", ".join(self.allowed)
        if self.pattern == SLUG_PATTERN:
            return "an identifier: lower-case ASCII letters and digits in words joined by hyphens (peking-university)"
        return {
            "decimal": cells.NUMBER_EXPECTED,
            "date": cells.DATE_EXPECTED,
            "gYear": cells.YEAR_EXPECTED,
            "boolean": cells.BOOLEAN_EXPECTED,
            "anyURI": "an absolute web address starting with http:// or https://",
        }.get(self.base, f"text matching {self.pattern}" if self.pattern else "text")

    def parse(self, raw: object) -> Any:
        """Turn one non-empty cell (one item of a list column) into a Python value.

        Raises
        ------
        CellError
            When the cell does not hold what the column expects.
        """
        if self.base == "decimal":
            return cells.parse_number(raw, percent=self.name == "growth_rate")
        if self.base == "date":
            return cells.parse_date(raw)
        if self.base == "gYear":
            return cells.parse_year(raw)
        if self.base == "boolean":
            return cells.parse_boolean(raw)
        value = cells.text(raw)
        if self.base == "anyURI":
            return cells.parse_url(value)
        if self.allowed is not None:
            value = value.lower()
            if value not in self.allowed:
                raise cells.CellError(self.expected)
        elif self.pattern and not re.match(self.pattern, value):
            raise cells.CellError(self.expected)
        return value


@dataclass(frozen=True)
class TableSchema:
    """A template: its kind, title, description and columns."""

    kind: str
    title: str
    description: str
    columns: tuple[Column, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in template order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column of that name (KeyError if there is none)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def template_dir() -> Any:
    """The package directory holding the templates, their metadata and the filled examples."""
    return resources.files("ecograph.ingest") / "templates"


def _column(raw: dict) -> Column:
    datatype = raw.get("datatype", "string")
    base = datatype if isinstance(datatype, str) else datatype.get("base", "string")
    fmt = datatype.get("format") if isinstance(datatype, dict) else None
    allowed = allowed_values(datatype)
    return Column(
        name=raw["name"],
        description=raw.get("dc:description", ""),
        base=base,
        required=bool(raw.get("required", False)),
        pattern=fmt if isinstance(fmt, str) and allowed is None else None,
        allowed=tuple(allowed) if allowed else None,
        separator=raw.get("separator"),
        default=raw.get("default"),
        example=raw.get("skos:example", ""),
    )


@cache
def schema(kind: str) -> TableSchema:
    """Read the CSVW metadata of one template.

    Parameters
    ----------
    kind : str
        One of :data:`TABLE_KINDS`.

    Returns
    -------
    TableSchema

    Examples
    --------
    >>> schema("incubation").names
    ('company', 'carrier', 'relation', 'source')
    """
    meta = json.loads((template_dir() / f"{kind}.csv-metadata.json").read_text(encoding="utf-8"))
    return TableSchema(
        kind=kind,
        title=meta.get("dc:title", kind),
        description=meta.get("dc:description", ""),
        columns=tuple(_column(c) for c in meta["tableSchema"]["columns"]),
    )


def schemas() -> list[TableSchema]:
    """Every template, in :data:`TABLE_KINDS` order."""
    return [schema(k) for k in TABLE_KINDS]
