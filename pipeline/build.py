"""The pipeline, stage by stage: parse → map → validate → reason → check → publish.

Each stage is a plain function; :func:`build` wires them and reports progress
through a callback, so the CLI, the tests and the benchmarks share one code path.
Nothing is published unless every document parses and the graph has no SHACL
violation: the previous store stays as it was.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF

from . import reason, store as store_mod
from .mapping import addressee_graph, map_document
from .model import SourceDocument
from .parse import SourceError, parse, read_source
from .settings import Settings
from .uris import URIs
from .validate import Report, graph_checks, shacl, shapes_graph
from .vocab import RG, ontology_graph

Progress = Callable[[str, str], None]


class BuildError(Exception):
    """The build stopped; nothing was published (one line for the user)."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class DocResult:
    doc: SourceDocument
    graph: Graph
    report: Report


@dataclass
class BuildResult:
    docs: list[DocResult] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    generation: str | None = None


def find_sources(paths: list[Path] | None, settings: Settings) -> list[Path]:
    if not paths:
        d = settings.sources_dir
        if not d.is_dir():
            raise BuildError(f"no sources given and {d} does not exist")
        paths = sorted(p for p in d.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() == ".txt")
        if not paths:
            raise BuildError(f"no .txt sources in {d}")
        return paths
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() == ".txt"))
        else:
            out.append(p)
    return out


def parse_all(paths: list[Path]) -> list[SourceDocument]:
    docs = []
    slugs: dict[str, Path] = {}
    for p in paths:
        text, sha = read_source(p)
        d = parse(p, text=text, sha256=sha)
        if d.slug in slugs:
            raise SourceError(f"{p}: same document as {slugs[d.slug]} (slug {d.slug!r}); give each source once")
        slugs[d.slug] = p
        docs.append(d)
    return docs


def _noop(stage: str, msg: str) -> None:
    pass


def skolemized(g: Graph, settings: Settings) -> Graph:
    """``g`` with its blank nodes (OWL lists, restrictions) replaced by skolem IRIs.

    The labels come from rdflib's canonical labelling, so the same input gives the same
    IRIs in every build: a remote store (``resgraph publish``) can match them, and a
    rebuild of unchanged input publishes an identical graph (RDF 1.1 §3.5,
    ``/.well-known/genid/``).
    """
    canon = to_canonical_graph(g)
    out = Graph()
    prefix = f"{settings.base}.well-known/genid/"
    sk = lambda t: URIRef(prefix + str(t)) if isinstance(t, BNode) else t  # noqa: E731
    for s, p, o in canon:
        out.add((sk(s), p, sk(o)))
    return out


def assemble(results: list[DocResult], *, settings: Settings) -> ox.Store:
    """An in-memory pyoxigraph dataset: one named graph per document + ontology + reference.

    Blank nodes of the ontology and the reference data are skolemised (see :func:`skolemized`);
    our own mapping mints none.
    """
    u = URIs(settings.base)
    mem = ox.Store()
    for r in results:
        mem.extend(store_mod.graph_quads(r.graph, u.document_graph(r.doc.slug)))
    mem.extend(store_mod.graph_quads(skolemized(ontology_graph(settings.ontology_dir), settings), u.ontology_graph))
    ref = addressee_graph(settings)
    sdg_ttl = settings.reference_dir / "sdg-kos-goals-targets-indicators.ttl"
    if sdg_ttl.exists():
        ref.parse(sdg_ttl, format="turtle")
    mem.extend(store_mod.graph_quads(skolemized(ref, settings), u.reference_graph))
    return mem


def build(paths: list[Path] | None, *, settings: Settings, progress: Progress = _noop,
          publish: bool = True) -> BuildResult:
    res = BuildResult()
    t = time.perf_counter()
    sources = find_sources(paths, settings)
    try:
        docs = parse_all(sources)
    except SourceError as e:
        raise BuildError(str(e)) from None
    res.seconds["parse"] = time.perf_counter() - t
    progress("parse", f"{len(docs)} document(s), {sum(len(d.proposals) for d in docs)} proposals")

    t = time.perf_counter()
    graphs = [map_document(d, settings=settings) for d in docs]
    res.seconds["map"] = time.perf_counter() - t
    progress("map", f"{sum(len(g) for g in graphs)} asserted triples")

    t = time.perf_counter()
    shapes = shapes_graph(settings)
    onto = ontology_graph(settings.ontology_dir)
    for d, g in zip(docs, graphs):
        rep = shacl(g, settings=settings, shapes=shapes, ontology=onto)
        res.docs.append(DocResult(d, g, rep))
        res.report.results.extend(rep.results)
    res.seconds["validate"] = time.perf_counter() - t
    progress("validate", f"{res.report.count('violation')} violations, {res.report.count('warning')} warnings, "
                         f"{res.report.count('info')} notes (SHACL)")

    t = time.perf_counter()
    mem = assemble(res.docs, settings=settings)
    rules = reason.rules_from(reason.closed_ontology(settings))
    inf = reason.infer(mem, URIs(settings.base).inferred_graph, rules)
    res.seconds["reason"] = time.perf_counter() - t
    progress("reason", f"{inf['inferred']} inferred triples")

    t = time.perf_counter()
    checks = graph_checks(mem)
    res.report.results.extend(checks.results)
    res.seconds["check"] = time.perf_counter() - t

    res.counts = _counts(res, mem)
    if not res.report.conforms:
        raise BuildError(f"{len(res.report.violations)} SHACL/graph violation(s); nothing was published "
                         f"(the previous graph stays as it was)", res.report)
    if publish:
        t = time.perf_counter()
        meta = {"base": settings.base, "counts": res.counts,
                "sources": [{"path": r.doc.path, "slug": r.doc.slug, "sha256": r.doc.sha256} for r in res.docs]}
        gen = store_mod.publish(mem.quads_for_pattern(None, None, None, None), meta, settings=settings)
        res.generation = gen.name
        res.seconds["publish"] = time.perf_counter() - t
        progress("publish", f"generation {gen.name} in {settings.store_dir}")
    return res


def _counts(res: BuildResult, mem: ox.Store) -> dict:
    clauses = citations = 0
    for r in res.docs:
        for p in r.doc.proposals:
            if p.resolution is None:
                continue
            parts = list(p.resolution.sections) + [s for a in p.resolution.annexes for s in a.sections]
            stack = [c for s in parts for c in s.clauses]
            while stack:
                c = stack.pop()
                clauses += 1
                citations += len(c.citations)
                stack.extend(c.children)
    return {
        "documents": len(res.docs),
        "proposals": sum(len(r.doc.proposals) for r in res.docs),
        "resolutions": sum(1 for r in res.docs for p in r.doc.proposals if p.resolution is not None),
        "clauses": clauses,
        "citations": citations,
        "findings": sum(len(set(r.graph.subjects(RDF.type, RG.Finding))) for r in res.docs),
        "triples": len(mem),
        "violations": len(res.report.violations),
    }
