"""The RDF writers: Turtle, N-Triples, JSON-LD (compact keys through our published context),
RDF/XML for one resource's description; N-Quads, TriG and the merged forms for the whole dataset.

Every writer here is one line of :data:`pipeline.export.WRITERS`.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import BinaryIO

import pyoxigraph as ox
from pyld import jsonld
from rdflib.namespace import RDF

from ..rdf.vocab import PREFIXES
from ..store import dump_merge, dump_named

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE_IRI = str(RDF.type)



def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for p, ns in prefixes.items():
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{p}:{iri[len(ns):]}"
    return iri


# ------------------------------------------------------------ JSON-LD ---
#
# Our JSON-LD is compacted against one published context (``/context.jsonld``): a plain term
# for every property and class the data uses, with coercions, so that a client reads
# ``"title": "…"``, ``"position": 3``, ``"is_part_of": "http://…"`` instead of prefixed keys and
# value objects.  The terms come from the ontology (``ontology/*.ttl``: every class and property
# it declares, ours and the ELI/CiTO/SDGO ones we reuse) and from the table below for the other
# vocabularies the data uses.  A term's coercion says how its values are written:
#
# ``"@id"``        an IRI (an object property);
# ``"en"``         English text (``"@language": "en"``: our texts are English and tagged so);
# ``"@language"``  a language map (``{"en": …, "fr": …}``; ``"@none"`` for an untagged string);
# an xsd IRI       a typed value (integers and booleans as JSON numbers and booleans);
# ``None``         no coercion (plain strings; other values keep their own ``@id``/``@type``).
#
# A value that does not fit its term's coercion (a rare IRI among strings) is still written
# exactly, under the prefixed name: compaction (PyLD, the JSON-LD 1.1 algorithm) never loses a
# triple.  Where two vocabularies share a local name the first listed keeps the plain term
# (``cites`` is CiTO's, ``title`` is Dublin Core's, ``Class`` is OWL's).

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_INTEGER, _XSD_BOOLEAN = XSD + "integer", XSD + "boolean"
_SH = "http://www.w3.org/ns/shacl#"
_SD = "http://www.w3.org/ns/sparql-service-description#"
_VANN = "http://purl.org/vocab/vann/"
#: Prefixes the context declares besides :data:`PREFIXES` (vocabularies of the validation
#: report, the service description and the ontology header).
CONTEXT_PREFIXES = {"sh": _SH, "sd": _SD, "vann": _VANN}

_ID, _EN, _LANGUAGE_MAP = "@id", "en", "@language"

#: Text properties of our ontology whose values are English (the ontology gives their range
#: as strings; the mapping tags every text it reads with ``@en``).
_ENGLISH = {"rg:text", "rg:verbPhrase", "rg:message", "rg:agendaItem", "rg:meeting", "rg:summary",
            "rg:reasons", "rg:printedText", "rg:replacedText"}
_TYPED_RANGES = {XSD + n for n in ("integer", "decimal", "gYear", "date", "dateTime", "boolean")}

#: Terms of the other vocabularies the data (and VoID, the service description, the ontology)
#: uses: compact IRI and coercion.  Classes have no coercion.
_OTHER_TERMS: tuple[tuple[str, str | None], ...] = (
    ("eli:date_document", XSD + "date"),
    ("dcterms:title", _EN), ("dcterms:identifier", None), ("dcterms:abstract", _EN),
    ("dcterms:description", _EN), ("dcterms:creator", None), ("dcterms:source", None),
    ("dcterms:hasPart", _ID), ("dcterms:isPartOf", _ID), ("dcterms:hasVersion", _ID),
    ("dcterms:isVersionOf", _ID), ("dcterms:references", _ID), ("dcterms:isReferencedBy", _ID),
    ("dcterms:relation", _ID), ("dcterms:license", _ID), ("dcterms:modified", None),
    ("dcterms:BibliographicResource", None),
    ("prov:wasDerivedFrom", _ID), ("prov:wasRevisionOf", _ID), ("prov:hadRevision", _ID), ("prov:Entity", None),
    ("skos:prefLabel", _LANGUAGE_MAP), ("skos:note", _LANGUAGE_MAP), ("skos:altLabel", _EN),
    ("skos:definition", _EN), ("skos:notation", None), ("skos:broader", _ID), ("skos:narrower", _ID),
    ("skos:inScheme", _ID), ("skos:hasTopConcept", _ID), ("skos:topConceptOf", _ID), ("skos:member", _ID),
    ("skos:memberList", _ID), ("skos:exactMatch", _ID), ("skos:relatedMatch", _ID),
    ("skos:Concept", None), ("skos:ConceptScheme", None), ("skos:Collection", None), ("skos:OrderedCollection", None),
    ("rdfs:label", _LANGUAGE_MAP), ("rdfs:comment", _EN), ("rdfs:seeAlso", _ID), ("rdfs:isDefinedBy", _ID),
    ("rdfs:subClassOf", _ID), ("rdfs:subPropertyOf", _ID), ("rdfs:domain", _ID), ("rdfs:range", _ID),
    ("rdfs:Datatype", None), ("rdfs:Resource", None),
    ("rdf:first", None), ("rdf:rest", _ID),
    ("owl:Class", None), ("owl:ObjectProperty", None), ("owl:DatatypeProperty", None),
    ("owl:FunctionalProperty", None), ("owl:AnnotationProperty", None), ("owl:Ontology", None),
    ("owl:Thing", None), ("owl:inverseOf", _ID), ("owl:propertyChainAxiom", _ID), ("owl:versionIRI", _ID),
    ("owl:priorVersion", _ID), ("owl:versionInfo", None),
    ("vann:preferredNamespacePrefix", None), ("vann:preferredNamespaceUri", None),
    ("sdgo:custodianAgency", None), ("sdgo:tier", _ID),
    ("void:Dataset", None), ("void:triples", _XSD_INTEGER), ("void:subset", _ID), ("void:sparqlEndpoint", _ID),
    ("void:dataDump", _ID), ("void:uriSpace", None), ("void:feature", _ID),
    ("sd:Service", None), ("sd:Graph", None), ("sd:NamedGraph", None), ("sd:endpoint", _ID),
    ("sd:supportedLanguage", _ID), ("sd:resultFormat", _ID), ("sd:defaultDataset", _ID),
    ("sd:defaultGraph", _ID), ("sd:namedGraph", _ID), ("sd:name", _ID), ("sd:graph", _ID),
    ("sh:ValidationReport", None), ("sh:ValidationResult", None), ("sh:conforms", _XSD_BOOLEAN),
    ("sh:result", _ID), ("sh:focusNode", _ID), ("sh:resultMessage", _EN), ("sh:resultPath", _ID),
    ("sh:resultSeverity", _ID), ("sh:sourceConstraintComponent", _ID), ("sh:sourceShape", _ID),
    ("sh:value", None),
)
#: Which vocabulary keeps a local name two of them share (``title``: Dublin Core's, not ELI's).
_PRIORITY = ("rg", "cito", "dcterms", "eli", "skos", "prov", "rdfs", "owl", "sdgo", "void", "sd", "sh", "rdf", "vann")


def _ontology_terms() -> dict[str, str | None]:
    """{compact IRI: coercion} for every class and property the ontology declares."""
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDFS

    from ..rdf.vocab import ontology_graph

    g = ontology_graph()
    out: dict[str, str | None] = {}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class):
        for s in g.subjects(RDF.type, kind):
            curie = _curie(str(s), PREFIXES) if isinstance(s, URIRef) else ""
            if curie.split(":")[0] not in _PRIORITY or curie == str(s):
                continue
            if kind == OWL.ObjectProperty:
                out[curie] = _ID
            elif kind == OWL.DatatypeProperty:
                rng = g.value(s, RDFS.range)
                out[curie] = (str(rng) if rng is not None and str(rng) in _TYPED_RANGES
                              else _EN if curie in _ENGLISH else None)
            else:
                out[curie] = None
    return out


@lru_cache(maxsize=1)
def context() -> dict:
    """The ``@context`` object of ``/context.jsonld``: the prefixes, then one term per class and
    property (see above), in a stable order."""
    terms = {**_ontology_terms(), **dict(_OTHER_TERMS)}
    ctx: dict = {"@version": 1.1, **PREFIXES, **CONTEXT_PREFIXES}
    for curie in sorted(terms, key=lambda c: (_PRIORITY.index(c.split(":")[0]), c)):
        coercion = terms[curie]
        local = curie.split(":", 1)[1]
        if local in ctx:
            continue  # a shared local name stays with the vocabulary listed first
        if coercion is None:
            ctx[local] = curie
        elif coercion == _EN:
            ctx[local] = {"@id": curie, "@language": "en"}
        elif coercion == _LANGUAGE_MAP:
            ctx[local] = {"@id": curie, "@container": "@language"}
        else:
            ctx[local] = {"@id": curie, "@type": coercion if coercion == _ID else _curie(coercion, PREFIXES)}
    return ctx


@lru_cache(maxsize=1)
def context_document() -> bytes:
    return json.dumps({"@context": context()}, indent=1).encode("utf-8")


_CANONICAL_INTEGER = re.compile(r"^-?(0|[1-9][0-9]{0,19})$")


def _expanded_value(term):
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        dt = term.datatype.value
        if dt == XSD_STRING:
            return {"@value": term.value}
        if dt == _XSD_INTEGER and _CANONICAL_INTEGER.match(term.value):
            return {"@value": int(term.value), "@type": dt}  # a JSON number, read back as the same literal
        if dt == _XSD_BOOLEAN and term.value in ("true", "false"):
            return {"@value": term.value == "true", "@type": dt}
        return {"@value": term.value, "@type": dt}
    return {"@id": _node_id(term)}


def _node_id(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def expanded_jsonld(triples: list[ox.Triple]) -> list[dict]:
    """The triples as expanded JSON-LD (full IRIs, value objects): what compaction starts from."""
    nodes: dict[str, dict] = {}
    for t in triples:
        sid = _node_id(t.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        if t.predicate.value == _RDF_TYPE_IRI and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(_node_id(t.object))
        else:
            node.setdefault(t.predicate.value, []).append(_expanded_value(t.object))
    return list(nodes.values())


def _no_remote_documents(url, options=None):
    raise jsonld.JsonLdError(f"resgraph loads no remote JSON-LD document ({url})", "jsonld.LoadDocumentError",
                             code="loading document failed")


def to_jsonld(triples: list[ox.Triple], context_url: str) -> bytes:
    """JSON-LD compacted against our context, which the document names by URL.

    Always ``{"@context": URL, "@graph": [nodes]}`` (one shape for every document); within a
    node a single value is written alone, not in an array.  ``@id`` values stay full IRIs
    except those under a declared prefix (concepts read ``rgc:action/MOD``).
    """
    compacted = jsonld.compact(expanded_jsonld(sort_triples(triples)), {"@context": context()},
                               {"graph": True, "skipExpansion": True, "base": None,
                                "documentLoader": _no_remote_documents})
    doc = {"@context": context_url, "@graph": compacted.get("@graph", [])}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str] = PREFIXES) -> dict[str, str]:
    """Only the prefixes the triples use, so that a small document starts with its content.

    A prefix is kept when some IRI starts with its namespace and every such IRI has a plain
    local name (a prefix whose local names would need escaping, ``rgc:body\\/pp``, reads worse
    than the IRI).  What each IRI contributes is remembered across calls for our own
    prefixes: predicates, classes and datatypes recur in every document.
    """
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    memo = _NAMESPACE_MEMO if prefixes is PREFIXES else {}
    plain: dict[str, bool] = {}
    for iri in iris:
        hits = memo.get(iri)
        if hits is None:
            hits = tuple((p, _SIMPLE_LOCAL.match(iri[len(ns):]) is not None)
                         for p, ns in prefixes.items() if iri.startswith(ns))
            if len(memo) >= _NAMESPACE_MEMO_SIZE:
                memo.clear()
            memo[iri] = hits
        for p, ok in hits:
            plain[p] = plain.get(p, True) and ok
    return {p: ns for p, ns in prefixes.items() if plain.get(p)}


_SIMPLE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_NAMESPACE_MEMO: dict[str, tuple[tuple[str, bool], ...]] = {}
_NAMESPACE_MEMO_SIZE = 50_000


def sort_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Group by subject (rdf:type first) so that Turtle comes out readable."""
    return sorted(triples, key=_triple_order)


