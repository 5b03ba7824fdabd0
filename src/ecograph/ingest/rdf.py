"""Turn checked rows into quads: one named graph per table row, derived from a section per row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from functools import cache

import pyoxigraph as ox

from ecograph.ingest import cells
from ecograph.ingest.checking import CheckedTables, Known, Row
from ecograph.rdf.namespaces import (
    DCTERMS,
    ECO,
    ECOC,
    ECOD,
    ECOG,
    ORG,
    PROV,
    QB,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
)

__all__ = ["row_graph", "row_section", "source_document", "build_quads"]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@cache
def _term(iri: object) -> ox.NamedNode:
    """A vocabulary term (property or class) as a node, made once."""
    return ox.NamedNode(str(iri))


_TYPE = _n(str(RDF.type))
_DERIVED = _n(str(PROV.wasDerivedFrom))
_CONCEPT = _n(str(SKOS.Concept))
_TITLE = _n(str(DCTERMS.title))
_PART_OF = _n(str(DCTERMS.isPartOf))
_SECTION = _n(str(ECO.SourceSection))
_SECTION_NUMBER = _n(str(ECO.sectionNumber))
_TRUE = ox.Literal("true", datatype=_n(str(XSD.boolean)))

_ORG_TYPES = {
    "organisation": (ORG.Organization, None),
    "enterprise": (ECO.Enterprise, None),
    "state-owned-enterprise": (ECO.StateOwnedEnterprise, "category-state-owned-enterprise"),
    "private-enterprise": (ECO.PrivateEnterprise, "category-private-enterprise"),
    "university": (ECO.University, "category-university"),
    "research-institute": (ECO.ResearchInstitute, "category-research-institute"),
    "investment-agency": (ECO.InvestmentAgency, "category-investment-agency"),
    "ministry": (ECO.Ministry, None),
    "government-agency": (ECO.GovernmentAgency, None),
    "local-government": (ECO.LocalGovernment, None),
    "unit": (ORG.OrganizationalUnit, None),
}
_SPACE_TYPES = {
    "maker-space": ECO.MakerSpace,
    "incubator": ECO.Incubator,
    "space-network": ECO.SpaceNetwork,
    "space-group": ECO.SpaceGroup,
}
_EVENT_TYPES = {
    "forum": ECO.Forum,
    "forum-edition": ECO.ForumEdition,
    "forum-session": ECO.ForumSession,
    "pre-forum-event": ECO.PreForumEvent,
    "event": SCHEMA.Event,
}


def source_document(source: str) -> str:
    """IRI of a source document: ``ecod:source-<id>``."""
    return f"{ECOD}source-{source}"


def row_section(source: str, table_key: str, number: int) -> str:
    """IRI of the evidence of one table row: ``ecod:source-<source>-<table>-row-<n>``."""
    return f"{ECOD}source-{source}-{table_key}-row-{number}"


def row_graph(source: str, table_key: str, number: int) -> str:
    """IRI of the named graph of one table row's facts: ``ecog:<source>-<table>-row-<n>``."""
    return f"{ECOG}{source}-{table_key}-row-{number}"


def _lang(text: str, default: str = "en") -> ox.Literal:
    return ox.Literal(text, language="zh" if cells.has_cjk(text) else default)


def _date(value: dt.date | str) -> ox.Literal:
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=_n(str(XSD.date)))
    return ox.Literal(value, datatype=_n(str(XSD.gYear)))


def _year(value: dt.date | str) -> ox.Literal:
    """The year of a date or year cell, as xsd:gYear."""
    return _date(str(value.year) if isinstance(value, dt.date) else value)


def _number(value: Decimal) -> ox.Literal:
    if value == value.to_integral_value():
        return ox.Literal(str(int(value)), datatype=_n(str(XSD.integer)))
    return ox.Literal(format(value, "f"), datatype=_n(str(XSD.decimal)))


def _decimal(value: Decimal) -> ox.Literal:
    text = f"{int(value)}.0" if value == value.to_integral_value() else format(value, "f")
    return ox.Literal(text, datatype=_n(str(XSD.decimal)))


