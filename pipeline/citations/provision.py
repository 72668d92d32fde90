"""The ITU Constitution and Convention and their provisions: "No. 196 of the ITU Convention",
"Article 1 … of the Constitution of ITU"."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from ..reference.registry import Registry


_CS_CV = r"(?:(?:the\s+)?ITU\s+(?P<w1>Constitution|Convention)|(?:the\s+)?(?P<w2>Constitution|Convention)\s+of\s+(?:the\s+)?(?:ITU|International\s+Telecommunication\s+Union|Union)|the\s+(?P<w3>Constitution|Convention)(?!\s+on\b))"
_PROVISION_RE = re.compile(r"\b(?P<kind>No\.|Article)\s*(?P<n>\d{1,3}[A-Z]?)(?:,[^;,]{0,40}?,|\s+[A-Z][^;,()]{0,40}?)?\s+(?:in\s+Article\s+\d+\s+)?of\s+" + _CS_CV)
_CS_CV_RE = re.compile(r"\b" + _CS_CV + r"\b")


def _provision_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    covered = []
    for m in _finditer(_PROVISION_RE, text):
        which = (m.group("w1") or m.group("w2") or m.group("w3")).lower()
        kind = "no" if m.group("kind") == "No." else "art"
        out.append(Citation(which, (f"{kind}-{m.group('n')}",), m.group(0), sp(m)))
        covered.append((m.start(), m.end()))
    for m in _finditer(_CS_CV_RE, text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        which = (m.group("w1") or m.group("w2") or m.group("w3")).lower()
        if m.group("w3") and not re.search(r"\b(?:ITU|Union)\b", text):
            continue  # "the Convention" alone, with nothing saying it is ITU's
        out.append(Citation(which, (None,), m.group(0), sp(m)))
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    whole = ctx.thing(ctx.u.instrument("instrument", "itu", c.kind),
                      f"{c.kind.capitalize()} of the International Telecommunication Union")
    prov = c.key[0]
    if prov is None:
        return whole
    kind, _, n = prov.partition("-")
    label = f"{'No.' if kind == 'no' else 'Article'} {n} of the {c.kind.capitalize()}"
    return ctx.thing(ctx.u.part(whole, prov), label, whole)


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    return "resolved", []


FAMILY = Family("provision", re.compile(r"Constitution|Convention"), _provision_citations,
                kinds=("constitution", "convention"), target=target, status=status, part_of_whole=True)
