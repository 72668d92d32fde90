"""Whole graphs: an rdflib graph with our prefixes, N-Triples back to rdflib, an rdflib graph as
pyoxigraph quads."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterator

import pyoxigraph as ox
from rdflib import Graph
from rdflib import namespace as _rdflib_ns

from . import vocab
from .terms import _rdflib_from_ox, to_ox


def new_graph() -> Graph:
    """An empty rdflib graph with the prefixes of the document graphs bound."""
    g = Graph()
    for prefix, ns in (("rg", vocab.RG._NS), ("eli", vocab.ELI._NS), ("cito", vocab.CITO._NS),
                       ("dcterms", _rdflib_ns.DCTERMS), ("prov", _rdflib_ns.PROV), ("skos", _rdflib_ns.SKOS)):
        g.bind(prefix, ns)
    return g


def graph_of_ntriples(data: bytes) -> Graph:
    """N-Triples (as the build makes them, :meth:`Mapper.ntriples`) → the rdflib graph
    :func:`map_document` gives for the same document (parsed by pyoxigraph)."""
    g = new_graph()
    conv = lru_cache(maxsize=None)(_rdflib_from_ox)   # each distinct term converted once
    add = g.add
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        add((conv(t.subject), conv(t.predicate), conv(t.object)))
    return g


def graph_quads(graph: Graph, graph_name: str) -> Iterator[ox.Quad]:
    """All triples of an rdflib graph as pyoxigraph quads in the named graph ``graph_name``."""
    g = ox.NamedNode(graph_name)
    conv = lru_cache(maxsize=None)(to_ox)   # each distinct term converted once
    for s, p, o in graph:
        yield ox.Quad(conv(s), conv(p), conv(o), g)
