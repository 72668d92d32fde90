"""Unflatten a clause whose tracked changes were flattened on export (issue 16, item 2).

Word's text export keeps deleted and inserted words side by side with no marker:
``Strategic plan for the Union for 2016-2019 2020-2023``, ``Post-2015 Development Agendathe 2030
Agenda``, ``attentionpriority to gender balance parity``.  :func:`unflatten` splits such a text
into the wording the proposal sets out (kept + inserted words) and, where it can be recovered, the
wording it replaces (kept + deleted words), recording every split with its evidence and how sure
it is.  Where two readings stay open it keeps the printed words and flags the clause: it never
guesses.  :func:`looks_flattened` is the detector used to measure how much published prose still
carries glue.

Pure: no I/O beyond the word-frequency list (``wordfreq``), no model import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

__all__ = ["Split", "Wording", "unflatten", "looks_flattened"]


@dataclass
class Split:
    """One place where old and new words were glued."""

    start: int                  # char offsets in the flattened text
    end: int
    printed: str                # the glued words as printed
    old: str | None             # the deleted words ('' = pure insertion); None when unresolved
    new: str | None             # the inserted words ('' = pure deletion); None when unresolved
    evidence: str               # adjacent years | adjacent periods | glued words | adopted text | …
    confidence: str             # sure | probable | uncertain


@dataclass
class Wording:
    proposed: str               # kept + inserted words: the text the proposal sets out
    old: str | None             # kept + deleted words (the Busan-2014 text); None where not recoverable
    change: str                 # unchanged | modified | inserted | deleted | renumbered
    splits: list[Split] = field(default_factory=list)
    ambiguous: bool = False     # some glue seen but not resolved: flagged, never guessed


# --------------------------------------------------------------------------- word list

@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    """Zipf frequency of an English word (0 for unknown), from ``wordfreq``; 0 when it is absent."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a declared dependency
        return 0.0
    return zipf_frequency(word.lower(), "en")


#: right halves that follow a dropped non-breaking hyphen (``IPbased``, ``WSISrelated``): no glue
_COMPOUND_TAILS = {
    "related", "based", "oriented", "led", "driven", "specific", "wide", "level", "scale",
    "making", "term", "building", "owned", "sensitive", "friendly", "speed", "free", "centred",
    "centered", "centric", "enabled", "border", "stakeholder", "governmental", "disaggregated",
    "like",
}
#: left halves that precede a dropped hyphen (``crossborder``, ``multistakeholder``): no glue
_COMPOUND_HEADS = {
    "cross", "multi", "non", "co", "inter", "intra", "sub", "self", "well", "long", "short", "high",
    "low", "pre", "post", "re", "anti", "counter", "cyber", "tele", "e", "m", "mid", "semi",
    "under", "over", "socio", "extra", "pro", "para", "ultra", "trans", "bi", "tri", "macro", "micro", "mega", "ex", "vice", "follow", "state", "up",
}
_FUNCTION = {"the", "a", "an", "to", "of", "for", "with", "by", "in", "on", "and", "or", "at"}
#: words that never stand as one half of a replaced pair found by the adopted text alone
_GRAMMAR = _FUNCTION | {"as", "is", "are", "be", "been", "being", "was", "were", "that", "which", "its",
                        "their", "this", "these", "those", "it", "from", "into", "such", "all", "not"}
_SUFFIXES = ("ing", "es", "e", "s", "ed", "ion", "ions", "al")


def _is_word(w: str, floor: float = 2.0) -> bool:
    return _zipf(w) >= floor


