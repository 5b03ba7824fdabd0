"""Tests of the declared chains: members checked against the seed source, SPARQL twins, cycles, the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError, InputError
from ecograph.network.chains import find_chains, load_chains
from ecograph.network.projection import project
from ecograph.rdf.loading import load_dataset, load_ontology
from ecograph.synth.generator import generate
from support import SHIPPED

ECOD = "https://w3id.org/ecograph/id/"
ECO = "https://w3id.org/ecograph/ontology#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
S5_TITLE = "Graduated companies build up spaces and a virtuous circle is formed"
S7 = ECOD + "source-latest-progress-s7"
CHAIN_NAMES = ["virtuous-circle", "incubation-lineage", "networked-brands", "governance", "organisation-type-spaces"]


def slug(iri: str) -> str:
    return iri.removeprefix(ECOD)


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    return load_ontology()


@pytest.fixture(scope="module")
def seed_store() -> ox.Store:
    return load_dataset()


@pytest.fixture(scope="module")
def seed_chains(seed_store: ox.Store, ontology: ox.Store) -> dict[str, list[dict]]:
    return find_chains(project(seed_store, ontology=ontology))


@pytest.fixture(scope="module")
def synth_store() -> tuple[ox.Store, Counter]:
    counts: Counter = Counter()
    store = ox.Store()
    store.bulk_extend(generate(30_000, seed=5, counts=counts))
    return store, counts


def sparql_instances(store: ox.Store, name: str) -> set[tuple[str, ...]]:
    """Run queries/chain-NAME.rq; rows as tuples of its non-label columns."""
    solutions = store.query((SHIPPED / "queries" / f"chain-{name}.rq").read_text(encoding="utf-8"), use_default_graph_as_union=True)
    columns = [v.value for v in solutions.variables if not v.value.endswith("Label")]
    return {tuple(row[c].value for c in columns) for row in solutions}


def networkx_instances(instances: list[dict], name: str) -> set[tuple[str, ...]]:
    """Member tuples for fixed-length chains, (start, end) for chains with repetition."""
    if load_chains()[name].fixed_length:
        return {tuple(i["members"]) for i in instances}
    return {(i["start"], i["end"]) for i in instances}


# ------------------------------------------------------------------ seed members


def test_virtuous_circle_is_exactly_the_four_graduates(seed_chains: dict[str, list[dict]]) -> None:
    instances = seed_chains["virtuous-circle"]
    assert {slug(i["members"][1]) for i in instances} == {"zbj", "iflytek", "daan-gene", "enjoyor"}
    founded = {slug(i["members"][1]): slug(i["end"]) for i in instances}
    assert founded["zbj"] == "zbj-spaces"
    assert founded["iflytek"] == "particle-space"
    for inst in instances:
        assert slug(inst["start"]) == f"unnamed-incubator-of-{slug(inst['members'][1])}"
        for step in inst["steps"]:
            assert step["sources"] == [{"section": ECOD + "source-latest-progress-s5", "title": S5_TITLE}]


def test_virtuous_circle_steps_read_as_stated(seed_chains: dict[str, list[dict]]) -> None:
    iflytek = next(i for i in seed_chains["virtuous-circle"] if slug(i["members"][1]) == "iflytek")
    assert [(slug(s["from"]), s["edge"], slug(s["to"])) for s in iflytek["steps"]] == [
        ("iflytek", "graduatedFrom", "unnamed-incubator-of-iflytek"),
        ("particle-space", "founder", "iflytek"),
    ]
    assert iflytek["labels"][ECOD + "particle-space"] == "Particle Space"


def test_incubation_pairs_and_the_seven_cultivated_companies(seed_chains: dict[str, list[dict]]) -> None:
    pairs = {(slug(i["start"]), slug(i["end"])) for i in seed_chains["incubation-lineage"]}
    assert ("sudatiangong-makers-space", "huibo") in pairs
    assert ("suhehui", "flowerplus") in pairs
    cultivated = {end for start, end in pairs if start == "spaces-that-cultivated-section-7-companies"}
    assert cultivated == {"liulishuo", "qichacha", "vipmro", "autocloudpro", "eleme", "no1-food-delivery", "zib"}
    huibo = next(i for i in seed_chains["incubation-lineage"] if slug(i["end"]) == "huibo")
    assert huibo["steps"][0]["sources"][0]["section"] == S7
    # The seed has no second generation: every lineage is one incubation step.
    assert {len(i["steps"]) for i in seed_chains["incubation-lineage"]} == {1}


def test_networked_brands_with_their_reach(seed_chains: dict[str, list[dict]]) -> None:
    instances = seed_chains["networked-brands"]
    assert {slug(i["start"]) for i in instances} == {"ucommune", "tusstar"}
    reach = {slug(i["start"]): {(f["indicator"].rsplit("indicator-", 1)[1], f["value"]) for f in i["figures"]} for i in instances}
    assert {("spaces-operated", 100), ("cities-covered", 30), ("countries-covered", 6), ("enterprises-served", 4000)} <= reach["ucommune"]
    assert reach["tusstar"] == {("spaces-operated", 57), ("spaces-operated", 8)}
    for inst in instances:
        assert all(f["sources"][0]["section"] == ECOD + "source-latest-progress-s4" for f in inst["figures"])


def test_governance_reaches_report_and_every_edition(seed_chains: dict[str, list[dict]]) -> None:
    by_start: dict[str, set[str]] = {}
    for inst in seed_chains["governance"]:
        by_start.setdefault(slug(inst["start"]), set()).add(slug(inst["end"]))
    assert {"torch-center", "report-2018-entrepreneurship-incubation", "pujiang-innovation-forum"} <= by_start["most"]
    editions = {f"pujiang-innovation-forum-{y}" for y in range(2008, 2019)}
    assert editions <= by_start["most"]
    assert editions <= by_start["shanghai-municipal-peoples-government"]
    report = next(i for i in seed_chains["governance"] if slug(i["end"]) == "report-2018-entrepreneurship-incubation")
    assert [s["edge"] for s in report["steps"]] == ["subOrganizationOf", "publisher"]


def test_organisation_types_that_opened_spaces(seed_chains: dict[str, list[dict]]) -> None:
    by_category: dict[str, set[str]] = {}
    for inst in seed_chains["organisation-type-spaces"]:
        category, organisation, _ = inst["members"]
        by_category.setdefault(category.rsplit("category-", 1)[1], set()).add(slug(organisation))
    assert by_category == {
        "state-owned-enterprise": {"haier-group", "avic", "changhong-group", "inspur"},
        "private-enterprise": {"tencent", "alibaba", "jd-com"},
        "university": {"peking-university", "sun-yat-sen-university"},
        "research-institute": {"simit"},
    }


# ------------------------------------------------------------------ SPARQL twins


@pytest.mark.parametrize("name", CHAIN_NAMES)
def test_sparql_twin_agrees_on_seed(name: str, seed_store: ox.Store, seed_chains: dict[str, list[dict]]) -> None:
    mine = networkx_instances(seed_chains[name], name)
    assert mine, f"{name} finds nothing in the seed"
    assert sparql_instances(seed_store, name) == mine


@pytest.mark.parametrize("name", CHAIN_NAMES)
def test_sparql_twin_agrees_on_synthetic_graph(name: str, synth_store: tuple[ox.Store, Counter], ontology: ox.Store) -> None:
    store, _ = synth_store
    found = find_chains(project(store, ontology=ontology), name)[name]
    assert sparql_instances(store, name) == networkx_instances(found, name)


def test_synthetic_chain_counts_match_the_generator(synth_store: tuple[ox.Store, Counter], ontology: ox.Store) -> None:
    store, counts = synth_store
    found = find_chains(project(store, ontology=ontology))
    assert len({i["members"][1] for i in found["virtuous-circle"]}) == counts["virtuous_circle"]
    lineage = found["incubation-lineage"]
    one_generation = [i for i in lineage if len(i["steps"]) == 1]
    assert len(one_generation) == counts["incubation_pairs"] + counts["graduation_pairs"]
    generations = max((len(i["steps"]) + 1) // 2 for i in lineage)
    assert generations == counts["lineage_depth_max"]
    brands = found["networked-brands"]
    assert len({i["start"] for i in brands}) == counts["networks"]
    assert sum(1 for i in brands if i["steps"]) == counts["branches"]


# ------------------------------------------------------------------ cycles


def cycle_store() -> ox.Store:
    """Two cycles: a company that graduated from a space it later founded, and a four-step loop."""
    store = ox.Store()
    g = ox.NamedNode("https://w3id.org/ecograph/graph/test-cycle")

    def add(s: str, p: str, o: str) -> None:
        store.add(ox.Quad(ox.NamedNode(ECOD + s), ox.NamedNode(p), ox.NamedNode(o if "://" in o else ECOD + o), g))

    for carrier in ("space", "s1", "s2"):
        add(carrier, RDF_TYPE, ECO + "Incubator")
    for company in ("company", "c1", "c2"):
        add(company, RDF_TYPE, ECO + "Enterprise")
    add("company", ECO + "graduatedFrom", "space")
    add("space", SCHEMA + "founder", "company")
    # s1 incubated c1, which founded s2, which incubated c2, which founded s1.
    add("c1", ECO + "graduatedFrom", "s1")
    add("s2", SCHEMA + "founder", "c1")
    add("c2", ECO + "incubatedBy", "s2")
    add("s1", SCHEMA + "founder", "c2")
    return store


def test_cycles_terminate_and_agree_with_sparql(ontology: ox.Store) -> None:
    store = cycle_store()
    found = find_chains(project(store, ontology=ontology))
    lineage = {tuple(slug(m) for m in i["members"]) for i in found["incubation-lineage"]}
    assert lineage == {
        ("space", "company"),
        ("s1", "c1"),
        ("s1", "c1", "s2", "c2"),
        ("s2", "c2"),
        ("s2", "c2", "s1", "c1"),
    }
    # A chain never revisits a node: graduating from the space one founded closes no virtuous circle.
    assert {tuple(slug(m) for m in i["members"]) for i in found["virtuous-circle"]} == {("s1", "c1", "s2")}
    for name in CHAIN_NAMES:
        assert sparql_instances(store, name) == networkx_instances(found[name], name)


def test_synthetic_cycles_are_found_once(synth_store: tuple[ox.Store, Counter], ontology: ox.Store) -> None:
    store, counts = synth_store
    lineage = find_chains(project(store, ontology=ontology), "incubation-lineage")["incubation-lineage"]
    cycle_pairs = [i for i in lineage if i["start"].endswith("-cycle-space")]
    assert len(cycle_pairs) == counts["cycles"]
    assert all(len(i["steps"]) == 1 for i in cycle_pairs)


# ------------------------------------------------------------------ declarations and CLI


def test_bad_declarations_name_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "chains.toml"
    broken.write_text('[[chain]]\nname = "x"\nsteps = [ oops ]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_chains(broken)
    assert info.value.path.endswith("chains.toml") and info.value.line == 3
    broken.write_text('[kinds]\n\n[[chain]]\nname = "x"\ndescription = "d"\nsteps = [{ edge = "founder", direction = "up" }]\n', encoding="utf-8")
    with pytest.raises(InputError, match="chain x, step 1: 'direction'") as info:
        load_chains(broken)
    assert info.value.line == 4


def test_unknown_chain_is_an_error(seed_store: ox.Store, ontology: ox.Store) -> None:
    with pytest.raises(EcographError, match="unknown chain 'nope'"):
        find_chains(project(seed_store, ontology=ontology), "nope")


def test_cli_chains_json_lists_steps_with_sources() -> None:
    result = CliRunner().invoke(app, ["chains", "virtuous-circle", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["virtuous-circle"]
    assert {slug(i["members"][1]) for i in data["virtuous-circle"]} == {"zbj", "iflytek", "daan-gene", "enjoyor"}
    assert all(s["sources"][0]["title"] == S5_TITLE for i in data["virtuous-circle"] for s in i["steps"])


def test_cli_chains_table_and_unknown_name() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["chains", "incubation-lineage"])
    assert table.exit_code == 0 and "HUIBO" in table.stdout and "Flowerplus" in table.stdout
    bad = runner.invoke(app, ["chains", "nope"])
    assert bad.exit_code == 1 and "unknown chain" in bad.output
