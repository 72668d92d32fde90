"""SDG goals, targets and indicators ("SDG 9", "target 9.c", "indicator 9.c.1"); an ITU strategic
"Target 1.1" is not SDG target 1.1."""
from __future__ import annotations

import bisect
import re

from ..model import Citation, Finding
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from ..reference import sdg
from ..reference.registry import Registry


# ------------------------------------------------------------------- SDGs ---

_SDG_GOAL_RE = re.compile(
    r"\b(?:SDG\s?(?P<g1>\d{1,2})(?![\d.])|Sustainable\s+Development\s+Goal\s+(?P<g2>\d{1,2})(?![\d.])"
    r"|Goal\s+(?P<g3>\d{1,2})\s+(?:in|of)\s+the\s+2030\s+Agenda)")
# "vide goal 11", "Goals 1 and 5", "attaining Goal 16": an SDG only when the sentence is about the
# SDGs or the 2030 Agenda, and not about a strategic plan (ITU's own "Goal 1 – Growth")
_SDG_PROSE_RE = re.compile(r"\b[Gg]oals?\s+(?P<list>\d{1,2}(?:\s*(?:,\s*(?:and\s+)?|and\s+)\d{1,2})*)(?!\d|\.\d)")
_ABOUT_SDGS = re.compile(r"2030\s+Agenda|\bSDGs?\b|Sustainable\s+Development\s+Goals?")
_NOT_SDGS = re.compile(r"[Ss]trategic|Connect\s+20[23]0")
_SDG_TARGET_RE = re.compile(r"\b(?:SDG\s+)?[Tt]argets?\s+(?P<t>\d{1,2}\.[0-9a-z]{1,2})\b(?!\.\d)")
_SDG_INDICATOR_LIST_RE = re.compile(r"\bSDG\s+indicators?\s*\((?P<list>\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}(?:\s*(?:,|and|,\s*and)\s*\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})*)\)")
_SDG_INDICATOR_RE = re.compile(r"\b[Ii]ndicators?\s+(?P<i>\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})\b")



def _sdg_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out = []
    for m in _finditer(_SDG_GOAL_RE, text):
        g = m.group("g1") or m.group("g2") or m.group("g3")
        # "SDG 18" is read too: the registry calls it broken (there are 17 goals) and the
        # mapping reports it, rather than passing over it in silence
        note = None if 1 <= int(g) <= 17 else f"there is no SDG {int(g)} (the goals are 1-17)"
        out.append(Citation("sdg", ("goal", str(int(g))), m.group(0), mk(base + m.start(), base + m.end()), note=note))
    seen = sorted((c.span.char_start - base, c.span.char_end - base) for c in out)
    starts = [a for a, _b in seen]
    about = against = None
    for m in _finditer(_SDG_PROSE_RE, text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and seen[i][0] <= m.start() < seen[i][1]:
            continue   # "Goal 9 in the 2030 Agenda", "Sustainable Development Goal 9": read above
        if about is None:   # where the SDG words and the strategic-plan words stand, once per text
            about = [(x.start(), x.end()) for x in _ABOUT_SDGS.finditer(text)]
            against = [(x.start(), x.end()) for x in _NOT_SDGS.finditer(text)]
        sa, sb = _sentence_of(text, m.start())
        if not _any_within(about, sa, sb) or _any_within(against, sa, sb):
            continue
        for g in re.finditer(r"\d{1,2}", m.group("list")):
            a, n = m.start("list") + g.start(), g.group(0)
            note = ("goal named in a sentence about the SDGs" + ("" if 1 <= int(n) <= 17
                    else f"; there is no SDG {int(n)} (the goals are 1-17)"))
            printed = m.group(0) if m.group("list") == n else n
            span = (m.start(), m.end()) if printed == m.group(0) else (a, a + len(n))
            out.append(Citation("sdg", ("goal", str(int(n))), printed, mk(base + span[0], base + span[1]), note=note))
    for m in _finditer(_SDG_TARGET_RE, text):
        # "Target 1.1" is also how the ITU strategic plan numbers its own targets: only an
        # explicit SDG, a letter target (9.c) or the SDGs named nearby make it an SDG target
        code = m.group("t")
        near = text[max(0, m.start() - 120):m.end() + 60]
        if not (m.group(0).startswith("SDG") or code.split(".")[1].isalpha()
                or re.search(r"SDG|Sustainable\s+Development\s+Goal", near)):
            continue
        out.append(Citation("sdg", ("target", code), m.group(0), mk(base + m.start(), base + m.end()),
                            note=impossible("target", code)))
    for m in _finditer(_SDG_INDICATOR_RE, text):
        out.append(Citation("sdg", ("indicator", m.group("i")), m.group(0), mk(base + m.start(), base + m.end())))
    for m in _finditer(_SDG_INDICATOR_LIST_RE, text):   # "five SDG indicators (4.4.1, 5.b.1, … and 17.8.1)"
        for im in re.finditer(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}", m.group("list")):
            a = m.start("list") + im.start()
            out.append(Citation("sdg", ("indicator", im.group(0)), im.group(0), mk(base + a, base + a + len(im.group(0)))))
    return out




def _any_within(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether one of ``spans`` (sorted) lies wholly in ``[a, b)``."""
    i = bisect.bisect_left(spans, (a, a))
    return i < len(spans) and spans[i][1] <= b


def _sentence_of(text: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos``: from the previous ". ", ";" or line break to the next."""
    lo, hi = max(0, pos - 600), min(len(text), pos + 600)   # (a sentence longer than that is cut)
    a = max(lo - 1, text.rfind(". ", lo, pos) + 1, text.rfind(";", lo, pos), text.rfind("\n", lo, pos)) + 1
    ends = [i for i in (text.find(". ", pos, hi), text.find(";", pos, hi), text.find("\n", pos, hi)) if i != -1]
    return a, (min(ends) if ends else hi)


def impossible(level: str, code: str) -> str | None:
    """Why an SDG goal or target cannot exist (None: it may, or it is an indicator, whose codes
    change between editions of the framework: those are only unknown)."""
    goal = code.split(".")[0]
    if level not in ("goal", "target") or not goal.isdigit():
        return None
    if not 1 <= int(goal) <= 17:
        return f"there is no SDG {int(goal)} (the goals are 1-17)" + (f", so no target {code}" if level == "target" else "")
    if level == "target" and ("target", code) not in sdg():
        have = sorted((c for lv, c in sdg() if lv == "target" and c.split(".")[0] == goal),
                      key=lambda c: (c.split(".")[1].isalpha(), c.split(".")[1].zfill(2)))
        return f"SDG {goal} has no target {code} (its targets are {', '.join(have)})"
    return None


def target(c: Citation, ctx: Targets) -> str | None:
    level, code = c.key
    entry = sdg().get((level, code))
    if entry is None:
        why = impossible(level, code)
        if why:
            ctx.report(Finding("impossible-reference", f"{why}; checked against the SDG framework in data/reference",
                               c.printed, c.span))
        else:
            ctx.report(Finding("unknown-sdg", f"SDG {level} {code} is not in the SDG framework (data/reference)",
                               c.printed, c.span))
        return None
    return entry.uri


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    level, code = c.key
    return ("resolved" if (level, code) in sdg() else "broken"), []


FAMILY = Family("sdg", re.compile(r"SDG|[Gg]oal|[Tt]arget|[Ii]ndicator"), _sdg_citations, kinds=("sdg",),
                target=target, status=status, organs=("itu", "unga"))
