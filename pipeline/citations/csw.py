"""Agreed conclusions of the Commission on the Status of Women, by session (no symbol printed);
citations of kind ``instrument`` (target and status: :mod:`.instrument`)."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker
from .prefilter import _finditer


_TENS = {"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_TENTHS = {"fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80}
_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9}
_ORDINAL = r"(?:(?:forty|fifty|sixty|seventy|eighty)[\s\-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|(?:fortieth|fiftieth|sixtieth|seventieth|eightieth)|\d{1,2}(?:st|nd|rd|th))"
_CSW = r"(?:the\s+)?Commission\s+on\s+the\s+Status\s+of\s+Women"
_CSW_RE = re.compile(
    r"\b(?:the\s+)?(?:[Aa]greed\s+[Cc]onclusions\s+(?:of|adopted\s+at)|conclusions\s+agreed\s+at)\s+the\s+(?P<list>" + _ORDINAL
    + r"(?:\s*(?:,|and|,\s*and)\s*" + _ORDINAL + r")*)\s+sessions?\s+(?:on|of)\s+" + _CSW)


def _ordinal(word: str) -> int | None:
    w = word.lower().replace("\u2011", "-")
    if w[:-2].isdigit():
        return int(w[:-2])
    if w in _TENTHS:
        return _TENTHS[w]
    tens, _, unit = w.replace(" ", "-").partition("-")
    return _TENS[tens] + _UNITS[unit] if tens in _TENS and unit in _UNITS else None


def _csw_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """"the Agreed Conclusions of the sixty-first and sixty-second session on the Commission on
    the Status of Women": one citation per session's agreed conclusions (no symbol printed)."""
    out = []
    for m in _finditer(_CSW_RE, text):
        for om in re.finditer(_ORDINAL, m.group("list")):
            n = _ordinal(om.group(0))
            if n is None:
                continue
            out.append(Citation("instrument", ("un", f"CSW{n}-agreed-conclusions"), m.group(0),
                                mk(base + m.start(), base + m.end()),
                                note=f"agreed conclusions of the {n}th session of the Commission on the Status of Women; symbol not printed"))
    return out




FAMILY = Family("csw", re.compile(r"Status of Women"), _csw_citations)
