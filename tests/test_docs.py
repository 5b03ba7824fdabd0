"""The README keeps its promises: the two commands first, CI runs the second, the catalogue table is current."""

from __future__ import annotations

import re
from pathlib import Path

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