def _split_glued(token: str) -> tuple[str, str] | None:
    """``attentionpriority`` → (``attention``, ``priority``); None when the token is a word, an
    acronym, a dropped-hyphen compound, or splits into no two words."""
    if len(token) < 6 or not token.isalpha() or _zipf(token) > 0:
        return None
    if sum(c.isupper() for c in token) >= 2 and not re.match(r"^[A-Z][a-z]+s?[a-z]*$", token):
        # acronyms (ITUD, WTDC) — except a plural acronym glued to a word: ICTsservices
        m = re.match(r"^([A-Z]{2,}s)([a-z]{3,})$", token)
        if m and _is_word(m.group(2), 3.0):
            return m.group(1), m.group(2)
        m = re.match(r"^([A-Z]?[a-z]{3,})([A-Z]{2,}s?)$", token)      # "IssuesITU"
        if m and _is_word(m.group(1), 3.0):
            return m.group(1), m.group(2)
        return None
    best: tuple[float, int] | None = None
    for i in range(2, len(token) - 1):
        left, right = token[:i], token[i:]
        if left.lower() in _COMPOUND_HEADS or right.lower() in _COMPOUND_TAILS:
            continue
        lo = 1.5 if left.lower() in _FUNCTION else 2.5
        ro = 1.5 if right.lower() in _FUNCTION else 2.5
        zl, zr = _zipf(left), _zipf(right)
        if zl < lo or zr < ro:
            continue
        if len(right) < 2 and right.lower() != "a":
            continue
        score = min(zl, zr) + 0.3 * min(len(left), len(right))
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None
    return token[: best[1]], token[best[1]:]


def _suffix_glue(token: str) -> tuple[str, str, str] | None:
    """``leveraginge`` → (``leverag``, ``ing``, ``e``): a stem printed with two endings, each
    making a word (``leveraging`` / ``leverage``)."""
    if len(token) < 7 or not token.isalpha() or _zipf(token) > 0:
        return None
    low = token.lower()
    for s2 in _SUFFIXES:
        if not low.endswith(s2):
            continue
        head = low[: -len(s2)]
        for s1 in _SUFFIXES:
            if s1 == s2 or not head.endswith(s1):
                continue
            stem = head[: -len(s1)]
            if len(stem) >= 4 and _is_word(stem + s1, 2.5) and _is_word(stem + s2, 2.5):
                n = len(stem)
                return token[:n], token[n:n + len(s1)], token[n + len(s1):]
    return None


# --------------------------------------------------------------------------- pattern signals

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_PLACE = r"(?:[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?|[a-z][a-z]+)"
#: PP, WTDC, WTSA, RA venues (old, new) in the order the conferences met
_VENUE_ORDER = [
    ("Guadalajara", "Busan"), ("Busan", "Dubai"), ("Dubai", "Buenos Aires"),
    ("Dubai", "Hammamet"), ("Johannesburg", "Dubai"), ("Hyderabad", "Dubai"),
]
_VENUES = r"Guadalajara|Busan|Dubai|Buenos\s+Aires|Hammamet|Johannesburg|Hyderabad|Geneva|Antalya"

_RE_REVISION = re.compile(
    rf"(?P<a>(?i:{_VENUES}), (?P<ya>{_YEAR}))"
    rf"\s?(?P<b>(?:[Rr]ev\. )?(?i:{_VENUES}), (?P<yb>{_YEAR}))(?![\d])",
)
_RE_VENUE_PAIR = re.compile(rf"\b(?P<a>{_VENUES}) ?(?P<b>{_VENUES})\b")
_RE_PERIODS = re.compile(
    rf"(?<![\d-])(?P<a>(?P<a1>{_YEAR})-?(?P<a2>{_YEAR})) ?(?P<b>(?P<b1>{_YEAR})-(?P<b2>{_YEAR}))(?![\d])")
_RE_PERIOD_BY_YEAR = re.compile(
    rf"(?<![\d-])(?P<a1>{_YEAR})(?P<b1>{_YEAR})-(?P<a2>{_YEAR}) (?P<b2>{_YEAR})(?!\d)")
