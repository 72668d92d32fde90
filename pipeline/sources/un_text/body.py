"""The body of a UN resolution: paragraphs, sub-items, annexes and footnote markers, rebuilt from
the lines of a PDF extraction (see :mod:`.reader` for the damage this undoes)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...citations import find_citations
from ...model import Annex, Clause, Footnote, ResolutionText, Section, Span
from ...rdf.uris import slug as _slug
from .text import Joined, _norm
from .words import addressees, opening

NUMBERED = re.compile(r"^(?P<n>\d{1,3})\.\s+(?P<t>\S.*)$")
LETTERED = re.compile(r"^\((?P<l>[a-z]{1,4})\)\s+(?P<t>\S.*)$")
PLENARY = re.compile(r"^\d+(?:st|nd|rd|th)\s+plenary\s+meeting\b")
ANNEX = re.compile(r"^Annex(?:\s+(?P<n>[IVXL]+|\d{1,2})\b(?![.,]))?(?P<rest>(?:\s.*)?)$")
NOISE = re.compile(r"^(?:A/RES/\d+/\d+|\d{1,3}|\d{1,3}/\d{1,3}|\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\*\d+\*)?)$")
TERMINAL = re.compile(r"[,;:.][’”\")\]]*(?:\s?\d{1,3}|\[\^\d+\])?$")
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]
ROMAN_NUM = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8", "IX": "9", "X": "10"}
# a word before a bare number that is then no footnote marker ("resolution 1", "on 5 September")
NOT_BEFORE_MARK = re.compile(
    r"(?:\b(?:resolutions?|decisions?|paragraphs?|para|paras|[Aa]rticles?|Goals?|No|Nos|vol|vols|chapters?|chap|[Aa]nnex|"
    r"[Pp]arts?|[Pp]hase|[Ss]ections?|[Rr]ules?|of|and|or|to|on|at|by|in|from|than|the|for|over|under|until|since|about|"
    r"some|nearly|least|most|Protocol|Supplement|targets?|indicators?|items?|[Pp]rinciples?|[Cc]ommitment|[Ll]evel|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|[Cc]lass|"
    r"[Ss]tage|[Ss]ession|[Ss]eries|[Tt]ier|[Vv]ersion|[Ww]eek|COVID)\.?|[-–/(+])\s*$")
GERUND = re.compile(r"^(?:[A-Z][a-z]+ing|To|We|Our)\b")
#: an operative paragraph's opening verb: "Requests", "Calls upon", or after an adverb "Also requests"
OP_VERB = re.compile(r"^(?:(?:Also|Further|Once\s+again|Again|Strongly|Firmly)\s+[a-z]+s|[A-Z][a-z]+s)\b")
OPENER = re.compile(r"^(?:(?:Also|Further|Deeply|Gravely|Seriously|Strongly|Firmly|Profoundly|Greatly|Fully)\s+)?"
                    r"(?:Re-)?[A-Z][a-z]+(?:ing|ed|ful|ous|ware|nt|ble)\b(?!\s+(?:and|or)\b|,)")


@dataclass
class Seg:
    """A line, or the part of a line where a paragraph number runs on mid-line."""
    no: int
    a: int           # doc offset of the start
    b: int           # doc offset of the end
    after_blank: bool
    midline: bool = False
    #: the text with footnote markers cut out: (doc offset, text, glued to what precedes it)
    frags: list[tuple[int, str, bool]] = field(default_factory=list)

    def text(self) -> str:
        out = ""
        for _, t, glue in self.frags:
            t = t.strip()
            if not t:
                continue
            out += t if (not out or glue or t[0] in ",.;:)’”") else " " + t
        return out


@dataclass
class Para:
    joined: Joined
    printed: str | None
    label: str | None
    key: str
    children: list["Para"] = field(default_factory=list)
    lost: bool = False
    section: int = 0

    @property
    def text(self) -> str:
        return self.joined.text

    def add(self, seg: Seg, skip: int = 0) -> None:
        """Append the segment's fragments (the first ``skip`` characters of its text dropped: its label)."""
        for off, t, glue in seg.frags:
            lead = len(t) - len(t.lstrip())
            t2 = t.strip()
            off += lead
            if skip:
                cut = min(skip, len(t2))
                # skip counts characters of the segment's text (label and the space after it)
                rest = t2[cut:]
                off += cut + (len(rest) - len(rest.lstrip()))
                skip -= cut
                t2 = rest.lstrip()
            if t2:
                self.joined.add(off, t2, glue=bool(self.joined.parts) and (glue or t2[0] in ",.;:)’”"))


