"""The RDF writers: Turtle, N-Triples, JSON-LD (compact keys through our published context),
RDF/XML for one resource's description; N-Quads, TriG and the merged forms for the whole dataset.

Every writer here is one line of :data:`pipeline.export.WRITERS`.
"""
from __future__ import annotations

import json
import re
from typing import BinaryIO

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..rdf.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE_IRI = str(RDF.type)



def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for p, ns in prefixes.items():
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{p}:{iri[len(ns):]}"
    return iri


def _jsonld_node_id(term) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _jsonld_value(term, prefixes: dict[str, str]):
    if isinstance(term, ox.Literal):
        v = {"@value": term.value}
        if term.language:
            v["@language"] = term.language
        elif term.datatype.value != XSD_STRING:
            v["@type"] = _curie(term.datatype.value, prefixes)
        return v
    return {"@id": _jsonld_node_id(term)}


def to_jsonld(triples: list[ox.Triple], context_url: str, prefixes: dict[str, str] = PREFIXES) -> bytes:
    """Compact-IRI JSON-LD whose ``@context`` is our published context document.

    The context only declares prefixes (no type coercion), so every value keeps its explicit
    ``@id`` / ``@value`` / ``@type`` / ``@language``: lossless, and a client that fetches
    ``/context.jsonld`` gets exactly the triples of the other formats.  Full IRIs are kept
    for ``@id`` values (they are the identifiers people copy); property names and types
    are compacted.
    """
    nodes: dict[str, dict] = {}
    for t in triples:
        sid = _jsonld_node_id(t.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        if t.predicate.value == str(RDF.type) and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(_curie(t.object.value, prefixes) if isinstance(t.object, ox.NamedNode) else _jsonld_node_id(t.object))
        else:
            node.setdefault(_curie(t.predicate.value, prefixes), []).append(_jsonld_value(t.object, prefixes))
    doc = {"@context": context_url, "@graph": list(nodes.values())}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def context_document(prefixes: dict[str, str] = PREFIXES) -> bytes:
    return json.dumps({"@context": dict(prefixes)}, indent=1).encode("utf-8")


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
        triples = {}
        for q in store.quads_for_pattern(None, None, None, None):
            t = ox.Triple(q.subject, q.predicate, q.object)
            triples[str(t)] = t
        ox.serialize(triples.values(), out, format=fmt, prefixes=PREFIXES if prefixes else None)
    return write


def _quads(fmt: ox.RdfFormat, *, prefixes: bool = False):
    """The whole dataset, named graphs kept."""
    def write(store: ox.Store, out: BinaryIO) -> None:
        store.dump(out, format=fmt, prefixes=PREFIXES if prefixes else None)
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
