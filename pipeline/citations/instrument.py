"""Instruments named by title: the Radio Regulations, the ITRs (and their articles, read by
:mod:`.itr`), WTDC declarations (read by :mod:`.action_plan`), CSW agreed conclusions (:mod:`.csw`) and
the titles of ``data/reference/aliases.csv`` (:mod:`.aliases`).  This family decides the target and
status of every citation of kind ``instrument``, whichever family read it."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from ..reference import aliases
from ..reference.registry import Registry


_OTHER_INSTRUMENTS = [
    ("radio-regulations", r"Radio\s+Regulations(?!\s+Board)"),
    ("itr", r"International\s+Telecommunication\s+Regulations"),
]
_OTHER_RES = [(key, re.compile(pat)) for key, pat in _OTHER_INSTRUMENTS]

NAMES = {"radio-regulations": "Radio Regulations", "itr": "International Telecommunication Regulations"}


def _instrument_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    for key, rx in _OTHER_RES:
        for m in _finditer(rx, text):
            out.append(Citation("instrument", ("itu", key), m.group(0), sp(m)))
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    u = ctx.u
    body, key = c.key[:2]
    if key == "itr" and len(c.key) > 2:
        _b, _k, art, year = c.key
        if year is None:
            return None      # the 1988 or the 2012 ITRs: not stated, not guessed
        whole = ctx.thing(u.instrument("instrument", body, f"itr-{year}"),
                          f"International Telecommunication Regulations ({'Dubai, 2012' if year == '2012' else 'Melbourne, 1988'})")
        return ctx.thing(ctx.u.part(whole, art), f"Article {art.partition('-')[2]} of the ITRs ({year})", whole)
    if key in NAMES:
        return ctx.thing(u.instrument("instrument", body, key), NAMES[key])
    m = re.fullmatch(r"(.+)-declaration-(\d{4})", key) if body == "wtdc" else None
    if body == "wtdc" and m is None:
        return None      # a WTDC declaration whose conference (year) the text does not give
    if m:
        place = m.group(1).replace("-", " ").title()
        return ctx.thing(u.instrument("instrument", body, key), f"{place} Declaration (WTDC-{m.group(2)[2:]})")
    m = re.fullmatch(r"CSW(\d+)-agreed-conclusions", key) if body == "un" else None
    if m:
        return ctx.thing(u.instrument("instrument", body, key),
                         f"Agreed conclusions of the Commission on the Status of Women, session {m.group(1)}")
    title = next((a.title for a in aliases() if a.kind == "instrument" and a.target == f"{body}/{key}" and a.title), key)
    return ctx.thing(u.instrument("instrument", body, key), title)


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    if c.key[1:2] == ("itr",) and len(c.key) > 2 and c.key[3] is None:
        return "ambiguous", []                  # an article of the ITRs of 1988 or of 2012
    if c.key[0] == "wtdc" and not re.search(r"-\d{4}$", c.key[1]):
        return "ambiguous", []                  # "the Buenos Aires Declaration": WTDC-94 or WTDC-17
    return "resolved", []


FAMILY = Family("instrument", re.compile(r"Regulations"), _instrument_citations, kinds=("instrument",),
                target=target, status=status, part_of_whole=True)
