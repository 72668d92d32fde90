"""Read citations in resolution text, and normalise what a librarian types.

The same code serves both directions (ARCHITECTURE.md, canned query ``cites``):
:func:`find_citations` reads citations in documents, :func:`parse_target` reads a
query parameter such as ``"UNGA 70/1"`` or ``"Resolution 123 (Rev. Busan, 2014)"``.

What a citation is and which body adopted it comes from the text, never from a
number alone: "Resolution 23 (Rev. Buenos Aires, 2017) of WTDC" is WTDC 23.  When
the body is not stated, the conference place and year may identify it (Buenos Aires
2017 was only WTDC-17); each such inference is written into ``Citation.note``.
Tracked changes flattened into symbols (``68/19872/200``) are split into the deleted
old symbol and the inserted new one; never published as one glued symbol.

>>> [c.key for c in find_citations("Resolution 70/1 of the United Nations General Assembly")]
[('A/RES/70/1',)]
>>> [(c.key, c.status) for c in find_citations("Resolution 68/19872/200 of the United Nations General Assembly (UNGA)")]
[(('A/RES/68/198',), 'deleted'), (('A/RES/72/200',), 'inserted')]
>>> [c.key for c in find_citations("Resolution 23 (Rev. Buenos Aires, 2017) of the World Telecommunication Development Conference")]
[('wtdc', '23')]
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from .model import Citation, Revision, Span
from .reference import aliases, bodies_for, known_places

NBSP = "\u00a0"

# ------------------------------------------------------------- revisions ---

_REV_RE = re.compile(r"(?:(rev\.?)\s*)?([^\d,()]*?[^\W\d_][^\d,()]*?),\s*(\d{4})(\d{4})?", re.I)


def canonical_place(raw: str) -> tuple[str, bool]:
    """``"DUBAI"`` → ``("Dubai", True)``; unknown places are title-cased, flagged False."""
    key = " ".join(raw.replace(NBSP, " ").split()).strip(" .").lower()
    places = known_places()
    if key in places:
        return places[key], True
    return " ".join(w.capitalize() for w in key.split()), False


def _split_glued_place(raw: str) -> tuple[str, str] | None:
    """``"DubaiBuenos Aires"`` → ``("Dubai", "Buenos Aires")`` when both parts are known places."""
    low = " ".join(raw.split()).lower()
    for p in sorted(known_places(), key=len, reverse=True):
        if low.startswith(p) and len(low) > len(p):
            rest = low[len(p):].strip()
            if rest in known_places():
                return known_places()[p], known_places()[rest]
    return None


def parse_revisions(s: str) -> tuple[Revision | None, Revision | None, list[str]]:
    """Read ``(Rev. Busan, 2014DUBAI, 2018)``-style text into (old, new) revisions.

    >>> o, n, _ = parse_revisions("Rev. Busan, 2014DUBAI, 2018"); (str(o), str(n))
    ('Rev. Busan, 2014', 'Rev. Dubai, 2018')
    >>> o, n, _ = parse_revisions("Rev. DubaiBuenos Aires, 20142017"); (str(o), str(n))
    ('Rev. Dubai, 2014', 'Rev. Buenos Aires, 2017')
    >>> o, n, _ = parse_revisions("Busan, 2014rev. dubai, 2018"); (str(o), str(n))
    ('Busan, 2014', 'Rev. Dubai, 2018')
    >>> o, n, _ = parse_revisions("Busan, 2014"); (o, str(n))
    (None, 'Busan, 2014')
    """
    notes: list[str] = []
    revs: list[Revision] = []
    s = s.replace(NBSP, " ")
    for m in _REV_RE.finditer(s):
        rev_kw, place_raw, y1, y2 = m.groups()
        rev = bool(rev_kw) or (bool(revs) and revs[0].rev)
        if y2:
            split = _split_glued_place(place_raw)
            if split:
                # Word may print the places new→old but the years old→new ("Buenos AiresDubai,
                # 20142017"): pair them so that both are conferences that took place.
                straight = [(split[0], y1), (split[1], y2)]
                crossed = [(split[1], y1), (split[0], y2)]
                known = lambda pairs: sum(1 for p, y in pairs if bodies_for(p, y))  # noqa: E731
                pairs = crossed if known(crossed) > known(straight) else straight
                revs.append(Revision(pairs[0][0], pairs[0][1], rev))
                revs.append(Revision(pairs[1][0], pairs[1][1], rev))
                notes.append(f"glued revision {place_raw.strip()}, {y1}{y2} read as {pairs[0][0]}, {pairs[0][1]} → {pairs[1][0]}, {pairs[1][1]}"
                             + (" (places printed new first)" if pairs is crossed else ""))
            else:
                place, known = canonical_place(place_raw)
                revs.append(Revision(place, y1, rev))
                revs.append(Revision(place, y2, rev))
                notes.append(f"glued years {y1}{y2} read as {y1} → {y2}")
            continue
        place, known = canonical_place(place_raw)
        if not known:
            notes.append(f"unknown conference place {place_raw.strip()!r}")
        revs.append(Revision(place, y1, rev))
    if not revs:
        return None, None, notes
    if len(revs) == 1:
        return None, revs[0], notes
    if len(revs) > 2:
        notes.append(f"more than two revisions in {s!r}; kept the first and the last")
    old, new = revs[0], revs[-1]
    if int(old.year) > int(new.year):
        notes.append(f"revisions printed new first ({new} after {old}); the later year is read as the new one")
        old, new = new, old
    return old, new, notes


def is_known_conference(rev: Revision) -> bool:
    return bool(bodies_for(rev.place, rev.year))


# --------------------------------------------------------------- bodies ---

#: Body phrases that may follow "Resolution N (…)": "of …" / "adopted by …".
_BODY_AFTER = [
    (r"this\s+conference|the\s+plenipotentiary\s+conference|pp", "pp"),
    (r"(?:the\s+)?world\s+telecommunication\s+development\s+conference(?:\s*\(WTDC\))?|wtdc(?:-\d\d)?", "wtdc"),
    (r"(?:the\s+)?world\s+telecommunication\s+standardization\s+assembly(?:\s*\(WTSA\))?|wtsa(?:-\d\d)?", "wtsa"),
    (r"(?:the\s+)?radiocommunication\s+assembly", "ra"),
    (r"(?:the\s+)?world\s+radiocommunication\s+conference|wrc(?:-\d\d)?", "wrc"),
    (r"(?:the\s+)?world\s+conference\s+on\s+international\s+telecommunications|wcit(?:-\d\d)?", "wcit"),
    (r"(?:the\s+)?(?:itu\s+)?council", "council"),
]
_BODY_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:of|adopted\s+by|by)\s+(?P<b>" + "|".join(f"(?:{p})" for p, _ in _BODY_AFTER) + r")\b", re.I)

_BODY_BEFORE_RE = re.compile(r"(?P<b>\bWTDC(?:-\d\d)?|\bWTSA(?:-\d\d)?|\bCouncil|\bPP(?:-\d\d)?|\bWCIT(?:-\d\d)?)\s+$", re.I)


def _body_from_phrase(phrase: str) -> str:
    for pat, body in _BODY_AFTER:
        if re.fullmatch(pat, phrase.strip(), re.I):
            return body
    raise ValueError(phrase)


# ------------------------------------------------------------ ITU resolutions ---

_NUM_LIST = r"\d{1,4}(?![\d/])(?:\s*(?:,\s*(?:and\s+)?|and\s+)\d{1,4}(?![\d/]))*"
_ITU_RE = re.compile(
    r"\b(?P<word>[Rr]esolutions?)\s+(?P<itur>ITU[\-\u2011]?R\s+)?(?P<nums>" + _NUM_LIST + r")"
    r"(?:\s*\((?P<rev>[^()]*\d{4}[^()]*)\))?")

# --------------------------------------------------------------- UN symbols ---

_UN_TOKEN = re.compile(
    r"(?<![\w/])(?P<sym>(?:A/(?:RES|Res|res)/|A/(?:HRC/)?|E/(?:RES|Res)/)?\d{1,4}/\d{1,6}(?:/\d{1,4})?(?:\s?(?P<suffix>[A-Z])\b(?!/))?)")
_GA_CONTEXT = re.compile(r"General\s+Assembly|UNGA|\bUN\s+Assembly", re.I)
_HRC_CONTEXT = re.compile(r"Human\s+Rights\s+Council", re.I)
_ECOSOC_CONTEXT = re.compile(r"ECOSOC|Economic\s+and\s+Social\s+Council", re.I)
_RESOLUTION_WORD = re.compile(r"[Rr]esolutions?\b")

# ------------------------------------------------------------------- SDGs ---

_SDG_GOAL_RE = re.compile(
    r"\b(?:SDG\s?(?P<g1>\d{1,2})(?![\d.])|Sustainable\s+Development\s+Goal\s+(?P<g2>\d{1,2})(?![\d.])"
    r"|Goal\s+(?P<g3>\d{1,2})\s+(?:in|of)\s+the\s+2030\s+Agenda)")
_SDG_TARGET_RE = re.compile(r"\b(?:SDG\s+)?[Tt]argets?\s+(?P<t>\d{1,2}\.[0-9a-z]{1,2})\b(?!\.\d)")
_SDG_INDICATOR_LIST_RE = re.compile(r"\bSDG\s+indicators?\s*\((?P<list>\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}(?:\s*(?:,|and|,\s*and)\s*\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})*)\)")
_SDG_INDICATOR_RE = re.compile(r"\b[Ii]ndicators?\s+(?P<i>\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})\b")

SpanMaker = Callable[[int, int], Span]


def _default_span(a: int, b: int) -> Span:
    return Span(0, 0, a, b)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause-sentence around ``pos``: from the previous ``;`` to the next ``;``."""
    a = max(text.rfind(";", 0, pos), text.rfind("\n", 0, pos)) + 1
    b_candidates = [i for i in (text.find(";", pos), text.find("\n", pos)) if i != -1]
    b = min(b_candidates) if b_candidates else len(text)
    return a, b


