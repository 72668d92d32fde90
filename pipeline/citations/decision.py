"""Decisions of ITU bodies: "Decision 5 (Rev. Dubai, 2018) of this conference"."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from .revisions import _BODY_AFTER_RE, _bodies, _body_from_phrase, parse_revisions
from ..reference import BODY_NAMES
from ..reference.registry import Registry
from .itu_resolution import _NUM_LIST


_DECISION_RE = re.compile(r"\b(?P<word>Decisions?)\s+(?P<nums>" + _NUM_LIST + r")(?:\s*\((?P<rev>[^()]*\d{4}[^()]*)\))?")


def _decision_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    for m in _finditer(_DECISION_RE, text):
        after = text[m.end():m.end() + 120]
        notes = []
        body = None
        ba = _BODY_AFTER_RE.match(after)
        if ba:
            body = _body_from_phrase(ba.group("b"))
        rev = None
        if m.group("rev"):
            _old, rev, notes = parse_revisions(m.group("rev"))
            if body is None and rev is not None:
                cands = [b for b in _bodies(rev.place, rev.year) if b != "wrc"]
                if len(cands) == 1:
                    body = cands[0]
                    notes.append(f"body not stated; {rev.place} {rev.year} was only {cands[0].upper()}")
        for n in re.findall(r"\d{1,4}", m.group("nums")):
            out.append(Citation("itu-decision", (body or "unknown", n), m.group(0), sp(m),
                                "current" if body else "uncertain", revision=rev,
                                note="; ".join(notes + ([] if body else ["body not stated"])) or None))
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    body, number = c.key
    if body == "unknown":
        return None
    work = ctx.thing(ctx.u.instrument("decision", body, number), f"Decision {number} ({BODY_NAMES[body]})")
    if c.revision is None:
        return work
    return ctx.thing_version(ctx.u.version_of_work(str(work), c.revision.place, c.revision.year),
                             f"Decision {number} ({c.revision})", work)


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    body, number = c.key
    if body == "unknown":
        return "ambiguous", []
    return ("resolved" if (body, number) in reg.decisions else "unverified"), []


FAMILY = Family("decision", re.compile(r"Decision"), _decision_citations, kinds=("itu-decision",),
                target=target, status=status, part_of_whole=True)
