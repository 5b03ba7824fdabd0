"""Render a scene into one self-contained HTML page (vis-network inlined) and write it safely."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from ecograph.errors import EcographError
from ecograph.utils import atomic_write
from ecograph.viz.payload import split_payload
from ecograph.viz.scene import DEFAULT_MAX_NODES, Scene, build_scene

__all__ = [
    "DEFAULT_RENDERER",
    "RENDERERS",
    "VIRTUOUS_CIRCLE",
    "PageReport",
    "build_page",
    "render_page",
    "write_page",
    "safe_json",
    "split_payload",
    "vendored_js",
    "vis_network_js",
]

RENDERERS = ("sigma", "vis")
DEFAULT_RENDERER = "sigma"
"""WebGL (sigma.js + graphology): the one that draws 10^5 nodes; ``vis`` is vis-network on a canvas."""

VIRTUOUS_CIRCLE = "virtuous-circle"
"""The chain every page highlights: graduates of an incubator that founded spaces themselves."""

_JSON_ESCAPES: dict[str, str | int | None] = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# Bidirectional controls (U+202E and kin) reorder the text after them, so a label could pose as
# another text in the panel, a chart or a canvas label; the page shows each as its visible code.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_JSON_ESCAPES.update({c: f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS})


@dataclass
class PageReport:
    """What ``write_page`` wrote.

    Attributes
    ----------
    path : Path
        The HTML file.
    size : int
        Its size in bytes.
    nodes, edges : int
        Nodes and edges in the page (when aggregated it opens on communities and draws these on drill-down).
    graph_nodes, graph_edges : int
        Nodes and edges of the graph (or neighbourhood) that was drawn.
    aggregated : bool
        Whether the page opens on one node per community.
    size_measure : str
        What node sizes show.
    chains : dict
        Highlighted chain name to its number of member nodes.
    screenshot : Path or None
        The PNG taken of the page, when asked for.
    renderer : str
        ``"sigma"`` or ``"vis"``.
    communities : int
        Communities the aggregated page opens on (0 when not aggregated).
    layout_seconds : float
        Time the layout took (ForceAtlas2 and overlap removal; the communities too when aggregated).
    """

    path: Path
    size: int
    nodes: int
    edges: int
    graph_nodes: int
    graph_edges: int
    aggregated: bool
    size_measure: str
    chains: dict[str, int] = field(default_factory=dict)
    screenshot: Path | None = None
    renderer: str = DEFAULT_RENDERER
    communities: int = 0
    layout_seconds: float = 0.0


def safe_json(data: Any) -> str:
    """Serialise data as JSON that can sit inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as
    ``\\uXXXX`` escapes, so no string in the data can close the element or open a comment.
    Bidirectional controls (``BIDI_CONTROLS``) become their visible code, ``[U+202E]``, so no
    text shown from the data can reverse itself or what follows it.

    Parameters
    ----------
    data : object
        JSON-serialisable data.

    Returns
    -------
    str
        The JSON text.

    Examples
    --------
    >>> safe_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> safe_json(["\\u202eexe.pdf"])
    '["[U+202E]exe.pdf"]'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(str.maketrans(_JSON_ESCAPES))


def vis_network_js() -> str:
    """Return vis-network's standalone script as bundled with pyvis.

    Returns
    -------
    str
        The minified script.

    Raises
    ------
    EcographError
        When pyvis or its copy of vis-network is missing.
    """
    try:
        import pyvis
    except ImportError as e:
        raise EcographError("the page needs pyvis (pip install pyvis)") from e
    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    found = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: [int(x) for x in p.parent.name[4:].split(".")])
    if not found:
        raise EcographError(f"pyvis has no vis-network.min.js under {lib}")
    return found[-1].read_text(encoding="utf-8")


VENDORED = {
    "sigma": "sigma/dist/sigma.min.js",
    "graphology": "graphology/dist/graphology.umd.min.js",
    "echarts": "echarts/dist/echarts.common.min.js",
}
"""Front-end libraries vendored from npm by ``scripts/vendor-page-libs.sh`` (pinned, hash-checked)."""


def vendored_js(name: str) -> str | None:
    """Return a vendored library's script, or None when ``scripts/setup.sh`` has not fetched it.

    Parameters
    ----------
    name : str
        ``"sigma"``, ``"graphology"`` or ``"echarts"``.

    Returns
    -------
    str or None
    """
    path = Path(__file__).resolve().parents[1] / "vendor" / "node" / VENDORED[name]
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _template(name: str) -> str:
    return resources.files("ecograph.viz").joinpath("templates", name).read_text(encoding="utf-8")


def _inline_script(code: str, what: str) -> str:
    lowered = code.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise EcographError(f"{what} cannot be inlined: it contains </script or <!--")
    return code


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def _scripts(renderer: str) -> list[tuple[str, str]]:
    """The page's scripts in load order: libraries, then the page's own (named for error messages)."""
    if renderer == "sigma":
        missing = [n for n in ("graphology", "sigma") if vendored_js(n) is None]
        if missing:
            raise EcographError(
                f"--renderer sigma needs {' and '.join(missing)}, vendored by scripts/setup.sh "
                "(scripts/vendor-page-libs.sh, needs npm); or use --renderer vis"
            )
        libs = [("graphology", vendored_js("graphology") or ""), ("sigma", vendored_js("sigma") or "")]
    else:
        libs = [("vis-network", vis_network_js())]
    charts = vendored_js("echarts")
    if charts is not None:
        libs.append(("echarts", charts))
    own = [(name, _template(name)) for name in (f"renderer-{renderer}.js", "figures-view.js", "analysts-page.js")]
    return [(name, _inline_script(code, name)) for name, code in libs + own]


