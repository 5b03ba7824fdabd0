"""Text made safe for where it goes: XML documents, spreadsheets, pages that show bidi text.

One home for these rules, so every writer applies the same ones:

- XML 1.0 cannot carry most C0 control characters (U+0000-U+001F but tab, newline and carriage
  return), lone surrogates or U+FFFE/U+FFFF, not even as character references: one of them makes
  the whole file ill-formed for every XML parser. Ingest refuses them in table cells; writers of
  XML replace any that reached the data another way with U+FFFD.
- A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula; tables
  written for spreadsheets prefix such a text with ``'``.
- Bidirectional-text controls (U+202A-U+202E, U+2066-U+2069, marks) can make a label read
  backwards and spoof the text around it; pages isolate or show them.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

__all__ = [
    "xml_safe_term",
    "NOT_XML_CHARS",
    "BIDI_CONTROLS",
    "FORMULA_CHARS",
    "xml_safe",
    "control_characters",
    "spreadsheet_safe",
    "show_bidi_controls",
]

NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters an XML 1.0 document cannot contain."""
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that change the direction of the text around them."""
FORMULA_CHARS = ("=", "+", "-", "@")
"""Leading characters that make a spreadsheet treat a cell as a formula."""


def xml_safe(text: str) -> str:
    """Replace the characters XML 1.0 cannot carry with U+FFFD.

    Examples
    --------
    >>> xml_safe("bell\\x07 tab\\t ok")
    'bell\\ufffd tab\\t ok'
    """
    return NOT_XML_CHARS.sub("\ufffd", text)


def control_characters(text: str) -> list[str]:
    """Name the control characters (other than tab, newline, carriage return) in a text.

    Examples
    --------
    >>> control_characters("a\\x01b\\x1bc\\td")
    ['U+0001', 'U+001B']
    """
    return [f"U+{ord(c):04X}" for c in NOT_XML_CHARS.findall(text)] + [
        f"U+{ord(c):04X}" for c in text if "\x7f" <= c <= "\x9f"
    ]


def spreadsheet_safe(value: str) -> str:
    """Prefix a text that a spreadsheet would run as a formula with a quote.

    Examples
    --------
    >>> spreadsheet_safe('=HYPERLINK("x")'), spreadsheet_safe("Haier Group")
    ('\\'=HYPERLINK("x")', 'Haier Group')
    """
    return "'" + value if value.startswith(FORMULA_CHARS) else value


def show_bidi_controls(text: str) -> str:
    """Write bidi controls as visible codes, so a label cannot reorder the text around it.

    Examples
    --------
    >>> show_bidi_controls("abc\\u202edef")
    'abc<U+202E>def'
    """
    return BIDI_CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def xml_safe_term(term: Term) -> Term:
    """Return the term with :func:`xml_safe` applied to its literal text (triples, recursively).

    Examples
    --------
    >>> xml_safe_term(ox.Literal("a\x01b", language="en"))
    <Literal value=a�b language=en>
    """
    if isinstance(term, ox.Literal):
        if not NOT_XML_CHARS.search(term.value):
            return term
        if term.language:
            return ox.Literal(xml_safe(term.value), language=term.language)
        return ox.Literal(xml_safe(term.value), datatype=term.datatype)
    if isinstance(term, ox.Triple):
        subject = xml_safe_term(term.subject)
        assert not isinstance(subject, ox.Literal)  # a subject is never a literal
        return ox.Triple(subject, term.predicate, xml_safe_term(term.object))
    return term