class _RowWriter:
    """Collects the quads of one row in its named graph."""

    def __init__(self, out: list[ox.Quad], row: Row, known: Known) -> None:
        assert row.source is not None, "checked rows cite a source"
        self.out = out
        self.known = known
        self.section = _n(row_section(row.source, row.table.key, row.number))
        self.graph = _n(row_graph(row.source, row.table.key, row.number))
        doc = _n(source_document(row.source))
        out.append(ox.Quad(self.graph, _DERIVED, self.section))
        out.append(ox.Quad(self.section, _TYPE, _SECTION))
        out.append(ox.Quad(self.section, _PART_OF, doc))
        out.append(ox.Quad(self.section, _TITLE, ox.Literal(f"{row.table.name}, row {row.number}", language="en")))
        out.append(ox.Quad(self.section, _SECTION_NUMBER, ox.Literal(f"row {row.number}")))
        self.touched: set[str] = set()

    def touch(self, s: str) -> None:
        """State that the thing was derived from this row, once per row."""
        if s not in self.touched:
            self.touched.add(s)
            self.out.append(ox.Quad(_n(s), _DERIVED, self.section, self.graph))

    def add(self, s: str, p: object, o: ox.NamedNode | ox.Literal) -> None:
        self.out.append(ox.Quad(_n(s), _term(p), o, self.graph))
        self.touch(s)

    def iri(self, s: str, p: object, o_id: str) -> None:
        self.add(s, p, _n(f"{ECOD}{o_id}"))
        self.touch(f"{ECOD}{o_id}")

    def names(self, s: str, v: dict) -> None:
        if v.get("name_en"):
            self.add(s, RDFS.label, ox.Literal(v["name_en"], language="en"))
        if v.get("name_zh"):
            self.add(s, RDFS.label, ox.Literal(v["name_zh"], language="zh"))
        for alias in v.get("aliases") or []:
            self.add(s, SKOS.altLabel, _lang(alias))

    def year_and_day(self, s: str, value: dt.date | str, year: object, day: object) -> None:
        """A year always (xsd:gYear), the day too when the cell gives one (xsd:date): one datatype per property."""
        self.add(s, year, _year(value))
        if isinstance(value, dt.date):
            self.add(s, day, _date(value))

    def concept(self, s: str, p: object, concept: str, scheme: str, label: str) -> None:
        self.add(s, p, _n(concept))
        if concept not in self.known.concepts:
            self.add(concept, RDF.type, _CONCEPT)
            self.add(concept, SKOS.inScheme, _n(f"{ECOC}{scheme}"))
            self.add(concept, SKOS.prefLabel, _lang(label))

    def common(self, s: str, v: dict) -> None:
        if v.get("founding_date"):
            self.year_and_day(s, v["founding_date"], ECO.foundingYear, SCHEMA.foundingDate)
        if v.get("website"):
            self.add(s, SCHEMA.url, _n(v["website"]))
        for label in v.get("sectors") or []:
            self.concept(s, ECO.inSector, f"{ECOC}sector-{cells.slugify(label)}", "sectors", label)


def _organisation(w: _RowWriter, row: Row) -> None:
    v, s = row.values, f"{ECOD}{row.id}"
    cls, category = _ORG_TYPES[v["type"]]
    w.add(s, RDF.type, _term(cls))
    if category:
        w.add(s, ORG.classification, _n(f"{ECOC}{category}"))
    w.names(s, v)
    if v.get("parent"):
        w.iri(s, ORG.unitOf if v["type"] == "unit" else ORG.subOrganizationOf, v["parent"])
    w.common(s, v)
    if v.get("attracted_investment") is not None:
        w.add(
            s,
            ECO.attractedInvestment,
            ox.Literal("true" if v["attracted_investment"] else "false", datatype=_n(str(XSD.boolean))),
        )


def _space(w: _RowWriter, row: Row) -> None:
    v, s = row.values, f"{ECOD}{row.id}"
    w.add(s, RDF.type, _term(_SPACE_TYPES[v["type"]]))
    if v.get("unnamed"):
        w.add(s, ECO.unnamedInSource, _TRUE)
    else:
        w.names(s, v)
    if v.get("operated_by"):
        w.iri(s, ECO.operatedBy, v["operated_by"])
    w.common(s, v)


