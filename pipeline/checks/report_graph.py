"""The validation report as linked data (issue 4, item 7).

:func:`report_graph` turns one document's results — SHACL, graph checks
(:func:`results_by_document`), findings (:func:`pipeline.checks.findings.finding_results`) — into a
``sh:ValidationReport`` named ``…/id/report/{slug}``, linked to the document
(``prov:wasDerivedFrom``) and to the resources and finding records the results are about
(``sh:focusNode``); :func:`report_quads` puts each in its own graph.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH

from ..rdf.uris import URIs
from ..settings import Settings
from .report import SEVERITY, Result
from ..rdf.triples import graph_quads

_SEVERITY_IRI = {v: k for k, v in SEVERITY.items()}


def results_by_document(results, store: ox.Store, *, settings: Settings) -> dict[str, list[Result]]:
    """Whole-dataset results (the graph checks) given to each document whose graph describes
    their focus node (a UN document cited by two documents: both)."""
    prefix = URIs(settings.base).document_graph("")
    results = list(results)
    focus = sorted({r.focus for r in results if r.focus.startswith(("http://", "https://", "urn:"))})
    where: dict[str, set[str]] = {}
    for i in range(0, len(focus), 500):
        values = " ".join(str(ox.NamedNode(x)) for x in focus[i:i + 500])   # pyoxigraph writes the IRIs
        q = f"SELECT DISTINCT ?this ?g WHERE {{ VALUES ?this {{ {values} }} GRAPH ?g {{ ?this ?p ?o }} }}"
        for row in store.query(q):
            g = row["g"].value
            if g.startswith(prefix):
                where.setdefault(row["this"].value, set()).add(g[len(prefix):])
    out: dict[str, list[Result]] = {}
    for r in results:
        for slug in sorted(where.get(r.focus, ())):
            out.setdefault(slug, []).append(r)
    return out


def _result_key(r: Result) -> str:
    parts = (r.source, r.focus, r.path or "", r.value or "", r.shape or "", r.component or "", r.severity, r.message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _is_iri(text: str) -> bool:
    return text.startswith(("http://", "https://", "urn:"))


def _node(text: str):
    return URIRef(text) if _is_iri(text) else Literal(text)


def report_graph(slug: str, results, *, settings: Settings) -> Graph:
    """One document's validation report as RDF: a ``sh:ValidationReport`` (SHACL §3.6).

    ``<…/id/report/{slug}>`` is a ``sh:ValidationReport`` with ``sh:conforms`` (no
    violation among ``results``), ``prov:wasDerivedFrom`` the source document and one
    ``sh:result`` per distinct result: a ``sh:ValidationResult`` with ``sh:focusNode`` (the
    resource the result is about — a clause, a citation record, or, for findings, our
    ``rg:Finding`` record), ``sh:resultSeverity``, ``sh:resultMessage``, and where known
    ``sh:resultPath``, ``sh:value``, ``sh:sourceShape``, ``sh:sourceConstraintComponent``.
    Source lines and quotes stay on the focus nodes (``rg:lineStart``, ``rg:quote``).

    No blank nodes: the report and each result are named by :meth:`URIs.report`, a result
    by a digest of its content, so the same results give the same graph in every build.
    ``sh:value`` is an IRI when it reads as one (``Result`` keeps terms as text).
    """
    u = URIs(settings.base)
    doc = URIRef(u.document(slug))
    rep = URIRef(u.report(slug))
    results = list(results)
    g = Graph()
    g.bind("sh", SH)
    g.add((rep, RDF.type, SH.ValidationReport))
    g.add((rep, SH.conforms, Literal(not any(r.severity == "violation" for r in results))))
    g.add((rep, PROV.wasDerivedFrom, doc))
    g.add((rep, RDFS.label, Literal(f"Validation report of {slug}", lang="en")))
    for r in results:
        node = URIRef(u.report(slug, _result_key(r)))
        g.add((rep, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        focus = r.focus if _is_iri(r.focus) else str(doc)
        g.add((node, SH.focusNode, URIRef(focus)))
        g.add((node, SH.resultSeverity, _SEVERITY_IRI[r.severity]))
        g.add((node, SH.resultMessage, Literal(r.message, lang="en")))
        if r.path and _is_iri(r.path):
            g.add((node, SH.resultPath, URIRef(r.path)))
        if r.value is not None:
            g.add((node, SH.value, _node(r.value)))
        if r.shape and _is_iri(r.shape):     # a blank-node shape has no name to publish
            g.add((node, SH.sourceShape, URIRef(r.shape)))
        if r.component and _is_iri(r.component):
            g.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
    return g


def report_quads(per_document: dict[str, list[Result]], *, settings: Settings):
    """The report of each document as quads in its own named graph, ``<…/id/report/{slug}>``
    (drop and rewrite it whenever the document or the graph checks change)."""
    u = URIs(settings.base)
    for slug in sorted(per_document):
        yield from graph_quads(report_graph(slug, per_document[slug], settings=settings), u.report(slug))
