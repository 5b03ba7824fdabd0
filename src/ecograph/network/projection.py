"""The one place where RDF becomes networkx: real things are nodes, figures and evidence are attributes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.stores import select
from ecograph.rdf.terms import RDF_TYPE, local_name

__all__ = ["project", "load_projection", "FOLDED_PREDICATES", "LEFT_OUT_CLASSES", "LEFT_OUT_SCHEMES"]

_ECO = PREFIXES["eco"]
_ECOC = PREFIXES["ecoc"]
_ORG = PREFIXES["org"]
_SPARQL_PREFIXES = {k: PREFIXES[k] for k in ("eco", "ecoc", "schema", "org", "prov", "skos", "qb", "dcterms", "rdfs")}
_SPARQL_PREFIXES["rdf"] = PREFIXES["rdf"]

#: Predicates that never become edges: they are folded into attributes or describe evidence.
FOLDED_PREDICATES = frozenset(
    PREFIXES[p] + local
    for p, local in (
        ("prov", "wasDerivedFrom"),
        ("prov", "wasAttributedTo"),
        ("qb", "dataSet"),
        ("qb", "structure"),
        ("skos", "inScheme"),
        ("schema", "url"),
        ("dcterms", "isPartOf"),
        ("dcterms", "license"),
        ("dcterms", "source"),
        # Links of a figure: folded into the subject's ``figures``.
        ("eco", "indicator"),
        ("eco", "unit"),
        ("eco", "qualifier"),
        ("eco", "growthQualifier"),
        ("eco", "refArea"),
        ("eco", "refSubject"),
        ("eco", "partOfFigure"),
        ("eco", "subsetOfFigure"),
    )
) | {RDF_TYPE.value}
_NOT_FOLDED = "FILTER(?p NOT IN (" + ", ".join(f"<{p}>" for p in sorted(FOLDED_PREDICATES)) + "))"

#: Things of these classes are not nodes: figures, evidence, readings, data sets, posts (folded) and terms.
LEFT_OUT_CLASSES = frozenset(
    PREFIXES[p] + local
    for p, local in (
        ("eco", "StatisticalObservation"),
        ("qb", "Observation"),
        ("qb", "DataSet"),
        ("eco", "SourceSection"),
        ("eco", "SourceDocument"),
        ("eco", "Reading"),
        ("org", "Post"),
        ("org", "Membership"),
        ("schema", "ContactPoint"),
        ("skos", "ConceptScheme"),
        ("owl", "Class"),
        ("owl", "ObjectProperty"),
        ("owl", "DatatypeProperty"),
        ("owl", "AnnotationProperty"),
        ("owl", "Ontology"),
    )
) | {"http://rdfs.org/ns/void#Dataset", "http://purl.org/linked-data/cube#DataStructureDefinition"}

#: Concepts of these schemes describe figures, not the world: they are never nodes.
LEFT_OUT_SCHEMES = frozenset(_ECOC + s for s in ("units", "qualifiers", "indicators", "roles"))
_LEFT_OUT_CONCEPT_SLUGS = ("unit-", "qualifier-", "indicator-", "role-")

_TYPES = "SELECT DISTINCT ?s ?t WHERE { ?s rdf:type ?t FILTER(isIRI(?s) && isIRI(?t)) }"
_LABELS = """SELECT ?s ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel }
  ?s ?p ?l FILTER(isIRI(?s) && (langMatches(lang(?l), "en") || langMatches(lang(?l), "zh")))
}"""
_LITERALS = """SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { eco:unnamedInSource eco:former skos:inScheme schema:url rdfs:subClassOf }
  ?s ?p ?o FILTER(isIRI(?s))
}"""
# Every name in every language (for profiles), what the sources say of a thing, and its dates.
_NAMES = """SELECT ?s ?p ?l WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel schema:name schema:alternateName }
  ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l))
}"""
_DESCRIPTIONS = """SELECT ?s ?p ?l WHERE {
  VALUES ?p { schema:description rdfs:comment skos:definition skos:note skos:scopeNote skos:editorialNote }
  ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l))
}"""
_DATES = """SELECT ?s ?p ?d WHERE {
  VALUES ?p { schema:startDate schema:endDate schema:foundingDate schema:dissolutionDate schema:datePublished dcterms:issued
              eco:eventYear eco:foundingYear }
  ?s ?p ?d FILTER(isIRI(?s) && isLiteral(?d))
}"""
_FIGURE_LINKS = """SELECT ?obs ?p ?whole WHERE {
  VALUES ?p { eco:partOfFigure eco:subsetOfFigure }
  ?obs ?p ?whole FILTER(isIRI(?obs) && isIRI(?whole))
}"""
_TERM_LABELS = """SELECT ?t ?l WHERE {
  ?t skos:prefLabel ?l FILTER(isIRI(?t) && (langMatches(lang(?l), "en") || langMatches(lang(?l), "zh")))
}"""
_SUPERCLASSES = "SELECT DISTINCT ?c ?sup WHERE { ?c rdfs:subClassOf+ ?sup FILTER(isIRI(?c) && isIRI(?sup)) }"
_DERIVED = """SELECT DISTINCT ?s ?section WHERE {
  ?s prov:wasDerivedFrom ?section . ?section rdf:type eco:SourceSection FILTER(isIRI(?s))
}"""
_SECTIONS = """SELECT ?section ?title ?document ?docTitle ?g WHERE {
  ?section rdf:type eco:SourceSection .
  OPTIONAL { ?section dcterms:title ?title }
  OPTIONAL { ?section dcterms:isPartOf ?document OPTIONAL { ?document dcterms:title ?docTitle } }
  OPTIONAL { ?g prov:wasDerivedFrom ?section }
}"""
# Evidence of a link is the section its named graph was derived from (default graph).
_LINKS = """SELECT ?s ?p ?o ?section WHERE {
  { GRAPH ?g { ?s ?p ?o NOT_FOLDED } OPTIONAL { ?g prov:wasDerivedFrom ?section } }
  UNION { ?s ?p ?o NOT_FOLDED }
  FILTER(isIRI(?s) && isIRI(?o))
}""".replace("NOT_FOLDED", _NOT_FOLDED)
_FIGURES = """SELECT ?obs ?subject ?area ?indicator ?value ?unit ?qualifier ?year ?growth ?gq ?section WHERE {
  ?obs rdf:type eco:StatisticalObservation ; eco:indicator ?indicator ; eco:obsValue ?value .
  OPTIONAL { ?obs eco:refSubject ?subject }
  OPTIONAL { ?obs eco:refArea ?area }
  OPTIONAL { ?obs eco:unit ?unit }
  OPTIONAL { ?obs eco:qualifier ?qualifier }
  OPTIONAL { ?obs eco:refPeriod ?year }
  OPTIONAL { ?obs eco:growthRate ?growth }
  OPTIONAL { ?obs eco:growthQualifier ?gq }
  OPTIONAL { ?obs prov:wasDerivedFrom ?section }
}"""
_POSTS = """SELECT ?post ?cls ?holder ?org ?role ?former WHERE {
  { ?post rdf:type org:Post ; org:heldBy ?holder ; org:postIn ?org . BIND("post" AS ?cls) }
  UNION { ?post rdf:type org:Membership ; org:member ?holder ; org:organization ?org . BIND("membership" AS ?cls) }
  OPTIONAL { ?post org:role ?role }
  OPTIONAL { ?post eco:former ?former }
}"""


def _select(store: ox.Store, query: str, union: bool = True) -> Iterable[ox.QuerySolution]:
    return select(store, query, prefixes=_SPARQL_PREFIXES, use_default_graph_as_union=union)


def _value(term: ox.Literal | None) -> Any:
    """Turn a literal into a Python number, bool or string (None stays None)."""
    if term is None:
        return None
    kind = local_name(term.datatype.value) if isinstance(term, ox.Literal) else ""
    text = term.value
    if kind in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger", "short"):
        return int(text)
    if kind in ("decimal", "double", "float"):
        return float(text)
    if kind == "gYear":
        return int(text[:4]) if text[:4].isdigit() else text
    if kind == "boolean":
        return text in ("true", "1")
    return text


def _iri(term: Any) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


class _Hierarchy:
    """Superclasses of each class, to pick a thing's most specific class."""

    def __init__(self, stores: Iterable[ox.Store]) -> None:
        self.supers: dict[str, set[str]] = defaultdict(set)
        self._seen: dict[frozenset[str], tuple[str, list[str]]] = {}
        for store in stores:
            for row in _select(store, _SUPERCLASSES):
                self.supers[row["c"].value].add(row["sup"].value)

    def describe(self, classes: frozenset[str]) -> tuple[str, list[str]]:
        """Return (most specific class, sorted local names), memoised: many things share a class set."""
        if classes not in self._seen:
            self._seen[classes] = (self.most_specific(classes), sorted({local_name(c) for c in classes}))
        kind, names = self._seen[classes]
        return kind, list(names)

    def most_specific(self, classes: Iterable[str]) -> str:
        classes = set(classes)
        broader = set().union(*(self.supers.get(c, set()) for c in classes)) if classes else set()
        candidates = sorted(classes - broader, key=lambda c: (not c.startswith(_ECO), local_name(c), c))
        return local_name(candidates[0]) if candidates else "Thing"


