"""Generate a synthetic ecosystem graph of a chosen size, with known chain counts, for scale tests."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.errors import InputError
from ecograph.rdf.namespaces import PREFIXES
from ecograph.rdf.terms import expand, xsd
from ecograph.utils import atomic_files

__all__ = [
    "SYNTH_ID",
    "SYNTH_GRAPH",
    "GENERATOR_VERSION",
    "SynthResult",
    "generate",
    "expected_counts",
    "write_synth",
    "default_path",
]

SYNTH_ID = "https://w3id.org/ecograph/id/synth/"
SYNTH_GRAPH = "https://w3id.org/ecograph/graph/synth/"
_ECOC = "https://w3id.org/ecograph/concept/"

# Bumped whenever the output for a given (triples, seed) changes.
GENERATOR_VERSION = 2
_SECTORS = 12
_LAST_YEAR = 2018
# Statements kept back for the last, filler region, so that it always has room to land on the target.
_FILLER_ROOM = 400
# Below this many statements left, a filler region (its document and city) would overshoot.
_FILLER_MIN = 40
_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _p(name: str) -> ox.NamedNode:
    return expand(name, _PREFIXES)


_USED = ("eco", "ecoc", "rdf", "rdfs", "xsd", "skos", "dcterms", "org", "prov", "qb", "schema")
_PREFIXES = {
    **{k: PREFIXES[k] for k in _USED},
    "ecos": SYNTH_ID,
    "ecogs": SYNTH_GRAPH,
}
A = _p("rdf:type")
LABEL = _p("rdfs:label")
DERIVED = _p("prov:wasDerivedFrom")
FOUNDER = _p("schema:founder")
INCUBATED_BY = _p("eco:incubatedBy")
GRADUATED_FROM = _p("eco:graduatedFrom")
SUB_ORG = _p("org:subOrganizationOf")
CLASSIFICATION = _p("org:classification")
IN_SECTOR = _p("eco:inSector")
DEFAULT = ox.DefaultGraph()

_INDICATORS = (
    # indicator, unit, base value per region, qualifier
    ("makers-spaces", "organisation", 60, "exact"),
    ("floor-area", "square-metre", 250_000, "more-than"),
    ("jobs-provided", "job", 11_000, "over"),
    ("teams-served", "organisation", 4_000, "over"),
    ("new-enterprises", "organisation", 900, "exact"),
    ("activities", "event", 2_500, "more-than"),
)
# Qualifiers whose figure is a lower bound the true value exceeds (eco:minExclusive).
_EXCLUSIVE = frozenset({"over", "more-than", "exceeds"})
_ORG_KINDS = (
    # slug, class, category (None: not classified), English name pattern, Chinese name pattern
    ("university", "eco:University", "university", "Synth University {i}", "合成大学{i}"),
    ("institute", "eco:ResearchInstitute", "research-institute", "Synth Institute of Technology {i}", "合成技术研究所{i}"),
    ("soe", "eco:StateOwnedEnterprise", "state-owned-enterprise", "Synth State Group {i}", "合成国企集团{i}"),
    ("private", "eco:PrivateEnterprise", "private-enterprise", "Synth Tech {i}", "合成科技{i}"),
    ("investor", "eco:InvestmentAgency", "investment-agency", "Synth Capital {i}", "合成资本{i}"),
)


@dataclass
class SynthResult:
    """What a synthetic graph contains, counted while it was generated.

    Attributes
    ----------
    triples : int
        Requested size.
    seed : int
        Random seed.
    counts : dict of str to int
        Exact counts: ``triples`` (statements written, all distinct),
        ``virtuous_circle``, ``incubation_pairs``, ``graduation_pairs``,
        ``lineage_depth_max``, ``networks``, ``branches``, ``cycles`` and more;
        see ``docs/scale.md`` for the SPARQL that reproduces each.
    path : Path or None
        The file written, if any.
    """

    triples: int
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    path: Path | None = None

    def to_json(self) -> str:
        """Return the sidecar JSON: the counts plus the generation parameters."""
        data = {
            **self.counts,
            "requested_triples": self.triples,
            "seed": self.seed,
            "generator_version": GENERATOR_VERSION,
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


class _Block:
    """The statements of one region and what they count; built whole, emitted or dropped whole."""

    def __init__(self) -> None:
        self.quads: list[ox.Quad] = []
        self.counts: Counter[str] = Counter()
        self.graph: ox.NamedNode | ox.DefaultGraph = DEFAULT
        self.section: ox.NamedNode | None = None

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))

    def thing(self, iri: str, cls: str, *more: tuple[ox.NamedNode, object]) -> ox.NamedNode:
        """State a thing of a class in the current section, with its evidence."""
        node = _n(iri)
        self.add(node, A, _p(cls))
        for p, o in more:
            self.add(node, p, o)  # type: ignore[arg-type]
        self.add(node, DERIVED, self.section)  # type: ignore[arg-type]
        return node


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=xsd(datatype))


def _year(year: int) -> ox.Literal:
    return _typed(year, "gYear")


def _open_section(block: _Block, doc: str, key: str, number: str, title: str) -> None:
    """Describe a section in the default graph and make its named graph current."""
    section = _n(f"{SYNTH_ID}source-{key}")
    graph = _n(f"{SYNTH_GRAPH}{key}")
    block.graph = DEFAULT
    block.add(section, A, _p("eco:SourceSection"))
    block.add(section, _p("dcterms:isPartOf"), _n(doc))
    block.add(section, _p("eco:sectionNumber"), ox.Literal(number))
    block.add(section, _p("dcterms:title"), _en(title))
    block.add(graph, DERIVED, section)
    block.counts["source_sections"] += 1
    block.counts["named_graphs"] += 1
    block.graph = graph
    block.section = section


def _header(seed: int, triples: int) -> _Block:
    b = _Block()
    corpus = f"{SYNTH_ID}source-corpus"
    b.add(_n(corpus), A, _p("eco:SourceDocument"))
    b.add(_n(corpus), _p("dcterms:title"), _en(f"Synthetic ecosystem corpus (seed {seed}, about {triples} statements)"))
    b.add(_n(corpus), _p("rdfs:comment"), _en("Generated by ecograph.synth for scale tests; every name and figure in it is synthetic."))
    b.counts["source_documents"] += 1
    for slug, structure, label in (
        ("regional-statistics", "NationalStatisticsStructure", "Synthetic regional statistics"),
        ("organisation-figures", "OrganisationFiguresStructure", "Synthetic figures about single organisations"),
    ):
        ds = _n(f"{SYNTH_ID}dataset-{slug}")
        b.add(ds, A, _p("qb:DataSet"))
        b.add(ds, LABEL, _en(label))
        b.add(ds, _p("qb:structure"), _p(f"eco:{structure}"))
    _open_section(b, corpus, "overview", "0", "Overview of the synthetic country")
    b.thing(f"{SYNTH_ID}country", "schema:Country", (LABEL, _en("Synthland")), (LABEL, _zh("合成国")))
    b.thing(f"{SYNTH_ID}academy", "org:Organization", (LABEL, _en("Synth Academy of Sciences")), (LABEL, _zh("合成科学院")))
    for k in range(1, _SECTORS + 1):
        b.thing(
            f"{_ECOC}sector-synth-{k}",
            "skos:Concept",
            (_p("skos:inScheme"), _p("ecoc:sectors")),
            (_p("skos:prefLabel"), _en(f"synthetic sector {k}")),
            (_p("skos:prefLabel"), _zh(f"合成行业{k}")),
        )
    return b


class _Region:
    """Builds one region block: organisations, spaces, lineages, networks, a forum, figures."""

    def __init__(self, seed: int, index: int) -> None:
        self.i = index
        # A string seed is hashed with SHA-512 by random.Random: stable across runs and platforms.
        self.rng = random.Random(f"ecograph-synth:{seed}:{index}")
        self.b = _Block()
        self.doc = f"{SYNTH_ID}source-r{index}"
        self.companies: list[ox.NamedNode] = []
        self.graduated: set[str] = set()
        self.founders: set[str] = set()

    def document(self) -> None:
        b = self.b
        b.graph = DEFAULT
        b.add(_n(self.doc), A, _p("eco:SourceDocument"))
        b.add(_n(self.doc), _p("dcterms:title"), _en(f"Synthetic report on region {self.i}"))
        b.add(_n(self.doc), _p("dcterms:isPartOf"), _n(f"{SYNTH_ID}source-corpus"))
        b.counts["source_documents"] += 1

    def iri(self, local: str) -> str:
        return f"{SYNTH_ID}r{self.i}-{local}"

    def sector(self) -> ox.NamedNode:
        return _n(f"{_ECOC}sector-synth-{self.rng.randint(1, _SECTORS)}")

    def section(self, k: int, title: str) -> None:
        _open_section(self.b, self.doc, f"r{self.i}-s{k}", str(k), title)

    def build(self) -> _Block:
        b = self.b
        self.document()
        orgs = self.organisations()
        self.spaces(orgs)
        if self.i == 0 or self.rng.random() < 0.5:
            self.network(orgs["private"])
        if self.i == 0 or self.rng.random() < 0.2:
            self.forum(orgs["government"], orgs["university"])
        self.figures()
        b.counts["virtuous_circle"] += len(self.graduated & self.founders)
        return b

    # -- section 1
    def organisations(self) -> dict[str, ox.NamedNode]:
        b, i = self.b, self.i
        self.section(1, f"Organisations of region {i}")
        city = b.thing(
            self.iri("city"), "schema:City", (LABEL, _en(f"Synth City {i}")), (LABEL, _zh(f"合成城市{i}")),
            (_p("schema:containedInPlace"), _n(f"{SYNTH_ID}country")),
        )
        self.city = city
        orgs = {"government": b.thing(self.iri("government"), "eco:LocalGovernment", (LABEL, _en(f"Government of Synth City {i}")))}
        b.counts["local_governments"] += 1
        for slug, cls, category, en, zh in _ORG_KINDS:
            more: list[tuple[ox.NamedNode, object]] = [(LABEL, _en(en.format(i=i)))]
            if self.rng.random() < 0.5:
                more.append((LABEL, _zh(zh.format(i=i))))
            more.append((CLASSIFICATION, _n(f"{_ECOC}category-{category}")))
            if slug == "institute":
                more.append((SUB_ORG, _n(f"{SYNTH_ID}academy")))
            orgs[slug] = b.thing(self.iri(slug), cls, *more)
            b.counts[cls.split(":")[1]] += 1
        orgs["office"] = b.thing(
            self.iri("university-tech-transfer-office"), "org:OrganizationalUnit",
            (LABEL, _en(f"Technology Transfer Office of Synth University {i}")), (_p("org:unitOf"), orgs["university"]),
        )
        return orgs

    # -- section 2
    def company(self, local: str, carrier: ox.NamedNode, graduate: bool) -> ox.NamedNode:
        label = _en(f"Synth Company {self.i}-{local}")
        rel = GRADUATED_FROM if graduate else INCUBATED_BY
        node = self.b.thing(self.iri(f"company-{local}"), "eco:Enterprise", (LABEL, label), (rel, carrier), (IN_SECTOR, self.sector()))
        self.b.counts["graduation_pairs" if graduate else "incubation_pairs"] += 1
        self.b.counts["companies"] += 1
        if graduate:
            self.graduated.add(node.value)
        self.companies.append(node)
        return node

    def carrier(self, local: str, cls: str, founder: ox.NamedNode, name: str) -> ox.NamedNode:
        more: list[tuple[ox.NamedNode, object]] = [(LABEL, _en(name)), (FOUNDER, founder), (IN_SECTOR, self.sector())]
        if self.rng.random() < 0.3:
            more.append((LABEL, _zh(f"合成{'孵化器' if cls == 'eco:Incubator' else '众创空间'}{self.i}-{local}")))
        node = self.b.thing(self.iri(local), cls, *more)
        self.b.counts["incubators" if cls == "eco:Incubator" else "maker_spaces"] += 1
        self.founders.add(founder.value)
        return node

    def spaces(self, orgs: dict[str, ox.NamedNode]) -> None:
        b, rng, i = self.b, self.rng, self.i
        self.section(2, f"Makers' spaces, incubators and the companies they incubate in region {i}")
        roots = []
        for slug in ("university", "institute", "soe", "private", "investor", "office"):
            cls = "eco:Incubator" if rng.random() < 0.5 else "eco:MakerSpace"
            kind = "Incubator" if cls == "eco:Incubator" else "Makers' Space"
            roots.append((self.carrier(f"{slug}-space", cls, orgs[slug], f"Synth {slug.title()} {kind} {i}"), cls))
        b.thing(self.iri("soe-spaces"), "eco:SpaceGroup", (_p("eco:unnamedInSource"), _typed("true", "boolean")), (FOUNDER, orgs["soe"]))
        b.counts["space_groups"] += 1
        self.founders.add(orgs["soe"].value)
        # Companies of the first generation: depth-1 lineages under carriers founded by organisations.
        n = 0
        for carrier, cls in roots:
            for _ in range(rng.randint(2, 6)):
                n += 1
                self.company(f"{n}", carrier, cls == "eco:Incubator" and rng.random() < 0.5)
        # One multi-generation lineage: incubator -> graduate -> incubator it founds -> graduate -> ...
        depth = 6 if i == 0 else rng.randint(2, 4)
        root = self.carrier("lineage-root", "eco:Incubator", orgs["university"], f"Synth University Incubator {i}")
        carrier = root
        for gen in range(1, depth + 1):
            company = self.company(f"gen{gen}", carrier, graduate=True)
            if gen < depth:
                carrier = self.carrier(f"gen{gen}-incubator", "eco:Incubator", company, f"Synth Generation {gen} Incubator {i}")
        b.counts["lineages"] += 1
        b.counts["lineage_depth_max"] = max(b.counts["lineage_depth_max"], depth)
        # A cycle: a company incubated by a space that it later co-founds. The space incubates
        # nobody else, so the cycle never lengthens a lineage.
        if i == 0 or rng.random() < 0.3:
            space = self.carrier("cycle-space", "eco:MakerSpace", orgs["private"], f"Synth Co-founded Makers' Space {i}")
            company = self.company("cycle", space, graduate=False)
            b.add(space, FOUNDER, company)
            self.founders.add(company.value)
            b.counts["cycles"] += 1

    # -- section 3
    def network(self, founder: ox.NamedNode) -> None:
        b, rng, i = self.b, self.rng, self.i
        self.section(3, f"A networked makers' space brand in region {i}")
        net = b.thing(
            self.iri("network"), "eco:SpaceNetwork", (LABEL, _en(f"Synth Network {i}")), (LABEL, _zh(f"合成连锁空间{i}")),
            (FOUNDER, founder), (IN_SECTOR, self.sector()),
        )
        self.founders.add(founder.value)
        branches = rng.randint(3, 10)
        for j in range(1, branches + 1):
            branch = b.thing(
                self.iri(f"network-branch-{j}"), "eco:MakerSpace", (LABEL, _en(f"Synth Network {i} Branch {j}")), (SUB_ORG, net)
            )
            b.counts["maker_spaces"] += 1
            for k in range(rng.randint(0, 2)):
                self.company(f"branch{j}-{k + 1}", branch, graduate=False)
        b.counts["networks"] += 1
        b.counts["branches"] += branches
        self.observation(
            f"obs-{_LAST_YEAR}-r{i}-network-spaces", "organisation-figures", "spaces-operated", _LAST_YEAR, branches,
            "organisation", "exact", subject=net,
        )

    # -- section 4
    def forum(self, government: ox.NamedNode, university: ox.NamedNode) -> None:
        b, rng, i = self.b, self.rng, self.i
        self.section(4, f"A forum series held in region {i}")
        first = rng.randint(2008, 2015)
        forum = b.thing(
            self.iri("forum"), "eco:Forum", (LABEL, _en(f"Synth Innovation Forum {i}")), (LABEL, _zh(f"合成创新论坛{i}")),
            (FOUNDER, government), (FOUNDER, university), (_p("eco:foundingYear"), _year(first)),
        )
        chair = b.thing(self.iri("forum-chair"), "schema:Person", (LABEL, _en(f"Synth Chair {i}")))
        b.thing(
            self.iri("post-forum-chairman"), "org:Post", (LABEL, _en(f"Chairman of Synth Innovation Forum {i}")),
            (_p("org:postIn"), forum), (_p("org:role"), _p("ecoc:role-chairman")), (_p("org:heldBy"), chair),
        )
        b.counts["forums"] += 1
        edition = forum
        for year in range(first, _LAST_YEAR + 1):
            theme = b.thing(
                f"{_ECOC}theme-synth-{i}-{year}", "skos:Concept", (_p("skos:inScheme"), _p("ecoc:forum-themes")),
                (_p("skos:prefLabel"), _en(f"Synthetic theme {i}-{year}")),
            )
            dates: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [(_p("eco:eventYear"), _year(year))]
            if year == _LAST_YEAR:
                start = rng.randint(1, 25)
                dates += [
                    (_p("schema:startDate"), _typed(f"{year}-10-{start:02d}", "date")),
                    (_p("schema:endDate"), _typed(f"{year}-10-{start + 3:02d}", "date")),
                    (_p("schema:location"), self.city),
                ]
            edition = b.thing(
                self.iri(f"forum-{year}"), "eco:ForumEdition", (LABEL, _en(f"{year} Synth Innovation Forum {i}")),
                (_p("schema:superEvent"), forum), *dates, (_p("eco:theme"), theme),
            )
            b.counts["forum_editions"] += 1
        part_of_edition = (_p("schema:superEvent"), edition)
        b.thing(self.iri(f"forum-{_LAST_YEAR}-pre-event"), "eco:PreForumEvent", (LABEL, _en(f"Pre-forum Expo {i}")), part_of_edition)
        for k in range(1, rng.randint(2, 16) + 1):
            b.thing(self.iri(f"forum-{_LAST_YEAR}-session-{k}"), "eco:ForumSession", (LABEL, _en(f"Session {k}")), part_of_edition)
            b.counts["forum_sessions"] += 1

    # -- section 5
    def observation(
        self, local: str, dataset: str, indicator: str, year: int, value: int, unit: str, qualifier: str,
        subject: ox.NamedNode | None = None, growth: tuple[float, str] | None = None,
    ) -> None:
        more: list[tuple[ox.NamedNode, object]] = [
            (_p("qb:dataSet"), _n(f"{SYNTH_ID}dataset-{dataset}")),
            (_p("eco:indicator"), _n(f"{_ECOC}indicator-{indicator}")),
            (_p("eco:refSubject"), subject) if subject is not None else (_p("eco:refArea"), self.city),
            (_p("eco:refPeriod"), _year(year)),
            (_p("eco:obsValue"), _typed(value, "integer")),
            (_p("eco:unit"), _n(f"{_ECOC}unit-{unit}")),
            (_p("eco:qualifier"), _n(f"{_ECOC}qualifier-{qualifier}")),
        ]
        # The bound each qualifier's wording gives (docs/modelling.md, honest numbers).
        if qualifier in _EXCLUSIVE:
            more.append((_p("eco:minExclusive"), _typed(value, "integer")))
        if growth is not None:
            more += [
                (_p("eco:growthRate"), _typed(f"{growth[0]:.1f}", "decimal")),
                (_p("eco:growthQualifier"), _n(f"{_ECOC}qualifier-{growth[1]}")),
                (_p("eco:growthComparedWith"), _year(year - 1)),
            ]
            if growth[1] in _EXCLUSIVE:
                more.append((_p("eco:growthMinExclusive"), _typed(f"{growth[0]:.1f}", "decimal")))
        self.b.thing(SYNTH_ID + local, "eco:StatisticalObservation", *more)
        self.b.counts["observations"] += 1

    def figures(self, years: int | None = None) -> None:
        rng, i = self.rng, self.i
        self.section(5, f"Yearly figures of region {i}")
        years = rng.randint(2, 5) if years is None else years
        for indicator, unit, base, qualifier in _INDICATORS:
            value = base * rng.randint(5, 15) // 10
            for year in range(_LAST_YEAR - years + 1, _LAST_YEAR + 1):
                growth = None
                if year > _LAST_YEAR - years + 1:
                    rate = rng.randint(5, 60)
                    value = value * (100 + rate) // 100
                    growth = (float(rate), rng.choice(("exact", "over")))
                self.observation(
                    f"obs-{year}-r{i}-{indicator}", "regional-statistics", indicator, year, value, unit, qualifier, growth=growth
                )
        for company in self.companies[: rng.randint(1, 4)]:
            self.observation(
                f"obs-{_LAST_YEAR - 1}-{company.value.rsplit('/', 1)[1]}-turnover", "organisation-figures", "turnover",
                _LAST_YEAR - 1, rng.randint(1, 500) * 1_000_000, "yuan", "exact", subject=company,
            )


def _filler(seed: int, index: int, budget: int) -> _Block:
    """A last, small region: a city with yearly figures, as many as fit in ``budget`` statements."""
    region = _Region(seed, index)
    b = region.b
    region.document()
    region.section(1, f"Figures of region {index}")
    in_country = (_p("schema:containedInPlace"), _n(f"{SYNTH_ID}country"))
    region.city = b.thing(region.iri("city"), "schema:City", (LABEL, _en(f"Synth City {index}")), in_country)
    year = _LAST_YEAR
    while True:
        for indicator, unit, base, qualifier in _INDICATORS:
            # One observation is 9 or 10 statements: stop when the next would overshoot by more than half.
            if len(b.quads) + 5 > budget:
                return b
            region.observation(f"obs-{year}-r{index}-{indicator}", "regional-statistics", indicator, year, base, unit, qualifier)
        year -= 1


def generate(triples: int, seed: int = 0, counts: Counter[str] | None = None) -> Iterator[ox.Quad]:
    """Yield the statements of a synthetic ecosystem graph of about ``triples`` statements.

    The graph follows docs/modelling.md: every fact sits in a named graph derived
    from a synthetic source section, organisations carry their category, and the
    regions hold space networks, lineages of incubation, cycles, forums and
    yearly figures. Only one region (under 2,000 statements) is held in memory.

    Parameters
    ----------
    triples : int
        Target number of statements (quads); the result is within a few
        statements of it once it exceeds about 2,000.
    seed : int, optional
        Random seed; the same ``triples`` and ``seed`` give the same statements
        in the same order.
    counts : collections.Counter, optional
        Filled while generating with the exact counts of :class:`SynthResult`.

    Yields
    ------
    pyoxigraph.Quad

    Examples
    --------
    >>> quads = list(generate(3000, seed=1))
    >>> abs(len(quads) - 3000) < 20, len(set(quads)) == len(quads)
    (True, True)
    """
    if triples < 1:
        raise ValueError(f"triples must be positive, got {triples}")
    counts = Counter() if counts is None else counts

    def emit(block: _Block) -> list[ox.Quad]:
        deepest = max(counts["lineage_depth_max"], block.counts.pop("lineage_depth_max", 0))
        counts.update(block.counts)
        counts["lineage_depth_max"] = deepest
        counts["triples"] += len(block.quads)
        return block.quads

    yield from emit(_header(seed, triples))
    index = 0
    while True:
        region = _Region(seed, index).build()
        # Stop while a whole region still fits with room to spare: the filler lands on the target.
        if index and counts["triples"] + len(region.quads) + _FILLER_ROOM > triples:
            break
        yield from emit(region)
        index += 1
    if triples - counts["triples"] > _FILLER_MIN:
        yield from emit(_filler(seed, index, triples - counts["triples"]))


def expected_counts(triples: int, seed: int = 0) -> dict[str, int]:
    """Return the exact counts of the graph :func:`generate` would yield.

    Parameters
    ----------
    triples : int
        Target number of statements.
    seed : int, optional
        Random seed.

    Returns
    -------
    dict of str to int
        As :attr:`SynthResult.counts`.
    """
    counts: Counter[str] = Counter()
    for _ in generate(triples, seed, counts):
        pass
    return _complete(counts)


def _complete(counts: Counter[str]) -> dict[str, int]:
    keys = (
        "triples", "named_graphs", "source_documents", "source_sections", "companies", "incubation_pairs",
        "graduation_pairs", "virtuous_circle", "lineages", "lineage_depth_max", "cycles", "networks", "branches",
        "maker_spaces", "incubators", "space_groups", "forums", "forum_editions", "forum_sessions", "observations",
        "local_governments", "University", "ResearchInstitute", "StateOwnedEnterprise", "PrivateEnterprise",
        "InvestmentAgency",
    )
    renamed = {
        "University": "universities", "ResearchInstitute": "research_institutes",
        "StateOwnedEnterprise": "state_owned_enterprises", "PrivateEnterprise": "private_enterprises",
        "InvestmentAgency": "investment_agencies",
    }
    return {renamed.get(k, k): int(counts[k]) for k in keys}


def default_path(triples: int) -> Path:
    """Return ``build/synth-N.trig`` of the project."""
    from ecograph.paths import build_dir

    return build_dir() / f"synth-{triples}.trig"


def write_synth(path: str | Path | None, triples: int, seed: int = 0) -> SynthResult:
    """Write a synthetic graph to ``path`` (TriG or N-Quads) and its ``.expected.json`` sidecar.

    Both files are written to temporary names first and renamed at the end, so
    an interrupted run leaves any earlier files intact.

    Parameters
    ----------
    path : str or Path or None
        ``.trig`` or ``.nq`` file; ``None`` means ``build/synth-N.trig``.
    triples : int
        Target number of statements.
    seed : int, optional
        Random seed.

    Returns
    -------
    SynthResult
    """
    path = default_path(triples) if path is None else Path(path)
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(path, f"unsupported extension {path.suffix!r}: use .trig or .nq")
    if triples < 1:
        raise InputError(path, f"--triples must be positive, got {triples}")
    path.parent.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    prefixes = _PREFIXES if fmt == ox.RdfFormat.TRIG else None
    sidecar = path.with_name(path.name + ".expected.json")
    with atomic_files(path, sidecar) as (out, out_sidecar):
        # The serializer pulls from the generator as it writes: memory stays at one region.
        ox.serialize(generate(triples, seed, counts), out, fmt, prefixes=prefixes)
        result = SynthResult(triples=triples, seed=seed, counts=_complete(counts), path=path)
        out_sidecar.write(result.to_json().encode("utf-8"))
    return result