def _un_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    for m in _UN_TOKEN.finditer(text):
        sym = m.group("sym")
        start, end = m.start("sym"), m.end("sym")
        left = text[max(0, start - 80):start]
        sa, sb = _sentence_bounds(text, start)
        sentence = text[sa:sb]
        # not UN documents: ITU-D Questions (Question 221/1), dates of Recommendations "(05/2013)"
        if re.search(r"Questions?\s+(?:[\d/]+\s*(?:,|and)\s*)*$", left):
            continue
        parts = re.sub(r"^(?:A/(?:RES|Res|res)/|A/HRC/|A/|E/(?:RES|Res)/)", "", sym).split()[0].split("/")
        prefix = sym[: len(sym) - len(sym.lstrip("AERSHCres/"))] if sym[0] in "AE" else ""
        if len(parts) == 2 and len(parts[1]) == 4 and 1 <= int(parts[0]) <= 12 and text[start - 1:start] == "(":
            continue  # a date such as (05/2013)
        suffix = m.group("suffix") or ""
        note = []
        explicit = sym.upper().startswith(("A/", "E/"))
        if explicit:
            up = sym.upper()
            if up.startswith("E/RES/"):
                organ, kind = "ecosoc", "resolution"
            elif up.startswith("A/HRC/"):
                organ, kind = "hrc", "document"
            elif up.startswith("A/RES/"):
                organ, kind = "unga", "resolution"
            else:
                organ = "unga"
                kind = "resolution" if _RESOLUTION_WORD.search(left[-14:]) else "document"
                if kind == "resolution":
                    note.append(f"printed as {sym!r} after 'Resolution'; read as the resolution A/RES/{'/'.join(parts)}")
        else:
            before = text[max(0, start - 60):start]
            if _HRC_CONTEXT.search(before):
                organ, kind = "hrc", "resolution"
            elif _ECOSOC_CONTEXT.search(before) or len(parts[0]) == 4:
                if not _ECOSOC_CONTEXT.search(before):
                    continue  # year/number without an organ: not ours to guess
                organ, kind = "ecosoc", "resolution"
            elif _GA_CONTEXT.search(sentence):
                organ, kind = "unga", "resolution"
                if not _RESOLUTION_WORD.search(sentence):
                    continue
            elif _RESOLUTION_WORD.search(left[-40:]):
                organ, kind = "unga", "resolution"
                note.append("body not stated; the session/number form of the symbol is the General Assembly's")
            else:
                continue
        # glued tracked change: 68/19872/200 = 68/198 (deleted) + 72/200 (inserted)
        if len(parts) == 3:
            s1, mid, n2 = parts
            if len(mid) >= 3 and len(s1) == 2:
                n1, s2 = mid[:-2], mid[-2:]
                pairs = [((s1, n1), "deleted"), ((s2, n2), "inserted")]
                note.append(f"glued tracked change {sym!r} read as {s1}/{n1} (deleted) → {s2}/{n2} (inserted)")
            else:
                pairs = [((s1, mid + "/" + n2), "uncertain")]
                note.append(f"three-part symbol {sym!r} not understood")
        else:
            pairs = [((parts[0], parts[1]), "current")]
        for (a, b), status in pairs:
            symbol = _un_symbol(organ, kind, a, b, suffix)
            out.append(Citation("un", (symbol,), sym, mk(base + start, base + end), status,
                                note="; ".join(note) or None))
    return out


