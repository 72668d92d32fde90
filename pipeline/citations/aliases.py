"""Instruments and UN documents cited by title ("the 2030 Agenda for Sustainable Development",
"Transforming our world" → A/RES/70/1), from ``data/reference/aliases.csv``; citations of kind
``un`` or ``instrument`` (target and status: :mod:`.un`, :mod:`.instrument`)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Citation
from .base import Family, SpanMaker
from .prefilter import _filter_of, _finditer, _folded, _may_match
from ..reference import aliases


def _alias_citations(text: str, mk: SpanMaker, base: int, own: str = "") -> list[Citation]:
    out = []
    compiled = _alias_regexes()
    for a, rx in (compiled if compiled is not None else ((a, None) for a in aliases())):
        for m in (_finditer(rx, text) if rx is not None else re.finditer(a.pattern, text, re.I)):
            key = tuple(a.target.split("/", 1)) if a.kind == "instrument" else (a.target,)
            if a.defined_by and a.defined_by == own:
                continue   # the resolution that adopted the instrument names it: not a citation there
            out.append(Citation(a.kind, key, m.group(0), mk(base + m.start(), base + m.end()),
                                note=f"cited by title: {a.note}"))
    # a title inside a longer one ("UN-SWAP" in "… Action Plan 2.0 … (UN-SWAP)") is not a second citation
    return [c for c in out if not any(o is not c and o.span.char_start <= c.span.char_start and c.span.char_end <= o.span.char_end
                                      and (o.span.char_end - o.span.char_start) > (c.span.char_end - c.span.char_start) for o in out)]




@lru_cache(maxsize=1)
def _alias_trigger() -> re.Pattern:
    return re.compile("|".join(f"(?:{a.pattern})" for a in aliases()) or r"(?!)", re.I)


@lru_cache(maxsize=1)
def _alias_regexes() -> tuple[tuple[object, re.Pattern], ...] | None:
    """Each alias with its pattern compiled (case-insensitive), as :func:`_alias_citations` reads
    it; None when one does not compile on its own (then it fails where it always did)."""
    try:
        return tuple((a, re.compile(a.pattern, re.I)) for a in aliases())
    except re.error:
        return None


@lru_cache(maxsize=1)
def _alias_one_by_one() -> bool:
    """Whether "the alternation of all aliases matches" is the same as "one alias matches on its
    own" (true unless a pattern refers to a group by number, which the alternation renumbers)."""
    _alias_trigger()   # a pattern the alternation cannot hold fails here, as it always did
    return _alias_regexes() is not None and not any(re.search(r"\\\d|\(\?P=|\(\?\(", a.pattern) for a in aliases())


@lru_cache(maxsize=1)
def _alias_gates() -> tuple[tuple[re.Pattern, tuple], ...]:
    out = []
    for _a, rx in _alias_regexes():
        _rx, ic, conds = _filter_of(rx)
        out.append((rx, conds if ic else ()))   # (a case-sensitive alias is scanned as it is)
    return tuple(out)


@lru_cache(maxsize=1)
def _alias_low_words() -> tuple[str, ...] | None:
    """Lower-case words one of which a line holds when any alias may match it; None when some
    alias has no such words (then no line is passed over)."""
    if not _alias_one_by_one():
        return None
    low: set[str] = set()
    for _rx, conds in _alias_gates():
        if not conds:
            return None
        low |= set(conds[0])
    return tuple(sorted(low, key=len, reverse=True))


def _alias_triggered(t: str, low: str | None = None) -> bool:
    """``_alias_trigger().search(t)``, read alias by alias: each alias's own literal words
    rule it out on most lines, where the long alternation would scan every position.
    ``low``: ``_folded(t)`` when the caller has it."""
    if not _alias_one_by_one():
        rx = _alias_trigger()
        return bool(_may_match(rx, t) and rx.search(t))
    if low is None:
        low = _folded(t)
    words = _alias_low_words()
    if low is not None and words is not None:
        for w in words:   # one of the aliases' first words, or none of them can match
            if w in low:
                break
        else:
            return False
    for rx, conds in _alias_gates():
        if low is not None:
            for cond in conds:   # (inlined _holds)
                for w in cond:
                    if w in low:
                        break
                else:
                    break
            else:
                if rx.search(t):
                    return True
        elif rx.search(t):
            return True
    return False




def _merge(found: list[Citation], text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    un_spans = {(c.span.char_start, c.span.char_end) for c in found if c.kind == "un"}
    own = f"{context.get('default_body')}/{context.get('default_number')}"
    return found + [c for c in _alias_citations(text, mk, base, own) if (c.span.char_start, c.span.char_end) not in un_spans]


FAMILY = Family("aliases", None, None, merge=_merge, gate=_alias_triggered, organs=("itu", "unga"))
