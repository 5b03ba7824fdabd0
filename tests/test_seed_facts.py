"""The seed graph says what the source says, section by section, with evidence, and nothing more."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.rdf.loading import load_dataset

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_ff182a9172b10ccc.txt"
PREFIXES = """
PREFIX eco: <https://w3id.org/ecograph/ontology#>
PREFIX ecod: <https://w3id.org/ecograph/id/>
PREFIX ecoc: <https://w3id.org/ecograph/concept/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ID = "https://w3id.org/ecograph/id/"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load_dataset()


def select(store: ox.Store, body: str) -> list[dict[str, str]]:
    rows = store.query(PREFIXES + body, use_default_graph_as_union=True)
    return [{v.value: (t.value if t is not None else None) for v, t in zip(rows.variables, row, strict=True)} for row in rows]


def values(store: ox.Store, body: str, var: str = "x") -> set[str]:
    return {row[var] for row in select(store, body)}


def short(iris: set[str]) -> set[str]:
    return {i.removeprefix(ID) for i in iris}


def figure(store: ox.Store, indicator: str, subject_or_area: str) -> dict[str, str]:
    rows = select(
        store,
        f"""SELECT ?value ?unit ?qualifier ?year ?growth ?gq WHERE {{
            ?o eco:indicator ecoc:{indicator} ; eco:obsValue ?value ; eco:unit ?unit ; eco:qualifier ?qualifier .
            {{ ?o eco:refArea ecod:{subject_or_area} FILTER NOT EXISTS {{ ?o eco:refSubject ?any }} }}
            UNION {{ ?o eco:refSubject ecod:{subject_or_area} }}
            OPTIONAL {{ ?o eco:refPeriod ?year }}
            OPTIONAL {{ ?o eco:growthRate ?growth ; eco:growthQualifier ?gq }} }}""",
    )
    assert len(rows) == 1, rows
    row = rows[0]
    row["unit"] = row["unit"].rsplit("/", 1)[-1].removeprefix("unit-")
    row["qualifier"] = row["qualifier"].rsplit("/", 1)[-1].removeprefix("qualifier-")
    if row["gq"]:
        row["gq"] = row["gq"].rsplit("/", 1)[-1].removeprefix("qualifier-")
    return row


# --- section 1 of the article: national figures ---------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "qualifier", "growth", "growth_qualifier"),
    [
        ("indicator-makers-spaces", 5739, "organisation", "exact", 33, "over"),
        ("indicator-floor-area", 25_000_000, "square-metre", "more-than", None, None),
        ("indicator-jobs-provided", 1_050_000, "job", "over", 36, "over"),
        ("indicator-teams-served", 410_000, "organisation", "over", 52, "exact"),
        ("indicator-new-enterprises", 87_000, "organisation", "exact", 22, "exact"),
        ("indicator-activities", 250_000, "event", "more-than", 37, "exact"),
        ("indicator-people-hired", 1_700_000, "person", "more-than", None, None),
        ("indicator-recent-graduates-hired", 460_000, "person", "over", None, None),
        ("indicator-local-policies", 300, "policy", "over", None, None),
        ("indicator-government-funding", 3_150_000_000, "yuan", "exact", 37, "exact"),
        ("indicator-spaces-by-investment-agencies", 400, "organisation", "over", None, None),
        ("indicator-teams-funded", 18_000, "organisation", "exact", None, None),
        ("indicator-investment-won", 67_000_000_000, "yuan", "about", None, None),
        ("indicator-investment-from-social-sectors", 57_000_000_000, "yuan", "exact", None, None),
        ("indicator-investment-from-spaces", 10_000_000_000, "yuan", "about", None, None),
    ],
)
def test_national_figures_of_2017(store, indicator, value, unit, qualifier, growth, growth_qualifier):
    row = figure(store, indicator, "china")
    assert Decimal(row["value"]) == value
    assert (row["unit"], row["qualifier"], row["year"]) == (unit, qualifier, "2017")
    assert (Decimal(row["growth"]) if row["growth"] else None) == growth
    assert row["gq"] == growth_qualifier


def test_figures_are_attributed_and_cited(store):
    assert values(store, "SELECT ?x WHERE { ?o eco:indicator ecoc:indicator-makers-spaces ; prov:wasAttributedTo ?x }") == {
        ID + "torch-center"
    }
    uncited = select(store, "SELECT ?o WHERE { ?o a eco:StatisticalObservation FILTER NOT EXISTS { ?o prov:wasDerivedFrom ?s } }")
    assert uncited == []