def project(
    store: ox.Store,
    *,
    inferred: Iterable[ox.Triple | ox.Quad] | None = None,
    ontology: ox.Store | None = None,
) -> nx.MultiDiGraph:
    """Project the knowledge graph onto a networkx multigraph of real things.

    Nodes are organisations, spaces, companies, people, events, places, policies,
    reports, services and concepts of the world (sectors, models, themes, topics,
    organisation categories), keyed by IRI. Figures (``qb:Observation``) fold into
    their subject's ``figures`` (the area for national figures); evidence into
    ``sources``; posts and memberships into one edge from the holder to the
    organisation (``kind`` is the role, e.g. ``chairman`` or ``formerMinister``).
    Units, qualifiers, indicators, roles, sections, documents, data sets, named
    graphs and ontology terms are never nodes. See ``docs/analysis.md``.

    Parameters
    ----------
    store : pyoxigraph.Store
        The data: facts in named graphs, source descriptions in the default graph.
    inferred : iterable of Triple or Quad, optional
        A reasoner's output; only its ``rdf:type`` statements are used (classes).
    ontology : pyoxigraph.Store, optional
        Ontology and vocabularies, for the class hierarchy and concept labels;
        loaded from ``ontology/`` when omitted.

    Returns
    -------
    networkx.MultiDiGraph
        Node attributes ``label``, ``label_zh``, ``kind``, ``classes``,
        ``unnamed``, ``sources``, ``figures`` (plus ``scheme`` for concepts and
        ``url`` where given), and where the data has them ``names`` (every
        name, ``[lang, text]`` pairs), ``descriptions`` (``[lang, text]`` pairs
        of what the sources say of it) and ``dates`` (property local name to
        lexical value); edge attributes ``predicate``, ``kind``, ``sources``
        (edge key = ``kind``); graph attributes ``sections`` and ``terms``
        (English and Chinese labels of the indicators, units and qualifiers
        that figures use).
    """
    if ontology is None:
        from ecograph.rdf.loading import load_ontology

        ontology = load_ontology()
    stores = (store, ontology)
    hierarchy = _Hierarchy(stores)
    types, described = _types(store, ontology, inferred)
    labels = _labels(stores)
    unnamed, former, schemes, urls = _flags(stores)
    sections, graph_iris = _sections(store)

    def left_out(iri: str) -> bool:
        if iri.startswith(_ECO) or iri in graph_iris or iri in sections:
            return True
        if types.get(iri, set()) & LEFT_OUT_CLASSES or schemes.get(iri) in LEFT_OUT_SCHEMES:
            return True
        return iri.startswith(_ECOC) and iri[len(_ECOC):].startswith(_LEFT_OUT_CONCEPT_SLUGS)

    edges = _links(store)
    nodes: set[str] = {iri for iri in described if not left_out(iri)}
    kept_edges = {k: v for k, v in edges.items() if not left_out(k[0]) and not left_out(k[2])}
    for s, _, o in kept_edges:
        nodes.add(s)
        nodes.add(o)
    derived: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _DERIVED):
        derived[row["s"].value].add(row["section"].value)

    graph = nx.MultiDiGraph(sections=dict(sorted(sections.items())))
    for iri in sorted(nodes):
        kind, class_names = hierarchy.describe(frozenset(types.get(iri, ())))
        en, zh = labels.get(iri, {}).get("en"), labels.get(iri, {}).get("zh")
        attrs: dict[str, Any] = {
            "label": min(en)[1] if en else "",
            "label_zh": min(zh)[1] if zh else "",
            "kind": kind,
            "classes": class_names,
            "unnamed": iri in unnamed,
            "sources": sorted(derived.get(iri, ())),
            "figures": [],
        }
        if iri in schemes:
            attrs["scheme"] = local_name(schemes[iri])
        if iri in urls:
            attrs["url"] = urls[iri]
        graph.add_node(iri, **attrs)

    for (s, pred, o), sources in sorted(kept_edges.items()):
        kind = local_name(pred)
        graph.add_edge(s, o, key=kind, predicate=pred, kind=kind, sources=sorted(sources))

    _fold_posts(graph, store, edges, former)
    _fold_figures(graph, store)
    _add_profile_texts(graph, stores)
    used = {f[k] for _, a in graph.nodes(data=True) for f in a["figures"] for k in _FIGURE_TERMS if f.get(k)}
    graph.graph["terms"] = _term_labels(stores, used)
    return graph


