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

Besides resolutions, UN documents and SDGs it reads ITU-D Questions ("Question 221/1" is
22-1/1 with its hyphen lost), JIU reports, WTDC action plans and declarations with their
objectives and outputs ("Objective 32 of the DubaiBuenos Aires Action Plan" is old
Objective 3 of the Dubai plan and new Objective 2 of the Buenos Aires one), the ITU
strategic plan and its goals, ITR articles and instruments named by title
(``data/reference/aliases.csv``).  :func:`resolve_internal_references` reads references
inside a resolution ("considering b), c), and h) and i) above", "resolves 2 1 to 13 11",
"bearing in mind above") once its clauses are numbered.

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

from .model import Citation, Finding, InternalReference, Revision, Span
from .reference import aliases, bodies_for, conferences, known_places

NBSP = "\u00a0"

# ----------------------------------------------------------- prefilters ---
#
# Most lines cite nothing, and a regular expression costs time at every position of the
# text it scans.  Before a regex scans a text, :func:`_may_match` checks (with ``in``, at C
# speed) the literal words that every match of that regex must contain, read from the
# regex itself (:func:`_required`): "Resolution" for ``[Rr]esolution`` is "esolution",
# ``Action\s+Plan|Declaration`` needs "Action" or "Declaration".  A text without them
# cannot match, so skipping the scan changes nothing; a text with them is scanned as before.

try:   # Python 3.11+
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:   # pragma: no cover - Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

#: characters other than ASCII that a case-insensitive ASCII letter matches although their
#: ``str.lower()`` is not that letter (dotted/dotless i, long s, Kelvin sign): a text holding
#: one is always scanned by a case-insensitive regex
_CASE_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")
_REPEATS = (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) + ((_sre_c.POSSESSIVE_REPEAT,) if hasattr(_sre_c, "POSSESSIVE_REPEAT") else ())


def _score(clause: frozenset) -> tuple:
    """How rarely a condition holds, roughly: long words, and digits or punctuation (rarer
    than letters in prose: "wsis+10" before "implementation"), in few alternatives."""
    return (min(len(x) + 3 * sum(1 for ch in x if not ch.isalpha()) for x in clause), -len(clause))


def _cnf(items, ic: bool) -> list[frozenset]:
    """Conditions every match of the parsed ``items`` meets: a list of sets of strings, each
    set meaning "the matched text contains one of these" (lower-case when ``ic``).
    Conservative: what it does not understand adds no condition."""
    out: list[frozenset] = []
    run: list[str] = []

    def flush():
        if run:
            out.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            ch = chr(av)
            if ic and not ch.isascii():   # case folding beyond ASCII: not a literal to test
                flush()
                continue
            run.append(ch.lower() if ic else ch)
            continue
        flush()
        if op is _sre_c.SUBPATTERN:
            _group, add, dele, sub = av
            if not ((add | dele) & re.IGNORECASE):
                out += _cnf(sub, ic)
        elif op in _REPEATS:
            lo, _hi, sub = av
            if lo >= 1:
                out += _cnf(sub, ic)
        elif op is _sre_c.BRANCH:
            alts: set = set()
            for b in av[1]:
                cs = _cnf(b, ic)
                if not cs:
                    alts = set()
                    break
                alts |= max(cs, key=_score)
            if alts:
                out.append(frozenset(alts))
        elif getattr(_sre_c, "ATOMIC_GROUP", None) is not None and op is _sre_c.ATOMIC_GROUP:
            out += _cnf(av, ic)
        # anything else (classes, anchors, lookarounds, back-references): no condition
    flush()
    return out


@lru_cache(maxsize=4096)
def _required(pattern: str, flags: int) -> tuple[bool, tuple[tuple[str, ...], ...]]:
    """(case-insensitive?, up to three conditions, most selective first) for a regex."""
    try:
        parsed = _sre_p.parse(pattern, flags)
        ic = bool(parsed.state.flags & re.IGNORECASE)
        cnf = _cnf(list(parsed), ic)
    except Exception:   # never let the prefilter break a scan: no condition, always scan
        return False, ()
    best = sorted(set(cnf), key=_score, reverse=True)[:4]
    return ic, tuple(tuple(sorted(c, key=len, reverse=True)) for c in best)


_FILTERS: dict[int, tuple] = {}   # id(regex) -> (regex, case-insensitive?, conditions)


def _filter_of(rx: re.Pattern) -> tuple:
    e = _FILTERS.get(id(rx))   # by id: hashing a compiled regex hashes its whole code
    if e is None or e[0] is not rx:
        if len(_FILTERS) > 4096:
            _FILTERS.clear()
        e = _FILTERS[id(rx)] = (rx,) + _required(rx.pattern, rx.flags)
    return e


def _holds(conds: tuple, text: str) -> bool:
    """Whether ``text`` contains, for each condition, one of its strings."""
    for cond in conds:
        for s in cond:
            if s in text:
                break
        else:
            return False
    return True


def _may_match(rx: re.Pattern, text: str) -> bool:
    """False only when ``rx`` cannot match anywhere in ``text`` (see :func:`_required`)."""
    _rx, ic, conds = _filter_of(rx)
    if not conds:
        return True
    if ic:
        if not text.isascii() and _CASE_SPECIAL.search(text):
            return True
        text = text.lower()
    return _holds(conds, text)


def _finditer(rx: re.Pattern, text: str):
    """``rx.finditer(text)``, skipped when the text lacks what every match needs
    (:func:`_may_match`, inlined: this runs for every regex of every line that cites)."""
    e = _FILTERS.get(id(rx))
    if e is None or e[0] is not rx:
        e = _filter_of(rx)
    conds = e[2]
    if conds:
        low = text
        if e[1]:
            if not text.isascii() and _CASE_SPECIAL.search(text):
                return rx.finditer(text)
            low = text.lower()
        for cond in conds:
            for s in cond:
                if s in low:
                    break
            else:
                return ()
    return rx.finditer(text)

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
                known = lambda pairs: sum(1 for p, y in pairs if _bodies(p, y))  # noqa: E731
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


_BODIES: list = [None, None, {}]   # [conferences() read, bodies_for used, (place, year, revision) -> bodies]


def _bodies(place: str, year: str, revision: bool = False) -> list[str]:
    """:func:`~pipeline.reference.bodies_for`, remembered: it reads every conference on each
    call, and the same few places and years come back on every line that cites one.
    Read-only: callers never change the list.  Forgotten when the conference list or
    ``bodies_for`` itself is replaced."""
    confs = conferences()
    if _BODIES[0] is not confs or _BODIES[1] is not bodies_for:
        _BODIES[:] = [confs, bodies_for, {}]
    memo = _BODIES[2]
    key = (place, year, revision)
    hit = memo.get(key)
    if hit is None:
        if len(memo) > 4096:   # places are read from documents: keep the memo bounded
            memo.clear()
        hit = memo[key] = bodies_for(place, year, revision=revision)
    return hit


def is_known_conference(rev: Revision) -> bool:
    return bool(_bodies(rev.place, rev.year))


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

_BODY_BEFORE_RE = re.compile(r"(?P<b>\bWTDC(?:-\d\d)?|\bWTSA(?:-\d\d)?|\bCouncil|\bPP(?:-\d\d)?|\bWCIT(?:-\d\d)?)"
                             r"(?:,?\s+including|,?\s+in\s+particular)?\s+$", re.I)


_BODY_AFTER_COMPILED = [(re.compile(pat, re.I), body) for pat, body in _BODY_AFTER]


