"""Reasoning is correct: our SPARQL materialisation equals owlrl's on the rules we claim.

A correctness test, not a timing test (timings: ``bench/reasoning.py``).  owlrl gets the
same ontology minus the axioms whose rules we deliberately do not apply (``rdfs:domain``,
``rdfs:range``, functional properties → ``owl:sameAs``); its OWL-RL closure, restricted to
triples about the instance data, must equal what :func:`pipeline.reason.infer` adds.
"""
from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from pipeline import reason, store as store_mod
from pipeline.vocab import CITO, DCTERMS, RG, ontology_graph

FIXTURE = Path(__file__).parent / "fixtures" / "reason" / "roll-up.ttl"
INFERRED = "urn:x-resgraph:inferred"
NOT_CLAIMED = {RDFS.domain, RDFS.range}
UNINTERESTING = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def ours(abox: Graph) -> set:
    st = ox.Store()
    st.extend(store_mod.graph_quads(abox, "urn:x-resgraph:asserted"))
    reason.infer(st, INFERRED, reason.rules_from(reason.closed_ontology()))
    out = set()
    for q in st.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED)):
        out.add(tuple(URIRef(t.value) if isinstance(t, ox.NamedNode) else t.value for t in (q.subject, q.predicate, q.object)))
    return out


def owlrl_closure(abox: Graph) -> set:
    tbox = Graph()
    for s, p, o in ontology_graph():
        if p in NOT_CLAIMED or (p == RDF.type and o == OWL.FunctionalProperty):
            continue
        tbox.add((s, p, o))
    g = Graph()
    for t in tbox:
        g.add(t)
    for t in abox:
        g.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    # individuals: subjects and objects of the instance data, classes (objects of rdf:type) excepted
    nodes = {s for s in abox.subjects()} | {o for _s, p, o in abox if p != RDF.type and isinstance(o, URIRef)}
    out = set()
    for s, p, o in g:
        if (s, p, o) in abox or (s, p, o) in tbox or s not in nodes:
            continue
        if p == OWL.sameAs or (p == RDF.type and o in UNINTERESTING):
            continue
        out.add((s, p, o))
    return out


def diff(a: set, b: set) -> str:
    return ("only ours:\n  " + "\n  ".join(sorted(map(str, a - b)))
            + "\nonly owlrl:\n  " + "\n  ".join(sorted(map(str, b - a))))


def test_small_graph_equals_owlrl():
    abox = Graph().parse(FIXTURE)
    a, b = ours(abox), owlrl_closure(abox)
    assert a == b, diff(a, b)
    # and the roll-up really happened (the fixture asserts citations on clauses only)
    ex = "http://example.org/id/"
    for s, o in [("pp-9-dubai-2018", "un-A-RES-70-1"), ("pp-9", "un-A-RES-70-1"), ("pp-9", "wtdc-23"),
                 ("pp-9-dubai-2018-resolves", "wtdc-23"), ("pp-9", "http://metadata.un.org/sdg/9.c")]:
        o = o if o.startswith("http") else ex + o
        assert (URIRef(ex + s), CITO.cites, URIRef(o)) in a
    assert (URIRef(ex + "pp-9-dubai-2018"), RG.citesInPart, URIRef(ex + "un-A-RES-70-1")) in a
    assert (URIRef(ex + "un-A-RES-70-1"), CITO.isCitedBy, URIRef(ex + "pp-9")) in a
    assert (URIRef(ex + "pp-9"), RG.isConcernedBy, URIRef(ex + "proposal-1")) in a
    # citing a version is citing its work, not the other way round
    assert (URIRef(ex + "pp-9"), CITO.cites, URIRef(ex + "wtdc-23-buenos-aires-2017")) in a
    assert (URIRef(ex + "wtdc-23"), DCTERMS.isVersionOf, URIRef(ex + "wtdc-23")) not in a


@pytest.mark.slow
def test_seed_slice_equals_owlrl(seed_doc, seed_settings):
    """The same comparison on real data: the asserted triples about Resolution 25 (about 1.5k)."""
    from pipeline.mapping import map_document
    g = map_document(seed_doc, settings=seed_settings)
    prefix = seed_settings.base + "id/resolution/pp/25"
    abox = Graph()
    for s, p, o in g:
        if str(s).startswith(prefix):
            abox.add((s, p, o))
            if isinstance(o, URIRef) and not str(o).startswith(prefix):
                for t in g.triples((o, RDF.type, None)):
                    abox.add(t)
                for t in g.triples((o, DCTERMS.isVersionOf, None)):
                    abox.add(t)
    assert 500 < len(abox) < 5000
    a, b = ours(abox), owlrl_closure(abox)
    assert a == b, diff(a, b)


def test_rules_come_from_the_ontology():
    rules = reason.rules_from(reason.closed_ontology())
    assert (str(RG.citesInPart), "http://data.europa.eu/eli/ontology#has_part", str(CITO.cites)) in rules["chains"]
    assert (str(RG.citesInPart), str(CITO.cites)) in rules["sub_prop"]
    assert (str(CITO.isCitedBy), str(CITO.cites)) in rules["inverse"]
    # no chain is stated on a term we do not own
    for q, _p1, _p2 in rules["chains"]:
        assert q.startswith(str(RG._NS)), q
