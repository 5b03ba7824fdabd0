"""Ingest of template tables: round trips, cell forms, encodings, bad input, atomicity, scale."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from ecograph.ingest import IngestFailed, ingest, schema
from ecograph.ingest.cells import CellError, parse_date, parse_number
from ecograph.ingest.schema import TABLE_KINDS, template_dir
from ecograph.ingest.templates import (
    columns_markdown,
    write_csv,
    write_templates,
    write_xlsx,
)
from ecograph.rdf.namespaces import PREFIXES

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "src" / "ecograph" / "data"
EXAMPLES = REPO / "src" / "ecograph" / "ingest" / "templates" / "examples"
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
DOC = "https://w3id.org/ecograph/id/source-example-survey-2019"


def tree(root: Path) -> dict[str, bytes]:
    """Every file below root and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def real_graph_untouched():
    """No test may change the shipped seed or the checkout's own graph/."""
    before = tree(SHIPPED / "graph"), tree(REPO / "graph")
    yield
    assert (tree(SHIPPED / "graph"), tree(REPO / "graph")) == before


def make_home(root: Path) -> Path:
    home = root / "project"
    for part in ("ontology", "graph"):
        shutil.copytree(SHIPPED / part, home / part)
    (home / "in").mkdir()
    return home


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real ontology and graph, made the project through ECOGRAPH_HOME."""
    path = make_home(tmp_path)
    monkeypatch.setenv("ECOGRAPH_HOME", str(path))
    monkeypatch.chdir(path)
    return path


def graph_store(home: Path) -> ox.Store:
    store = ox.Store()
    for f in sorted((home / "graph").rglob("*.trig")):
        store.load(path=f, format=ox.RdfFormat.TRIG)
    return store


def select(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    return {tuple(None if t is None else t.value for t in row) for row in store.query(SPARQL_PREFIXES + query)}


def write_table(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def add_source_table(home: Path) -> Path:
    return write_table(
        home / "in" / "sources.csv",
        [["id", "title", "comment"], ["example-test", "Example test source", "Fictitious, for tests."]],
    )


# ---------------------------------------------------------------- templates, metadata, docs


def test_shipped_templates_follow_their_metadata():
    for kind in TABLE_KINDS:
        names = list(schema(kind).names)
        header = (template_dir() / f"{kind}.csv").read_text(encoding="utf-8").splitlines()
        assert header == [",".join(names)]
        example = next(csv.reader((EXAMPLES / f"{kind}.csv").open(encoding="utf-8")))
        assert example == names
        meta = json.loads((template_dir() / f"{kind}.csv-metadata.json").read_text(encoding="utf-8"))
        assert meta["url"] == f"{kind}.csv"
        assert all(c.get("dc:description") for c in meta["tableSchema"]["columns"])


@pytest.mark.parametrize(
    ("column", "scheme"), [("indicator", "indicators"), ("unit", "units"), ("qualifier", "qualifiers")]
)
def test_allowed_values_are_the_vocabulary(column: str, scheme: str):
    from ecograph.rdf.loading import load_ontology

    concepts = {
        r[0].value.rsplit("/", 1)[1].split("-", 1)[1]
        for r in load_ontology().query(SPARQL_PREFIXES + f"SELECT ?c WHERE {{ ?c skos:inScheme ecoc:{scheme} }}")
    }
    assert set(schema("statistics").column(column).allowed) == concepts


def test_docs_column_reference_is_generated_from_the_metadata():
    text = (REPO / "docs" / "ingest.md").read_text(encoding="utf-8")
    block = text.split("<!-- columns:start -->\n", 1)[1].split("<!-- columns:end -->", 1)[0]
    assert block == columns_markdown()
    assert "| `value` | yes | number |" in block


def test_templates_command_writes_csv_xlsx_metadata_and_examples(tmp_path: Path):
    files = write_templates(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in files}
    for kind in TABLE_KINDS:
        assert {f"{kind}.csv", f"{kind}.xlsx", f"{kind}.csv-metadata.json", f"examples/{kind}.xlsx"} <= names
    sheet = openpyxl.load_workbook(tmp_path / "statistics.xlsx")["statistics"]
    assert [c.value for c in sheet[1]] == list(schema("statistics").names)
    docs = openpyxl.load_workbook(tmp_path / "statistics.xlsx")["columns"]
    assert docs["A4"].value == "value" and "亿" in docs["D4"].value


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("3.15亿", Decimal(315000000)),
        ("1,050,000", Decimal(1050000)),
        ("105万", Decimal(1050000)),
        ("1.05 million", Decimal(1050000)),
        ("１２", Decimal(12)),
        ("1.2万", Decimal(12000)),
        ("2千万", Decimal(20000000)),
        ("-5", Decimal(-5)),
        ("0.5", Decimal("0.5")),
        (410000, Decimal(410000)),
    ],
)
def test_numbers_become_base_units(cell: object, value: Decimal):
    assert parse_number(cell) == value


@pytest.mark.parametrize("cell", ["1.050.000", "1,05", "over 20", "超过20", "twenty", "12%"])
def test_numbers_refused(cell: str):
    with pytest.raises(CellError):
        parse_number(cell)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("2018-10-29", "2018-10-29"),
        ("2018/10/29", "2018-10-29"),
        ("2018年10月29日", "2018-10-29"),
        ("2018", "2018"),
        ("2018年", "2018"),
    ],
)
def test_dates_in_common_forms(cell: str, value: str):
    parsed = parse_date(cell)
    assert (parsed if isinstance(parsed, str) else parsed.isoformat()) == value


def test_ambiguous_dates_are_refused_with_a_reason():
    with pytest.raises(CellError, match=r"ambiguous \(29/10/2018 or 10/29/2018\?\): write the year first"):
        parse_date("29/10/2018")
    with pytest.raises(CellError, match="a month without a day is not supported"):
        parse_date("2018-10")
    with pytest.raises(CellError, match="this day does not exist"):
        parse_date("2018-02-30")


# ---------------------------------------------------------------- round trip of every template


@pytest.fixture(scope="module", params=["csv", "xlsx"])
def ingested(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The filled examples (as CSV, or as XLSX written by write_templates) ingested into a copy of the project."""
    fmt = request.param
    root = tmp_path_factory.mktemp(f"examples-{fmt}")
    home = make_home(root)
    if fmt == "csv":
        files = sorted(EXAMPLES.glob("*.csv"))
    else:
        write_templates(root / "tables")
        files = sorted((root / "tables" / "examples").glob("*.xlsx"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECOGRAPH_HOME", str(home))
        result = ingest(files)
    return fmt, home, result, graph_store(home)


EVIDENCE = """
SELECT ?title ?document WHERE {{
  GRAPH ?g {{ {pattern} }}
  ?g prov:wasDerivedFrom ?section .
  ?section a eco:SourceSection ; dcterms:title ?title ; dcterms:isPartOf ?document .
}}"""

FACTS = {
    "organisations": (
        5,
        """ecod:example-robotics a eco:PrivateEnterprise ; org:classification ecoc:category-private-enterprise ;
        rdfs:label "Example Robotics Co."@en , "示例机器人公司"@zh ; skos:altLabel "ExRobo"@en , "示例机器人"@zh ;
        eco:inSector ecoc:sector-industrial-robots , ecoc:sector-example-service-robotics ;
        eco:foundingYear "2015"^^xsd:gYear ; schema:foundingDate "2015-03-01"^^xsd:date ; schema:url <https://www.example.com> ;
        prov:wasDerivedFrom ?section""",
    ),
    "spaces": (
        5,
        """ecod:example-robotics-spaces a eco:SpaceGroup ; eco:unnamedInSource true .
        FILTER NOT EXISTS { ecod:example-robotics-spaces rdfs:label ?any }""",
    ),
    "incubation": (2, "ecod:example-robotics eco:graduatedFrom ecod:example-incubator ; prov:wasDerivedFrom ?section"),
    "founding": (
        2,
        """ecod:example-robotics-spaces schema:founder ecod:example-robotics ;
        eco:foundingYear "2018"^^xsd:gYear ; schema:foundingDate "2018-06-01"^^xsd:date""",
    ),
    "events": (
        3,
        """ecod:example-forum-2019 a eco:ForumEdition ; schema:superEvent ecod:example-forum ;
        eco:eventYear "2019"^^xsd:gYear ; schema:startDate "2019-10-08"^^xsd:date ; schema:endDate "2019-10-10"^^xsd:date ;
        schema:location ecod:example-convention-hall ; eco:theme ?theme ; schema:contactPoint ?contact .
        ?theme skos:prefLabel "Examples of innovation"@en .
        ?contact schema:telephone "+86-10-0000-0000" ; schema:email "info@example.org" .""",
    ),
    "statistics": (
        3,
        """ecod:obs-2019-example-robotics-investment-total a eco:StatisticalObservation ;
        qb:dataSet ecod:dataset-organisation-figures ; eco:indicator ecoc:indicator-investment-total ;
        eco:refSubject ecod:example-robotics ; eco:refPeriod "2019"^^xsd:gYear ; eco:obsValue 315000000 ;
        eco:unit ecoc:unit-yuan ; eco:qualifier ecoc:qualifier-about""",
    ),
}


@pytest.mark.parametrize("kind", sorted(FACTS))
def test_round_trip_each_template_with_its_evidence(ingested, kind: str):
    fmt, _, _, store = ingested
    row, pattern = FACTS[kind]
    assert select(store, EVIDENCE.format(pattern=pattern)) == {(f"{kind}.{fmt}, row {row}", DOC)}


def test_round_trip_sources_table_describes_the_document(ingested):
    _, _, _, store = ingested
    rows = select(
        store,
        """SELECT ?title ?comment WHERE {
        ecod:source-example-survey-2019 a eco:SourceDocument ; dcterms:title ?title ; rdfs:comment ?comment ;
            dcterms:issued "2019"^^xsd:gYear ; dcterms:publisher ecod:example-statistics-office }""",
    )
    assert len(rows) == 1
    title, comment = rows.pop()
    assert title == "Example survey 2019 (fictitious)" and comment.startswith("FICTITIOUS")


def test_round_trip_figures_in_base_units(ingested):
    _, _, _, store = ingested
    rows = select(
        store,
        """SELECT ?obs ?value ?growth ?compared WHERE {
        GRAPH ?g { ?obs eco:refSubject ?s ; eco:obsValue ?value . OPTIONAL { ?obs eco:growthRate ?growth ; eco:growthComparedWith ?compared } }
        FILTER(STRSTARTS(STR(?obs), "https://w3id.org/ecograph/id/obs-2019-example")) }""",
    )
    # Oxigraph answers numbers in canonical form; compare them as numbers.
    by_id = {r[0].rsplit("/", 1)[1]: (Decimal(r[1]), r[2] and Decimal(r[2]), r[3]) for r in rows}
    assert by_id["obs-2019-example-robotics-turnover"] == (1050000, Decimal("12.5"), "2018")
    assert by_id["obs-2019-example-forum-participants"] == (12000, None, None)
    assert by_id["obs-2019-example-valley-makers-space-enterprises-served"] == (35, -5, "2018")
    assert "eco:growthRate -5.0 ;" in (ingested[1] / "graph" / "ingested" / "example-survey-2019.trig").read_text()


def test_example_ingest_is_valid_and_reports_no_duplicates(ingested):
    _, home, result, _ = ingested
    assert [o.path for o in result.outputs] == ["graph/ingested/example-survey-2019.trig"]
    assert result.notes == [] and result.duplicates == []
    from ecograph.validation.validate import validate_store

    assert validate_store(graph_store(home)).conforms


# ---------------------------------------------------------------- idempotence, replacement, duplicates


def test_same_tables_twice_give_byte_identical_output(home: Path):
    files = sorted(EXAMPLES.glob("*.csv"))
    ingest(files, validate=False)
    first = tree(home / "graph")
    second = ingest(files, validate=False)
    assert tree(home / "graph") == first
    assert [o.changed for o in second.outputs] == [False]


def test_ingesting_a_table_again_replaces_its_rows_only(home: Path):
    add_source_table(home)
    orgs = home / "in" / "organisations.csv"
    write_table(
        orgs,
        [
            ["id", "name_en", "type"],
            ["example-one", "Example One", "enterprise"],
            ["example-two", "Example Two", "enterprise"],
        ],
    )
    write_table(home / "in" / "spaces.csv", [["id", "name_en", "type"], ["example-hub", "Example Hub", "incubator"]])
    ingest([home / "in" / "sources.csv", orgs, home / "in" / "spaces.csv"], validate=False)
    write_table(orgs, [["id", "name_en", "type"], ["example-one", "Example One", "enterprise"]])
    ingest([orgs], source="example-test", validate=False)
    ids = {
        r[0].rsplit("/", 1)[1]
        for r in select(
            graph_store(home), "SELECT ?s WHERE { GRAPH ?g { ?s rdfs:label ?l } FILTER(STRSTARTS(?l, 'Example')) }"
        )
    }
    assert ids == {"example-one", "example-hub"}


def test_likely_duplicates_are_reported_never_merged(home: Path):
    add_source_table(home)
    orgs = write_table(
        home / "in" / "organisations.csv",
        [
            ["id", "name_en", "name_zh", "aliases", "type"],
            ["haier", "haier  group", "", "", "enterprise"],
            ["tengxun", "Tengxun", "腾讯", "", "enterprise"],
        ],
    )
    result = ingest([home / "in" / "sources.csv", orgs], validate=False)
    assert [str(d) for d in result.duplicates] == [
        "likely the same thing: haier 'haier  group' (in/organisations.csv row 2); haier-group 'Haier Group' (graph)"
    ]
    store = graph_store(home)
    assert select(store, "SELECT ?l WHERE { GRAPH ?g { ecod:haier rdfs:label ?l } }") == {("haier  group",)}
    assert ("Haier Group",) in select(store, "SELECT ?l WHERE { GRAPH ?g { ecod:haier-group rdfs:label ?l } }")

    write_table(
        orgs, [["id", "name_en", "name_zh", "aliases", "type"], ["tengxun", "Tengxun", "腾讯", "Tencent", "enterprise"]]
    )
    result = ingest([home / "in" / "sources.csv", orgs], validate=False)
    assert [d.as_dict()["members"] for d in result.duplicates] == [
        [
            {"id": "tencent", "name": "Tencent", "where": "graph"},
            {"id": "tengxun", "name": "Tencent", "where": "in/organisations.csv row 2"},
        ]
    ]


def test_same_id_in_two_sources_is_one_node(home: Path):
    write_table(home / "in" / "incubation.csv", [["company", "carrier"], ["huibo", "sudatiangong-makers-space"]])
    add_source_table(home)
    ingest([home / "in" / "sources.csv", home / "in" / "incubation.csv"])
    rows = select(
        graph_store(home),
        """SELECT ?title WHERE { GRAPH ?g { ecod:huibo eco:incubatedBy ?c } ?g prov:wasDerivedFrom ?s . ?s dcterms:title ?title }""",
    )
    assert rows == {
        (
            "Makers' spaces cultivate a large number of excellent enterprises for transformation and upgrading of conventional industries",
        ),
        ("incubation.csv, row 2",),
    }


# ---------------------------------------------------------------- encodings and formula-like text


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_encodings_are_detected(home: Path, encoding: str):
    add_source_table(home)
    orgs = write_table(
        home / "in" / "organisations.csv",
        [["id", "name_en", "name_zh", "type"], ["example-code", "Example Code Co.", "示例编码公司", "enterprise"]],
        encoding,
    )
    result = ingest([home / "in" / "sources.csv", orgs], validate=False)
    assert result.tables[1].encoding == encoding
    assert select(
        graph_store(home), 'SELECT ?l WHERE { GRAPH ?g { ecod:example-code rdfs:label ?l FILTER(LANG(?l) = "zh") } }'
    ) == {("示例编码公司",)}


def test_formula_like_text_stays_text_in_xlsx_and_csv(home: Path):
    tmpl = schema("organisations")
    row = ["example-formula", "=1+2", "", "@sum|-minus|+plus", "enterprise"] + [""] * (len(tmpl.names) - 5)
    write_xlsx(home / "in" / "organisations.xlsx", tmpl, [row])
    cells = openpyxl.load_workbook(home / "in" / "organisations.xlsx")["organisations"][2]
    assert [(c.value, c.data_type) for c in cells[1:2]] == [("=1+2", "s")]
    assert cells[1].quotePrefix and cells[3].value == "@sum|-minus|+plus" and cells[3].data_type == "s"
    write_csv(home / "in" / "organisations.csv", list(tmpl.names), [row])
    assert "'=1+2,,'@sum|-minus|+plus," in (home / "in" / "organisations.csv").read_text(encoding="utf-8")
    add_source_table(home)
    for table in ("organisations.xlsx", "organisations.csv"):
        ingest([home / "in" / "sources.csv", home / "in" / table], validate=False)
        store = graph_store(home)
        assert select(store, "SELECT ?l WHERE { GRAPH ?g { ecod:example-formula rdfs:label ?l } }") == {("=1+2",)}
        assert select(store, "SELECT ?l WHERE { GRAPH ?g { ecod:example-formula skos:altLabel ?l } }") == {
            ("@sum",),
            ("-minus",),
            ("+plus",),
        }


def test_workbook_with_several_tables_and_typed_cells(home: Path):
    import datetime as dt

    book = openpyxl.Workbook()
    sources = book.active
    sources.title = "Sources"
    sources.append(["id", "title"])
    sources.append(["example-book", "Example workbook source"])
    figures = book.create_sheet("statistics")
    figures.append(["indicator", "value", "unit", "year", "subject"])
    figures.append(["participants", 1200, "person", 2019, "example-session"])
    events = book.create_sheet("events")
    events.append(["id", "name_en", "type", "part_of", "start_date"])
    events.append(
        [
            "example-session",
            "Example Session",
            "forum-session",
            "pujiang-innovation-forum-2018",
            dt.datetime(2018, 10, 29),
        ]
    )
    book.save(home / "in" / "book.xlsx")
    result = ingest([home / "in" / "book.xlsx"])
    assert [(t.file, t.kind, t.rows) for t in result.tables] == [
        ("in/book.xlsx[Sources]", "sources", 1),
        ("in/book.xlsx[statistics]", "statistics", 1),
        ("in/book.xlsx[events]", "events", 1),
    ]
    store = graph_store(home)
    assert select(
        store,
        """SELECT ?v ?title WHERE { GRAPH ?g { ecod:obs-2019-example-session-participants eco:obsValue ?v }
        ?g prov:wasDerivedFrom ?s . ?s dcterms:title ?title }""",
    ) == {("1200", "book.xlsx [statistics], row 2")}
    assert select(store, "SELECT ?d WHERE { GRAPH ?g { ecod:example-session schema:startDate ?d } }") == {
        ("2018-10-29",)
    }
    assert select(store, "SELECT ?y WHERE { GRAPH ?g { ecod:example-session eco:eventYear ?y } }") == {("2018",)}


def test_a_file_that_is_not_a_workbook_is_unreadable(home: Path):
    write_table(home / "in" / "organisations.xlsx", [["id"], ["x"]])
    problems, code = failing(home, [home / "in" / "organisations.xlsx"])
    assert code == 2 and len(problems) == 1
    assert problems[0].startswith("in/organisations.xlsx: expected an Excel workbook (.xlsx): ")


# ---------------------------------------------------------------- bad input: every problem, nothing written


def failing(home: Path, files: list[Path], **options) -> tuple[list[str], int]:
    before = tree(home / "graph")
    with pytest.raises(IngestFailed) as info:
        ingest(files, **options)
    assert tree(home / "graph") == before
    return [str(p) for p in info.value.problems], info.value.exit_code


def columns(kind: str) -> str:
    return ", ".join(schema(kind).names)


def test_every_problem_of_every_table_is_reported_at_once(home: Path):
    write_table(
        home / "in" / "organisations.csv",
        [
            ["id", "nmae_en", "name_en", "type"],
            ["example-a", "", "Example A", "companyy"],
            ["example-a", "", "Example A again", "enterprise"],
            ["", "", "", ""],
            ["example-b", "", "Example B", ""],
        ],
    )
    write_table(
        home / "in" / "incubation.csv",
        [["company", "carrier", "relation", "source"], ["ghost", "example-a", "graduated-from", "nowhere"]],
    )
    write_table(
        home / "in" / "statistics.csv",
        [
            ["indicator", "value", "unit", "year", "subject", "qualifier"],
            ["turnover", "over 20", "yuans", "29/10/2018", "huibo", ""],
            ["turnover", "1,05", "yuan", "2018", "", "exact"],
        ],
    )
    (home / "in" / "founding.csv").write_bytes(b"")
    (home / "in" / "events.csv").write_bytes(b"id,name_en,type\nexample-f,\xff\xfe,forum\n")
    problems, code = failing(home, sorted((home / "in").glob("*.csv")), source="latest-progress")
    number = "a number such as 1050000, 1,050,000, 105万, 3.15亿 or 1.05 million"
    assert problems == [
        "in/events.csv: expected text in UTF-8 or GB18030: neither UTF-8 (byte 0xff at offset 26, line 2) nor "
        "GB18030 (byte 0xff at offset 26, line 2); the text breaks off at line 2",
        "in/founding.csv: expected a header row with the columns of the founding table",
        "in/incubation.csv:2: column 'source': found 'nowhere'; expected a source in the sources table or in the graph",
        "in/incubation.csv:2: column 'company': found 'ghost'; expected the id of an organisation in the tables or in the graph",
        "in/incubation.csv:2: column 'carrier': found 'example-a'; expected the id of a space (it is the organisation in in/organisations.csv row 2)",
        f"in/organisations.csv:1: column 'nmae_en': found 'nmae_en'; expected one of the columns {columns('organisations')} (did you mean 'name_en'?)",
        "in/organisations.csv:2: column 'type': found 'companyy'; expected one of organisation, enterprise, state-owned-enterprise, "
        "private-enterprise, university, research-institute, investment-agency, ministry, government-agency, local-government, unit",
        "in/organisations.csv:3: column 'id': found 'example-a'; expected an identifier used once (also the organisation in in/organisations.csv row 2)",
        f"in/organisations.csv:5: column 'type': expected a value (one of {', '.join(schema('organisations').column('type').allowed)})",
        f"in/statistics.csv:2: column 'value': found 'over 20'; expected {number}, without a word such as 'over' (put it in the qualifier column)",
        f"in/statistics.csv:2: column 'unit': found 'yuans'; expected one of {', '.join(schema('statistics').column('unit').allowed)}",
        "in/statistics.csv:2: column 'year': found '29/10/2018'; expected a year such as 2018 or 2018年",
        f"in/statistics.csv:3: column 'value': found '1,05'; expected {number}",
        "in/statistics.csv:3: column 'area': expected an area or a subject (the figure must be about something)",
    ]
    assert code == 2  # an undecodable file is unreadable


def test_missing_required_column_and_empty_table(home: Path):
    write_table(home / "in" / "incubation.csv", [["company", "relation"], ["huibo", "incubated-by"]])
    write_table(home / "in" / "spaces.csv", [list(schema("spaces").names)])
    problems, code = failing(
        home, [home / "in" / "incubation.csv", home / "in" / "spaces.csv"], source="latest-progress"
    )
    assert problems == [
        "in/incubation.csv:1: column 'carrier': expected a column 'carrier' (required)",
        "in/spaces.csv: expected at least one data row below the header",
    ]
    assert code == 1


def test_unknown_source_and_table_name(home: Path):
    write_table(home / "in" / "notes.csv", [["a"], ["b"]])
    write_table(home / "in" / "founding.csv", [["founder", "founded", "date"], ["huibo", "suhehui", "2018年10月"]])
    problems, _ = failing(home, [home / "in" / "notes.csv", home / "in" / "founding.csv"])
    assert problems == [
        "in/founding.csv:2: column 'date': found '2018年10月'; expected a date as 2018-10-29, 2018/10/29, 2018年10月29日, "
        "or a year such as 2018; a month without a day is not supported: give the day or the year only",
        "in/founding.csv:2: column 'source': expected a source id here, the --source option, or exactly one row in a sources table",
        "in/notes.csv: found 'notes.csv'; expected the file named after one of the tables: sources, organisations, spaces, "
        "incubation, founding, events, statistics (e.g. organisations-2019.csv)",
    ]


def test_graph_that_breaks_the_shapes_is_not_written(home: Path):
    add_source_table(home)
    write_table(
        home / "in" / "events.csv",
        [["id", "name_en", "type", "start_date"], ["example-edition", "Example Edition", "forum-edition", "2019"]],
    )
    problems, code = failing(home, [home / "in" / "sources.csv", home / "in" / "events.csv"])
    assert code == 1 and len(problems) == 1
    assert problems[0].startswith("graph/ingested/example-test.trig: expected a graph that conforms to the shapes")
    assert "ecod:example-edition" in problems[0] and "schema:superEvent" in problems[0]


def test_a_crash_while_writing_leaves_the_graph_and_no_temporary_files(home: Path, monkeypatch: pytest.MonkeyPatch):
    ingest(sorted(EXAMPLES.glob("*.csv")), validate=False)
    before = tree(home / "graph")
    add_source_table(home)
    write_table(
        home / "in" / "organisations.csv", [["id", "name_en", "type"], ["example-crash", "Example Crash", "enterprise"]]
    )

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("ecograph.utils.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        ingest([home / "in" / "sources.csv", home / "in" / "organisations.csv"], validate=False)
    assert tree(home / "graph") == before


def test_dry_run_writes_nothing(home: Path):
    result = ingest(sorted(EXAMPLES.glob("*.csv")), dry_run=True)
    assert result.outputs[0].changed and not (home / "graph" / "ingested").exists()


# ---------------------------------------------------------------- command line


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ECOGRAPH_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "ecograph", *args], cwd=home, env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_json_problems_and_exit_codes(home: Path):
    write_table(home / "in" / "incubation.csv", [["company", "carrier"], ["ghost", "suhehui"]])
    done = run_cli(home, "ingest", "in/incubation.csv", "--source", "latest-progress", "--format", "json")
    assert done.returncode == 1
    body = json.loads(done.stdout)
    assert body["ok"] is False and body["exit_code"] == 1
    assert [(p["file"], p["row"], p["column"], p["value"], p["kind"]) for p in body["problems"]] == [
        ("in/incubation.csv", 2, "company", "ghost", "reference")
    ]
    done = run_cli(home, "ingest", "in/missing.csv")
    assert done.returncode == 2 and "in/missing.csv: expected an existing file" in done.stderr
    assert not (home / "graph" / "ingested").exists()


def test_cli_ingest_examples(home: Path):
    done = run_cli(home, "ingest", *map(str, sorted(EXAMPLES.glob("*.csv"))))
    assert done.returncode == 0, done.stderr
    assert "wrote graph/ingested/example-survey-2019.trig: 21 rows from source example-survey-2019" in done.stdout


# ---------------------------------------------------------------- scale


def test_ingest_of_100000_rows(home: Path, capsys: pytest.CaptureFixture):
    rows = 100_000
    path = home / "in" / "organisations-bulk.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("id,name_en,type,founding_date\n")
        for i in range(rows):
            f.write(f"example-bulk-{i},Example Bulk Company {i},enterprise,2015\n")
    start = time.perf_counter()
    # Validated like any ingest: the whole graph, 900,000 new statements, against the shapes and checks.
    result = ingest([path], source="latest-progress")
    seconds = time.perf_counter() - start
    assert result.outputs[0].rows == rows
    store = ox.Store()
    store.load(path=home / "graph" / "ingested" / "latest-progress.trig", format=ox.RdfFormat.TRIG)
    count = select(
        store,
        """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        GRAPH ?g { ?e a eco:Enterprise ; prov:wasDerivedFrom ?section } ?g prov:wasDerivedFrom ?section .
        ?section dcterms:isPartOf ecod:source-latest-progress }""",
    )
    assert count == {(str(rows),)}
    with capsys.disabled():
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n[ingest] {rows} rows in {seconds:.1f} s; peak RSS of the test process {peak:.0f} MB")
