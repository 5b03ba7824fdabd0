"""Query answers as plain Python values, CSV files, HTML tables and pandas DataFrames.

pandas is optional: it comes with ``pip install "ecograph[notebook]"``.
"""

from __future__ import annotations

import datetime
import html
import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ecograph.errors import MissingDependency

if TYPE_CHECKING:  # only for annotations: pandas is an optional extra
    import pandas

    from ecograph.sparql.query import QueryResult

__all__ = ["require_pandas", "python_value", "answer_records", "answer_frame", "answer_csv", "answer_html"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
        "gYear",
    )
}
_FLOATS = {_XSD + name for name in ("decimal", "double", "float")}
_HTML_ROWS = 50


def require_pandas(what: str = "this") -> ModuleType:
    """Import pandas, or say how to install it.

    Parameters
    ----------
    what : str
        The feature that needs it, for the message.

    Returns
    -------
    module
        ``pandas``.

    Raises
    ------
    MissingDependency
        If pandas is not installed.
    """
    try:
        return importlib.import_module("pandas")
    except ImportError as e:
        raise MissingDependency(f'{what} needs pandas, which is not installed: pip install "ecograph[notebook]"') from e


def python_value(term: Any, *, compact: bool = False) -> Any:
    """Turn an RDF term into the Python value a table cell should hold.

    Parameters
    ----------
    term : pyoxigraph term or None
        A named node, blank node, literal or quoted triple.
    compact : bool, default False
        Show IRIs of known namespaces as ``prefix:name`` instead of in full.

    Returns
    -------
    object
        None for an unbound variable; ``int`` for integers and ``xsd:gYear``, ``float`` for
        decimals and doubles, ``bool``, ``datetime.date`` and ``datetime.datetime`` for their
        types, the IRI as ``str`` for named nodes, ``_:id`` for blank nodes, else the text.

    Examples
    --------
    >>> python_value(ox.Literal("5739", datatype=ox.NamedNode(_XSD + "integer")))
    5739
    >>> python_value(ox.Literal("2017", datatype=ox.NamedNode(_XSD + "gYear")))
    2017
    >>> python_value(ox.Literal("2018-09-06", datatype=ox.NamedNode(_XSD + "date")))
    datetime.date(2018, 9, 6)
    >>> python_value(ox.NamedNode("https://w3id.org/ecograph/id/huibo"), compact=True)
    'ecod:huibo'
    >>> python_value(ox.Literal("HUIBO", language="en"))
    'HUIBO'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        if compact:
            from ecograph.sparql.query import compact as short

            return short(term)
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _FLOATS:
            return float(term.value)
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == _XSD + "date":
            return datetime.date.fromisoformat(term.value)
        if datatype == _XSD + "dateTime":
            return datetime.datetime.fromisoformat(term.value)
    except ValueError:
        pass  # an ill-typed literal keeps its text
    return term.value


def _columns_and_rows(answer: QueryResult) -> tuple[list[str], list[tuple[Any, ...]]]:
    if answer.form == "select":
        return list(answer.variables), list(answer.rows)
    if answer.form == "ask":
        return ["answer"], [(ox.Literal("true" if answer.boolean else "false", datatype=ox.NamedNode(_XSD + "boolean")),)]
    return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in answer.triples]


def answer_records(answer: QueryResult, *, compact: bool = False) -> list[dict[str, Any]]:
    """Return an answer's rows as dictionaries of Python values (see :func:`python_value`)."""
    columns, rows = _columns_and_rows(answer)
    return [{c: python_value(t, compact=compact) for c, t in zip(columns, row, strict=True)} for row in rows]


def answer_frame(answer: QueryResult, *, compact: bool = False) -> pandas.DataFrame:
    """Return an answer as a pandas DataFrame: one column per variable, values as :func:`python_value` gives them.

    ASK answers have one column ``answer``; CONSTRUCT answers ``subject``, ``predicate``, ``object``.

    Raises
    ------
    MissingDependency
        If pandas is not installed.
    """
    pandas = require_pandas("to_pandas()")
    columns, rows = _columns_and_rows(answer)
    values = [[python_value(t, compact=compact) for t in row] for row in rows]
    frame = pandas.DataFrame(values, columns=columns)
    for i, column in enumerate(columns):
        present = [row[i] for row in values if row[i] is not None]
        # Integers with gaps would turn into floats (2016.0): keep them integers, with <NA> for the gaps.
        if present and len(present) < len(values) and all(type(v) is int for v in present):
            frame[column] = frame[column].astype("Int64")
    return frame


def answer_csv(answer: QueryResult, path: str | Path) -> Path:
    """Write an answer as CSV: SPARQL 1.1 CSV results for SELECT and ASK, ``subject,predicate,object`` for graphs."""
    import csv
    import io

    from ecograph.utils import atomic_write

    path = Path(path)
    if answer.form == "construct":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["subject", "predicate", "object"])
        for row in _columns_and_rows(answer)[1]:
            writer.writerow([python_value(t) for t in row])
        data = buffer.getvalue().encode("utf-8")
    else:
        data = answer.serialize("csv")
    atomic_write(path, data)
    return path


def answer_html(answer: QueryResult, limit: int = _HTML_ROWS) -> str:
    """Render an answer as an HTML table for notebooks, every value escaped as text."""
    headers, rows = answer.table()
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[:limit])
    more = len(rows) - limit
    caption = f"{html.escape(answer.query.name)}: {len(rows)} {'row' if len(rows) == 1 else 'rows'}"
    if more > 0:
        caption += f" (the first {limit} shown)"
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
