"""Namespaces of the ecograph ontology, its data and the vocabularies it reuses."""

from rdflib import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = [
    "ECO",
    "ECOD",
    "ECOC",
    "ECOG",
    "SCHEMA",
    "PREFIXES",
    "INFERRED_GRAPH_IRI",
    "DCTERMS",
    "ORG",
    "OWL",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SKOS",
    "TIME",
    "VOID",
    "XSD",
]

ONTOLOGY_IRI = "https://w3id.org/ecograph/ontology"


class ECO(DefinedNamespace):
    """The ecograph ontology: a closed set of terms, so a misspelled term fails loudly."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # Classes and data-structure definitions
    Enterprise: URIRef
    Forum: URIRef
    ForumEdition: URIRef
    ForumSession: URIRef
    GovernmentAgency: URIRef
    GovernmentBody: URIRef
    GraduatedCompany: URIRef
    IncubatedCompany: URIRef
    IncubationCarrier: URIRef
    Incubator: URIRef
    InvestmentAgency: URIRef
    LocalGovernment: URIRef
    MakerSpace: URIRef
    Ministry: URIRef
    NationalStatisticsStructure: URIRef
    OrganisationAreaFiguresStructure: URIRef
    OrganisationFiguresStructure: URIRef
    Policy: URIRef
    PolicyDocument: URIRef
    PreForumEvent: URIRef
    PrivateEnterprise: URIRef
    Reading: URIRef
    Programme: URIRef
    Report: URIRef
    ResearchInstitute: URIRef
    SourceDocument: URIRef
    SourceSection: URIRef
    SpaceGroup: URIRef
    SpaceNetwork: URIRef
    StateOwnedEnterprise: URIRef
    StatisticalObservation: URIRef
    Strategy: URIRef
    UndatedOrganisationFiguresStructure: URIRef
    University: URIRef
    VirtuousCircleCompany: URIRef
    # Properties
    approximate: URIRef
    attractedInvestment: URIRef
    callsFor: URIRef
    concerns: URIRef
    concernsProperty: URIRef
    eventYear: URIRef
    followsModel: URIRef
    former: URIRef
    founded: URIRef
    foundingYear: URIRef
    graduatedFrom: URIRef
    growthApproximate: URIRef
    growthComparedWith: URIRef
    growthMinExclusive: URIRef
    growthMinInclusive: URIRef
    growthQualifier: URIRef
    growthRate: URIRef
    implements: URIRef
    inSector: URIRef
    incubated: URIRef
    incubatedBy: URIRef
    indicator: URIRef
    minExclusive: URIRef
    minInclusive: URIRef
    obsValue: URIRef
    offersService: URIRef
    operatedBy: URIRef
    otherReading: URIRef
    partOfFigure: URIRef
    qualifier: URIRef
    readingReason: URIRef
    readingTaken: URIRef
    refArea: URIRef
    refPeriod: URIRef
    refSubject: URIRef
    sectionNumber: URIRef
    serves: URIRef
    subsetOfFigure: URIRef
    theme: URIRef
    topic: URIRef
    unit: URIRef
    unnamedInSource: URIRef


ECOD = Namespace("https://w3id.org/ecograph/id/")
ECOC = Namespace("https://w3id.org/ecograph/concept/")
ECOG = Namespace("https://w3id.org/ecograph/graph/")
SCHEMA = SDO
#: The named graph of the reasoner's statements (ecog:inferred); its PROV lies in the default graph.
INFERRED_GRAPH_IRI = str(ECOG) + "inferred"

PREFIXES: dict[str, str] = {
    "eco": str(ECO._NS),
    "ecod": str(ECOD),
    "ecoc": str(ECOC),
    "ecog": str(ECOG),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "qb": str(QB),
    "time": str(TIME),
    "dcterms": str(DCTERMS),
    "void": str(VOID),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
