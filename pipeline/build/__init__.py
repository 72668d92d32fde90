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

import shutil
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from .. import search as search_mod, store as store_mod
from ..checks import reason
from ..model import SourceDocument
from ..sources import SourceError, document_slug, parse, read_source
from ..settings import Settings
from ..rdf.uris import URIs
from ..checks import Report, Result, graph_checks, report_quads, results_by_document
from .document import _doc_counts, build_document, document_store, ntriples_of  # noqa: F401
from .results import CACHE_FORMAT, BuildError, BuildResult, DocResult, Progress, Source
from ..outcomes import evidence_digest
from .runners import default_jobs, run_documents
from .static import _rules, fingerprint, skolemized, static_quads

__all__ = ["CACHE_FORMAT", "BuildError", "BuildResult", "DocResult", "Progress", "Source", "build", "build_document",
           "default_jobs", "document_store", "find_sources", "fingerprint", "ntriples_of", "parse_all", "read_sources",
           "run_documents", "skolemized", "static_quads"]



#: What a sources folder may hold: ITU text exports (.txt), UN resolutions as text or Markdown
#: (.md), Akoma Ntoso (.xml, .akn), Word proposals (.docx).  The reader is chosen by content, never
#: by this suffix.
SOURCE_SUFFIXES = (".txt", ".md", ".xml", ".akn", ".docx")


def _sources_in(d: Path) -> list[Path]:
    """The source files under ``d``, at any depth, in path order (hidden files, READMEs skipped)."""
    return sorted(p for p in d.rglob("*")
                  if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(d).parts)
                  and not p.name.lower().startswith("readme"))


def find_sources(paths: list[Path] | None, settings: Settings) -> list[Path]:
    if not paths:
        d = settings.sources_dir
        if not d.is_dir():
            raise BuildError(f"no sources given and {d} does not exist")
        paths = _sources_in(d)
        if not paths:
            raise BuildError(f"no sources ({', '.join(SOURCE_SUFFIXES)}) in {d}")
        return paths
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(_sources_in(p))
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
    # and into the merged default graph (store.merge_default) from the same bytes: reading a
    # graph back to merge it costs ~5× its loading (pyoxigraph decodes every term again)
    store_mod.add_to_default(st, nt)
    r.ntriples = None


def _corpus_outcomes(sources: list[Source]) -> tuple[list, list, dict[str, dict[int, str]]]:
    """The models of the sources with proposals or adopted texts, what the conferences did with
    the proposals (clause by clause, against the adopted texts the corpus holds), and the adopted
    wording of each draft clause as evidence for reading its flattened changes
    (:func:`pipeline.outcomes.evidence`).  Nothing to compare (no proposals, or no adopted ITU
    text): no models, no results, no evidence."""
    from ..outcomes import evidence, outcomes
    # Only documents with proposals or adopted texts take part.  The models of proposals are not
    # kept while reading (4 MB each: 4 GB at 1000 documents) but parsed again once an adopted
    # ITU text says there is something to compare; the adopted texts are few and kept.
    kept: dict[int, SourceDocument] = {}
    with_proposals: list[int] = []
    adopted_itu = False
    for i, s in enumerate(sources):
        d = parse(s.path, text=s.text, sha256=s.sha256)
        if d.proposals:
            with_proposals.append(i)
        if any(r.adopted for r in d.texts):
            kept[i] = d
            adopted_itu = adopted_itu or any(r.adopted and not r.symbol for r in d.texts)
    if not with_proposals or not adopted_itu:
        return [], [], {}
    for i in with_proposals:
        if i not in kept:
            s = sources[i]
            kept[i] = parse(s.path, text=s.text, sha256=s.sha256)
    docs = [kept[i] for i in sorted(kept)]
    results = outcomes(docs)
    return docs, results, evidence(docs, results)


def _outcomes(st: ox.Store, docs: list, results: list, u: URIs) -> int:
    """The corpus-level graph of what conferences did with the proposals (``graph/outcomes``):
    every proposal whose resolution the corpus also holds as adopted, clause by clause (from
    :func:`_corpus_outcomes`).  Returns the number of proposals compared."""
    from ..mapping.outcomes import outcome_triples
    from ..rdf.terms import _ox_term
    G = ox.NamedNode(u.outcomes_graph)
    st.remove_graph(G)
    if not results:
        return 0
    triples = outcome_triples(docs, u, results)
    st.extend(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), G) for s, p, o in dict.fromkeys(triples))
    return sum(1 for r in results if r.outcome != "no-adopted-text")


