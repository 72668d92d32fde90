"""Reasoning is correct: our materialisations equal owlrl's on the rules we claim.

A correctness test, not a timing test (timings: ``bench/reasoning.py``).  Two
implementations of the same rules exist (:func:`pipeline.checks.reason.infer`, SPARQL to a
fixpoint; :func:`pipeline.checks.reason.materialise`, a forward chainer in Python, which the build
uses): both are compared with owlrl, and with each other on the seed.  owlrl gets the
same ontology minus the axioms whose rules we deliberately do not apply (``rdfs:domain``,
``rdfs:range``, functional properties → ``owl:sameAs``); its OWL-RL closure, restricted to
triples about the instance data, must equal what :func:`pipeline.checks.reason.infer` adds.
"""
from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from pipeline.checks import reason
from pipeline.rdf.vocab import CITO, DCTERMS, RG, ontology_graph
from pipeline.rdf.triples import graph_quads

FIXTURE = Path(__file__).parent / "fixtures" / "reason" / "roll-up.ttl"
INFERRED = "urn:x-resgraph:inferred"
NOT_CLAIMED = {RDFS.domain, RDFS.range}
UNINTERESTING = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


IMPLEMENTATIONS = {"sparql": reason.infer, "python": reason.materialise}


def ours(abox: Graph, how: str = "sparql") -> set:
    st = ox.Store()
    st.extend(graph_quads(abox, "urn:x-resgraph:asserted"))
    IMPLEMENTATIONS[how](st, INFERRED, reason.rules_from(reason.closed_ontology()))
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


@pytest.mark.parametrize("how", sorted(IMPLEMENTATIONS))
def test_small_graph_equals_owlrl(how):
    abox = Graph().parse(FIXTURE)
    a, b = ours(abox, how), owlrl_closure(abox)
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
@pytest.mark.parametrize("how", sorted(IMPLEMENTATIONS))
def test_seed_slice_equals_owlrl(seed_doc, seed_settings, how):
    """The same comparison on real data: the asserted triples about ACP/64A1/4's draft of Resolution 25 (about 1.5k)."""
    from pipeline.mapping import map_document
    g = map_document(seed_doc, settings=seed_settings)
    prefix = seed_settings.base + "id/proposal/ACP/64A1/4/"
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
    a, b = ours(abox, how), owlrl_closure(abox)
    assert a == b, diff(a, b)


def test_rules_come_from_the_ontology():
    rules = reason.rules_from(reason.closed_ontology())
    assert (str(RG.citesInPart), "http://data.europa.eu/eli/ontology#has_part", str(CITO.cites)) in rules["chains"]
    assert (str(RG.citesInPart), str(CITO.cites)) in rules["sub_prop"]
    assert (str(CITO.isCitedBy), str(CITO.cites)) in rules["inverse"]
    # no chain is stated on a term we do not own
    for q, _p1, _p2 in rules["chains"]:
        assert q.startswith(str(RG._NS)), q


