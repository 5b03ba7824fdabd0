"""Stable colours and shapes for node classes and edge kinds, derived from a hash of the name."""

from __future__ import annotations

import colorsys
import hashlib

__all__ = ["NODE_SHAPES", "node_style", "edge_colour", "dimmed"]

# Shapes whose label is drawn below the shape, so every size looks alike.
NODE_SHAPES = ("dot", "diamond", "square", "triangle", "triangleDown", "star", "hexagon")


def _digest(name: str) -> bytes:
    return hashlib.sha256(name.encode("utf-8")).digest()


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def node_style(kind: str) -> tuple[str, str]:
    """Return the colour and shape of a node class.

    The style depends on the name alone, not on which other classes are drawn
    or in which order, so a class looks the same in every build.

    Parameters
    ----------
    kind : str
        The class name shown in the legend.

    Returns
    -------
    tuple of str
        ``(colour, shape)``: a ``#rrggbb`` colour and a vis-network shape.

    Examples
    --------
    >>> node_style("Enterprise") == node_style("Enterprise")
    True
    >>> node_style("Enterprise")[1] in NODE_SHAPES
    True
    """
    d = _digest(kind)
    hue = int.from_bytes(d[:2], "big") / 65536
    lightness = (0.38, 0.48, 0.58)[d[2] % 3]
    return _hex(hue, lightness, 0.62), NODE_SHAPES[d[3] % len(NODE_SHAPES)]


def edge_colour(kind: str) -> str:
    """Return the colour of an edge kind, a darker tone than node colours.

    Parameters
    ----------
    kind : str
        The edge kind shown in the legend.

    Returns
    -------
    str
        A ``#rrggbb`` colour.

    Examples
    --------
    >>> edge_colour("incubatedBy").startswith("#")
    True
    """
    d = _digest("edge:" + kind)
    return _hex(int.from_bytes(d[:2], "big") / 65536, 0.35, 0.45)


def dimmed(colour: str, keep: float = 0.3) -> str:
    """Return a colour faded towards white, for things outside a highlighted chain.

    Parameters
    ----------
    colour : str
        A ``#rrggbb`` colour.
    keep : float
        How much of the colour is kept (0 white, 1 unchanged).

    Returns
    -------
    str
        The faded ``#rrggbb`` colour.

    Examples
    --------
    >>> dimmed("#000000", 0.5)
    '#808080'
    """
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * keep + 255 * (1 - keep)):02x}" for c in rgb)