def render_page(scene: Scene, *, title: str = "ecograph", renderer: str = DEFAULT_RENDERER) -> str:
    """Return the HTML page of a scene.

    Parameters
    ----------
    scene : Scene
        What to draw (see :func:`ecograph.viz.build_scene`).
    title : str
        The page title.
    renderer : str
        ``"sigma"`` (WebGL, sigma.js + graphology) or ``"vis"`` (vis-network, canvas).

    Returns
    -------
    str
        A complete HTML document that loads nothing from anywhere.
    """
    from jinja2 import Environment

    from ecograph import __version__

    if renderer not in RENDERERS:
        raise EcographError(f"--renderer must be one of {', '.join(RENDERERS)}, not {renderer!r}")
    scripts = _scripts(renderer)
    payload = scene.payload()
    payload["meta"] = {**scene.meta, "title": title, "renderer": renderer, "charts": vendored_js("echarts") is not None}
    view, details = split_payload(payload)
    # Only these scripts may run; anything injected would be refused by the browser.
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_sha256(code) for _, code in scripts)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_template("analysts-page.html.j2")).render(
        title=title,
        version=__version__,
        csp=csp,
        css=_template("analysts-page.css"),
        payload=safe_json(view),
        details=safe_json(details),
        scripts=[code for _, code in scripts],
    )


def build_page(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    chains: dict[str, list] | None = None,
    centrality: dict[Any, float] | None = None,
    measure: str = "PageRank",
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str = "ecograph",
    renderer: str = DEFAULT_RENDERER,
    highlight: list[str] | None = None,
) -> tuple[str, Scene]:
    """Return the page of a networkx graph and the scene it draws.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection of the graph (see :func:`ecograph.network.projection.project`).
    focus, hops, chains, highlight, centrality, measure, max_nodes
        As for :func:`ecograph.viz.build_scene`.
    title : str
        The page title.
    renderer : str
        ``"sigma"`` (default) or ``"vis"``.

    Returns
    -------
    tuple
        ``(html, scene)``.
    """
    scene = build_scene(
        graph,
        focus=focus,
        hops=hops,
        chains=chains,
        highlight=highlight,
        centrality=centrality,
        measure=measure,
        max_nodes=max_nodes,
    )
    return render_page(scene, title=title, renderer=renderer), scene


def _load_projection() -> nx.MultiDiGraph:
    from ecograph.network.projection import load_projection

    return load_projection()


def _chains(graph: nx.MultiDiGraph, wanted: list[str]) -> dict[str, list]:
    """Instances of every declared chain, the wanted ones first; an unknown name is the chains module's error."""
    from ecograph.network.chains import find_chains, load_chains

    declared = load_chains()
    for name in wanted:
        if name not in declared:
            find_chains(graph, name, chains=declared)  # raises the error that lists the known chains
    found = find_chains(graph, chains=declared)
    return {name: found[name] for name in [*wanted, *(n for n in declared if n not in wanted)]}


def _pagerank(graph: nx.MultiDiGraph) -> dict[Any, float]:
    """PageRank of the actors: node sizes and which labels come first."""
    from ecograph.network.analysis import pagerank

    return pagerank(graph)


def write_page(
    out: Path | None = None,
    *,
    focus: str | None = None,
    hops: int = 1,
    chain: list[str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    graph: nx.MultiDiGraph | None = None,
    screenshot: Path | None = None,
    renderer: str = DEFAULT_RENDERER,
) -> PageReport:
    """Draw the project's graph (or ``graph``) into one HTML file.

    Parameters
    ----------
    out : Path, optional
        The HTML file; ``build/ecograph.html`` of the project by default.
    focus : str, optional
        Draw only the neighbourhood of this node (IRI or label).
    hops : int
        Radius of the neighbourhood.
    chain : list of str, optional
        Chains to highlight besides the virtuous circle.
    max_nodes : int
        Above this many nodes, open on one node per community (:func:`ecograph.network.analysis.communities`).
    graph : networkx.MultiDiGraph, optional
        Draw this projection instead of loading the project's data.
    screenshot : Path, optional
        Also open the page in headless Chromium and save a PNG here.
    renderer : str
        ``"sigma"`` (WebGL, default) or ``"vis"`` (vis-network).

    Returns
    -------
    PageReport
        What was written.
    """
    from ecograph.paths import build_dir

    out = Path(out) if out is not None else build_dir() / "ecograph.html"
    if graph is None:
        graph = _load_projection()
    wanted = [VIRTUOUS_CIRCLE] + [c for c in chain or () if c != VIRTUOUS_CIRCLE]
    chains = _chains(graph, wanted)
    centrality = _pagerank(graph)
    html, scene = build_page(
        graph,
        focus=focus,
        hops=hops,
        chains=chains,
        highlight=wanted,
        centrality=centrality,
        measure="PageRank",
        max_nodes=max_nodes,
        title="ecograph" if focus is None else f"ecograph: {focus}",
        renderer=renderer,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, html.encode("utf-8"))
    shot = None
    if screenshot is not None:
        from ecograph.viz.browser import screenshot_page

        shot = screenshot_page(out, Path(screenshot))
    return PageReport(
        path=out,
        size=out.stat().st_size,
        nodes=scene.node_count,
        edges=scene.edge_count,
        graph_nodes=scene.meta["graphNodes"],
        graph_edges=scene.meta["graphEdges"],
        aggregated=scene.meta["aggregated"],
        size_measure=scene.meta["sizeMeasure"],
        chains={c["name"]: len(c["members"]) for c in scene.chains if c["highlight"]},
        screenshot=shot,
        renderer=renderer,
        communities=len(scene.communities.get("groups", ())),
        layout_seconds=scene.timings.get("layout", 0.0),
    )
