"""Data and helpers that several test modules share (not a test module: tests import it, never each other)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox

__all__ = [
    "FIXTURES",
    "REPO",
    "SHIPPED",
    "SHAPES_DIR",
    "SHAPE_CONTEXT",
    "EXAMPLE_GRAPH",
    "example_store",
    "tree_bytes",
    "ECOD",
    "ECO",
    "SECTION",
    "VIRTUOUS",
    "VIRTUOUS_MEMBERS",
    "PAYLOADS",
    "hostile_graph",
]

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "src" / "ecograph" / "data"
SHAPES_DIR = Path(__file__).parent / "shapes"
SHAPE_CONTEXT = SHAPES_DIR / "context.trig"
EXAMPLE_GRAPH = ox.NamedNode("https://w3id.org/ecograph/graph/example")


def example_store(example: Path) -> ox.Store:
    """The shared shape-example context plus one example, its triples in the named graph ecog:example."""
    store = ox.Store()
    store.load(path=SHAPE_CONTEXT, format=ox.RdfFormat.TRIG)
    fmt = ox.RdfFormat.TRIG if example.suffix == ".trig" else ox.RdfFormat.TURTLE
    store.load(path=example, format=fmt, to_graph=None if fmt == ox.RdfFormat.TRIG else EXAMPLE_GRAPH)
    return store


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Map every file below root (relative POSIX path) to its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# The analysts' page: the seed's virtuous circle, and text that tries to become markup.
ECOD = "https://w3id.org/ecograph/id/"
ECO = "https://w3id.org/ecograph/ontology#"
SECTION = ECOD + "source-test-s1"
VIRTUOUS = {ECOD + s for s in ("zbj", "iflytek", "daan-gene", "enjoyor")}
VIRTUOUS_MEMBERS = VIRTUOUS | {
    ECOD + s
    for s in (
        "zbj-spaces",
        "particle-space",
        "daan-gene-spaces",
        "enjoyor-spaces",
        "unnamed-incubator-of-zbj",
        "unnamed-incubator-of-iflytek",
        "unnamed-incubator-of-daan-gene",
        "unnamed-incubator-of-enjoyor",
    )
}
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    '<a href="javascript:window.__pwned=1">click</a>',
    "\"'quotes'\" and the word href",
    "\u202eevil\u202c right-to-left",
    "中国 </script><!--",
    "line\u2028separator",
)


def hostile_graph() -> nx.MultiDiGraph:
    """A graph whose every text is an injection attempt; each payload sets window.__pwned."""
    g = nx.MultiDiGraph(sections={SECTION: {"title": PAYLOADS[1], "document": ECOD + "doc"}})
    for i, text in enumerate(PAYLOADS):
        g.add_node(
            f"{ECOD}hostile-{i}",
            label=text,
            label_zh="中国" + text,
            kind=PAYLOADS[i % 3],
            classes=[ECO + "Enterprise"],
            unnamed=False,
            sources=[SECTION],
            figures=[
                {
                    "indicator": text,
                    "value": i,
                    "unit": PAYLOADS[0],
                    "qualifier": PAYLOADS[2],
                    "year": 2017,
                    "growth": None,
                    "growth_qualifier": None,
                    "source": SECTION,
                }
            ],
        )
    for i in range(len(PAYLOADS) - 1):
        g.add_edge(f"{ECOD}hostile-{i}", f"{ECOD}hostile-{i + 1}", predicate=ECO + "x", kind=PAYLOADS[3], sources=[])
    return g
