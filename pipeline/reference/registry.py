"""A registry of known instruments, and the resolution status of every citation.

Built from ``data/reference/`` (the SDG framework, the PP-18 final-acts list, the list of
resolutions cited in the PP-18 Final Acts, the conference list, the title aliases) plus
everything the corpus itself defines (the resolution texts it contains).  Each citation
ends as exactly one of (issue 4):

``resolved``    the target is a known resource;
``unverified``  well-formed, but not in the registry (most UN documents: no UN list ships);
``broken``      cannot exist (SDG 18, target 9.z, a clause the cited section lacks);
``ambiguous``   several candidates (e.g. "Rev. Dubai, 2012" without a body: WTSA-12 or WCIT-12).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..model import SourceDocument
from .data import aliases, reference_dir, rows

STATUSES = ("resolved", "unverified", "broken", "ambiguous")


@dataclass
class Registry:
    itu: set[tuple[str, str]] = field(default_factory=set)          # (body, number) of resolutions
    decisions: set[tuple[str, str]] = field(default_factory=set)
    un: set[str] = field(default_factory=set)
    plans: set[str] = field(default_factory=set)                     # strategic-plan periods the corpus holds

    def add_corpus(self, doc: SourceDocument) -> None:
        for r in doc.resolutions():
            if r.symbol:
                self.un.add(r.symbol)
            elif r.number and r.instrument == "decision":
                self.decisions.add((r.body, r.number))
            elif r.number and r.instrument == "resolution":
                self.itu.add((r.body, r.number))
            for a in r.annexes:
                if getattr(a, "plan", None) is not None:
                    self.plans.add(a.plan.period)


def _reference_registry() -> tuple[frozenset, frozenset, frozenset]:
    return _registry_of(reference_dir())


@lru_cache(maxsize=4)
def _registry_of(ref_dir) -> tuple[frozenset, frozenset, frozenset]:
    itu, decisions = set(), set()
    for r in rows("itu-pp18-final-acts-list.csv", ref_dir):
        (itu if r["doc_type"] == "resolution" else decisions).add((r["body"].lower(), r["number"]))
    for r in rows("itu-resolutions-cited-in-pp18-final-acts.csv", ref_dir):
        itu.add((r["body"].lower(), r["number"]))
    un = {a.target for a in aliases(ref_dir) if a.kind == "un"}
    return frozenset(itu), frozenset(decisions), frozenset(un)


def registry_for(docs: list[SourceDocument]) -> Registry:
    itu, decisions, un = _reference_registry()
    reg = Registry(set(itu), set(decisions), set(un))
    for d in docs:
        reg.add_corpus(d)
    return reg


def plausible_resolution_number(body: str, number: str) -> bool:
    """Can ``number`` be the number of a resolution of ``body``?  Numbers start at 1 and are
    printed without leading zeros; conferences and assemblies number below 1000 (WRC, the
    highest, is in the 700s), the Council in four digits (Resolution 1305)."""
    if not number.isdigit() or number.startswith("0"):
        return False
    return int(number) < (10000 if body == "council" else 1000)