_RE_YEARS_SPACED = re.compile(rf"(?<![\d/.-])(?P<a>{_YEAR}) (?P<b>{_YEAR})(?![\d/-])")
_RE_YEARS_GLUED = re.compile(rf"(?<![\d/.-])(?P<a>{_YEAR})(?P<b>{_YEAR})(?![\d/-])")
_RE_YEAR_SUFFIX = re.compile(r"(?<![\d/.-])(?P<c>20)(?P<a>[0-4]\d)(?P<b>[0-4]\d)(?![\d/-])")
_RE_MEETING_YEARS = re.compile(r"\b(?P<m>WTDC|WTSA|RA|PP|WCIT|WTPF)(?P<h>-?)(?P<a>\d\d) ?(?P<b>\d\d)\b")
_RE_UN_SYMBOL = re.compile(r"(?<![\d/])(?P<s1>\d\d)/(?P<rest>\d{4,7})/(?P<n2>\d{1,4})(?![\d/])")
_RE_SECTION_REF = re.compile(
    r"(?P<sec>\b(?:resolves(?: further)?|instructs the [A-Z][\w-]+(?: [A-Z][\w-]+)*|instructs the Council"
    r"|invites [\w ]+?|considering|recognizing|noting|recalling|decides)) (?P<num>\d{2,4})(?![\d/.)\-])")
_RE_RANGE_REF = re.compile(r"\b(?P<a1>\d{1,2}) (?P<b1>\d{1,2}) to (?P<a2>\d{1,2}) (?P<b2>\d{1,2})\b")
_RE_END_PUNCT = re.compile(r"(?P<a>[;,.:])(?P<b>[;,.:])\s*$")
_RE_ARTICLES = re.compile(r"(?<![\w-])(?:the an?|an? the|the the|to to|of the of)(?= [a-z])")
_RE_ANNEX_NUM = re.compile(r"\bAnnex (?P<a>\d) (?P<b>\d)\b")

#: phrase replacements that run through the 2014-2018 texts (old, new), glued with or without a space
_KNOWN = [
    (r"(?:the )?Post-2015 Development Agenda", r"(?:the )?2030 Agenda for Sustainable Development"),
    (r"SDGs", r"the Sustainable Development Goals"),
    (r"(?:the )?(?:United Nations )?Millennium Development Goals \(MDGs\)",
     r"(?:the )?2030 Agenda for Sustainable Development"),
    (r"Millennium Development Goals", r"Sustainable Development Goals"),
]
#: interleaved known replacements: the printed regex, then (old, new) readings
_KNOWN_INTERLEAVED = [
    (re.compile(r"(?:the )?Post-2015 Development ?2030 Agenda for Sustainable Development"),
     lambda m: (("the " if m.group(0).startswith("the ") else "") + "Post-2015 Development Agenda",
                ("the " if m.group(0).startswith("the ") else "") + "2030 Agenda for Sustainable Development")),
    (re.compile(r"(?:the )?Post-2015 (?:the )?2030 Agenda for Sustainable Development Agenda"),
     lambda m: (("the " if m.group(0).startswith("the ") else "") + "Post-2015 Development Agenda",
                "the 2030 Agenda for Sustainable Development")),
    (re.compile(r"Millennium Sustainable Development Goals \(MSDGs\)"),
     lambda m: ("Millennium Development Goals (MDGs)", "Sustainable Development Goals (SDGs)")),
]


def _venue_rank(a: str, b: str) -> tuple[str, str] | None:
    """(old, new) for two venues printed side by side, from the order the conferences met."""
    a, b = " ".join(a.split()), " ".join(b.split())
    for old, new in _VENUE_ORDER:
        if (a, b) == (old, new):
            return 0, 1
        if (a, b) == (new, old):
            return 1, 0
    return None


_RE_MARKERS = re.compile(r"\[(?:footnoteRef:\d+|bookmark: [^\]]*|image: [^\]]*)\]")


def _pattern_splits(text: str) -> list[Split]:
    """Every split the patterns of flattened changes show, without outside evidence (the export's
    own markers, ``[footnoteRef:5]``, ``[bookmark: …]``, are no text and are left alone)."""
    masks = [(m.start(), m.end()) for m in _RE_MARKERS.finditer(text)]
    return [s for s in _raw_pattern_splits(text)
            if not any(s.start < e and b < s.end for b, e in masks)]


