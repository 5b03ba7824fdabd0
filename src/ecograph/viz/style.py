"""Colours by family: one hue per family from a colour-blind-safe palette, classes within a family by shade and shape."""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "FAMILIES",
    "FAMILY_OF_CLASS",
    "COMPANY_LINKS",
    "NODE_SHAPES",
    "family_of",
    "class_styles",
    "node_style",
    "edge_colour",
    "dimmed",
]

# (id, name shown in the legend, colour). Okabe & Ito's palette (2008), which people with the common
# forms of colour blindness can tell apart; grey for anything the table below does not place.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("organisations", "Organisations and people", "#0072B2"),
    ("spaces", "Makers' spaces and incubators", "#E69F00"),
    ("companies", "Incubated companies", "#D55E00"),
    ("events", "Events: forums, editions, sessions", "#CC79A7"),
    ("documents", "Documents and policies", "#009E73"),
    ("places", "Places", "#56B4E9"),
    ("concepts", "Concepts", "#C9B800"),
    ("other", "Other", "#8C8C8C"),
)
_FAMILY_IDS = tuple(f[0] for f in FAMILIES)

FAMILY_OF_CLASS: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "Organization", "OrganizationalUnit", "FormalOrganization", "GovernmentBody", "Ministry",
            "GovernmentAgency", "LocalGovernment", "University", "ResearchInstitute", "Enterprise",
            "StateOwnedEnterprise", "PrivateEnterprise", "InvestmentAgency", "Person", "Corporation",
            "GovernmentOrganization", "EducationalOrganization", "CollegeOrUniversity",
        ),
        "organisations",
    ),
    **dict.fromkeys(("IncubationCarrier", "MakerSpace", "Incubator", "SpaceNetwork", "SpaceGroup"), "spaces"),
    **dict.fromkeys(("IncubatedCompany", "GraduatedCompany", "VirtuousCircleCompany"), "companies"),
    **dict.fromkeys(("Forum", "ForumEdition", "ForumSession", "PreForumEvent", "Event"), "events"),
    **dict.fromkeys(
        ("Policy", "Strategy", "Programme", "PolicyDocument", "Report", "SourceDocument", "CreativeWork", "Article"),
        "documents",
    ),
    **dict.fromkeys(("Place", "City", "Country", "Province", "AdministrativeArea", "Region"), "places"),
    **dict.fromkeys(("Concept",), "concepts"),
}
"""Class local name to family id; a class not listed here is in the family "other"."""

COMPANY_LINKS = frozenset({"incubatedBy", "graduatedFrom"})
"""Edge kinds that make an enterprise an incubated company even when no reasoner classified it."""

NODE_SHAPES = ("dot", "diamond", "square", "triangle", "triangleDown", "star", "hexagon")
"""vis-network shapes, one per class within a family (the WebGL renderer uses shades only)."""

# Lightness offsets of the 1st, 2nd, ... class of a family: darker and lighter in turn.
_SHADES = (0.0, -0.12, 0.12, -0.22, 0.2, -0.06, 0.06, -0.17, 0.16)


def family_of(kind: str, classes: Iterable[str] = (), links: Iterable[str] = ()) -> str:
    """Return the family of a node from its class, its other classes and its outgoing edge kinds.

    Examples
    --------
    >>> family_of("MakerSpace")
    'spaces'
    >>> family_of("Enterprise"), family_of("Enterprise", links=["incubatedBy"])
    ('organisations', 'companies')
    >>> family_of("Enterprise", classes=["Enterprise", "GraduatedCompany"])
    'companies'
    >>> family_of("Starship")
    'other'
    """
    names = [kind, *classes]
    if any(FAMILY_OF_CLASS.get(c) == "companies" for c in names) or (
        FAMILY_OF_CLASS.get(kind) == "organisations" and "Enterprise" in kind and COMPANY_LINKS & set(links)
    ):
        return "companies"
    return FAMILY_OF_CLASS.get(kind) or next((FAMILY_OF_CLASS[c] for c in classes if c in FAMILY_OF_CLASS), "other")


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(min(max(c, 0.0), 1.0) * 255) for c in rgb))


def _shade(colour: str, offset: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    return _hex(colorsys.hls_to_rgb(h, min(max(lightness + offset, 0.18), 0.82), s))


def class_styles(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Style every (family, class) pair: the family's hue, a shade and a shape per class.

    Classes of a family are taken in name order, so a class keeps its shade whatever
    else is drawn as long as its family holds the same classes.

    Parameters
    ----------
    pairs : iterable of (str, str)
        ``(family id, class name)`` pairs.

    Returns
    -------
    dict
        Pair to ``{"color", "shape", "familyColor"}``.

    Examples
    --------
    >>> s = class_styles([("spaces", "MakerSpace"), ("spaces", "Incubator")])
    >>> s[("spaces", "Incubator")]["color"], s[("spaces", "MakerSpace")]["color"]
    ('#e69f00', '#a97500')
    >>> s[("spaces", "Incubator")]["shape"], s[("spaces", "MakerSpace")]["shape"]
    ('dot', 'diamond')
    """
    base = {fid: colour for fid, _, colour in FAMILIES}
    by_family: dict[str, list[str]] = {}
    for fam, kind in sorted(set(pairs)):
        by_family.setdefault(fam, []).append(kind)
    out = {}
    for fam, kinds in by_family.items():
        for i, kind in enumerate(kinds):
            colour = base.get(fam, base["other"])
            out[(fam, kind)] = {
                "color": _shade(colour, _SHADES[i % len(_SHADES)]),
                "shape": NODE_SHAPES[i % len(NODE_SHAPES)],
                "familyColor": colour,
            }
    return out


def node_style(kind: str) -> tuple[str, str]:
    """Return the colour and shape a class has when it is the first (or only) class of its family.

    Examples
    --------
    >>> node_style("MakerSpace")
    ('#e69f00', 'dot')
    """
    fam = family_of(kind)
    style = class_styles([(fam, kind)])[(fam, kind)]
    return style["color"], style["shape"]


def edge_colour(kind: str) -> str:
    """Return a quiet grey-blue for an edge kind, a little different per kind but never louder than nodes.

    Examples
    --------
    >>> edge_colour("incubatedBy") == edge_colour("incubatedBy")
    True
    """
    d = hashlib.sha256(("edge:" + kind).encode("utf-8")).digest()
    return _hex(colorsys.hls_to_rgb(0.55 + (d[0] / 255 - 0.5) * 0.2, 0.62 + (d[1] / 255) * 0.12, 0.12))


def dimmed(colour: str, keep: float = 0.3) -> str:
    """Return a colour faded towards white, for things outside a highlighted chain.

    Examples
    --------
    >>> dimmed("#000000", 0.5)
    '#808080'
    """
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * keep + 255 * (1 - keep)):02x}" for c in rgb)
