"""Validation results and reports: one record type for SHACL (pyshacl or compiled), the
SHACL-SPARQL graph checks and the findings about the sources.

Severity is used on purpose: ``sh:Violation`` is a defect of our own output and blocks
publishing; ``sh:Warning``/``sh:Info`` are findings about the sources.  :data:`SEVERITY` is the one
table from SHACL severities to ours, shared by every validator (this module imports nothing else
of ``pipeline``, which is what keeps the validators free of import circles).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
    # where the result stands and what it says, set by checks.locate for the CI formats and --baseline
    document: str | None = None   # the source document's slug
    file: str | None = None       # its path, as given on the command line
    line_end: int | None = None
    column: int | None = None     # 1-based, in code points
    end_column: int | None = None  # exclusive
    kind: str | None = None       # a finding's kind (ontology/concepts.ttl finding-kind scheme)
    fingerprint: str | None = None  # content, not position (checks.locate)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict) -> "Result":
        """A result from :meth:`as_dict` (keys this version does not know are left out)."""
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


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


@dataclass
class ReportContext:
    """What a writer may need besides the results: ``store`` (the validated dataset, for
    ``turtle``), ``root`` (file URIs are relative to it), ``baseline`` (what the results were
    compared with: ``{"source": …, "known": n}``), ``limit`` (text: at most so many lines),
    ``documents`` (the files validated)."""

    store: object | None = None
    root: Path = field(default_factory=Path.cwd)
    baseline: dict | None = None
    limit: int | None = None
    documents: list[str] = field(default_factory=list)   # the files validated (junit: one suite each)