def _body_from_phrase(phrase: str) -> str:
    stripped = phrase.strip()
    for rx, body in _BODY_AFTER_COMPILED:
        if rx.fullmatch(stripped):
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
    for m in _finditer(_UN_TOKEN, text):
        sym = m.group("sym")
        start, end = m.start("sym"), m.end("sym")
        left = text[max(0, start - 80):start]
        sa, sb = _sentence_bounds(text, start)
        sentence = text[sa:sb]
        # not UN documents: ITU-D Questions (Question 221/1), dates of Recommendations "(05/2013)"
        if re.search(r"Questions?\s+(?:[\d/]+\s*(?:,|and)\s*)*$", left):
            continue
        parts = re.sub(r"^(?:A/(?:RES|Res|res)/|A/HRC/|A/|E/(?:RES|Res)/)", "", sym).split()[0].split("/")
        if len(parts) == 2 and len(parts[1]) == 4 and 1 <= int(parts[0]) <= 12 and text[start - 1:start] == "(":
            continue  # a date such as (05/2013)
        suffix = m.group("suffix") or ""
        note = []
        explicit = sym.upper().startswith(("A/", "E/"))
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            # "70/1x": a symbol with stray characters is not well-formed; never read as 70/1
            if explicit or _RESOLUTION_WORD.search(left[-40:]) or _GA_CONTEXT.search(left):
                stray = re.match(r"\w+", text[end:]).group(0)
                out.append(Citation("un", (None,), sym + stray, mk(base + start, base + end + len(stray)), "uncertain",
                                    note=f"symbol {sym + stray!r} has stray characters after {sym!r}; not a well-formed UN symbol"))
            continue
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
                # not a UN symbol and not a readable glue of two: a broken reference, never a minted symbol
                pairs = [(None, "uncertain")]
                note.append(f"three-part symbol {sym!r} is not a well-formed UN symbol nor two glued ones")
        else:
            pairs = [((parts[0], parts[1]), "current")]
        for ab, status in pairs:
            if ab is None:
                out.append(Citation("un", (None,), sym, mk(base + start, base + end), status, note="; ".join(note)))
                continue
            a, b = ab
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


class _Hit:
    """One "Resolution(s) N (…)" match, or a continuation "… and 69 (Rev. …)" after one."""

    def __init__(self, text: str, a: int, b: int, groups: dict, spans: dict):
        self._text, self._a, self._b, self._g, self._s = text, a, b, groups, spans

    def group(self, name=0):
        return self._text[self._a:self._b] if name == 0 else self._g.get(name)

    def start(self, name=None):
        return self._a if name is None else self._s[name]

    def end(self):
        return self._b


_ITU_CONT_RE = re.compile(r"\s*(?:,\s*)?and\s+(?P<nums>\d{1,4})(?![\d/])\s*\((?P<rev>[^()]*\d{4}[^()]*)\)")


def _itu_hits(text: str):
    """Matches of :data:`_ITU_RE`, each followed by its continuations: in "Resolutions 45 (Rev.
    Dubai, 2014) and 69 (Rev. Buenos Aires, 2017)" the bare 69 with its own revision is a
    resolution too (same word, its own revision)."""
    for m in _finditer(_ITU_RE, text):
        yield m
        if not m.group("rev"):
            continue
        end = m.end()
        while True:
            c = _ITU_CONT_RE.match(text, end)
            if not c:
                break
            yield _Hit(text, c.start("nums"), c.end(), {"word": m.group("word"), "itur": m.group("itur"),
                                                        "nums": c.group("nums"), "rev": c.group("rev")},
                       {"nums": c.start("nums")})
            end = c.end()