def _graph_set(st: ox.Store, graph: str) -> set:
    return {(q.subject, q.predicate, q.object) for q in st.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_python_materialisation_equals_sparql_on_the_seed(seed_doc, seed_settings):
    """The whole seed document with the ontology and reference graphs, as a build reasons
    over it: the forward chainer adds exactly the triples the SPARQL rules add."""
    from pipeline.build import document_store, ntriples_of
    from pipeline.mapping import map_document
    rules = reason.rules_from(reason.closed_ontology())
    nt = ntriples_of(map_document(seed_doc, settings=seed_settings))
    a, b = document_store(nt, seed_doc.slug, seed_settings), document_store(nt, seed_doc.slug, seed_settings)
    ra = reason.infer(a, INFERRED, rules)
    rb = reason.materialise(b, INFERRED, rules)
    got_a, got_b = _graph_set(a, INFERRED), _graph_set(b, INFERRED)
    assert got_a == got_b
    assert ra["inferred"] == rb["inferred"] == len(got_b) > 5000   # the roll-up and inverses of ~600 citations
    # nothing concluded is already asserted anywhere
    asserted = {(q.subject, q.predicate, q.object) for q in b.quads_for_pattern(None, None, None, None)
                if q.graph_name != ox.NamedNode(INFERRED)}
    assert not got_b & asserted


def test_only_the_named_graphs_are_premises():
    """``graphs``: triples outside them are neither premises nor count as already held."""
    ex = "http://example.org/id/"
    st = ox.Store()
    cites, is_cited_by = ox.NamedNode(str(CITO.cites)), ox.NamedNode(str(CITO.isCitedBy))
    st.add(ox.Quad(ox.NamedNode(ex + "a"), cites, ox.NamedNode(ex + "b"), ox.NamedNode("urn:g:doc")))
    st.add(ox.Quad(ox.NamedNode(ex + "c"), cites, ox.NamedNode(ex + "d"), ox.NamedNode("urn:g:report")))
    rules = reason.rules_from(reason.closed_ontology())
    got = {(t.subject.value, t.predicate.value, t.object.value) for t in reason.entailed(st, rules, ["urn:g:doc"])}
    assert (ex + "b", str(CITO.isCitedBy), ex + "a") in got
    assert not any(t[0] == ex + "d" for t in got)
    # held in a graph that is not read: still concluded (the build's old inferred graph is not read)
    st.add(ox.Quad(ox.NamedNode(ex + "b"), is_cited_by, ox.NamedNode(ex + "a"), ox.NamedNode("urn:g:old-inferred")))
    got = {(t.subject.value, t.predicate.value, t.object.value) for t in reason.entailed(st, rules, ["urn:g:doc"])}
    assert (ex + "b", str(CITO.isCitedBy), ex + "a") in got


def test_a_chain_that_joins_two_documents_is_followed(tmp_path):
    """Document A's clause cites a version that only document B says is a version of its
    work: the build's single pass over the dataset concludes that A's clause cites the work
    (``rg:citesVersionOf``, then ``cito:cites``), which no per-document pass could see."""
    from pipeline.build import _reason_and_check
    from pipeline.settings import Settings
    from pipeline.rdf.uris import URIs
    s = Settings(base="http://example.org/", store_dir=tmp_path / "store")
    u = URIs(s.base)
    ex = "http://example.org/id/"
    st = ox.Store()
    N = ox.NamedNode
    st.add(ox.Quad(N(ex + "clause-1"), N(str(CITO.cites)), N(ex + "wtdc-23-2017"), N(u.document_graph("a"))))
    st.add(ox.Quad(N(ex + "wtdc-23-2017"), N(str(DCTERMS.isVersionOf)), N(ex + "wtdc-23"), N(u.document_graph("b"))))
    rules = reason.rules_from(reason.closed_ontology())
    inf, _checks = _reason_and_check(st, s, rules, ["a", "b"])
    got = _graph_set(st, u.inferred_graph)
    assert (N(ex + "clause-1"), N(str(RG.citesVersionOf)), N(ex + "wtdc-23")) in got
    assert (N(ex + "clause-1"), N(str(CITO.cites)), N(ex + "wtdc-23")) in got
    assert (N(ex + "wtdc-23"), N(str(CITO.isCitedBy)), N(ex + "clause-1")) in got
    assert inf["inferred"] == len(got)


def test_an_earlier_result_is_brought_up_to_date():
    """An incremental build starts from the published store, whose inferred graph holds the
    last build's result: materialise leaves exactly the new result there (stale triples
    removed, missing ones added), as it would in an empty graph."""
    abox = Graph().parse(FIXTURE)
    rules = reason.rules_from(reason.closed_ontology())
    fresh = ox.Store()
    fresh.extend(graph_quads(abox, "urn:x-resgraph:asserted"))
    reason.materialise(fresh, INFERRED, rules, graphs=["urn:x-resgraph:asserted"])
    want = _graph_set(fresh, INFERRED)
    assert len(want) > 20
    st = ox.Store()
    st.extend(graph_quads(abox, "urn:x-resgraph:asserted"))
    G = ox.NamedNode(INFERRED)
    kept = sorted(want, key=str)[: len(want) // 2]       # half of the right answer is there
    st.extend(ox.Quad(*t, G) for t in kept)
    stale = (ox.NamedNode("http://example.org/id/gone"), ox.NamedNode(str(CITO.cites)), ox.NamedNode("http://example.org/id/x"))
    st.add(ox.Quad(*stale, G))                           # and a conclusion nothing supports any more
    r = reason.materialise(st, INFERRED, rules, graphs=["urn:x-resgraph:asserted"])
    assert _graph_set(st, INFERRED) == want
    assert (r["added"], r["removed"]) == (len(want) - len(kept), 1)
