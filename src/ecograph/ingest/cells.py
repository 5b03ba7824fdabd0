"""Parse table cells as people type them: numbers with 万/亿, dates in common forms, yes/no, slugs."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ecograph.safe_text import FORMULA_CHARS

__all__ = [
    "CellError",
    "FORMULA_CHARS",
    "slugify",
    "is_slug",
    "text",
    "parse_number",
    "parse_date",
    "parse_year",
    "parse_boolean",
    "parse_url",
    "has_cjk",
]



class CellError(ValueError):
    """A cell that does not hold what its column expects; the message says what was expected."""


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def slugify(name: str) -> str:
    """Turn an English name into an IRI slug: lower-case ASCII words joined by hyphens.

    Parameters
    ----------
    name : str
        A name such as ``"Sun Yat-sen University"``.

    Returns
    -------
    str
        The slug; empty when the name has no ASCII letters or digits (a Chinese-only name).

    Examples
    --------
    >>> slugify("Shanghai Municipal People's Government")
    'shanghai-municipal-peoples-government'
    >>> slugify("JD.com")
    'jd-com'
    >>> slugify("腾讯")
    ''
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"['’`]", "", ascii_name.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")


def is_slug(value: str) -> bool:
    """Whether a value is a slug (``peking-university``), the form of every identifier."""
    return bool(_SLUG.match(value))


def has_cjk(value: str) -> bool:
    """Whether a text holds Chinese characters (its language is then taken to be ``zh``)."""
    return bool(_CJK.search(value))


