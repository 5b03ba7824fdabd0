"""Reasoning over the seed: HermiT (consistency, realised classes, inverses, time limit, errors) and the OWL 2 RL engine."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from ecograph.cli import app
from ecograph.errors import EcographError
from ecograph.rdf.loading import load_dataset, load_ontology
from ecograph.validation.materialise import Materialisation, materialise, reasoner_input
from ecograph.validation.reasoning import ReasoningResult, reason

ECO = "https://w3id.org/ecograph/ontology#"
ECOD = "https://w3id.org/ecograph/id/"
PREFIXES = f"PREFIX eco: <{ECO}>\nPREFIX ecod: <{ECOD}>\n"
INFERRED_GRAPH = ox.NamedNode("https://w3id.org/ecograph/graph/inferred")
runner = CliRunner()


@pytest.fixture(scope="module")
def seed() -> ox.Store:
    return load_dataset()


@pytest.fixture(scope="module")
def result(seed: ox.Store) -> ReasoningResult:
    return reason(seed, timeout=300)


@pytest.fixture(scope="module")
def closure(seed: ox.Store, result: ReasoningResult) -> ox.Store:
    """Asserted and inferred statements together, as a user would load the build's two files."""
    store = ox.Store()
    store.extend(seed)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH) for t in result.inferred)
    return store


def members(store: ox.Store, cls: str) -> set[str]:
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ ?x a eco:{cls} }}", use_default_graph_as_union=True)
    return {r["x"].value.removeprefix(ECOD) for r in rows}


def test_seed_is_consistent(result: ReasoningResult) -> None:
    assert result.consistent
    assert result.seconds > 0


def test_exactly_four_virtuous_circle_companies(closure: ox.Store) -> None:
    assert members(closure, "VirtuousCircleCompany") == {"zbj", "iflytek", "daan-gene", "enjoyor"}


def test_virtuous_circle_companies_are_graduated_and_incubated(closure: ox.Store) -> None:
    virtuous = members(closure, "VirtuousCircleCompany")
    assert virtuous <= members(closure, "GraduatedCompany")
    assert virtuous <= members(closure, "IncubatedCompany")


def test_huibo_and_flowerplus_are_incubated_but_not_graduated(closure: ox.Store) -> None:
    incubated, graduated = members(closure, "IncubatedCompany"), members(closure, "GraduatedCompany")
    assert {"huibo", "flowerplus"} <= incubated
    assert not {"huibo", "flowerplus"} & graduated


def test_haier_founded_spaces_but_is_not_virtuous(closure: ox.Store) -> None:
    rows = closure.query(PREFIXES + "ASK { ecod:haier-group eco:founded ecod:haier-group-spaces }", use_default_graph_as_union=True)
    assert bool(rows)
    assert "haier-group" not in members(closure, "VirtuousCircleCompany")
    assert "haier-group" not in members(closure, "IncubatedCompany")


def test_seven_companies_cultivated_by_the_unnamed_spaces(closure: ox.Store) -> None:
    rows = closure.query(
        PREFIXES + "SELECT ?c WHERE { ecod:spaces-that-cultivated-section-7-companies eco:incubated ?c }",
        use_default_graph_as_union=True,
    )
    cultivated = {r["c"].value.removeprefix(ECOD) for r in rows}
    assert cultivated == {"liulishuo", "qichacha", "vipmro", "autocloudpro", "eleme", "no1-food-delivery", "zib"}
    assert cultivated <= members(closure, "IncubatedCompany")


def test_inverse_and_super_property_values_are_inferred(result: ReasoningResult) -> None:
    found = {(t.subject.value, t.predicate.value, t.object.value) for t in result.inferred}
    assert (ECOD + "iflytek", ECO + "founded", ECOD + "particle-space") in found
    assert (ECOD + "most", ECO + "founded", ECOD + "pujiang-innovation-forum") in found
    assert (ECOD + "zbj", ECO + "incubatedBy", ECOD + "unnamed-incubator-of-zbj") in found
    assert (ECOD + "pujiang-innovation-forum-2018", "https://schema.org/subEvent", ECOD + "pif-2018-jiaxing-forum") in found