def _reason_and_check(st: ox.Store, settings: Settings, rules: dict, slugs: Iterable[str],
                      old: ox.Store | None = None, rewritten: list = (), compact: bool = False,
                      docs_merged: bool = False) -> tuple[dict, Report]:
    """The inferred graph, recomputed over the whole dataset (and written as the difference
    from what the checkpoint of an incremental build holds); then the graph checks.

    Then the default graph is brought up to date as the merge of the named graphs
    (:func:`store.merge_default`), before the checks query it.  Document graphs went into it as
    they were loaded; here the others are added (a full build), or, in an incremental one
    (``old``: the generation it was checkpointed from), what the ``rewritten`` or dropped
    document graphs, the outcomes and the inferred graph no longer state leaves it.

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
    inf = reason.materialise(st, G.value, rules, graphs=graphs, text_links=True)
    steps.update(inf.pop("steps"))
    t = time.perf_counter()
    docs = u.document_graph("")
    if old is None:
        store_mod.merge_default(st, [g for g in st.named_graphs()
                                     if not (docs_merged and g.value.startswith(docs))])
    else:
        store_mod.merge_default(st, rewritten, old=old, add=False)   # loaded with the default graph
        store_mod.merge_default(st, [ox.NamedNode(u.outcomes_graph), G], old=old)
    steps["merge"] = time.perf_counter() - t
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

    # What the conference did with the proposals needs every document's model: parse them all
    # here, once (about 2 s for the default corpus).  The drafts of a proposals document are read
    # with the adopted wording as evidence, so its graph depends on the adopted texts too: a kept
    # document whose evidence changed is mapped again.
    t = time.perf_counter()
    try:
        models, results, evidence = _corpus_outcomes(sources)
    except SourceError as e:
        raise BuildError(str(e)) from None
    res.seconds["outcomes"] = time.perf_counter() - t
    ev_digest = {slug: evidence_digest(ev) for slug, ev in evidence.items()}
    stale = [e for e in keep_old if e.get("evidence", "") != ev_digest.get(e["slug"], "")]
    if stale:
        keep_old = [e for e in keep_old if e not in stale]
        by_slug = {s.slug: s for s in sources}
        todo.extend(by_slug[e["slug"]] for e in stale)
        res.reused = [e["slug"] for e in keep_old]

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
                run_documents(todo, settings=settings, jobs=jobs, scheduler=scheduler, keep=keep, evidence=evidence)):
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
        n_outcomes = _outcomes(st, models, results, u)
        res.seconds["outcomes"] += time.perf_counter() - t
        if n_outcomes:
            progress("outcomes", f"{n_outcomes} proposal(s) compared with the adopted texts "
                                 f"({res.seconds['outcomes']:.1f} s)")

        t = time.perf_counter()
        for slug in set(reusable) | {r.slug for r in res.docs}:
            st.remove_graph(ox.NamedNode(u.report(slug)))      # rewritten below, after the graph checks
        # compact the checkpoint's tombstones only when a large share of it was replaced:
        # at 100 documents, compacting after one change took 11.7 s and saved less
        replaced = len(res.built) + len(res.removed)
        old = ox.Store.read_only(str(prev.path)) if stage is not None and keep_old else None

        rewritten = [ox.NamedNode(u.document_graph(s)) for s in res.built + res.removed]
        inf, checks = _reason_and_check(st, settings, rules, [r.slug for r in res.docs],
                                        old, rewritten, docs_merged=True,
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
        t = time.perf_counter()
        store_mod.merge_default(st, [ox.NamedNode(u.report(slug)) for slug in sorted(set(reusable) | {r.slug for r in res.docs})],
                                old=old)
        del old
        res.seconds["reason_merge"] = res.seconds.get("reason_merge", 0.0) + time.perf_counter() - t

        res.counts = _counts(res, st)
        if not res.report.conforms:
            raise BuildError(f"{len(res.report.violations)} SHACL/graph violation(s); nothing was published "
                             f"(the previous graph stays as it was)", res.report)
        if stage is None:
            res.store = store_mod.Merged(st)  # type: ignore[attr-defined]  # publish=False: the assembled dataset
            return res
        t = time.perf_counter()
        meta = {"base": settings.base, "counts": res.counts, "fingerprint": fp, "rules": rules,
                "sources": [r.manifest() for r in res.docs],
                "checks": [r.as_dict() for r in checks.results],
                "incremental": {"built": res.built, "reused": res.reused, "removed": res.removed}}
        # the search index of this generation, ready before it is published (pipeline.search)
        res.seconds["search_index"], why = search_mod.build_for_publish(store_mod.Merged(st), settings.store_dir, stage.name)
        if why:
            progress("publish", f"search index not built ({why}); the server builds it on first search")
        del st
        gen = stage.commit(meta)
    search_mod.prune_indexes(settings.store_dir)
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
        "adopted": total("adopted"),
        "clauses": total("clauses"),
        "citations": total("citations"),
        "findings": total("findings"),
        "triples": store_mod.named_quads(st),
        "violations": len(res.report.violations),
    }
