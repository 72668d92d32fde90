"""UN documents by symbol, as a General Assembly resolution prints them (read only when
``context["organ"] == "unga"``): ``A/80/257``, ``A/AC.292/2025/INF/5/Rev.1``, ``A/CONF.189/12``,
``A/S-12/2``, ``S/2024/200``, ``S/PRST/1996/17``, ``E/2025/…``, ``NPT/CONF.2010/50 (Vol. I)``,
``CD/1299``, ``CEDAW/C/GC/38``, ``FCCC/CP/2015/10/Add.1``; a joint symbol ``A/51/113-S/1996/276`` is
one document.  Citations of kind ``un`` keyed by the symbol with all whitespace removed
(``A/80/130(PartI)``) and non-breaking hyphens read as hyphens, so the target is
``id/un/{symbol}`` (:mod:`.un`).

The Technical Secretariat notes of the OPCW (``S/2338/2024``, ``S/1906/2020``) look like Security
Council documents but are not: a Council document is ``S/{year}/{number}`` with a year from 1946.

>>> [c.key[0] for c in read("contained in document A/80/257; see A/73/12 (Part I) and S/2338/2024.")]
['A/80/257', 'A/73/12(PartI)']
"""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, _default_span

#: the series a symbol starts with (UN organs, and treaty bodies and conferences the UN
#: Secretariat issues documents for)
SERIES = ("A", "S", "E", "ST", "CD", "NPT", "CEDAW", "CERD", "CRC", "CCPR", "FCCC", "BWC", "CCM", "CCW", "TPNW",
          "APLC", "UNEP", "TD", "DP", "SPLOS", "ISBA")
_SEG = r"[A-Z0-9](?:[A-Za-z0-9\-\u2011]|\.(?=[A-Za-z0-9]))*"
_PART = r"\s*\((?:Parts?|Vol\.)\s+[IVX]+(?:\s+and\s+[IVX]+)?\)"
_SYMBOL = re.compile(r"(?<![\w/.\-\u2011])(?:" + "|".join(SERIES) + rf")(?:/{_SEG})+(?:{_PART}(?:/{_SEG})*)?")


def _is_council_lookalike(sym: str) -> bool:
    parts = sym.split("/")
    return (parts[0] == "S" and len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit()
            and not 1946 <= int(parts[1]) <= 2100)


def read(text: str, context: dict | None = None, mk: SpanMaker = _default_span, base: int = 0) -> list[Citation]:
    out = []
    for m in _SYMBOL.finditer(text):
        if "/" not in m.group(0):
            continue
        symbol = re.sub(r"\s+", "", m.group(0)).replace("\u2011", "-")
        if _is_council_lookalike(symbol):
            continue
        out.append(Citation("un", (symbol,), m.group(0), mk(base + m.start(), base + m.end())))
    return out


def _read(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    return read(text, context, mk, base)


FAMILY = Family("un-document", re.compile(r"[A-Z]/[A-Z0-9]"), _read, wants_context=True, organs=("unga",))