def test_inferred_is_new_and_about_ecod_individuals(seed: ox.Store, result: ReasoningResult) -> None:
    allowed = (ECO, "http://www.w3.org/ns/org#", "https://schema.org/")
    assert len(result.inferred) > 100
    for t in result.inferred:
        assert t.subject.value.startswith(ECOD)
        assert t.object.value.startswith(ECOD) or t.object.value.startswith(allowed), t
        assert not any(seed.quads_for_pattern(t.subject, t.predicate, t.object)), t
    assert list(result) == result.inferred  # the build iterates the result


def test_memberships_with_prefixed_names(result: ReasoningResult) -> None:
    memberships = result.memberships(prefixed=True)
    assert "eco:VirtuousCircleCompany" in memberships["ecod:zbj"]
    assert "eco:VirtuousCircleCompany" not in memberships["ecod:huibo"]


def test_inconsistent_data_names_the_clash(seed: ox.Store) -> None:
    broken = ox.Store()
    broken.extend(seed)
    graph = ox.NamedNode("https://w3id.org/ecograph/graph/latest-progress-closing")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    broken.add(ox.Quad(ox.NamedNode(ECOD + "most"), rdf_type, ox.NamedNode(ECO + "Enterprise"), graph))
    with pytest.raises(EcographError) as info:
        reason(broken, timeout=300)
    message = str(info.value)
    assert "inconsistent" in message
    assert "ecod:most is both eco:Enterprise and eco:GovernmentBody" in message

    lenient = reason(broken, timeout=300, strict=False)
    assert not lenient.consistent and lenient.inferred == []
    assert any("ecod:most" in p for p in lenient.problems)


def test_owl_imports_are_not_followed(seed: ox.Store) -> None:
    # The import points nowhere reachable; reasoning must neither fetch it nor fail on it.
    store = ox.Store()
    store.extend(seed)
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/ecograph/ontology"),
                      ox.NamedNode("http://www.w3.org/2002/07/owl#imports"),
                      ox.NamedNode("http://unreachable.invalid/ontology.owl")))
    assert "zbj" in members_of(reason(store, timeout=300), ECO + "VirtuousCircleCompany")


def members_of(result: ReasoningResult, cls: str) -> set[str]:
    return {k.removeprefix(ECOD) for k, classes in result.memberships().items() if cls in classes}


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
def test_time_limit_stops_the_reasoner_and_its_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = tmp_path / "java-started"
    fake_java = tmp_path / "java"
    fake_java.write_text(f"#!{sys.executable}\nimport pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)\n")
    fake_java.chmod(0o755)
    monkeypatch.setenv("ECOGRAPH_JAVA", str(fake_java))
    with pytest.raises(EcographError, match="time limit of 8 s"):
        reason(load_dataset(), timeout=8)
    assert started.exists(), "the fake Java never started: the child took longer than the time limit"
    assert _processes_mentioning(str(tmp_path)) == []


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ECOGRAPH_JAVA", str(tmp_path / "no-java"))
    with pytest.raises(EcographError, match="ECOGRAPH_JAVA"):
        reason(ox.Store())


def test_cli_reason_prints_consistency_and_memberships() -> None:
    result = runner.invoke(app, ["reason", "--engine", "hermit", "--timeout", "300"])
    assert result.exit_code == 0, result.output
    assert "consistent" in result.output
    assert "ecod:zbj" in result.output and "ecod:huibo" in result.output
    assert "eco:VirtuousCircleCompany" in result.output and "eco:IncubatedCompany" in result.output


def test_cli_reason_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ECOGRAPH_JAVA", str(tmp_path / "no-java"))
    result = runner.invoke(app, ["reason", "--engine", "hermit"])
    assert result.exit_code == 1
    assert "error:" in result.output and "ECOGRAPH_JAVA" in result.output


# ---------------------------------------------------------------- the OWL 2 RL engine (reasonable)


@pytest.fixture(scope="module")
def materialised(seed: ox.Store) -> Materialisation:
    return materialise(seed, load_ontology())


def defined_classes() -> list[str]:
    rows = load_ontology().query("SELECT DISTINCT ?c WHERE { ?c <http://www.w3.org/2002/07/owl#equivalentClass> ?d FILTER(isIRI(?c)) }")
    return sorted(r["c"].value for r in rows)


