"""UN documents by symbol: "UNGA Resolution 70/1", "A/Res/70/1", ECOSOC and Human Rights Council
resolutions; glued symbols ("68/19872/200") split into the deleted and the inserted one."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets, _sentence_bounds
from .prefilter import _finditer
from ..reference.registry import Registry


# --------------------------------------------------------------- UN symbols ---

_UN_TOKEN = re.compile(
    r"(?<![\w/])(?P<sym>(?:A/(?:RES|Res|res)/|A/(?:HRC/)?|E/(?:RES|Res)/)?\d{1,4}/\d{1,6}(?:/\d{1,4})?(?:\s?(?P<suffix>[A-Z])\b(?!/))?)")
_GA_CONTEXT = re.compile(r"General\s+Assembly|UNGA|\bUN\s+Assembly", re.I)
_HRC_CONTEXT = re.compile(r"Human\s+Rights\s+Council", re.I)
_ECOSOC_CONTEXT = re.compile(r"ECOSOC|Economic\s+and\s+Social\s+Council", re.I)
_RESOLUTION_WORD = re.compile(r"[Rr]esolutions?\b")



def _un_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    for m in _finditer(_UN_TOKEN, text):
        sym = m.group("sym")
        start, end = m.start("sym"), m.end("sym")
        left = text[max(0, start - 80):start]
        sa, sb = _sentence_bounds(text, start)
        sentence = text[sa:sb]
        # not UN documents: ITU-D Questions (Question 221/1), dates of Recommendations "(05/2013)"
        if re.search(r"Questions?\s+(?:[\d/]+\s*(?:,|and)\s*)*$", left):
            continue
        parts = re.sub(r"^(?:A/(?:RES|Res|res)/|A/HRC/|A/|E/(?:RES|Res)/)", "", sym).split()[0].split("/")
        if len(parts) == 2 and len(parts[1]) == 4 and 1 <= int(parts[0]) <= 12 and text[start - 1:start] == "(":
            continue  # a date such as (05/2013)
        suffix = m.group("suffix") or ""
        if suffix and parts[-1].endswith(suffix):
            parts[-1] = parts[-1][:-1]   # "A/RES/52/38J": the part letter glued on, not 38J + J
        note = []
        explicit = sym.upper().startswith(("A/", "E/"))
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            # "70/1x": a symbol with stray characters is not well-formed; never read as 70/1
            if explicit or _RESOLUTION_WORD.search(left[-40:]) or _GA_CONTEXT.search(left):
                stray = re.match(r"\w+", text[end:]).group(0)
                out.append(Citation("un", (None,), sym + stray, mk(base + start, base + end + len(stray)), "uncertain",
                                    note=f"symbol {sym + stray!r} has stray characters after {sym!r}; not a well-formed UN symbol"))
            continue
        if explicit:
            up = sym.upper()
            if up.startswith("E/RES/"):
                organ, kind = "ecosoc", "resolution"
            elif up.startswith("A/HRC/"):
                organ, kind = "hrc", "document"
            elif up.startswith("A/RES/"):
                organ, kind = "unga", "resolution"
            else:
                organ = "unga"
                kind = "resolution" if _RESOLUTION_WORD.search(left[-14:]) else "document"
                if kind == "resolution":
                    note.append(f"printed as {sym!r} after 'Resolution'; read as the resolution A/RES/{'/'.join(parts)}")
        else:
            before = text[max(0, start - 60):start]
            if _HRC_CONTEXT.search(before):
                organ, kind = "hrc", "resolution"
            elif _ECOSOC_CONTEXT.search(before) or len(parts[0]) == 4:
                if not _ECOSOC_CONTEXT.search(before):
                    continue  # year/number without an organ: not ours to guess
                organ, kind = "ecosoc", "resolution"
            elif _GA_CONTEXT.search(sentence):
                organ, kind = "unga", "resolution"
                if not _RESOLUTION_WORD.search(sentence):
                    continue
            else:
                # "resolution 75/240" with no organ in the clause: in an ITU text, not ours to guess
                # (the General Assembly's own numbers are read by un_ga, in its resolutions)
                continue
        # glued tracked change: 68/19872/200 = 68/198 (deleted) + 72/200 (inserted)
        if len(parts) == 3:
            s1, mid, n2 = parts
            if len(mid) >= 3 and len(s1) == 2:
                n1, s2 = mid[:-2], mid[-2:]
                pairs = [((s1, n1), "deleted"), ((s2, n2), "inserted")]
                note.append(f"glued tracked change {sym!r} read as {s1}/{n1} (deleted) → {s2}/{n2} (inserted)")
            else:
                # not a UN symbol and not a readable glue of two: a broken reference, never a minted symbol
                pairs = [(None, "uncertain")]
                note.append(f"three-part symbol {sym!r} is not a well-formed UN symbol nor two glued ones")
        else:
            pairs = [((parts[0], parts[1]), "current")]
        for ab, status in pairs:
            if ab is None:
                out.append(Citation("un", (None,), sym, mk(base + start, base + end), status, note="; ".join(note)))
                continue
            a, b = ab
            symbol = _un_symbol(organ, kind, a, b, suffix)
            out.append(Citation("un", (symbol,), sym, mk(base + start, base + end), status,
                                note="; ".join(note) or None))
    return out


def _un_symbol(organ: str, kind: str, a: str, b: str, suffix: str = "") -> str:
    sfx = suffix if suffix else ""
    if organ == "ecosoc":
        return f"E/RES/{a}/{b}"
    if organ == "hrc":
        return f"A/HRC/RES/{a}/{b}" if kind == "resolution" else f"A/HRC/{a}/{b}"
    if kind == "resolution":
        return f"A/RES/{a}/{b}{sfx}"
    return f"A/{a}/{b}"




def target(c: Citation, ctx: Targets) -> str | None:
    return ctx.un_document(c.key[0]) if c.key[0] is not None else None


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    if c.key[0] is None:
        return "broken", []                 # a symbol that is not well-formed
    return ("resolved" if c.key[0] in reg.un else "unverified"), []


FAMILY = Family("un", re.compile(r"\d/\d"), _un_citations, kinds=("un",), target=target, status=status)
