"""Decisions of bodies outside the UN symbol system that General Assembly resolutions cite (read
only when ``context["organ"] == "unga"``): IAEA General Conference resolutions ``GC(69)/RES/15``,
``GC(XXXIV)/RES/530`` (kind ``iaea-resolution``), and decisions of a UNFCCC Conference of the
Parties ``decision 1/CP.21`` (kind ``cop-decision``, key ``1/CP.21``; also CMA and CMP).

>>> [(c.kind, c.key) for c in read("IAEA resolution GC(69)/RES/15 and decision 1/CP.21")]
[('iaea-resolution', ('GC(69)/RES/15',)), ('cop-decision', ('1/CP.21',))]
"""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets, _default_span
from ..reference.registry import Registry

_IAEA = re.compile(r"(?<![\w/])GC\((?:\d{1,2}|[IVXLC]+)\)/RES/\d{1,4}(?:/[A-Z]\b)?")
_COP = re.compile(r"\b[Dd]ecisions?\s+(?P<sym>\d{1,2}/(?:CP|CMA|CMP)\.\d{1,2})\b")


def read(text: str, context: dict | None = None, mk: SpanMaker = _default_span, base: int = 0) -> list[Citation]:
    out = [Citation("iaea-resolution", (m.group(0),), m.group(0), mk(base + m.start(), base + m.end()))
           for m in _IAEA.finditer(text)]
    out += [Citation("cop-decision", (m.group("sym"),), m.group("sym"), mk(base + m.start("sym"), base + m.end("sym")))
            for m in _COP.finditer(text)]
    return sorted(out, key=lambda c: c.span.char_start)


def _read(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    return read(text, context, mk, base)


def target(c: Citation, ctx: Targets) -> str | None:
    if c.kind == "iaea-resolution":
        return ctx.thing(ctx.u.instrument("iaea-resolution", "iaea-gc", c.key[0]),
                         f"IAEA General Conference resolution {c.key[0]}")
    return ctx.thing(ctx.u.instrument("cop-decision", "unfccc", c.key[0]), f"UNFCCC decision {c.key[0]}")


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    return "unverified", []      # no list of these ships in data/reference


FAMILY = Family("agency", re.compile(r"GC\(|/C[MP]"), _read, wants_context=True,
                kinds=("iaea-resolution", "cop-decision"), target=target, status=status, organs=("unga",))