def _add_profile_texts(graph: nx.MultiDiGraph, stores: Iterable[ox.Store]) -> None:
    """Attach every name, description and date a node has, each list sorted for stable output."""
    found: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for source in stores:
        for query, key in ((_NAMES, "names"), (_DESCRIPTIONS, "descriptions")):
            for row in _select(source, query):
                if row["s"].value in graph:
                    found[row["s"].value][key].add((row["l"].language or "", row["l"].value))
        for row in _select(source, _DATES):
            if row["s"].value in graph:
                found[row["s"].value]["dates"].add((local_name(row["p"].value), row["d"].value))
    for iri, texts in found.items():
        attrs = graph.nodes[iri]
        for key in ("names", "descriptions"):
            if texts.get(key):
                attrs[key] = [list(pair) for pair in sorted(texts[key])]
        if texts.get("dates"):
            attrs["dates"] = {prop: min(v for p, v in texts["dates"] if p == prop) for prop, _ in sorted(texts["dates"])}


_FIGURE_TERMS = ("indicator", "unit", "qualifier", "growth_qualifier")


def _term_labels(stores: Iterable[ox.Store], used: set[str]) -> dict[str, dict[str, str]]:
    """English and Chinese labels of the terms that describe figures (the smallest label per language)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for source in stores:
        for row in _select(source, _TERM_LABELS):
            if row["t"].value not in used:
                continue
            lang = "zh" if row["l"].language.lower().startswith("zh") else "en"
            current = labels[row["t"].value].get(lang)
            if current is None or row["l"].value < current:
                labels[row["t"].value][lang] = row["l"].value
    return dict(sorted(labels.items()))


def _types(
    store: ox.Store, ontology: ox.Store, inferred: Iterable[ox.Triple | ox.Quad] | None
) -> tuple[dict[str, set[str]], set[str]]:
    """Classes of every IRI (data, vocabularies, inferred) and the IRIs typed in the data itself."""
    types: dict[str, set[str]] = defaultdict(set)
    described: set[str] = set()
    for source in (store, ontology):
        for row in _select(source, _TYPES):
            types[row["s"].value].add(row["t"].value)
            if source is store:
                described.add(row["s"].value)
    for statement in inferred or ():
        subject, obj = statement.subject, statement.object
        if statement.predicate == RDF_TYPE and isinstance(subject, ox.NamedNode) and isinstance(obj, ox.NamedNode):
            types[subject.value].add(obj.value)
    return types, described


def _labels(stores: Iterable[ox.Store]) -> dict[str, dict[str, list[tuple[int, str]]]]:
    """English and Chinese labels; ``rdfs:label`` ranks before ``skos:prefLabel``, then the smallest wins."""
    labels: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for source in stores:
        for row in _select(source, _LABELS):
            lang = "zh" if row["l"].language.lower().startswith("zh") else "en"
            rank = 0 if row["p"].value.endswith("label") else 1
            labels[row["s"].value][lang].append((rank, row["l"].value))
    return labels


def _flags(stores: Iterable[ox.Store]) -> tuple[set[str], set[str], dict[str, str], dict[str, str]]:
    """Unnamed parties, former posts, concept schemes and web addresses."""
    unnamed: set[str] = set()
    former: set[str] = set()
    schemes: dict[str, str] = {}
    urls: dict[str, str] = {}
    for source in stores:
        for row in _select(source, _LITERALS):
            subject, pred, obj = row["s"].value, local_name(row["p"].value), row["o"]
            if pred == "unnamedInSource" and _value(obj) is True:
                unnamed.add(subject)
            elif pred == "former" and _value(obj) is True:
                former.add(subject)
            elif pred == "inScheme":
                schemes[subject] = obj.value
            elif pred == "url":
                urls.setdefault(subject, obj.value)
    return unnamed, former, schemes, urls


def _sections(store: ox.Store) -> tuple[dict[str, dict[str, str]], set[str]]:
    """Source sections (title, document, document title) and the named graphs derived from them."""
    sections: dict[str, dict[str, str]] = {}
    graph_iris: set[str] = set()
    for row in _select(store, _SECTIONS, union=False):
        sections[row["section"].value] = {
            "title": row["title"].value if row["title"] else "",
            "document": _iri(row["document"]),
            "document_title": row["docTitle"].value if row["docTitle"] else "",
        }
        if row["g"] is not None:
            graph_iris.add(row["g"].value)
    return sections, graph_iris


def _links(store: ox.Store) -> dict[tuple[str, str, str], set[str]]:
    """Every IRI-to-IRI statement not folded away, with the sections of the named graphs stating it."""
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for subject, pred, obj, section in _select(store, _LINKS, union=False):
        sources = edges[(subject.value, pred.value, obj.value)]
        if section is not None:
            sources.add(section.value)
    return edges


def _fold_posts(
    graph: nx.MultiDiGraph, store: ox.Store, edges: dict[tuple[str, str, str], set[str]], former: set[str]
) -> None:
    """Turn each post or membership into one edge holder -> organisation, kind = role (``former`` prefixed)."""
    for row in _select(store, _POSTS):
        post, holder, org = row["post"].value, row["holder"].value, row["org"].value
        if holder not in graph or org not in graph:
            continue
        role = _iri(row["role"])
        role_name = local_name(role).removeprefix("role-") if role else row["cls"].value
        words = [w for w in role_name.replace("_", "-").split("-") if w]
        kind = words[0] + "".join(w.title() for w in words[1:])
        is_former = post in former
        if is_former:
            kind = "former" + kind[:1].upper() + kind[1:]
        link = _ORG + ("heldBy" if row["cls"].value == "post" else "member")
        sources = edges.get((post, link, holder), set())
        graph.add_edge(
            holder,
            org,
            key=kind,
            predicate=link,
            kind=kind,
            sources=sorted(sources),
            role=role,
            former=is_former,
            via=post,
        )


def _fold_figures(graph: nx.MultiDiGraph, store: ox.Store) -> None:
    """Attach every figure to its subject (``eco:refSubject``, else ``eco:refArea``)."""
    figures: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in _select(store, _FIGURES):
        subject = _iri(row["subject"]) or _iri(row["area"])
        if subject not in graph:
            continue
        obs = row["obs"].value
        figure = figures[subject].setdefault(
            obs,
            {
                "iri": obs,
                "indicator": row["indicator"].value,
                "value": _value(row["value"]),
                "unit": _iri(row["unit"]),
                "qualifier": _iri(row["qualifier"]),
                "year": _value(row["year"]),
                "growth": _value(row["growth"]),
                "growth_qualifier": _iri(row["gq"]),
                "area": _iri(row["area"]),
                "source": "",
                "part_of": "",
                "subset_of": "",
            },
        )
        if row["section"] is not None and (not figure["source"] or row["section"].value < figure["source"]):
            figure["source"] = row["section"].value
    wholes = {(row["obs"].value, local_name(row["p"].value)): row["whole"].value for row in _select(store, _FIGURE_LINKS)}
    for by_obs in figures.values():
        for obs, figure in by_obs.items():
            figure["part_of"] = wholes.get((obs, "partOfFigure"), "")
            figure["subset_of"] = wholes.get((obs, "subsetOfFigure"), "")
    for subject, by_obs in figures.items():
        graph.nodes[subject]["figures"] = sorted(
            by_obs.values(), key=lambda f: (f["indicator"], str(f["year"]), f["area"], f["iri"])
        )


def load_projection(paths: Iterable[Any] | None = None, *, inferred: Iterable[ox.Triple | ox.Quad] | None = None) -> nx.MultiDiGraph:
    """Load the project's data (or the given files) and project it.

    Parameters
    ----------
    paths : iterable of path, optional
        Data files or directories; defaults to ``graph/``.
    inferred : iterable of Triple or Quad, optional
        See :func:`project`.

    Returns
    -------
    networkx.MultiDiGraph
    """
    from ecograph.rdf.loading import load_dataset

    return project(load_dataset(paths), inferred=inferred)
