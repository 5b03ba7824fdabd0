"""ecograph: an open RDF knowledge graph with its ontology and build tooling."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("ecograph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
