"""Resolutions and decisions as a General Assembly resolution cites them (read only when
``context["organ"] == "unga"``): "its resolutions 75/240 of 31 December 2020 and 76/19",
"resolutions 70/1, 71/313 and 75/240", "its decisions 77/512", old style "1653 (XVI)",
"217 A (III)", lettered parts "52/38 J", "36/87 A and B", special sessions "S-10/2", "ES-11/1";
"Security Council resolution 2282 (2016)", "Human Rights Council resolution 53/13", "Economic and
Social Council resolution 1980/67".  Citations of kind ``un`` (target and status: :mod:`.un`),
keyed by the UN symbol: ``A/RES/75/240``, ``A/DEC/77/512``, ``A/RES/1653(XVI)``,
``A/RES/217A(III)`` (old style with a part letter keeps the printed order, spaces removed),
``A/RES/52/38J``, ``A/RES/S-10/2``, ``S/RES/2282(2016)``, ``A/HRC/RES/53/13``, ``E/RES/1980/67``.

Inside a General Assembly resolution "its resolution 75/240", "resolution 75/240" and "Assembly
resolution 75/240" are all the Assembly's own.  A number after "Security Council", "Human Rights
Council" or "Economic and Social Council" (in the cue, or earlier in the same sentence when the
number has that organ's form) is that organ's, never an A/RES symbol.

>>> ga = {"organ": "unga"}
>>> [c.key[0] for c in read("Recalling its resolutions 75/240 of 31 December 2020 and 76/19 of 6 December 2021", ga)]
['A/RES/75/240', 'A/RES/76/19']
>>> [c.key[0] for c in read("Security Council resolutions 2325 (2016) and 2663 (2022)", ga)]
['S/RES/2325(2016)', 'S/RES/2663(2022)']
>>> [c.key[0] for c in read("its resolutions 36/87 A and B, 37/75", ga)]
['A/RES/36/87A', 'A/RES/36/87B', 'A/RES/37/75']
"""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, _default_span, _sentence_bounds

_ITEM = re.compile(r"""
  (?: (?P<ss>(?:ES|S)-\d{1,2})/(?P<ssn>\d{1,3})                                  # S-10/2, ES-11/1
    | (?P<ses>\d{1,2})/(?P<num>\d{1,4})
      (?:\s(?P<let>[A-Z])(?:\s+and\s+(?P<let2>[A-Z]))?(?![\w/\u2011-]))?         # 52/38 J; 36/87 A and B
    | (?P<eyear>(?:19|20)\d\d)/(?P<enum>\d{1,4})                                 # ECOSOC 1980/67
    | (?P<old>\d{1,4})\s?(?:(?P<olet>[A-Z])\s)?\((?P<roman>[IVXL]+)\)            # 1653 (XVI), 217 A (III)
    | (?P<sc>\d{1,5})\s?\((?P<scyear>(?:19|20)\d\d)\)                            # 2282 (2016)
  )(?![\w/\u2011-]|\.\d)""", re.X)

_CUE = re.compile(r"\b(?P<word>[Rr]esolutions?|[Dd]ecisions?)\s+")
_ORGANS = (("sc", r"Security\s+Council"), ("hrc", r"Human\s+Rights\s+Council"),
           ("ecosoc", r"Economic\s+and\s+Social\s+Council|ECOSOC"), ("unga", r"General\s+Assembly|Assembly"))
_ORGAN_RE = re.compile("|".join(f"(?P<{o}>{rx})" for o, rx in _ORGANS))
_ORGAN_JUST_BEFORE = re.compile(r"(?:" + "|".join(rx for _o, rx in _ORGANS) + r")(?:[\u2019']s)?\s+$")
# between two items of a list: a footnote marker, "of 31 December 2020", then ", ", " and ", ", and "
_MARKER = re.compile(r"(?:\[\^\d+\]|\d(?=[,;]))?")
_DATE = re.compile(r"\s+of\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}")
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)")


