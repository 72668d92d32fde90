"""Opinions of the World Telecommunication/ICT Policy Forum: "Opinion 1 (Geneva, 2013) of WTPF"."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from .revisions import parse_revisions


_OPINION_RE = re.compile(r"\bOpinions?\s+(?P<n>\d{1,2})\s*\((?P<rev>[^()]*\d{4})\)\s+of\s+(?:the\s+)?(?:World\s+Telecommunication(?:/ICT|/Information\s+and\s+Communication\s+Technology(?:\s*\(ICT\))?)?\s+Policy\s+Forum|WTPF)")


def _opinion_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    for m in _finditer(_OPINION_RE, text):
        _o, rev, notes = parse_revisions(m.group("rev"))
        if rev is None:
            continue
        out.append(Citation("wtpf-opinion", ("wtpf", m.group("n")), m.group(0), sp(m), revision=rev,
                            note="WTPF opinions are numbered afresh at each forum; the forum is part of the identity"))
    return out


def target(c: Citation, ctx: Targets) -> str | None:
    _body, number = c.key
    forum = f"wtpf-{c.revision.year}"
    return ctx.thing(ctx.u.instrument("opinion", forum, number),
                     f"Opinion {number} ({c.revision.place}, {c.revision.year}) of WTPF")


FAMILY = Family("opinion", re.compile(r"Opinion"), _opinion_citations, kinds=("wtpf-opinion",), target=target,
                part_of_whole=True)