# --- sections 3 and 4: capital, networked brands -------------------------------------------------


def test_network_brands_and_their_reach(store):
    assert short(values(store, "SELECT ?x WHERE { ?x a eco:SpaceNetwork }")) == {"ucommune", "tusstar"}
    assert Decimal(figure(store, "indicator-spaces-operated", "ucommune")["value"]) == 100
    assert Decimal(figure(store, "indicator-countries-covered", "ucommune")["value"]) == 6
    assert Decimal(figure(store, "indicator-cities-covered", "ucommune")["value"]) == 30
    ucommune_enterprises = figure(store, "indicator-enterprises-served", "ucommune")
    assert (Decimal(ucommune_enterprises["value"]), ucommune_enterprises["qualifier"]) == (4000, "over")
    tusstar = select(
        store,
        "SELECT ?area ?v WHERE { ?o eco:refSubject ecod:tusstar ; eco:refArea ?area ; eco:obsValue ?v }",
    )
    assert {(r["area"].removeprefix(ID), int(r["v"])) for r in tusstar} == {("beijing", 8), ("china", 57)}


def test_alibaba_spaces(store):
    # Figures about the spaces Alibaba built are about the group of spaces (eco:SpaceGroup).
    assert values(store, "SELECT ?x WHERE { ecod:alibaba-spaces a eco:SpaceGroup ; schema:founder ?x }") == {ID + "alibaba"}
    assert Decimal(figure(store, "indicator-spaces-operated", "alibaba-spaces")["value"]) == 30
    assert Decimal(figure(store, "indicator-cities-covered", "alibaba-spaces")["value"]) == 25
    served = figure(store, "indicator-enterprises-served", "alibaba-spaces")
    assert (Decimal(served["value"]), served["qualifier"]) == (500, "more-than")
    assert values(store, "SELECT ?x WHERE { ecod:alibaba eco:offersService ?s . ?s rdfs:label ?x }") == {"Alibaba Cloud"}


def test_organisations_that_opened_spaces_section_4(store):
    founders = short(
        values(store, "SELECT ?x WHERE { GRAPH <https://w3id.org/ecograph/graph/latest-progress-s4> { ?space schema:founder ?x } }")
    )
    assert founders == {"pku-entrepreneurs-training-camp", "tencent", "opark", "sinovation-ventures", "3w-coffee"}


# --- section 5: the virtuous circle ---------------------------------------------------------------


def test_graduates_that_found_spaces(store):
    graduates = values(
        store,
        "SELECT ?x WHERE { ?x eco:graduatedFrom ?i . ?i a eco:Incubator . ?space schema:founder ?x . ?space a ?c . "
        "?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* eco:IncubationCarrier }",
    )
    # subClassOf lives in the ontology, not the data: check the carrier classes directly as well.
    graduates |= values(
        store,
        "SELECT ?x WHERE { ?x eco:graduatedFrom ?i . ?space schema:founder ?x . "
        "VALUES ?c { eco:MakerSpace eco:Incubator eco:SpaceGroup eco:SpaceNetwork } ?space a ?c }",
    )
    assert short(graduates) == {"zbj", "iflytek", "daan-gene", "enjoyor"}
    zbj_spaces = figure(store, "indicator-spaces-operated", "zbj-spaces")  # about the group, not about zbj
    assert (Decimal(zbj_spaces["value"]), zbj_spaces["qualifier"], zbj_spaces["year"]) == (20, "over", "2018")
    assert select(store, "SELECT ?o WHERE { ?o eco:refSubject ecod:zbj }") == []
    assert values(store, "SELECT ?x WHERE { ?s schema:founder ecod:iflytek ; rdfs:label ?x }") == {"Particle Space"}


def test_unnamed_incubators_stay_unnamed(store):
    unnamed = values(store, "SELECT ?x WHERE { ?c eco:graduatedFrom ?x }")
    assert len(unnamed) == 4
    for iri in unnamed:
        assert select(store, f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}") == []
        assert select(store, f"SELECT ?f WHERE {{ <{iri}> eco:unnamedInSource ?f }}") == [{"f": "true"}]


def test_not_asserted_virtuous_circle(store):
    assert select(store, "SELECT ?x WHERE { ?x a eco:VirtuousCircleCompany }") == []


