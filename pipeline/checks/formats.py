"""Report formats of ``resgraph validate --format NAME``: one line of :data:`FORMATS` each.

``text`` for people, ``json`` for scripts and as a ``--baseline``, ``turtle`` the report as
linked data (the ``sh:ValidationReport`` graphs the build publishes), ``sarif`` for code
scanning (GitHub; :mod:`.sarif`), ``junit`` for CI test reports (GitLab, Jenkins; :mod:`.junit`).
To add one: a module with ``write(report, ctx) -> str`` and a line below.

>>> [f.name for f in FORMATS]
['text', 'json', 'turtle', 'sarif', 'junit']
>>> [f.name for f in FORMATS if f.baseline]
['text', 'json', 'sarif', 'junit']
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from . import junit, sarif
from .report import Report, ReportContext


def write_text(report: Report, ctx: ReportContext) -> str:
    """One line per result: severity, ``file:line:column`` (or ``line N``), message, focus, quote."""
    shown = report.results if ctx.limit is None else report.results[:ctx.limit]
    lines = []
    for r in shown:
        if r.file and r.line:
            where = f"{r.file}:{r.line}:{r.column}: " if r.column else f"{r.file}:{r.line}: "
        else:
            where = f"line {r.line}: " if r.line else ""
        lines.append(f"{r.severity.upper():9} {where}{r.message}  [{r.focus}]" + (f"  «{r.quote}»" if r.quote else ""))
    if ctx.limit is not None and len(report.results) > ctx.limit:
        lines.append(f"… and {len(report.results) - ctx.limit} more (use --format json for all)")
    return "\n".join(lines)


def write_json(report: Report, ctx: ReportContext) -> str:
    """The results as a JSON list (each :meth:`Result.as_dict`, with its ``fingerprint``)."""
    return json.dumps([r.as_dict() for r in report.results], indent=2, ensure_ascii=False)


def write_turtle(report: Report, ctx: ReportContext) -> str:
    """The published form of the report: every document's ``sh:ValidationReport`` graph
    (:mod:`.report_graph`, written by the build into ``<…/id/report/{slug}>``)."""
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.namespace import PROV, SH

    q = """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r a <http://www.w3.org/ns/shacl#ValidationReport> } }"""
    g = Graph()
    g.bind("sh", SH)
    g.bind("prov", PROV)
    for row in ctx.store.query(q):
        g.parse(data=ctx.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=row["g"]).decode("utf-8"), format="nt")
    return g.serialize(format="turtle")


@dataclass(frozen=True)
class ReportFormat:
    """``name``: the ``--format`` value; ``write(report, ctx)``: the whole output; ``located``: it
    shows files, columns or fingerprints (:mod:`.locate` runs first); ``baseline``: it can show
    a ``--baseline`` comparison (``turtle`` is the published report graph, always whole)."""

    name: str
    write: Callable[[Report, ReportContext], str]
    media_type: str
    located: bool = True
    baseline: bool = True


FORMATS: list[ReportFormat] = [
    ReportFormat("text", write_text, "text/plain"),
    ReportFormat("json", write_json, "application/json"),
    ReportFormat("turtle", write_turtle, "text/turtle", located=False, baseline=False),
    ReportFormat("sarif", sarif.write, "application/sarif+json"),
    ReportFormat("junit", junit.write, "application/xml"),
]


def report_format(name: str) -> ReportFormat:
    for f in FORMATS:
        if f.name == name:
            return f
    raise KeyError(name)