def _is_header(s: str, titles: list[str]) -> bool:
    if NOISE.match(s):
        return True
    n = _norm(s)
    if len(n) < 15 or TERMINAL.search(s.rstrip()) and not s.rstrip().endswith(")"):
        return False
    return any(n == t or t.startswith(n) for t in titles)


def _segments(r, a: int, b: int, titles: list[str]) -> list[Seg]:
    """Lines a..b-1 as segments: running headers and page furniture dropped (reported), paragraph
    numbers that run on mid-line split off (reported)."""
    raw, starts = r.lines.raw, r.lines.starts
    segs: list[Seg] = []
    blank = True
    last_n = 0
    for no in range(a, b):
        line = raw[no - 1]
        s = line.strip()
        if not s:
            blank = True
            continue
        if _is_header(s, titles):
            kind = "running-header" if not NOISE.match(s) else "page-furniture"
            r.damage(kind, "running page header or page furniture inside the text; removed", no)
            blank = True   # the text resumes as after a page break
            continue
        lead = len(line) - len(line.lstrip())
        m = NUMBERED.match(s)
        if m:
            last_n = int(m.group("n"))
        cuts = [0]
        pos = 0
        while True:
            pat = re.compile(r"[.;:](?:\[\^\d+\]|\d{1,3})?[’”\")]?\s+(" + str(last_n + 1) + r")\.\s+(?=[A-Z“\"])")
            mm = pat.search(s, pos)
            if not mm or last_n == 0:
                break
            cuts.append(mm.start(1))
            r.damage("paragraph-merged", f"paragraph {last_n + 1} runs on mid-line after the previous paragraph; split",
                     no, quote=s[max(0, mm.start(1) - 30):mm.start(1) + 30])
            last_n += 1
            pos = mm.end()
        for i, c in enumerate(cuts):
            e = cuts[i + 1] if i + 1 < len(cuts) else len(s)
            seg = Seg(no, starts[no - 1] + lead + c, starts[no - 1] + lead + e, blank if i == 0 else False, i > 0)
            segs.append(seg)
        blank = False
    return segs


def _find_marker(s: str, k: int, pos: int):
    """(start, end, form) of footnote marker ``k`` in ``s`` from ``pos``, or None."""
    ks = str(k)
    best = None
    for m in re.finditer(r"\[\^" + ks + r"\]", s[pos:]):
        best = (pos + m.start(), pos + m.end(), "bracketed")
        break
    pats = [
        (r"(?<=[a-z\)’”\"])" + ks + r"(?=[\s,;.:)]|$)", "glued"),
        (r"(?<=[,.;:])" + ks + r"(?=\s|$)", "glued"),
        (r"(?<![\d/.,\-])(?:19|20)\d\d(" + ks + r")(?![\d/])", "glued-year"),
        (r"(?<=\S)\s" + ks + r"(?=\s+[a-zA-Z“(]|[,;.]?\s*$)", "spaced"),
        (r"(?<=[,;]\s)" + ks + r"(?=\s+(?:19|20)\d\d\b)", "spaced"),
        (r"(?<=[,.;:]\s)" + ks + r"(?=[a-z]{2,})", "spaced"),
    ]
    for p, form in pats:
        for m in re.finditer(p, s[pos:]):
            st = pos + (m.start(1) if m.groups() else m.start())
            en = pos + (m.end(1) if m.groups() else m.end())
            if form == "spaced":
                before = s[:st]
                sentence_end = re.search(r"[A-Za-z]{5,}[.]['’”\")]?\s*$", before) is not None
                year_end = re.search(r"(?<![\d/])(?:19|20)\d\d\s*$", before) is not None and re.match(r"\s+[a-z]", s[en:])
                if (NOT_BEFORE_MARK.search(before) and not sentence_end) or (re.search(r"\d\s*$", before) and not year_end):
                    continue
                if re.search(r"\b(?:paragraphs?|[Aa]rticles?)\s+\d+(?:\s*\([a-z]\))?(?:,\s*\d+)*\s*(?:,|and|to)\s*$", before):
                    continue
            if form == "glued":
                before = s[:st]
                if re.search(r"(?:\b[A-Z]{1,4}|COVID-|G|\bNo\.|para\.|vol\.)$", before):
                    continue
            if best is None or st < best[0]:
                best = (st, en, "glued" if form == "glued-year" else form)
            break
    return best


