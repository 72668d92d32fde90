"""Descriptions of the service and the dataset: SPARQL 1.1 Service Description and VoID.

* Service description (https://www.w3.org/TR/sparql11-service-description/): answered by
  ``GET /sparql`` without a query.  It names the endpoint (``sd:endpoint``), the language,
  the result formats, the union default graph (``sd:UnionDefaultGraph``), each named graph
  with its size, and, in ``rdfs:comment``, the limits: time, rows, read-only.
* VoID (https://www.w3.org/TR/void/) at ``/.well-known/void`` (RFC 8615 / VoID §7.2):
  ``void:triples`` for the whole and for each named graph (as ``void:subset`` with
  ``sd:name``), ``void:sparqlEndpoint``, ``void:dataDump``, ``void:uriSpace``, and the licence
  (``dcterms:license`` CC BY 4.0, ``dcterms:rights`` saying whose the quoted texts are).
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD, DefinedNamespace
from ..rdf.uris import URIs


class SD(DefinedNamespace):
    """SPARQL 1.1 Service Description (the terms we use)."""

    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")
    _fail = True

    Service: URIRef
    Dataset: URIRef
    Graph: URIRef
    NamedGraph: URIRef
    endpoint: URIRef
    supportedLanguage: URIRef
    SPARQL11Query: URIRef
    resultFormat: URIRef
    feature: URIRef
    UnionDefaultGraph: URIRef
    BasicFederatedQuery: URIRef
    defaultDataset: URIRef
    defaultGraph: URIRef
    namedGraph: URIRef
    name: URIRef
    graph: URIRef


class FORMATS(DefinedNamespace):
    """W3C format IRIs (https://www.w3.org/ns/formats/)."""

    _NS = Namespace("http://www.w3.org/ns/formats/")
    _fail = True

    SPARQL_Results_JSON: URIRef
    SPARQL_Results_XML: URIRef
    SPARQL_Results_CSV: URIRef
    SPARQL_Results_TSV: URIRef
    Turtle: URIRef
    N_Triples: URIRef
    JSON_LD: URIRef
    RDF_XML: URIRef
    N_Quads: URIRef


#: The licence of the dataset (the graph resgraph makes: structure, links, identifiers, findings).
DATA_LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
RIGHTS = ("resgraph's data are licensed under CC BY 4.0. The texts of ITU resolutions, proposals and UN "
          "General Assembly resolutions it holds are quoted from public documents of the ITU and the United "
          "Nations; their own terms apply to those texts.")


def service_description(endpoint: str, stats: dict, *, timeout: float, row_limit: int) -> Graph:
    g = Graph()
    g.bind("sd", SD._NS)
    g.bind("void", VOID)
    svc = URIRef(endpoint + "#service")
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, URIRef(endpoint)))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    for f in (FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
              FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS.N_Triples, FORMATS.JSON_LD, FORMATS.RDF_XML):
        g.add((svc, SD.resultFormat, f))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    g.add((svc, RDFS.comment, Literal(
        "Read-only SPARQL 1.1 query endpoint of resgraph. Without FROM/FROM NAMED and without "
        "default-graph-uri/named-graph-uri, the default graph is the union of all named graphs "
        "(no GRAPH needed); GRAPH ?g still sees each named graph. FROM in the query, or the protocol "
        "parameters (which override FROM), select exactly the graphs named. "
        f"Each query may run for {timeout:g} s: past that it is stopped and answered with HTTP 503. "
        f"At most {row_limit} result rows (or triples): a longer SPARQL JSON/XML result is truncated "
        "and labelled (HTTP header X-Resgraph-Truncated: true and a head link), Turtle/N-Triples/RDF-XML "
        "carry a comment; CSV, TSV and JSON-LD answer HTTP 422 instead. Updates, LOAD and SERVICE "
        "are refused.", lang="en")))
    ds = BNode()
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    dg = BNode()
    g.add((ds, SD.defaultGraph, dg))
    g.add((dg, RDF.type, SD.Graph))
    g.add((dg, VOID.triples, Literal(stats["quads"], datatype=XSD.integer)))
    for name, n in stats["graphs"]:
        ng = BNode()
        g.add((ds, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
        gr = BNode()
        g.add((ng, SD.graph, gr))
        g.add((gr, RDF.type, SD.Graph))
        g.add((gr, VOID.triples, Literal(n, datatype=XSD.integer)))
    return g


def void_description(*, base: str, server: str, stats: dict, generation: dict) -> Graph:
    """``base`` is the data URI base, ``server`` where this server answers (ends with /)."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("sd", SD._NS)
    g.bind("dcterms", DCTERMS)
    ds = URIRef(server + ".well-known/void#resgraph")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("resgraph: intergovernmental resolutions as linked data", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "ITU resolutions, their versions, sections and clauses, the proposals that amend them and the "
        "documents they cite, one named graph per source document plus inferred, ontology and reference graphs.",
        lang="en")))
    g.add((ds, DCTERMS.license, DATA_LICENCE))
    g.add((ds, DCTERMS.rights, Literal(RIGHTS, lang="en")))
    if generation.get("published_at"):
        g.add((ds, DCTERMS.modified, Literal(generation["published_at"], datatype=XSD.dateTime)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(server + "sparql")))
    g.add((ds, VOID.dataDump, URIRef(server + "dumps/resgraph.nq.gz")))
    g.add((ds, VOID.uriSpace, Literal(URIs(base).id_space)))
    g.add((ds, VOID.feature, FORMATS.N_Quads))
    g.add((ds, VOID.feature, FORMATS.Turtle))
    g.add((ds, VOID.triples, Literal(stats["quads"], datatype=XSD.integer)))
    for i, (name, n) in enumerate(stats["graphs"], start=1):
        sub = URIRef(f"{server}.well-known/void#graph-{i}")
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(name)))
        g.add((sub, VOID.triples, Literal(n, datatype=XSD.integer)))
    return g
