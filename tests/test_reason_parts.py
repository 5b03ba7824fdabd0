"""Reasoning in parts: the OWL 2 RL engine on parts of the data infers exactly what it infers on the whole."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import ecograph.validation.materialise as materialise_module
from ecograph.cli import app
from ecograph.rdf.loading import load_dataset, load_ontology
from ecograph.synth.generator import write_synth
from ecograph.validation.materialise import materialise, part_count
from ecograph.validation.partition import joining_predicates, write_parts

ECO = "https://w3id.org/ecograph/ontology#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def synthetic() -> tuple[ox.Store, dict[str, int]]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synth.trig"
        counts = write_synth(path, 20_000, seed=11).counts
        data = ox.Store()
        data.load(path=path, format=ox.RdfFormat.TRIG)
    data.extend(load_dataset())
    return data, counts


def test_the_ontologys_joining_properties_are_those_of_its_restrictions_and_their_inverses() -> None:
    found = {p.value for p in joining_predicates(load_ontology())}
    # someValuesFrom restrictions name these; schema:founder is eco:founded's inverse.
    assert {ECO + "founded", ECO + "graduatedFrom", ECO + "incubatedBy", SCHEMA + "founder"} <= found
    # Labels and evidence links only ever fire one-premise rules (or none): they never tie parts together.
    assert not found & {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/ns/prov#wasDerivedFrom"}


def test_parts_infer_exactly_what_the_whole_infers(synthetic: tuple[ox.Store, dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    data, counts = synthetic
    whole = materialise(data, load_ontology())
    assert whole.parts == 1
    monkeypatch.setattr(materialise_module, "PART_STATEMENTS", 3_000)
    assert part_count(data, load_ontology()) == -(-len(data) // 3_000) > 5
    split = materialise(data, load_ontology())
    assert split.parts > 5
    assert sorted(map(str, split.inferred)) == sorted(map(str, whole.inferred))
    circle = split.members(ECO + "VirtuousCircleCompany")
    assert len(circle) == counts["virtuous_circle"] + 4  # the seed's four: zbj, iflytek, daan-gene, enjoyor


def test_nodes_a_joining_property_links_share_a_part_and_a_range_reaches_both_ends(tmp_path: Path) -> None:
    def n(name: str) -> ox.NamedNode:
        return ox.NamedNode(f"urn:{name}")

    data = ox.Store()
    data.extend(
        ox.Quad(s, p, o, ox.NamedNode("urn:g"))
        for s, p, o in [
            # a lineage: c1 graduated from i1, founded by c0 ... one component
            (n("c1"), n("graduatedFrom"), n("i1")),
            (n("c0"), n("founded"), n("i1")),
            (n("i1"), ox.NamedNode(RDF_TYPE), n("Incubator")),
            # a one-premise property between two otherwise unrelated nodes
            *((n(f"x{k}"), n("locatedIn"), n(f"y{k}")) for k in range(40)),
        ]
    )
    paths = [tmp_path / f"part-{i}.nt" for i in range(4)]
    written = write_parts(data, [n("graduatedFrom"), n("founded"), n("locatedIn"), ox.NamedNode(RDF_TYPE)],
                          {n("graduatedFrom"), n("founded")}, b"", paths)
    parts = [{q.triple for q in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)} for path in paths]
    lineage = {t for t in data if t.subject.value in ("urn:c0", "urn:c1", "urn:i1")}
    holding = [i for i, part in enumerate(parts) if {q.triple for q in lineage} & part]
    assert len(holding) == 1 and {q.triple for q in lineage} <= parts[holding[0]]
    for k in range(40):
        triple = ox.Triple(n(f"x{k}"), n("locatedIn"), n(f"y{k}"))
        assert sum(triple in part for part in parts) in (1, 2)
    # 40 statements whose two ends fall in different parts are written twice: a quarter stays single.
    assert 3 + 40 < sum(written) <= 3 + 80
    assert sum(1 for part in parts for t in part if t.predicate == n("locatedIn")) == sum(written) - 3


def test_a_node_many_statements_point_to_gets_one_of_them_per_predicate(tmp_path: Path) -> None:
    hub, sector = ox.NamedNode("urn:country"), ox.NamedNode("urn:inSector")
    located = ox.NamedNode("urn:locatedIn")
    data = ox.Store()
    data.extend(ox.Quad(ox.NamedNode(f"urn:org{k}"), p, hub, ox.NamedNode("urn:g")) for k in range(200) for p in (located, sector))
    paths = [tmp_path / f"part-{i}.nt" for i in range(4)]
    written = write_parts(data, [located, sector], set(), b"", paths)
    # Every statement in its subject's part, and at most one per predicate more (in the hub's part).
    assert 400 <= sum(written) <= 402


def test_cli_reason_says_how_many_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(materialise_module, "PART_STATEMENTS", 500)
    result = CliRunner().invoke(app, ["reason"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "parts)" in result.output and "eco:VirtuousCircleCompany" in result.output


def test_the_engine_peak_is_the_childs_own_not_the_parents() -> None:
    # A forked child's ru_maxrss starts at its parent's size: with 600 MB held here, the seed's
    # engine child (about 100 MB) must still be reported as itself.
    ballast = b"x" * 600_000_000
    result = materialise(load_dataset(), load_ontology())
    assert ballast[-1:] == b"x"
    assert 20 < result.peak_mb < 400, result.peak_mb
