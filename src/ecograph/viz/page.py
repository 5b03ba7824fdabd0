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
from ecograph.viz.scene import DEFAULT_MAX_NODES, Scene, build_scene

__all__ = ["VIRTUOUS_CIRCLE", "PageReport", "build_page", "render_page", "write_page", "safe_json", "vis_network_js"]

VIRTUOUS_CIRCLE = "virtuous-circle"
"""The chain every page highlights: graduates of an incubator that founded spaces themselves."""

_JSON_ESCAPES: dict[str, str | int | None] = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


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
        Drawn nodes and edges (super-nodes when aggregated).
    graph_nodes, graph_edges : int
        Nodes and edges of the graph (or neighbourhood) that was drawn.
    aggregated : bool
        Whether the page shows one node per class.
    size_measure : str
        What node sizes show.
    chains : dict
        Highlighted chain name to its number of member nodes.
    screenshot : Path or None
        The PNG taken of the page, when asked for.
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


def safe_json(data: Any) -> str:
    """Serialise data as JSON that can sit inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as
    ``\\uXXXX`` escapes, so no string in the data can close the element or open a comment.

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


def _template(name: str) -> str:
    return resources.files("ecograph.viz").joinpath("templates", name).read_text(encoding="utf-8")


def _inline_script(code: str, what: str) -> str:
    lowered = code.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise EcographError(f"{what} cannot be inlined: it contains </script or <!--")
    return code


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def _network(scene: Scene) -> tuple[list, list, str]:
    """Fill a pyvis Network in one go and return its nodes, edges and vis options."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    # pyvis's add_node scans a list per call (quadratic); set the collected items at once.
    net.nodes = scene.nodes
    net.edges = scene.edges
    net.node_ids = [n["id"] for n in scene.nodes]
    net.node_map = {n["id"]: n for n in scene.nodes}
    net.toggle_physics(False)
    nodes, edges, _, _, _, options_json = net.get_network_data()
    options = json.loads(options_json)
    options.pop("configure", None)
    options["edges"] = {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "smooth": False,
        "font": {"size": 10, "align": "middle"},
    }
    options["nodes"] = {"font": {"size": 12, "face": "system-ui, sans-serif"}}
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": len(edges) > 3000}
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    options["physics"] = {"enabled": False}
    return nodes, edges, safe_json(options)


def render_page(scene: Scene, *, title: str = "ecograph") -> str:
    """Return the HTML page of a scene.

    Parameters
    ----------
    scene : Scene
        What to draw (see :func:`ecograph.viz.build_scene`).
    title : str
        The page title.

    Returns
    -------
    str
        A complete HTML document that loads nothing from anywhere.
    """
    from jinja2 import Environment

    from ecograph import __version__

    nodes, edges, options = _network(scene)
    payload = scene.payload()
    payload["nodes"], payload["edges"] = nodes, edges
    payload["meta"] = {**scene.meta, "title": title}
    vis_js = _inline_script(vis_network_js(), "vis-network")
    page_js = _inline_script(_template("analysts-page.js"), "analysts-page.js")
    # Only these two scripts may run; anything injected would be refused by the browser.
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis_js)} {_sha256(page_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_template("analysts-page.html.j2")).render(
        title=title,
        version=__version__,
        csp=csp,
        css=_template("analysts-page.css"),
        payload=safe_json(payload),
        options=options,
        vis_js=vis_js,
        page_js=page_js,
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
) -> tuple[str, Scene]:
    """Return the page of a networkx graph and the scene it draws.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection of the graph (see :func:`ecograph.network.projection.project`).
    focus, hops, chains, centrality, measure, max_nodes
        As for :func:`ecograph.viz.build_scene`.
    title : str
        The page title.

    Returns
    -------
    tuple
        ``(html, scene)``.
    """
    scene = build_scene(
        graph, focus=focus, hops=hops, chains=chains, centrality=centrality, measure=measure, max_nodes=max_nodes
    )
    return render_page(scene, title=title), scene


def _load_projection() -> nx.MultiDiGraph:
    from ecograph.network.projection import load_projection

    return load_projection()


def _chains(graph: nx.MultiDiGraph, wanted: list[str]) -> dict[str, list]:
    """Instances of each wanted chain; an unknown name is the chains module's error."""
    from ecograph.network.chains import find_chains, load_chains

    declared = load_chains()
    found: dict[str, list] = {}
    for name in wanted:
        found.update(find_chains(graph, name, chains=declared))
    return found


def _pagerank(graph: nx.MultiDiGraph, max_nodes: int) -> dict[Any, float] | None:
    """PageRank of the actors when the graph is drawn node by node (an aggregated page sizes by count)."""
    if graph.number_of_nodes() > max_nodes:
        return None
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
        Above this many nodes, draw one super-node per class.
    graph : networkx.MultiDiGraph, optional
        Draw this projection instead of loading the project's data.
    screenshot : Path, optional
        Also open the page in headless Chromium and save a PNG here.

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
    centrality = _pagerank(graph, max_nodes)
    html, scene = build_page(
        graph,
        focus=focus,
        hops=hops,
        chains=chains,
        centrality=centrality,
        measure="PageRank" if centrality is not None else "degree",
        max_nodes=max_nodes,
        title="ecograph" if focus is None else f"ecograph: {focus}",
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
        nodes=len(scene.nodes),
        edges=len(scene.edges),
        graph_nodes=scene.meta["graphNodes"],
        graph_edges=scene.meta["graphEdges"],
        aggregated=scene.meta["aggregated"],
        size_measure=scene.meta["sizeMeasure"],
        chains={c["name"]: len(c["members"]) for c in scene.chains},
        screenshot=shot,
    )