def test_both_engines_infer_the_same_members_of_every_defined_class(result: ReasoningResult, materialised: Materialisation) -> None:
    classes = defined_classes()
    assert ECO + "VirtuousCircleCompany" in classes and len(classes) >= 8
    hermit = result.memberships()
    for cls in classes:
        by_hermit = {individual for individual, inferred in hermit.items() if cls in inferred}
        assert materialised.members(cls) == by_hermit, cls
    assert {m.removeprefix(ECOD) for m in materialised.members(ECO + "VirtuousCircleCompany")} == {"zbj", "iflytek", "daan-gene", "enjoyor"}


def test_the_engine_reads_exactly_the_statements_it_is_given(seed: ox.Store, tmp_path: Path) -> None:
    # Its Turtle reader mis-read our ontology files (other blank nodes, fewer inferences); the
    # N-Triples that materialise() writes (in a file named .ttl, as the engine wants) are read exactly.
    import reasonable

    text = reasoner_input(seed, load_ontology())
    source = tmp_path / "input.ttl"
    source.write_bytes(text)
    engine = reasonable.PyReasoner()
    engine.load_file(str(source))
    read = ox.parse("".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in engine.get_base_triples()), format=ox.RdfFormat.N_TRIPLES)
    given = set(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    owl, rdf_type = "http://www.w3.org/2002/07/owl#", ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    built_in = {ox.Quad(ox.NamedNode(owl + c), rdf_type, ox.NamedNode(owl + "Class")) for c in ("Thing", "Nothing")}
    assert set(read) == given | built_in
    # Labels of the data are statements no rule can use: they stay out.
    ontology = {q.triple for q in load_ontology()}
    assert not any(q.predicate.value.endswith("#label") and q.triple not in ontology for q in given)


def test_inferred_statements_are_new_named_and_in_their_graph(seed: ox.Store, materialised: Materialisation) -> None:
    assert len(materialised) > 100
    for q in materialised:
        assert q.graph_name == INFERRED_GRAPH
        assert isinstance(q.subject, ox.NamedNode) and not isinstance(q.object, ox.BlankNode), q
        assert not any(seed.quads_for_pattern(q.subject, q.predicate, q.object)), q
        assert q.object.value != "http://www.w3.org/2002/07/owl#Thing"
    found = {(q.subject.value, q.predicate.value, q.object.value) for q in materialised}
    assert (ECOD + "iflytek", ECO + "founded", ECOD + "particle-space") in found
    assert (ECOD + "zbj", ECO + "incubatedBy", ECOD + "unnamed-incubator-of-zbj") in found


def test_the_provenance_names_engine_ontology_and_data(seed: ox.Store, materialised: Materialisation) -> None:
    store = ox.Store()
    store.extend(materialised.provenance)
    prov = "http://www.w3.org/ns/prov#"
    [activity] = [q.object for q in materialised.provenance if q.subject == INFERRED_GRAPH and q.predicate.value == prov + "wasGeneratedBy"]
    used = {q.object.value for q in store.quads_for_pattern(activity, ox.NamedNode(prov + "used"), None)}
    assert used == {"https://w3id.org/ecograph/ontology"} | {g.value for g in seed.named_graphs()}
    assert materialised.engine.startswith("reasonable ")
    labels = {q.object.value for q in materialised.provenance if q.predicate.value.endswith("#label")}
    assert materialised.engine in labels


def test_on_a_synthetic_graph_the_virtuous_circle_count_is_the_generators(tmp_path: Path) -> None:
    from ecograph.synth.generator import write_synth

    path = tmp_path / "synth.trig"
    counts = write_synth(path, 20_000, seed=5).counts
    data = ox.Store()
    data.load(path=path, format=ox.RdfFormat.TRIG)
    found = materialise(data, load_ontology())
    assert counts["virtuous_circle"] > 10
    assert len(found.members(ECO + "VirtuousCircleCompany")) == counts["virtuous_circle"]


def test_the_engine_time_limit_stops_it(seed: ox.Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import ecograph.validation.materialise as module

    monkeypatch.setattr(module, "_CHILD", "import time; time.sleep(600)")
    with pytest.raises(EcographError, match="time limit of 2 s"):
        materialise(seed, load_ontology(), timeout=2)


def test_cli_reason_reports_the_whole_graph_by_default() -> None:
    result = runner.invoke(app, ["reason"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "inferred by reasonable" in result.output
    assert "eco:VirtuousCircleCompany" in result.output
