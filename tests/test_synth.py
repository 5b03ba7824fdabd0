"""Tests of the synthetic graph generator: size, reproducibility, the modelling patterns and the known chain counts."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import InputError
from ecograph.synth.generator import SYNTH_ID, generate, write_synth

PREFIXES = """
PREFIX eco: <https://w3id.org/ecograph/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
CARRIERS = "VALUES ?carrierClass { eco:MakerSpace eco:Incubator eco:SpaceNetwork eco:SpaceGroup }"
# One generation step: a company was incubated by a carrier that another company founded.
STEP = "(eco:incubatedBy|eco:graduatedFrom)/schema:founder"


class Synth:
    """A generated file, its sidecar counts and a store holding it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.expected = json.loads(path.with_name(path.name + ".expected.json").read_text())
        self.store = ox.Store()
        self.store.load(path=str(path))

    def count(self, where: str) -> int:
        query = f"{PREFIXES} SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
        rows = list(self.store.query(query, use_default_graph_as_union=True))
        return int(rows[0]["n"].value)

    def ask(self, where: str) -> bool:
        return bool(self.store.query(f"{PREFIXES} ASK {{ {where} }}", use_default_graph_as_union=True))


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    path = tmp_path_factory.mktemp("synth") / "synth-20000.trig"
    write_synth(path, 20_000, seed=7)
    return Synth(path)


def test_same_size_and_seed_give_identical_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.trig", tmp_path / "b.trig", tmp_path / "c.trig"
    write_synth(a, 8_000, seed=5)
    write_synth(b, 8_000, seed=5)
    write_synth(c, 8_000, seed=6)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert Path(f"{a}.expected.json").read_text() == Path(f"{b}.expected.json").read_text()


@pytest.mark.parametrize(("size", "seed"), [(2_500, 0), (10_000, 1), (20_000, 7), (50_000, 2)])
def test_size_is_within_five_per_cent_and_statements_are_distinct(size: int, seed: int) -> None:
    quads = list(generate(size, seed))
    assert abs(len(quads) - size) <= 0.05 * size
    assert len(set(quads)) == len(quads)


def test_sidecar_triples_is_what_the_store_holds(synth: Synth) -> None:
    assert len(synth.store) == synth.expected["triples"]
    assert abs(synth.expected["triples"] - 20_000) <= 1_000


def test_nquads_output_holds_the_same_statements(tmp_path: Path, synth: Synth) -> None:
    nq = tmp_path / "synth.nq"
    write_synth(nq, 20_000, seed=7)
    other = ox.Store()
    other.load(path=str(nq))
    assert set(other) == set(synth.store)


def test_virtuous_circle_companies_match_the_sidecar(synth: Synth) -> None:
    # Graduated from an incubator and founded a carrier: the seed's zbj / iFLYTEK pattern.
    where = f"""SELECT DISTINCT ?company WHERE {{
        ?company eco:graduatedFrom ?incubator . ?incubator a eco:Incubator .
        ?company ^schema:founder ?carrier . ?carrier a ?carrierClass . {CARRIERS} }}"""
    assert synth.count(f"{{ {where} }}") == synth.expected["virtuous_circle"]
    assert synth.expected["virtuous_circle"] > 10


def test_incubation_and_graduation_pairs_match_the_sidecar(synth: Synth) -> None:
    assert synth.count("?company eco:incubatedBy ?carrier") == synth.expected["incubation_pairs"]
    assert synth.count("?company eco:graduatedFrom ?incubator . ?incubator a eco:Incubator") == synth.expected[
        "graduation_pairs"
    ]
    assert synth.count("?c a eco:Enterprise . FILTER EXISTS { ?c eco:incubatedBy|eco:graduatedFrom ?x }") == (
        synth.expected["companies"]
    )


def test_cycles_match_the_sidecar(synth: Synth) -> None:
    # A company incubated by a carrier it (later) founded.
    assert synth.count("?c eco:incubatedBy|eco:graduatedFrom ?s . ?s schema:founder ?c") == synth.expected["cycles"]
    assert synth.expected["cycles"] >= 1


def _lineage(depth: int) -> str:
    """A chain of ``depth`` distinct incubated companies, each descending from the next."""
    steps = " ".join(f"?c{k} {STEP} ?c{k + 1} ." for k in range(1, depth))
    incubated = " ".join(f"?c{k} eco:incubatedBy|eco:graduatedFrom [] ." for k in range(1, depth + 1))
    distinct = " && ".join(f"?c{a} != ?c{b}" for a in range(1, depth + 1) for b in range(a + 1, depth + 1))
    return f"{steps} {incubated} FILTER({distinct or 'true'})"


def test_lineage_depth_max_is_the_longest_chain(synth: Synth) -> None:
    depth = synth.expected["lineage_depth_max"]
    assert depth >= 4
    assert synth.ask(_lineage(depth))
    assert not synth.ask(_lineage(depth + 1))


def test_networks_have_their_branches(synth: Synth) -> None:
    assert synth.count("?n a eco:SpaceNetwork") == synth.expected["networks"]
    assert synth.count("?b a eco:MakerSpace ; org:subOrganizationOf ?n . ?n a eco:SpaceNetwork") == (
        synth.expected["branches"]
    )
    # The branch count is also published as a figure about the network.
    assert synth.count(
        """?n a eco:SpaceNetwork . ?o eco:refSubject ?n ; eco:obsValue ?v .
           { SELECT ?n (COUNT(?b) AS ?v) WHERE { ?b org:subOrganizationOf ?n } GROUP BY ?n }"""
    ) == synth.expected["networks"]


@pytest.mark.parametrize(
    ("cls", "key"),
    [
        ("eco:University", "universities"),
        ("eco:ResearchInstitute", "research_institutes"),
        ("eco:StateOwnedEnterprise", "state_owned_enterprises"),
        ("eco:PrivateEnterprise", "private_enterprises"),
        ("eco:InvestmentAgency", "investment_agencies"),
    ],
)
def test_organisations_of_each_class_carry_their_category(synth: Synth, cls: str, key: str) -> None:
    assert synth.count(f"?o a {cls} ; org:classification ?cat") == synth.expected[key] > 0


def test_forums_and_observations_match_the_sidecar(synth: Synth) -> None:
    assert synth.count("?f a eco:Forum") == synth.expected["forums"] >= 1
    assert synth.count("?e a eco:ForumEdition ; schema:superEvent/a eco:Forum ; eco:theme ?theme ; eco:eventYear ?year") == (
        synth.expected["forum_editions"]
    )
    assert synth.count("?s a eco:ForumSession ; schema:superEvent/a eco:ForumEdition") == synth.expected["forum_sessions"]
    assert synth.count(
        "?o a eco:StatisticalObservation ; qb:dataSet ?d ; eco:unit ?u ; eco:qualifier ?q ; eco:obsValue ?v"
    ) == synth.expected["observations"]
    assert synth.ask("?o eco:growthRate ?r ; eco:growthQualifier ?gq ; eco:growthComparedWith ?y")


def test_every_fact_has_its_evidence(synth: Synth) -> None:
    # Each named graph comes from a section of a document, described in the default graph.
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert synth.count(f"{{ {graphs} }}") == synth.expected["named_graphs"]
    store = synth.store
    orphans = f"""{PREFIXES} SELECT ?g WHERE {{
        GRAPH ?g {{ ?s ?p ?o }}
        FILTER NOT EXISTS {{ ?g prov:wasDerivedFrom ?sec . ?sec a eco:SourceSection ; dcterms:isPartOf ?doc .
                            ?doc a eco:SourceDocument }} }} LIMIT 1"""
    assert list(store.query(orphans)) == []
    # Every typed thing in a named graph cites the section of that graph.
    untraced = f"""{PREFIXES} SELECT ?s WHERE {{
        GRAPH ?g {{ ?s a ?type FILTER NOT EXISTS {{ ?s prov:wasDerivedFrom ?sec }} }} }} LIMIT 1"""
    assert list(store.query(untraced)) == []
    # The default graph only describes sources, graphs and data sets.
    stray = f"""{PREFIXES} SELECT ?s WHERE {{ ?s a ?t FILTER(?t NOT IN (eco:SourceDocument, eco:SourceSection, qb:DataSet)) }} LIMIT 1"""
    assert list(store.query(stray)) == []


def test_labels_in_english_and_chinese_under_the_synth_namespace(synth: Synth) -> None:
    assert synth.ask('?s rdfs:label ?l FILTER(langMatches(lang(?l), "zh"))')
    assert synth.ask('?s rdfs:label ?l FILTER(langMatches(lang(?l), "en"))')
    outside = f"""?s a ?t FILTER(isIRI(?s) && !STRSTARTS(STR(?s), "{SYNTH_ID}")
                 && !STRSTARTS(STR(?s), "https://w3id.org/ecograph/concept/"))"""
    assert not synth.ask(outside)


def test_generated_graph_conforms_to_the_shapes(tmp_path: Path) -> None:
    try:
        validate = importlib.import_module("ecograph.validation.validate")
    except ImportError as e:
        pytest.skip(f"ecograph.validation.validate is not importable yet ({e}); shapes cannot be checked")
    path = tmp_path / "synth-3000.trig"
    write_synth(path, 3_000, seed=1)
    result = validate.validate_files([path])
    assert result.conforms, result.text


def test_cli_writes_the_file_and_the_sidecar(tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    result = CliRunner().invoke(app, ["synth", "--triples", "3000", "--seed", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == json.loads(Path(f"{out}.expected.json").read_text())["triples"]
    assert "statements" in result.output


def test_cli_refuses_an_unknown_extension_without_writing(tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    result = CliRunner().invoke(app, ["synth", "--triples", "3000", "--out", str(out)])
    assert result.exit_code == 2
    assert "use .trig or .nq" in result.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError):
        write_synth(out, 100)
