"""The pipeline, stage by stage: parse → map → validate → reason → check → publish.

Each stage is a plain function; :func:`build` wires them and reports progress
through a callback, so the CLI, the tests and the benchmarks share one code path.
Nothing is published unless every document parses and the graph has no SHACL
violation: the previous store stays as it was.

Documents are independent until reasoning, so the per-document work — parse, map,
SHACL — is one function, :func:`build_document`, that runs in this process, in a pool of
worker processes (``jobs``) or as tasks on a ``dask.distributed`` cluster
(``scheduler``).  It returns the document's named graph as N-Triples bytes, which
pyoxigraph loads in Rust (the parent never touches an rdflib term).

Builds are incremental: the published generation records every source's SHA-256 and
a *fingerprint* of everything else a graph depends on (base URI, pipeline code,
ontology, shapes, reference data, library versions).  When the fingerprint matches,
the new generation starts as a RocksDB checkpoint of the published one (hard links:
milliseconds), the graphs of changed and removed sources and the inferred graph are
dropped from it, the changed sources are rebuilt, and reasoning and the graph-wide
checks run again over the whole dataset (see :func:`_reason_and_check` for why).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import time
from collections import deque
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF

from . import store as store_mod
from .checks import reason
from .mapping import Mapper, mapped
from .rdf.triples import graph_of_ntriples
from .model import SourceDocument
from .sources import SourceError, document_slug, parse, read_source
from .settings import PROJECT_ROOT, Settings
from .rdf.uris import URIs
from .checks import (Report, Result, findings_of, graph_checks, report_quads, results_by_document, shacl,
                       shacl_store, shapes_graph)
from .rdf.vocab import RG, ontology_graph
from .rdf.triples import graph_quads

Progress = Callable[[str, str], None]

#: bump when the layout of the per-source metadata changes (forces a full build)
CACHE_FORMAT = 1


class BuildError(Exception):
    """The build stopped; nothing was published (one line for the user)."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class DocResult:
    """One source document, built (or taken over unchanged from the published generation).

    ``doc`` and ``graph`` are kept only when the build was asked for them (``keep_docs``)
    and the document was built in this process or returned by a worker; ``ntriples`` is
    the named graph's content, dropped once loaded.  ``graph``, the asserted graph as an
    rdflib graph, is made from ``asserted`` (its N-Triples) on first use: the build itself
    never needs rdflib terms.
    """
    slug: str
    path: str
    sha256: str
    report: Report
    counts: dict
    doc: SourceDocument | None = None
    asserted: bytes | None = None       # kept (keep_docs): the asserted graph as N-Triples, for .graph
    ntriples: bytes | None = None
    reused: bool = False
    seconds: dict = field(default_factory=dict)
    peak_rss_mb: float = 0.0           # of the process that built it (a worker's, when parallel)

    @cached_property
    def graph(self) -> Graph | None:
        """The asserted graph as an rdflib graph (:func:`pipeline.mapping.map_document`'s),
        when it was kept."""
        return graph_of_ntriples(self.asserted) if self.asserted is not None else None

    def manifest(self) -> dict:
        """What the generation's metadata keeps about this source, for the next build."""
        return {"path": self.path, "slug": self.slug, "sha256": self.sha256, "counts": self.counts,
                "results": [r.as_dict() for r in self.report.results]}


@dataclass
class BuildResult:
    docs: list[DocResult] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    generation: str | None = None
    built: list[str] = field(default_factory=list)      # slugs parsed in this build
    reused: list[str] = field(default_factory=list)     # slugs taken over from the published generation
    removed: list[str] = field(default_factory=list)    # slugs whose source is gone
    up_to_date: bool = False


@dataclass(frozen=True)
class Source:
    path: Path
    text: str
    sha256: str
    slug: str


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


def read_sources(paths: list[Path]) -> list[Source]:
    """Read every source and name it (hash + slug) without parsing it; one slug per source."""
    out = []
    slugs: dict[str, Path] = {}
    for p in paths:
        text, sha = read_source(p)
        s = document_slug(p, text)
        if s in slugs:
            raise SourceError(f"{p}: same document as {slugs[s]} (slug {s!r}); give each source once")
        slugs[s] = p
        out.append(Source(Path(p), text, sha, s))
    return out