def _un_symbol(organ: str, kind: str, a: str, b: str, suffix: str = "") -> str:
    sfx = suffix if suffix else ""
    if organ == "ecosoc":
        return f"E/RES/{a}/{b}"
    if organ == "hrc":
        return f"A/HRC/RES/{a}/{b}" if kind == "resolution" else f"A/HRC/{a}/{b}"
    if kind == "resolution":
        return f"A/RES/{a}/{b}{sfx}"
    return f"A/{a}/{b}"


def _itu_citations(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    out: list[Citation] = []
    for m in _ITU_RE.finditer(text):
        nums = re.findall(r"\d{1,4}", m.group("nums"))
        rev_text = m.group("rev")
        old = new = None
        notes: list[str] = []
        if rev_text:
            if re.fullmatch(r"\s*\d{4}\s*", rev_text):  # Council Resolution 1292 (2008)
                new = None
            else:
                old, new, notes = parse_revisions(rev_text)
        after = text[m.end():m.end() + 120]
        before = text[max(0, m.start() - 40):m.start()]
        body = None
        if m.group("itur"):
            body = "ra"
        else:
            ba = _BODY_AFTER_RE.match(after)
            if ba:
                body = _body_from_phrase(ba.group("b"))
            else:
                bb = _BODY_BEFORE_RE.search(before)
                if bb:
                    word = bb.group("b").lower()
                    body = "council" if word == "council" else re.sub(r"-\d\d$", "", word)
        if body is None and new is not None:
            # WRC resolutions are cited "(Rev.WRC-15)", never by place and year
            cands = [b for b in bodies_for(new.place, new.year, revision=new.rev) if b != "wrc"]
            if len(cands) == 1:
                body = cands[0]
                notes.append(f"body not stated; {new.place} {new.year} was only {cands[0].upper()}"
                             + (" among conferences that revise resolutions" if new.rev else ""))
            elif len(cands) > 1:
                notes.append(f"body not stated and {new.place} {new.year} hosted {', '.join(c.upper() for c in cands)}")
        if body is None and rev_text is None and context.get("default_body") and nums == [context.get("default_number")]:
            body = context["default_body"]
            notes.append("bare number: read as the resolution the proposal concerns")
        status = "current" if body else "uncertain"
        if body is None:
            notes.append("body not stated")
        if new is not None and not is_known_conference(new):
            notes.append(f"no conference met at {new.place} in {new.year}: the revision is cited as printed but no version is minted")
            new = None
        # glued revisions: the old one was deleted
        for i, n in enumerate(nums):
            nm = re.search(rf"\b{n}\b", m.group(0)[m.start("nums") - m.start():])
            a = m.start("nums") + (nm.start() if nm else 0)
            sp = mk(base + a, base + a + len(n)) if len(nums) > 1 else mk(base + m.start(), base + m.end())
            printed = m.group(0) if len(nums) == 1 else f"{m.group('word')} {n}" + (f" ({rev_text})" if rev_text else "")
            if old is not None and new is not None and rev_text and re.search(r"\d{8}|\d{4}\s*[^\W\d]", rev_text):
                out.append(Citation("itu-resolution", (body or "unknown", n), printed, sp,
                                    "deleted" if body else "uncertain", revision=old,
                                    note="; ".join(notes + ["old revision of a flattened tracked change"])))
            out.append(Citation("itu-resolution", (body or "unknown", n), printed, sp, status,
                                revision=new, note="; ".join(notes) or None))
    return out


def _sdg_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out = []
    for m in _SDG_GOAL_RE.finditer(text):
        g = m.group("g1") or m.group("g2") or m.group("g3")
        if 1 <= int(g) <= 17:
            out.append(Citation("sdg", ("goal", str(int(g))), m.group(0), mk(base + m.start(), base + m.end())))
    for m in _SDG_TARGET_RE.finditer(text):
        # "Target 1.1" is also how the ITU strategic plan numbers its own targets: only an
        # explicit SDG, a letter target (9.c) or the SDGs named nearby make it an SDG target
        code = m.group("t")
        near = text[max(0, m.start() - 120):m.end() + 60]
        if not (m.group(0).startswith("SDG") or code.split(".")[1].isalpha()
                or re.search(r"SDG|Sustainable\s+Development\s+Goal", near)):
            continue
        out.append(Citation("sdg", ("target", code), m.group(0), mk(base + m.start(), base + m.end())))
    for m in _SDG_INDICATOR_RE.finditer(text):
        out.append(Citation("sdg", ("indicator", m.group("i")), m.group(0), mk(base + m.start(), base + m.end())))
    for m in _SDG_INDICATOR_LIST_RE.finditer(text):   # "five SDG indicators (4.4.1, 5.b.1, … and 17.8.1)"
        for im in re.finditer(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}", m.group("list")):
            a = m.start("list") + im.start()
            out.append(Citation("sdg", ("indicator", im.group(0)), im.group(0), mk(base + a, base + a + len(im.group(0)))))
    return out


def _alias_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out = []
    for a in aliases():
        for m in re.finditer(a.pattern, text, re.I):
            out.append(Citation(a.kind, (a.target,), m.group(0), mk(base + m.start(), base + m.end()),
                                note=f"cited by title: {a.note}"))
    return out


# ---------------------------------------------------- other instruments ---

_ITUT = r"ITU[\-\u2011]?(?P<sector>[TRD])"
_REC_RE = re.compile(r"(?:(?P<sup>Supplement)\s+(?P<supn>\d+)\s+to\s+)?Recommendations?\s+" + _ITUT + r"\s+(?P<rec>[A-Z]\.\d+(?:\.\d+)*)")
_DECISION_RE = re.compile(r"\b(?P<word>Decisions?)\s+(?P<nums>" + _NUM_LIST + r")(?:\s*\((?P<rev>[^()]*\d{4}[^()]*)\))?")
_OPINION_RE = re.compile(r"\bOpinions?\s+(?P<n>\d{1,2})\s*\((?P<rev>[^()]*\d{4})\)\s+of\s+(?:the\s+)?(?:World\s+Telecommunication(?:/ICT)?\s+Policy\s+Forum|WTPF)")
_COUNCIL_DOC_RE = re.compile(r"(?<![\w/])C(?P<yy>\d{2})/(?P<n>\d{1,3})(?:\s*\((?P<rev>Rev\.\d+)\))?(?![\d/])")
_CS_CV = r"(?:(?:the\s+)?ITU\s+(?P<w1>Constitution|Convention)|(?:the\s+)?(?P<w2>Constitution|Convention)\s+of\s+(?:the\s+)?(?:ITU|International\s+Telecommunication\s+Union|Union)|the\s+(?P<w3>Constitution|Convention)(?!\s+on\b))"
_PROVISION_RE = re.compile(r"\b(?P<kind>No\.|Article)\s*(?P<n>\d{1,3}[A-Z]?)(?:,[^;,]{0,40}?,|\s+[A-Z][^;,()]{0,40}?)?\s+(?:in\s+Article\s+\d+\s+)?of\s+" + _CS_CV)
_CS_CV_RE = re.compile(r"\b" + _CS_CV + r"\b")
_WSIS_DOCS = [
    ("tunis-agenda", r"Tunis\s+Agenda(?:\s+for\s+the\s+Information\s+Society)?"),
    ("geneva-plan-of-action", r"(?:WSIS\s+)?Geneva\s+(?:Plan\s+of\s+Action|Action\s+Plan)"),
    ("geneva-declaration", r"Geneva\s+Declaration\s+of\s+Principles"),
    ("tunis-commitment", r"Tunis\s+Commitment"),
    ("wsis+10-statement", r"(?:WSIS\+10\s+)?Statement\s+on\s+(?:the\s+)?Implementation\s+of\s+(?:the\s+)?WSIS\s+Outcomes"),
    ("wsis+10-vision", r"(?:WSIS\+10\s+)?Vision\s+for\s+WSIS\s+Beyond\s+2015|WSIS\s+Vision\s+Beyond\s+2015"),
    ("wsis+10-outcome-documents", r"WSIS\+10(?:\s+High-Level\s+Event)?\s+outcome\s+documents"),
]
_ACTION_LINES_RE = re.compile(r"\bAction\s+Lines?\s+(?P<list>C\d{1,2}(?:\s*(?:,|and|,\s*and)\s*C\d{1,2})*)")
_PARAS = r"§§?\s*(?P<paras>\d+(?:\s*[a-z]\))?(?:\s*(?:,|and|–|-|to)\s*\d+(?:\s*[a-z]\))?)*)"
_OTHER_INSTRUMENTS = [
    ("radio-regulations", r"Radio\s+Regulations(?!\s+Board)"),
    ("itr", r"International\s+Telecommunication\s+Regulations"),
]

_WSIS_RES = [(key, re.compile(r"(?:" + _PARAS + r"\s+of\s+the\s+)?(?P<doc>" + pat + r")(?:\s*\((?:\d{4}\s*,\s*)?(?P<paras2>§§?\s*[^()]*?(?:\([^()]*\))?[^()]*)\))?"))
             for key, pat in _WSIS_DOCS]
_OTHER_RES = [(key, re.compile(pat)) for key, pat in _OTHER_INSTRUMENTS]


def _instrument_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    out: list[Citation] = []
    sp = lambda m: mk(base + m.start(), base + m.end())  # noqa: E731
    for m in _REC_RE.finditer(text):
        sector = "itu-" + m.group("sector").lower()
        rec = m.group("rec")
        note = "ITU-T printed without its hyphen (ITUT)" if "ITU" + m.group("sector") in m.group(0) else None
        if m.group("sup"):
            out.append(Citation("supplement", (sector, f"{rec}-suppl-{m.group('supn')}"), m.group(0), sp(m), note=note))
        out.append(Citation("recommendation", (sector, rec), m.group(0), sp(m), note=note))
    for m in _DECISION_RE.finditer(text):
        after = text[m.end():m.end() + 120]
        notes = []
        body = None
        ba = _BODY_AFTER_RE.match(after)
        if ba:
            body = _body_from_phrase(ba.group("b"))
        rev = None
        if m.group("rev"):
            _old, rev, notes = parse_revisions(m.group("rev"))
            if body is None and rev is not None:
                cands = [b for b in bodies_for(rev.place, rev.year) if b != "wrc"]
                if len(cands) == 1:
                    body = cands[0]
                    notes.append(f"body not stated; {rev.place} {rev.year} was only {cands[0].upper()}")
        for n in re.findall(r"\d{1,4}", m.group("nums")):
            out.append(Citation("itu-decision", (body or "unknown", n), m.group(0), sp(m),
                                "current" if body else "uncertain", revision=rev,
                                note="; ".join(notes + ([] if body else ["body not stated"])) or None))
    for m in _OPINION_RE.finditer(text):
        _o, rev, notes = parse_revisions(m.group("rev"))
        if rev is None:
            continue
        out.append(Citation("wtpf-opinion", ("wtpf", m.group("n")), m.group(0), sp(m), revision=rev,
                            note="WTPF opinions are numbered afresh at each forum; the forum is part of the identity"))
    for m in _COUNCIL_DOC_RE.finditer(text):
        left = text[max(0, m.start() - 40):m.start()]
        if not re.search(r"Council|Documents?\s+(?:C\d\d/\d+\s*(?:,|and)\s*)*$", left):
            continue
        out.append(Citation("council-document", (f"C{m.group('yy')}/{m.group('n')}",), m.group(0), sp(m)))
    covered = []
    for m in _PROVISION_RE.finditer(text):
        which = (m.group("w1") or m.group("w2") or m.group("w3")).lower()
        kind = "no" if m.group("kind") == "No." else "art"
        out.append(Citation(which, (f"{kind}-{m.group('n')}",), m.group(0), sp(m)))
        covered.append((m.start(), m.end()))
    for m in _CS_CV_RE.finditer(text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        which = (m.group("w1") or m.group("w2") or m.group("w3")).lower()
        if m.group("w3") and not re.search(r"\b(?:ITU|Union)\b", text):
            continue  # "the Convention" alone, with nothing saying it is ITU's
        out.append(Citation(which, (None,), m.group(0), sp(m)))
    for key, rx in _WSIS_RES:
        for m in rx.finditer(text):
            paras = m.group("paras")
            if paras is None and m.group("paras2"):
                paras = m.group("paras2").lstrip("§ ")
            if paras:
                for pm in re.finditer(r"(\d+)\s*(?:[-–]|to)\s*(\d+)(?!\s*[a-z]\))|(\d+)(?:\s*([a-z])(?:\)|$))?", paras):
                    if pm.group(1):   # a range: §§ 113-118
                        para = f"{pm.group(1)}-{pm.group(2)}"
                    else:
                        para = pm.group(3) + (f"-{pm.group(4)}" if pm.group(4) else "")
                    out.append(Citation("wsis", (key, para), m.group(0), sp(m)))
            else:
                out.append(Citation("wsis", (key, None), m.group(0), sp(m)))
    for m in _ACTION_LINES_RE.finditer(text):
        for al in re.findall(r"C\d{1,2}", m.group("list")):
            out.append(Citation("wsis", ("action-line", al), m.group(0), sp(m)))
    for key, rx in _OTHER_RES:
        for m in rx.finditer(text):
            out.append(Citation("instrument", ("itu", key), m.group(0), sp(m)))
    return out


_TRIGGERS = {
    "un": re.compile(r"\d/\d"),
    "itu": re.compile(r"[Rr]esolution"),
    "sdg": re.compile(r"SDG|Goal|[Tt]arget|[Ii]ndicator"),
    "instrument": re.compile(r"Recommendation|Decision|Opinion|C\d\d/|Constitution|Convention|Tunis|Geneva|Regulations|WSIS|Action\s+Line"),
}


@lru_cache(maxsize=1)
def _alias_trigger() -> re.Pattern:
    return re.compile("|".join(f"(?:{a.pattern})" for a in aliases()) or r"(?!)", re.I)


def find_citations(text: str, *, base: int = 0, span: SpanMaker = _default_span,
                   context: dict | None = None) -> list[Citation]:
    """Every citation in ``text``; offsets are ``base`` + position in ``text``.

    ``context`` may carry ``default_body``/``default_number`` (the resolution a
    proposal concerns), used only for a bare "Resolution N" with nothing else to go on.
    """
    context = context or {}
    t = text.replace(NBSP, " ")
    # cheap triggers first: most lines cite nothing, and each family costs several regexes
    cites: list[Citation] = []
    if _TRIGGERS["un"].search(t):
        cites += _un_citations(t, span, base)
    if _TRIGGERS["itu"].search(t):
        cites += _itu_citations(t, span, base, context)
    if _TRIGGERS["sdg"].search(t):
        cites += _sdg_citations(t, span, base)
    if _TRIGGERS["instrument"].search(t):
        cites += _instrument_citations(t, span, base)
    if _alias_trigger().search(t):
        un_spans = {(c.span.char_start, c.span.char_end) for c in cites if c.kind == "un"}
        cites += [c for c in _alias_citations(t, span, base) if (c.span.char_start, c.span.char_end) not in un_spans]
    # a title next to its symbol ("Resolution 70/1 … on the 2030 Agenda …") is one citation, not two
    by_target: dict = {}
    for c in cites:
        by_target.setdefault((c.kind, c.key), []).append(c)
    final = []
    for c in cites:
        if c.note and c.note.startswith("cited by title") and any(
                o is not c and not (o.note or "").startswith("cited by title") for o in by_target[(c.kind, c.key)]):
            continue
        final.append(c)
    final.sort(key=lambda c: c.span.char_start)
    return final


# ----------------------------------------------------------- query targets ---

def parse_target(text: str) -> list[Citation]:
    """Normalise what a librarian types into citation targets (same reading as documents).

    >>> [c.key for c in parse_target("UNGA 70/1")]
    [('A/RES/70/1',)]
    >>> [c.key for c in parse_target("A/RES/70/1")]
    [('A/RES/70/1',)]
    >>> [c.key for c in parse_target("SDG 9")]
    [('goal', '9')]
    """
    t = " ".join(text.replace(NBSP, " ").split())
    if not t:
        return []
    # shorthands a librarian types that documents do not use
    m = re.fullmatch(r"(?:UNGA|GA|UN\s*GA|UN\s+General\s+Assembly)\s*(?:[Rr]esolution\s+)?(\d{1,3}/\d{1,4})\s*([A-Z])?", t)
    if m:
        t = f"United Nations General Assembly Resolution {m.group(1)}{(' ' + m.group(2)) if m.group(2) else ''}"
    m = re.fullmatch(r"(?:SDG\s+)?[Tt]arget\s+(\d{1,2}\.[0-9a-z]{1,2})|(\d{1,2}\.[0-9a-z]{1,2})", t)
    if m:
        return [Citation("sdg", ("target", m.group(1) or m.group(2)), text, _default_span(0, len(t)))]
    m = re.fullmatch(r"(?:SDG\s+)?(?:[Ii]ndicator\s+)?(\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})", t)
    if m:
        return [Citation("sdg", ("indicator", m.group(1)), text, _default_span(0, len(t)))]
    m = re.fullmatch(r"(?:SDG|[Gg]oal|Sustainable Development Goal)\s*(\d{1,2})", t)
    if m:
        return [Citation("sdg", ("goal", str(int(m.group(1)))), text, _default_span(0, len(t)))]
    m = re.fullmatch(r"(?:PP|WTDC|WTSA|RA|Council|WCIT|WRC)\s*(?:[Rr]esolution\s+)?(\d{1,4})", t, re.I)
    if m:
        body = t.split()[0].lower()
        return [Citation("itu-resolution", (body if body != "ra" else "ra", m.group(1)), text, _default_span(0, len(t)))]
    found = [c for c in find_citations(t) if c.status in ("current", "inserted", "uncertain")]
    return found
