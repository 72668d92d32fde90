"""Read a UN General Assembly resolution extracted from PDF to Markdown (``A_RES_80_16.md``) into the
document model: one adopted :class:`~pipeline.model.ResolutionText`.

The extraction (PyMuPDF, reflowed paragraphs; see the corpus README) prints, after an optional YAML
front matter: a heading block (``Distr.``, session and agenda item, "Resolution adopted by the General
Assembly on …", "[on the report of the … Committee (A/80/534, para. 7)]"), ``80/16. Title``, "The
General Assembly,", preambular paragraphs (unnumbered), operative paragraphs ``1.`` … with sub-items
``(a)`` …, the closing "NNth plenary meeting", sometimes an annex with its own numbering, then
``---`` and the footnote texts ``[^n]: …``.

Its damage is undone here and every repair is a ``converter-damage`` finding (severity info):
running titles inside a paragraph, paragraphs split at page breaks or line breaks, paragraph numbers
that run on mid-line, lost sub-item letters (rebuilt from their position), titles cut short (the
front matter has the full one), non-breaking hyphens in the title, footnote markers glued to words
and numbers (``79/16,2``, ``20172``) or printed as bare digits (``Rights, 1 the``), and continuation
lines of a footnote read as footnote definitions (``[^1994]: …``).
"""
from __future__ import annotations

import re
from pathlib import Path

from ...model import Finding, ResolutionText, SourceDocument, Span
from ..limits import SourceError
from .body import read_body
from .text import Joined, Lines, _norm

# --------------------------------------------------------------- patterns ---

