"""Find things that are likely the same: names equal up to case, spacing, punctuation and language."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Duplicate", "normalise_name", "likely_duplicates"]


def normalise_name(name: str) -> str:
    """Reduce a name to what two spellings of it share.

    Examples
    --------
    >>> normalise_name("Haier Group") == normalise_name(" haier-group. ")
    True
    >>> normalise_name("ＪＤ．ｃｏｍ")
    'jdcom'
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


@dataclass(frozen=True)
class Duplicate:
    """Different identifiers whose names match; a person should confirm or tell them apart.

    Attributes
    ----------
    key : str
        The normalised name they share.
    members : tuple of (str, str, str)
        Identifier, the name as written, and where it was found (a table row or ``graph``).
    """

    key: str
    members: tuple[tuple[str, str, str], ...]

    def __str__(self) -> str:
        return "likely the same thing: " + "; ".join(f"{i} {n!r} ({w})" for i, n, w in self.members)

    def as_dict(self) -> dict:
        """Plain data for ``--format json``."""
        return {"key": self.key, "members": [{"id": i, "name": n, "where": w} for i, n, w in self.members]}


def likely_duplicates(new: Iterable[tuple[str, str, str]], existing: Iterable[tuple[str, str]]) -> list[Duplicate]:
    """Group names of different identifiers that normalise alike, where one of them is new.

    Parameters
    ----------
    new : iterable of (id, name, where)
        Names and aliases from the tables being ingested.
    existing : iterable of (id, name)
        Labels already in the graph.

    Returns
    -------
    list of Duplicate
        Sorted by key; never a merge: identifiers stay as they are.

    Examples
    --------
    >>> [str(d) for d in likely_duplicates([("haier", "haier group", "t.csv row 2")], [("haier-group", "Haier Group")])]
    ["likely the same thing: haier 'haier group' (t.csv row 2); haier-group 'Haier Group' (graph)"]
    """
    groups: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    fresh: dict[str, set[str]] = defaultdict(set)
    for ident, name, where in new:
        key = normalise_name(name)
        if key:
            groups[key].setdefault(ident, (name, where))
            fresh[key].add(ident)
    for ident, name in existing:
        key = normalise_name(name)
        if key in fresh:
            groups[key].setdefault(ident, (name, "graph"))
    out = []
    for key in sorted(fresh):
        members = groups[key]
        if len(members) > 1:
            out.append(Duplicate(key, tuple((i, n, w) for i, (n, w) in sorted(members.items()))))
    return out