# --- section 6: organisation types ---------------------------------------------------------------


def test_organisation_categories(store):
    def members(category: str) -> set[str]:
        return short(values(store, f"SELECT ?x WHERE {{ ?x org:classification ecoc:category-{category} }}"))

    assert members("state-owned-enterprise") == {"haier-group", "avic", "changhong-group", "inspur"}
    assert members("private-enterprise") == {"tencent", "alibaba", "jd-com"}
    assert members("university") == {"peking-university", "sun-yat-sen-university"}
    assert members("research-institute") == {"simit"}
    assert values(store, "SELECT ?x WHERE { ecod:simit org:subOrganizationOf ?o . ?o rdfs:label ?x }") == {"CAS"}


# --- section 7: companies the spaces cultivated ----------------------------------------------------


def test_incubation_pairs_and_figures(store):
    pairs = select(store, "SELECT ?c ?s WHERE { ?c eco:incubatedBy ?s . ?s rdfs:label ?l }")
    assert {(r["c"].removeprefix(ID), r["s"].removeprefix(ID)) for r in pairs} == {
        ("huibo", "sudatiangong-makers-space"),
        ("flowerplus", "suhehui"),
    }
    assert Decimal(figure(store, "indicator-turnover", "huibo")["value"]) == 250_000_000
    assert Decimal(figure(store, "indicator-investment-total", "huibo")["value"]) == 150_000_000
    assert Decimal(figure(store, "indicator-net-sales", "flowerplus")["value"]) == 640_000_000
    monthly = figure(store, "indicator-monthly-turnover", "flowerplus")
    assert (Decimal(monthly["value"]), monthly["unit"], monthly["qualifier"]) == (80_000_000, "yuan-per-month", "exceeds")
    assert Decimal(figure(store, "indicator-financing-rounds-in-a-year", "flowerplus")["value"]) == 4
    cultivated = short(values(store, "SELECT ?x WHERE { ?x eco:incubatedBy ecod:spaces-that-cultivated-section-7-companies ; eco:attractedInvestment true }"))
    assert cultivated == {"liulishuo", "qichacha", "vipmro", "autocloudpro", "eleme", "no1-food-delivery", "zib"}
    # One pattern for "attracted investment": HUIBO (an amount) and Flowerplus (rounds) carry the flag too.
    attracted = short(values(store, "SELECT ?x WHERE { ?x eco:attractedInvestment true }"))
    assert attracted == cultivated | {"huibo", "flowerplus"}
    assert short(values(store, "SELECT ?x WHERE { ?s schema:founder ?x ; eco:followsModel ecoc:model-employee-entrepreneurship }")) == {
        "haier-group",
        "simcere",
    }


# --- closing paragraphs: the report and the policy context ----------------------------------------


def test_report_and_publisher(store):
    rows = select(
        store,
        "SELECT ?title ?year ?pub ?parent WHERE { ecod:report-2018-entrepreneurship-incubation dcterms:title ?title ; "
        "dcterms:issued ?year ; dcterms:publisher ?p . ?p rdfs:label ?pub ; org:subOrganizationOf ?parent }",
    )
    assert rows == [
        {
            "title": "2018 Report on Entrepreneurship and Incubation Development in China",
            "year": "2018",
            "pub": "Torch High Technology Industry Development Center",
            "parent": ID + "most",
        }
    ]
    # Document lineage is dcterms:source; prov:wasDerivedFrom is only ever evidence (a section).
    assert short(values(store, "SELECT ?x WHERE { ecod:source-latest-progress dcterms:source ?x }")) == {"report-2018-entrepreneurship-incubation"}
    assert select(store, "SELECT ?x WHERE { ?s prov:wasDerivedFrom ?x FILTER NOT EXISTS { ?x a eco:SourceSection } }") == []
    assert short(values(store, "SELECT ?x WHERE { ecod:mass-entrepreneurship-and-innovation eco:implements ?x }")) == {
        "innovation-driven-development-strategy"
    }
    assert len(values(store, "SELECT ?x WHERE { ecod:government-work-report-2018 eco:callsFor ?x }")) == 9


# --- the Pujiang Innovation Forum ------------------------------------------------------------------


