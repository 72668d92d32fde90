"""Reasoning: what the ontology entails, kept in its own named graph.

What the published graph carries, on purpose (docs/ontology.md, "Reasoning"):

* superclasses and superproperties, so that generic consumers find ``eli:LegalResource``,
  ``prov:Entity``, ``skos:Concept``, ``eli:passed_by`` …;
* inverses (``cito:isCitedBy``, ``rg:isConcernedBy``, ``rg:isReferredToBy`` …);
* the citation roll-up: the ontology's property chains ``rg:citesInPart``,
  ``rg:citesInVersion``, ``rg:citesVersionOf`` (each a sub-property of ``cito:cites``).

Not materialised: ``rdfs:domain``/``rdfs:range`` typing (the mapping types every resource
itself, and SHACL checks it), ``owl:sameAs`` from functional properties, ``owl:Thing``.

owlrl earns its keep on the ontology itself: it closes the class and property hierarchy
(OWL-RL on ~2k triples, under half a second).  Applying owlrl to the instance data is
slow (MEASUREMENTS.md: RDFS closure of 100k triples 30 s, OWL-RL 98 s; bench/reasoning.py
measures it on the seed), so the instance rules the closed ontology licenses run as
SPARQL in pyoxigraph (OWL 2 RL rule names, OWL 2 Profiles §4.3):

* cax-sco   ``?x a C . C ⊑ D``                       → ``?x a D``
* prp-spo1  ``?x p ?y . p ⊑ q``                      → ``?x q ?y``
* prp-inv1/2 ``?x p ?y . p owl:inverseOf q``         → ``?y q ?x`` (both directions)
* prp-spo2  ``q owl:propertyChainAxiom (p1 p2)``     → ``?x q ?z``

repeated to a fixpoint.  The rules are read from the ontology, not written in code.
``tests/test_reason.py`` checks that the result equals owlrl's OWL-RL closure restricted
to these rules.  Everything inferred goes to ``graph/inferred`` and can be dropped.
"""
from __future__ import annotations

import time

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from .vocab import ontology_graph

#: A safety net: each round adds at least one triple, and roll-ups are a few levels deep.
MAX_ROUNDS = 50


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
            if len(items) != 2:
                raise ValueError(f"{q}: only property chains of two properties are supported, got {len(items)}")
            chains.append((str(q), items[0], items[1]))
    return {"sub_class": sub_class, "sub_prop": sub_prop, "inverse": sorted(inverse), "chains": sorted(chains)}


def infer(store: ox.Store, inferred_graph: str, rules: dict) -> dict:
    """Materialise the rules over every named graph of ``store`` into ``inferred_graph``.

    Each rule is one SPARQL SELECT that returns only conclusions the store does not hold
    yet (``FILTER NOT EXISTS``), so Python touches new triples only; rounds repeat until a
    round adds nothing.  The IRIs in the rules come from the ontology (never from users);
    they are bound with ``substitutions`` all the same (pyoxigraph wants bound variables
    projected, hence the extra columns).
    """
    t0 = time.perf_counter()
    G = ox.NamedNode(inferred_graph)
    R = ox.Variable
    added = 0

    def run(query: str, subs: dict, make) -> int:
        """Run a rule query and add its (new, distinct) conclusions to G."""
        new = [ox.Quad(*make(sol), G)
               for sol in store.query(query, substitutions=subs, use_default_graph_as_union=True)]
        store.extend(new)
        return len(new)

    TYPE = ox.NamedNode(str(RDF.type))
    q_type = "SELECT DISTINCT ?s ?c ?d WHERE { ?s a ?c FILTER NOT EXISTS { ?s a ?d } }"
    q_prop = "SELECT DISTINCT ?s ?o ?x ?q WHERE { ?s ?x ?o FILTER NOT EXISTS { ?s ?q ?o } }"
    q_inv = "SELECT DISTINCT ?s ?o ?x ?q WHERE { ?s ?x ?o FILTER NOT EXISTS { ?o ?q ?s } }"
    q_chain = "SELECT DISTINCT ?s ?o ?p1 ?p2 ?q WHERE { ?s ?p1 ?m . ?m ?p2 ?o FILTER NOT EXISTS { ?s ?q ?o } }"
    for _round in range(MAX_ROUNDS):
        n = 0
        for c, d in rules["sub_class"]:
            n += run(q_type, {R("c"): ox.NamedNode(c), R("d"): ox.NamedNode(d)},
                     lambda sol: (sol["s"], TYPE, sol["d"]))
        for p, q in rules["sub_prop"]:
            n += run(q_prop, {R("x"): ox.NamedNode(p), R("q"): ox.NamedNode(q)},
                     lambda sol: (sol["s"], sol["q"], sol["o"]))
        for p, q in rules["inverse"]:
            n += run(q_inv, {R("x"): ox.NamedNode(p), R("q"): ox.NamedNode(q)},
                     lambda sol: (sol["o"], sol["q"], sol["s"]))
        for q, p1, p2 in rules["chains"]:
            n += run(q_chain, {R("p1"): ox.NamedNode(p1), R("p2"): ox.NamedNode(p2), R("q"): ox.NamedNode(q)},
                     lambda sol: (sol["s"], sol["q"], sol["o"]))
        added += n
        if n == 0:
            break
    else:
        raise RuntimeError(f"reasoning did not reach a fixpoint in {MAX_ROUNDS} rounds")
    return {"inferred": added, "rounds": _round + 1, "seconds": time.perf_counter() - t0}