def _incubation(w: _RowWriter, row: Row) -> None:
    v = row.values
    prop = ECO.graduatedFrom if v["relation"] == "graduated-from" else ECO.incubatedBy
    w.iri(f"{ECOD}{v['company']}", prop, v["carrier"])


def _founding(w: _RowWriter, row: Row) -> None:
    v, s = row.values, f"{ECOD}{row.values['founded']}"
    w.iri(s, SCHEMA.founder, v["founder"])
    if v.get("date"):
        w.year_and_day(s, v["date"], ECO.foundingYear, SCHEMA.foundingDate)


def _event(w: _RowWriter, row: Row) -> None:
    v, s = row.values, f"{ECOD}{row.id}"
    w.add(s, RDF.type, _term(_EVENT_TYPES[v["type"]]))
    w.names(s, v)
    if v.get("part_of"):
        w.iri(s, SCHEMA.superEvent, v["part_of"])
    # The event's year always (eco:eventYear), its first and last days where given (xsd:date).
    first = v.get("start_date") or v.get("end_date")
    if first:
        w.add(s, ECO.eventYear, _year(first))
    for prop, col in ((SCHEMA.startDate, "start_date"), (SCHEMA.endDate, "end_date")):
        if isinstance(v.get(col), dt.date):
            w.add(s, prop, _date(v[col]))
    if v.get("founding_date"):
        w.year_and_day(s, v["founding_date"], ECO.foundingYear, SCHEMA.foundingDate)
    if v.get("location"):
        w.iri(s, SCHEMA.location, v["location"])
        if v.get("location_name"):
            place = f"{ECOD}{v['location']}"
            w.add(place, RDF.type, _n(str(SCHEMA.Place)))
            w.add(place, RDFS.label, _lang(v["location_name"]))
    if v.get("theme"):
        w.concept(s, ECO.theme, f"{ECOC}theme-{row.id}", "forum-themes", v["theme"])
    for founder in v.get("founders") or []:
        w.iri(s, SCHEMA.founder, founder)
    if v.get("website"):
        w.add(s, SCHEMA.url, _n(v["website"]))
    contact = [(SCHEMA.telephone, v.get("telephone")), (SCHEMA.faxNumber, v.get("fax")), (SCHEMA.email, v.get("email"))]
    if any(value for _, value in contact):
        point = f"{s}-contact"
        w.add(s, SCHEMA.contactPoint, _n(point))
        w.add(point, RDF.type, _n(str(SCHEMA.ContactPoint)))
        w.add(point, RDFS.label, ox.Literal(f"Contact of the {v['name_en']}", language="en"))
        for prop, value in contact:
            if value:
                w.add(point, prop, ox.Literal(value))


# What each qualifier's wording says about the true figure (docs/modelling.md, honest numbers).
_EXCLUSIVE = frozenset({"over", "more-than", "exceeds", "lower-bound"})
_INVESTMENT_INDICATORS = frozenset({"investment-total", "financing-rounds-in-a-year"})


def _bound(w: _RowWriter, s: str, qualifier: str, value: ox.Literal, props: tuple[object, object, object]) -> None:
    """State the bound a qualifier gives: above the value, at least the value, or approximate."""
    exclusive, inclusive, approximate = props
    if qualifier in _EXCLUSIVE:
        w.add(s, exclusive, value)
    elif qualifier == "thousands":
        w.add(s, inclusive, value)
    elif qualifier == "about":
        w.add(s, approximate, _TRUE)


def _dataset(v: dict) -> str:
    """The data set whose structure declares exactly the dimensions the figure gives (Data Cube IC-11)."""
    if not v.get("subject"):
        return "dataset-national-statistics"
    if v.get("area"):
        return "dataset-organisation-figures-by-area"
    return "dataset-organisation-figures" if v.get("year") else "dataset-organisation-figures-undated"