SYMBOL_FM = re.compile(r"^symbol:\s*[\"']?A/RES/", re.M)
SNIFF_BODY = re.compile(r"Resolution\s+adopted\s+by\s+the\s+General\s+Assembly|^\s*The\s+General\s+Assembly,?\s*$", re.M)
ADOPTED = re.compile(r"Resolution\s+adopted\s+by\s+the\s+General\s+Assembly\s+on\s+(?P<d>\d{1,2})\s+(?P<m>[A-Z][a-z]+)\s+(?P<y>\d{4})")
REPORT = re.compile(r"^\[on\s+the\s+report\s+of\s+the\s+(?P<c>.+?Committee)\s*\((?P<sym>A/[^\s,)]+)")
WITHOUT = re.compile(r"^\[without\s+reference\s+to\s+a\s+Main\s+Committee\s*\((?P<sym>A/[^\s,)]+)")
SESSION = re.compile(r"^(?P<s>[A-Z][a-z]+(?:-[a-z]+)?)\s+session\b(?:\s+Agenda\s+items?\s+(?P<items>\d+(?:\s*\([a-z]{1,2}\))?(?:\s*(?:,|and)\s*\d+(?:\s*\([a-z]{1,2}\))?)*))?")
HEADING = re.compile(r"^(?P<num>(?:S-|ES-)?\d+/\d+)\.\s+(?P<title>.*)$")
GA_LINE = re.compile(r"^The\s+General\s+Assembly\s*(?P<comma>,)?\s*$")
PLENARY = re.compile(r"^(?P<m>\d+(?:st|nd|rd|th)\s+plenary\s+meeting)\b")
FN_DEF = re.compile(r"^\[\^(?P<n>\d+)\]:\s?(?P<t>.*)$")
MONTHS = {m: i for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"], 1)}


def sniff(text: str) -> bool:
    """A UN General Assembly resolution: front matter ``symbol: A/RES/…``, or the words "Resolution
    adopted by the General Assembly" / a line "The General Assembly," near the start."""
    try:
        head = text[:6000]
        if head.startswith("<") or head.lstrip().startswith("<?xml"):
            return False
        return SYMBOL_FM.search(head[:2000]) is not None or SNIFF_BODY.search(head) is not None
    except Exception:   # noqa: BLE001 — sniff never raises
        return False


# ------------------------------------------------------------------ reading ---

class Reading:
    """State of one reading: the document, its findings, the footnote texts."""

    def __init__(self, path: Path, text: str, sha256: str, slug: str):
        self.path = path
        self.lines = Lines(text)
        self.sd = SourceDocument(slug=slug, path=str(path), sha256=sha256, title="", text=text,
                                 line_count=len(self.lines))
        self.front: dict = {}
        self.footnotes: dict[int, tuple[str, Span]] = {}
        self.markers: list[tuple[int, int, int, str]] = []   # (doc start, doc end, n, form)
        self.footnote_joined: dict[int, Joined] = {}
        self.placed: set[int] = set()                          # footnotes attached to a clause

    def damage(self, kind: str, message: str, a: int, b: int | None = None, quote: str | None = None) -> None:
        """A ``converter-damage`` finding on lines a..b; ``kind`` (the gold's damage type) starts the message."""
        b = b or a
        q = quote if quote is not None else self.lines.line(a).strip()[:200]
        self.sd.findings.append(Finding("converter-damage", f"{kind}: {message}", q, self.lines.span(a, b), "info"))


def _front_matter(r: Reading) -> int:
    """Parse the YAML front matter; return the first body line (1-based)."""
    raw = r.lines.raw
    if not raw or raw[0].strip() != "---":
        return 1
    for i in range(1, min(len(raw), 200)):
        if raw[i].strip() == "---":
            try:
                import yaml
                data = yaml.safe_load("\n".join(raw[1:i]))
            except Exception as e:   # noqa: BLE001 — any YAML error is the document's
                r.sd.findings.append(Finding("export-damage", f"front matter is not valid YAML ({type(e).__name__}); ignored",
                                             raw[1][:200] if len(raw) > 1 else "", r.lines.span(1, i + 1), "warning"))
                data = None
            r.front = data if isinstance(data, dict) else {}
            return i + 2
    return 1


def _footnote_defs(r: Reading, first: int) -> int:
    """Read the footnote texts from the trailing ``---`` block; return the last body line (exclusive end)."""
    raw = r.lines.raw
    end = len(raw) + 1
    start = None
    for i in range(len(raw) - 1, first - 2, -1):
        if raw[i].strip() == "---":
            rest = [x for x in raw[i + 1:] if x.strip()]
            if not rest or FN_DEF.match(rest[0]):
                start = i
            break
    if start is None:
        # no separator: footnote definitions at the end of the text
        i = len(raw)
        while i > first and (not raw[i - 1].strip() or FN_DEF.match(raw[i - 1]) or raw[i - 1].startswith("    ")):
            i -= 1
        if i == len(raw) or not any(FN_DEF.match(x) for x in raw[i:]):
            return end
        start = i - 1
    cur: list | None = None      # [n, texts, first line, last line]
    defs: list[list] = []
    for no in range(start + 2, len(raw) + 1):
        line = raw[no - 1]
        if not line.strip():
            continue
        m = FN_DEF.match(line)
        if m and (cur is None or int(m.group("n")) == cur[0] + 1):
            cur = [int(m.group("n")), [m.group("t").strip()], no, no]
            defs.append(cur)
            j = r.footnote_joined[cur[0]] = Joined(r.lines)
            j.add(r.lines.starts[no - 1] + m.start("t"), m.group("t").strip())
        elif cur is not None:
            if m:
                r.damage("fake-footnote", f"'[^{m.group('n')}]:' is the continuation of footnote {cur[0]}, "
                                          f"not a footnote of its own (footnote {cur[0] + 1} is expected next)", no)
                piece = f"{m.group('n')} {m.group('t').strip()}"
                at = r.lines.starts[no - 1] + m.start("n")
            else:
                piece = line.strip()
                at = r.lines.starts[no - 1] + len(line) - len(line.lstrip())
            cur[1].append(piece)
            r.footnote_joined[cur[0]].add(at, piece)
            cur[3] = no
    for n, texts, a, b in defs:
        r.footnotes[n] = (r.footnote_joined[n].text, r.lines.span(a, b))
    return start + 1


def _agenda_damage(r: Reading, no: int, s: str, m: re.Match) -> None:
    """Damage to the agenda line of the heading block (reported; the agenda title is not kept)."""
    if m.group("items") is None:
        return
    rest = s[m.end():].strip()
    if not rest:
        r.damage("agenda-title-lost", f"agenda item {m.group('items')} is printed without its title", no)
    elif rest[0].islower():
        r.damage("agenda-title-cut", f"the title of agenda item {m.group('items')} lacks its first words", no)
    if "\u2011" in s:
        r.damage("nb-hyphen", "non-breaking hyphen (U+2011) in the agenda title", no)
    nxt = r.lines.raw[no] if no < len(r.lines.raw) else ""
    if nxt.strip() and not ADOPTED.search(nxt):
        r.damage("line-break-in-paragraph", "the agenda title runs on to the next line", no, no + 1)


def _date(d: str, m: str, y: str) -> str | None:
    mm = MONTHS.get(m)
    return f"{y}-{mm:02d}-{int(d):02d}" if mm else None


def read(path: Path, text: str, sha256: str, slug: str) -> SourceDocument:
    """The document model of one UN General Assembly resolution (text or Markdown)."""
    r = Reading(path, text, sha256, slug)
    first = _front_matter(r)
    end = _footnote_defs(r, first)      # lines first..end-1 are the body (1-based, end exclusive)
    raw = r.lines.raw
    fm_symbol = str(r.front.get("symbol") or "").strip() or None
    fm_title = str(r.front.get("title") or "").strip()
    fm_title = re.sub(r"\s*:\s*$", "", fm_title)
    fm_title = re.sub(r"\s+:\s+", ": ", fm_title)
    # --- heading block
    ga_line = heading_line = None
    date = report = agenda = session = None
    for no in range(first, end):
        s = raw[no - 1].strip()
        if not s:
            continue
        if ga_line is None and GA_LINE.match(s):
            ga_line = no
            break
        m = ADOPTED.search(s)
        if m:
            date = _date(m.group("d"), m.group("m"), m.group("y"))
            continue
        m = REPORT.match(s)
        if m:
            report = m.group("sym")
            continue
        if WITHOUT.match(s):
            continue   # a plenary resolution: no report; its draft symbol (A/80/L.5) has no field in the model yet
        m = SESSION.match(s)
        if m and session is None:
            session = m.group("s")
            agenda = m.group("items")
            _agenda_damage(r, no, s, m)
            continue
        m = HEADING.match(s)
        if m and heading_line is None:
            heading_line = no
    if ga_line is None:
        if fm_symbol is None and heading_line is None:
            raise SourceError(f"{path}: not a General Assembly resolution (no 'The General Assembly' line and no A/RES symbol)")
        raise SourceError(f"{path}: no 'The General Assembly' line: the resolution's text is missing")
    hm = HEADING.match(raw[heading_line - 1].strip()) if heading_line else None
    number = hm.group("num") if hm else None
    if number is None and fm_symbol and fm_symbol.startswith("A/RES/"):
        number = fm_symbol[len("A/RES/"):]
    if number is None:
        raise SourceError(f"{path}: no resolution number (neither a '80/16. Title' line nor a front-matter symbol)")
    symbol = f"A/RES/{number}"
    if fm_symbol and fm_symbol != symbol:
        r.sd.findings.append(Finding("export-damage", f"front matter names {fm_symbol} but the heading names {symbol}",
                                     raw[heading_line - 1].strip()[:200], r.lines.span(heading_line, heading_line), "warning"))
    heading = raw[heading_line - 1].strip() if heading_line else symbol
    body_title = hm.group("title").strip() if hm else ""
    title = body_title
    if "\u2011" in title:
        r.damage("nb-hyphen", "non-breaking hyphen (U+2011) in the title; read as '-'", heading_line)
        title = title.replace("\u2011", "-")
    if fm_title and _norm(fm_title) != _norm(title):
        if _norm(fm_title).startswith(_norm(title)) or not title:
            r.damage("cut-title", "the printed title is cut short; the full title is the front matter's", heading_line or ga_line)
            title = fm_title
    if not title:
        title = fm_title or symbol
    meeting = None
    res = ResolutionText(body="unga", number=number, draft_label=None, title=title, heading=heading,
                         old_revision=None, new_revision=None, span=r.lines.span(heading_line or ga_line, end - 1),
                         preamble=raw[ga_line - 1].strip(), adopted=True, instrument="resolution", symbol=symbol,
                         date=date, session=number.split("/")[0] if re.match(r"\d+/", number) else None,
                         report=report, agenda_item=agenda)
    if date is None:
        r.sd.findings.append(Finding("export-damage", "no 'Resolution adopted by the General Assembly on …' line: adoption date unknown",
                                     heading[:200], r.lines.span(heading_line or ga_line, heading_line or ga_line), "warning"))
    # --- body: main part until the plenary line, then annexes
    plenary = None
    for no in range(ga_line + 1, end):
        m = PLENARY.match(raw[no - 1].strip())
        if m:
            plenary = no
            meeting = m.group("m")
            break
    res.meeting = meeting
    if plenary is None:
        last = max((no for no in range(ga_line, end) if raw[no - 1].strip()), default=ga_line)
        r.sd.findings.append(Finding("export-damage", "the text ends without the closing 'NNth plenary meeting' line: "
                                     "the resolution may be cut short", raw[last - 1].strip()[:200],
                                     r.lines.span(last, last), "warning"))
    main_end = plenary if plenary is not None else end
    titles = [t for t in {_norm(body_title), _norm(fm_title), _norm(title)} if len(t) >= 15]
    read_body(r, res, ga_line + 1, main_end, plenary, end, titles,
              no_preamble=GA_LINE.match(raw[ga_line - 1].strip()).group("comma") is None)
    r.sd.texts.append(res)
    r.sd.title = f"{symbol}: {title}"
    return r.sd