def _markers(r, segs: list[Seg], state: dict) -> None:
    """Cut the footnote markers out of the segments, in order (footnote k is expected next)."""
    text = r.lines.text
    maxn = max(r.footnotes) if r.footnotes else 0
    for seg in segs:
        s = text[seg.a:seg.b]
        cuts = []
        pos = 0
        while state["k"] <= maxn:
            hit = _find_marker(s, state["k"], pos)
            if hit is None:
                break
            st, en, form = hit
            cuts.append((st, en))
            r.markers.append((seg.a + st, seg.a + en, state["k"], form))
            if form != "bracketed":
                r.damage(f"footnote-marker-{form}", f"footnote marker {state['k']} printed as a bare number "
                         f"({form}); removed from the text", seg.no, quote=s[max(0, st - 25):en + 10])
            state["k"] += 1
            pos = en
        frags, p = [], 0
        for st, en in cuts:
            frags.append((seg.a + p, s[p:st]))
            p = en
        frags.append((seg.a + p, s[p:]))
        seg.frags = _repair(r, seg, [(o, t) for o, t in frags if t.strip()])


#: "Nuclear- Test-Ban": a line-end hyphen kept and the line break made a space (not "age- and gender-")
HYPHEN_SPACE = re.compile(r"(?<=[A-Za-z])- (?!(?:and|or|to|as|nor|but)\b)(?=[A-Za-z])|(?<=\d)[–-] (?=\d)")


def _repair(r, seg: Seg, frags: list[tuple[int, str]]) -> list[tuple[int, str, bool]]:
    """Undo hyphen-space and non-breaking hyphens in a segment's fragments (reported)."""
    out: list[tuple[int, str, bool]] = []
    for o, t in frags:
        if "\u2011" in t:
            r.damage("nb-hyphen", "non-breaking hyphen (U+2011) read as '-'", seg.no,
                     quote=t[max(0, t.index("\u2011") - 30):t.index("\u2011") + 30])
            t = t.replace("\u2011", "-")
        glue, p = False, 0
        for m in HYPHEN_SPACE.finditer(t):
            r.damage("hyphen-space", "a hyphenated word broken at a line end and joined with a space; rejoined",
                     seg.no, quote=t[max(0, m.start() - 25):m.end() + 25])
            out.append((o + p, t[p:m.start() + 1], glue))
            glue, p = True, m.end()
        out.append((o + p, t[p:], glue))
    return [x for x in out if x[1].strip()]


