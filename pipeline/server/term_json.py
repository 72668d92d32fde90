"""RDF terms in the SPARQL 1.1 JSON results encoding: what the query workers write and what
:mod:`pipeline.server.remote` turns a remote store's rows back into.  A module of its own so
that neither imports the other (tests/test_layout.py forbids import cycles)."""
from __future__ import annotations

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term_json(term) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results encoding (§3.2.2)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        }}
    raise TypeError(f"unexpected term {term!r}")


def _term_encoder():
    """:func:`_term_json` with the common cases first, dispatched on the exact type (one
    ``/sparql`` answer encodes every term of every row: this is the worker's inner loop)."""
    import pyoxigraph as ox

    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode

    def encode(term) -> dict:
        t = type(term)
        if t is named:
            return {"type": "uri", "value": term.value}
        if t is literal:
            lang = term.language
            if lang:
                return {"type": "literal", "value": term.value, "xml:lang": lang}
            dt = term.datatype.value
            if dt == XSD_STRING:
                return {"type": "literal", "value": term.value}
            return {"type": "literal", "value": term.value, "datatype": dt}
        if t is blank:
            return {"type": "bnode", "value": term.value}
        return _term_json(term)

    return encode
