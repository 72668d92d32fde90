"""ITU Council documents: "Council Documents C09/55 and C16/49"."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer


_COUNCIL_DOC_RE = re.compile(r"(?<![\w/])C(?P<yy>\d{2})/(?P<n>\d{1,3})(?:\s*\((?P<rev>Rev\.\d+)\))?(?![\d/])")


def _council_document_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    for m in _finditer(_COUNCIL_DOC_RE, text):
        left = text[max(0, m.start() - 40):m.start()]
        if not re.search(r"Council|Documents?\s+(?:C\d\d/\d+\s*(?:,|and)\s*)*$", left):
            continue
        out.append(Citation("council-document", (f"C{m.group('yy')}/{m.group('n')}",), m.group(0), sp(m)))
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    return ctx.thing(ctx.u.instrument("document", "council", c.key[0]), f"Council document {c.key[0]}")


FAMILY = Family("council-document", re.compile(r"C\d\d/"), _council_document_citations, kinds=("council-document",),
                target=target, part_of_whole=True)