def read_body(r, res: ResolutionText, a: int, main_end: int, plenary: int | None, end: int,
              titles: list[str], no_preamble: bool) -> None:
    raw = r.lines.raw
    # annex headings after the plenary line
    annex_at: list[int] = []
    if plenary is not None:
        for no in range(plenary + 1, end):
            if ANNEX.match(raw[no - 1].strip()) and (raw[no - 2].strip() == "" or no == plenary + 1):
                annex_at.append(no)
        for no in range(plenary + 1, annex_at[0] if annex_at else end):
            s = raw[no - 1].strip()
            if s and not PLENARY.match(s) and not re.match(r"^\d{1,2}\s+[A-Z][a-z]+\s+\d{4}$", s):
                r.damage("unread-text", "text after the plenary-meeting line outside any annex; not read", no)
    state = {"k": 1}
    ctx = {"organ": "unga", "symbol": res.symbol}
    segs = _segments(r, a, main_end, titles)
    _markers(r, segs, state)
    pre, ops, _ = _parts(r, segs, main=True, no_preamble=no_preamble)
    sec_pre = Section(verb_phrase=res.preamble, verb="text", kind="preambular", addressees=[],
                      span=_span_of(r, pre) or r.lines.span(a - 1, a - 1), key="preamble")
    sec_op = Section(verb_phrase="", verb="text", kind="operative", addressees=[],
                     span=_span_of(r, ops) or r.lines.span(a - 1, a - 1), key="operative")
    sec_pre.clauses = _clauses(r, pre, ctx, "preambular")
    sec_op.clauses = _clauses(r, ops, ctx, "operative")
    res.sections = [s for s in (sec_pre, sec_op) if s.clauses or s is sec_op]
    for i, at in enumerate(annex_at):
        stop = annex_at[i + 1] if i + 1 < len(annex_at) else end
        m = ANNEX.match(raw[at - 1].strip())
        n = m.group("n")
        rest = m.group("rest").strip()
        first = at + 1
        if rest:
            r.damage("annex-heading-merged", "the 'Annex' heading and the annex title run together on one line; split", at)
            atitle = rest
        else:
            atitle = ""
            while first < stop and not raw[first - 1].strip():
                first += 1
            if first < stop and not NUMBERED.match(raw[first - 1].strip()):
                atitle = raw[first - 1].strip()
                first += 1
        segs = _segments(r, first, stop, titles + ([_norm(atitle)] if len(atitle) >= 15 else []))
        _markers(r, segs, state)
        _, aparas, headings = _parts(r, segs, main=False, no_preamble=True)
        number = ROMAN_NUM.get(n, n) if n else None
        annex = Annex(number=number, heading=("Annex " + n) if n else "Annex", title=atitle,
                      span=r.lines.span(at, max(at, stop - 1)), key=f"annex-{number}" if number else "annex")
        groups: dict[int, list[Para]] = {}
        for p in aparas:
            groups.setdefault(p.section, []).append(p)
        for si in sorted(set([0] + list(groups))):
            ps = groups.get(si, [])
            if si == 0 and not ps:
                continue
            hd = headings[si - 1] if si > 0 else None
            sec = Section(verb_phrase=hd[1] if hd else "", verb="text", kind="annex", addressees=[],
                          span=_span_of(r, ps) or (r.lines.span(hd[0], hd[0]) if hd else annex.span),
                          key=_slug(hd[1]) if hd else "text")
            sec.clauses = _clauses(r, ps, ctx, "annex")
            annex.sections.append(sec)
        res.annexes.append(annex)
    unplaced = [mk for mk in r.markers if mk[2] not in r.placed]
    for st, en, n, form in unplaced:
        r.damage("footnote-unplaced", f"footnote marker {n} stands outside any paragraph", r.lines.line_of(st))
    missing = sorted(set(r.footnotes) - {mk[2] for mk in r.markers})
    if missing:
        r.sd.findings.append(_finding(r, "footnote-marker-lost", f"no marker found in the text for footnote(s) "
                                      f"{', '.join(map(str, missing))}; their text is not attached", r.footnotes[missing[0]][1]))


def _finding(r, kind, message, span):
    from ...model import Finding
    return Finding("converter-damage", f"{kind}: {message}", r.lines.text[span.char_start:span.char_end][:200], span, "info")


