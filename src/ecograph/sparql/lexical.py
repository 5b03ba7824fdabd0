"""What can be read from SPARQL text without parsing it: the code outside IRIs, strings and comments."""

from __future__ import annotations

import re

__all__ = ["code_only"]

# Everything that can hide a keyword from a naive search, per the SPARQL 1.1 grammar: IRIREF
# (no spaces inside, so ``?a < ?b`` stays an operator), the four string forms, and comments.
_NOT_CODE = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'(?:[^'\\\n\r]|\\.)*'"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|\#[^\n\r]*""",
    re.DOTALL,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def code_only(text: str) -> str:
    """Blank out the IRIs, strings and comments of a query, so that keywords can be looked for safely.

    Every blanked character becomes a space and newlines stay, so positions and line numbers
    found in the result hold in the original text.

    Parameters
    ----------
    text : str
        SPARQL text.

    Returns
    -------
    str
        The text, as long as the original.

    Examples
    --------
    >>> text = 'SELECT * { ?s <urn:x#SERVICE> "SERVICE" } # SERVICE'
    >>> code_only(text).split(), len(code_only(text)) == len(text)
    (['SELECT', '*', '{', '?s', '}'], True)
    """
    return _NOT_CODE.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), text)