def test_forum_founders_chair_and_founding_year(store):
    assert short(values(store, "SELECT ?x WHERE { ecod:pujiang-innovation-forum schema:founder ?x }")) == {
        "most",
        "shanghai-municipal-peoples-government",
    }
    # The founding year is eco:foundingYear (xsd:gYear); schema:foundingDate is kept for exact days.
    assert values(store, "SELECT ?x WHERE { ecod:pujiang-innovation-forum eco:foundingYear \"2008\"^^xsd:gYear BIND(1 AS ?x) }") == {"1"}
    chair = select(
        store,
        "SELECT ?name ?title WHERE { ?post org:postIn ecod:pujiang-innovation-forum ; org:role ecoc:role-chairman ; "
        "org:heldBy ?p . ?p rdfs:label ?name ; schema:honorificPrefix ?title . "
        "?m org:member ?p ; org:organization ecod:most ; org:role ecoc:role-minister ; eco:former true }",
    )
    assert chair == [{"name": "Xu Guanhua", "title": "Academician"}]


def test_forum_themes_by_year(store):
    rows = select(
        store,
        "SELECT ?year ?theme WHERE { ?e schema:superEvent ecod:pujiang-innovation-forum ; a eco:ForumEdition ; "
        "eco:eventYear ?d ; eco:theme ?t . ?t skos:prefLabel ?theme BIND(STR(?d) AS ?year) }",
    )
    themes = {r["year"]: r["theme"] for r in rows}
    assert len(themes) == 11
    assert themes["2008"] == "The Path for an Innovation-oriented Country"
    assert themes["2009"] == "Economic Globalization and Independent Innovation"
    assert themes["2013"] == "Innovation-driven Development and the Role of Enterprises"
    assert themes["2016"] == "Two-wheel Drive: S&T Innovation and Institutional Innovation"
    assert themes["2017"] == "Global Science and Technology Innovation Hubs: Patterns and Prospects"
    assert themes["2018"] == "Innovation-driven Development and Supply-side Structural Reform in a New Age"
    # One datatype per kind of date: every edition's year is an xsd:gYear, exact days are xsd:date.
    kinds = select(
        store,
        "SELECT DISTINCT ?p (DATATYPE(?d) AS ?t) WHERE { ?e a eco:ForumEdition . "
        "VALUES ?p { eco:eventYear schema:startDate schema:endDate } ?e ?p ?d }",
    )
    assert {(r["p"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["t"].rsplit("#", 1)[-1]) for r in kinds} == {
        ("eventYear", "gYear"), ("startDate", "date"), ("endDate", "date")
    }


def test_forum_2018_basic_information_and_programme(store):
    rows = select(
        store,
        "SELECT ?start ?end ?venue ?tel ?fax ?mail WHERE { ecod:pujiang-innovation-forum-2018 schema:startDate ?start ; "
        "schema:endDate ?end ; schema:location/rdfs:label ?venue ; schema:contactPoint ?c . "
        "?c schema:telephone ?tel ; schema:faxNumber ?fax ; schema:email ?mail }",
    )
    assert rows == [
        {
            "start": "2018-10-29",
            "end": "2018-11-01",
            "venue": "Shanghai Dongjiao State Guest House",
            "tel": "+86-21-54065138",
            "fax": "+86-21-54065150",
            "mail": "pif@pujiangforum.org",
        }
    ]
    sessions = values(store, "SELECT ?x WHERE { ?s a eco:ForumSession ; schema:superEvent ecod:pujiang-innovation-forum-2018 ; rdfs:label ?x }")
    assert len(sessions) == 16
    assert "Industry Forum III: S&T Service Industry Cross-border Technology Transfer Model" in sessions
    assert "Jiaxing Forum: Future Industry and Talent" in sessions
    pre = values(store, "SELECT ?x WHERE { ?s a eco:PreForumEvent ; schema:superEvent ecod:pujiang-innovation-forum-2018 ; rdfs:label ?x }")
    assert pre == {
        "2018 World Innovation & Entrepreneurship Expo",
        "2018 International Science, Technology and Innovation Think Tank Forum",
    }


# --- evidence --------------------------------------------------------------------------------------


def test_every_fact_about_the_world_has_a_section(store):
    orphans = ox_query_rows(
        store,
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?g prov:wasDerivedFrom ?sec . ?sec a eco:SourceSection } }",
    )
    assert orphans == []
    in_default = ox_query_rows(store, "SELECT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(ecod:obs-))) }")
    assert in_default == []