def parse_all(paths: list[Path]) -> list[SourceDocument]:
    return [parse(s.path, text=s.text, sha256=s.sha256) for s in read_sources(paths)]


def _noop(stage: str, msg: str) -> None:
    pass


# ------------------------------------------------------- one document ---

@lru_cache(maxsize=4)
def _shapes_and_ontology(shapes_dir: Path, ontology_dir: Path, settings: Settings) -> tuple[Graph, Graph]:
    """Parsed once per process (each worker pays it once, not once per document)."""
    return shapes_graph(settings), ontology_graph(ontology_dir)


def _doc_counts(doc: SourceDocument, g: Graph | Mapper) -> dict:
    """``g``: the document's asserted graph, or the :class:`~pipeline.mapping.Mapper` that mapped it."""
    clauses = citations = 0
    for p in doc.proposals:
        if p.resolution is None:
            continue
        parts = list(p.resolution.sections) + [s for a in p.resolution.annexes for s in a.sections]
        stack = [c for s in parts for c in s.clauses]
        while stack:
            c = stack.pop()
            clauses += 1
            citations += len(c.citations)
            stack.extend(c.children)
    return {"proposals": len(doc.proposals),
            "resolutions": sum(1 for p in doc.proposals if p.resolution is not None),
            "clauses": clauses, "citations": citations,
            "findings": (len(g.subjects_of_type(str(RG.Finding))) if isinstance(g, Mapper)
                         else len(set(g.subjects(RDF.type, RG.Finding))))}


def ntriples_of(g: Graph | Mapper) -> bytes:
    """An rdflib graph as N-Triples bytes, serialised by pyoxigraph (terms as :func:`pipeline.rdf.terms.to_ox`),
    or the triples of a :class:`~pipeline.mapping.Mapper` (the same bytes, without rdflib)."""
    if isinstance(g, Mapper):
        return g.ntriples()
    quads = graph_quads(g, "urn:x-resgraph:unused")
    return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)


@lru_cache(maxsize=4)
def _static_ntriples(settings: Settings) -> dict[str, bytes]:
    """The static graphs as N-Triples per graph name, computed once per process."""
    by_graph: dict[str, list] = {}
    for q in static_quads(settings):
        by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    return {g: ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES) for g, ts in by_graph.items()}


def document_store(ntriples: bytes, slug: str, settings: Settings) -> ox.Store:
    """An in-memory store with the static graphs and one document's graph."""
    u = URIs(settings.base)
    mem = ox.Store()
    for g, nt in _static_ntriples(settings).items():
        mem.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
    mem.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(u.document_graph(slug)))
    return mem