def _raw_pattern_splits(text: str) -> list[Split]:
    out: list[Split] = []

    def add(start, end, old, new, evidence, confidence):
        out.append(Split(start, end, text[start:end], old, new, evidence, confidence))

    for rx, reading in _KNOWN_INTERLEAVED:
        for m in rx.finditer(text):
            old, new = reading(m)
            add(m.start(), m.end(), old, new, "known replacement", "sure")
    for old_rx, new_rx in _KNOWN:
        for a, b, order in ((old_rx, new_rx, "on"), (new_rx, old_rx, "no")):
            for m in re.finditer(rf"(?P<x>{a}) ?(?P<y>{b})(?![A-Za-z])", text):
                old, new = (m.group("x"), m.group("y")) if order == "on" else (m.group("y"), m.group("x"))
                add(m.start(), m.end(), old, new, "known replacement", "sure")
    for m in _RE_REVISION.finditer(text):
        a, b = m.group("a"), m.group("b")
        ya, yb = int(m.group("ya")), int(m.group("yb"))
        if ya == yb:
            continue
        old, new = (a, b) if ya < yb else (b, a)
        add(m.start(), m.end(), old, new, "revision heading", "sure")
    # "DubaiBuenos Aires, 20142017": place and year flattened apart
    for m in re.finditer(rf"(?P<pa>{_VENUES}) ?(?P<pb>{_VENUES}), (?P<ya>{_YEAR})(?P<yb>{_YEAR})(?!\d)", text):
        ya, yb = int(m.group("ya")), int(m.group("yb"))
        if ya == yb:
            continue
        pa, pb = m.group("pa"), m.group("pb")
        # places and years are flattened apart and need not be printed in the same order
        # ("Buenos AiresDubai, 20142017"): the venues' own order decides the places
        ranked = _venue_rank(pa, pb)
        if ranked:
            old_p, new_p = (pa, pb)[ranked[0]], (pa, pb)[ranked[1]]
        else:
            old_p, new_p = (pa, pb) if ya < yb else (pb, pa)
        add(m.start("pa"), m.end("pb"), old_p, new_p, "revision heading", "sure")
        add(m.start("ya"), m.end("yb"), str(min(ya, yb)), str(max(ya, yb)), "adjacent years", "sure")
    for m in _RE_VENUE_PAIR.finditer(text):
        r = _venue_rank(m.group("a"), m.group("b"))
        if r:
            pair = (" ".join(m.group("a").split()), " ".join(m.group("b").split()))
            add(m.start(), m.end(), pair[r[0]], pair[r[1]], "conference venues", "probable")
    for m in _RE_PERIOD_BY_YEAR.finditer(text):
        old = f"{m.group('a1')}-{m.group('a2')}"
        new = f"{m.group('b1')}-{m.group('b2')}"
        add(m.start(), m.end(), old, new, "adjacent periods", "sure")
    for m in _RE_PERIODS.finditer(text):
        a1, b1 = int(m.group("a1")), int(m.group("b1"))
        if a1 >= b1 or int(m.group("a2")) <= a1:
            continue
        add(m.start(), m.end(), m.group("a"), m.group("b"), "adjacent periods", "sure")
    for m in _RE_MEETING_YEARS.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a < b and b - a <= 6:
            pre = m.group("m") + m.group("h")
            add(m.start(), m.end(), pre + m.group("a"), pre + m.group("b"), "adjacent years", "probable")
    for m in _RE_YEARS_SPACED.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a < b <= a + 8 or (a < b <= a + 12 and a % 10 == 0 and b % 10 == 0):
            add(m.start(), m.end(), m.group("a"), m.group("b"), "adjacent years", "sure")
    for m in _RE_YEARS_GLUED.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        before = text[max(0, m.start() - 40):m.start()]
        revision = re.search(r"(?:Rev\.|[A-Za-z]+,) ?$", before) is not None
        if not (a < b <= a + 8):
            continue
        if b - a == 3 and not revision:
            continue        # a four-year period whose hyphen was dropped (20162019): not glue
        add(m.start(), m.end(), m.group("a"), m.group("b"), "adjacent years",
            "sure" if revision else "probable")
    for m in _RE_YEAR_SUFFIX.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a == b or abs(a - b) > 15 or a % 10 or b % 10:
            continue        # "Connect 203020" = 2030 | 2020: decade-round years only
        old, new = sorted((a, b))
        add(m.start(), m.end(), f"20{old:02d}", f"20{new:02d}", "adjacent years", "probable")
    for m in _RE_UN_SYMBOL.finditer(text):
        s1, rest = int(m.group("s1")), m.group("rest")
        hits = []
        for cut in range(1, len(rest) - 1):
            n1, s2 = rest[:cut], rest[cut:]
            if len(s2) == 2 and s1 < int(s2) <= s1 + 10 and not n1.startswith("0"):
                hits.append((n1, s2))
        if len(hits) == 1:
            n1, s2 = hits[0]
            add(m.start(), m.end(), f"{s1}/{n1}", f"{s2}/{m.group('n2')}", "UN symbols", "sure")
    for m in _RE_SECTION_REF.finditer(text):
        num = m.group("num")
        cuts = [(num[:i], num[i:]) for i in range(1, len(num))
                if not num[i:].startswith("0") and abs(int(num[:i]) - int(num[i:])) <= 3
                and int(num[:i]) != int(num[i:])]
        if len(cuts) == 1:
            add(m.start("num"), m.end("num"), cuts[0][0], cuts[0][1], "glued labels", "probable")
    for m in _RE_RANGE_REF.finditer(text):
        a1, b1, a2, b2 = (int(m.group(k)) for k in ("a1", "b1", "a2", "b2"))
        if a1 != b1 and a2 != b2 and a1 < a2 and b1 < b2:
            add(m.start("a1"), m.end("b1"), m.group("a1"), m.group("b1"), "glued labels", "probable")
            add(m.start("a2"), m.end("b2"), m.group("a2"), m.group("b2"), "glued labels", "probable")
    for m in _RE_ANNEX_NUM.finditer(text):
        if m.group("a") != m.group("b"):
            add(m.start("a"), m.end("b"), None, None, "glued labels", "uncertain")
    for m in _RE_ARTICLES.finditer(text):
        # "the a": two articles side by side are never English; which one is new stays open
        add(m.start(), m.end(), None, None, "duplicated function words", "uncertain")
    m = _RE_END_PUNCT.search(text)
    if m and m.group("a") == "." and re.search(r"\b(?:etc|i\.e|e\.g|No|para|Rev)$", text[:m.start()]):
        m = None            # "etc.;": an abbreviation's full stop, not a version's
    if m and m.group("a") != m.group("b"):
        pair = {m.group("a"), m.group("b")}
        if pair == {",", ";"}:
            # the last clause of each version ends ','; a clause appended after it ends ';'
            add(m.start(), m.end("b"), ",", ";", "punctuation", "probable")
        else:
            add(m.start(), m.end("b"), None, None, "punctuation", "uncertain")
    out.extend(_glued_word_splits(text))
    return out


