"""The import rules of docs/architecture.md, read from the source: layers, one-way imports, RDF kept out of analysis."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ecograph"

# Each top-level part of the package and its layer; a module may import its own layer or lower ones.
LAYERS = {
    "__main__": 3, "cli": 3, "__init__": 3, "api": 3,
    "build": 2, "endpoint": 2, "viz": 2, "ingest": 2, "remote": 2, "synth": 2, "project": 2,
    "sparql": 1, "validation": 1, "network": 1,
    "rdf": 0, "errors": 0, "paths": 0, "utils": 0, "safe_text": 0,
}
# Within a layer, only these parts import each other (a feature that runs another as one of its steps).
SIDEWAYS = {("__main__", "cli"), ("__init__", "api"), ("build", "viz"), ("endpoint", "build"), ("validation", "sparql"), ("sparql", "validation"), ("rdf", "errors"), ("rdf", "paths"), ("rdf", "utils"),
            ("paths", "errors")}
RDF_LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "owlready2")


def _module_name(path: Path) -> str:
    parts = ("ecograph", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, with relative imports resolved."""
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # ``from ecograph import cli``
    return found


MODULES = {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _ecograph_parts(imports: set[str]) -> set[str]:
    # ``from ecograph import __version__`` reads the package's metadata, not its API: allowed anywhere.
    code = {m for m in imports if m.startswith("ecograph.") and m != "ecograph.__version__"}
    return {_part(m) for m in code} & set(LAYERS)


def test_every_part_of_the_package_has_a_layer():
    assert {_part(m) for m in MODULES} <= set(LAYERS), "add the new part to LAYERS and docs/architecture.md"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers(module: str):
    here = _part(module)
    for there in _ecograph_parts(MODULES[module]) - {here}:
        assert LAYERS[there] < LAYERS[here] or (here, there) in SIDEWAYS, f"{module} imports ecograph.{there}"


def test_the_rules_have_examples_that_break_them():
    # The checks above must be able to fail: imports of the CLI, a feature and a higher layer are found.
    assert "cli" in _ecograph_parts({"ecograph.cli"}) and "viz" in _ecograph_parts({"ecograph.viz.page"})
    assert not (LAYERS["viz"] < LAYERS["network"] or ("network", "viz") in SIDEWAYS)


def test_nothing_imports_the_cli():
    users = [m for m, imports in MODULES.items() if "ecograph.cli" in imports and m != "ecograph.__main__"]
    assert users == []


def test_analysis_sees_networkx_not_rdf():
    imports = MODULES["ecograph.network.analysis"]
    assert "networkx" in imports
    assert not {m for m in imports if m.split(".")[0] in RDF_LIBRARIES or m.startswith("ecograph.rdf")}


def test_only_the_projection_turns_rdf_into_networkx():
    both = [
        m for m, imports in MODULES.items()
        if "networkx" in {i.split(".")[0] for i in imports} and {i.split(".")[0] for i in imports} & set(RDF_LIBRARIES)
    ]
    assert both == ["ecograph.network.projection"]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.rsplit(".", 1)[-1].startswith("_")))
def test_public_modules_declare_all_and_every_name_in_it_exists(module: str):
    loaded = importlib.import_module(module)
    names = getattr(loaded, "__all__", None)
    assert names is not None, f"{module} has no __all__"
    assert [n for n in names if not hasattr(loaded, n)] == []
    assert len(names) == len(set(names))


def _documented_names() -> list[str]:
    """Dotted names the README and docs give in backticks, such as ``ecograph.rdf.export.export``."""
    root = PACKAGE.parents[1]
    texts = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    found = {m for t in texts for m in re.findall(r"`(ecograph(?:\.[A-Za-z_]\w*)+)(?:\(\))?`", t.read_text(encoding="utf-8"))}
    # File names (ecograph.ttl, ecograph.html, ecograph.toml...) are not Python names.
    return sorted(n for n in found if n.split(".")[1] not in {"ttl", "nt", "trig", "jsonld", "nq", "html", "graphml", "gexf", "toml"})


@pytest.mark.parametrize("name", _documented_names())
def test_every_name_the_docs_give_is_reachable_there(name: str):
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return
    pytest.fail(f"{name} is not importable")


def test_sparql_and_validation_import_each_other_without_a_module_cycle():
    # sparql.query adds the OWL 2 RL entailments with validation.materialise; that module must not need sparql back.
    # Its one sibling, validation.partition, imports nothing of ecograph.
    core = ("ecograph.rdf", "ecograph.errors", "ecograph.paths", "ecograph.utils", "ecograph.validation.partition")
    assert {m for m in MODULES["ecograph.validation.materialise"] if m.startswith("ecograph.")} <= {
        m for m in MODULES["ecograph.validation.materialise"] if m.startswith(core)
    }
    assert not {m for m in MODULES["ecograph.validation.partition"] if m.startswith("ecograph.")}
