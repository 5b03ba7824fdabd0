"""RDF terms the code names, and the one way to shorten or expand an IRI."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ecograph.rdf.namespaces import PREFIXES

__all__ = [
    "RDF_TYPE",
    "RDF_LANG_STRING",
    "RDFS_COMMENT",
    "OWL_IMPORTS",
    "XSD_STRING",
    "XSD_INTEGER",
    "xsd",
    "curie",
    "local_name",
    "expand",
]

RDF_TYPE = ox.NamedNode(str(RDF.type))
RDF_LANG_STRING = ox.NamedNode(str(RDF.langString))
RDFS_COMMENT = ox.NamedNode(str(RDFS.comment))
OWL_IMPORTS = ox.NamedNode(str(OWL.imports))
XSD_STRING = ox.NamedNode(str(XSD.string))
XSD_INTEGER = ox.NamedNode(str(XSD.integer))

# What may follow the colon of a prefixed name this code writes (a subset of SPARQL's PN_LOCAL).
_LOCAL = re.compile(r"[\w.-]*")


def xsd(name: str) -> ox.NamedNode:
    """Return the XML Schema datatype of that name.

    Examples
    --------
    >>> xsd("decimal").value
    'http://www.w3.org/2001/XMLSchema#decimal'
    """
    return ox.NamedNode(str(XSD) + name)


def curie(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """Return ``prefix:local`` for an IRI in one of the namespaces, or None.

    The longest matching namespace wins; an IRI whose rest is not a plain local name
    (letters, digits, ``_``, ``.``, ``-``) has no prefixed form.

    Parameters
    ----------
    iri : str
        The IRI.
    prefixes : mapping of str to str, optional
        Prefix to namespace; the project's :data:`~ecograph.rdf.namespaces.PREFIXES` by default.

    Returns
    -------
    str or None

    Examples
    --------
    >>> curie("https://w3id.org/ecograph/id/huibo")
    'ecod:huibo'
    >>> curie("https://w3id.org/ecograph/id/a/b") is None
    True
    >>> curie("urn:x:y") is None
    True
    """
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and _LOCAL.fullmatch(iri, len(ns)):
            return f"{prefix}:{iri[len(ns):]}"
    return None


def local_name(iri: str) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``.

    Parameters
    ----------
    iri : str
        Any IRI.

    Returns
    -------
    str

    Examples
    --------
    >>> local_name("https://w3id.org/ecograph/ontology#incubatedBy")
    'incubatedBy'
    >>> local_name("https://schema.org/founder")
    'founder'
    """
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def expand(name: str, prefixes: Mapping[str, str] = PREFIXES) -> ox.NamedNode:
    """Return the IRI of a prefixed name.

    Parameters
    ----------
    name : str
        ``prefix:local``.
    prefixes : mapping of str to str, optional
        Prefix to namespace; the project's :data:`~ecograph.rdf.namespaces.PREFIXES` by default.

    Returns
    -------
    pyoxigraph.NamedNode

    Raises
    ------
    KeyError
        If the prefix is not in ``prefixes``.

    Examples
    --------
    >>> expand("prov:Activity").value
    'http://www.w3.org/ns/prov#Activity'
    """
    prefix, local = name.split(":", 1)
    return ox.NamedNode(prefixes[prefix] + local)