def _span_of(r, paras: list[Para]) -> Span | None:
    if not paras:
        return None
    a, b = paras[0].joined.span(), _last(paras[-1]).joined.span()
    return Span(a.line_start, b.line_end, a.char_start, b.char_end)


def _last(p: Para) -> Para:
    return _last(p.children[-1]) if p.children else p


def _chapeau_is_list(p: Para) -> bool:
    return bool(p.children) or bool(re.search(r":[’”\")]*$", p.text.rstrip()))


def _parts(r, segs: list[Seg], main: bool, no_preamble: bool):
    """Group segments into preambular and numbered paragraphs with their sub-items."""
    pre: list[Para] = []
    ops: list[Para] = []
    headings: list[tuple[int, str]] = []
    in_pre = main and not no_preamble
    expected = 1

    def new(printed, label, key, seg, skip, lost=False):
        p = Para(Joined(r.lines), printed, label, key, lost=lost, section=len(headings))
        p.add(seg, skip)
        return p

    for i, seg in enumerate(segs):
        s = seg.text()
        if not s:
            continue
        nxt = next((x for x in segs[i + 1:] if x.text()), None)
        m = NUMBERED.match(s)
        lm = LETTERED.match(s)
        paras = pre if in_pre else ops
        if m and (not paras or int(m.group("n")) >= expected - 1 or in_pre):
            n = int(m.group("n"))
            in_pre = False
            _ends(r, (ops or pre)[-1] if (ops or pre) else None)
            if n != expected:
                r.damage("number-out-of-sequence", f"paragraph {n} where {expected} is expected", seg.no)
            ops.append(new(f"{n}.", str(n), str(n), seg, len(s) - len(m.group("t"))))
            expected = n + 1
            continue
        if lm and paras:
            parent = paras[-1]
            lab = lm.group("l")
            kids = parent.children
            nextletter = chr(ord(kids[-1].label[0]) + 1) if kids and len(kids[-1].label) == 1 else "a"
            if lab in ROMAN and lab != nextletter and kids and (lab == "i" or kids[-1].children):
                owner = kids[-1]
            else:
                owner = parent
            owner.children.append(new(f"({lab})", lab, lab, seg, len(s) - len(lm.group("t"))))
            continue
        cur = _last(paras[-1]) if paras else None
        first = s[0]
        if cur is None:
            if in_pre:
                pre.append(new(None, None, f"p{len(pre) + 1}", seg, 0))
            else:
                ops.append(new(None, "1", "1", seg, 0))
                expected = 2
            continue
        prev = cur.text.rstrip()
        terminal = bool(TERMINAL.search(prev))
        if not (first.isupper() or first in "“\"("):
            _cont(r, seg, cur)
            cur.add(seg)
            continue
        par = paras[-1]
        if in_pre:
            if _chapeau_is_list(par) and seg.after_blank:
                _lost_letter(r, par, seg, new, terminal)
            elif terminal and (seg.after_blank or OPENER.match(s)):
                if not seg.after_blank:
                    r.damage("paragraph-break-lost", "a new paragraph starts on the next line without a break; "
                             "split at its opening word", seg.no)
                pre.append(new(None, None, f"p{len(pre) + 1}", seg, 0))
            else:
                _cont(r, seg, cur)
                cur.add(seg)
            continue
        if (not main and seg.after_blank and terminal and len(s) < 80 and not TERMINAL.search(s)
                and nxt is not None and NUMBERED.match(nxt.text()) and nxt.after_blank):
            headings.append((seg.no, s))
            continue
        if _chapeau_is_list(par):
            if seg.after_blank and (terminal or GERUND.match(s)):
                _lost_letter(r, par, seg, new, terminal)
            else:
                _cont(r, seg, cur)
                cur.add(seg)
            continue
        if seg.after_blank and not terminal and GERUND.match(s) and re.search(r"\b(?:we|to|shall|will)$", prev):
            r.damage("text-lost", "the paragraph stops mid-sentence before its list; the last words were lost in extraction",
                     cur.joined.last_line, quote=prev[-60:])
            _lost_letter(r, par, seg, new, True)
            continue
        if main and seg.after_blank and terminal and prev.endswith((";", ".")) and OP_VERB.match(s):
            r.damage("lost-number", f"paragraph without its number; numbered {expected} from its position", seg.no)
            ops.append(new(None, str(expected), str(expected), seg, 0, lost=True))
            expected += 1
            continue
        _cont(r, seg, cur)
        cur.add(seg)
    return pre, ops, headings