def test_sections_are_told_apart_by_label(store):
    # Section numbers 1-3 exist in both documents; the labels name the document.
    rows = select(store, "SELECT ?label WHERE { ?s a eco:SourceSection ; eco:sectionNumber \"1\" ; rdfs:label ?label }")
    assert {r["label"] for r in rows} == {
        "Latest Progress of Mass Entrepreneurship and Mass Innovation in China, section 1",
        "An Introduction to Pujiang Innovation Forum, section 1",
    }
    labels = [r["l"] for r in select(store, "SELECT ?l WHERE { ?s a eco:SourceSection ; rdfs:label ?l }")]
    assert len(labels) == len(set(labels)) == 11


def test_evidence_of_one_triple(store):
    rows = ox_query_rows(
        store,
        "SELECT ?number ?title WHERE { GRAPH ?g { ecod:huibo eco:incubatedBy ecod:sudatiangong-makers-space } "
        "?g prov:wasDerivedFrom ?s . ?s eco:sectionNumber ?number ; dcterms:title ?title ; dcterms:isPartOf ?d . "
        "?d dcterms:title \"Latest Progress of Mass Entrepreneurship and Mass Innovation in China\"@en }",
    )
    assert [(r[0].value, r[1].value) for r in rows] == [
        ("7", "Makers' spaces cultivate a large number of excellent enterprises for transformation and upgrading of conventional industries")
    ]


def ox_query_rows(store: ox.Store, body: str) -> list:
    """Query without the union default graph, so GRAPH patterns and the default graph stay apart."""
    return list(store.query(PREFIXES + body))


# --- nothing that the source does not say ---------------------------------------------------------

EDITORIAL_LABELS = {
    # Labels the editors wrote for things the source describes without a name of their own.
    "Chairman of the Pujiang Innovation Forum",
    "Xu Guanhua, former Minister of Science and Technology",
    "Contact of the 2018 Pujiang Innovation Forum",
    "building an innovation-oriented country",
    "National statistics of makers' spaces",
    "Figures about single organisations, space networks, groups of spaces and forums",
    "Figures about single organisations in one area",
    "Figures about single organisations without a year",
    "ecograph: a knowledge graph of the innovation ecosystem",
    "Makers' spaces in China in 2017 and the Pujiang Innovation Forum (seed document 000)",
    "Closing paragraphs (the Government Work Report of 2018 and the origin of the article)",
    "shared and joint office space",
    "online services with offline incubation",
    "whole life-cycle services on an open online platform",
    "development driven by model innovation",
    "development driven by technical innovation",
    "open innovation with R&D-strong small and medium-sized enterprises",
    "employee entrepreneurship",
    "artificial intelligence",
    "big enterprises, universities and research institutes opening their innovation resources",
    "integration of big, medium and small-sized enterprises",
    "an upgraded version of mass entrepreneurship and mass innovation",
    "all-dimensional innovation and entrepreneurship services",
    # The extraction lost this hyphen at a line break ("industryacademia-research").
    "industry-academia-research cooperation",
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def _in_source(label: str, source_words: list[str]) -> bool:
    """True when the label's words occur in order within a short window of the source
    (the PDF extraction interleaves columns, so a title may be split by a stray heading)."""
    words = _words(label)
    for start, word in enumerate(source_words):
        if word != words[0]:
            continue
        position, window_end = start, start + len(words) + 6
        for w in words[1:]:
            try:
                position = source_words.index(w, position + 1, window_end)
            except ValueError:
                break
        else:
            return True
    return False


@pytest.mark.skipif(not SOURCE.exists(), reason="the seed source ../shared/seed is not beside the checkout")
def test_every_name_in_the_graph_is_in_the_source(store):
    source_words = _words(SOURCE.read_text(encoding="utf-8"))
    names = values(
        store,
        "SELECT ?x WHERE { VALUES ?p { rdfs:label skos:altLabel skos:prefLabel dcterms:title } ?s ?p ?x FILTER(lang(?x) = 'en') }",
    )
    # Editions are named like the source names the 2018 one ("2018 Pujiang Innovation Forum").
    editions = {f"{year} Pujiang Innovation Forum" for year in range(2008, 2019)}
    # A section's label is its document's title and number ("..., section 1"); the title is checked.
    sections = values(store, "SELECT ?x WHERE { ?s a eco:SourceSection ; rdfs:label ?x }")
    assert len(sections) == 11
    invented = sorted(n for n in names - EDITORIAL_LABELS - editions - sections if not _in_source(n, source_words))
    assert invented == []
    assert len(names) > 140
