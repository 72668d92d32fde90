"""Text-level repairs of an Akoma Ntoso paragraph written by a regex converter (PP-18 Final Acts,
``akn4itu``): the words of one ``<p>`` may hold what the converter failed to split off — a first
label, further numbered paragraphs or sub-items, a section keyword, footnote text after a ``____``
rule, an annex heading, dash bullets.  Every function here works on a plain string and returns
character ranges into it, so the reader can map each piece back to the XML text.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..labels import LETTERS, ROMAN
from ..verbs import section_verb

#: a label the converter left at the start of a ``<p>`` (no ``<num>``)
P_START_LABEL = re.compile(r"^(?P<label>\d{1,2}|[a-z]\)|[ivx]{1,5}\))\s+(?=\S)")
FOOTNOTE_RULE = re.compile(r"\s*_{4,}\s*")
ANNEX = re.compile(r"\bANNEX(?:\s+(?P<n>\d+))?\s+TO\s+(?P<kind>RESOLUTION|DECISION|RECOMMENDATION)\s+(?P<num>\d+)"
                   r"\s*(?:\((?P<rev>[^)]*)\))?")
#: where an annex title stops and the annex's first paragraph starts (no separator survives)
TITLE_END = re.compile(r"(?<=[a-z])\s+(?=(?:The|This|These|Each|All|Any|In|TABLE)\s)")
END_OF_BOOK = re.compile(r"\s\d{3}\s+PART\s+VI\s+-\s+SIGNATORIES\b")
BULLET = re.compile(r"(?:(?<=[:;])|^)\s*(?P<g>[-\u2022])\s+(?=\S)")
HYPHEN_SPACE = re.compile(r"(?<=[A-Za-z])- (?!(?:and|or|to|as|nor)\b)(?=[A-Za-z])")
#: a sentence end inside an annex paragraph ("… offices. This review …")
SENTENCE = re.compile(r"(?<=[a-z)]\.)(?<!\bRev\.)(?<!\bNo\.)(?<!\bNos\.)(?<!\bcf\.)(?<!\bi\.e\.)(?<!\be\.g\.)(?<!\bvol\.)(?<!\bpara\.)"
                      r"\s+(?=[A-Z][a-z]*\s)")
MANGLED = "\u01e6"

_VERB_WORDS = (r"(?:further\s+)?(?:considering|recalling|noting|having\s+noted|recognizing|bearing\s+in\s+mind|emphasizing|"
               r"convinced|concerned|aware|appreciating|mindful|highlighting|stressing|taking\s+into\s+account|welcoming|"
               r"endorsing|acknowledging|reaffirming|observing|resolves|decides|instructs|invites|encourages|requests|"
               r"urges|calls\s+upon|continues\s+to)\b")
KEYWORD_AFTER = re.compile(r"[,;.]\s+(?=" + _VERB_WORDS + ")")
_PREAMBULAR_MODIFIED = re.compile(r"^(?P<kw>" + _VERB_WORDS + r"\s+(?:also|further|with\s+appreciation))\s+(?=that\b)")
_OPERATIVE_THEN_ONE = re.compile(r"^(?P<kw>.*?)\s+(?=1\s+(?:to|that)\s)")
_OPERATIVE_THEN_TO = re.compile(r"^(?P<kw>(?:resolves\s+to\s+instruct\b)?.*?)\s+(?=(?:to|that)\s)")


def _operative(kw: str) -> bool:
    """An operative keyword as a whole ("instructs the Secretary-General, in cooperation with …",
    "resolves to instruct the Secretary-General"), not a sentence ("… invites X to do …")."""
    v = section_verb(kw)
    return (v is not None and v[1] == "operative" and len(kw) < 250
            and re.search(r"\s(?:to|that)\s", re.sub(r"^resolves\s+to\s+instruct\b", "", kw)) is None)


def keyword_split(text: str) -> tuple[int, int, int] | None:
    """A section keyword the converter glued onto the end of the previous item:
    (end of the item, start of the keyword, end of the keyword) or None.

    Accepted shapes: ``…, instructs the Director of …`` (keyword to the end), ``…, noting also that …``
    (a qualified preambular keyword and the first paragraph of its section), ``…, encourages Member
    States and Sector Members 1 to …`` (an operative keyword followed by its paragraph 1).
    """
    for m in KEYWORD_AFTER.finditer(text):
        rest = text[m.end():]
        kw = rest.rstrip()
        for pat in (_OPERATIVE_THEN_ONE, None, _OPERATIVE_THEN_TO):
            if pat is None:
                v = section_verb(kw)
                if v is not None and not kw.endswith((";", ".", ":")) and (v[1] == "preambular" or _operative(kw.rstrip(" ,"))):
                    return m.start() + 1, m.end(), m.end() + len(kw)
                continue
            om = pat.match(rest)
            if om and _operative(om.group("kw")):
                return m.start() + 1, m.end(), m.end() + len(om.group("kw"))
        pm = _PREAMBULAR_MODIFIED.match(rest)
        if pm and (v2 := section_verb(pm.group("kw"))) is not None and v2[1] == "preambular":
            return m.start() + 1, m.end(), m.end() + len(pm.group("kw"))
    return None


def next_labels(label: str) -> list[str]:
    """The labels that may follow ``label`` in its sequence (``9`` → ``10``; ``ii)`` → ``iii)``;
    ``i)`` → ``ii)`` or the letter ``j)``)."""
    head = label.rstrip(")").rstrip(".")
    paren = ")" if label.endswith(")") else ""
    if head.isdigit():
        return [str(int(head) + 1)]
    out = []
    if head in ROMAN and ROMAN.index(head) + 1 < len(ROMAN) and paren:
        out.append(ROMAN[ROMAN.index(head) + 1] + paren)
    if len(head) == 1 and head in LETTERS[:-1] and paren:
        out.append(LETTERS[LETTERS.index(head) + 1] + paren)
    return out


def roman_under_letter(prev: str, label: str) -> bool:
    """``i)`` after ``a)`` (not after ``h)``): a roman sub-item the markup made a sibling."""
    p, c = prev.rstrip(")"), label.rstrip(")")
    return (label.endswith(")") and c == "i" and len(p) == 1 and p.isalpha() and p not in ("h", "i"))


@lru_cache(maxsize=256)
def _merged_pattern(label: str) -> re.Pattern:
    return re.compile(r"[;:.]\s+(?:and\s+)?(?P<lab>" + re.escape(label) + r")\s+(?!(?:and|or|above|below)\b)(?=[a-z(\"'A-Z])")


def merged_items(label: str | None, text: str, taken: frozenset = frozenset()) -> list[tuple[str, int, int, int]]:
    """Split ``9 …; 10 that …; 11 …`` (the labels continue the sequence) into
    (printed label, label start, text start, text end) parts after the first.  A label in ``taken``
    (the markup gives it to a later item) is not split off: ``a) the Convention …: b) …; c) …``
    quoted inside a recital whose own b) and c) follow."""
    out: list[tuple[str, int, int, int]] = []
    if label is None:
        return out
    cur, pos = label, 0
    while True:
        best = None
        for nxt in next_labels(cur):
            if nxt in taken:
                continue
            pat = _merged_pattern(nxt)
            m = pat.search(text, pos)
            if m is not None and (best is None or m.start() < best[1].start()):
                best = (nxt, m)
        if best is None:
            break
        nxt, m = best
        if out:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2], m.start() + 1)
        out.append((nxt, m.start("lab"), m.end(), len(text)))
        cur, pos = nxt, m.end()
    return out


def split_footnotes(text: str) -> tuple[int, list[tuple[str, int, int]]]:
    """Where the paragraph's own words end, and the footnotes printed after a ``____`` rule:
    (mark, text start, text end) each — ``3 Taking … 4 Taking …`` holds two."""
    m = FOOTNOTE_RULE.search(text)
    if m is None:
        return len(text), []
    rest_at = m.end()
    fm = re.match(r"(\d{1,2})\s+", text[rest_at:])
    if fm is None:
        return m.start(), []
    notes = []
    mark, start = fm.group(1), rest_at + fm.end()
    while True:
        nxt = str(int(mark) + 1)
        n = re.compile(r"(?<=[.;)a-z0-9])\s+" + nxt + r"\s+(?=[A-Z])").search(text, start)
        if n is None:
            notes.append((mark, start, len(text.rstrip())))
            break
        notes.append((mark, start, n.start()))
        mark, start = nxt, n.end()
    return m.start(), notes


def marker_in(text: str, mark: str) -> re.Match | None:
    """A footnote mark glued to the word before it (``countries1;``, ``(ITU-R)4,``, ``Sector6.``)."""
    return re.search(r"(?<=[A-Za-z)\"'])" + mark + r"(?=[\s;,.:)]|$)", text)


def annex_title(after: str) -> tuple[int, int]:
    """The annex title at the start of ``after`` (the words after an annex heading): (title end,
    start of the annex's first paragraph, or len(after) when the title is all there is)."""
    m = TITLE_END.search(after)
    if m is None:
        return len(after.rstrip()), len(after)
    return m.start(), m.end()


def bullets(text: str) -> list[tuple[int, int, int]]:
    """Dash or bullet items printed inline (``including: - all …; - the reasons …``):
    (glyph start, text start, text end) each; the first must follow a colon."""
    ms = list(BULLET.finditer(text))
    if not ms or not text[:ms[0].start()].rstrip().endswith(":"):
        return []
    out = []
    for i, m in enumerate(ms):
        end = ms[i + 1].start() if i + 1 < len(ms) else len(text)
        out.append((m.start("g"), m.end(), end))
    return out