def _figure(w: _RowWriter, row: Row) -> None:
    v, s = row.values, f"{ECOD}{row.id}"
    w.add(s, RDF.type, _n(str(ECO.StatisticalObservation)))
    w.add(s, QB.dataSet, _n(f"{ECOD}{_dataset(v)}"))
    w.add(s, ECO.indicator, _n(f"{ECOC}indicator-{v['indicator']}"))
    if v.get("area"):
        w.add(s, ECO.refArea, _n(f"{ECOD}{v['area']}"))
    if v.get("subject"):
        w.add(s, ECO.refSubject, _n(f"{ECOD}{v['subject']}"))
        if v["indicator"] in _INVESTMENT_INDICATORS:
            # One pattern for "attracted investment": a figure of investment won implies the flag.
            w.add(f"{ECOD}{v['subject']}", ECO.attractedInvestment, _TRUE)
    if v.get("year"):
        w.add(s, ECO.refPeriod, _date(v["year"]))
    w.add(s, ECO.obsValue, _number(v["value"]))
    w.add(s, ECO.unit, _n(f"{ECOC}unit-{v['unit']}"))
    w.add(s, ECO.qualifier, _n(f"{ECOC}qualifier-{v['qualifier']}"))
    _bound(w, s, v["qualifier"], _number(v["value"]), (ECO.minExclusive, ECO.minInclusive, ECO.approximate))
    if v.get("growth_rate") is not None:
        w.add(s, ECO.growthRate, _decimal(v["growth_rate"]))
        w.add(s, ECO.growthQualifier, _n(f"{ECOC}qualifier-{v['growth_qualifier']}"))
        growth = (ECO.growthMinExclusive, ECO.growthMinInclusive, ECO.growthApproximate)
        _bound(w, s, v["growth_qualifier"], _decimal(v["growth_rate"]), growth)
        if v.get("growth_compared_with"):
            w.add(s, ECO.growthComparedWith, _date(v["growth_compared_with"]))
    for prop, col in (
        (PROV.wasAttributedTo, "attributed_to"),
        (ECO.partOfFigure, "part_of_figure"),
        (ECO.subsetOfFigure, "subset_of_figure"),
    ):
        if v.get(col):
            w.add(s, prop, _n(f"{ECOD}{v[col]}"))


def _source(out: list[ox.Quad], row: Row) -> None:
    assert row.id is not None, "checked source rows have an id"
    v, s = row.values, _n(source_document(row.id))
    out.append(ox.Quad(s, _TYPE, _n(str(ECO.SourceDocument))))
    out.append(ox.Quad(s, _TITLE, ox.Literal(v["title"], language=v.get("title_language") or "en")))
    if v.get("issued"):
        out.append(ox.Quad(s, _n(str(DCTERMS.issued)), _year(v["issued"])))
    if v.get("publisher"):
        out.append(ox.Quad(s, _n(str(DCTERMS.publisher)), _n(f"{ECOD}{v['publisher']}")))
    if v.get("part_of"):
        out.append(ox.Quad(s, _PART_OF, _n(source_document(v["part_of"]))))
    if v.get("url"):
        out.append(ox.Quad(s, _n(str(SCHEMA.url)), _n(v["url"])))
    if v.get("identifier"):
        out.append(ox.Quad(s, _n(str(DCTERMS.identifier)), ox.Literal(v["identifier"])))
    if v.get("comment"):
        out.append(ox.Quad(s, _n(str(RDFS.comment)), _lang(v["comment"])))


_WRITERS = {
    "organisations": _organisation,
    "spaces": _space,
    "incubation": _incubation,
    "founding": _founding,
    "events": _event,
    "statistics": _figure,
}


def build_quads(checked: CheckedTables, known: Known) -> dict[str, list[ox.Quad]]:
    """Turn checked rows into quads, grouped by the source they cite.

    Parameters
    ----------
    checked : CheckedTables
        Rows that passed :func:`~ecograph.ingest.checking.check_tables` without problems.
    known : Known
        What the graph already holds (concepts that exist are linked, not created).

    Returns
    -------
    dict of str to list of Quad
        Per source id: the description of the document and of each row's section in the
        default graph, and each row's facts in the row's named graph.
    """
    by_source: dict[str, list[ox.Quad]] = defaultdict(list)
    for row in checked.rows.get("sources", []):
        _source(by_source[str(row.id)], row)
    for kind, write in _WRITERS.items():
        for row in checked.rows.get(kind, []):
            write(_RowWriter(by_source[str(row.source)], row, known), row)
    return dict(by_source)