def _glued_word_splits(text: str) -> list[Split]:
    out: list[Split] = []
    for m in re.finditer(r"[A-Za-z]+", text):
        tok = m.group(0)
        if m.start() > 0 and text[m.start() - 1] in "-/’'" or text[m.end():m.end() + 1] in ("-",):
            continue
        if _suffix_glue(tok):
            out.append(Split(m.start(), m.end(), tok, None, None, "glued endings", "uncertain"))
            continue
        halves = _split_glued(tok)
        if halves:
            left, right = halves
            before = text[:m.start()]
            prev = re.search(r"(\b[A-Za-z]+) $", before)
            nxt = re.match(r" ([A-Za-z]+)\b", text[m.end():])
            if right.lower() in _FUNCTION and prev and prev.group(1).lower() == right.lower() and nxt:
                # "to taketo review": old "to take", new "to review"
                s, e = prev.start(1), m.end() + nxt.end()
                out.append(Split(s, e, text[s:e], f"{prev.group(1)} {left}", f"{right} {nxt.group(1)}",
                                 "duplicated function word", "probable"))
            else:
                out.append(Split(m.start(), m.end(), tok, left, right, "glued words", "probable"))
    return out


# --------------------------------------------------------------------------- adopted-text evidence

_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def _norm(w: str) -> str:
    return w.lower().replace("’", "'").replace("-", "")


