"""ITU Recommendations and their Supplements: "Recommendation ITU-T D.50", "Supplement 3 to the
ITU-T Series A recommendations"."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer


_ITUT = r"ITU[\-\u2011]?(?P<sector>[TRD])"
_REC_RE = re.compile(r"(?:(?P<sup>Supplement)\s+(?P<supn>\d+)\s+to\s+)?Recommendations?\s+" + _ITUT + r"\s+(?P<rec>[A-Z]\.\d+(?:\.\d+)*)")
_SERIES_SUPPL_RE = re.compile(r"\bSupplement\s+(?P<supn>\d+)\s+to\s+the\s+" + _ITUT + r"\s+Series\s+(?P<series>[A-Z])\s+[Rr]ecommendations")


def _recommendation_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    for m in _finditer(_REC_RE, text):
        sector = "itu-" + m.group("sector").lower()
        rec = m.group("rec")
        note = "ITU-T printed without its hyphen (ITUT)" if "ITU" + m.group("sector") in m.group(0) else None
        if m.group("sup"):
            out.append(Citation("supplement", (sector, f"{rec}-suppl-{m.group('supn')}"), m.group(0), sp(m), note=note))
        out.append(Citation("recommendation", (sector, rec), m.group(0), sp(m), note=note))
    for m in _finditer(_SERIES_SUPPL_RE, text):   # "Supplement 3 to the ITU-T Series A recommendations"
        sector = "itu-" + m.group("sector").lower()
        out.append(Citation("supplement", (sector, f"{m.group('series')}-suppl-{m.group('supn')}"), m.group(0), sp(m),
                            note="supplement to a series of Recommendations"))
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    sector, number = c.key
    pretty = f"ITU-{sector[-1].upper()}"
    if c.kind == "supplement":
        rec, _, sup = number.partition("-suppl-")
        whole = ctx.thing(ctx.u.instrument("recommendation", sector, rec), f"Recommendation {pretty} {rec}")
        return ctx.thing(ctx.u.instrument("supplement", sector, number), f"{pretty} {rec} Suppl. {sup}", whole)
    return ctx.thing(ctx.u.instrument("recommendation", sector, number), f"Recommendation {pretty} {number}")


FAMILY = Family("recommendation", re.compile(r"Recommendation|Supplement"), _recommendation_citations,
                kinds=("recommendation", "supplement"), target=target, part_of_whole=True)