def _in_quoted_title(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside a quoted agenda-item title: "the item entitled “… 75/240”"."""
    e = text.rfind("entitled", max(0, pos - 300), pos)
    if e == -1:
        return False
    m = re.match(r"entitled\s+[\u201c\"]", text[e:pos])
    return bool(m) and not re.search(r"[\u201d\"]", text[e + m.end():pos])


def _organ_before(text: str, cue_start: int) -> str | None:
    """The organ a cue names just before "resolution(s)": "Security Council resolution"."""
    m = _ORGAN_JUST_BEFORE.search(text, max(0, cue_start - 40), cue_start)
    if not m:
        return None
    return next(o for o, _rx in _ORGANS if re.match(_ORGANS_RX[o], m.group(0)))


_ORGANS_RX = {o: re.compile(rx) for o, rx in _ORGANS}


def _shape(m: re.Match) -> str:
    if m.group("ss") or m.group("ses"):
        return "session"          # GA and HRC: session/number
    if m.group("eyear"):
        return "year"             # ECOSOC: year/number
    if m.group("old"):
        return "old"              # GA (and ECOSOC) before 1976: number (session in Roman numerals)
    return "sc"                   # Security Council: number (year)


_FITS = {"unga": ("session", "old"), "hrc": ("session",), "ecosoc": ("year", "old"), "sc": ("sc",)}


def _symbols(m: re.Match, organ: str, decision: bool) -> list[tuple[str, str]]:
    """(symbol, printed) of one item: two for "36/87 A and B"."""
    printed = m.group(0)
    if decision:
        if m.group("ses"):
            return [(f"A/DEC/{m.group('ses')}/{m.group('num')}", printed)]
        return []
    if organ == "sc":
        return [(f"S/RES/{m.group('sc')}({m.group('scyear')})", printed)]
    if organ == "ecosoc":
        if m.group("eyear"):
            return [(f"E/RES/{m.group('eyear')}/{m.group('enum')}", printed)]
        return [(f"E/RES/{m.group('old')}{m.group('olet') or ''}({m.group('roman')})", printed)]
    prefix = "A/HRC/RES" if organ == "hrc" else "A/RES"
    if m.group("ss"):
        return [(f"{prefix}/{m.group('ss')}/{m.group('ssn')}", printed)]
    if m.group("old"):
        return [(f"A/RES/{m.group('old')}{m.group('olet') or ''}({m.group('roman')})", printed)]
    base = f"{prefix}/{m.group('ses')}/{m.group('num')}"
    if m.group("let2"):   # "36/87 A and B": part A printed "36/87 A", part B the whole
        return [(base + m.group("let"), printed[:printed.index(m.group("let")) + 1]), (base + m.group("let2"), printed)]
    return [(base + (m.group("let") or ""), printed)]


def _organ_of(text: str, cue: re.Match, first: re.Match) -> tuple[str | None, str | None]:
    """(organ, note) of the list a cue opens."""
    said = _organ_before(text, cue.start())
    if said is not None:
        return said, None
    if re.search(r"\bits\s+$", text[max(0, cue.start() - 6):cue.start()]):
        return "unga", None
    shape = _shape(first)
    sa, _sb = _sentence_bounds(text, cue.start())
    named = [m for m in _ORGAN_RE.finditer(text, sa, cue.start())]
    if named:
        last = named[-1].lastgroup
        if last != "unga" and shape in _FITS[last]:
            return last, f"organ from '{named[-1].group(0)}' earlier in the sentence"
    if shape == "sc":
        return "sc", "organ not stated; number (year) is the Security Council's form"
    if shape == "year":
        return "ecosoc", "organ not stated; year/number is the Economic and Social Council's form"
    return "unga", None


def read(text: str, context: dict | None = None, mk: SpanMaker = _default_span, base: int = 0) -> list[Citation]:
    out: list[Citation] = []
    for cue in _CUE.finditer(text):
        first = _ITEM.match(text, cue.end())
        if first is None:
            continue
        if _in_quoted_title(text, cue.start()):
            continue   # inside a quoted agenda-item title: "the item entitled “… resolution 75/240”"
        decision = cue.group("word").lower().startswith("decision")
        organ, note = _organ_of(text, cue, first)
        if organ is None or (decision and organ != "unga"):
            continue
        m = first
        while m is not None:
            if _shape(m) in _FITS[organ]:
                for symbol, printed in _symbols(m, organ, decision):
                    a = m.start()
                    out.append(Citation("un", (symbol,), printed, mk(base + a, base + a + len(printed)), note=note))
            pos = m.end()
            mm = _MARKER.match(text, pos)
            pos = mm.end()
            d = _DATE.match(text, pos)
            pos = d.end() if d else pos
            mm = _MARKER.match(text, pos)
            pos = mm.end()
            s = _SEP.match(text, pos)
            m = _ITEM.match(text, s.end()) if s else None
    return out


def _read(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    return read(text, context, mk, base)


FAMILY = Family("un-ga", re.compile(r"[Rr]esolution|[Dd]ecision"), _read, wants_context=True, organs=("unga",))
