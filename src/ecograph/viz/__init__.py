"""The analysts' page: one self-contained HTML file that draws the graph with vis-network."""

from ecograph.viz.page import PageReport, build_page, render_page, write_page
from ecograph.viz.scene import DEFAULT_MAX_NODES, Scene, build_scene

__all__ = [
    "DEFAULT_MAX_NODES",
    "PageReport",
    "Scene",
    "build_page",
    "build_scene",
    "render_page",
    "write_page",
]
