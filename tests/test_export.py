"""Tests of ecograph.rdf.export: determinism, graph handling, round trips and atomic writes."""

from __future__ import annotations

import io
import json
import os
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from ecograph.rdf.export import ExportFormat, export, export_all, statements, trig_spliced
from ecograph.utils import atomic_write

EX = "https://w3id.org/ecograph/id/"
TRIG = f"""
@prefix ecod: <{EX}> .
@prefix ecog: <https://w3id.org/ecograph/graph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ecod:x rdfs:comment "in the default graph" .
ecog:s1 {{
    ecod:a rdfs:label "A"@en , "A \\"two\\"\\nlines" ;
        ecod:n 3 ; ecod:d "2020-01-01"^^xsd:date ; ecod:p ecod:b .
}}
ecog:s2 {{
    ecod:a ecod:p ecod:b .
    ecod:c ecod:p [ ecod:q 1 ; ecod:r [ ecod:q 2 ] ] .
}}
""".encode()
RDFLIB_FORMATS = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.NTRIPLES: "nt",
    ExportFormat.TRIG: "trig",
    ExportFormat.JSONLD: "json-ld",
    ExportFormat.NQUADS: "nquads",
}


def quads(data: bytes = TRIG) -> list[ox.Quad]:
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TRIG)
    return list(store)


def test_file_extensions_and_graph_support() -> None:
    assert {f.file_extension for f in ExportFormat} == {"ttl", "nt", "trig", "jsonld", "nq"}
    assert [f.name for f in ExportFormat if f.supports_datasets] == ["TRIG", "JSONLD", "NQUADS"]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_output_does_not_depend_on_input_order_or_blank_node_ids(fmt: ExportFormat) -> None:
    # Each parse gives the blank nodes new random ids; shuffling changes the input order.
    outputs = set()
    for seed in range(4):
        data = quads()
        random.Random(seed).shuffle(data)
        outputs.add(export(data, fmt))
    assert len(outputs) == 1
    assert b"_:c14n" in outputs.pop()


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_store_and_quad_list_give_the_same_bytes(fmt: ExportFormat) -> None:
    store = ox.Store()
    store.load(TRIG, format=ox.RdfFormat.TRIG)
    assert export(store, fmt) == export(list(store), fmt)


def test_triple_formats_write_the_deduplicated_union() -> None:
    nt = export(quads(), ExportFormat.NTRIPLES).decode().splitlines()
    ab = f"<{EX}a> <{EX}p> <{EX}b> ."
    assert nt.count(ab) == 1  # stated in both ecog:s1 and ecog:s2
    assert len(nt) == len(set(nt)) == 10
    nq = export(quads(), ExportFormat.NQUADS).decode().splitlines()
    assert sum(line.startswith(ab[:-1]) for line in nq) == 2
    assert len(nq) == 11


def test_statements_are_sorted_by_graph_subject_predicate_object() -> None:
    stmts = statements(quads(), ExportFormat.NQUADS)
    keys = [
        ("" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
        for q in stmts
    ]
    assert keys == sorted(keys)
    assert isinstance(stmts[0].graph_name, ox.DefaultGraph)
    assert all(isinstance(t, ox.Triple) for t in statements(quads(), ExportFormat.TURTLE))


def test_only_used_prefixes_are_declared() -> None:
    ttl = export(quads(), ExportFormat.TURTLE).decode()
    declared = {line.split()[1] for line in ttl.splitlines() if line.startswith("@prefix")}
    assert declared == {"ecod:", "rdfs:", "xsd:"}
    trig = export(quads(), ExportFormat.TRIG).decode()
    assert "@prefix ecog: <https://w3id.org/ecograph/graph/> ." in trig
    assert "@prefix skos:" not in trig


def _contexts(node: object) -> list[object]:
    if isinstance(node, dict):
        found = [node["@context"]] if "@context" in node else []
        return found + [c for v in node.values() for c in _contexts(v)]
    if isinstance(node, list):
        return [c for v in node for c in _contexts(v)]
    return []


def test_jsonld_has_no_remote_context() -> None:
    doc = json.loads(export(quads(), ExportFormat.JSONLD))
    for context in _contexts(doc):
        assert "http://" not in json.dumps(context) and "https://" not in json.dumps(context)
    graphs = {n["@id"] for n in doc if "@graph" in n}
    assert graphs == {"https://w3id.org/ecograph/graph/s1", "https://w3id.org/ecograph/graph/s2"}


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_round_trip_through_pyoxigraph(fmt: ExportFormat, nquads) -> None:
    data = quads()
    parsed = list(ox.parse(export(data, fmt), format=fmt.rdf_format))
    expected = data if fmt.supports_datasets else [q.triple for q in data]
    assert nquads(parsed) == nquads(expected)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_round_trip_through_rdflib(fmt: ExportFormat) -> None:
    body = export(quads(), fmt)
    expected = rdflib.Dataset()
    expected.parse(data=TRIG, format="trig")
    if fmt.supports_datasets:
        got = rdflib.Dataset()
        got.parse(data=body, format=RDFLIB_FORMATS[fmt])
        names = {g.identifier for g in expected.graphs() if len(g)}
        assert names == {g.identifier for g in got.graphs() if len(g)}
        for name in names:
            assert isomorphic(expected.graph(name), got.graph(name)), name
    else:
        union = rdflib.Graph()
        for s, p, o, _ in expected.quads((None, None, None, None)):
            union.add((s, p, o))
        got = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[fmt])
        assert isomorphic(union, got)


