"""The SPARQL SHACL engine reports what pySHACL reports: on the examples, the seed, broken graphs, synthetic data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.rdf.loading import load_dataset, load_ontology, store_from_files
from ecograph.synth.generator import SYNTH_ID, write_synth
from ecograph.validation import validate as validate_module
from ecograph.validation.shacl import UnsupportedShape, compile_shapes_file
from ecograph.validation.validate import Violation, shapes_file, validate_project, validate_store
from support import EXAMPLE_GRAPH, SHAPE_CONTEXT, example_store

EXAMPLES = Path(__file__).parent / "shapes"

SHAPE_DIRS = [p for p in EXAMPLES.iterdir() if (p / "valid.ttl").is_file()]
SHAPE_EXAMPLES = sorted(p / f"{kind}.ttl" for p in SHAPE_DIRS for kind in ("valid", "invalid"))
CHECK_EXAMPLES = sorted((EXAMPLES / "checks").glob("*.trig"))
PREFIXES = """
@prefix eco: <https://w3id.org/ecograph/ontology#> .
@prefix ecod: <https://w3id.org/ecograph/id/> .
@prefix ecoc: <https://w3id.org/ecograph/concept/> .
@prefix ecog: <https://w3id.org/ecograph/graph/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""
S1 = "prov:wasDerivedFrom ecod:source-example-s1"
CONTACT = 'ecod:pujiang-innovation-forum-2018-contact a schema:ContactPoint ; rdfs:label "Contact of the 2018 Pujiang Innovation Forum"@en'
runner = CliRunner()




def snippet_store(turtle: str) -> ox.Store:
    """The shared context plus a Turtle snippet in ecog:example (TriG when it names graphs itself)."""
    store = ox.Store()
    store.load(path=SHAPE_CONTEXT, format=ox.RdfFormat.TRIG)
    trig = "ecog:" in turtle
    store.load(
        (PREFIXES + turtle).encode(),
        format=ox.RdfFormat.TRIG if trig else ox.RdfFormat.TURTLE,
        to_graph=None if trig else EXAMPLE_GRAPH,
    )
    return store


def both_engines(store: ox.Store) -> set[Violation]:
    """Validate with both engines, assert they agree, and return the violations."""
    sparql = validate_store(store, engine="sparql")
    reference = validate_store(store, engine="pyshacl")
    assert (sparql.engine, reference.engine) == ("sparql", "pyshacl")
    assert set(sparql.violations) == set(reference.violations), (sparql.text, reference.text)
    assert sparql.conforms == reference.conforms
    return set(sparql.violations)


def shape_failures(violations: set[Violation]) -> set[tuple[str, str, str | None, str | None]]:
    return {(v.focus_node, v.shape, v.path, v.value) for v in violations if v.shape.startswith("ecosh:")}


# ------------------------------------------------------------------ the project's own examples and the seed