def _itu_citations(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    out: list[Citation] = []
    head_body = None   # the body a head match states in words, shared by its continuations
    for m in _itu_hits(text):
        cont = isinstance(m, _Hit)
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
        if not cont:
            head_body = body
        elif body is None and head_body is not None and (new is None or head_body in _bodies(new.place, new.year)):
            body = head_body
            notes.append(f"body of the list it continues ({head_body.upper()})")
        if body is None and new is not None:
            # WRC resolutions are cited "(Rev.WRC-15)", never by place and year
            cands = [b for b in _bodies(new.place, new.year, revision=new.rev) if b != "wrc"]
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
    for m in _finditer(_SDG_GOAL_RE, text):
        g = m.group("g1") or m.group("g2") or m.group("g3")
        # "SDG 18" is read too: the registry calls it broken (there are 17 goals) and the
        # mapping reports it, rather than passing over it in silence
        note = None if 1 <= int(g) <= 17 else f"there is no SDG {int(g)} (the goals are 1-17)"
        out.append(Citation("sdg", ("goal", str(int(g))), m.group(0), mk(base + m.start(), base + m.end()), note=note))
    for m in _finditer(_SDG_TARGET_RE, text):
        # "Target 1.1" is also how the ITU strategic plan numbers its own targets: only an
        # explicit SDG, a letter target (9.c) or the SDGs named nearby make it an SDG target
        code = m.group("t")
        near = text[max(0, m.start() - 120):m.end() + 60]
        if not (m.group(0).startswith("SDG") or code.split(".")[1].isalpha()
                or re.search(r"SDG|Sustainable\s+Development\s+Goal", near)):
            continue
        out.append(Citation("sdg", ("target", code), m.group(0), mk(base + m.start(), base + m.end())))
    for m in _finditer(_SDG_INDICATOR_RE, text):
        out.append(Citation("sdg", ("indicator", m.group("i")), m.group(0), mk(base + m.start(), base + m.end())))
    for m in _finditer(_SDG_INDICATOR_LIST_RE, text):   # "five SDG indicators (4.4.1, 5.b.1, … and 17.8.1)"
        for im in re.finditer(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}", m.group("list")):
            a = m.start("list") + im.start()
            out.append(Citation("sdg", ("indicator", im.group(0)), im.group(0), mk(base + a, base + a + len(im.group(0)))))
    return out


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


# ---------------------------------------------------- other instruments ---

_ITUT = r"ITU[\-\u2011]?(?P<sector>[TRD])"
_REC_RE = re.compile(r"(?:(?P<sup>Supplement)\s+(?P<supn>\d+)\s+to\s+)?Recommendations?\s+" + _ITUT + r"\s+(?P<rec>[A-Z]\.\d+(?:\.\d+)*)")
_SERIES_SUPPL_RE = re.compile(r"\bSupplement\s+(?P<supn>\d+)\s+to\s+the\s+" + _ITUT + r"\s+Series\s+(?P<series>[A-Z])\s+[Rr]ecommendations")
_DECISION_RE = re.compile(r"\b(?P<word>Decisions?)\s+(?P<nums>" + _NUM_LIST + r")(?:\s*\((?P<rev>[^()]*\d{4}[^()]*)\))?")
_OPINION_RE = re.compile(r"\bOpinions?\s+(?P<n>\d{1,2})\s*\((?P<rev>[^()]*\d{4})\)\s+of\s+(?:the\s+)?(?:World\s+Telecommunication(?:/ICT|/Information\s+and\s+Communication\s+Technology(?:\s*\(ICT\))?)?\s+Policy\s+Forum|WTPF)")
_COUNCIL_DOC_RE = re.compile(r"(?<![\w/])C(?P<yy>\d{2})/(?P<n>\d{1,3})(?:\s*\((?P<rev>Rev\.\d+)\))?(?![\d/])")
_CS_CV = r"(?:(?:the\s+)?ITU\s+(?P<w1>Constitution|Convention)|(?:the\s+)?(?P<w2>Constitution|Convention)\s+of\s+(?:the\s+)?(?:ITU|International\s+Telecommunication\s+Union|Union)|the\s+(?P<w3>Constitution|Convention)(?!\s+on\b))"
_PROVISION_RE = re.compile(r"\b(?P<kind>No\.|Article)\s*(?P<n>\d{1,3}[A-Z]?)(?:,[^;,]{0,40}?,|\s+[A-Z][^;,()]{0,40}?)?\s+(?:in\s+Article\s+\d+\s+)?of\s+" + _CS_CV)
_CS_CV_RE = re.compile(r"\b" + _CS_CV + r"\b")
_WSIS_DOCS = [
    ("tunis-agenda", r"Tunis\s+Agenda(?:\s+for\s+the\s+Information\s+Society)?"),
    ("geneva-plan-of-action", r"(?:WSIS\s+)?Geneva\s+(?:Plan\s+of\s+Action|Action\s+Plan)"),
    ("geneva-declaration", r"(?:Geneva|WSIS)\s+Declaration\s+of\s+Principles"),
    ("geneva-plan-of-action", r"(?<=Declaration\sof\sPrinciples\sand\s)Plan\s+of\s+Action"),
    ("tunis-commitment", r"Tunis\s+Commitment"),
    ("wsis+10-statement", r"(?:WSIS\+10\s+)?Statement\s+on\s+(?:the\s+)?[Ii]mplementation\s+of\s+(?:the\s+)?WSIS\s+[Oo]utcomes"),
    ("wsis+10-vision", r"(?:WSIS\+10\s+)?Vision\s+for\s+WSIS\s+Beyond\s+2015|WSIS\s+Vision\s+Beyond\s+2015"),
    ("wsis+10-outcome-documents", r"WSIS\+10(?:\s+High-Level\s+Event)?\s+outcome\s+documents"),
]
_AL_ITEM = r"C\d{1,2}(?:\s*\([^()]*\))?"
_ACTION_LINES_RE = re.compile(r"\bAction\s+Lines?\s+(?P<list>" + _AL_ITEM + r"(?:\s*(?:,|and|,\s*and)\s*" + _AL_ITEM + r")*)")
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
    for m in _finditer(_DECISION_RE, text):
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
                cands = [b for b in _bodies(rev.place, rev.year) if b != "wrc"]
                if len(cands) == 1:
                    body = cands[0]
                    notes.append(f"body not stated; {rev.place} {rev.year} was only {cands[0].upper()}")
        for n in re.findall(r"\d{1,4}", m.group("nums")):
            out.append(Citation("itu-decision", (body or "unknown", n), m.group(0), sp(m),
                                "current" if body else "uncertain", revision=rev,
                                note="; ".join(notes + ([] if body else ["body not stated"])) or None))
    for m in _finditer(_OPINION_RE, text):
        _o, rev, notes = parse_revisions(m.group("rev"))
        if rev is None:
            continue
        out.append(Citation("wtpf-opinion", ("wtpf", m.group("n")), m.group(0), sp(m), revision=rev,
                            note="WTPF opinions are numbered afresh at each forum; the forum is part of the identity"))
    for m in _finditer(_COUNCIL_DOC_RE, text):
        left = text[max(0, m.start() - 40):m.start()]
        if not re.search(r"Council|Documents?\s+(?:C\d\d/\d+\s*(?:,|and)\s*)*$", left):
            continue
        out.append(Citation("council-document", (f"C{m.group('yy')}/{m.group('n')}",), m.group(0), sp(m)))
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
    whole_docs: list[tuple[int, int, Citation]] = []
    for key, rx in _WSIS_RES:
        for m in _finditer(rx, text):
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
                whole_docs.append((m.start(), m.end(), out[-1]))
    for m in _finditer(_ACTION_LINES_RE, text):
        for al in re.findall(r"(?<![(\w])C\d{1,2}\b", re.sub(r"\([^()]*\)", lambda x: " " * len(x.group(0)), m.group("list"))):
            out.append(Citation("wsis", ("action-line", al), m.group(0), sp(m)))
        # "Action Lines C2, C5 and C6 of the Tunis Agenda": the document only says where the lines stand
        of = re.match(r"\s+(?:of|in)\s+(?:the\s+)?", text[m.end():])
        if of:
            for a, _b, c in whole_docs:
                if a == m.end() + of.end() or a == m.end() + of.end() - 4:
                    out.remove(c)
    # "the Tunis Agenda stated that "…" (§ 102b))": a paragraph given after a quotation
    for pm in re.finditer(r"\(§\s*(?P<n>\d{1,3})\s*(?P<l>[a-z])?\)?\)", text):
        a, _b = _sentence_bounds(text, pm.start())
        prior = [w for w in whole_docs if a <= w[0] < pm.start() and w[2] in out]
        if len(prior) != 1 or any(w[0] <= pm.start() < w[1] for w in whole_docs):
            continue
        c = prior[0][2]
        para = pm.group("n") + (f"-{pm.group('l')}" if pm.group("l") else "")
        out[out.index(c)] = Citation("wsis", (c.key[0], para), c.printed + " … " + pm.group(0), sp(pm),
                                     note="paragraph printed in parentheses after a quotation of the document named before it")
    for key, rx in _OTHER_RES:
        for m in _finditer(rx, text):
            out.append(Citation("instrument", ("itu", key), m.group(0), sp(m)))
    return out


# ------------------------------------- ITU-D questions, JIU reports, plans ---

_QUESTION_RE = re.compile(
    r"(?:(?P<pre>ITU[\-\u2011]?(?P<sector>[DTR]))\s+)?\bQuestions?\s+(?:ITU[\-\u2011]?(?P<sector2>[DTR])\s+)?"
    r"(?P<num>\d{1,3})(?:[\-\u2011](?P<rev>\d))?/(?P<sg>\d{1,2})(?![\d/])")
_QUESTION_MORE_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)(?P<num>\d{1,3})(?:[\-\u2011](?P<rev>\d))?/(?P<sg>\d{1,2})(?![\d/])")
_SECTOR_AFTER_RE = re.compile(r"^\s*(?:\([^()]{0,200}\)\s*)?of\s+(?:the\s+)?(?:ITU\s+Telecommunication\s+Development\s+Sector|ITU[\-\u2011]?D\b)")
_SECTOR_CONTEXT = {"itu-d": re.compile(r"\bITU[\-\u2011]?D\b|\bWTDC|\bBDT\b|Telecommunication\s+Development"),
                   "itu-t": re.compile(r"\bITU[\-\u2011]?T\b|\bWTSA|\bTSB\b|Telecommunication\s+Standardization"),
                   "itu-r": re.compile(r"\bITU[\-\u2011]?R\b|\bBR\b|Radiocommunication")}