def _in_adopted(words: str, adopted_norm: str) -> bool:
    toks = [_norm(t) for t in _WORD.findall(words)]
    if not toks:
        return False
    return re.search(r"(?:^| )" + re.escape(" ".join(toks)) + r"(?: |$)", adopted_norm) is not None


def _decide_by_adopted(split: Split, text: str, adopted_norm: str) -> Split:
    """The split whose new half appears in the adopted text, and old half not, is the one; when it
    is the other way round, swap.  The adopted text may keep old words (counter-evidence), so a
    reading the patterns already decided for sure is left alone."""
    if split.confidence == "sure":
        return split
    if split.old is None or split.new is None:
        cands = _readings(split)
    elif split.evidence == "glued words":
        cands = _cuts(split.printed)
    else:
        cands = [(split.old, split.new), (split.new, split.old)]
    # judge on the words together with their context, so that short words ("a") are not found anywhere
    pre = " ".join(_WORD.findall(text[:split.start])[-1:])
    post = " ".join(_WORD.findall(text[split.end:])[:1])

    def found(words: str) -> bool:
        if not words:
            return False
        if len(_WORD.findall(words)) >= 3 and _in_adopted(words, adopted_norm):
            return True
        return _in_adopted(f"{pre} {words}", adopted_norm) or _in_adopted(f"{words} {post}", adopted_norm)

    good = []
    for old, new in cands:
        if not new and not old:
            continue
        if found(new) and not found(old):
            good.append((old, new))
    if len(good) == 1:
        old, new = good[0]
        return Split(split.start, split.end, split.printed, old, new, "adopted text", "sure")
    return split


def _readings(split: Split) -> list[tuple[str, str]]:
    """Both readings of an unresolved split, where they can be named."""
    suf = _suffix_glue(split.printed)
    if suf:
        stem, s1, s2 = suf
        return [(stem + s1, stem + s2), (stem + s2, stem + s1)]
    parts = split.printed.split(" ")
    if len(parts) == 2:            # "Annex 1 2": either order
        return [(parts[0], parts[1]), (parts[1], parts[0])]
    return []


def _cuts(token: str) -> list[tuple[str, str]]:
    """Every reading of a glued token as two words, both orders (``areconfirm``: are|confirm,
    a|reconfirm …), for the adopted text to choose from."""
    out = []
    for i in range(1, len(token)):
        left, right = token[:i], token[i:]
        if (_zipf(left) >= 1.5 or left.lower() == "a") and (_zipf(right) >= 1.5 or right.lower() == "a"):
            out += [(left, right), (right, left)]
    return out


def _adopted_pairs(text: str, adopted: str, taken: list[tuple[int, int]]) -> list[Split]:
    """Space-separated pairs the patterns cannot see (``staffing resourcing``): printed words that
    the adopted text lacks, directly before a word it has, in a clause the conference kept nearly
    as printed."""
    toks = list(_WORD.finditer(text))
    a_toks = [_norm(t) for t in _WORD.findall(adopted)]
    p_norm = [_norm(t.group(0)) for t in toks]
    sm = SequenceMatcher(None, p_norm, a_toks, autojunk=False)
    out: list[Split] = []
    ops = sm.get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "delete" or i2 - i1 > 4 or k == 0 or k + 1 >= len(ops):
            continue
        if ops[k - 1][0] != "equal" or ops[k + 1][0] != "equal":
            continue
        run = p_norm[i1:i2]
        nxt = p_norm[i2]
        if ops[k - 1][2] - ops[k - 1][1] < 2 or ops[k + 1][2] - ops[k + 1][1] < 2:
            continue        # judged only inside stretches the conference kept word for word
        if run[-1] in _GRAMMAR or nxt in _GRAMMAR or run[0] in _GRAMMAR:
            continue
        if not all(t.isalpha() for t in run + [nxt]):
            continue
        s, e = toks[i1].start(), toks[i2].end()
        if any(s < te and ts < e for ts, te in taken) or not re.fullmatch(r"[a-z]+(?: [a-z]+)*", text[s:e]):
            continue
        old = text[toks[i1].start():toks[i2 - 1].end()]
        out.append(Split(s, e, text[s:e], old, toks[i2].group(0), "adopted text", "probable"))
    return out


