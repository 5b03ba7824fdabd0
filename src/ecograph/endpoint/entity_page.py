"""The HTML page of one entity, for people: names, class, figures, relations and sources.

Every value from the graph is inserted as text (Jinja2 autoescaping) and the page has no
script at all; its Content-Security-Policy allows only its own inline style, so a hostile
label stays a label.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import jinja2
import pyoxigraph as ox

from ecograph.endpoint.entities import BASE, Description, local_path
from ecograph.rdf.namespaces import PREFIXES

__all__ = ["Link", "Relation", "Figure", "Source", "EntityPage", "entity_page", "render_entity_html", "PAGE_FORMATS"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_ECO = PREFIXES["eco"]
_DCTERMS = "http://purl.org/dc/terms/"
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_QB_DATASET = "http://purl.org/linked-data/cube#dataSet"
_NAME_PROPERTIES = (_RDFS + "label", _SKOS + "prefLabel")
_SCHEMA = PREFIXES["schema"]
_TITLES = (*_NAME_PROPERTIES, _DCTERMS + "title", _SCHEMA + "name")
_OTHER_NAMES = (_SKOS + "altLabel", _SCHEMA + "alternateName")
_DESCRIPTIONS = (_SCHEMA + "description", _RDFS + "comment", _SKOS + "definition", _DCTERMS + "description")
_FIGURE_COLUMNS = {
    "indicator": _ECO + "indicator",
    "value": _ECO + "obsValue",
    "unit": _ECO + "unit",
    "year": _ECO + "refPeriod",
    "qualifier": _ECO + "qualifier",
}
_FIGURE_HIDDEN = {_RDF + "type", _QB_DATASET, _PROV_DERIVED, _ECO + "refSubject", _ECO + "refArea"}
_INFERRED_GRAPH = BASE + "graph/inferred"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

PAGE_FORMATS = (("Turtle", "turtle"), ("N-Triples", "ntriples"), ("JSON-LD", "jsonld"), ("TriG", "trig"), ("N-Quads", "nquads"))
"""The machine-readable versions each page links to: label and ``format`` parameter."""


@dataclass(frozen=True)
class Link:
    """A node as shown: its label, where a click goes (this server's page, an external IRI, nowhere), a tooltip."""

    text: str
    iri: str
    href: str | None
    title: str = ""


@dataclass(frozen=True)
class Source:
    """A source section: its title, number and document."""

    section: Link
    document: str
    number: str


@dataclass
class Relation:
    """One statement between the entity and another node, with the sections it comes from."""

    predicate: Link
    other: Link
    sources: list[Link] = field(default_factory=list)
    inferred: bool = False


@dataclass
class Figure:
    """One figure about the entity: indicator, value, unit, year, qualifier, the rest, and its source."""

    indicator: Link | None
    value: str
    unit: Link | None
    year: str
    qualifier: Link | None
    details: list[tuple[Link, str]] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)


@dataclass
class EntityPage:
    """Everything the HTML page shows about one entity."""

    iri: str
    title: str
    names: list[tuple[str, str]]
    classes: list[Link]
    descriptions: list[str]
    attributes: list[Relation]
    figures: list[Figure]
    outgoing: list[Relation]
    incoming: list[Relation]
    sources: list[Source]
    unnamed: bool
    truncated: bool


