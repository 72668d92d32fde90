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

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .model import Citation, SourceDocument
from .reference import REFERENCE_DIR, aliases, bodies_for, conferences, sdg
from .uris import slug

STATUSES = ("resolved", "unverified", "broken", "ambiguous")
KNOWN_INSTRUMENT_KINDS = ("constitution", "convention", "wsis", "instrument")


@dataclass
class Registry:
    itu: set[tuple[str, str]] = field(default_factory=set)          # (body, number) of resolutions
    decisions: set[tuple[str, str]] = field(default_factory=set)
    un: set[str] = field(default_factory=set)
    plans: set[str] = field(default_factory=set)                     # strategic-plan periods the corpus holds

    def add_corpus(self, doc: SourceDocument) -> None:
        for r in doc.resolutions():
            if r.number:
                self.itu.add((r.body, r.number))
            for a in r.annexes:
                if getattr(a, "plan", None) is not None:
                    self.plans.add(a.plan.period)


@lru_cache(maxsize=1)
def _reference_registry() -> tuple[frozenset, frozenset, frozenset]:
    itu, decisions = set(), set()
    with open(REFERENCE_DIR / "itu-pp18-final-acts-list.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            (itu if r["doc_type"] == "resolution" else decisions).add((r["body"].lower(), r["number"]))
    with open(REFERENCE_DIR / "itu-resolutions-cited-in-pp18-final-acts.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            itu.add((r["body"].lower(), r["number"]))
    un = {a.target for a in aliases() if a.kind == "un"}
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


def status_of(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    """(status, candidates) of one citation."""
    if c.kind == "itu-resolution":
        body, number = c.key
        if number.isdigit() and not plausible_resolution_number(body, number):
            return "broken", []                 # "Resolution 9999 … of this conference" cannot exist
        if body == "unknown":
            cands = []
            if c.revision is not None:
                cands = [b for b in bodies_for(c.revision.place, c.revision.year, revision=c.revision.rev)]
            cands = cands or sorted(b for b, n in reg.itu if n == number)
            return ("ambiguous" if len(cands) > 1 else "unverified"), [f"{b}/{number}" for b in cands]
        return ("resolved" if (body, number) in reg.itu else "unverified"), []
    if c.kind == "itu-decision":
        body, number = c.key
        if body == "unknown":
            return "ambiguous", []
        return ("resolved" if (body, number) in reg.decisions else "unverified"), []
    if c.kind == "un":
        if c.key[0] is None:
            return "broken", []                 # a symbol that is not well-formed (pipeline.citations)
        return ("resolved" if c.key[0] in reg.un else "unverified"), []
    if c.kind == "sdg":
        level, code = c.key
        return ("resolved" if (level, code) in sdg() else "broken"), []
    if c.kind == "instrument" and c.key[1:2] == ("itr",) and len(c.key) > 2 and c.key[3] is None:
        return "ambiguous", []                  # an article of the ITRs of 1988 or of 2012
    if c.kind == "instrument" and c.key[0] == "wtdc" and not re.search(r"-\d{4}$", c.key[1]):
        return "ambiguous", []                  # "the Buenos Aires Declaration": WTDC-94 or WTDC-17
    if c.kind in KNOWN_INSTRUMENT_KINDS:
        return "resolved", []
    if c.kind == "question":
        sector, code = c.key
        if sector == "unknown":
            return "ambiguous", []
        sg = code.rpartition("/")[2]
        if sector == "itu-d" and sg not in ("1", "2"):
            return "broken", []                 # ITU-D has had two study groups since 1994
        return "unverified", []                 # no list of Questions ships in data/reference
    if c.kind == "action-plan":
        _body, plan, *parts = c.key
        m = re.fullmatch(r"(.+)-(\d{4})", plan)
        if m is None:
            return "ambiguous", []              # a place that hosted several WTDCs, year not printed
        known = any(x.body == "wtdc" and x.year == m.group(2) and slug(x.place) == m.group(1) for x in conferences())
        if not known:
            return "broken", []                 # no WTDC met there that year
        return ("resolved" if not parts else "unverified"), []   # objectives/outputs: no list ships
    if c.kind == "strategic-plan":
        level, period, _code = c.key
        if period is None:
            return "ambiguous", []              # "the strategic plan": which period is not printed
        return ("resolved" if period in reg.plans and level == "plan" else "unverified"), []
    return "unverified", []
