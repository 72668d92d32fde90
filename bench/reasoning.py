"""Reasoning (and the graph-wide checks) on the seed and on a synthetic 10× copy, in one process.

What it compares, on the same triples (the seed's asserted graph + ontology + SDG reference):

* **pyoxigraph load** of those triples — the yardstick every other figure is divided by;
* **ours** (``pipeline.reason``): owlrl OWL-RL on the ontology only, then the instance rules
  (cax-sco, prp-spo1, prp-inv, prp-spo2) as SPARQL in pyoxigraph, to a fixpoint;
* **owlrl RDFS** (stock ``RDFS_Semantics``) and **owlrl OWL-RL** on an rdflib Graph of the
  same triples (plus the time to build that Graph);
* validation: pyshacl SHACL Core on the document graph (per-document, as the build does),
  and the SHACL-SPARQL shapes run once by :func:`pipeline.validate.graph_checks`;
  with ``--pyshacl-sparql``, pyshacl running those same SPARQL shapes (slow: one query per
  focus node).

The 10× copy renames every resolution, proposal, document and finding URI (``…/id/…`` →
``…/id/copy-k/…``) and keeps the cited UN documents and SDG concepts shared, so popular
targets stay popular.  owlrl runs at 10× only with ``--owlrl-at-scale`` (minutes).

Ratios, not absolutes (2 shared cores, MEASUREMENTS.md).  Not part of the test run::

    .venv/bin/python bench/reasoning.py            # seed + 10×, owlrl on the seed only
    .venv/bin/python bench/reasoning.py --scale 0  # seed only
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
from rdflib import Graph, URIRef  # noqa: E402

from pipeline import reason, store as store_mod  # noqa: E402
from pipeline.mapping import map_document  # noqa: E402
from pipeline.parse import parse  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.validate import all_shapes, graph_checks, shacl, shapes_graph  # noqa: E402
from pipeline.vocab import ontology_graph  # noqa: E402

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


def copies(doc: Graph, base: str, k: int) -> Graph:
    """``k`` renamed copies of the document graph (UN and SDG targets stay shared)."""
    ours = tuple(base + f"id/{p}/" for p in ("resolution", "proposal", "document", "finding"))
    out = Graph()
    for i in range(k):
        def ren(t, i=i):
            if isinstance(t, URIRef) and str(t).startswith(ours):
                return URIRef(base + f"id/copy-{i}/" + str(t)[len(base) + 3:])
            return t
        for s, p, o in doc:
            out.add((ren(s), p, ren(o)))
    return out


def quads(graphs: list[tuple[Graph, str]]) -> list:
    out = []
    for g, name in graphs:
        out.extend(store_mod.graph_quads(g, name))
    return out


def ours(qs: list) -> dict:
    st = ox.Store()
    st.extend(qs)
    t = time.perf_counter()
    rules = reason.rules_from(reason.closed_ontology())
    t_tbox = time.perf_counter() - t
    r = reason.infer(st, INFERRED, rules)
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
    t_ours, res = timed(lambda: ours(qs), reps)
    row("ours: owlrl TBox + SPARQL rules (pyoxigraph)", t_ours, load,
        f"TBox {res['tbox']:.2f} s, rules {res['abox']:.2f} s, {res['inferred']} inferred")
    t_chk, rep = timed(lambda: graph_checks(res["store"]), reps)
    row("graph checks: SHACL-SPARQL, one pass", t_chk, load, f"{len(rep.results)} results")
    t_core, rep = timed(lambda: shacl(doc, settings=settings, shapes=shapes_graph(settings), ontology=onto), 1)
    row("pyshacl SHACL Core, document graph", t_core, load, f"{len(rep.results)} results")
    if pyshacl_sparql:
        from pyshacl import validate as pv
        g = doc + onto
        sp = all_shapes(settings)
        t, _ = timed(lambda: pv(g, shacl_graph=sp, advanced=True, inference="none", allow_warnings=True), 1)
        row("pyshacl with the SHACL-SPARQL shapes", t, load)
    print(f"  -> reasoning + validation (ours): {t_ours + t_chk + t_core:.2f} s = "
          f"×{(t_ours + t_chk + t_core) / load:.1f} the load time")
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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=10, help="size of the synthetic copy (0: seed only)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the fast measurements (median)")
    ap.add_argument("--no-owlrl", action="store_true", help="skip owlrl on the seed")
    ap.add_argument("--owlrl-at-scale", action="store_true", help="also run owlrl on the synthetic copy (minutes)")
    ap.add_argument("--pyshacl-sparql", action="store_true", help="also time pyshacl on the SHACL-SPARQL shapes (seed)")
    a = ap.parse_args(argv)
    settings = Settings()
    doc, onto, ref = inputs(settings)
    measure("seed", doc, onto, ref, run_owlrl=not a.no_owlrl, pyshacl_sparql=a.pyshacl_sparql,
            settings=settings, reps=a.reps)
    if a.scale > 1:
        big = copies(doc, settings.base, a.scale)
        measure(f"synthetic {a.scale}× seed", big, onto, ref, run_owlrl=a.owlrl_at_scale, pyshacl_sparql=False,
                settings=settings, reps=1)


if __name__ == "__main__":
    main()
