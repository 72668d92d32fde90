"""WSIS outcome documents, their paragraphs and the Action Lines: "§ 50 d) of the Tunis Agenda",
"Action Lines C2, C5 and C6"."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets, _sentence_bounds
from .prefilter import _finditer
from ..reference.registry import Registry


_WSIS_DOCS = [
    ("tunis-agenda", r"Tunis\s+Agenda(?:\s+for\s+the\s+Information\s+Society)?"),
    ("geneva-plan-of-action", r"(?:WSIS\s+)?Geneva\s+(?:Plan\s+of\s+Action|Action\s+Plan)"),
    ("geneva-declaration", r"(?:Geneva|WSIS)\s+Declaration\s+of\s+Principles"),
    ("geneva-plan-of-action", r"(?<=Declaration\sof\sPrinciples\sand\s)Plan\s+of\s+Action"),
    ("tunis-commitment", r"Tunis\s+Commitment"),
    ("wsis+10-statement", r"(?:WSIS\+10\s+)?Statement\s+on\s+(?:the\s+)?[Ii]mplementation\s+of\s+(?:the\s+)?WSIS\s+[Oo]utcomes"),
    ("wsis+10-vision", r"(?:WSIS\+10\s+)?Vision\s+for\s+WSIS\s+Beyond\s+2015|WSIS\s+Vision\s+Beyond\s+2015"),
    ("wsis+10-outcome-documents", r"WSIS\+10(?:\s+High-Level\s+Event)?\s+outcome\s+documents"),
]
_AL_ITEM = r"C\d{1,2}(?:\s*\([^()]*\))?"
_ACTION_LINES_RE = re.compile(r"\bAction\s+Lines?\s+(?P<list>" + _AL_ITEM + r"(?:\s*(?:,|and|,\s*and)\s*" + _AL_ITEM + r")*)")
_PARAS = r"§§?\s*(?P<paras>\d+(?:\s*[a-z]\))?(?:\s*(?:,|and|–|-|to)\s*\d+(?:\s*[a-z]\))?)*)"
_WSIS_RES = [(key, re.compile(r"(?:" + _PARAS + r"\s+of\s+the\s+)?(?P<doc>" + pat + r")(?:\s*\((?:\d{4}\s*,\s*)?(?P<paras2>§§?\s*[^()]*?(?:\([^()]*\))?[^()]*)\))?"))
             for key, pat in _WSIS_DOCS]

NAMES = {"tunis-agenda": "Tunis Agenda for the Information Society", "geneva-plan-of-action": "Geneva Plan of Action",
         "geneva-declaration": "Geneva Declaration of Principles", "tunis-commitment": "Tunis Commitment",
         "wsis+10-statement": "WSIS+10 Statement on the Implementation of WSIS Outcomes",
         "wsis+10-vision": "WSIS+10 Vision for WSIS Beyond 2015",
         "wsis+10-outcome-documents": "WSIS+10 High-Level Event outcome documents"}


def _wsis_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    whole_docs: list[tuple[int, int, Citation]] = []
    for key, rx in _WSIS_RES:
        for m in _finditer(rx, text):
            paras = m.group("paras")
            if paras is None and m.group("paras2"):
                paras = m.group("paras2").lstrip("§ ")
            if paras:
                for pm in re.finditer(r"(\d+)\s*(?:[-–]|to)\s*(\d+)(?!\s*[a-z]\))|(\d+)(?:\s*([a-z])(?:\)|$))?", paras):
                    if pm.group(1):   # a range: §§ 113-118
                        para = f"{pm.group(1)}-{pm.group(2)}"
                    else:
                        para = pm.group(3) + (f"-{pm.group(4)}" if pm.group(4) else "")
                    out.append(Citation("wsis", (key, para), m.group(0), sp(m)))
            else:
                out.append(Citation("wsis", (key, None), m.group(0), sp(m)))
                whole_docs.append((m.start(), m.end(), out[-1]))
    for m in _finditer(_ACTION_LINES_RE, text):
        for al in re.findall(r"(?<![(\w])C\d{1,2}\b", re.sub(r"\([^()]*\)", lambda x: " " * len(x.group(0)), m.group("list"))):
            out.append(Citation("wsis", ("action-line", al), m.group(0), sp(m)))
        # "Action Lines C2, C5 and C6 of the Tunis Agenda": the document only says where the lines stand
        of = re.match(r"\s+(?:of|in)\s+(?:the\s+)?", text[m.end():])
        if of:
            for a, _b, c in whole_docs:
                if a == m.end() + of.end() or a == m.end() + of.end() - 4:
                    out.remove(c)
    # "the Tunis Agenda stated that "…" (§ 102b))": a paragraph given after a quotation
    for pm in re.finditer(r"\(§\s*(?P<n>\d{1,3})\s*(?P<l>[a-z])?\)?\)", text):
        a, _b = _sentence_bounds(text, pm.start())
        prior = [w for w in whole_docs if a <= w[0] < pm.start() and w[2] in out]
        if len(prior) != 1 or any(w[0] <= pm.start() < w[1] for w in whole_docs):
            continue
        c = prior[0][2]
        para = pm.group("n") + (f"-{pm.group('l')}" if pm.group("l") else "")
        out[out.index(c)] = Citation("wsis", (c.key[0], para), c.printed + " … " + pm.group(0), sp(pm),
                                     note="paragraph printed in parentheses after a quotation of the document named before it")
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    doc, para = c.key
    if doc == "action-line":
        return ctx.thing(ctx.u.instrument("instrument", "wsis", f"action-line-{para}"), f"WSIS Action Line {para}")
    whole = ctx.thing(ctx.u.instrument("instrument", "wsis", doc.replace("+", "")), NAMES[doc])
    if para is None:
        return whole
    return ctx.thing(ctx.u.part(whole, f"para-{para}"), f"§ {para.replace('-', ' ')}) of the {NAMES[doc]}"
                     if "-" in para else f"§ {para} of the {NAMES[doc]}", whole)


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    return "resolved", []


FAMILY = Family("wsis", re.compile(r"Tunis|Geneva|WSIS|Action\s+Line|Plan\s+of\s+Action"), _wsis_citations, kinds=("wsis",),
                target=target, status=status, part_of_whole=True)
