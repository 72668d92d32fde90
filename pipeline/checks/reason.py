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

Two implementations of the same rules, kept side by side (issue 5, item 5: measure, keep
the faster one, a test compares them):

* :func:`infer` — one SPARQL query per rule and round in pyoxigraph, to a fixpoint: the
  readable statement of the rules, and the reference;
* :func:`entailed` — the same rules as a semi-naive forward chainer over hash indexes in
  Python: each premise triple is read once from the store and each new conclusion is
  processed once; a chain joins a new triple with the partners already seen.  On the
  seed's document store (~50k triples) it takes ~0.05 s where :func:`infer` takes
  ~0.35 s (bench/reasoning.py), so the build uses it; ``tests/test_reason.py`` checks that
  both give exactly the same triples, on the seed and on the owlrl fixtures.
"""
from __future__ import annotations

import time
from itertools import islice
from typing import Iterator

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from ..rdf.vocab import RG, ontology_graph

ELI_IS_PART_OF = "http://data.europa.eu/eli/ontology#is_part_of"
RG_RESOLUTION_TEXT = str(RG.ResolutionText)
#: ``?part rg:inText ?text``: the text a section, annex, clause or sub-clause belongs to, at any
#: depth — the link nearly every canned question walks (``eli:is_part_of+`` to a text), kept so
#: that a question joins one triple per clause instead of evaluating a property path
RG_IN_TEXT = str(RG.inText)

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


#: conclusions written per ``bulk_load`` by :func:`materialise` (the inferred graph is never
#: held whole in memory: 8M conclusions at 1000 documents)
CHUNK = 200_000


def _subclasses(rules: dict) -> dict[str, set[str]]:
    """Class D → every class C ≠ D the subclass rules lead from to D (``C ⊑⁺ D``)."""
    sup: dict[str, set[str]] = {}
    for c, d in rules["sub_class"]:
        sup.setdefault(c, set()).add(d)
    subs: dict[str, set[str]] = {}
    for c in sup:
        seen: set[str] = set()
        todo = [c]
        while todo:
            for d in sup.get(todo.pop(), ()):
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        for d in seen - {c}:
            subs.setdefault(d, set()).add(c)
    return subs


def entailed(store: ox.Store, rules: dict, graphs: list[str] | None = None,
             text_links: bool = False) -> list[ox.Triple]:
    """The triples the rules entail from ``graphs`` of ``store`` (default: every graph)
    that none of those graphs holds yet (:func:`entailed_iter`, as a list).

    ``text_links``: also conclude ``?part rg:inText ?text`` for every section, annex, clause
    and sub-clause of a text (:data:`RG_IN_TEXT`; not an OWL 2 RL rule, so off by default
    and not in :func:`infer`; the build asks for it).
    """
    return list(entailed_iter(store, rules, graphs, text_links=text_links))


def entailed_iter(store: ox.Store, rules: dict, graphs: list | None = None,
                  text_links: bool = False) -> Iterator[ox.Triple]:
    """What :func:`entailed` returns, one triple at a time, holding only what the rules join on.

    Exactly what :func:`infer` adds (``tests/test_reason.py``), computed without writing.
    Two parts, because the class rule (cax-sco) neither feeds nor is fed by the others:

    * **types**, one superclass D at a time: the subjects typed D, then those typed by any
      subclass of D that are not yet — each a conclusion, streamed out; only one class's
      subjects are in memory at a time;
    * **properties**: a semi-naive forward chainer over hash indexes.  Premises are read per
      predicate (``quads_for_pattern``), so only triples some rule can use are touched;
      "already held" is checked against the same triples, because a conclusion's predicate is
      always one a rule reads or writes.  Terms are interned as small integers and each triple
      is one integer (about 70 bytes a triple, a third of a tuple of pyoxigraph terms).

    Premises are never read from a graph this writes into: give ``graphs`` (the build does),
    or write the triples after the iterator is exhausted.
    """
    N = ox.NamedNode
    TYPE = N(str(RDF.type))
    sources = [None] if graphs is None else [g if isinstance(g, (ox.NamedNode, ox.DefaultGraph)) else N(g)
                                             for g in graphs]
    prop_preds = ({p for pq in rules["sub_prop"] + rules["inverse"] for p in pq}
                  | {p for qp in rules["chains"] for p in qp})
    split_types = str(RDF.type) not in prop_preds
    texts: set = set()
    text_class = N(RG_RESOLUTION_TEXT)
    if split_types:
        subs = _subclasses(rules)
        for d in sorted(subs):
            D = N(d)
            have = {q.subject for g in sources for q in store.quads_for_pattern(None, TYPE, D, g)}
            for c in sorted(subs[d]):
                for g in sources:
                    for q in store.quads_for_pattern(None, TYPE, N(c), g):
                        s = q.subject
                        if s not in have:
                            have.add(s)
                            yield ox.Triple(s, TYPE, D)
            if text_links and D == text_class:
                texts = have
            del have
        if text_links and RG_RESOLUTION_TEXT not in subs:
            texts = {q.subject for g in sources for q in store.quads_for_pattern(None, TYPE, text_class, g)}
    yield from _property_closure(store, rules, sources, split_types, text_links, texts)


def _property_closure(store: ox.Store, rules: dict, sources: list, split_types: bool, text_links: bool,
                      texts: set) -> Iterator[ox.Triple]:
    """The property rules (and the class rule too when ``split_types`` is false) to a fixpoint,
    then the ``rg:inText`` links (``texts``: the subjects typed rg:ResolutionText when the
    types were split off, else read from the held types)."""
    ids: dict = {}
    terms: list = []

    def tid(term) -> int:
        i = ids.get(term)
        if i is None:
            i = ids[term] = len(terms)
            terms.append(term)
        return i

    N = ox.NamedNode
    TYPE = tid(N(str(RDF.type)))
    sup_c: dict = {}
    if not split_types:
        for c, d in rules["sub_class"]:
            sup_c.setdefault(tid(N(c)), []).append(tid(N(d)))
    sup_p: dict = {}
    for p, q in rules["sub_prop"]:
        sup_p.setdefault(tid(N(p)), []).append(tid(N(q)))
    inv: dict = {}
    for p, q in rules["inverse"]:
        inv.setdefault(tid(N(p)), []).append(tid(N(q)))
    by_first: dict = {}    # p1 -> [(q, p2)]
    by_second: dict = {}   # p2 -> [(q, p1)]
    for q, p1, p2 in rules["chains"]:
        by_first.setdefault(tid(N(p1)), []).append((tid(N(q)), tid(N(p2))))
        by_second.setdefault(tid(N(p2)), []).append((tid(N(q)), tid(N(p1))))
    in_text = tid(N(RG_IN_TEXT))
    part_of = tid(N(ELI_IS_PART_OF))
    # every predicate a rule reads or concludes: "held" must know all of their triples
    preds = set(sup_p) | set(inv) | set(by_first) | set(by_second)
    if not split_types:
        preds.add(TYPE)
    preds |= {q for qs in sup_p.values() for q in qs} | {q for qs in inv.values() for q in qs}
    preds |= {q for q, _ in (x for xs in by_first.values() for x in xs)}
    # a triple is one int: subject << 40 | object << 8 | predicate's index in ``pred_at``
    pred_at = sorted(preds | {in_text, part_of})
    if len(pred_at) > 255:
        raise ValueError("more than 255 predicates in the rules")
    pix = {p: i for i, p in enumerate(pred_at)}
    literal = set()       # ids of literals: never the subject of an inverse
    held: set = set()
    agenda: list = []
    for p, g in ((p, g) for p in sorted(preds) for g in sources):
        pi = pix[p]
        for quad in store.quads_for_pattern(None, terms[p], None, g):
            o = quad.object
            oi = ids.get(o)
            if oi is None:
                oi = tid(o)
                if isinstance(o, ox.Literal):
                    literal.add(oi)
            k = (tid(quad.subject) << 32 | oi) << 8 | pi
            if k not in held:
                held.add(k)
                agenda.append(k)
    if len(terms) >= 1 << 32:
        raise ValueError("more than 2**32 terms")
    # chain indexes hold the triples already processed: a pair joins when its later member is
    by_obj = {p: {} for p in by_first}    # p1 -> m -> [s]   for ?s p1 ?m
    by_subj = {p: {} for p in by_second}  # p2 -> m -> [o]   for ?m p2 ?o
    new: list = []

    def emit(s, p, o):
        k = (s << 32 | o) << 8 | pix[p]
        if k not in held:
            held.add(k)
            new.append(k)
            agenda.append(k)

    M32 = (1 << 32) - 1
    while agenda:
        k = agenda.pop()
        p, o, s = pred_at[k & 255], (k >> 8) & M32, k >> 40
        if p == TYPE:
            for d in sup_c.get(o, ()):
                emit(s, TYPE, d)
        for q in sup_p.get(p, ()):
            emit(s, q, o)
        if o not in literal:
            for q in inv.get(p, ()):
                emit(o, q, s)
        if p in by_first:
            by_obj[p].setdefault(o, []).append(s)
        if p in by_second:
            by_subj[p].setdefault(s, []).append(o)
        for q, p2 in by_first.get(p, ()):
            for z in by_subj[p2].get(o, ()):
                emit(s, q, z)
        for q, p1 in by_second.get(p, ()):
            for x in by_obj[p1].get(s, ()):
                emit(x, q, o)
    del by_obj, by_subj
    # the text link (not a rule of the ontology: OWL 2 RL cannot say "the nearest ancestor
    # that is a text"): every part, at any depth, → the rg:ResolutionText it belongs to
    if text_links:
        if split_types:
            text_ids = [ids[t] for t in texts if t in ids]
        else:
            tc, pt = ids.get(N(RG_RESOLUTION_TEXT)), pix[TYPE]
            text_ids = [k >> 40 for k in held if k & 255 == pt and (k >> 8) & M32 == tc]
        children: dict = {}
        pp = pix[part_of]
        for k in held:
            if k & 255 == pp:
                children.setdefault((k >> 8) & M32, []).append(k >> 40)
        for text in text_ids:
            seen = {text}
            todo = [text]
            while todo:
                for part in children.get(todo.pop(), ()):
                    if part not in seen:
                        seen.add(part)
                        todo.append(part)
                        emit(part, in_text, text)
        del children
    del held
    for k in new:
        yield ox.Triple(terms[k >> 40], terms[pred_at[k & 255]], terms[(k >> 8) & M32])


def materialise(store: ox.Store, inferred_graph: str, rules: dict, graphs: list[str] | None = None,
                text_links: bool = False) -> dict:
    """Make ``inferred_graph`` hold exactly what the rules entail from ``graphs`` (default:
    every other graph) that those graphs do not hold: :func:`infer`'s result, faster
    (and, with ``text_links``, the ``rg:inText`` links of :func:`entailed`).

    An empty ``inferred_graph`` is written with ``bulk_load`` (not transactional: for a
    store nobody reads yet, such as a staged generation).  One that holds an earlier result
    (an incremental build starts from a checkpoint of the published store) gets only the
    difference: at 100 documents, after one changed, dropping and rewriting ~570k inferred
    triples took 21 s, the difference well under a second (``bench/scale.py``).
    """
    if inferred_graph in (graphs or ()):
        raise ValueError("the inferred graph cannot be one of the premise graphs")
    t0 = time.perf_counter()
    G = ox.NamedNode(inferred_graph)
    NT = ox.RdfFormat.N_TRIPLES
    if graphs is None:   # every graph but this one; its old content is no premise
        store.remove_graph(G)
        graphs = [ox.DefaultGraph()] + [g for g in store.named_graphs() if g != G]
    new = entailed_iter(store, rules, graphs, text_links=text_links)
    if next(iter(store.quads_for_pattern(None, None, None, G)), None) is None:
        # streamed: a chunk of conclusions at a time, never the whole graph in memory
        n, write = 0, 0.0
        while chunk := list(islice(new, CHUNK)):
            t = time.perf_counter()
            store.bulk_load(ox.serialize(chunk, format=NT), format=NT, to_graph=G)
            write += time.perf_counter() - t
            n += len(chunk)
        t2 = time.perf_counter()
        return {"inferred": n, "rounds": None, "seconds": t2 - t0, "added": n, "removed": 0,
                "steps": {"entail": t2 - t0 - write, "write": write}}
    # compared as N-Triples lines (pyoxigraph writes each term one way), not as pyoxigraph
    # triples read back from the store (7.6 s for 570k at 100 documents)
    new_lines: set = set()
    while chunk := list(islice(new, CHUNK)):
        new_lines.update(ox.serialize(chunk, format=NT).splitlines())
    n_new = len(new_lines)
    t1 = time.perf_counter()
    old_lines = store.dump(format=NT, from_graph=G).splitlines()
    stale = [line for line in old_lines if line not in new_lines]
    fresh = new_lines.difference(old_lines)
    del new_lines, old_lines
    t2 = time.perf_counter()
    if stale:
        for t in ox.parse(b"\n".join(stale), format=NT):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, G))
    if len(fresh) > 10_000:
        store.bulk_load(b"\n".join(fresh) + b"\n", format=NT, to_graph=G)
    elif fresh:
        store.extend(ox.Quad(t.subject, t.predicate, t.object, G) for t in ox.parse(b"\n".join(fresh), format=NT))
    t3 = time.perf_counter()
    return {"inferred": n_new, "rounds": None, "seconds": t3 - t0, "added": len(fresh), "removed": len(stale),
            "steps": {"entail": t1 - t0, "compare": t2 - t1, "write": t3 - t2}}


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