@pytest.mark.parametrize(
    ("fmt", "syntax"),
    [(ExportFormat.TURTLE, "turtle"), (ExportFormat.NTRIPLES, "ntriples"), (ExportFormat.TRIG, "trig")],
)
def test_rapper_accepts_the_output(fmt: ExportFormat, syntax: str, tmp_path: Path, rapper) -> None:
    path = tmp_path / f"out.{fmt.file_extension}"
    export(quads(), fmt, path)
    result = rapper(path, syntax)
    assert result.returncode == 0, result.stderr
    expected = 11 if fmt.supports_datasets else 10
    assert f"returned {expected} triples" in result.stderr


def test_output_argument_decides_between_bytes_and_writing(tmp_path: Path) -> None:
    body = export(quads(), ExportFormat.TURTLE)
    assert isinstance(body, bytes)
    path = tmp_path / "out.ttl"
    assert export(quads(), ExportFormat.TURTLE, path) is None
    assert path.read_bytes() == body
    assert export(quads(), ExportFormat.TURTLE, str(path)) is None
    buffer = io.BytesIO()
    assert export(quads(), ExportFormat.TURTLE, buffer) is None
    assert buffer.getvalue() == body


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_bytes(b"old content that is longer than the new one")
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ttl"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_failed_atomic_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.ttl"
    path.write_bytes(b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        export(quads(), ExportFormat.TURTLE, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ttl"]


def test_terms_that_are_prefixes_of_others_sort_first_whatever_the_input_order() -> None:
    # N-Triples lines are sorted as bytes; a term that is a prefix of another must still come first.
    ex, label = ox.NamedNode(f"{EX}a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    objects = [ox.Literal("A"), ox.Literal("A", language="en"), ox.Literal("A b"), ox.Literal("A", datatype=ox.NamedNode(f"{EX}t"))]
    data = [ox.Triple(s, label, o) for s in (ex, ox.NamedNode(f"{EX}a-b"), ox.NamedNode(f"{EX}a/b")) for o in objects]
    outputs = set()
    for seed in range(3):
        random.Random(seed).shuffle(data)
        stmts = statements(data, ExportFormat.NTRIPLES)
        keys = [(str(t.subject), str(t.predicate), str(t.object)) for t in stmts]
        assert keys == sorted(keys) and len(keys) == 12
        outputs.add(export(data, ExportFormat.NTRIPLES))
    assert len(outputs) == 1


def test_rdf_prefix_is_declared_only_when_rdf_type_is_not_just_the_predicate() -> None:
    a, b = ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}b")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    as_predicate = export([ox.Triple(a, rdf_type, b)], ExportFormat.TURTLE).decode()
    assert "@prefix rdf:" not in as_predicate and " a ecod:b" in as_predicate
    as_object = export([ox.Triple(a, ox.NamedNode(f"{EX}p"), rdf_type)], ExportFormat.TURTLE).decode()
    assert "@prefix rdf:" in as_object and "rdf:type" in as_object


@pytest.mark.parametrize("fmt", [ExportFormat.TRIG, ExportFormat.NTRIPLES])
def test_triples_in_the_input_are_default_graph_statements(fmt: ExportFormat) -> None:
    data = quads()
    default = [q for q in data if isinstance(q.graph_name, ox.DefaultGraph)]
    mixed = [q.triple if isinstance(q.graph_name, ox.DefaultGraph) else q for q in data] + [default[0].triple]
    assert export(mixed, fmt) == export(data, fmt)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_statements_naming_their_own_graph_survive(fmt: ExportFormat, nquads) -> None:
    data = TRIG + b"ecog:s1 { ecod:a ecod:p ecog:s1 . ecog:s1 ecod:p ecog:s1 . }"
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TRIG)
    body = export(store, fmt)
    assert body == export(list(store), fmt)
    parsed = list(ox.parse(body, format=fmt.rdf_format))
    expected = list(store) if fmt.supports_datasets else [q.triple for q in store]
    assert nquads(parsed) == nquads(expected)


def test_export_all_writes_what_export_writes_and_counts_it(tmp_path: Path) -> None:
    # Blank nodes included: the shared text is canonicalised once for all formats.
    store = ox.Store()
    store.extend(quads())
    targets = [(fmt, tmp_path / f"out.{fmt.file_extension}") for fmt in ExportFormat]
    counts = export_all(store, targets)
    for (fmt, path), count in zip(targets, counts, strict=True):
        assert path.read_bytes() == export(store, fmt), fmt
        assert count == len(statements(store, fmt)), fmt


SHARED_BLANK = TRIG + f"""
@prefix ecod: <{EX}> .
@prefix ecog: <https://w3id.org/ecograph/graph/> .
_:shared ecod:p ecod:a .
ecog:s3 {{ _:shared ecod:q "one" . ecod:a ecod:r _:other . _:other ecod:r _:shared . }}
_:named {{ ecod:a ecod:p "in a graph named by a blank node" . ecod:see ecod:iri <{EX}a_:b> . }}
""".encode()


@pytest.mark.parametrize("fmt", [ExportFormat.NQUADS, ExportFormat.NTRIPLES])
def test_blank_nodes_get_the_labels_rdfc_gives_the_whole_dataset(fmt: ExportFormat) -> None:
    # The export relabels only statements that hold a blank node; RDFC-1.0 over everything must agree.
    data = quads(SHARED_BLANK)
    triples = (ox.Quad(q.subject, q.predicate, q.object) for q in data)
    whole = ox.Dataset(data if fmt.supports_datasets else triples)
    whole.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected = sorted(set(ox.serialize(whole, format=fmt.rdf_format).splitlines()))
    written = export(data, fmt).splitlines()
    assert written == expected if fmt is ExportFormat.NTRIPLES else sorted(written) == expected
    assert any(b"_:c14n" in line for line in written)


NO_BLANK = f"""
@prefix ecod: <{EX}> .
@prefix ecog: <https://w3id.org/ecograph/graph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ecod:x rdfs:comment "in the default graph" .
ecog:s1 {{ ecod:a rdfs:label "A"@en , "A {{\\n}}" ; ecod:n 3 ; ecod:p ecod:b . }}
ecog:s3 {{ ecod:c ecod:p ecod:b . }}
""".encode()
OWL = "http://www.w3.org/2002/07/owl#"
ADDED = f"""
@prefix ecod: <{EX}> .
@prefix ecog: <https://w3id.org/ecograph/graph/> .
@prefix owl: <{OWL}> .
ecog:s2 ecod:from ecod:ontology .
ecog:s2 {{ ecod:a owl:equivalentClass [ owl:unionOf ( ecod:b ecod:c ) ] . }}
ecog:s4 {{ ecod:d a owl:Class . }}
""".encode()


@pytest.mark.parametrize(
    ("data", "added"),
    [
        (NO_BLANK, ADDED),  # the data's named graphs keep their TriG text
        (TRIG, ADDED),  # a blank node in the data: everything is serialised again
        (NO_BLANK, ADDED + f"<https://w3id.org/ecograph/graph/s1> {{ <{EX}e> <{EX}p> <{EX}f> . }}".encode()),
        (NO_BLANK, b""),
    ],
    ids=["own-graphs", "blank-in-data", "into-a-data-graph", "nothing-added"],
)
def test_trig_with_writes_what_export_writes_of_data_and_additions(tmp_path: Path, data: bytes, added: bytes) -> None:
    store = ox.Store()
    store.extend(quads(data))
    additions = quads(added)
    counts = export_all(store, [(ExportFormat.TRIG, tmp_path / "data.trig")], trig_with=[(additions, tmp_path / "full.trig")])
    both = ox.Store()
    both.extend(store)
    both.extend(additions)
    written = (tmp_path / "full.trig").read_bytes()
    assert written == export(both, ExportFormat.TRIG)
    assert counts == [len(store), len(both)]
    assert (tmp_path / "data.trig").read_bytes() == export(store, ExportFormat.TRIG)
    assert len(store) == len(quads(data))  # the data store is left as it was


@pytest.mark.parametrize(
    ("parts", "added", "spliced"),
    [
        ([NO_BLANK, NO_BLANK.replace(b"ecog:s1", b"ecog:t1").replace(b"ecog:s3", b"ecog:t0").replace(b'"A"@en', b'"B"@en')], b"", True),
        ([NO_BLANK], ADDED, True),  # blank nodes in what is added are labelled with the default graphs
        ([TRIG, NO_BLANK.replace(b"ecog:s1", b"ecog:t1").replace(b"ecog:s3", b"ecog:t3")], b"", False),  # a blank node in a part
        ([NO_BLANK, NO_BLANK], b"", False),  # the same named graph in two parts
        ([NO_BLANK], f"<https://w3id.org/ecograph/graph/s3> {{ <{EX}e> <{EX}p> <{EX}f> . }}".encode(), False),
    ],
    ids=["two-parts", "blank-nodes-added", "blank-in-a-part", "graph-twice", "added-to-a-part's-graph"],
)
def test_trig_spliced_writes_what_export_writes_of_the_union(parts: list[bytes], added: bytes, spliced: bool) -> None:
    texts = [(export(quads(part), ExportFormat.TRIG), len(set(quads(part)))) for part in parts]
    result = trig_spliced(texts, quads(added))
    if not spliced:
        assert result is None
        return
    assert result is not None
    union = ox.Store()
    for part in parts:
        union.extend(quads(part))
    union.extend(quads(added))
    assert result == (export(union, ExportFormat.TRIG), len(union))