# --------------------------------------------------------------------------- assembly

def _resolve_overlaps(splits: list[Split]) -> list[Split]:
    """Keep the first-found of overlapping splits (the list is in order of priority)."""
    kept: list[Split] = []
    for s in splits:
        if any(s.start < k.end and k.start < s.end for k in kept):
            continue
        kept.append(s)
    return sorted(kept, key=lambda s: s.start)


def _apply(text: str, splits: list[Split], side: str) -> str:
    out: list[str] = []
    pos = 0
    for s in splits:
        out.append(text[pos:s.start])
        rep = getattr(s, side)
        if rep is None:
            rep = s.printed
        left = "".join(out)
        if rep == "":
            # a removed run: one space goes with it
            if left.endswith(" ") and (s.end >= len(text) or text[s.end] in " ,;.:)"):
                out = [left.rstrip(" ")] if s.end < len(text) and text[s.end] != " " else [left]
                if s.end < len(text) and text[s.end] == " ":
                    pos = s.end + 1
                    continue
        else:
            # an edit glued two words: one space is restored ("2018sessions")
            if s.end < len(text) and text[s.end].isalnum() and rep[-1].isalnum() and not s.printed[-1:].isalpha():
                rep = rep + " "
            if left and left[-1].isalnum() and rep[0].isalnum():
                rep = " " + rep
        out.append(rep)
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def unflatten(text: str, *, adopted: str | None = None, label_change: str | None = None) -> Wording:
    """Split a flattened clause text into its proposed and old wordings.

    ``label_change`` is the reader's reading of the clause label (``inserted``: the whole clause is
    new; ``deleted``: the whole clause is old; ``renumbered``: only the label changed).  ``adopted``
    is the text the conference adopted for this clause, if any: evidence of which words are new.
    """
    splits = _resolve_overlaps(_pattern_splits(text))
    if label_change in ("inserted", "deleted"):
        # the whole clause is on one side; glue inside it still has a side to take
        unresolved = any(s.old is None or s.new is None for s in splits)
        if label_change == "inserted":
            return Wording(proposed=_apply(text, splits, "new"), old=None, change="inserted",
                           splits=splits, ambiguous=unresolved)
        return Wording(proposed="", old=None if unresolved else _apply(text, splits, "old"),
                       change="deleted", splits=splits, ambiguous=unresolved)
    if adopted:
        adopted_norm = " ".join(_norm(t) for t in _WORD.findall(adopted))
        splits = [_decide_by_adopted(s, text, adopted_norm) for s in splits]
        more = _adopted_pairs(text, adopted, [(s.start, s.end) for s in splits])
        splits = _resolve_overlaps(splits + more)
    unresolved = [s for s in splits if s.old is None or s.new is None]
    proposed = _apply(text, splits, "new")
    old = None if unresolved else _apply(text, splits, "old")
    if splits:
        change = "modified"         # glue seen: the proposal changed the words, resolved or not
    elif label_change == "renumbered":
        change = "renumbered"
    else:
        change = "unchanged"
    return Wording(proposed=proposed, old=old, change=change, splits=splits, ambiguous=bool(unresolved))


def looks_flattened(text: str) -> list[tuple[int, int, str]]:
    """Spans of visible flattened changes (start, end, why): the pattern signals, read without any
    outside evidence.  Used to measure how much published prose still carries glue."""
    return [(s.start, s.end, s.evidence) for s in _resolve_overlaps(_pattern_splits(text))]
