"""SPARQL text as tokens, for the few edits made to a query without a full parser.

Binding parameters (a ``VALUES`` block opening each group pattern) and finding the declared
prefixes need to know where the query's *syntax* is: a ``WHERE {`` inside a string or a
comment is text, not syntax. The lexer follows the terminals of the SPARQL 1.1 grammar
(section 19.8) and covers the whole text, so joining the tokens gives it back unchanged.

Examples
--------
>>> [t.text for t in tokenize('BIND("where {" AS ?t)') if t.kind != Kind.SPACE]
['BIND', '(', '"where {"', 'AS', '?t', ')']
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Kind", "Token", "MAX_NESTING", "tokenize", "code_tokens", "declared_prefixes", "max_nesting", "names_its_dataset"]

MAX_NESTING = 256
"""Deepest bracket nesting a query may have: the engine's parser recurses, and a few thousand levels
overflow its stack (a crash, not an error). No real query comes near this."""


class Kind(enum.Enum):
    """What a token is."""

    SPACE = "space"
    COMMENT = "comment"
    IRI = "iri"
    STRING = "string"
    VARIABLE = "variable"
    PNAME = "pname"
    BLANK = "blank"
    LANGTAG = "langtag"
    NUMBER = "number"
    WORD = "word"
    PUNCT = "punct"


class Token(NamedTuple):
    """One token: its kind, its exact text and where it starts in the query."""

    kind: Kind
    text: str
    start: int


_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    f"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
# Order matters where two terminals share a first character: long strings before short ones,
# IRIs before the ``<`` operator, prefixed names before plain words (``ex:a`` vs ``ex``).
_TERMINALS: list[tuple[Kind, str]] = [
    (Kind.SPACE, r"\s+"),
    (Kind.COMMENT, r"\#[^\n\r]*"),
    (Kind.IRI, r"""<[^<>"{}|^`\\\x00-\x20]*>"""),
    (Kind.STRING, r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""),
    (Kind.STRING, r"""'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*\""""),
    (Kind.VARIABLE, f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    (Kind.BLANK, f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    (Kind.PNAME, f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    (Kind.LANGTAG, r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    (Kind.NUMBER, r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    (Kind.WORD, r"[A-Za-z_][A-Za-z0-9_]*"),
    (Kind.PUNCT, r"\^\^|\|\||&&|!=|<=|>=|."),
]
_LEXER = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(_TERMINALS)), re.DOTALL)
_KINDS = {f"t{i}": kind for i, (kind, _) in enumerate(_TERMINALS)}


def tokenize(text: str) -> Iterator[Token]:
    """Split SPARQL text into tokens that, joined, give the text back.

    A character that starts no terminal becomes a one-character ``PUNCT`` token: the
    lexer never fails, the engine reports syntax errors.

    Parameters
    ----------
    text : str
        SPARQL query text.

    Yields
    ------
    Token

    Examples
    --------
    >>> [(t.kind.value, t.text) for t in tokenize("?a<?b # x")]
    [('variable', '?a'), ('punct', '<'), ('variable', '?b'), ('space', ' '), ('comment', '# x')]
    """
    position = 0
    while position < len(text):
        match = _LEXER.match(text, position)
        assert match is not None and match.lastgroup is not None  # the last terminal takes any character
        yield Token(_KINDS[match.lastgroup], match.group(), position)
        position = match.end()


def code_tokens(text: str) -> list[Token]:
    """Return the tokens that are syntax: all but white space and comments.

    Examples
    --------
    >>> [t.text for t in code_tokens("SELECT # where {\\n * {}")]
    ['SELECT', '*', '{', '}']
    """
    return [t for t in tokenize(text) if t.kind not in (Kind.SPACE, Kind.COMMENT)]


def declared_prefixes(text: str) -> set[str]:
    """Return the prefixes (lower case, without the colon) that the query's prologue declares.

    Examples
    --------
    >>> sorted(declared_prefixes('PREFIX ex: <urn:x:> SELECT * { ?s ex:p "PREFIX no: <urn:n>" }'))
    ['ex']
    """
    tokens = code_tokens(text)
    return {
        nxt.text[:-1].lower()
        for tok, nxt in zip(tokens, tokens[1:], strict=False)
        if tok.kind is Kind.WORD and tok.text.upper() == "PREFIX" and nxt.kind is Kind.PNAME and nxt.text.endswith(":")
    }


def max_nesting(text: str) -> int:
    """Return how deeply brackets (``{``, ``(``, ``[``) nest in the query's syntax.

    Examples
    --------
    >>> max_nesting('SELECT * { { ?s ?p "(((" } }')
    2
    """
    depth = deepest = 0
    for token in tokenize(text):
        if token.kind is Kind.PUNCT:
            if token.text in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif token.text in "})]":
                depth = max(depth - 1, 0)
    return deepest


def names_its_dataset(text: str) -> bool:
    """Tell whether the query has a ``FROM`` or ``FROM NAMED`` clause of its own.

    Examples
    --------
    >>> names_its_dataset("SELECT * FROM <urn:g> { ?s ?p ?o }"), names_its_dataset('SELECT ("FROM" AS ?x) {}')
    (True, False)
    """
    return any(t.kind is Kind.WORD and t.text.upper() == "FROM" for t in code_tokens(text))