@pytest.mark.parametrize("example", SHAPE_EXAMPLES + CHECK_EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_engines_agree_on_every_example(example: Path) -> None:
    violations = both_engines(example_store(example))
    assert bool(violations) == (example.name != "valid.ttl")


def test_engines_agree_on_the_seed() -> None:
    sparql, reference = validate_project(engine="sparql"), validate_project(engine="pyshacl")
    assert sparql.conforms and reference.conforms
    assert sparql.violations == reference.violations == []
    assert sparql.text == reference.text


def test_engines_agree_on_the_broken_seed() -> None:
    store = load_dataset()
    store.update(PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n") + """
        DELETE { GRAPH ?g { ecod:obs-2017-china-makers-spaces eco:obsValue ?v } }
        INSERT { GRAPH ?g { ecod:obs-2017-china-makers-spaces eco:obsValue "5739" } }
        WHERE { GRAPH ?g { ecod:obs-2017-china-makers-spaces eco:obsValue ?v } } ;
        DELETE WHERE { GRAPH ?g { ecod:peking-university rdfs:label ?l } } ;
        INSERT { GRAPH ?g { ecod:report-2018-entrepreneurship-incubation dcterms:publisher ecod:most } }
        WHERE { GRAPH ?g { ecod:report-2018-entrepreneurship-incubation dcterms:publisher ?p } }
    """)
    failures = shape_failures(both_engines(store))
    assert failures == {
        ("ecod:obs-2017-china-makers-spaces", "ecosh:ObservationShape", "eco:obsValue", "5739"),
        ("ecod:peking-university", "ecosh:LabelShape", None, "ecod:peking-university"),
        ("ecod:report-2018-entrepreneurship-incubation", "ecosh:ReportShape", "dcterms:publisher", None),
    }


# ------------------------------------------------------------------ one broken graph per kind of constraint

CASES = {
    "maxCount": (
        f'ecod:huibo a eco:Enterprise ; rdfs:label "HUIBO"@en ; {S1} ; eco:attractedInvestment true , false .',
        {("ecod:huibo", "ecosh:EnterpriseShape", "eco:attractedInvestment", None)},
    ),
    "maxCount counts a value stated in two graphs once": (
        f'ecog:example {{ ecod:huibo a eco:Enterprise ; rdfs:label "HUIBO"@en ; {S1} ; eco:attractedInvestment true . }}\n'
        f"ecog:example-2 {{ ecod:huibo eco:attractedInvestment true . }}\n"
        f"ecog:example-2 {S1} .",
        set(),
    ),
    "minCount": (
        f'ecod:alibaba-cloud a schema:Service ; rdfs:label "Alibaba Cloud"@en ; {S1} .',
        {("ecod:alibaba-cloud", "ecosh:ServiceShape", "schema:provider", None)},
    ),
    "datatype": (
        f'ecod:report-2018-entrepreneurship-incubation a eco:Report ; rdfs:label "2018 Report on Entrepreneurship and Incubation Development in China"@en ; {S1} ;\n'
        f'    dcterms:title "2018 Report on Entrepreneurship and Incubation Development in China" ; dcterms:publisher ecod:torch-center ; dcterms:issued "2018"^^xsd:gYear .\n'
        f'ecod:torch-center a org:Organization ; rdfs:label "Torch High Technology Industry Development Center"@en ; {S1} .',
        {("ecod:report-2018-entrepreneurship-incubation", "ecosh:ReportShape", "dcterms:title", "2018 Report on Entrepreneurship and Incubation Development in China")},
    ),
    "datatype rejects ill-formed literals and shows numbers as pySHACL does": (
        f"ecod:obs-2018-tusstar-spaces-china a eco:StatisticalObservation ; qb:dataSet ecod:dataset-example ;\n"
        f"    eco:indicator ecoc:indicator-spaces-operated ; eco:refSubject ecod:tusstar ; eco:refPeriod \"2018\"^^xsd:double ;\n"
        f'    eco:obsValue "1.5"^^xsd:integer ; eco:growthRate "abc"^^xsd:decimal ; eco:growthQualifier ecoc:qualifier-exact ;\n'
        f"    eco:unit ecoc:unit-organisation ; eco:qualifier ecoc:qualifier-exact ; {S1} .\n"
        f'ecod:tusstar a eco:SpaceNetwork ; rdfs:label "TusStar"@en ; {S1} .',
        {
            ("ecod:obs-2018-tusstar-spaces-china", "ecosh:ObservationShape", "eco:obsValue", "1.5"),
            ("ecod:obs-2018-tusstar-spaces-china", "ecosh:ObservationShape", "eco:growthRate", "abc"),
            ("ecod:obs-2018-tusstar-spaces-china", "ecosh:ObservationShape", "eco:refPeriod", "2018.0"),
        },
    ),
    "class": (
        f'ecod:alibaba-cloud a schema:Service ; rdfs:label "Alibaba Cloud"@en ; {S1} ; schema:provider ecod:xu-guanhua , ecod:peking-university .\n'
        f'ecod:xu-guanhua a schema:Person ; rdfs:label "Xu Guanhua"@en ; {S1} .\n'
        f'ecod:peking-university a eco:University ; rdfs:label "Peking University"@en ; {S1} .',
        {("ecod:alibaba-cloud", "ecosh:ServiceShape", "schema:provider", "ecod:xu-guanhua")},
    ),
    "targetClass follows a subclass stated in the data": (
        f"ex:Institute rdfs:subClassOf eco:ResearchInstitute .\necod:simit a ex:Institute ; {S1} .",
        {("ecod:simit", "ecosh:LabelShape", None, "ecod:simit")},
    ),
    "hasValue": (
        f"ecod:alibaba-spaces a eco:SpaceGroup ; eco:unnamedInSource false ; {S1} .",
        {
            ("ecod:alibaba-spaces", "ecosh:UnnamedShape", "eco:unnamedInSource", None),
            ("ecod:alibaba-spaces", "ecosh:LabelShape", None, "ecod:alibaba-spaces"),
        },
    ),
    "languageIn accepts a region subtag": (
        f'ecoc:sector-flower-industry a skos:Concept ; skos:inScheme ecoc:sectors ; skos:prefLabel "flower industry"@en-GB ; {S1} .',
        set(),
    ),
    "qualifiedMinCount with languageIn": (
        f'ecoc:sector-flower-industry a skos:Concept ; skos:inScheme ecoc:sectors ; skos:prefLabel "flower industry"@fr ; {S1} .',
        {("ecoc:sector-flower-industry", "ecosh:ConceptShape", "skos:prefLabel", None)},
    ),
    "uniqueLang": (
        f'ecoc:sector-flower-industry a skos:Concept ; skos:inScheme ecoc:sectors ;\n'
        f'    skos:prefLabel "flower industry"@en , "flowers"@EN ; {S1} .',
        {("ecoc:sector-flower-industry", "ecosh:ConceptShape", "skos:prefLabel", None)},
    ),
    "pattern": (
        f"{CONTACT} ; {S1} ;\n"
        f'    schema:telephone "call 54065138" ; schema:email "pif@pujiangforum.org" .',
        {("ecod:pujiang-innovation-forum-2018-contact", "ecosh:ContactPointShape", "schema:telephone", "call 54065138")},
    ),
    "nodeKind": (
        f"{CONTACT} ; {S1} ;\n"
        f'    schema:url "http://www.pujiangforum.org" .',
        {("ecod:pujiang-innovation-forum-2018-contact", "ecosh:ContactPointShape", "schema:url", "http://www.pujiangforum.org")},
    ),
    "or of the node shape": (
        f"ecod:obs-2018-tusstar-spaces-china a eco:StatisticalObservation ; qb:dataSet ecod:dataset-example ;\n"
        f"    eco:indicator ecoc:indicator-spaces-operated ; eco:refPeriod \"2018\"^^xsd:gYear ; eco:obsValue 57 ;\n"
        f"    eco:unit ecoc:unit-organisation ; eco:qualifier ecoc:qualifier-exact ; {S1} .",
        {("ecod:obs-2018-tusstar-spaces-china", "ecosh:ObservationShape", None, "ecod:obs-2018-tusstar-spaces-china")},
    ),
    "or of a property shape": (
        f'ecod:xu-guanhua a schema:Person ; rdfs:label "Xu Guanhua"@en ; {S1} ; schema:honorificPrefix ex:academician .',
        {("ecod:xu-guanhua", "ecosh:PersonShape", "schema:honorificPrefix", "http://example.org/academician")},
    ),
    "not": (
        "ecod:tusstar a ex:Network .\nex:tusstar a ex:Network .",
        {("ecod:tusstar", "ecosh:EvidenceShape", None, "ecod:tusstar")},
    ),
    "node": (
        f'ecod:alibaba a eco:PrivateEnterprise ; rdfs:label "Alibaba"@en ; {S1} ;\n'
        f"    org:classification ecoc:unit-organisation , ecoc:category-private-enterprise .",
        {("ecod:alibaba", "ecosh:OrganisationShape", "org:classification", "ecoc:unit-organisation")},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_engines_agree_on_a_broken_graph(case: str) -> None:
    turtle, expected = CASES[case]
    assert shape_failures(both_engines(snippet_store(turtle))) == expected


def test_violation_carries_the_property_shapes_message() -> None:
    (violation,) = [v for v in both_engines(snippet_store(CASES["minCount"][0])) if v.shape.startswith("ecosh:")]
    assert violation.message == "A service needs schema:provider pointing to the organisation that provides it."


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_boolean_that_is_not_a_boolean_fails_its_datatype() -> None:
    # pySHACL fails it too but shows rdflib's reading of it ("false"); the SPARQL engine shows it as written.
    store = snippet_store(f'ecod:huibo a eco:Enterprise ; rdfs:label "HUIBO"@en ; {S1} ; eco:attractedInvestment "yes"^^xsd:boolean .')
    sparql = shape_failures(set(validate_store(store).violations))
    reference = shape_failures(set(validate_store(store, engine="pyshacl").violations))
    assert sparql == {("ecod:huibo", "ecosh:EnterpriseShape", "eco:attractedInvestment", "yes")}
    assert {f[:3] for f in reference} == {f[:3] for f in sparql}


def test_validation_leaves_the_store_as_it_was() -> None:
    store = snippet_store(CASES["class"][0])
    store.add(next(iter(load_ontology())))  # a store that already holds part of the ontology
    before = set(store)
    for engine in ("sparql", "pyshacl"):
        validate_store(store, engine=engine)
        assert set(store) == before


# ------------------------------------------------------------------ synthetic data


def test_engines_agree_on_synthetic_data_before_and_after_breaking_it(tmp_path: Path) -> None:
    path = tmp_path / "synth.trig"
    write_synth(path, 5000, seed=0)
    store = store_from_files([path])
    assert both_engines(store) == set()
    # Break one enterprise, one figure and one space, in the graphs that state them (the update's
    # default graph is the store's default graph, not the union).
    store.update(PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n") + """
        DELETE { GRAPH ?g { ?e rdfs:label ?l } } WHERE {
          { SELECT ?e WHERE { GRAPH ?h { ?e a eco:Enterprise ; rdfs:label [] } } ORDER BY ?e LIMIT 1 } GRAPH ?g { ?e rdfs:label ?l } } ;
        DELETE { GRAPH ?g { ?o eco:obsValue ?v } } INSERT { GRAPH ?g { ?o eco:obsValue "many" } } WHERE {
          { SELECT ?o WHERE { GRAPH ?h { ?o a eco:StatisticalObservation } } ORDER BY ?o LIMIT 1 } GRAPH ?g { ?o eco:obsValue ?v } } ;
        INSERT { GRAPH ?g { ?s eco:operatedBy ecoc:qualifier-exact } } WHERE {
          { SELECT ?s WHERE { GRAPH ?h { ?s a eco:MakerSpace } } ORDER BY ?s LIMIT 1 } GRAPH ?g { ?s a eco:MakerSpace } }
    """)
    failures = shape_failures(both_engines(store))
    assert {(shape, path) for _, shape, path, _ in failures} == {
        ("ecosh:LabelShape", None),
        ("ecosh:ObservationShape", "eco:obsValue"),
        ("ecosh:CarrierShape", "eco:operatedBy"),
    }
    assert all(focus.startswith(SYNTH_ID) for focus, *_ in failures)


def test_engines_agree_on_counts_above_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Pujiang Innovation Forum has two founders; counts above two are tested by aggregation,
    # and inside sh:or by finding that many distinct values.
    extra = """ecosh:FoundersShape sh:targetClass eco:Forum ;
        sh:or ( [ sh:path schema:founder ; sh:minCount 3 ] [ sh:path schema:founder ; sh:maxCount 1 ] ) ;
        sh:message "neither"@en ;
        sh:property [ sh:path schema:founder ; sh:minCount 3 ; sh:message "min 3"@en ] ,
            [ sh:path schema:founder ; sh:maxCount 1 ; sh:message "max 1"@en ] ,
            [ sh:path schema:founder ; sh:maxCount 2 ; sh:message "max 2"@en ] ,
            [ sh:path schema:founder ; sh:qualifiedValueShape [ sh:class org:Organization ] ;
              sh:qualifiedMinCount 3 ; sh:message "3 organisations"@en ] ,
            [ sh:path schema:founder ; sh:qualifiedValueShape [ sh:class org:Organization ] ;
              sh:qualifiedMinCount 2 ; sh:message "2 organisations"@en ] ."""
    monkeypatch.setattr(validate_module, "shapes_file", lambda: shapes_with(tmp_path, extra))
    violations = both_engines(load_dataset())
    assert {(v.focus_node, v.message) for v in violations} == {
        ("ecod:pujiang-innovation-forum", message) for message in ("neither", "min 3", "max 1", "3 organisations")
    }


def test_a_read_only_store_is_validated_too(tmp_path: Path) -> None:
    disk = ox.Store(str(tmp_path / "store"))
    disk.extend(snippet_store(CASES["pattern"][0]))
    disk.flush()
    del disk
    store = ox.Store.read_only(str(tmp_path / "store"))
    assert shape_failures(set(validate_store(store).violations)) == CASES["pattern"][1]


# ------------------------------------------------------------------ what the engine does not compile


def shapes_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(shapes_file().read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "construct"),
    [
        ("ecosh:ExtraShape sh:targetClass eco:Report ; sh:property [ sh:path dcterms:title ; sh:minLength 5 ] .", "sh:minLength"),
        ("ecosh:ExtraShape sh:targetClass eco:Report ; sh:property [ sh:path [ sh:inversePath dcterms:publisher ] ] .",
         "sh:path [ sh:inversePath ]"),
        ("ecosh:ExtraShape sh:targetNode <https://w3id.org/ecograph/id/most> ; sh:class org:Organization .", "target"),
        ('ecosh:ExtraShape sh:targetClass eco:Report ; sh:property [ sh:path dcterms:title ; sh:pattern "(?<=a)b" ] .',
         "sh:pattern"),
        ("ecosh:ExtraShape sh:targetClass eco:Report ; sh:node ecosh:ExtraShape .", "recursive"),
    ],
)
def test_unsupported_construct_is_named(tmp_path: Path, extra: str, construct: str) -> None:
    with pytest.raises(UnsupportedShape) as info:
        compile_shapes_file(shapes_with(tmp_path, extra))
    assert "ecosh:ExtraShape" in str(info.value) and construct in str(info.value)


def test_validate_falls_back_to_pyshacl_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = 'ecosh:ExtraShape sh:targetClass schema:Service ; sh:property [ sh:path rdfs:label ; sh:minLength 20 ;\n'
    extra += '    sh:message "Too short."@en ] .'
    monkeypatch.setattr(validate_module, "shapes_file", lambda: shapes_with(tmp_path, extra))
    report = validate_store(example_store(EXAMPLES / "ServiceShape" / "valid.ttl"))
    assert report.engine == "pyshacl"
    assert "note: validated with pySHACL because shape ecosh:ExtraShape: sh:minLength" in report.text
    assert [(v.focus_node, v.shape, v.message) for v in report.violations] == [
        ("ecod:alibaba-cloud", "ecosh:ExtraShape", "Too short.")
    ]


# ------------------------------------------------------------------ the command line


def test_cli_validate_engine_option_gives_the_same_report(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(PREFIXES + CASES["pattern"][0].replace("ecod:source-example-s1", "ecod:source-latest-progress-s1"))
    seed = Path(__file__).resolve().parents[1] / "src" / "ecograph" / "data" / "graph" / "seed" / "sources.trig"
    outputs = {}
    for engine in ("sparql", "pyshacl"):
        result = runner.invoke(app, ["validate", "--engine", engine, str(seed), str(broken)])
        assert result.exit_code == 1, result.output
        outputs[engine] = result.output
    assert outputs["sparql"] == outputs["pyshacl"]
    assert "ecosh:ContactPointShape (property schema:telephone)" in outputs["sparql"]
    assert runner.invoke(app, ["validate", "--engine", "fast"]).exit_code == 2
    with pytest.raises(ValueError, match="fast"):
        validate_store(ox.Store(), engine="fast")
