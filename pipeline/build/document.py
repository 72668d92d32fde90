"""One document: parse, map, SHACL — the unit of work of a worker process or a Dask task."""
from __future__ import annotations

import os
import time
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF

from ..mapping import Mapper, mapped
from ..model import SourceDocument
from ..sources import parse
from ..settings import Settings
from ..rdf.uris import URIs
from ..outcomes import evidence_digest
from ..checks import findings_of, shacl, shacl_store, shapes_graph
from ..rdf.vocab import RG, ontology_graph
from ..rdf.triples import graph_quads
from .results import DocResult
from .static import static_quads



@lru_cache(maxsize=4)
def _shapes_and_ontology(shapes_dir: Path, ontology_dir: Path, settings: Settings) -> tuple[Graph, Graph]:
    """Parsed once per process (each worker pays it once, not once per document)."""
    return shapes_graph(settings), ontology_graph(ontology_dir)


def _doc_counts(doc: SourceDocument, g: Graph | Mapper) -> dict:
    """``g``: the document's asserted graph, or the :class:`~pipeline.mapping.Mapper` that mapped it."""
    clauses = citations = 0
    texts = doc.resolutions()   # the proposals' drafts and the adopted texts
    for r in texts:
        parts = list(r.sections) + [s for a in r.annexes for s in a.sections]
        stack = [c for s in parts for c in s.clauses] + [c for a in r.annexes for c in a.clauses]
        while stack:
            c = stack.pop()
            clauses += 1
            citations += len(c.citations)
            stack.extend(c.children)
    return {"proposals": len(doc.proposals),
            "resolutions": len(texts),
            "adopted": sum(1 for r in texts if r.adopted),
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


def build_document(path: str, text: str, sha256: str, settings: Settings, keep: bool = False,
                   evidence: dict[int, str] | None = None) -> DocResult:
    """Parse, map and SHACL-validate one source: the unit of work of a worker or Dask task.

    Takes the text, not a path to open, so a worker on another machine needs no shared
    file system — only resgraph installed and the same ontology, shapes and reference data.
    ``evidence``: the adopted wording of its draft clauses (:func:`pipeline.outcomes.evidence`).
    """
    secs = {}
    t = time.perf_counter()
    doc = parse(Path(path), text=text, sha256=sha256)
    secs["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    m = mapped(doc, settings=settings, evidence=evidence)      # its triples, no rdflib terms (the graph map_document gives)
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
    return DocResult(doc.slug, str(path), doc.sha256, rep, _doc_counts(doc, m), evidence=evidence_digest(evidence),
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