class _Graph:
    """Lookups over the quads of one description."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.quads = list(quads)
        self.by_subject: dict[str, list[ox.Quad]] = defaultdict(list)
        for q in self.quads:
            if isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                self.by_subject[q.subject.value].append(q)

    def values(self, subject: str, predicate: str) -> list[Term]:
        return [q.object for q in self.by_subject.get(subject, ()) if q.predicate.value == predicate]

    def literals(self, subject: str, predicate: str) -> list[ox.Literal]:
        return [o for o in self.values(subject, predicate) if isinstance(o, ox.Literal)]

    def iris(self, subject: str, predicate: str) -> list[ox.NamedNode]:
        return [o for o in self.values(subject, predicate) if isinstance(o, ox.NamedNode)]

    def label(self, iri: str) -> str:
        names = [o for p in _TITLES for o in self.literals(iri, p)]
        for wanted in ("en", None, ""):
            for name in names:
                if wanted is None or (name.language or "") == wanted:
                    return name.value
        return _short(iri)

    def link(self, term: Term) -> Link:
        if isinstance(term, ox.Literal):
            return Link(term.value, "", None)
        if isinstance(term, ox.BlankNode):
            return Link(f"_:{term.value}", f"_:{term.value}", None)
        if isinstance(term, ox.Triple):
            return Link(str(term), str(term), None)
        href = local_path(term.value)
        if href is None and term.value.startswith(("http://", "https://")):
            href = term.value
        return Link(self.label(term.value), term.value, href)

    def section(self, section: ox.NamedNode) -> Link:
        """A source section, short ("section 7") with its title as tooltip."""
        full = self.link(section)
        numbers = [n.value for n in self.literals(section.value, _ECO + "sectionNumber")]
        # The label names the document too ("..., section 7"); the tooltip is the section's own title.
        titles = [t.value for t in self.literals(section.value, _DCTERMS + "title")]
        return Link(f"section {numbers[0]}" if numbers else full.text, full.iri, full.href, titles[0] if titles else full.text)

    def sources_of(self, quad: ox.Quad) -> tuple[list[Link], bool]:
        """The sections a statement is taken from (through its named graph), and whether it is inferred."""
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            # Facts about the world live in named graphs: what the default graph adds about them is inferred.
            return [], True
        if graph.value == _INFERRED_GRAPH:
            return [], True
        return [self.section(s) for s in self.iris(graph.value, _PROV_DERIVED)], False


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _merge(relations: list[Relation]) -> list[Relation]:
    """One row per statement, however many graphs state it; sorted by predicate and label."""
    merged: dict[tuple[str, str, str], Relation] = {}
    for r in relations:
        key = (r.predicate.iri, r.other.iri, r.other.text)
        if key in merged:
            known = merged[key]
            known.sources += [s for s in r.sources if s not in known.sources]
            known.inferred = known.inferred and r.inferred
        else:
            merged[key] = r
    return sorted(merged.values(), key=lambda r: (r.predicate.text.lower(), r.other.text.lower(), r.other.iri))


def _figure(graph: _Graph, node: str) -> Figure:
    quads = graph.by_subject.get(node, [])

    def first(predicate: str) -> Term | None:
        found = [q.object for q in quads if q.predicate.value == predicate]
        return found[0] if found else None

    def linked(predicate: str) -> Link | None:
        term = first(predicate)
        return None if term is None else graph.link(term)

    shown = set(_FIGURE_COLUMNS.values()) | _FIGURE_HIDDEN
    details = sorted(
        {(graph.link(q.predicate), graph.link(q.object).text) for q in quads if q.predicate.value not in shown},
        key=lambda d: (d[0].text, d[1]),
    )
    value, year = first(_FIGURE_COLUMNS["value"]), first(_FIGURE_COLUMNS["year"])
    sections = [graph.section(s) for s in graph.iris(node, _PROV_DERIVED)]
    return Figure(
        indicator=linked(_FIGURE_COLUMNS["indicator"]),
        value="" if value is None else graph.link(value).text,
        unit=linked(_FIGURE_COLUMNS["unit"]),
        year="" if year is None else graph.link(year).text,
        qualifier=linked(_FIGURE_COLUMNS["qualifier"]),
        details=list(details),
        sources=sections,
    )


def entity_page(description: Description) -> EntityPage:
    """Arrange a description for the page: names, classes, figures, relations both ways, sources.

    Parameters
    ----------
    description : Description
        From :func:`ecograph.endpoint.entities.describe`.

    Returns
    -------
    EntityPage
    """
    graph = _Graph(description.quads)
    iri = description.iri
    node = ox.NamedNode(iri)
    names = sorted(
        {(o.value, o.language or "") for p in (*_NAME_PROPERTIES, *_OTHER_NAMES) for o in graph.literals(iri, p)},
        key=lambda n: (n[1] != "en", n[1], n[0]),
    )
    figure_nodes = sorted(
        {
            q.subject.value
            for q in description.quads
            if q.object == node and isinstance(q.subject, ox.NamedNode) and graph.values(q.subject.value, _QB_DATASET)
        }
    )
    figure_iris = {str(ox.NamedNode(f)) for f in figure_nodes}
    figures = sorted((_figure(graph, f) for f in figure_nodes), key=lambda f: (f.year, f.indicator.text if f.indicator else ""))
    attributes: list[Relation] = []
    outgoing: list[Relation] = []
    incoming: list[Relation] = []
    for q in description.quads:
        sources, inferred = graph.sources_of(q)
        if q.subject == node:
            # Names, classes and descriptions have sections of their own; prov:wasDerivedFrom is the Sources list.
            if q.predicate.value in (_RDF + "type", _PROV_DERIVED, *_NAME_PROPERTIES, *_OTHER_NAMES, *_DESCRIPTIONS):
                continue
            relation = Relation(graph.link(q.predicate), graph.link(q.object), sources, inferred)
            (attributes if isinstance(q.object, ox.Literal) else outgoing).append(relation)
        elif q.object == node and str(q.subject) not in figure_iris:
            incoming.append(Relation(graph.link(q.predicate), graph.link(q.subject), sources, inferred))
    sections = {q.object.value for q in description.quads if q.predicate.value == _PROV_DERIVED and isinstance(q.object, ox.NamedNode)}
    own_sections = {s.iri for r in (*attributes, *outgoing, *incoming) for s in r.sources}
    own_sections |= {s.iri for f in figures for s in f.sources}
    own_sections |= {s.value for s in graph.iris(iri, _PROV_DERIVED)}
    source_list: list[Source] = []
    for section in sorted(own_sections & sections or own_sections):
        documents = [graph.label(d.value) for d in graph.iris(section, _DCTERMS + "isPartOf")]
        numbers = [n.value for n in graph.literals(section, _ECO + "sectionNumber")]
        titles = [t.value for t in graph.literals(section, _DCTERMS + "title")]
        link = graph.link(ox.NamedNode(section))
        source_list.append(Source(Link(titles[0] if titles else link.text, section, link.href), "; ".join(documents), ", ".join(numbers)))
    source_list.sort(key=lambda s: (s.document, s.number.zfill(8), s.section.text))
    unnamed = any(o.value == "true" for o in graph.literals(iri, _ECO + "unnamedInSource"))
    title = graph.label(iri) if names else _short(iri)
    return EntityPage(
        iri=iri,
        title=title,
        names=names,
        classes=sorted({graph.link(o) for o in graph.iris(iri, _RDF + "type")}, key=lambda c: c.text.lower()),
        descriptions=sorted({o.value for p in _DESCRIPTIONS for o in graph.literals(iri, p)}),
        attributes=_merge(attributes),
        figures=figures,
        outgoing=_merge(outgoing),
        incoming=_merge(incoming),
        sources=source_list,
        unnamed=unnamed,
        truncated=description.truncated,
    )


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ecograph.endpoint", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("entity.html.j2")


@cache
def _style() -> str:
    from importlib import resources

    return resources.files("ecograph.endpoint").joinpath("templates", "entity.css").read_text(encoding="utf-8")


def render_entity_html(description: Description) -> tuple[str, str]:
    """Render the page of one entity.

    Parameters
    ----------
    description : Description
        What the graph says about it.

    Returns
    -------
    (str, str)
        The HTML, and the ``Content-Security-Policy`` to send with it: no script, no
        request to any other host, only the page's own style.
    """
    style = _style()
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    policy = (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    page = entity_page(description)
    html = _template().render(page=page, style=style, formats=PAGE_FORMATS, base=BASE)
    return html, policy
