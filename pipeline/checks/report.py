"""Validation results and reports: one record type for SHACL (pyshacl or compiled), the
SHACL-SPARQL graph checks and the findings about the sources.

Severity is used on purpose: ``sh:Violation`` is a defect of our own output and blocks
publishing; ``sh:Warning``/``sh:Info`` are findings about the sources.  :data:`SEVERITY` is the one
table from SHACL severities to ours, shared by every validator (this module imports nothing else
of ``pipeline``, which is what keeps the validators free of import circles).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.namespace import SH

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
    component: str | None = None  # sh:sourceConstraintComponent, where known

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
