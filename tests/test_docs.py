"""The README keeps its promises: the two commands first, CI runs the second, the catalogue table is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecograph.sparql.catalogue import catalogue_table

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert commands[:2] == [
        "bash scripts/setup.sh && .venv/bin/ecograph run",
        "bash scripts/setup.sh && .venv/bin/python -m pytest",
    ]
    assert README.index(commands[0]) < 40
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == commands[1]


def test_readme_catalogue_table_is_generated_from_the_queries():
    section = README.split("<!-- catalogue:start -->\n", 1)[1].split("\n<!-- catalogue:end -->", 1)[0]
    assert section == catalogue_table()


def test_readme_links_point_to_files_that_exist():
    for target in re.findall(r"\]\(((?:docs|src|tests)/[^)#]+)\)", README):
        assert (REPO / target).exists(), target


def test_every_command_is_in_the_readme_commands_table():
    from ecograph.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    assert sorted(n for n in names if f"`ecograph {n}" not in table) == []
    assert "`ecograph --home DIR COMMAND`" in table


def _commands() -> list[tuple[str, list[tuple[str, ...]]]]:
    """Every command and, for each option, its long names (``--reason`` with ``--no-reason``)."""
    from typer.main import get_command

    from ecograph.cli import app

    group = get_command(app)
    return [
        (name, [tuple(o for o in (*p.opts, *p.secondary_opts) if o.startswith("--")) for p in cmd.params if p.param_type_name == "option"])
        for name, cmd in sorted(group.commands.items())
    ]


COMMANDS = _commands()
CLI_DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def test_the_cli_has_commands_and_options_to_check():
    names = [name for name, _ in COMMANDS]
    assert {"build", "run", "query", "serve", "viz", "ingest"} <= set(names)
    assert ("--format",) in dict(COMMANDS)["query"]


@pytest.mark.parametrize(("command", "options"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_option_is_in_the_readme_table(command: str, options: list[tuple[str, ...]]):
    table = README.split("## Commands", 1)[1].split("\n\n", 2)[1]
    rows = [row for row in table.splitlines() if re.search(rf"`ecograph {command}\b", row)]
    assert len(rows) == 1, f"ecograph {command} needs one row in the README's command table"
    missing = [names[0] for names in options if not any(re.search(rf"{n}\b", rows[0]) for n in names)]
    assert missing == [], f"ecograph {command}: options not in the README's table"


@pytest.mark.parametrize(("command", "options"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_option_is_in_the_command_reference(command: str, options: list[tuple[str, ...]]):
    sections = {s.split("\n", 1)[0].strip(): s for s in CLI_DOC.split("\n## ")[1:]}
    section = sections.get(f"ecograph {command}")
    assert section is not None, f"docs/cli.md needs a section '## ecograph {command}'"
    missing = [names[0] for names in options if not any(f"`{n}`" in section for n in names)]
    assert missing == [], f"ecograph {command}: options not in docs/cli.md"


def test_the_command_reference_documents_only_commands_that_exist():
    sections = [s.split("\n", 1)[0].strip() for s in CLI_DOC.split("\n## ")[1:]]
    assert sections == [f"ecograph {name}" for name, _ in COMMANDS]


def _sparql_examples(doc: Path) -> list[str]:
    """The ```sparql blocks of a document, unindented, with the project's prefixes they do not declare."""
    from ecograph.rdf.namespaces import PREFIXES

    text = doc.read_text(encoding="utf-8")
    blocks = []
    for indent, body in re.findall(r"^( *)```sparql\n(.*?)^\1```", text, re.S | re.M):
        query = "\n".join(line[len(indent):] for line in body.splitlines())
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if f"PREFIX {p}:" not in query)
        blocks.append(head + query)
    return blocks


@pytest.fixture(scope="module")
def asserted_store():
    from ecograph.sparql.query import default_store

    return default_store(inferred=False)


def _answer(store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(query, use_default_graph_as_union=True)]


def test_readmes_first_query_shows_the_language_tag_and_gyear_idioms_and_answers(asserted_store):
    first = _sparql_examples(REPO / "README.md")[0]
    assert '"HUIBO"@en' in first and '"2017"^^xsd:gYear' in first
    assert ("https://w3id.org/ecograph/concept/indicator-investment-total", "150000000") in _answer(asserted_store, first)


def test_the_modelling_guides_examples_answer_with_the_sources_facts(asserted_store):
    ecod = "https://w3id.org/ecograph/id/"
    idioms, evidence, groups, investment, total = _sparql_examples(REPO / "docs" / "modelling.md")
    assert _answer(asserted_store, idioms) == _answer(asserted_store, _sparql_examples(REPO / "README.md")[0])
    assert [row[0] for row in _answer(asserted_store, evidence)] == [ecod + "source-latest-progress-s7"]
    assert sorted(_answer(asserted_store, groups)) == [(ecod + "alibaba", "30"), (ecod + "zbj", "20")]  # zbj: over 20
    companies = {row[0].removeprefix(ecod) for row in _answer(asserted_store, investment)}
    assert {"huibo", "flowerplus", "liulishuo", "qichacha"} <= companies and len(companies) == 9
    assert _answer(asserted_store, total) == [("207", "true")]  # a lower bound: "over 20" among the parts
