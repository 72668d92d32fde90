"""Reasoning and validation on the seed and on a synthetic ~1M-triple corpus, each beside the load time.

What it compares, on the same triples (the seed's asserted graph + ontology + SDG reference):

* **pyoxigraph load** of those triples — the yardstick every other figure is divided by;
* **ours** (``pipeline.checks.reason``): owlrl OWL-RL on the ontology only, then the instance rules
  (cax-sco, prp-spo1, prp-inv, prp-spo2) two ways: as SPARQL in pyoxigraph, to a fixpoint
  (:func:`reason.infer`, the reference), and as a forward chainer in Python over hash indexes
  (:func:`reason.materialise`, which the build uses; the same triples, tests/test_reason.py);
* **owlrl RDFS** (stock ``RDFS_Semantics``) and **owlrl OWL-RL** on an rdflib Graph of the
  same triples (plus the time to build that Graph), on the seed only;
* validation: SHACL Core compiled to SPARQL and run in pyoxigraph
  (:func:`pipeline.checks.shacl_store`, one query per constraint) next to pyshacl on the
  document graph (the reference; per document, as the build does today), and the
  SHACL-SPARQL shapes run once by :func:`pipeline.checks.graph_checks`; with
  ``--pyshacl-sparql``, pyshacl running those same SPARQL shapes (slow: one query per
  focus node).

The synthetic corpus (issue 5, "Measured") replicates the seed's document graph until the
dataset holds ``--triples`` triples (default 1,000,000): copy *k* renames every resolution,
proposal, document and finding URI (``…/id/…`` → ``…/id/copy-k/…``) by text substitution on
N-Triples (no rdflib Graph of 1M triples is ever built) and goes to its own named graph, as
a document does; cited UN documents and SDG concepts stay shared, so popular targets stay
popular.  It prints the raw bulk load (N-Triples bytes → in-memory store), the compiled
SHACL Core run (over the union, before any inference), our reasoning as the build does it
(the TBox closure, then :func:`pipeline.build._reason_and_check`: one pass of
:func:`reason.materialise` over the document, ontology and reference graphs, in one
process), the graph checks, and the ratio *(reasoning + validation) / load* (issue 5 aims
at ≤ 4×).  ``--whole-store-reasoning`` also times the SPARQL rules
(:func:`pipeline.checks.reason.infer`) over the whole corpus at once (superlinear: about a minute
at 1M).  pyshacl runs on a slice (``--pyshacl-slice`` copies) for reference, since it needs an rdflib Graph.

Ratios, not absolutes (2 shared cores, MEASUREMENTS.md); run it on a quiet machine for the
figures of record.  Not part of the test run::

    .venv/bin/python bench/reasoning.py                    # seed + ~1M triples
    .venv/bin/python bench/reasoning.py --quick            # seed + ~200k, one repetition, no owlrl
    .venv/bin/python bench/reasoning.py --triples 0        # seed only
    .venv/bin/python bench/reasoning.py --triples 2000000 --pyshacl-slice 3
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import owlrl  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from rdflib import Graph  # noqa: E402

from pipeline.checks import reason  # noqa: E402
from pipeline.mapping import map_document  # noqa: E402
from pipeline.sources import parse  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.checks import all_shapes, compiled_checks, graph_checks, shacl, shacl_store, shapes_graph  # noqa: E402
from pipeline.rdf.vocab import ontology_graph  # noqa: E402
from pipeline.rdf.triples import graph_quads

SEED = ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
INFERRED = "urn:x-bench:inferred"


def timed(fn, reps: int = 1):
    """(median seconds, last result) over ``reps`` runs."""
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def inputs(settings: Settings) -> tuple[Graph, Graph, Graph]:
    doc = map_document(parse(SEED), settings=settings)
    onto = ontology_graph()
    ref = Graph()
    try:  # the build's reference graph: data-level addressees (until they live in concepts.ttl) + SDG KOS
        from pipeline.mapping import addressee_graph
        ref += addressee_graph(settings)
    except ImportError:
        pass
    kos = settings.reference_dir / "sdg-kos-goals-targets-indicators.ttl"
    if kos.exists():
        ref.parse(kos)
    return doc, onto, ref


def quads(graphs: list[tuple[Graph, str]]) -> list:
    out = []
    for g, name in graphs:
        out.extend(graph_quads(g, name))
    return out


def ours(qs: list, how=reason.materialise) -> dict:
    st = ox.Store()
    st.extend(qs)
    t = time.perf_counter()
    rules = reason.rules_from(reason.closed_ontology())
    t_tbox = time.perf_counter() - t
    r = how(st, INFERRED, rules)
    return {"tbox": t_tbox, "abox": r["seconds"], "inferred": r["inferred"], "store": st}


def owlrl_run(triples: Graph, semantics) -> tuple[float, float, int]:
    t = time.perf_counter()
    g = Graph()
    for tr in triples:
        g.add(tr)
    build = time.perf_counter() - t
    n0 = len(g)
    t = time.perf_counter()
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return build, time.perf_counter() - t, len(g) - n0


def row(name: str, seconds: float, load: float, note: str = "") -> None:
    print(f"  {name:<44} {seconds:9.2f} s   ×{seconds / load:7.1f} load   {note}")


def measure(label: str, doc: Graph, onto: Graph, ref: Graph, *, run_owlrl: bool, pyshacl_sparql: bool,
            settings: Settings, reps: int) -> None:
    qs = quads([(doc, "urn:x-bench:doc"), (onto, "urn:x-bench:ontology"), (ref, "urn:x-bench:reference")])
    n = len(qs)
    print(f"\n{label}: {n} triples ({len(doc)} asserted, {len(onto)} ontology, {len(ref)} reference)")
    load, _ = timed(lambda: ox.Store().extend(qs), reps)
    row("pyoxigraph load (Store.extend)", load, load)
    t_sparql, res = timed(lambda: ours(qs, reason.infer), reps)
    row("owlrl TBox + rules as SPARQL (pyoxigraph)", t_sparql, load,
        f"TBox {res['tbox']:.2f} s, rules {res['abox']:.2f} s, {res['inferred']} inferred")
    t_ours, res = timed(lambda: ours(qs), reps)
    row("ours: owlrl TBox + rules in Python (build)", t_ours, load,
        f"TBox {res['tbox']:.2f} s, rules {res['abox']:.2f} s, {res['inferred']} inferred")
    t_chk, rep = timed(lambda: graph_checks(res["store"]), reps)
    row("graph checks: SHACL-SPARQL, one pass", t_chk, load, f"{len(rep.results)} results")
    t_core, rep = timed(lambda: shacl(doc, settings=settings, shapes=shapes_graph(settings), ontology=onto), 1)
    row("pyshacl SHACL Core, document graph", t_core, load, f"{len(rep.results)} results")
    st = ox.Store()
    st.extend(qs)
    t_comp, crep = timed(lambda: shacl_store(st, graphs=["urn:x-bench:doc", "urn:x-bench:ontology"],
                                             checks=compiled_checks(settings)), reps)
    same = {_key(r) for r in crep.results} == {_key(r) for r in rep.results}
    row("SHACL Core compiled to SPARQL (pyoxigraph)", t_comp, load,
        f"{len(crep.results)} results, {'same as' if same else 'DIFFERENT FROM'} pyshacl; "
        f"×{t_core / t_comp:.0f} faster")
    if pyshacl_sparql:
        from pyshacl import validate as pv
        g = doc + onto
        sp = all_shapes(settings)
        t, _ = timed(lambda: pv(g, shacl_graph=sp, advanced=True, inference="none", allow_warnings=True), 1)
        row("pyshacl with the SHACL-SPARQL shapes", t, load)
    print(f"  -> reasoning + validation (ours, pyshacl): {t_ours + t_chk + t_core:.2f} s = "
          f"×{(t_ours + t_chk + t_core) / load:.1f} the load time")
    print(f"  -> reasoning + validation (ours, compiled SHACL): {t_ours + t_chk + t_comp:.2f} s = "
          f"×{(t_ours + t_chk + t_comp) / load:.1f} the load time")
    if run_owlrl:
        triples = Graph()
        for g in (doc, onto, ref):
            for t in g:
                triples.add(t)
        b, t, k = owlrl_run(triples, owlrl.RDFS_Semantics)
        row("owlrl RDFS (stock), whole graph", t, load, f"+ {b:.2f} s to build the rdflib Graph; {k} inferred; "
            f"ours is ×{t / t_ours:.1f} faster")
        b, t, k = owlrl_run(triples, owlrl.OWLRL_Semantics)
        row("owlrl OWL-RL, whole graph", t, load, f"+ {b:.2f} s to build the rdflib Graph; {k} inferred; "
            f"ours is ×{t / t_ours:.1f} faster")


def _key(r) -> tuple:
    return (r.focus, r.path, r.value, r.shape, r.severity, r.message)


def replicate(doc: Graph, base: str, k: int) -> list[tuple[str, bytes]]:
    """``k`` renamed copies of the document graph as (graph name, N-Triples bytes)."""
    nt = ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                       for q in graph_quads(doc, "urn:x-bench:unused")),
                      format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    kinds = ("resolution", "proposal", "document", "finding")
    out = []
    for i in range(k):
        text = nt
        for p in kinds:
            text = text.replace(f"<{base}id/{p}/", f"<{base}id/copy-{i}/{p}/")
        out.append((f"urn:x-bench:copy-{i}", text.encode("utf-8")))
    return out


def seed_store(doc: Graph, onto: Graph) -> ox.Store:
    st = ox.Store()
    st.extend(quads([(doc, "urn:x-bench:doc"), (onto, "urn:x-bench:ontology")]))
    return st


def corpus(doc: Graph, onto: Graph, ref: Graph, *, settings: Settings, triples: int, pyshacl_slice: int,
           reps: int, whole_store: bool = False) -> None:
    """The ~1M-triple measurement: load, compiled SHACL, reasoning, graph checks, ratio."""
    static = [(g, name) for g, name in ((onto, "urn:x-bench:ontology"), (ref, "urn:x-bench:reference"))]
    n_static = len(onto) + len(ref)
    k = max(1, -(-(triples - n_static) // len(doc)))
    t = time.perf_counter()
    copies_nt = replicate(doc, settings.base, k)
    static_nq = ox.serialize(quads(static), format=ox.RdfFormat.N_QUADS)
    prep = time.perf_counter() - t

    def load() -> ox.Store:
        st = ox.Store()
        st.bulk_load(static_nq, format=ox.RdfFormat.N_QUADS)
        for name, nt in copies_nt:
            st.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        return st

    t_load, st = timed(load, reps)
    n = len(st)
    print(f"\nsynthetic corpus: {k} renamed copies of the seed, {n} triples "
          f"({n - n_static} in document graphs); prepared in {prep:.1f} s")
    row("pyoxigraph bulk load (N-Triples, in memory)", t_load, t_load, f"{n / t_load / 1e3:.0f}k triples/s")

    # SHACL Core first, as the build would run it: before the inferred graph exists, over the
    # union of the store's graphs (pyoxigraph is ~2x faster on the union than on a list of
    # named graphs, and pyshacl never sees inferred triples)
    checks = compiled_checks(settings)
    t_core, rep = timed(lambda: shacl_store(st, checks=checks), 1)
    seed_results = len(shacl_store(seed_store(doc, onto), checks=checks).results)
    row("SHACL Core compiled to SPARQL (pyoxigraph)", t_core, t_load,
        f"{len(checks)} queries, {len(rep.results)} results (seed: {seed_results} × {k} copies = "
        f"{seed_results * k})")

    # reasoning as the build does it: the TBox closure (cached between builds while the
    # fingerprint holds, counted here all the same), then one pass over the document,
    # ontology and reference graphs in the parent (build._reason_and_check, which also runs
    # the graph checks)
    from pipeline import build as build_mod
    t = time.perf_counter()
    rules = reason.rules_from(reason.closed_ontology())
    rules = {kk: [list(x) for x in v] for kk, v in rules.items()}
    t_tbox = time.perf_counter() - t
    names = {settings.base + "graph/document/" + name.rsplit(":", 1)[-1]: name for name, _ in copies_nt}
    st_r = ox.Store()       # the same triples under the build's graph names
    st_r.bulk_load(ox.serialize(quads([(onto, build_mod.URIs(settings.base).ontology_graph),
                                       (ref, build_mod.URIs(settings.base).reference_graph)]),
                                format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    for g, name in names.items():
        st_r.bulk_load(dict(copies_nt)[name], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
    t = time.perf_counter()
    inf, crep = build_mod._reason_and_check(st_r, settings, rules, [g.rsplit("/", 1)[-1] for g in names])
    t_parent = time.perf_counter() - t
    t_chk = inf["steps"]["checks"]
    t_pass = t_parent - t_chk
    t_reason = t_tbox + t_pass
    row("ours: reasoning as the build does it", t_reason, t_load,
        f"TBox {t_tbox:.2f} s, one pass over the dataset {t_pass:.2f} s, {inf['inferred']} inferred")
    row("graph checks: SHACL-SPARQL, one pass", t_chk, t_load, f"{len(crep.results)} results")
    del st_r
    total = t_reason + t_core + t_chk
    print(f"  -> reasoning + validation: {total:.2f} s = ×{total / t_load:.1f} the load time (aim: ≤ ×4), "
          f"one process")
    if whole_store:
        st2 = load()
        t = time.perf_counter()
        r = reason.infer(st2, INFERRED, reason.rules_from(reason.closed_ontology()))
        row("the rules as SPARQL over the whole store", time.perf_counter() - t, t_load,
            f"{r['inferred']} inferred, {r['rounds']} rounds")
        del st2

    if pyshacl_slice:
        sl = Graph()
        for name, nt in copies_nt[:pyshacl_slice]:
            sl.parse(data=nt.decode("utf-8"), format="nt")
        t, prep_rep = timed(lambda: shacl(sl, settings=settings, shapes=shapes_graph(settings), ontology=onto), 1)
        per = t / len(sl) * (n - n_static)
        sst = ox.Store()
        sst.extend(quads([(sl, "urn:x-bench:slice"), (onto, "urn:x-bench:ontology")]))
        t_c, c_rep = timed(lambda: shacl_store(sst, graphs=["urn:x-bench:slice", "urn:x-bench:ontology"],
                                               checks=checks), 1)
        same = {_key(x) for x in c_rep.results} == {_key(x) for x in prep_rep.results}
        row(f"pyshacl SHACL Core on a {len(sl)}-triple slice", t, t_load,
            f"linear projection to the corpus: {per:.0f} s; compiled on the same slice {t_c:.2f} s "
            f"({'same results' if same else 'DIFFERENT results'})")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000,
                    help="size of the synthetic corpus in triples (0: seed only)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the fast seed measurements (median)")
    ap.add_argument("--no-owlrl", action="store_true", help="skip owlrl on the seed")
    ap.add_argument("--pyshacl-sparql", action="store_true", help="also time pyshacl on the SHACL-SPARQL shapes (seed)")
    ap.add_argument("--pyshacl-slice", type=int, default=1,
                    help="copies of the seed pyshacl validates for reference at corpus scale (0: none)")
    ap.add_argument("--quick", action="store_true", help="~200k triples, one repetition, no owlrl")
    ap.add_argument("--whole-store-reasoning", action="store_true",
                    help="also time pipeline.checks.reason.infer over the whole corpus store at once (slow at 1M)")
    a = ap.parse_args(argv)
    if a.quick:
        a.triples, a.reps, a.no_owlrl = min(a.triples, 200_000), 1, True
    settings = Settings()
    doc, onto, ref = inputs(settings)
    measure("seed", doc, onto, ref, run_owlrl=not a.no_owlrl, pyshacl_sparql=a.pyshacl_sparql,
            settings=settings, reps=a.reps)
    if a.triples > 0:
        corpus(doc, onto, ref, settings=settings, triples=a.triples, pyshacl_slice=a.pyshacl_slice,
               reps=1 if a.quick else min(a.reps, 2), whole_store=a.whole_store_reasoning)


if __name__ == "__main__":
    main()
