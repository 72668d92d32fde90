"""Parse a plain-text export of an ITU proposals document into the document model.

The seed (``data/sources/000_e6762f12f0311554.txt``, PP-18 Document 64 Addendum 1)
is a Word document exported to text: proposals are separated by ``* * * * *`` lines,
each has a ``Proposal ACP/64A1/N - Summary:`` header (ACP/64A1/17 lacks it), an
INTRODUCTION, a PROPOSAL, an action line ``MOD<TAB>ACP/64A1/N`` and the proposed
text, then ``Reasons:``.  Tracked changes were flattened (see :mod:`pipeline.sources.labels`
and :mod:`pipeline.citations`); export artefacts (``[bookmark: …]``,
``[footnoteRef:N]N``, inline footnote text ``[N: …]``) are removed from clause text
but kept in the offsets, which always index the original text.

Every inference is recorded as a :class:`~pipeline.model.Finding` or in a
citation's ``note``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...citations import find_citations, parse_revisions, resolve_internal_references
from ...citations.prefilter import _required
from ..limits import SourceError
from ..structure import structure
from ..verbs import addressees_of, section_verb
from ...rdf.uris import slug
from ...model import (Annex, Citation, Clause, Finding, Footnote, Proposal, ResolutionText, Section,
                    SourceDocument, Span)
from ..plan import parse_plan
from ...reference import adopts_strategic_plan, known_document, rows as reference_rows

# --------------------------------------------------------------- patterns ---

SEPARATOR = re.compile(r"^\s*\*(?:\s+\*){3,}\s*$")
HEADER = re.compile(r"Proposal\s+(?P<sym>[A-Z]{2,5}/\d+A?\d*/\d+)\s*-\s*Summary:\s*(?P<rest>.*)$")
ACTION = re.compile(r"^(?P<act>NOC|MOD|ADD|SUP)\t\s*(?P<sym>[A-Z]{2,5}/\d+A?\d*/\d+)(?:#(?P<anchor>\d+))?\s*$")
RES_HEADING = re.compile(r"^RESOLUTION\s+(?P<num>\d+)\s*\((?P<rev>.*)\)\s*$")
DRAFT_HEADING = re.compile(r"^Draft\s+New\s+Resolution\s*\[(?P<label>[^\]]+)\]\s*$", re.I)
ANNEX_HEADING = re.compile(r"^ANNEX\s*(?P<n>\d+)?\s+(?:TO|to)\s+RESOLUTION\s+(?P<num>\d+)\s*(?:\((?P<rev>.*)\))?\s*$", re.I)
CONFERENCE_LINE = re.compile(r"^The\s+Plenipotentiary\s+Conference\s+of\s+the\s+International\s+Telecommunication\s+Union\s*\((?P<rev>[^)]*)\)")
LABELED = re.compile(r"^(?P<label>\d+(?:\.\d+)*\.?|[a-z]{1,2}\s?\)|[ivx]+\)) ?\t+(?P<text>.*)$")
BULLET = re.compile(r"^(?P<label>[–•·\-+])\t+(?P<text>.*)$")
ARTEFACT = re.compile(r"\[bookmark:[^\]]*\]|\[footnoteRef:\d+\]\d*|\[image:[^\]]*\]")
FOOTNOTE_TEXT = re.compile(r"\[\d+:\s[^\]]*\]")
FOOTNOTE_REF = re.compile(r"\[footnoteRef:(?P<ref>\d+)\](?P<mark>\d*)")
FOOTNOTE_BODY = re.compile(r"\[(?P<ref>\d+):\s(?P<text>[^\]]*)\]")

@lru_cache(maxsize=1)
def _repairs() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(r["pattern"]), r["replacement"]) for r in reference_rows("repairs.csv")]


@lru_cache(maxsize=1)
def _any_repair() -> re.Pattern | None:
    """All repair patterns as one alternation: a text none of them matches is left as it is
    by every substitution, so one search replaces them all (None: a pattern refers to its
    own groups and cannot be combined)."""
    pats = [p.pattern for p, _ in _repairs()]
    if not pats or any(re.search(r"\\\d|\(\?P=|\(\?\(", p) for p in pats):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in pats))
    except re.error:  # e.g. an inline flag that only stands at the start of a pattern
        return None


@lru_cache(maxsize=1)
def _repair_words() -> tuple[tuple[str, ...], ...]:
    """Conditions every match of :func:`_any_repair` meets (none when it is case-insensitive)."""
    quick = _any_repair()
    ic, conds = _required(quick.pattern, quick.flags) if quick is not None else (False, ())
    return () if ic else conds


def repair(text: str) -> str:
    """Undo the export's damage to words (``ITUT`` → ``ITU-T``), from data/reference/repairs.csv.

    Only the published text is repaired; spans keep pointing at the original bytes.
    """
    quick = _any_repair()
    if quick is not None:
        # the literal words every repair needs (pipeline.citations.prefilter._required), tested before the regex
        for cond in _repair_words():
            for w in cond:
                if w in text:
                    break
            else:
                return text
        if quick.search(text) is None:
            return text
    for pat, rep in _repairs():
        text = pat.sub(rep, text)
    return text


# ------------------------------------------------------------------ lines ---

@dataclass
class Line:
    no: int          # 1-based
    start: int       # char offset of the line start
    raw: str
    clean: str       # artefacts removed, stripped


class Doc:
    def __init__(self, text: str):
        self.text = text
        # footnote texts by the export's id: the text follows its marker, inline
        self.footnote_texts = {m.group("ref"): " ".join(m.group("text").split()) for m in FOOTNOTE_BODY.finditer(text)}
        self.lines: list[Line] = []
        self.starts: list[int] = []   # char offset of each line, for line_of
        pos = 0
        for i, raw in enumerate(text.split("\n")):
            clean = FOOTNOTE_TEXT.sub("", ARTEFACT.sub("", raw)) if "[" in raw else raw  # both start with "["
            clean = clean.replace("\u00a0", " ").rstrip()
            self.lines.append(Line(i + 1, pos, raw, clean.lstrip(" ") if not clean.startswith("\t") else clean))
            self.starts.append(pos)
            pos += len(raw) + 1

    def span(self, a: int, b: int) -> Span:
        """Span of lines a..b (1-based, inclusive)."""
        la, lb = self.lines[a - 1], self.lines[b - 1]
        return Span(a, b, la.start, lb.start + len(lb.raw))

    def char_span(self, start: int, end: int) -> Span:
        return Span(self.line_of(start), self.line_of(max(start, end - 1)), start, end)

    def line_of(self, offset: int) -> int:
        """1-based number of the line holding char ``offset`` (the last line whose start is at most it)."""
        return max(1, bisect_right(self.starts, offset))

    def cites(self, line: Line, text_in_line: str | None = None, context: dict | None = None) -> list[Citation]:
        """Citations in a line; offsets map back into the raw line."""
        raw = line.raw
        if "[" not in raw:  # every artefact and inline footnote starts with "["
            return find_citations(raw, base=line.start, span=self.char_span, context=context)
        # Work on the raw line with artefacts blanked out (same length, so offsets hold).
        blanked = ARTEFACT.sub(lambda m: " " * len(m.group(0)), raw)
        # footnote text printed inline ("[35: 1 Buenos Aires Declaration]") is read too: only its
        # brackets, id and mark are blanked, so a citation in a footnote belongs to its clause
        blanked = FOOTNOTE_BODY.sub(lambda m: " " * (m.start("text") - m.start())
                                    + re.sub(r"^\d*\s*", lambda x: " " * len(x.group(0)), m.group("text")) + " ", blanked)
        return find_citations(blanked, base=line.start, span=self.char_span, context=context)


# ------------------------------------------------------------------ parser ---

def sniff(text: str) -> bool:
    """An ITU proposals document: an action line (``MOD<TAB>ACP/64A1/7``) or a proposal header."""
    return SNIFF.search(text) is not None


SNIFF = re.compile(r"^(?:NOC|MOD|ADD|SUP)\t|Proposal\s+[A-Z]{2,5}/\d+A?\d*/\d+", re.M)


def read(path: Path, text: str, sha256: str, slug: str) -> SourceDocument:
    """The document model of one ITU proposals text export (``slug`` names its graphs)."""
    doc = Doc(text)
    sd = SourceDocument(slug=slug, path=str(path), sha256=sha256, title="", text=text, line_count=len(doc.lines))
    blocks, cur = [], []
    for ln in doc.lines:
        if SEPARATOR.match(ln.raw):
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(ln)
    if cur:
        blocks.append(cur)
    for block in blocks:
        prop = _parse_block(block, doc, sd)
        if prop is not None:
            sd.proposals.append(prop)
    if not sd.proposals:
        raise SourceError(f"{path}: no proposals found (expected lines such as 'MOD<TAB>ACP/64A1/7'); is this an ITU proposals document?")
    _split_citations(doc, sd)
    known = known_document(text)
    sd.title = known.title if known is not None else Path(path).name
    return sd


#: a line that ends where a citation's number should follow, and a next line that starts with one
_CITATION_WORD_AT_END = re.compile(r"\b(?:Resolutions?|Decisions?|Recommendations?|Opinions?|Questions?|"
                                   r"Goals?|[Tt]argets?|[Ii]ndicators?|A/RES|A/Res|No\.|Article)\s*$")
_NUMBER_AT_START = re.compile(r"\s*(?:[A-Z]?/?\d|[A-Z]\.\d)")


@lru_cache(maxsize=1)
def _citation_words_at_end() -> tuple[str, ...]:
    """Words one of which every match of ``_CITATION_WORD_AT_END`` holds (empty: unknown)."""
    ic, conds = _required(_CITATION_WORD_AT_END.pattern, _CITATION_WORD_AT_END.flags)
    return () if ic or not conds else conds[0]


def _split_citations(doc: Doc, sd: SourceDocument) -> None:
    """A citation broken across two lines ("… UNGA Resolution" / "70/1 on …") is read as
    printed (no line is joined to the next: each line is a paragraph of the source) and
    reported, with both lines, so a librarian can check it."""
    lines = doc.lines
    words = _citation_words_at_end()
    for a, b in zip(lines, lines[1:]):
        if "\t" in b.raw[:12]:
            continue
        clean = a.clean
        for w in words:   # every match holds one of these words: most lines hold none
            if w in clean:
                break
        else:
            if words:
                continue
        if _CITATION_WORD_AT_END.search(clean) and _NUMBER_AT_START.match(b.clean):
            quote = f"{a.clean.rstrip()[-60:]} ⏎ {b.clean.strip()[:40]}"
            sd.findings.append(Finding(
                "export-damage", f"a citation seems broken across lines {a.no}-{b.no}: the number starts the next "
                f"line; each line is read on its own, so it is not linked", quote, doc.span(a.no, b.no), "warning"))


def _parse_block(block: list[Line], doc: Doc, sd: SourceDocument) -> Proposal | None:
    nonblank = [ln for ln in block if ln.clean.strip()]
    if not nonblank:
        return None
    header = next((ln for ln in block if HEADER.search(ln.clean)), None)
    action = next((ln for ln in block if ACTION.match(ln.clean)), None)
    if action is None:
        sd.findings.append(Finding(
            "export-damage", "text outside any proposal (no NOC/MOD/ADD/SUP line); not parsed",
            nonblank[0].clean.strip()[:200], doc.span(nonblank[0].no, nonblank[-1].no), "info"))
        return None
    am = ACTION.match(action.clean)
    symbol = am.group("sym")
    if header is not None:
        hm = HEADER.search(header.clean)
        if hm.group("sym") != symbol:
            sd.findings.append(Finding("export-damage", f"header names {hm.group('sym')} but the action line names {symbol}",
                                       header.clean.strip(), doc.span(header.no, header.no)))
        summary_lines = [hm.group("rest").strip()]
    else:
        summary_lines = []
        sd.findings.append(Finding("missing-header", f"proposal {symbol} has no 'Proposal … - Summary:' header; read from its action line",
                                   action.clean.strip(), doc.span(action.no, action.no), "info"))
    # split the part before the action line into summary / introduction / proposal
    part = "summary"
    intro, ptext = [], []
    before = [ln for ln in block if ln.no < action.no and ln is not header]
    res_heading_before = None
    for ln in before:
        s = ln.clean.strip()
        if s == "INTRODUCTION":
            part = "intro"
            continue
        if s == "PROPOSAL":
            part = "proposal"
            continue
        if RES_HEADING.match(s) and part == "proposal":
            res_heading_before = ln
            part = "heading"
            continue
        if part == "heading":
            continue
        if not s:
            continue
        if part == "summary" and header is not None:
            summary_lines.append(s)
        elif part == "summary":
            intro.append(s)
        elif part == "intro":
            intro.append(s)
        else:
            ptext.append(s)
    after = [ln for ln in block if ln.no > action.no]
    reasons_at = next((i for i, ln in enumerate(after) if ln.clean.startswith("Reasons:")), None)
    reasons = ""
    if reasons_at is not None:
        reasons = " ".join(ln.clean.strip() for ln in after[reasons_at:] if ln.clean.strip())
        reasons = re.sub(r"^Reasons:\s*", "", reasons)
        body_lines = after[:reasons_at]
    else:
        body_lines = after
    prop = Proposal(
        symbol=symbol, anchor=am.group("anchor"), action=am.group("act"),
        summary=" ".join(x for x in summary_lines if x), introduction="\n".join(intro),
        proposal_text="\n".join(ptext), reasons=reasons,
        span=doc.span(block[0].no, block[-1].no), action_line=action.no,
        target_kind="unknown", has_header=header is not None)
    # citations in the proposal's own words (not the resolution text)
    for ln in before + (after[reasons_at:] if reasons_at is not None else []):
        if ln is res_heading_before:
            continue
        prop.citations.extend(doc.cites(ln))
    _parse_instrument(prop, body_lines, res_heading_before, doc, sd)
    return prop


def _parse_instrument(prop: Proposal, lines: list[Line], heading_before: Line | None, doc: Doc, sd: SourceDocument) -> None:
    content = [ln for ln in lines if ln.clean.strip()]
    if not content:
        return
    first = content[0].clean.strip()
    if first.upper().startswith("CONSTITUTION OF"):
        prop.target_kind = "constitution"
        return
    if first.upper().startswith("CONVENTION OF"):
        prop.target_kind = "convention"
        return
    annex_only = None
    head_line = None
    m = RES_HEADING.match(first)
    d = DRAFT_HEADING.match(first)
    if m:
        head_line = content[0]
        rest = content[1:]
    elif d:
        head_line = content[0]
        rest = content[1:]
    elif heading_before is not None and ANNEX_HEADING.match(first):
        head_line = heading_before
        m = RES_HEADING.match(heading_before.clean.strip())
        annex_only = ANNEX_HEADING.match(first).group("n") or "1"
        rest = content
    elif ANNEX_HEADING.match(first):
        # only an annex, and no resolution heading before the action line: the annex heading
        # itself names the resolution and its revision ("ANNEX 1 TO RESOLUTION 71 (Rev. Dubai, 2018)")
        head_line = content[0]
        m = ANNEX_HEADING.match(first)
        annex_only = m.group("n") or "1"
        rest = content
        sd.findings.append(Finding("export-damage", f"proposal {prop.symbol}: an annex without the heading of its resolution; "
                                                    f"the resolution is read from the annex heading, its title is unknown",
                                   first[:200], doc.span(content[0].no, content[0].no), "info"))
    else:
        sd.findings.append(Finding("export-damage", f"proposal {prop.symbol}: no resolution heading after the action line",
                                   first[:200], doc.span(content[0].no, content[0].no)))
        return
    if d:
        old = new = None
        res = ResolutionText(body="pp", number=None, draft_label=d.group("label").strip(), title="",
                             heading=first, old_revision=None, new_revision=None,
                             span=doc.span(head_line.no, content[-1].no))
        prop.target_kind = "draft"
    else:
        old, new, notes = parse_revisions(m.group("rev") or "")
        res = ResolutionText(body="pp", number=m.group("num"), draft_label=None, title="",  # title set below
                             heading=head_line.clean.strip(), old_revision=old, new_revision=new,
                             span=doc.span(head_line.no, content[-1].no))
        for n in notes:
            sd.findings.append(Finding("glued-change", f"resolution heading: {n}", head_line.clean.strip(),
                                       doc.span(head_line.no, head_line.no), "info"))
        prop.target_kind = "resolution"
    if prop.action == "SUP":
        # the heading names the version in force that the proposal would abrogate
        res.suppressed = True
        if res.old_revision is None:
            res.old_revision, res.new_revision = res.new_revision, None
    res.only_part = f"annex-{annex_only}" if annex_only else None
    # title: the line after the heading (when the heading is in `content`)
    idx = 0
    if not annex_only:
        if len(rest) > 0:
            res.title = repair(rest[0].clean.strip())
            idx = 1
    elif heading_before is not None:
        nxt = heading_before.no + 1
        res.title = doc.lines[nxt - 1].clean.strip() if nxt <= len(doc.lines) else ""
    body = rest[idx:]
    if body and CONFERENCE_LINE.match(body[0].clean.strip()):
        res.preamble = body[0].clean.strip()
        cm = CONFERENCE_LINE.match(res.preamble)
        o2, n2, _ = parse_revisions(cm.group("rev"))
        if n2 and res.new_revision and (n2.place, n2.year) != (res.new_revision.place, res.new_revision.year):
            sd.findings.append(Finding("glued-change", f"conference line says {n2} but the heading says {res.new_revision}",
                                       res.preamble, doc.span(body[0].no, body[0].no)))
        if d and n2:
            res.new_revision = n2
        body = body[1:]
    _parse_body(res, prop, body, doc, sd)
    prop.resolution = res


def _parse_body(res: ResolutionText, prop: Proposal, lines: list[Line], doc: Doc, sd: SourceDocument) -> None:
    container_sections = res.sections
    annex: Annex | None = None
    section: Section | None = None
    pending_title = False
    ctx = {"default_body": "pp", "default_number": res.number}
    seen_keys: dict[int, dict[str, int]] = {}

    def new_section(verb_phrase, verb, kind, addressees, ln):
        nonlocal section
        section = Section(verb_phrase=verb_phrase, verb=verb, kind=kind, addressees=addressees,
                          span=doc.span(ln.no, ln.no))
        keys = seen_keys.setdefault(id(container_sections), {})
        base_key = slug(verb_phrase)
        keys[base_key] = keys.get(base_key, 0) + 1
        section.key = base_key if keys[base_key] == 1 else f"{base_key}-{keys[base_key]}"
        if keys[base_key] > 1:
            sd.findings.append(Finding("duplicate-label", f"section '{verb_phrase}' appears again in the same text; its URI ends in -{keys[base_key]}",
                                       ln.clean.strip(), doc.span(ln.no, ln.no), "info"))
        container_sections.append(section)
        return section

    for i, ln in enumerate(lines):
        s = ln.clean.strip()
        if not s:
            continue
        am = ANNEX_HEADING.match(s)
        if am:
            annex = Annex(number=am.group("n"), heading=s, title="", span=doc.span(ln.no, ln.no))
            annex.key = f"annex-{am.group('n')}" if am.group("n") else "annex"
            taken = {a.key for a in res.annexes}
            if annex.key in taken:
                n = 2
                while f"{annex.key}-{n}" in taken:
                    n += 1
                sd.findings.append(Finding("duplicate-label", f"annex heading '{s[:80]}' appears again in the same text; "
                                                              f"its URI ends in -{n}", s, doc.span(ln.no, ln.no)))
                annex.key = f"{annex.key}-{n}"
            res.annexes.append(annex)
            container_sections = annex.sections
            section = None
            pending_title = True
            continue
        if pending_title:
            annex.title = s
            pending_title = False
            continue
        if annex is not None:
            annex.span = Span(annex.span.line_start, ln.no, annex.span.char_start, ln.start + len(ln.raw))
        lm = LABELED.match(ln.clean)
        v = section_verb(s) if not lm else None
        if v is not None:
            verb, kind, rest = v
            addressees, unknown = addressees_of(rest) if kind == "operative" else ([], [])
            for u in unknown:
                sd.findings.append(Finding("unknown-section", f"addressee not in data/reference/addressees.csv: {u!r}",
                                           s, doc.span(ln.no, ln.no), "info"))
            new_section(s.rstrip(" ,"), verb, kind, addressees, ln)
            continue
        bm = BULLET.match(ln.clean)
        if section is None:
            if annex is not None:
                # annex prose before any section: an implicit section of the annex
                new_section("text", "text", "annex", [], ln)
                section.key = "text" if section.key == "text" else section.key
            else:
                sd.findings.append(Finding("unknown-section", "text before the first section verb; kept as an unlabeled paragraph of 'text'",
                                           s[:200], doc.span(ln.no, ln.no), "info"))
                new_section("text", "text", "preambular", [], ln)
        if lm:
            raw_label = lm.group("label").replace(" ", "")
            clause = Clause(label=None, printed_label=raw_label, former_label=None, label_change="unchanged",
                            text=lm.group("text").strip(), span=doc.span(ln.no, ln.no))
        elif bm or ln.clean.startswith("\t"):
            clause = Clause(label=None, printed_label="•", former_label=None, label_change="unchanged",
                            text=(bm.group("text") if bm else ln.clean).strip(), span=doc.span(ln.no, ln.no))
        else:
            clause = Clause(label=None, printed_label=None, former_label=None, label_change="unchanged",
                            text=s, span=doc.span(ln.no, ln.no))
        clause.text = repair(clause.text)
        for fm in (FOOTNOTE_REF.finditer(ln.raw) if "[footnoteRef:" in ln.raw else ()):
            body = doc.footnote_texts.get(fm.group("ref"), "")
            body = re.sub(r"^\d+\s+", "", body) if fm.group("mark") else body
            clause.footnotes.append(Footnote(fm.group("ref"), fm.group("mark") or fm.group("ref"), repair(body),
                                             doc.char_span(ln.start + fm.start(), ln.start + fm.end())))
        clause.citations = [c for c in doc.cites(ln, context=ctx) if not _self_citation(c, res)]
        section.clauses.append(clause)
        section.span = Span(section.span.line_start, ln.no, section.span.char_start, ln.start + len(ln.raw))
    for sec in res.sections + [s for a in res.annexes for s in a.sections]:
        structure(sec, sd)
    resolve_internal_references(res, doc, sd.findings)
    for a in res.annexes:
        m = re.search(r"Strategic\s+plan\s+for\s+(\d{4})\s*-\s*(\d{4})", a.title, re.I)
        if m and adopts_strategic_plan(res.body, res.number):
            annex_lines = doc.lines[a.span.line_start - 1:a.span.line_end]
            a.plan = parse_plan(annex_lines, f"{m.group(1)}-{m.group(2)}", sd.findings, lambda n: doc.span(n, n))


def _self_citation(c: Citation, res: ResolutionText) -> bool:
    """A resolution naming itself is not a citation, unless it names an earlier version
    ("its Resolution 70 (Minneapolis, 1998)" in Resolution 70 cites that version)."""
    if not (c.kind == "itu-resolution" and res.number is not None and c.key == ("pp", res.number)):
        return False
    if c.revision is None or res.new_revision is None:
        return True
    return (c.revision.place, c.revision.year) == (res.new_revision.place, res.new_revision.year)


