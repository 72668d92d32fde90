"""Findings about the sources (``rg:Finding`` records of the mapped graph) as report results."""
from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..rdf.uris import URIs
from ..rdf.vocab import RG, concept
from ..settings import Settings
from .report import Result
from .shacl import _line


#: finding kinds that are about a reference the reader cannot follow
REFERENCE_FINDINGS = ("unresolved-reference", "ambiguous-reference", "dangling-reference", "unknown-sdg",
                      "impossible-reference")

def finding_results(graph: Graph, doc=None, *, settings: Settings) -> list[Result]:
    """The finding records (``rg:Finding``) of one document graph as report results.

    ``focus`` is the finding record's URI, so the published report links to it.  The graph
    does not say a finding's severity; it is taken from ``doc`` (the parsed
    :class:`~pipeline.model.SourceDocument`), whose findings the mapping numbers first and
    in order (``URIs.finding(slug, n)``); findings the mapping adds and records whose
    ``doc`` is not given are warnings.

    ``graph`` may also be the :class:`pipeline.mapping.Mapper` that mapped the document (the
    build): then only the triples about the finding records become rdflib terms.
    """
    if not isinstance(graph, Graph):
        # every triple read below is about a finding record: rg:Finding, or numbered after doc's findings
        about = set(graph.subjects_of_type(str(RG.Finding)))
        if doc is not None:
            about.update(URIs(settings.base).finding(doc.slug, n) for n in range(1, len(doc.findings) + 1))
        graph = graph.graph(about)
    sev: dict[str, str] = {}
    if doc is not None:
        u = URIs(settings.base)
        for n, f in enumerate(doc.findings, start=1):
            fu = URIRef(u.finding(doc.slug, n))
            if graph.value(fu, RG.findingKind) == concept("finding-kind", f.kind):
                sev[str(fu)] = f.severity
    out = []
    for f in graph.subjects(RDF.type, RG.Finding):
        kind = graph.value(f, RG.findingKind)
        msg = graph.value(f, RG.message)
        quote = graph.value(f, RG.quote)
        kind_code = str(kind).rsplit("/", 1)[-1] if kind is not None else "finding"
        out.append(Result(sev.get(str(f), "warning"), str(f), f"{kind_code}: {msg}" if msg is not None else kind_code,
                          line=_line(graph, f), quote=str(quote) if quote is not None else None, source="finding"))
    out.sort(key=lambda r: (r.line or 0, r.focus))
    return out


def findings_of(mapper) -> list[Result]:
    """The findings of one mapped document as report results, straight from the model: each with
    the severity its reader or the mapping gave it (a generic "the strategic plan" is ``info``),
    focused on its ``rg:Finding`` record (``URIs.finding(slug, n)``, numbered as the mapping
    numbers them)."""
    u = URIs(mapper.u.base)
    slug = mapper.doc.slug
    out = [Result(f.severity, u.finding(slug, n), f"{f.kind}: {f.message}", line=f.span.line_start, quote=f.quote,
                  source="finding")
           for n, f in enumerate(mapper.findings, start=1)]
    out.sort(key=lambda r: (r.line or 0, r.focus))
    return out