def text(value: object) -> str:
    """Return a cell as text, stripped; a quote that only protected a formula-like text is dropped.

    Parameters
    ----------
    value : object
        What the reader gave: str, int, float, date, bool or None.

    Returns
    -------
    str

    Examples
    --------
    >>> text("'=SUM(A1:A3)")
    '=SUM(A1:A3)'
    >>> text(" +86-21-54065138 ")
    '+86-21-54065138'
    >>> text(3.0)
    '3'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    if len(s) > 1 and s[0] == "'" and s[1] in FORMULA_CHARS:
        s = s[1:]
    return s


_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_CHINESE_SCALES = {"百": 100, "千": 1000, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_ENGLISH_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_QUALIFIER_WORDS = re.compile(
    r"^(?:over|more than|above|about|around|approximately|nearly|almost|exceeds?|at least|"
    r"超过|多于|逾|约|近|大约|不少于|以上|>|<|~|≈)",
    re.IGNORECASE,
)
NUMBER_EXPECTED = "a number such as 1050000, 1,050,000, 105万, 3.15亿 or 1.05 million"


def parse_number(value: object, *, percent: bool = False) -> Decimal:
    """Read a number in base units, resolving thousands separators and scale words.

    Parameters
    ----------
    value : object
        A cell: ``"1,050,000"``, ``"105万"``, ``"3.15亿"``, ``"1.05 million"``, ``"33%"`` or a number.
    percent : bool, default False
        Whether a trailing ``%`` is allowed (growth rates, per-cent figures).

    Returns
    -------
    Decimal
        The exact value; ``万`` = 10^4, ``亿`` = 10^8, ``百``/``千`` = 10^2/10^3 (they combine:
        ``千万`` = 10^7), ``thousand``/``million``/``billion`` = 10^3/10^6/10^9.

    Raises
    ------
    CellError
        For anything else: words such as "over" (they belong in the qualifier column), commas
        that do not group thousands (``1,05``), dots as thousands separators (``1.050.000``).

    Examples
    --------
    >>> parse_number("3.15亿")
    Decimal('315000000')
    >>> parse_number("1,050,000")
    Decimal('1050000')
    >>> parse_number("1.05 million")
    Decimal('1050000')
    >>> parse_number("33%", percent=True)
    Decimal('33')
    """
    if isinstance(value, bool):
        raise CellError(NUMBER_EXPECTED)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)).normalize()
    s = unicodedata.normalize("NFKC", text(value)).strip()
    if _QUALIFIER_WORDS.match(s):
        raise CellError(f"{NUMBER_EXPECTED}, without a word such as 'over' (put it in the qualifier column)")
    scale = 1
    if percent and s.endswith("%"):
        s = s[:-1].rstrip()
    lowered = s.lower()
    for word, factor in _ENGLISH_SCALES.items():
        if lowered.endswith(word):
            s, scale = s[: -len(word)].rstrip(), factor
            break
    else:
        while s and s[-1] in _CHINESE_SCALES:
            scale *= _CHINESE_SCALES[s[-1]]
            s = s[:-1].rstrip()
    m = _NUMBER.match(s)
    if not m:
        raise CellError(NUMBER_EXPECTED)
    sign, whole, fraction = m.groups()
    try:
        number = Decimal(f"{sign}{whole.replace(',', '')}.{fraction or '0'}") * scale
    except InvalidOperation as e:  # pragma: no cover - the pattern admits only valid decimals
        raise CellError(NUMBER_EXPECTED) from e
    return number.to_integral_value() if number == number.to_integral_value() else number.normalize()


DATE_EXPECTED = "a date as 2018-10-29, 2018/10/29, 2018年10月29日, or a year such as 2018"
YEAR_EXPECTED = "a year such as 2018 or 2018年"
_YMD = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
_YM = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$")


def parse_year(value: object) -> str:
    """Read a year; return it as four digits (an ``xsd:gYear``).

    Examples
    --------
    >>> parse_year("2018年")
    '2018'
    """
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    m = _YEAR.match(unicodedata.normalize("NFKC", text(value)))
    if not m:
        raise CellError(YEAR_EXPECTED)
    return m.group(1)


def parse_date(value: object) -> dt.date | str:
    """Read a date or a year.

    Parameters
    ----------
    value : object
        ``2018-10-29``, ``2018/10/29``, ``2018.10.29``, ``2018年10月29日``, a year (``2018``,
        ``2018年``) or a spreadsheet date.

    Returns
    -------
    datetime.date or str
        A date, or the year as four digits.

    Raises
    ------
    CellError
        For day-first or month-first forms such as ``29/10/2018`` (read differently in
        different countries), a year and month without a day, or a date that does not exist.

    Examples
    --------
    >>> parse_date("2018年10月29日")
    datetime.date(2018, 10, 29)
    >>> parse_date("2018")
    '2018'
    """
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise CellError(f"{DATE_EXPECTED} (without a time of day)")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_year(value)
    s = unicodedata.normalize("NFKC", text(value))
    if _YEAR.match(s):
        return parse_year(s)
    m = _YMD.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as e:
            raise CellError(f"{DATE_EXPECTED}; this day does not exist") from e
    if _DMY.match(s):
        raise CellError(
            f"{DATE_EXPECTED}; day-first and month-first dates are ambiguous (29/10/2018 or 10/29/2018?): "
            "write the year first"
        )
    if _YM.match(s):
        raise CellError(f"{DATE_EXPECTED}; a month without a day is not supported: give the day or the year only")
    raise CellError(DATE_EXPECTED)


_TRUE = {"true", "yes", "y", "1", "是", "对"}
_FALSE = {"false", "no", "n", "0", "否", "不"}
BOOLEAN_EXPECTED = "true or false (also yes/no, 1/0, 是/否)"


def parse_boolean(value: object) -> bool:
    """Read yes/no in English, Chinese or as 1/0.

    Examples
    --------
    >>> parse_boolean("是"), parse_boolean("No")
    (True, False)
    """
    if isinstance(value, bool):
        return value
    s = text(value).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CellError(BOOLEAN_EXPECTED)


_URL = re.compile(r"^https?://[^\s/$.?#][^\s<>\"{}|\\^`]*$", re.IGNORECASE)


def parse_url(value: object) -> str:
    """Check a web address (http or https, absolute, no spaces)."""
    s = text(value)
    if not _URL.match(s):
        raise CellError("an absolute web address starting with http:// or https://")
    return s
