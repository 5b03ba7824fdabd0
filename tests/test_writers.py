"""Result writers take any string: XML outputs stay well-formed, CSV and JSON keep the text exactly."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecograph.endpoint.negotiation import GRAPH_FORMATS, SOLUTION_FORMATS, serialize_solutions, serialize_triples
from ecograph.network.graphml import write_graph
from ecograph.safe_text import xml_safe
from ecograph.sparql.catalogue import parse_query_text
from ecograph.sparql.query import QueryResult

RESULTS = "{http://www.w3.org/2005/sparql-results#}"
FORMAT = {f.name: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS)}
# Any text a literal can hold (pyoxigraph refuses lone surrogates), controls included.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
CONTROLS = "a\x01b\x0bc\x1bd\x7fe"


def query_result(value: str) -> QueryResult:
    query = parse_query_text("SELECT ?x WHERE {}", "q", require_header=False)
    return QueryResult(query, "select", ["x"], [(ox.Literal(value),)])


def xml_literal(body: bytes) -> str:
    literal = ET.fromstring(body).find(f"{RESULTS}results/{RESULTS}result/{RESULTS}binding/{RESULTS}literal")
    assert literal is not None
    return literal.text or ""


@settings(max_examples=300, deadline=None)
@given(value=any_text)
def test_endpoint_writers_take_any_string(value: str) -> None:
    rows = [[ox.Literal(value)]]
    assert xml_literal(serialize_solutions(["x"], rows, FORMAT["xml"])) == xml_safe(value)
    body = json.loads(serialize_solutions(["x"], rows, FORMAT["json"]))
    assert body["results"]["bindings"][0]["x"]["value"] == value
    table = list(csv.reader(io.StringIO(serialize_solutions(["x"], rows, FORMAT["csv"]).decode(), newline="")))
    assert table == [["x"], [value]]
    graph = [ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(value))]
    ET.fromstring(serialize_triples(graph, FORMAT["rdfxml"]))  # well-formed whatever the text


@settings(max_examples=200, deadline=None)
@given(value=any_text)
def test_query_command_writers_take_any_string(value: str) -> None:
    result = query_result(value)
    ET.fromstring(result.serialize("xml"))
    assert json.loads(result.serialize("json"))["results"]["bindings"][0]["x"]["value"] == value
    rows = list(csv.reader(io.StringIO(result.serialize("csv").decode(), newline="")))
    assert rows[1:] == [[value]] or (value == "" and rows[1:] in ([], [[]]))  # one empty field is an empty line


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_with_control_characters_parse(tmp_path: Path, fmt: str) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("urn:a", label=CONTROLS, kind="organisation", aliases=[CONTROLS, "plain"])
    graph.add_node("urn:b", label="plain", kind="organisation", aliases=[])
    graph.add_edge("urn:a", "urn:b", key="p", predicate="urn:p", note=CONTROLS)
    path = write_graph(graph, tmp_path / f"g.{fmt}")
    ET.parse(path)  # the whole file is well-formed XML
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.nodes["urn:a"]["label"] == "a\ufffdb\ufffdc\ufffdd\x7fe"


def test_query_xml_with_control_characters_parses() -> None:
    assert xml_literal(query_result(CONTROLS).serialize("xml")) == "a\ufffdb\ufffdc\ufffdd\x7fe"