def _cont(r, seg: Seg, cur: Para) -> None:
    """Report a continuation (on the lines from the end of what it continues to its own line)."""
    a = min(cur.joined.last_line or seg.no, seg.no)
    if seg.after_blank:
        r.damage("page-split", "a paragraph split at a page break (or a running header); rejoined", a, seg.no)
    else:
        r.damage("line-break-in-paragraph", "a paragraph broken across lines; rejoined", a, seg.no)


def _ends(r, par: Para | None) -> None:
    """A paragraph or sub-item that stops without its closing punctuation lost its last words."""
    if par is None:
        return
    last = _last(par)
    if last.text and not TERMINAL.search(last.text.rstrip()):
        r.damage("text-lost", "the paragraph stops mid-sentence where the next one starts; its last words were "
                 "probably lost in extraction", last.joined.last_line, quote=last.text[-60:])


def _lost_letter(r, par: Para, seg: Seg, new, terminal: bool) -> None:
    if par.children:
        _ends(r, par.children[-1])
    kids = par.children
    lab = chr(ord(kids[-1].label[0]) + 1) if kids and kids[-1].label and len(kids[-1].label) == 1 else "a"
    r.damage("lost-sub-item-letter", f"sub-item printed without its letter; read as ({lab}) from its position", seg.no)
    kids.append(new(None, lab, lab, seg, 0, lost=True))


def _clauses(r, paras: list[Para], ctx: dict, kind: str) -> list[Clause]:
    out = []
    for i, p in enumerate(paras, 1):
        out.append(_clause(r, p, i, ctx, kind, top=True))
    return out


def _clause(r, p: Para, pos: int, ctx: dict, kind: str, top: bool) -> Clause:
    c = Clause(label=p.label, printed_label=p.printed, former_label=None, label_change="unchanged",
               text=p.text, span=p.joined.span(), position=pos, key=p.key)
    if top and kind in ("preambular", "operative"):
        o = opening(p.text)
        if o is not None:
            c.verb_phrase, c.verb = o
            if kind == "operative":
                c.addressees = addressees(c.verb, p.text[len(o[0]):])
    c.citations = find_citations(p.text, base=0, span=p.joined.char_span, context=ctx) if p.text else []
    for st, en, n, form in r.markers:
        if n in r.placed:
            continue
        if _owns(p, st):
            r.placed.add(n)
            text, span = r.footnotes.get(n, ("", r.lines.char_span(st, en)))
            c.footnotes.append(Footnote(ref=str(n), mark=str(n), text=text, span=r.lines.char_span(st, en)))
            if text:
                fj = r.footnote_joined.get(n)
                for cit in (find_citations(fj.text, base=0, span=fj.char_span, context=ctx) if fj else []):
                    cit.note = f"in footnote {n}" + (f"; {cit.note}" if cit.note else "")
                    c.citations.append(cit)
    c.children = [_clause(r, k, j, ctx, kind, top=False) for j, k in enumerate(p.children, 1)]
    return c


def _owns(p: Para, offset: int) -> bool:
    """Whether the marker at ``offset`` stands in this paragraph's own text (not a sub-item's)."""
    if not p.joined.map:
        return False
    sp = p.joined.span()
    if not (sp.char_start <= offset <= sp.char_end):
        return False
    return not any(_within(k, offset) for k in p.children)


def _within(p: Para, offset: int) -> bool:
    sp = p.joined.span()
    return (sp.char_start <= offset <= sp.char_end) or any(_within(k, offset) for k in p.children)
