"""Parameter binding works on the query's tokens: text outside the syntax is never touched."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecograph.sparql.catalogue import parse_query_text
from ecograph.sparql.query import bound_text, run_query
from ecograph.sparql.tokens import max_nesting, tokenize

HUIBO = ox.NamedNode("https://w3id.org/ecograph/id/huibo")
VALUES = "VALUES (?s) { (<https://w3id.org/ecograph/id/huibo>) }"


def bind(text: str, **values: ox.NamedNode | ox.Literal) -> str:
    return bound_text(parse_query_text(text, "q", require_header=False), values)


def test_a_where_inside_a_string_literal_stays_as_written() -> None:
    text = 'SELECT ?t WHERE { ?s ?p ?o BIND("see where { it is }" AS ?t) }'
    bound = bind(text, s=HUIBO)
    assert '"see where { it is }"' in bound
    assert bound == f'SELECT ?t WHERE {{ {VALUES} ?s ?p ?o BIND("see where {{ it is }}" AS ?t) }}'


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?o WHERE { ?s <urn:where> ?o . ?s ?q 'ASK {' }",
        "SELECT ?o # WHERE { in a comment\nWHERE { ?s ?p ?o }",
        "SELECT ?o WHERE { ?s ?p '''multi\nwhere { line''' }",
        "PREFIX where: <urn:w:> SELECT ?o WHERE { ?s where:x ?o }",
    ],
)
def test_where_outside_the_syntax_gets_no_block(text: str) -> None:
    assert bind(text, s=HUIBO).count("VALUES") == 1


def test_select_without_where_and_ask_are_bound() -> None:
    assert bind("SELECT * { ?s ?p ?o }", s=HUIBO) == f"SELECT * {{ {VALUES} ?s ?p ?o }}"
    assert bind("ASK { ?s ?p ?o }", s=HUIBO) == f"ASK {{ {VALUES} ?s ?p ?o }}"


def test_nesting_depth_counts_syntax_only() -> None:
    assert max_nesting("SELECT * { ?s ?p \"{{{{\" } # ((((") == 1
    assert max_nesting("(" * 50_000) == 50_000


# Any text, including quotes, braces, backslashes, newlines and control characters.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(value=any_text)
def test_any_literal_survives_binding_and_nothing_is_injected(value: str) -> None:
    store = ox.Store()
    text = "# param: name type=literal -- a name\nSELECT ?name ?n WHERE { BIND(STRLEN(?name) AS ?n) }"
    answer = run_query(text, store, {"name": value})
    # One row, the value exactly as given: the literal cannot close itself and add syntax.
    assert answer.rows == [(ox.Literal(value), ox.Literal(str(len(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    assert len(store) == 0


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_tokens_give_the_text_back(text: str) -> None:
    assert "".join(t.text for t in tokenize(text)) == text


@settings(max_examples=200, deadline=None)
@given(literal=any_text)
def test_binding_leaves_string_literals_of_the_query_untouched(literal: str) -> None:
    quoted = ox.Literal(literal)  # str() is its SPARQL form, escapes included
    text = f"SELECT ?t WHERE {{ ?s ?p ?o BIND({quoted} AS ?t) }}"
    bound = bind(text, s=HUIBO)
    assert str(quoted) in bound and bound.count("VALUES") == 1
    result = run_query(bound, ox.Store())
    assert result.variables == ["t"]
