"""Lexical checks run before a query reaches the engine: no federation, no update."""

from __future__ import annotations

import re

from ecograph.sparql.lexical import code_only

__all__ = ["QueryRefused", "UpdateRefused", "check_query"]

# SERVICE as a keyword: not part of a variable (?service), a prefixed name (ex:service,
# my-service) or a longer word. A dot before it still counts: ``?o 1.SERVICE <x> {}`` is
# valid SPARQL (the integer 1, the end of the triple, then SERVICE).
_SERVICE = re.compile(r"(?<![\w?$:\-])SERVICE(?![\w\-:])", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PROLOGUE = re.compile(r"\b(?:PREFIX\s+[\w\-.]*:|BASE\b)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
_UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


class QueryRefused(ValueError):
    """The query is valid SPARQL, perhaps, but this endpoint will not run it (HTTP 400)."""


class UpdateRefused(QueryRefused):
    """The request is a SPARQL Update; the endpoint is read-only (HTTP 403)."""


def _decode_codepoints(text: str) -> str:
    # The SPARQL spec lets \u escapes stand anywhere; decoding them first can only add
    # keywords to look at, never hide one.
    def one(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return m.group(0)

    return _CODEPOINT.sub(one, text)


def _first_keyword(code: str) -> str | None:
    # The IRIs of PREFIX and BASE were stripped already; drop the rest of the prologue.
    first = _WORD.search(_PROLOGUE.sub(" ", code))
    return first.group(0).upper() if first else None


def check_query(text: str) -> None:
    """Refuse SPARQL Update and federated ``SERVICE`` queries before they run.

    pyoxigraph parses and runs a query in one call and has an HTTP client for
    ``SERVICE``, so the check is lexical and conservative: any ``SERVICE``
    keyword outside IRIs, strings and comments is refused, even where a parser
    would have read it as part of an odd prefixed name.

    Parameters
    ----------
    text : str
        The query string, as received.

    Raises
    ------
    UpdateRefused
        If the text starts (after its prologue) with an update operation.
    QueryRefused
        If the text contains the ``SERVICE`` keyword.

    Examples
    --------
    >>> check_query('SELECT ?service WHERE { ?service a <urn:x:Service> } # SERVICE')
    >>> check_query('SELECT * WHERE { SERVICE <urn:x:e> { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    ecograph.endpoint.guard.QueryRefused: federated queries (SERVICE) are not allowed on this endpoint
    >>> check_query('PREFIX ex: <urn:x:> INSERT DATA { ex:a ex:b ex:c }')
    Traceback (most recent call last):
    ...
    ecograph.endpoint.guard.UpdateRefused: SPARQL Update (INSERT) is not allowed: this endpoint is read-only
    """
    code = code_only(_decode_codepoints(text))
    keyword = _first_keyword(code)
    if keyword in _UPDATE_KEYWORDS:
        raise UpdateRefused(f"SPARQL Update ({keyword}) is not allowed: this endpoint is read-only")
    if _SERVICE.search(code) or _SERVICE.search(code_only(text)):
        raise QueryRefused("federated queries (SERVICE) are not allowed on this endpoint")
