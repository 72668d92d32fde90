"""Validation: SHACL shapes (pyshacl, per document) plus graph-wide checks (pyoxigraph).

pyshacl runs on each document's asserted rdflib graph with the ontology mixed in
(so ``sh:class`` sees concept types), core constraints only, no inference: small
graphs, a few seconds at most (MEASUREMENTS.md).  Checks that span the whole
graph run once as SPARQL in pyoxigraph instead of per focus node.

Severity is used on purpose: ``sh:Violation`` is a defect of our own output and
blocks publishing; ``sh:Warning``/``sh:Info`` are findings about the sources.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .settings import Settings
from .vocab import ELI, PREFIXES, RG, ontology_graph

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass
class Result:
    severity: str            # violation | warning | info
    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    line: int | None = None
    quote: str | None = None
    source: str = "shacl"    # shacl | check | finding

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)


def shapes_graph(settings: Settings) -> Graph:
    g = Graph()
    for f in sorted(settings.shapes_dir.glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


def shacl(data: Graph, *, settings: Settings, shapes: Graph | None = None, ontology: Graph | None = None) -> Report:
    """Validate one asserted graph with the SHACL shapes in ``shapes/``."""
    shapes = shapes if shapes is not None else shapes_graph(settings)
    ontology = ontology if ontology is not None else ontology_graph(settings.ontology_dir)
    # the ontology is mixed in by hand so that sh:class sees the types of our concepts
    mixed = Graph()
    for t in data:
        mixed.add(t)
    for t in ontology:
        mixed.add(t)
    _conforms, rg, _text = shacl_validate(mixed, shacl_graph=shapes, inference="none",
                                          advanced=True, allow_warnings=True, abort_on_first=False)
    report = Report()
    for r in rg.subjects(SH.resultSeverity, None):
        sev = SEVERITY.get(rg.value(r, SH.resultSeverity), "violation")
        focus = rg.value(r, SH.focusNode)
        msg = rg.value(r, SH.resultMessage)
        path = rg.value(r, SH.resultPath)
        val = rg.value(r, SH.value)
        line = data.value(focus, RG.lineStart) if focus is not None else None
        report.results.append(Result(sev, str(focus), str(msg) if msg else "constraint not met",
                                     str(path) if path else None, str(val) if val is not None else None,
                                     str(rg.value(r, SH.sourceShape)), int(line) if line is not None else None))
    report.results.sort(key=lambda r: (r.severity != "violation", r.line or 0, r.focus))
    return report


DUPLICATE_LABELS = """
SELECT ?parent ?label (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c eli:is_part_of ?parent ; eli:number ?label .
} GROUP BY ?parent ?label HAVING (COUNT(DISTINCT ?c) > 1)
"""


def graph_checks(store: ox.Store) -> Report:
    """Cross-cutting rules, run once over the whole store (named graphs as union)."""
    report = Report()
    for row in store.query(DUPLICATE_LABELS, prefixes=PREFIXES, use_default_graph_as_union=True):
        report.results.append(Result("violation", row["parent"].value,
                                     f"two or more clauses of this part carry the label {row['label'].value!r} under the new numbering",
                                     str(ELI.number), row["label"].value, source="check"))
    return report
