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


@lru_cache(maxsize=4)
def _pp_numbering(ref_dir) -> tuple[int, int] | None:
    """(highest PP resolution number before PP-18, highest after it), from the PP-18 Final Acts
    list: it holds every PP resolution in force after 2018, the new ones numbered on from the
    highest number PP had reached before."""
    pp = [r for r in rows("itu-pp18-final-acts-list.csv", ref_dir) if r["body"].lower() == "pp"
          and r["doc_type"] == "resolution" and r["number"].isdigit()]
    new = [int(r["number"]) for r in pp if r["action_at_pp18"] == "new"]
    if not pp or not new:
        return None
    return min(new) - 1, max(int(r["number"]) for r in pp)


def highest_number_by(body: str, year: str | int) -> int | None:
    """The highest resolution number ``body`` had reached by ``year``, where the reference data
    says (None: it does not).  Only the Plenipotentiary Conference up to 2018 is known: the PP-18
    Final Acts list numbers PP's resolutions up to 213, the new ones of 2018 from 204, so PP had
    reached 203 by 2014 (and no earlier conference can have gone further).

    >>> highest_number_by("pp", 2018), highest_number_by("pp", "2014"), highest_number_by("pp", 2022)
    (213, 203, None)
    """
    if body != "pp" or not str(year).isdigit():
        return None
    known = _pp_numbering(reference_dir())
    if known is None or int(year) > 2018:
        return None
    return known[1] if int(year) == 2018 else known[0]


def impossible_resolution(body: str, number: str, year: str | int | None) -> str | None:
    """Why Resolution ``number`` of ``body`` in a revision of ``year`` cannot exist (None: it may)."""
    if year is None or not number.isdigit():
        return None
    top = highest_number_by(body, year)
    if top is None or int(number) <= top:
        return None
    return (f"{BODY_LABELS.get(body, body.upper())} had numbered its resolutions up to {top} by {year} "
            f"(data/reference/itu-pp18-final-acts-list.csv): there was no Resolution {number} in {year}")


BODY_LABELS = {"pp": "the Plenipotentiary Conference"}
