"""ecograph-full.trig: data, ontology, vocabularies and inferred statements in graphs of their own; alone, it answers every catalogue query as `ecograph query` does."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ecograph.build.artefacts import build
from ecograph.build.full import FULL_EXPORT
from ecograph.sparql.catalogue import load_catalogue
from ecograph.sparql.query import QueryResult, default_store, run_query
from support import REPO, comparable_term, rdflib_term

ECO = "https://w3id.org/ecograph/ontology#"
ECOG = "https://w3id.org/ecograph/graph/"
CATALOGUE = {q.name: q for q in load_catalogue()}
# A sample for rdflib, which is slow: facts with figures, evidence, parameters, inference, ASK, CONSTRUCT, a check.
RDFLIB_SAMPLE = [
    "06-national-figures", "11-forum-founders", "17-evidence", "18-virtuous-circle-by-class",
    "24-graduates-found-spaces", "25-construct-incubation-network", "graph-without-section-violation",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built with every step, as `ecograph build` does; returns ecograph-full.trig."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ECOGRAPH_HOME", raising=False)
        mp.chdir(REPO)
        out = tmp_path_factory.mktemp("full") / "build"
        report = build(out)
    assert FULL_EXPORT in {f.path for f in report.files}
    return out / FULL_EXPORT


@pytest.fixture(scope="module")
def alone(built: Path) -> ox.Store:
    """A store loaded with ecograph-full.trig and nothing else."""
    store = ox.Store()
    store.load(path=built, format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def queried() -> ox.Store:
    """The store `ecograph query` runs on."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ECOGRAPH_HOME", raising=False)
        mp.chdir(REPO)
        return default_store()


def graph_of(store: ox.Store, name: str) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ECOG + name))}


def test_ontology_and_vocabularies_sit_in_graphs_of_their_own(alone: ox.Store) -> None:
    ontology, vocabularies = graph_of(alone, "ontology"), graph_of(alone, "vocabularies")
    owl = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert ox.Triple(ox.NamedNode("https://w3id.org/ecograph/ontology"), rdf_type, owl) in ontology
    yuan = ox.NamedNode("https://w3id.org/ecograph/concept/unit-yuan")
    assert any(t.subject == yuan for t in vocabularies) and not any(t.subject == yuan for t in ontology)
    assert graph_of(alone, "ontology-analysis")
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    for name in ("ontology", "vocabularies", "ontology-analysis"):
        assert list(alone.quads_for_pattern(ox.NamedNode(ECOG + name), source, None, ox.DefaultGraph())), name
        # prov:wasDerivedFrom means evidence (a fact's source section) and nothing else
        assert not list(alone.quads_for_pattern(ox.NamedNode(ECOG + name), derived, None, None)), name
    # the facts keep their section graphs, and the ontology is not in the default graph
    assert graph_of(alone, "latest-progress-s7")
    assert not list(alone.quads_for_pattern(None, rdf_type, owl, ox.DefaultGraph()))


def test_the_questions_the_data_file_alone_cannot_answer(built: Path, alone: ox.Store) -> None:
    data_only = ox.Store()
    data_only.load(path=built.with_name("ecograph.trig"), format=ox.RdfFormat.TRIG)
    units = """PREFIX eco: <https://w3id.org/ecograph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?unit ?label WHERE { ?figure eco:unit ?unit . ?unit skos:prefLabel ?label }"""
    founded = "SELECT (COUNT(*) AS ?n) WHERE { ?agent <https://w3id.org/ecograph/ontology#founded> ?thing }"

    def count(store: ox.Store, query: str) -> int:
        rows = list(store.query(query, use_default_graph_as_union=True))
        return int(rows[0]["n"].value) if "COUNT" in query else len(rows)

    assert count(data_only, units) == 0 and count(alone, units) > 5
    assert count(data_only, founded) == 0 and count(alone, founded) > 10


def _answer(result: QueryResult) -> object:
    """An answer comparable across stores: blank nodes as one symbol, rows as a multiset.

    A multiset, not a list, even under ORDER BY: rows that tie on the sort keys may come in any order.
    """
    if result.form == "ask":
        return result.boolean
    if result.form == "construct":
        return Counter(tuple(comparable_term(x) for x in (t.subject, t.predicate, t.object)) for t in result.triples)
    return Counter(tuple(comparable_term(t) for t in row) for row in result.rows)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogue_query_answers_the_same_over_the_file_alone(alone: ox.Store, queried: ox.Store, name: str) -> None:
    query = CATALOGUE[name]
    ours, expected = run_query(query, alone), run_query(query, queried)
    assert (ours.form, ours.variables) == (expected.form, expected.variables)
    assert _answer(ours) == _answer(expected)
    if query.kind != "violation":
        assert ours.size > 0, f"{name} answers nothing, so the comparison proves little"


@pytest.fixture(scope="module")
def rdflib_alone(built: Path) -> rdflib.Dataset:
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(built, format="trig")
    return dataset


@pytest.mark.parametrize("name", RDFLIB_SAMPLE)
def test_rdflib_loads_the_file_alone_and_agrees(alone: ox.Store, rdflib_alone: rdflib.Dataset, name: str) -> None:
    query = CATALOGUE[name]
    ours = run_query(query, alone)
    theirs = rdflib_alone.query(query.text, initBindings={k: rdflib_term(v) for k, v in ours.bindings.items()})
    if ours.form == "ask":
        assert ours.boolean == theirs.askAnswer is True
    elif ours.form == "construct":
        assert {tuple(comparable_term(x) for x in (t.subject, t.predicate, t.object)) for t in ours.triples} == {
            tuple(comparable_term(x) for x in t) for t in theirs
        }
    else:
        variables = [str(v) for v in theirs.vars]
        # rdflib's union default graph merges a statement repeated in two graphs: compare as sets
        assert {tuple(comparable_term(t) for t in row) for row in ours.rows} == {tuple(comparable_term(row[v]) for v in variables) for row in theirs}
