"""Study Questions: "Question 22-1/1 of ITU-D" ("221/1" with its hyphen lost is 22-1/1); the
sector comes from the text, or stays unknown and unlinked."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets, _sentence_bounds
from .prefilter import _finditer
from ..reference.registry import Registry


_QUESTION_RE = re.compile(
    r"(?:(?P<pre>ITU[\-\u2011]?(?P<sector>[DTR]))\s+)?\bQuestions?\s+(?:ITU[\-\u2011]?(?P<sector2>[DTR])\s+)?"
    r"(?P<num>\d{1,3})(?:[\-\u2011](?P<rev>\d))?/(?P<sg>\d{1,2})(?![\d/])")
_QUESTION_MORE_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)(?P<num>\d{1,3})(?:[\-\u2011](?P<rev>\d))?/(?P<sg>\d{1,2})(?![\d/])")
_SECTOR_AFTER_RE = re.compile(r"^\s*(?:\([^()]{0,200}\)\s*)?of\s+(?:the\s+)?(?:ITU\s+Telecommunication\s+Development\s+Sector|ITU[\-\u2011]?D\b)")
_SECTOR_CONTEXT = {"itu-d": re.compile(r"\bITU[\-\u2011]?D\b|\bWTDC|\bBDT\b|Telecommunication\s+Development"),
                   "itu-t": re.compile(r"\bITU[\-\u2011]?T\b|\bWTSA|\bTSB\b|Telecommunication\s+Standardization"),
                   "itu-r": re.compile(r"\bITU[\-\u2011]?R\b|\bBR\b|Radiocommunication")}


def _question_citations(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    """"ITU-D Question 3/2", "Question 22-1/1" (printed "221/1": the non-breaking hyphen dropped).

    The sector comes from the text: a prefix (ITU-D/ITUD), "of the ITU Telecommunication
    Development Sector" after it, one sector named in the same sentence (WTDC, BDT), or the
    same question read earlier in the same resolution with its sector."""
    out: list[Citation] = []
    seen = context.setdefault("questions", {}) if context is not None else {}
    for m in _finditer(_QUESTION_RE, text):
        items = [(m.group("num"), m.group("rev"), m.group("sg"), m.start(), m.end())]
        end = m.end()
        while True:   # "Questions 1/1, 2/1 and 3/2"
            cm = _QUESTION_MORE_RE.match(text, end)
            if not cm or "Questions" not in m.group(0):
                break
            items.append((cm.group("num"), cm.group("rev"), cm.group("sg"), cm.start("num"), cm.end()))
            end = cm.end()
        letter = m.group("sector") or m.group("sector2")
        head_sector = f"itu-{letter.lower()}" if letter else None
        head_notes: list[str] = []
        if head_sector is None and _SECTOR_AFTER_RE.match(text[end:end + 260]):
            head_sector = "itu-d"
            head_notes.append("sector from 'of the ITU Telecommunication Development Sector' after the question")
        if head_sector is None:
            a, b = _sentence_bounds(text, m.start())
            named = [k for k, rx in _SECTOR_CONTEXT.items() if rx.search(text[a:b])]
            if len(named) == 1:
                head_sector = named[0]
                head_notes.append(f"sector not printed; the sentence names only {head_sector.upper()}")
        for num, rev, sg, a0, a1 in items:
            notes = list(head_notes)
            sector = head_sector
            if sector is None and (num, sg) in seen:
                sector = seen[(num, sg)]
                notes.append(f"sector not printed; Question {num}/{sg} was cited earlier in this resolution as {sector.upper()}")
            if sector == "itu-d" and rev is None and len(num) == 3 and num[-1] in "123" and int(num[:2]) <= 40:
                # ITU-D numbers its questions 1-40 per study group; "221/1" is 22-1/1 with the hyphen lost
                notes.append(f"'{num}/{sg}' read as Question {num[:2]}-{num[2]}/{sg}: the non-breaking hyphen was dropped on export")
                num, rev = num[:2], num[2]
            elif sector == "itu-d" and int(num) > 40:
                notes.append(f"ITU-D question number {num} is out of range")
                sector = None
            code = f"{num}-{rev}/{sg}" if rev else f"{num}/{sg}"
            if sector:
                seen.setdefault((num, sg), sector)
            printed = m.group(0) if len(items) == 1 else text[a0:a1]
            out.append(Citation("question", (sector or "unknown", code), printed, mk(base + a0, base + a1),
                                "current" if sector else "uncertain",
                                note="; ".join(notes + ([] if sector else ["sector not stated"])) or None))
    return out




def target(c: Citation, ctx: Targets) -> str | None:
    sector, code = c.key
    if sector == "unknown":
        return None
    return ctx.thing(ctx.u.instrument("question", sector, code), f"Question {code} (ITU-{sector[-1].upper()})")


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    sector, code = c.key
    if sector == "unknown":
        return "ambiguous", []
    sg = code.rpartition("/")[2]
    if sector == "itu-d" and sg not in ("1", "2"):
        return "broken", []                 # ITU-D has had two study groups since 1994
    return "unverified", []                 # no list of Questions ships in data/reference


FAMILY = Family("question", re.compile(r"Question"), _question_citations, wants_context=True, kinds=("question",),
                target=target, status=status, part_of_whole=True)
