"""Reasoning: what the ontology entails, kept in its own named graph.

owlrl earns its keep on the ontology itself: it closes the class and property
hierarchy (RDFS + OWL-RL on a few hundred triples, well under a second).  Applying
owlrl to the instance data would be quadratic in literals (MEASUREMENTS.md: 30 s for
100k triples), so the instance-level rules the closed ontology licenses are run as
SPARQL updates in pyoxigraph instead:

* cax-sco   ``?x a C . C ⊑ D``                       → ``?x a D``
* prp-spo1  ``?x p ?y . p ⊑ q``                      → ``?x q ?y``
* prp-inv   ``?x p ?y . p owl:inverseOf q``          → ``?y q ?x``
* prp-spo2  ``owl:propertyChainAxiom (p1 p2)`` on q  → ``?x q ?z`` (to a fixpoint)

The rules are read from the ontology, not written in code: the citation roll-up
(clause → section → version → work) is the ontology's property chain on
``cito:cites``.  Everything inferred goes to ``graph/inferred`` and can be dropped.
"""
from __future__ import annotations

import time

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from .vocab import ontology_graph

MAX_ROUNDS = 10


def closed_ontology(settings=None) -> Graph:
    """The ontology with its RDFS/OWL-RL closure (owlrl), TBox only."""
    g = ontology_graph(settings.ontology_dir if settings else None)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return g


def rules_from(tbox: Graph) -> dict[str, list]:
    """Instance rules licensed by the (closed) ontology."""
    sub_class = sorted({(str(c), str(d)) for c, d in tbox.subject_objects(RDFS.subClassOf)
                        if isinstance(c, URIRef) and isinstance(d, URIRef) and c != d
                        and d not in (OWL.Thing, RDFS.Resource)})
    sub_prop = sorted({(str(p), str(q)) for p, q in tbox.subject_objects(RDFS.subPropertyOf)
                       if isinstance(p, URIRef) and isinstance(q, URIRef) and p != q})
    inverse = set()
    for p, q in tbox.subject_objects(OWL.inverseOf):
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            inverse.add((str(p), str(q)))
            inverse.add((str(q), str(p)))
    chains = []
    for q, lst in tbox.subject_objects(OWL.propertyChainAxiom):
        if isinstance(lst, BNode):
            items = [str(x) for x in Collection(tbox, lst)]
            if len(items) == 2:
                chains.append((str(q), items[0], items[1]))
    return {"sub_class": sub_class, "sub_prop": sub_prop, "inverse": sorted(inverse), "chains": sorted(chains)}


def infer(store: ox.Store, inferred_graph: str, rules: dict) -> dict:
    """Materialise the rules over every named graph of ``store`` into ``inferred_graph``.

    The store holds only our own data, so the IRIs in the rules come from the ontology
    (never from users); they are bound with ``substitutions`` all the same.
    """
    t0 = time.perf_counter()
    G = ox.NamedNode(inferred_graph)
    before = len(store)
    R = ox.Variable

    def run(query: str, subs: dict, make) -> None:
        """Run a rule query, keep the conclusions not already in the store, add them to G."""
        new = []
        for sol in store.query(query, substitutions=subs, use_default_graph_as_union=True):
            s, p, o = make(sol)
            if next(store.quads_for_pattern(s, p, o, None), None) is None:
                new.append(ox.Quad(s, p, o, G))
        store.extend(new)

    TYPE = ox.NamedNode(str(RDF.type))
    q_type = "SELECT ?s ?c WHERE { ?s a ?c }"
    q_prop = "SELECT ?s ?o ?x WHERE { ?s ?x ?o }"
    q_chain = "SELECT DISTINCT ?s ?o ?p1 ?p2 WHERE { ?s ?p1 ?m . ?m ?p2 ?o }"
    for _round in range(MAX_ROUNDS):
        n0 = len(store)
        for c, d in rules["sub_class"]:
            dn = ox.NamedNode(d)
            run(q_type, {R("c"): ox.NamedNode(c)}, lambda sol, dn=dn: (sol["s"], TYPE, dn))
        for p, q in rules["sub_prop"]:
            qn = ox.NamedNode(q)
            run(q_prop, {R("x"): ox.NamedNode(p)}, lambda sol, qn=qn: (sol["s"], qn, sol["o"]))
        for p, q in rules["inverse"]:
            qn = ox.NamedNode(q)
            run(q_prop, {R("x"): ox.NamedNode(p)}, lambda sol, qn=qn: (sol["o"], qn, sol["s"]))
        for q, p1, p2 in rules["chains"]:
            qn = ox.NamedNode(q)
            run(q_chain, {R("p1"): ox.NamedNode(p1), R("p2"): ox.NamedNode(p2)},
                lambda sol, qn=qn: (sol["s"], qn, sol["o"]))
        if len(store) == n0:
            break
    return {"inferred": len(store) - before, "seconds": time.perf_counter() - t0}