def _triple_order(t: ox.Triple):
    s, p = t.subject, t.predicate.value
    return (isinstance(s, ox.BlankNode), s.value, p != _RDF_TYPE_IRI, p, str(t.object))




# ---------------------------------------------------------------- writers ---

def _oxigraph_triples(fmt: ox.RdfFormat, *, prefixes: bool = False, sort: bool = False):
    def write(triples: list[ox.Triple], *, context_url: str) -> bytes:
        if sort:
            triples = sort_triples(triples)
        return ox.serialize(triples, format=fmt, prefixes=used_prefixes(triples) if prefixes else None)
    return write


def _jsonld(triples: list[ox.Triple], *, context_url: str) -> bytes:
    return to_jsonld(triples, context_url)


def _merged(fmt: ox.RdfFormat, *, prefixes: bool = False):
    """The whole dataset with its named graphs merged (each triple once)."""
    def write(store: ox.Store, out: BinaryIO) -> None:
        dump_merge(store, out, fmt, prefixes=PREFIXES if prefixes else None)
    return write


def _quads(fmt: ox.RdfFormat, *, prefixes: bool = False):
    """The whole dataset, named graphs kept."""
    def write(store: ox.Store, out: BinaryIO) -> None:
        dump_named(store, out, fmt, prefixes=PREFIXES if prefixes else None)
    return write


write_turtle = _oxigraph_triples(ox.RdfFormat.TURTLE, prefixes=True, sort=True)
write_ntriples = _oxigraph_triples(ox.RdfFormat.N_TRIPLES)
write_rdfxml = _oxigraph_triples(ox.RdfFormat.RDF_XML, prefixes=True)
write_jsonld = _jsonld

dump_turtle = _merged(ox.RdfFormat.TURTLE, prefixes=True)
dump_ntriples = _merged(ox.RdfFormat.N_TRIPLES)
dump_jsonld = _merged(ox.RdfFormat.JSON_LD)
dump_nquads = _quads(ox.RdfFormat.N_QUADS)
dump_trig = _quads(ox.RdfFormat.TRIG, prefixes=True)