def _question_citations(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    """"ITU-D Question 3/2", "Question 22-1/1" (printed "221/1": the non-breaking hyphen dropped).

    The sector comes from the text: a prefix (ITU-D/ITUD), "of the ITU Telecommunication
    Development Sector" after it, one sector named in the same sentence (WTDC, BDT), or the
    same question read earlier in the same resolution with its sector."""
    out: list[Citation] = []
    seen = context.setdefault("questions", {}) if context is not None else {}
    for m in _finditer(_QUESTION_RE, text):
        items = [(m.group("num"), m.group("rev"), m.group("sg"), m.start(), m.end())]
        end = m.end()
        while True:   # "Questions 1/1, 2/1 and 3/2"
            cm = _QUESTION_MORE_RE.match(text, end)
            if not cm or "Questions" not in m.group(0):
                break
            items.append((cm.group("num"), cm.group("rev"), cm.group("sg"), cm.start("num"), cm.end()))
            end = cm.end()
        letter = m.group("sector") or m.group("sector2")
        head_sector = f"itu-{letter.lower()}" if letter else None
        head_notes: list[str] = []
        if head_sector is None and _SECTOR_AFTER_RE.match(text[end:end + 260]):
            head_sector = "itu-d"
            head_notes.append("sector from 'of the ITU Telecommunication Development Sector' after the question")
        if head_sector is None:
            a, b = _sentence_bounds(text, m.start())
            named = [k for k, rx in _SECTOR_CONTEXT.items() if rx.search(text[a:b])]
            if len(named) == 1:
                head_sector = named[0]
                head_notes.append(f"sector not printed; the sentence names only {head_sector.upper()}")
        for num, rev, sg, a0, a1 in items:
            notes = list(head_notes)
            sector = head_sector
            if sector is None and (num, sg) in seen:
                sector = seen[(num, sg)]
                notes.append(f"sector not printed; Question {num}/{sg} was cited earlier in this resolution as {sector.upper()}")
            if sector == "itu-d" and rev is None and len(num) == 3 and num[-1] in "123" and int(num[:2]) <= 40:
                # ITU-D numbers its questions 1-40 per study group; "221/1" is 22-1/1 with the hyphen lost
                notes.append(f"'{num}/{sg}' read as Question {num[:2]}-{num[2]}/{sg}: the non-breaking hyphen was dropped on export")
                num, rev = num[:2], num[2]
            elif sector == "itu-d" and int(num) > 40:
                notes.append(f"ITU-D question number {num} is out of range")
                sector = None
            code = f"{num}-{rev}/{sg}" if rev else f"{num}/{sg}"
            if sector:
                seen.setdefault((num, sg), sector)
            printed = m.group(0) if len(items) == 1 else text[a0:a1]
            out.append(Citation("question", (sector or "unknown", code), printed, mk(base + a0, base + a1),
                                "current" if sector else "uncertain",
                                note="; ".join(notes + ([] if sector else ["sector not stated"])) or None))
    return out


_JIU = r"(?:(?:United\s+Nations|UN)\s+)?(?:Joint\s+Inspection\s+Unit|JIU)(?:\s*\(JIU\))?"
_JIU_YEAR_RE = re.compile(r"\b(?P<y1>(?:19|20)\d\d)(?:\s+and\s+(?P<y2>(?:19|20)\d\d))?\s+" + _JIU + r"\s+reports?\b")
_JIU_PUBLISHED_RE = re.compile(r"\breport\s+(?:of|by)\s+the\s+" + _JIU + r"[^;]{0,200}?,?\s+published\s+in\s+(?P<y1>(?:19|20)\d\d)")
_JIU_ITS_RE = re.compile(r"\bits\s+(?P<y1>(?:19|20)\d\d)\s+reports?\b")
_JIU_SYMBOL_RE = re.compile(r"\bJIU/REP/(?P<y1>(?:19|20)\d\d)/(?P<n>\d{1,2})\b")


def _jiu_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """Reports of the UN Joint Inspection Unit, by symbol (JIU/REP/2016/1) or, as the seed
    prints them, by year ("the 2009 United Nations Joint Inspection Unit report")."""
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for rx, how in ((_JIU_SYMBOL_RE, "symbol"), (_JIU_YEAR_RE, "year"), (_JIU_PUBLISHED_RE, "year"), (_JIU_ITS_RE, "its")):
        for m in _finditer(rx, text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if how == "its" and not re.search(_JIU, text[:m.start()]):
                continue   # "its 2009 report" is a JIU report only after the JIU was named
            sp = mk(base + m.start(), base + m.end())
            if how == "symbol":
                out.append(Citation("jiu-report", (m.group("y1"), m.group(0)), m.group(0), sp))
            else:
                for y in (m.group("y1"), m.groupdict().get("y2")):
                    if y:
                        out.append(Citation("jiu-report", (y, None), m.group(0), sp,
                                            note="JIU report cited by year; its JIU/REP symbol is not printed"))
            taken.append((m.start(), m.end()))
    return out


@lru_cache(maxsize=1)
def _wtdc_places() -> dict[str, list[str]]:
    from .reference import conferences
    out: dict[str, list[str]] = {}
    for c in conferences():
        if c.body == "wtdc":
            out.setdefault(c.place, []).append(c.year)
    return out


def _wtdc_place_re() -> str:
    places = sorted(_wtdc_places(), key=len, reverse=True)
    one = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in places)
    return rf"(?:{one})(?:\s*(?:{one}))?"


def _split_wtdc_places(raw: str) -> list[str]:
    low = " ".join(raw.split())
    out = []
    while low:
        for p in sorted(_wtdc_places(), key=len, reverse=True):
            if low.lower().startswith(p.lower()):
                out.append(p)
                low = low[len(p):].strip()
                break
        else:
            break
    return out


def _wtdc_years(text: str) -> set[str]:
    """Years of the WTDCs named in ``text`` ("WTDC-17", "WTDC1417", "2017 World Telecommunication Development Conference")."""
    ys = set()
    for m in re.finditer(r"WTDC[\-\u2011]?(\d\d)(\d\d)?\b", text):
        ys |= {"20" + y for y in m.groups() if y}
    for m in re.finditer(r"\b((?:19|20)\d\d)\s+(?:World\s+Telecommunication\s+Development\s+Conference|WTDC)", text):
        ys.add(m.group(1))
    return ys


def _plan_versions(places: list[str], text: str) -> tuple[list[tuple[str, str | None, str]], list[str]]:
    """[(place, year, status)] for one printed plan name; two glued places are a flattened
    change, the older WTDC deleted and the later inserted, whatever order they were printed in."""
    notes: list[str] = []
    if len(places) == 2:
        pairs = [(p, y) for p in places for y in _wtdc_places()[p]]
        # the pair of conferences closest in time, the earlier first
        cands = [(a, b) for a in pairs for b in pairs if a[0] == places[0] and b[0] == places[1] and a[1] != b[1]]
        if not cands:   # "Dubai Dubai": a doubled word, not two conferences
            notes.append(f"'{' '.join(places)}' names the same WTDC twice")
            return [(places[0], None, "uncertain")], notes
        best = min(cands, key=lambda ab: abs(int(ab[0][1]) - int(ab[1][1])))
        old, new = sorted(best, key=lambda x: x[1])
        notes.append(f"glued '{' '.join(places)}': {old[0]} {old[1]} (deleted) → {new[0]} {new[1]} (inserted)"
                     + (" (printed new first)" if places[0] == new[0] else ""))
        return [(old[0], old[1], "deleted"), (new[0], new[1], "inserted")], notes
    place = places[0]
    years = _wtdc_places()[place]
    if len(years) == 1:
        return [(place, years[0], "current")], notes
    named = [y for y in years if y in _wtdc_years(text)]
    if len(named) == 1:
        notes.append(f"WTDCs met at {place} in {', '.join(years)}; the text names WTDC {named[0]}")
        return [(place, named[0], "current")], notes
    notes.append(f"WTDCs met at {place} in {', '.join(years)}; the text does not say which")
    return [(place, None, "uncertain")], notes


def _objective_pair(raw: str, glued_plan: bool) -> list[tuple[str, str]] | None:
    """"3" → [("3", "both")]; "3 2" or (with a glued plan) "32" → old 3, new 2."""
    raw = raw.strip()
    if " " in raw:
        a, b = raw.split()
        return [(a, "old"), (b, "new")]
    if len(raw) == 2 and glued_plan and raw[0] != raw[1] and all(1 <= int(d) <= 9 for d in raw):
        return [(raw[0], "old"), (raw[1], "new")]
    if len(raw) <= 2 and int(raw) <= 10:
        return [(raw, "both")]
    return None


_PLAN_RE: re.Pattern | None = None


def _plan_re() -> re.Pattern:
    global _PLAN_RE
    if _PLAN_RE is None:
        _PLAN_RE = re.compile(
            r"(?:(?:Output\s+(?P<out>\d{1,2}\.\d{1,2})\s+of\s+)?Objective\s+(?P<obj>\d{1,2}(?:\s\d)?)\s+of\s+)?"
            r"(?:the\s+|its\s+)?(?:(?P<year>(?:19|20)\d\d)\s+)?(?:WTDC[\-\u2011]?\d\d(?:\s?\d\d)?\s+)?"
            r"(?P<places>" + _wtdc_place_re() + r")\s+(?P<what>Action\s+Plan|Declaration)\b")
    return _PLAN_RE


_OBJECTIVE_ALONE_RE = re.compile(r"\b(?:its\s+)?Objective\s+(?P<obj>\d{1,2}(?:\s\d(?!\d))?)\b(?!\s?\d)(?!\s+of\b)(?P<outs>(?:,?\s+in\s+particular)?\s+Output\s+(?P<out>\d{1,2}\.\d{1,2}))?")


def _plan_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """WTDC action plans and declarations ("the Dubai Buenos Aires Action Plan", "Objective 3 2
    of the Dubai Buenos Aires Action Plan", "Output 4.4 of Objective 4 of …"), and a bare
    "Objective 32" in a sentence that names its plan or its WTDC."""
    out: list[Citation] = []
    last_plans: list[tuple[int, list[tuple[str, str | None, str]], bool]] = []
    for m in _finditer(_plan_re(), text):
        places = _split_wtdc_places(m.group("places"))
        if not places:
            continue
        a, b = _sentence_bounds(text, m.start())
        versions, notes = _plan_versions(places, text[a:b])
        if m.group("year") and len(places) == 1:
            ys = _wtdc_places()[places[0]]
            if m.group("year") in ys:
                versions = [(places[0], m.group("year"), "current")]
            else:
                notes.append(f"no WTDC met at {places[0]} in {m.group('year')}")
                versions = [(places[0], None, "uncertain")]
        sp = mk(base + m.start(), base + m.end())
        if m.group("what").startswith("Declaration"):
            for place, year, status in versions:
                # without a year the declaration is named but not identified: kept as uncertain, never linked
                key = f"{slug_place(place)}-declaration" + (f"-{year}" if year else "")
                out.append(Citation("instrument", ("wtdc", key), m.group(0), sp, status if year else "uncertain",
                                    note="; ".join(notes) or None))
            continue
        glued = len(places) == 2
        last_plans.append((m.end(), versions, glued))
        objs = _objective_pair(m.group("obj"), glued) if m.group("obj") else [(None, "both")]
        if objs is None:
            notes.append(f"objective number {m.group('obj')!r} not understood")
            objs = [(None, "both")]
        if m.group("obj") and len(objs) == 2:
            notes.append(f"objective {m.group('obj')!r} read as old Objective {objs[0][0]} → new Objective {objs[1][0]}")
        for place, year, status in versions:
            for obj, which in objs:
                if which == "old" and status == "inserted" or which == "new" and status == "deleted":
                    continue
                st = status
                if which in ("old", "new") and status == "current":
                    st = "deleted" if which == "old" else "inserted"
                key = ["wtdc", f"{slug_place(place)}-{year}" if year else slug_place(place)]
                outp = m.group("out")
                if obj:
                    key.append(f"objective-{obj}")
                    if outp:
                        if outp.split(".")[0] == obj:
                            key.append(f"output-{outp}")
                        elif st != "deleted":
                            notes.append(f"Output {outp} belongs to Objective {outp.split('.')[0]}, not to the new Objective {obj}: left standing from the old text; not linked")
                out.append(Citation("action-plan", tuple(key), m.group(0), sp, st if year else "uncertain",
                                    note="; ".join(notes) or None))
    for m in _finditer(_OBJECTIVE_ALONE_RE, text):
        if m.group("obj") is None:
            continue
        prior = [p for p in last_plans if p[0] <= m.start()]
        a, b = _sentence_bounds(text, m.start())
        notes: list[str] = []
        if prior:
            _end, versions, glued = prior[-1]
            notes.append("plan of the objective: the action plan named before it")
        else:
            ys = sorted(_wtdc_years(text[a:b]))
            if not ys:
                continue
            by_year = {y: p for p, yy in _wtdc_places().items() for y in yy}
            vs = [(by_year[y], y) for y in ys if y in by_year]
            if not vs:
                continue
            glued = len(vs) == 2
            versions = ([(vs[0][0], vs[0][1], "deleted"), (vs[1][0], vs[1][1], "inserted")] if glued
                        else [(vs[0][0], vs[0][1], "current")] if len(vs) == 1 else [])
            notes.append(f"plan of the objective: the action plan of WTDC {'/'.join(ys)}, named in the same sentence")
        objs = _objective_pair(m.group("obj"), glued)
        if not objs or not versions:
            continue
        sp = mk(base + m.start(), base + m.start() + len(m.group(0)) - len(m.group("outs") or ""))
        for place, year, status in versions:
            for obj, which in objs:
                if which == "old" and status == "inserted" or which == "new" and status == "deleted":
                    continue
                st = status if which == "both" else ("deleted" if which == "old" else "inserted")
                out.append(Citation("action-plan", ("wtdc", f"{slug_place(place)}-{year}", f"objective-{obj}"), m.group(0), sp, st,
                                    note="; ".join(notes) or None))
                if m.group("out"):
                    outp = m.group("out")
                    po = outp.split(".")[0]
                    osp = mk(base + m.start("out"), base + m.end("out"))
                    if po == obj and which == "both":
                        out.append(Citation("action-plan", ("wtdc", f"{slug_place(place)}-{year}", f"objective-{obj}", f"output-{outp}"),
                                            f"Output {outp}", osp, st, note="; ".join(notes) or None))
                    elif po == obj:
                        # the output number was left standing next to a renumbered objective
                        out.append(Citation("action-plan", ("wtdc", f"{slug_place(place)}-{year}", f"objective-{obj}", f"output-{outp}"),
                                            f"Output {outp}", osp, "uncertain",
                                            note="; ".join(notes + [f"Output {outp} of old Objective {obj} left standing next to the renumbered objective"])))
    return out


def slug_place(place: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", place.lower().replace("ó", "o")).strip("-")


_PERIOD = r"(?P<period>(?:19|20)\d\d\s*[-–]?\s*(?:19|20)\d\d(?:\s?(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)?)"
_STRATEGIC_PLAN_RE = re.compile(
    r"\bthe\s+(?:ITU\s+)?[Ss]trategic\s+(?:[Pp]lans?|framework)(?:\s+and\s+financial\s+plans?)?"
    r"(?:\s+(?:for|of)\s+the\s+Union)?(?:\s+(?:for\s+(?:the\s+(?:period\s+)?)?)?" + _PERIOD + r")?")
_STRATEGIC_GOAL_RE = re.compile(r"^\W*Goal\s+(?P<n>\d)\s*:\s*\w")


def _periods(raw: str) -> tuple[list[tuple[str, str]], list[str]]:
    ys = re.findall(r"(?:19|20)\d\d", raw)
    if len(ys) == 2 and int(ys[1]) - int(ys[0]) in (3, 4):
        note = [f"'{raw}' read as {ys[0]}-{ys[1]}: the non-breaking hyphen was dropped"] if not re.search(r"[-–]", raw) else []
        return [(f"{ys[0]}-{ys[1]}", "current")], note
    if len(ys) == 4:
        return ([(f"{ys[0]}-{ys[1]}", "deleted"), (f"{ys[2]}-{ys[3]}", "inserted")],
                [f"glued periods '{raw}' read as {ys[0]}-{ys[1]} (deleted) → {ys[2]}-{ys[3]} (inserted)"])
    return [], [f"period {raw!r} not understood"]


def _strategic_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """The ITU strategic plan ("the strategic plan for the Union for 2016-2019", glued
    "2016-20192020-2023", "20162019" with its hyphen lost) and strategic goals listed as
    "Goal 1: Growth"."""
    out: list[Citation] = []
    for m in _finditer(_STRATEGIC_PLAN_RE, text):
        sp = mk(base + m.start(), base + m.end())
        if m.group("period"):
            periods, notes = _periods(m.group("period"))
            if not periods:
                out.append(Citation("strategic-plan", ("plan", None, None), m.group(0), sp, "uncertain", note="; ".join(notes)))
            for period, status in periods:
                out.append(Citation("strategic-plan", ("plan", period, None), m.group(0), sp, status, note="; ".join(notes) or None))
        else:
            out.append(Citation("strategic-plan", ("plan", None, None), m.group(0), sp,
                                note="no period printed: which strategic plan is not stated"))
    m = _STRATEGIC_GOAL_RE.match(text)
    if m and not re.search(r"SDG|Sustainable\s+Development", text):
        out.append(Citation("strategic-plan", ("goal", None, m.group("n")), text[m.start("n") - 5:m.end("n")].strip(),
                            mk(base + m.start("n"), base + m.end("n")),
                            note="ITU strategic goal listed by number and title; the plan period is not printed"))
    return out


_TENS = {"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_TENTHS = {"fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80}
_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9}
_ORDINAL = r"(?:(?:forty|fifty|sixty|seventy|eighty)[\s\-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|(?:fortieth|fiftieth|sixtieth|seventieth|eightieth)|\d{1,2}(?:st|nd|rd|th))"
_CSW = r"(?:the\s+)?Commission\s+on\s+the\s+Status\s+of\s+Women"
_CSW_RE = re.compile(
    r"\b(?:the\s+)?(?:[Aa]greed\s+[Cc]onclusions\s+(?:of|adopted\s+at)|conclusions\s+agreed\s+at)\s+the\s+(?P<list>" + _ORDINAL
    + r"(?:\s*(?:,|and|,\s*and)\s*" + _ORDINAL + r")*)\s+sessions?\s+(?:on|of)\s+" + _CSW)


def _ordinal(word: str) -> int | None:
    w = word.lower().replace("\u2011", "-")
    if w[:-2].isdigit():
        return int(w[:-2])
    if w in _TENTHS:
        return _TENTHS[w]
    tens, _, unit = w.replace(" ", "-").partition("-")
    return _TENS[tens] + _UNITS[unit] if tens in _TENS and unit in _UNITS else None


def _csw_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """"the Agreed Conclusions of the sixty-first and sixty-second session on the Commission on
    the Status of Women": one citation per session's agreed conclusions (no symbol printed)."""
    out = []
    for m in _finditer(_CSW_RE, text):
        for om in re.finditer(_ORDINAL, m.group("list")):
            n = _ordinal(om.group(0))
            if n is None:
                continue
            out.append(Citation("instrument", ("un", f"CSW{n}-agreed-conclusions"), m.group(0),
                                mk(base + m.start(), base + m.end()),
                                note=f"agreed conclusions of the {n}th session of the Commission on the Status of Women; symbol not printed"))
    return out


_ITR_RE = re.compile(r"\bInternational\s+Telecommunication\s+Regulations(?P<after>[^;]{0,120})")


def _itr_articles(text: str, mk: SpanMaker, base: int) -> tuple[list[Citation], list[tuple[int, int]]]:
    """"Article 6, on …, and Article 7, on …, of the International Telecommunication Regulations
    adopted by WCIT (Dubai, 2012)": articles of the ITRs of the year printed."""
    out, covered = [], []
    for m in _finditer(_ITR_RE, text):
        a, _b = _sentence_bounds(text, m.start())
        lead = text[a:m.start()]
        if not re.search(r"\bof\s+the\s*$", lead):
            continue
        years = re.findall(r"\b(1988|2012)\b|WCIT[\-\u2011]?(12)\b|WATTC[\-\u2011]?(88)\b", m.group("after"))
        ys = {("20" + y[1]) if y[1] else ("19" + y[2]) if y[2] else y[0] for y in years}
        year = ys.pop() if len(ys) == 1 else None
        arts = list(re.finditer(r"\bArticles?\s+(?P<n>\d{1,2})\b", lead))
        if not arts:
            continue
        for am in arts:
            s0 = a + am.start()
            out.append(Citation("instrument", ("itu", "itr", f"art-{am.group('n')}", year), am.group(0),
                                mk(base + s0, base + s0 + len(am.group(0))),
                                "current" if year else "uncertain",
                                note=None if year else "which edition of the ITRs (1988 or 2012) is not stated"))
        covered.append((m.start(), m.end()))
    return out, covered


_TRIGGERS = {
    "un": re.compile(r"\d/\d"),
    "itu": re.compile(r"[Rr]esolution"),
    "sdg": re.compile(r"SDG|Goal|[Tt]arget|[Ii]ndicator"),
    "instrument": re.compile(r"Recommendation|Supplement|Decision|Opinion|C\d\d/|Constitution|Convention|Tunis|Geneva|Regulations|WSIS|Action\s+Line"),
    "question": re.compile(r"Question"),
    "jiu": re.compile(r"JIU|Joint\s+Inspection"),
    "plan": re.compile(r"Action\s+Plan|Declaration|Objective"),
    "strategic": re.compile(r"[Ss]trategic\s+(?:[Pp]lan|framework)|Goal\s+\d\s*:"),
}


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


def _folded(t: str) -> str | None:
    """``t.lower()`` for the literal tests of case-insensitive regexes, or None when ``t``
    holds a character that such a regex matches beyond ``str.lower`` (then no test holds)."""
    return None if (not t.isascii() and _CASE_SPECIAL.search(t)) else t.lower()


def _alias_triggered(t: str, low: str | None = None) -> bool:
    """``_alias_trigger().search(t)``, read alias by alias: each alias's own literal words
    rule it out on most lines, where the long alternation would scan every position.
    ``low``: ``_folded(t)`` when the caller has it."""
    if not _alias_one_by_one():
        rx = _alias_trigger()
        return bool(_may_match(rx, t) and rx.search(t))
    if low is None:
        low = _folded(t)
    quick = _quick_words()
    if low is not None and quick is not None:
        for w in quick[1]:   # one of the aliases' first words, or none of them can match
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


#: (trigger, reader, whether the reader takes the resolution's context), in reading order
_FAMILIES = (("un", _un_citations, False), ("itu", _itu_citations, True), ("sdg", _sdg_citations, False),
             ("instrument", _instrument_citations, False), ("question", _question_citations, True),
             ("jiu", _jiu_citations, False), ("plan", _plan_citations, False))


@lru_cache(maxsize=1)
def _family_gates() -> tuple:
    """(trigger, its literal conditions, reader, wants context) for each family, in reading order."""
    out = []
    for family, read, wants_context in _FAMILIES:
        rx = _TRIGGERS[family]
        _rx, ic, conds = _filter_of(rx)
        out.append((rx, () if ic else conds, read, wants_context))
    return tuple(out)


@lru_cache(maxsize=1)
def _quick_words() -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Words (case-sensitive, and lower-case for the aliases) one of which a line holds when
    any family, the strategic plan, the CSW, the ITRs or an alias may be read in it; None
    when some reader has no such words (then no line is passed over)."""
    cs: set[str] = {"Status of Women", "Regulations"}
    for _rx, conds, _read, _w in _family_gates():
        if not conds:
            return None
        cs |= set(conds[0])
    _rx, ic, conds = _filter_of(_TRIGGERS["strategic"])
    if ic or not conds:
        return None
    cs |= set(conds[0])
    if not _alias_one_by_one():
        return None
    low: set[str] = set()
    for _rx, conds in _alias_gates():
        if not conds:
            return None
        low |= set(conds[0])
    return tuple(sorted(cs, key=len, reverse=True)), tuple(sorted(low, key=len, reverse=True))


def find_citations(text: str, *, base: int = 0, span: SpanMaker = _default_span,
                   context: dict | None = None) -> list[Citation]:
    """Every citation in ``text``; offsets are ``base`` + position in ``text``.

    ``context`` may carry ``default_body``/``default_number`` (the resolution a
    proposal concerns), used only for a bare "Resolution N" with nothing else to go on.
    """
    context = {} if context is None else context   # the same dict across a resolution: questions seen
    t = text.replace(NBSP, " ")
    # most lines cite nothing: one that holds none of the words any reader needs is done
    low = None
    quick = _quick_words()
    if quick is not None:
        for w in quick[0]:
            if w in t:
                break
        else:
            low = _folded(t)
            if low is not None:
                for w in quick[1]:
                    if w in low:
                        break
                else:
                    return []
    # cheap triggers first: each family costs several regexes
    cites: list[Citation] = []
    for trigger, conds, read, wants_context in _family_gates():
        for cond in conds:   # the trigger's literal words (inlined _holds)
            for w in cond:
                if w in t:
                    break
            else:
                break
        else:
            if trigger.search(t):
                cites += read(t, span, base, context) if wants_context else read(t, span, base)
    if _may_match(_TRIGGERS["strategic"], t) and _TRIGGERS["strategic"].search(t):
        sp_cites = _strategic_citations(t, span, base)
        if (context.get("default_body"), context.get("default_number")) == ("pp", "71"):
            # Resolution 71 adopts the strategic plan: its goals and "the strategic plan" are its own
            # text, not citations; only a plan of another period ("for 2016-2019") is cited there
            sp_cites = [c for c in sp_cites if c.key[0] == "plan" and c.key[1] is not None]
        cites += sp_cites
    if "Status of Women" in t or "Status\u00a0of Women" in t:
        cites += _csw_citations(t, span, base)
    if "Regulations" in t:
        arts, covered = _itr_articles(t, span, base)
        if arts:   # the articles cite the ITRs; the name after them is not a second citation
            cites = [c for c in cites if not (c.kind == "instrument" and c.key == ("itu", "itr")
                                              and any(base + a <= c.span.char_start < base + b for a, b in covered))]
            cites += arts
    if _alias_triggered(t, low):
        un_spans = {(c.span.char_start, c.span.char_end) for c in cites if c.kind == "un"}
        own = f"{context.get('default_body')}/{context.get('default_number')}"
        cites += [c for c in _alias_citations(t, span, base, own) if (c.span.char_start, c.span.char_end) not in un_spans]
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


# ------------------------------------------------------ internal references ---
#
# References from a clause to a part of the same version ("resolves 5", "considering b), c),
# and h) and i) above", "resolves 2 1 to 13 11", "bearing in mind above", "Annex 2 to this
# resolution"), resolved under the new numbering.  The parser calls
# :func:`resolve_internal_references` once the clauses of a resolution are numbered.

_REF_LABEL = r"(?:\d+(?:\.\d+)*|[a-z]{1,2}\s?\))"
_REF_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
_REF_PAIR = r"\d+(?:\.\d+)*(?:\s\d+(?:\.\d+)*)?"
_ANNEX_REF = re.compile(r"\b(?:(?P<the>the\s+)?[Aa]nnex(?:\s+(?P<n>\d+))?)\s+to\s+this\s+resolution")


def _all_clauses(clauses):
    for c in clauses:
        yield c
        yield from _all_clauses(c.children)


def resolve_internal_references(res, doc, findings: list) -> None:
    """Resolve "resolves 5", "instructs the Secretary-General 910 above", "considering c) above",
    a range "resolves 2 1 to 13 11" (flattened: old 2-13, new 1-11), a whole section
    ("described under bearing in mind above") and "Annex 2 to this resolution" to parts of
    the same version, under the new numbering.

    ``res`` is a :class:`~pipeline.model.ResolutionText` whose clauses carry their labels;
    ``doc`` gives ``text`` and ``char_span(a, b)``; findings are appended to ``findings``.
    A printed label is read against the target section: a label of the new numbering
    resolves directly; two glued labels (910) resolve when the clause now numbered 10 was
    numbered 9 before; a label that exists only in the old numbering, or not at all, is a
    finding, never a guess.  A range yields one reference per clause it covers.
    """
    sections = [s for s in res.sections if s.verb != "text"]
    if not sections:
        return
    phrases = sorted({s.verb_phrase.lower() for s in sections}, key=len, reverse=True)
    pat, range_pat, whole_pat, firsts = _ref_patterns(tuple(phrases))
    by_phrase: dict[str, list] = {}
    for s in sections:
        by_phrase.setdefault(s.verb_phrase.lower(), []).append(s)
    annex_keys = {a.key for a in res.annexes}
    cache: dict = {}   # id(section) -> its clauses by new and by former label

    def targets_of(m):
        return by_phrase.get(" ".join(m.group("sec").lower().split()), [])

    def in_dead_words(c, ref):
        if c.label is None and c.label_change in ("deleted", "uncertain") and ref.status == "current":
            ref.status = c.label_change  # in words read as deleted: not a link of the new text

    text = doc.text
    for sec in res.sections + [x for a in res.annexes for x in a.sections]:
        for c in _all_clauses(sec.clauses):
            base = c.span.char_start
            raw = text[c.span.char_start:c.span.char_end]
            starts = _phrase_starts(raw, firsts)
            if starts is not None and not starts:
                # no section's name in the clause: none of the three section patterns can match
                if "nnex" in raw:
                    _annex_refs(c, raw, base, doc, annex_keys)
                continue
            taken: list[tuple[int, int]] = []
            for m in _matches_at(range_pat, raw, starts):
                if m.group("sec").lower() == sec.verb_phrase.lower() and m.start() == 0:
                    continue
                taken.append((m.start(), m.end()))
                a = base + m.start("a")
                span = doc.char_span(a, base + m.end("b"))
                printed = f"{m.group('sec')} {m.group('a')} to {m.group('b')}"
                refs = _resolve_range(printed, m.group("sec"), m.group("a"), m.group("b"), targets_of(m), span, findings, c.text,
                                      cache)
                for ref in refs:
                    in_dead_words(c, ref)
                    c.references.append(ref)
            for m in _matches_at(pat, raw, starts):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                if m.group("sec").lower() == sec.verb_phrase.lower() and m.start() == 0:
                    continue
                taken.append((m.start(), m.end()))
                for lm in re.finditer(_REF_LABEL, m.group("labels")):
                    printed = lm.group(0).replace(" ", "")
                    a = base + m.start("labels") + lm.start()
                    span = doc.char_span(a, a + len(lm.group(0)))
                    ref = InternalReference(printed=f"{m.group('sec')} {lm.group(0)}", section_words=m.group("sec"),
                                            label=printed, span=span)
                    _resolve_ref(ref, targets_of(m), findings, c.text, cache)
                    in_dead_words(c, ref)
                    c.references.append(ref)
            for m in _matches_at(whole_pat, raw, starts):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                targets = targets_of(m)
                ref = InternalReference(printed=m.group(0), section_words=m.group("sec"), label=None,
                                        span=doc.char_span(base + m.start(), base + m.end()))
                if len(targets) == 1:
                    ref.target_section = targets[0].key    # the whole section: no clause key
                else:
                    ref.status = "ambiguous" if targets else "broken"
                    findings.append(Finding("ambiguous-reference" if targets else "dangling-reference",
                                            f"reference '{ref.printed}': {len(targets)} sections of this resolution are called '{ref.section_words}'",
                                            c.text[:200], ref.span))
                in_dead_words(c, ref)
                c.references.append(ref)
            if "nnex" in raw:   # every _ANNEX_REF match holds "[Aa]nnex"
                _annex_refs(c, raw, base, doc, annex_keys)


def _annex_refs(c, raw: str, base: int, doc, annex_keys: set) -> None:
    """References to an annex ("Annex 2 to this resolution") in the clause ``c`` (text ``raw``)."""
    for m in _ANNEX_REF.finditer(raw):
        n = m.group("n")
        key = f"annex-{n}" if n else ("annex" if "annex" in annex_keys or not annex_keys else None)
        a = base + m.start()
        ref = InternalReference(printed=m.group(0), section_words="annex", label=n,
                                span=doc.char_span(a, base + m.end()))
        if key is None and len(annex_keys) == 1:
            key = next(iter(annex_keys))
        ref.target_section = key
        if key not in annex_keys:
            ref.status = "unverified"
        elif c.label is None and c.label_change in ("deleted", "uncertain"):
            ref.status = c.label_change
        c.references.append(ref)


@lru_cache(maxsize=256)
def _ref_patterns(phrases: tuple[str, ...]):
    """The patterns of :func:`resolve_internal_references` for a resolution's section phrases
    (lower-case, longest first), and the first words of the phrases (None: not usable).

    Every match of the three patterns starts where a phrase starts: its first word (up to
    the first space; the pattern reads the spaces as ``\\s+``), case aside.  Only ASCII
    words are used (case folding beyond ASCII is not ``str.lower``)."""
    sec_re = r"(?<![\w-])(?P<sec>" + "|".join(re.escape(p).replace("\\ ", "\\s+") for p in phrases) + r")"
    pat = re.compile(sec_re + r"\s+(?P<labels>" + _REF_LABEL + r"(?:" + _REF_SEP + _REF_LABEL + r")*)(?![\w/])", re.I)
    range_pat = re.compile(sec_re + r"\s+(?P<a>" + _REF_PAIR + r")\s+(?:to|-|–)\s+(?P<b>" + _REF_PAIR + r")(?![\w/.])", re.I)
    whole_pat = re.compile(sec_re + r"\s+(?:above|below)\b", re.I)
    firsts = {p.split(" ")[0] for p in phrases}
    usable = all(w and w.isascii() and w == w.lower() for w in firsts)
    return pat, range_pat, whole_pat, (tuple(sorted(firsts)) if usable else None)


def _phrase_starts(raw: str, firsts: tuple[str, ...] | None) -> list[int] | None:
    """Positions in ``raw`` where one of the phrases may start (see :func:`_ref_patterns`),
    in order; None when they cannot be told (then every position is tried)."""
    if firsts is None or (not raw.isascii() and _CASE_SPECIAL.search(raw)):
        return None
    low = raw.lower()
    if len(low) != len(raw):
        return None
    found: set[int] = set()
    for w in firsts:
        i = low.find(w)
        while i != -1:
            found.add(i)
            i = low.find(w, i + 1)
    return sorted(found)


def _matches_at(rx: re.Pattern, raw: str, starts: list[int] | None):
    """``rx.finditer(raw)`` when every match starts at one of ``starts``: the same matches,
    tried only there (a match is looked for from the end of the previous one, as finditer does)."""
    if starts is None:
        yield from rx.finditer(raw)
        return
    end = 0
    for p in starts:
        if p < end:
            continue
        m = rx.match(raw, p)
        if m is not None:
            yield m
            end = m.end()


def _label_maps(sec, cache: dict | None = None):
    """(clauses by new label, clauses by former label) of a section, cached per section."""
    hit = cache.get(id(sec)) if cache is not None else None
    if hit is None:
        clauses = [c for c in _all_clauses(sec.clauses) if "-" not in c.key or c.label]
        hit = ({c.label: c for c in clauses if c.label}, {c.former_label: c for c in clauses if c.former_label})
        if cache is not None:
            cache[id(sec)] = hit
    return hit


def _resolve_ref(ref, targets: list, findings: list, quote: str, cache: dict | None = None) -> None:
    label = ref.label.rstrip(")")
    if len(targets) != 1:
        kind = "ambiguous-reference" if targets else "dangling-reference"
        ref.status = "ambiguous" if targets else "broken"
        findings.append(Finding(kind, f"reference '{ref.printed}': {len(targets)} sections of this resolution are called '{ref.section_words}'",
                                quote[:200], ref.span))
        return
    sec = targets[0]
    new, former = _label_maps(sec, cache)
    ref.target_section = sec.key
    if label in new and (label not in former or former[label] is new[label]):
        ref.target_key = new[label].key
        return
    for i in range(1, len(label)):
        a, b = label[:i], label[i:]
        if b in new and new[b].former_label == a:
            ref.target_key = new[b].key
            return
    if label in former and former[label].label:
        ref.status = "uncertain"
        findings.append(Finding("ambiguous-reference",
                                f"reference '{ref.printed}' uses the old numbering: old {label} is now {former[label].label}, "
                                f"and the new {label} is another clause; not linked",
                                quote[:200], ref.span))
        return
    ref.status = "broken"
    findings.append(Finding("dangling-reference", f"reference '{ref.printed}': section '{sec.verb_phrase}' has no clause {label} under the new numbering",
                            quote[:200], ref.span))


def _range_end(raw: str, new: dict, former: dict, olds: set) -> tuple[str | None, str | None]:
    """One end of a printed range under the new numbering: "1" → 1; "2 1" (flattened: old 2,
    new 1) → 1 when the old label is known to the section and the new one exists."""
    parts = raw.split()
    if len(parts) == 1:
        lab = parts[0]
        if lab in new and (lab not in former or former[lab] is new[lab]):
            return lab, None
        return None, f"no clause {lab} under the new numbering" if lab not in new else f"{lab} is ambiguous between the old and the new numbering"
    old, nw = parts
    if nw in new and (old in former or old in olds):
        return nw, None
    return None, f"'{raw}' is neither an old→new pair of labels of this section nor one label"


def _resolve_range(printed: str, words: str, a: str, b: str, targets: list, span, findings: list, quote: str,
                   cache: dict | None = None) -> list:
    if len(targets) != 1:
        ref = InternalReference(printed=printed, section_words=words, label=f"{a}-{b}", span=span,
                                status="ambiguous" if targets else "broken")
        findings.append(Finding("ambiguous-reference" if targets else "dangling-reference",
                                f"reference '{printed}': {len(targets)} sections of this resolution are called '{words}'", quote[:200], span))
        return [ref]
    sec = targets[0]
    new, former = _label_maps(sec, cache)
    olds = {c.former_label for c in sec.clauses if c.former_label}   # deleted clauses too
    first, why1 = _range_end(a, new, former, olds)
    last, why2 = _range_end(b, new, former, olds)
    tops = [c for c in sec.clauses if c.label]
    order = [c.label for c in tops]
    if first is None or last is None or first not in order or last not in order or order.index(first) > order.index(last):
        ref = InternalReference(printed=printed, section_words=words, label=f"{a}-{b}", span=span, status="broken",
                                target_section=sec.key)
        why = "; ".join(w for w in (why1, why2) if w) or "its ends are out of order"
        findings.append(Finding("dangling-reference", f"range '{printed}' not read against section '{sec.verb_phrase}': {why}",
                                quote[:200], span))
        return [ref]
    if (a, b) != (first, last):
        findings.append(Finding("export-damage", f"range '{printed}' read as flattened old/new labels: {words} {first} to {last} under the new numbering",
                                quote[:200], span, "info"))
    out = []
    for c in tops[order.index(first):order.index(last) + 1]:
        out.append(InternalReference(printed=printed, section_words=words, label=c.label, span=span,
                                     target_section=sec.key, target_key=c.key))
    return out
