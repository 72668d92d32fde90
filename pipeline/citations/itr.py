"""Articles of the International Telecommunication Regulations ("Article 6 … of the International
Telecommunication Regulations adopted by WCIT (Dubai, 2012)"); citations of kind ``instrument``
(target and status: :mod:`.instrument`)."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, _sentence_bounds
from .prefilter import _finditer


_ITR_RE = re.compile(r"\bInternational\s+Telecommunication\s+Regulations(?P<after>[^;]{0,120})")


def _itr_articles(text: str, mk: SpanMaker, base: int) -> tuple[list[Citation], list[tuple[int, int]]]:
    """"Article 6, on …, and Article 7, on …, of the International Telecommunication Regulations
    adopted by WCIT (Dubai, 2012)": articles of the ITRs of the year printed."""
    out, covered = [], []
    for m in _finditer(_ITR_RE, text):
        a, _b = _sentence_bounds(text, m.start())
        lead = text[a:m.start()]
        if not re.search(r"\bof\s+the\s*$", lead):
            continue
        years = re.findall(r"\b(1988|2012)\b|WCIT[\-\u2011]?(12)\b|WATTC[\-\u2011]?(88)\b", m.group("after"))
        ys = {("20" + y[1]) if y[1] else ("19" + y[2]) if y[2] else y[0] for y in years}
        year = ys.pop() if len(ys) == 1 else None
        arts = list(re.finditer(r"\bArticles?\s+(?P<n>\d{1,2})\b", lead))
        if not arts:
            continue
        for am in arts:
            s0 = a + am.start()
            out.append(Citation("instrument", ("itu", "itr", f"art-{am.group('n')}", year), am.group(0),
                                mk(base + s0, base + s0 + len(am.group(0))),
                                "current" if year else "uncertain",
                                note=None if year else "which edition of the ITRs (1988 or 2012) is not stated"))
        covered.append((m.start(), m.end()))
    return out, covered




def _merge(found: list[Citation], text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    arts, covered = _itr_articles(text, mk, base)
    if not arts:
        return found
    # the articles cite the ITRs; the name after them is not a second citation
    found = [c for c in found if not (c.kind == "instrument" and c.key == ("itu", "itr")
                                      and any(base + a <= c.span.char_start < base + b for a, b in covered))]
    return found + arts


FAMILY = Family("itr", re.compile(r"Regulations"), None, merge=_merge)