def build_document(path: str, text: str, sha256: str, settings: Settings, keep: bool = False) -> DocResult:
    """Parse, map and SHACL-validate one source: the unit of work of a worker or Dask task.

    Takes the text, not a path to open, so a worker on another machine needs no shared
    file system — only resgraph installed and the same ontology, shapes and reference data.
    """
    secs = {}
    t = time.perf_counter()
    doc = parse(Path(path), text=text, sha256=sha256)
    secs["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    m = mapped(doc, settings=settings)      # its triples, no rdflib terms (the graph map_document gives)
    secs["map"] = time.perf_counter() - t
    t = time.perf_counter()
    nt = ntriples_of(m)
    secs["serialise"] = time.perf_counter() - t
    t = time.perf_counter()
    u = URIs(settings.base)
    mem = document_store(nt, doc.slug, settings)
    if _use_pyshacl():
        shapes, onto = _shapes_and_ontology(settings.shapes_dir, settings.ontology_dir, settings)
        rep = shacl(m.graph(), settings=settings, shapes=shapes, ontology=onto, inplace=True)
    else:
        # SHACL Core compiled to SPARQL over this document + the ontology: pyshacl's results
        # (tests/test_shacl_compiled.py), ~15x faster; before any inference, as pyshacl
        rep = shacl_store(mem, graphs=[u.document_graph(doc.slug), u.ontology_graph], settings=settings)
    # the findings about the source, straight from the model, each with its own severity
    rep.results.extend(findings_of(m))
    secs["validate"] = time.perf_counter() - t
    return DocResult(doc.slug, str(path), doc.sha256, rep, _doc_counts(doc, m),
                     doc=doc if keep else None, asserted=nt if keep else None, ntriples=nt,
                     seconds=secs, peak_rss_mb=_peak_rss_mb())


def _use_pyshacl() -> bool:
    """RESGRAPH_PYSHACL=1: validate each document with pyshacl (the reference, slow)."""
    return os.environ.get("RESGRAPH_PYSHACL", "") not in ("", "0")


def _peak_rss_mb() -> float:
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except ImportError:  # pragma: no cover - not POSIX
        return 0.0


def _build_document_task(args: tuple) -> DocResult:
    return build_document(*args)


def _forkserver_context():
    """Workers start from a fork server that imported the pipeline once (not from this
    process, which may hold an open RocksDB store and its threads)."""
    import multiprocessing as mp
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.build"])
    return ctx


def default_jobs(n_docs: int) -> int:
    """One worker per usable core, never more than there are documents to build.

    One document (the usual rebuild after an edit) is built in this process: a worker
    would add its start-up (~1 s of imports) and nothing else.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_docs))


def run_documents(todo: list[Source], *, settings: Settings, jobs: int | None = None, scheduler: str | None = None,
                  keep: bool = False) -> Iterator[DocResult]:
    """Build each source's document graph, yielding results as they finish (any order).

    ``scheduler``: address of a running ``dask.distributed`` scheduler; each document is
    one task.  Otherwise ``jobs`` worker processes (``None``: :func:`default_jobs`; 1: here).
    At most two tasks per worker are in flight, so memory stays flat on large corpora.
    """
    args = [(str(s.path), s.text, s.sha256, settings, keep) for s in todo]
    if not args:
        return
    if scheduler:
        yield from _run_dask(args, scheduler)
        return
    jobs = default_jobs(len(args)) if not jobs else jobs
    if jobs <= 1 or len(args) == 1:
        for a in args:
            yield build_document(*a)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_forkserver_context()) as pool:
        pending, queue = set(), deque(args)
        while queue or pending:
            while queue and len(pending) < 2 * jobs:
                pending.add(pool.submit(build_document, *queue.popleft()))
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()


def _run_dask(args: list[tuple], scheduler: str) -> Iterator[DocResult]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BuildError("--scheduler needs dask.distributed: pip install 'distributed'") from None
    try:
        client = Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as e:
        raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        queue = deque(args)
        ac = as_completed()
        for _ in range(min(len(queue), 2 * n)):
            ac.add(client.submit(_build_document_task, queue.popleft(), pure=False))
        for fut in ac:
            res = fut.result()
            fut.release()
            if queue:
                ac.add(client.submit(_build_document_task, queue.popleft(), pure=False))
            yield res
    finally:
        client.close()


# ------------------------------------------------------ whole dataset ---

def skolemized(g: Graph, settings: Settings) -> Graph:
    """``g`` with its blank nodes (OWL lists, restrictions) replaced by skolem IRIs.

    The labels come from rdflib's canonical labelling, so the same input gives the same
    IRIs in every build: a remote store (``resgraph publish``) can match them, and a
    rebuild of unchanged input publishes an identical graph (RDF 1.1 §3.5,
    ``/.well-known/genid/``).
    """
    canon = to_canonical_graph(g)
    out = Graph()
    prefix = URIs(settings.base).skolem_prefix()
    sk = lambda t: URIRef(prefix + str(t)) if isinstance(t, BNode) else t  # noqa: E731
    for s, p, o in canon:
        out.add((sk(s), p, sk(o)))
    return out


def static_quads(settings: Settings) -> Iterator[ox.Quad]:
    """The ontology and reference graphs (skolemised), the same for every document."""
    u = URIs(settings.base)
    yield from graph_quads(skolemized(ontology_graph(settings.ontology_dir), settings), u.ontology_graph)
    ref = Graph()
    sdg_ttl = settings.reference_dir / "sdg-kos-goals-targets-indicators.ttl"
    if sdg_ttl.exists():
        ref.parse(sdg_ttl, format="turtle")
    yield from graph_quads(skolemized(ref, settings), u.reference_graph)


def assemble(results: list[DocResult], *, settings: Settings) -> ox.Store:
    """An in-memory pyoxigraph dataset: one named graph per document + ontology + reference."""
    u = URIs(settings.base)
    mem = ox.Store()
    for r in results:
        _load_document(mem, r, u)
    mem.extend(static_quads(settings))
    return mem


def _load_document(st: ox.Store, r: DocResult, u: URIs) -> None:
    nt = r.ntriples if r.ntriples is not None else r.asserted
    st.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(u.document_graph(r.slug)))
    r.ntriples = None


def fingerprint(settings: Settings) -> str:
    """Everything besides a source's text that its graph depends on; a change means a full build."""
    h = hashlib.sha256()
    h.update(f"format {CACHE_FORMAT}\nbase {settings.base}\n".encode())
    for dist in ("resgraph", "rdflib", "pyoxigraph", "pyshacl", "owlrl"):
        try:
            h.update(f"{dist} {importlib.metadata.version(dist)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    # Every Python file of the package, sub-packages included, named by its path inside the
    # package: moving code into a sub-package must never reuse a build made by the old code.
    code_root = PROJECT_ROOT / "pipeline"
    files: list[tuple[str, Path]] = [(f"pipeline/{p.relative_to(code_root).as_posix()}", p)
                                     for p in sorted(code_root.rglob("*.py"))]
    for d in (settings.ontology_dir, settings.shapes_dir, settings.reference_dir):
        if Path(d).is_dir():
            files.extend((p.relative_to(d).as_posix(), p) for p in sorted(Path(d).rglob("*"))
                         if p.is_file() and not p.name.startswith("."))
    for name, f in files:
        h.update(f"{name}\0".encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _rules(settings: Settings, previous: dict | None, fp: str) -> dict:
    """The instance rules of the ontology (owlrl closure: ~0.5 s), reused while the fingerprint holds."""
    if previous and previous.get("fingerprint") == fp and isinstance(previous.get("rules"), dict):
        return previous["rules"]
    rules = reason.rules_from(reason.closed_ontology(settings))
    return {k: [list(x) for x in v] for k, v in rules.items()}


def _reason_and_check(st: ox.Store, settings: Settings, rules: dict, slugs: Iterable[str],
                      compact: bool = False) -> tuple[dict, Report]:
    """The inferred graph, recomputed over the whole dataset (and written as the difference
    from what the checkpoint of an incremental build holds); then the graph checks.

    :func:`reason.materialise` reads the premises of the rules from the document graphs of
    ``slugs`` and the ontology and reference graphs (never from the report graphs or the
    old inferred graph), so a full and an incremental build of the same sources infer the
    same triples.  It used to run per document in the workers, with the parent proving the
    union closed under the property chains; one pass over the whole dataset in the parent
    is faster than that proof alone (bench/reasoning.py: about 2.5 s per million triples)
    and needs no proof, because chains that join two documents are followed like any other.
    """
    t0 = time.perf_counter()
    steps: dict[str, float] = {}
    u = URIs(settings.base)
    G = ox.NamedNode(u.inferred_graph)
    if compact:
        # an incremental build deleted graphs from a checkpoint: compact away the tombstones
        # before the whole-dataset passes scan those key ranges (0.3 s at 300k triples)
        t = time.perf_counter()
        st.optimize()
        steps["compact"] = time.perf_counter() - t
    graphs = [u.ontology_graph, u.reference_graph] + [u.document_graph(s) for s in sorted(set(slugs))]
    inf = reason.materialise(st, G.value, rules, graphs=graphs)
    steps.update(inf.pop("steps"))
    t = time.perf_counter()
    checks = graph_checks(st)
    steps["checks"] = time.perf_counter() - t
    inf["seconds"] = time.perf_counter() - t0
    inf["steps"] = steps
    return inf, checks


def _prune_cache(settings: Settings) -> None:
    """Remove the per-document inference files earlier versions kept under <store>/cache/
    (reasoning is one pass over the whole dataset now, see :func:`_reason_and_check`)."""
    d = Path(settings.store_dir) / "cache"
    if d.is_dir():
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- build ---

def _previous(settings: Settings) -> store_mod.Generation | None:
    try:
        return store_mod.current(settings)
    except store_mod.StoreError:
        return None


def build(paths: list[Path] | None, *, settings: Settings, progress: Progress = _noop,
          publish: bool = True, jobs: int | None = None, scheduler: str | None = None,
          incremental: bool = True, keep_docs: bool | None = None) -> BuildResult:
    """Build ``paths`` (default: the sources directory) and publish a new generation.

    ``incremental``: reuse the published graphs of unchanged sources (same SHA-256, same
    fingerprint); ``jobs``/``scheduler``: see :func:`run_documents`; ``keep_docs``: keep each
    document model and rdflib graph in the result (default: only when not publishing, as
    ``resgraph validate`` needs them).
    """
    res = BuildResult()
    keep = (not publish) if keep_docs is None else keep_docs
    t = time.perf_counter()
    try:
        sources = read_sources(find_sources(paths, settings))
    except SourceError as e:
        raise BuildError(str(e)) from None
    res.seconds["read"] = time.perf_counter() - t

    u = URIs(settings.base)
    fp = fingerprint(settings)
    prev = _previous(settings) if publish else None
    prev_meta = prev.meta if prev is not None else None
    reusable: dict[str, dict] = {}
    if incremental and prev_meta and prev_meta.get("fingerprint") == fp:
        reusable = {e["slug"]: e for e in prev_meta.get("sources", []) if "results" in e}
    todo, keep_old = [], []
    for s in sources:
        e = reusable.get(s.slug)
        if e is not None and e["sha256"] == s.sha256 and e["path"] == str(s.path):
            keep_old.append(e)
        else:
            todo.append(s)
    wanted = {s.slug for s in sources}
    res.removed = sorted(set(reusable) - wanted)
    res.reused = [e["slug"] for e in keep_old]

    if prev_meta and reusable and not todo and not res.removed:
        # nothing changed: the published generation already is this build
        res.up_to_date = True
        res.generation = prev.name
        for e in keep_old:
            res.docs.append(_reused(e))
        res.report.results.extend(r for d in res.docs for r in d.report.results)
        res.report.results.extend(Result(**r) for r in prev_meta.get("checks", []))
        res.counts = dict(prev_meta.get("counts", {}))
        progress("publish", f"up to date: {len(sources)} unchanged source(s), generation {prev.name} stays published")
        return res

    order = {str(s.path): i for i, s in enumerate(sources)}
    staging = store_mod.staged(settings, base_on=prev if keep_old else None) if publish else nullcontext(None)
    with staging as stage:
        st = stage.store if stage is not None else ox.Store()
        t = time.perf_counter()
        if stage is not None and keep_old:
            # the checkpoint holds everything published; drop what this build replaces
            for slug in res.removed + [s.slug for s in todo if s.slug in reusable]:
                st.remove_graph(ox.NamedNode(u.document_graph(slug)))
            res.docs.extend(_reused(e) for e in keep_old)
            progress("reuse", f"{len(keep_old)} unchanged document(s) kept from generation {prev.name}"
                              + (f", {len(res.removed)} removed" if res.removed else ""))
        else:
            st.extend(static_quads(settings))
        res.seconds["reuse"] = time.perf_counter() - t

        rules = _rules(settings, prev_meta, fp)
        t = time.perf_counter()
        # the workers parse, map and validate; reasoning is one pass in the parent, below
        for r in _source_errors_as_build_errors(
                run_documents(todo, settings=settings, jobs=jobs, scheduler=scheduler, keep=keep)):
            _load_document(st, r, u)
            res.docs.append(r)
            res.built.append(r.slug)
            for k, v in r.seconds.items():
                res.seconds[f"doc_{k}"] = res.seconds.get(f"doc_{k}", 0.0) + v
            if len(todo) > 1:
                progress("document", f"{len(res.built)}/{len(todo)} {r.slug}: {r.counts['proposals']} proposals, "
                                     f"{r.report.count('violation')} violations")
        res.docs.sort(key=lambda r: order.get(r.path, len(order)))
        res.seconds["documents"] = time.perf_counter() - t
        for r in res.docs:
            res.report.results.extend(r.report.results)
        progress("validate", f"{len(todo)} document(s) parsed, mapped and validated; "
                             f"{res.report.count('violation')} violations, {res.report.count('warning')} warnings, "
                             f"{res.report.count('info')} notes (SHACL results and findings about the sources)")

        t = time.perf_counter()
        for slug in set(reusable) | {r.slug for r in res.docs}:
            st.remove_graph(ox.NamedNode(u.report(slug)))      # rewritten below, after the graph checks
        # compact the checkpoint's tombstones only when a large share of it was replaced:
        # at 100 documents, compacting after one change took 11.7 s and saved less
        replaced = len(res.built) + len(res.removed)
        inf, checks = _reason_and_check(st, settings, rules, [r.slug for r in res.docs],
                                        compact=bool(stage is not None and keep_old
                                                     and 4 * replaced >= len(res.docs) + len(res.removed)))
        res.seconds["reason"] = time.perf_counter() - t
        progress("reason", f"{inf['inferred']} inferred triples; graph checks: {len(checks.violations)} violations ("
                           + ", ".join(f"{k} {v:.1f} s" for k, v in inf["steps"].items()) + ")")
        for k, v in inf["steps"].items():
            res.seconds[f"reason_{k}"] = v
        res.report.results.extend(checks.results)
        # the report as linked data: one sh:ValidationReport per document, in its own graph
        per_doc_checks = results_by_document(checks.results, st, settings=settings)
        st.extend(report_quads({r.slug: r.report.results + per_doc_checks.get(r.slug, []) for r in res.docs},
                               settings=settings))

        res.counts = _counts(res, st)
        if not res.report.conforms:
            raise BuildError(f"{len(res.report.violations)} SHACL/graph violation(s); nothing was published "
                             f"(the previous graph stays as it was)", res.report)
        if stage is None:
            res.store = st  # type: ignore[attr-defined]  # publish=False: the assembled dataset
            return res
        t = time.perf_counter()
        meta = {"base": settings.base, "counts": res.counts, "fingerprint": fp, "rules": rules,
                "sources": [r.manifest() for r in res.docs],
                "checks": [r.as_dict() for r in checks.results],
                "incremental": {"built": res.built, "reused": res.reused, "removed": res.removed}}
        del st
        gen = stage.commit(meta)
    _prune_cache(settings)
    res.generation = gen.name
    res.seconds["publish"] = time.perf_counter() - t
    progress("publish", f"generation {gen.name} in {settings.store_dir}")
    return res


def _source_errors_as_build_errors(results: Iterator[DocResult]) -> Iterator[DocResult]:
    """A source that is not a resolution document stops the build with its one-line message
    (raised in a worker or a Dask task, it arrives here as the same exception)."""
    try:
        yield from results
    except SourceError as e:
        raise BuildError(str(e)) from None


def _reused(e: dict) -> DocResult:
    return DocResult(e["slug"], e["path"], e["sha256"], Report([Result(**r) for r in e["results"]]),
                     dict(e["counts"]), reused=True)


def _counts(res: BuildResult, st: ox.Store) -> dict:
    total = lambda k: sum(r.counts.get(k, 0) for r in res.docs)  # noqa: E731
    return {
        "documents": len(res.docs),
        "proposals": total("proposals"),
        "resolutions": total("resolutions"),
        "clauses": total("clauses"),
        "citations": total("citations"),
        "findings": total("findings"),
        "triples": len(st),
        "violations": len(res.report.violations),
    }
