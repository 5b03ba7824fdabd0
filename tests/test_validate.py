"""SHACL shapes, consistency checks and the ``ecograph validate`` command, on the seed and on small examples."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import InputError
from ecograph.paths import shipped_dir
from ecograph.rdf.loading import load_dataset, load_ontology
from ecograph.sparql.catalogue import load_catalogue
from ecograph.validation.validate import (
    SHAPES_NAMESPACE,
    load_checks,
    run_check,
    shapes_file,
    validate_files,
    validate_project,
    validate_store,
)
from support import example_store

EXAMPLES = Path(__file__).parent / "shapes"
CHECK_EXAMPLES = EXAMPLES / "checks"
SHAPE_DIRS = sorted(p.name for p in EXAMPLES.iterdir() if (p / "valid.ttl").is_file())
CHECK_NAMES = sorted(p.stem for p in CHECK_EXAMPLES.glob("*.trig"))
SEED = shipped_dir() / "graph" / "seed"
ECOD = "https://w3id.org/ecograph/id/"
runner = CliRunner()


@pytest.fixture(scope="module")
def seed_store() -> ox.Store:
    store = ox.Store()
    store.extend(load_dataset())
    store.extend(load_ontology())
    return store


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(shapes_file(), format="turtle")




# ------------------------------------------------------------------ the seed


def test_seed_conforms_to_shapes_and_checks() -> None:
    report = validate_project()
    assert report.conforms, report.text
    assert report.violations == []
    assert report.text.startswith("conforms")


def test_every_class_used_by_the_seed_is_targeted_by_a_shape(shapes: rdflib.Graph) -> None:
    rows = load_dataset().query("SELECT DISTINCT ?t WHERE { ?s a ?t }", use_default_graph_as_union=True)
    used = {r["t"].value for r in rows}
    targeted = {str(c) for c in shapes.objects(None, SH.targetClass)}
    assert len(used) > 30
    assert used - targeted == set()


def test_every_shape_tells_the_user_what_is_wrong(shapes: rdflib.Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    assert len(node_shapes) > 20 and len(property_shapes) > 50
    for shape in node_shapes | property_shapes:
        message = shapes.value(shape, SH.message)
        assert message is not None and message.language == "en" and len(str(message)) > 20, shape
    for shape in node_shapes:
        targeted = any(shapes.value(shape, p) is not None for p in (SH.targetClass, SH.targetSubjectsOf))
        if targeted:
            assert shapes.value(shape, rdflib.RDFS.comment) is not None, shape


def test_every_targeted_shape_has_a_valid_and_an_invalid_example(shapes: rdflib.Graph) -> None:
    targeted = {
        str(s)[len(SHAPES_NAMESPACE) :]
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if any(shapes.value(s, p) is not None for p in (SH.targetClass, SH.targetSubjectsOf))
    }
    assert targeted == set(SHAPE_DIRS)


def test_seed_figures_are_checked_by_seed_facts(seed_store: ox.Store) -> None:
    # The checks are not vacuous on the seed: the links they test are really there.
    links = {
        (r["s"].value.removeprefix(ECOD), r["p"].value.split("#")[1], r["o"].value.removeprefix(ECOD))
        for r in seed_store.query(
            "PREFIX eco: <https://w3id.org/ecograph/ontology#> SELECT ?s ?p ?o WHERE "
            "{ VALUES ?p { eco:partOfFigure eco:subsetOfFigure } ?s ?p ?o }",
            use_default_graph_as_union=True,
        )
    }
    assert ("obs-2017-china-investment-from-spaces", "partOfFigure", "obs-2017-china-investment-won") in links
    assert ("obs-2018-tusstar-spaces-beijing", "subsetOfFigure", "obs-2018-tusstar-spaces-china") in links


# ------------------------------------------------------------------ shapes, one example pair each


@pytest.mark.parametrize("shape", SHAPE_DIRS)
def test_valid_example_conforms(shape: str) -> None:
    report = validate_store(example_store(EXAMPLES / shape / "valid.ttl"))
    assert report.conforms, report.text


@pytest.mark.parametrize("shape", SHAPE_DIRS)
def test_invalid_example_fails_on_its_shape(shape: str) -> None:
    report = validate_store(example_store(EXAMPLES / shape / "invalid.ttl"))
    assert not report.conforms
    shape_rules = {v.shape for v in report.violations if v.shape.startswith("ecosh:")}
    assert shape_rules == {f"ecosh:{shape}"}, report.text
    assert f"ecosh:{shape}" in report.text


def test_violation_names_node_rule_path_value_and_message() -> None:
    report = validate_store(example_store(EXAMPLES / "ContactPointShape" / "invalid.ttl"))
    (violation,) = report.violations
    assert violation.focus_node == "ecod:pujiang-innovation-forum-2018-contact"
    assert violation.shape == "ecosh:ContactPointShape"
    assert violation.path == "schema:email"
    assert violation.value == "pif at pujiangforum.org"
    assert "e-mail" in violation.message
    for part in ("ecod:pujiang-innovation-forum-2018-contact", "ecosh:ContactPointShape", "schema:email",
                 "pif at pujiangforum.org", violation.message):
        assert part in report.text


# ------------------------------------------------------------------ consistency checks


def test_checks_are_the_files_in_ontology_checks() -> None:
    names = [c.name for c in load_checks()]
    assert names == sorted(CHECK_NAMES)
    assert all(c.description for c in load_checks())


def test_checks_are_catalogue_queries_with_their_description() -> None:
    # One home for integrity checks: the catalogue lists each check under its file name.
    catalogue = {q.name: q for q in load_catalogue()}
    for check in load_checks():
        query = catalogue[f"{check.name}-violation"]
        assert query.kind == "violation" and query.title and query.question, check.name
        assert (query.description, query.text) == (check.description, check.query)


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.name)
def test_check_holds_on_seed(check, seed_store: ox.Store) -> None:
    assert run_check(check, seed_store) == []


@pytest.mark.parametrize("check", load_checks(), ids=lambda c: c.name)
def test_check_fails_on_its_broken_example(check) -> None:
    example = CHECK_EXAMPLES / f"{check.name}.trig"
    expected = set(re.search(r"^# expect: (.*)$", example.read_text(), re.M).group(1).split())
    store = example_store(example)
    store.extend(load_ontology())
    violations = run_check(check, store)
    assert {v.focus_node for v in violations} == expected
    assert all(v.shape == f"check:{check.name}" and v.message for v in violations)
    # ...and validation as a whole reports it.
    assert expected <= {v.focus_node for v in validate_store(example_store(example)).violations if v.shape == check.rule}


def test_parts_message_gives_the_figures() -> None:
    store = example_store(CHECK_EXAMPLES / "parts-add-up.trig")
    store.extend(load_ontology())
    (check,) = [c for c in load_checks() if c.name == "parts-add-up"]
    messages = {v.focus_node: v.message for v in run_check(check, store)}
    assert "add up to 110" in messages["ecod:whole-a"] and "exceed" in messages["ecod:whole-a"]
    assert "short" in messages["ecod:whole-b"]


def test_seed_part_of_whole_within_tolerance_would_fail_beyond_it(seed_store: ox.Store) -> None:
    # 57 + about 10 billion against about 67 billion holds; raising a part by 20 % breaks it.
    (check,) = [c for c in load_checks() if c.name == "parts-add-up"]
    broken = ox.Store()
    broken.extend(seed_store)
    spaces = ox.NamedNode(ECOD + "obs-2017-china-investment-from-spaces")
    value = ox.NamedNode("https://w3id.org/ecograph/ontology#obsValue")
    for q in list(broken.quads_for_pattern(spaces, value, None)):
        broken.remove(q)
        broken.add(ox.Quad(spaces, value, ox.Literal("25000000000", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), q.graph_name))
    assert [v.focus_node for v in run_check(check, broken)] == ["ecod:obs-2017-china-investment-won"]


# ------------------------------------------------------------------ files and errors


def test_validate_files_reports_parse_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    with pytest.raises(InputError) as info:
        validate_files([bad])
    assert info.value.line == 3
    assert "bad.ttl:3" in str(info.value)


def test_validate_files_of_seed_conforms() -> None:
    assert validate_files(sorted(SEED.glob("*.trig"))).conforms


# ------------------------------------------------------------------ the command line


def test_cli_validate_project_exits_0() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_cli_validate_violations_exit_1_with_report(tmp_path: Path) -> None:
    broken = tmp_path / "broken.trig"
    broken.write_text(
        (SEED / "makers-spaces-2017.trig")
        .read_text()
        .replace('eco:obsValue 5739 ;', 'eco:obsValue "5739" ;')
    )
    result = runner.invoke(app, ["validate", str(SEED / "sources.trig"), str(broken)])
    assert result.exit_code == 1, result.output
    assert "ecod:obs-2017-china-makers-spaces" in result.output
    assert "ecosh:ObservationShape (property eco:obsValue)" in result.output
    assert "validation failed" in result.output


def test_cli_validate_unreadable_file_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    text = "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c . \n"
    bad.write_text(text)
    before = sorted((p, p.stat().st_mtime_ns) for p in SEED.iterdir())
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2, result.output
    assert "bad.trig" in result.output
    assert bad.read_text() == text
    assert sorted((p, p.stat().st_mtime_ns) for p in SEED.iterdir()) == before

    missing = runner.invoke(app, ["validate", str(tmp_path / "missing.ttl")])
    assert missing.exit_code == 2
    assert "missing.ttl" in missing.output
