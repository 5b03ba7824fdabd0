"""The SKOS concept reference: every concept of the vocabularies and the data, with its scheme, labels and definition."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pyoxigraph as ox

from ecograph.rdf.namespaces import PREFIXES

__all__ = ["Concept", "concepts_html", "list_concepts"]

_CONCEPTS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?scheme ?schemeLabel ?en ?zh ?definition (GROUP_CONCAT(DISTINCT STR(?broader); separator=" ") AS ?broaders)
WHERE {
  ?concept a skos:Concept .
  OPTIONAL { ?concept skos:inScheme ?scheme OPTIONAL { ?scheme skos:prefLabel ?schemeLabel FILTER(LANG(?schemeLabel) = "en") } }
  OPTIONAL { ?concept skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?concept skos:prefLabel ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?concept skos:definition ?definition FILTER(LANG(?definition) = "en") }
  OPTIONAL { ?concept skos:broader ?broader }
}
GROUP BY ?concept ?scheme ?schemeLabel ?en ?zh ?definition
"""


@dataclass(frozen=True)
class Concept:
    """One SKOS concept as the reference lists it.

    Attributes
    ----------
    iri, scheme : str
        The concept and its scheme (``""`` when it names none).
    scheme_label, label_en, label_zh, definition : str
        English scheme label, English and Chinese preferred labels and English definition
        (``""`` where the graph gives none: no Chinese label is invented).
    broader : tuple of str
        Broader concepts.
    """

    iri: str
    scheme: str
    scheme_label: str
    label_en: str
    label_zh: str
    definition: str
    broader: tuple[str, ...]


def _text(term: ox.Literal | ox.NamedNode | None) -> str:
    return "" if term is None else term.value


def list_concepts(store: ox.Store) -> list[Concept]:
    """List every ``skos:Concept`` of a store (union of its graphs), sorted by scheme and IRI.

    Parameters
    ----------
    store : pyoxigraph.Store
        Ontology, vocabularies and data.

    Returns
    -------
    list of Concept

    Examples
    --------
    >>> store = ox.Store()
    >>> store.load(b'@prefix skos: <http://www.w3.org/2004/02/skos/core#> . '
    ...            b'<urn:c> a skos:Concept ; skos:prefLabel "yuan"@en , "\\xe5\\x85\\x83"@zh .', format=ox.RdfFormat.TURTLE)
    >>> [(c.iri, c.label_en, c.label_zh) for c in list_concepts(store)]
    [('urn:c', 'yuan', '元')]
    """
    concepts = {
        Concept(
            iri=row["concept"].value,
            scheme=_text(row["scheme"]),
            scheme_label=_text(row["schemeLabel"]),
            label_en=_text(row["en"]),
            label_zh=_text(row["zh"]),
            definition=_text(row["definition"]),
            broader=tuple(sorted(_text(row["broaders"]).split())),
        )
        for row in store.query(_CONCEPTS, use_default_graph_as_union=True)  # type: ignore[union-attr]
        if isinstance(row["concept"], ox.NamedNode)
    }
    return sorted(concepts, key=lambda c: (c.scheme, c.iri, c.label_en, c.label_zh, c.definition))


def _short(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def concepts_html(store: ox.Store) -> str:
    """Render the concept reference as one self-contained HTML page (escaped, no scripts).

    Parameters
    ----------
    store : pyoxigraph.Store
        Ontology, vocabularies and data.

    Returns
    -------
    str
    """
    concepts = list_concepts(store)
    e = html.escape
    rows = []
    scheme = None
    for c in concepts:
        if c.scheme != scheme:
            scheme = c.scheme
            title = f"{e(c.scheme_label)} (<code>{e(_short(scheme))}</code>)" if scheme else "Concepts without a scheme"
            rows.append(f'<tr class="scheme"><th colspan="5" id="{e(_short(scheme) or "none")}">{title}</th></tr>')
        broader = ", ".join(f"<code>{e(_short(b))}</code>" for b in c.broader)
        rows.append(
            f'<tr id="{e(_short(c.iri))}"><td><code>{e(_short(c.iri))}</code></td><td>{e(c.label_en)}</td>'
            f'<td lang="zh">{e(c.label_zh) or "<span class=none>not given</span>"}</td>'
            f'<td>{e(c.definition) or "<span class=none>not given</span>"}</td><td>{broader}</td></tr>'
        )
    schemes = len({c.scheme for c in concepts})
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ecograph: SKOS concepts</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
tr.scheme th {{ background: #eef; padding-top: 12px; }}
.none {{ color: #888; font-style: italic; }}
</style>
</head>
<body>
<h1>SKOS concepts of ecograph</h1>
<p>{len(concepts)} concepts in {schemes} schemes: units, qualifiers and indicators of figures, organisation
categories and roles (from <code>ontology/vocabularies.ttl</code>), and sectors, models, policy measures,
forum themes and topics (from the source, in <code>graph/</code>). Chinese labels appear only where the
vocabulary or a source gives them. The classes and properties are on the <a href="index.html">ontology page</a>.</p>
<table>
<thead><tr><th>concept</th><th>English label</th><th>Chinese label</th><th>definition</th><th>broader</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""
