"""Reports of the UN Joint Inspection Unit, by symbol ("JIU/REP/2016/1", a UN document) or by year."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer


_JIU = r"(?:(?:United\s+Nations|UN)\s+)?(?:Joint\s+Inspection\s+Unit|JIU)(?:\s*\(JIU\))?"
_JIU_YEAR_RE = re.compile(r"\b(?P<y1>(?:19|20)\d\d)(?:\s+and\s+(?P<y2>(?:19|20)\d\d))?\s+" + _JIU + r"\s+reports?\b")
_JIU_PUBLISHED_RE = re.compile(r"\breport\s+(?:of|by)\s+the\s+" + _JIU + r"[^;]{0,200}?,?\s+published\s+in\s+(?P<y1>(?:19|20)\d\d)")
_JIU_ITS_RE = re.compile(r"\bits\s+(?P<y1>(?:19|20)\d\d)\s+reports?\b")
_JIU_SYMBOL_RE = re.compile(r"\bJIU/REP/(?P<y1>(?:19|20)\d\d)/(?P<n>\d{1,2})\b")


def _jiu_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """Reports of the UN Joint Inspection Unit, by symbol (JIU/REP/2016/1) or, as the seed
    prints them, by year ("the 2009 United Nations Joint Inspection Unit report")."""
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for rx, how in ((_JIU_SYMBOL_RE, "symbol"), (_JIU_YEAR_RE, "year"), (_JIU_PUBLISHED_RE, "year"), (_JIU_ITS_RE, "its")):
        for m in _finditer(rx, text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if how == "its" and not re.search(_JIU, text[:m.start()]):
                continue   # "its 2009 report" is a JIU report only after the JIU was named
            sp = mk(base + m.start(), base + m.end())
            if how == "symbol":
                out.append(Citation("jiu-report", (m.group("y1"), m.group(0)), m.group(0), sp))
            else:
                for y in (m.group("y1"), m.groupdict().get("y2")):
                    if y:
                        out.append(Citation("jiu-report", (y, None), m.group(0), sp,
                                            note="JIU report cited by year; its JIU/REP symbol is not printed"))
            taken.append((m.start(), m.end()))
    return out




def target(c: Citation, ctx: Targets) -> str | None:
    year, symbol = c.key
    if symbol:   # JIU/REP/2016/1 is a UN document symbol
        return ctx.un_document(symbol)
    # no symbol printed: the report is named by its year (id/jiu-report/un/2009); several JIU
    # reports may share a year, so the citation stays "unverified"
    return ctx.thing(ctx.u.instrument("jiu-report", "un", year), f"JIU report of {year} (cited by year; symbol not printed)")


FAMILY = Family("jiu-report", re.compile(r"JIU|Joint\s+Inspection"), _jiu_citations, kinds=("jiu-report",),
                target=target, part_of_whole=True)
