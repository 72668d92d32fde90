"""Every conversion of RDF terms: the mapper's light terms (an IRI is a ``str``, a literal the
tuple ``(lexical, language, datatype)``), rdflib terms and pyoxigraph terms.

The mapper records its triples with light terms, exactly as the rdflib literal the code used to
build would have them; rdflib and pyoxigraph terms are made only at the end, once per distinct term
(:meth:`pipeline.mapping.Mapper.ntriples` for the build, :meth:`~pipeline.mapping.Mapper.graph` for
callers that want an rdflib graph).
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib import namespace as _rdflib_ns

from . import vocab


class _IRIs:
    """The terms of an rdflib namespace as plain ``str`` IRIs (a closed ``DefinedNamespace``
    still raises on a misspelt term)."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        iri = str(getattr(self._ns, name))
        setattr(self, name, iri)
        return iri


RG, ELI, CITO = _IRIs(vocab.RG), _IRIs(vocab.ELI), _IRIs(vocab.CITO)
DCTERMS, PROV = _IRIs(vocab.DCTERMS), _IRIs(vocab.PROV)
RDF, RDFS, SKOS, XSD = (_IRIs(_rdflib_ns.RDF), _IRIs(_rdflib_ns.RDFS), _IRIs(_rdflib_ns.SKOS),
                        _IRIs(_rdflib_ns.XSD))
_XSD_INTEGER, _XSD_STRING = XSD.integer, XSD.string


@lru_cache(maxsize=None)
def concept(scheme: str, code: str) -> str:
    """:func:`pipeline.rdf.vocab.concept` as a plain ``str`` IRI."""
    return str(vocab.concept(scheme, code))


def iri(value) -> str:
    """An IRI as the mapper records it (a plain ``str``)."""
    return str(value)


def lit(value, lang: str | None = None, datatype: str | None = None) -> tuple:
    """A literal as the mapper records it: ``(lexical, language, datatype)``, the lexical form,
    language and datatype of ``rdflib.Literal(value, lang=lang, datatype=datatype)``."""
    if datatype is None:
        t = type(value)
        if t is str and (lang is None or lang == "en"):
            return (value, lang, None)
        if t is int and lang is None:
            return (str(value), None, _XSD_INTEGER)
    return _rdflib_literal(value, lang, datatype)


@lru_cache(maxsize=4096, typed=True)
def _rdflib_literal(value, lang, datatype) -> tuple:
    """What rdflib makes of any other literal (gYear, booleans, …): exact, and rare enough to cache."""
    term = Literal(value, lang=lang, datatype=datatype)
    return (str(term), term.language, str(term.datatype) if term.datatype is not None else None)


def _ox_term(term):
    """A recorded term → pyoxigraph, as :func:`pipeline.rdf.terms.to_ox` converts the rdflib term."""
    if type(term) is str:
        return ox.NamedNode(term)
    lexical, lang, datatype = term
    if lang:
        return ox.Literal(lexical, language=lang)
    if datatype is not None:
        return ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    return ox.Literal(lexical)


def _rdflib_term(term):
    """A recorded term → the rdflib term the mapper used to add."""
    if type(term) is str:
        return URIRef(term)
    lexical, lang, datatype = term
    return Literal(lexical, lang=lang, datatype=datatype)


def _rdflib_from_ox(term):
    """A pyoxigraph term → rdflib, the inverse of :func:`pipeline.rdf.terms.to_ox`."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term → pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")
