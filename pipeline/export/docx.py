"""A redline in Word (issue 21 item 3): a proposal's draft with what the conference changed in
adopting it as tracked changes, ``resgraph export --format docx --compare DRAFT VERSION``.

The document is the draft's text (rejecting every change gives the proposed wording, clause by
clause) turned into the adopted text (accepting every change gives it): each change is a
``w:ins`` or ``w:del`` (ECMA-376 Part 1, 17.13.5) whose author is the conference (``PP-18``:
the body and the year of the version) and whose date is the version's date of adoption.

* Clauses are paired and diffed word by word exactly as the compare page pairs them
  (:mod:`.compare`: the build's outcome alignment, ``rg:adoptedAs``, across renumbering and
  moves), and come in the adopted text's order, a dropped clause right after the clause its
  predecessor became.
* A clause the conference added is an inserted paragraph, one it dropped a deleted paragraph:
  their paragraph marks are tracked too (``w:pPr/w:rPr/w:ins|w:del``), so accepting or rejecting
  leaves no empty paragraph behind.
* A changed label (``d)`` that became ``e)``) is a deletion and an insertion before the tab; a
  changed section heading (``instructs the Council`` → ``instructs the ITU Council``) is diffed
  like a clause; a section only one side has is an inserted or deleted heading.
* Equal words that differ only in spelling the diff forgives (quotes, dashes, spaces) are written
  as a deletion of the draft's spelling and an insertion of the adopted one, so that both texts
  come back character for character.
* Paragraph styles say what a paragraph is: ``Title`` (the version's name), ``Subtitle`` (the
  resolution's title, diffed), ``Heading 2`` (a section), ``Clause`` (a clause; indented by depth).

python-docx builds the document; it has no tracked-changes API, so the marks are lxml elements.
"""
from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..rdf.uris import URIs
from ..rdf.vocab import DCTERMS, ELI, RDF, RG
from . import compare as cmp

_N = {k: ox.NamedNode(str(v)) for k, v in {
    "type": RDF.type, "draft_cls": RG.DraftText, "text_cls": RG.ResolutionText, "proposesText": RG.proposesText,
    "textOf": RG.textOf, "proposedIn": RG.proposedIn, "outcomeText": RG.outcomeText, "identifier": DCTERMS.identifier,
    "date": ELI.date_document, "year": RG.year,
}.items()}
#: Bodies whose conferences are named by their acronym and the year's last two digits ("PP-18").
CONFERENCE_BODIES = ("pp", "wtdc", "wtsa", "wrc", "ra", "wcit", "wtpf")


class CompareError(ValueError):
    """The two texts cannot be compared (unknown, not a draft, not an adopted text): a user error."""


# ------------------------------------------------------------------ what to compare ---

def _exists(store: ox.Store, uri: str) -> bool:
    try:
        node = ox.NamedNode(uri)
    except ValueError:
        return False
    return any(True for _ in store.quads_for_pattern(node, None, None, None))


def _is(store: ox.Store, uri: str, cls: str) -> bool:
    return any(True for _ in store.quads_for_pattern(ox.NamedNode(uri), _N["type"], _N[cls], None))


def _as_uri(spec: str, base: str) -> str | None:
    """A URI, or a path under ``/id/`` (``resolution/pp/70/dubai-2018``), as a URI."""
    s = spec.strip()
    if re.match(r"https?://", s):
        return s
    if s.startswith("/id/"):
        s = s[4:]
    elif s.startswith("id/"):
        s = s[3:]
    if re.match(r"(?:resolution|decision|proposal|un)/", s):
        return URIs(base).from_id_path(s)
    return None


def draft_uri(store: ox.Store, spec: str, base: str) -> str:
    """The draft text ``spec`` names: its URI, its path, its proposal's URI or symbol (``ACP/64A1/7``).

    >>> draft_uri(ox.Store(), "ACP/64A1/7", "http://x/")
    Traceback (most recent call last):
    ...
    pipeline.export.docx.CompareError: no proposal ACP/64A1/7 in the published graph (DRAFT is a proposal's symbol, e.g. ACP/64A1/7, or the URI of its text)
    """
    from ..rdf.uris import URIs
    uri = _as_uri(spec, base)
    if uri is None:
        symbol = spec.strip()
        uri = URIs(base).proposal_text(symbol) if re.fullmatch(r"[A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)+", symbol) else None
        if uri is None or not _exists(store, uri):
            raise CompareError(f"no proposal {symbol} in the published graph (DRAFT is a proposal's symbol, "
                               f"e.g. ACP/64A1/7, or the URI of its text)")
    if not _exists(store, uri):
        raise CompareError(f"{uri} is not in the published graph")
    texts = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(uri), _N["proposesText"], None, None)
             if isinstance(q.object, ox.NamedNode)]
    if texts:
        uri = sorted(texts)[0]
    if not _is(store, uri, "draft_cls"):
        raise CompareError(f"{uri} is not a proposal's draft text (DRAFT names what a proposal proposed, "
                           f"e.g. …/id/proposal/ACP/64A1/7/text)")
    return uri


def version_uri(store: ox.Store, spec: str, base: str, draft: str | None = None) -> str:
    """The adopted text ``spec`` names: its URI or path, or a citation (``Resolution 70 (Rev. Dubai,
    2018)``; a resolution, ``PP Resolution 70``, means the version the draft was compared with, or
    its only adopted text)."""
    uri = _as_uri(spec, base)
    if uri is None:
        from ..citations import parse_target, query_target
        found = [u for u in (query_target(c, base) for c in parse_target(spec)) if u]
        if len(found) != 1:
            raise CompareError(f"cannot read {spec!r} as one resolution or version (VERSION is the URI of an adopted "
                               f"text, its path, or e.g. 'Resolution 70 (Rev. Dubai, 2018)', 'PP Resolution 70')")
        uri = found[0]
    if not _exists(store, uri):
        raise CompareError(f"{uri} is not in the published graph")
    if not _is(store, uri, "text_cls"):   # a work: the one adopted text meant
        adopted = sorted(q.subject.value for q in store.quads_for_pattern(None, _N["textOf"], ox.NamedNode(uri), None)
                         if isinstance(q.subject, ox.NamedNode) and _is(store, q.subject.value, "text_cls")
                         and not _is(store, q.subject.value, "draft_cls"))
        wanted = _compared_with(store, draft) if draft else None
        if wanted in adopted:
            return wanted
        if len(adopted) == 1:
            return adopted[0]
        if not adopted:
            raise CompareError(f"{uri} is not an adopted text and the graph holds no adopted text of it")
        raise CompareError(f"{uri} has {len(adopted)} adopted texts; say which: {', '.join(adopted)}")
    if _is(store, uri, "draft_cls"):
        raise CompareError(f"{uri} is a proposal's draft, not an adopted text (VERSION is what a conference adopted)")
    return uri


def _compared_with(store: ox.Store, draft: str) -> str | None:
    prop = cmp._one(store, ox.NamedNode(draft), _N["proposedIn"])
    ot = cmp._one(store, prop, _N["outcomeText"]) if prop is not None else None
    return ot.value if isinstance(ot, ox.NamedNode) else None


def conference(store: ox.Store, version: str) -> tuple[str, str | None]:
    """The author and the ISO date of the changes: ``("PP-18", "2018-11-15T00:00:00Z")``."""
    node = ox.NamedNode(version)
    year = cmp._lit(store, node, _N["year"])
    date = cmp._lit(store, node, _N["date"])
    m = re.search(r"/id/(?:resolution|decision|recommendation)/([a-z]+)/", version)
    if m and m.group(1) in CONFERENCE_BODIES and year:
        author = f"{m.group(1).upper()}-{year[-2:]}"
    else:
        author = cmp.label(store, version) or "conference"
    when = f"{date}T00:00:00Z" if date and re.fullmatch(r"\d{4}-\d\d-\d\d", date) else (
        f"{year}-01-01T00:00:00Z" if year and re.fullmatch(r"\d{4}", year) else None)
    return author, when


def _texts(store: ox.Store, *uris: str) -> list[cmp.Text]:
    """The drafts and adopted texts ``uris`` as :mod:`.compare` reads them (each work read once)."""
    works: dict[str, list[cmp.Text]] = {}
    out = []
    for uri in uris:
        work = cmp.work_of(store, uri)
        if work is None:
            raise CompareError(f"{uri} is not a text of any resolution in the graph")
        if work not in works:
            works[work] = cmp.texts_of(store, work, "")[0]
        found = next((t for t in works[work] if t.uri == uri and t.kind in ("draft", "adopted")), None)
        if found is None:
            raise CompareError(f"{uri} is not a text of {work}")
        out.append(found)
    return out


# ------------------------------------------------------------------------ the document ---

def printed(label: str) -> str:
    """A label as the ITU prints it: letters take a parenthesis.

    >>> [printed(x) for x in ("a", "viii", "1", "c bis", "1.2", "")]
    ['a)', 'viii)', '1', 'c bis)', '1.2', '']
    """
    return label + ")" if re.fullmatch(r"[a-z]+(?: ?(?:bis|ter|quater))?", label) else label


_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Writer:
    def __init__(self, author: str, date: str | None):
        from docx import Document
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Cm
        self.doc = Document()
        self.author, self.date, self.Cm = author, date, Cm
        self.next_id = 1
        self.changes = {"ins": 0, "del": 0}
        clause = self.doc.styles.add_style("Clause", WD_STYLE_TYPE.PARAGRAPH)
        clause.base_style = self.doc.styles["Normal"]
        # python-docx finds a style by name on every paragraph it styles (0.6 s of Resolution 70's
        # 1.4 s): the ids, once
        self.style_ids = {name: self.doc.styles[name].style_id
                          for name in ("Title", "Subtitle", "Normal", "Heading 2", "Clause")}

    # -- OOXML ---------------------------------------------------------------------
    def _mark(self, tag: str):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        el = OxmlElement(tag)
        el.set(qn("w:id"), str(self.next_id))
        el.set(qn("w:author"), self.author)
        if self.date:
            el.set(qn("w:date"), self.date)
        self.next_id += 1
        return el

    def _run(self, text: str, deleted: bool = False, italic: bool = False):
        """``w:r`` with the text; tabs and line breaks as ``w:tab`` / ``w:br``."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        r = OxmlElement("w:r")
        if italic:
            rpr = OxmlElement("w:rPr")
            rpr.append(OxmlElement("w:i"))
            r.append(rpr)
        for piece in re.split(r"(\t|\n)", _XML_BAD.sub("", text)):
            if piece == "\t":
                r.append(OxmlElement("w:tab"))
            elif piece == "\n":
                r.append(OxmlElement("w:br"))
            elif piece:
                t = OxmlElement("w:delText" if deleted else "w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = piece
                r.append(t)
        return r

    def put(self, p, op: str, text: str, italic: bool = False) -> None:
        """``text`` at the end of paragraph ``p``: plain, inserted or deleted."""
        if not text:
            return
        if op == "equal":
            p._p.append(self._run(text, italic=italic))
            return
        kind = "ins" if op == "insert" else "del"
        wrap = self._mark("w:" + kind)
        wrap.append(self._run(text, deleted=kind == "del", italic=italic))
        p._p.append(wrap)
        self.changes[kind] += 1

    def segments(self, p, segs: list[dict], italic: bool = False) -> None:
        for s in segs:
            if s["op"] == "equal" and "old" in s:   # a spelling the diff forgave: both spellings kept
                self.put(p, "delete", s["old"], italic)
                self.put(p, "insert", s["text"], italic)
            else:
                self.put(p, s["op"], s["text"], italic)

    def mark_paragraph(self, p, kind: str) -> None:
        """Track the paragraph mark itself (a whole paragraph inserted or deleted)."""
        from docx.oxml import OxmlElement
        ppr = p._p.get_or_add_pPr()
        rpr = OxmlElement("w:rPr")
        rpr.append(self._mark("w:" + kind))
        ppr.append(rpr)

    def heading(self, new: str | None, old: str | None) -> int:
        """A section heading: the adopted words against the draft's (either may be None: only one
        side starts a section here); returns the paragraph marks tracked."""
        if new is None and old is None:
            return 0
        h = self.paragraph("Heading 2")
        if new is not None and old is not None:
            self.segments(h, cmp.words(old, new), italic=True)
            return 0
        kind = "ins" if new is not None else "del"
        self.put(h, "insert" if new is not None else "delete", new if new is not None else old, italic=True)
        self.mark_paragraph(h, kind)
        return 1

    def paragraph(self, style: str, depth: int = 0, labelled: bool = False):
        p = self.doc.add_paragraph()
        if style != "Normal":
            p._p.style = self.style_ids[style]
        if style == "Clause":
            pf = p.paragraph_format
            pf.left_indent = self.Cm(1.0 * (depth + 1))
            pf.first_line_indent = self.Cm(-1.0) if labelled else None
        return p


@dataclass
class Redline:
    data: bytes
    draft: str
    version: str
    author: str
    date: str | None
    counts: dict            # clauses: unchanged / changed / inserted / deleted
    insertions: int         # w:ins around runs
    deletions: int          # w:del around runs
    marks: int              # paragraph marks tracked (whole paragraphs inserted or deleted)
    seconds: float

    @property
    def changes(self) -> int:
        return self.insertions + self.deletions


def redline(store: ox.Store, draft: str, version: str) -> Redline:
    """The redline of the draft text ``draft`` against the adopted text ``version`` (URIs)."""
    from docx.oxml.ns import qn  # noqa: F401  (python-docx missing: ImportError here, before any work)
    t0 = time.perf_counter()
    a, b = _texts(store, draft, version)
    if a.kind != "draft":
        raise CompareError(f"{draft} is not a proposal's draft text")
    if b.kind != "adopted":
        raise CompareError(f"{version} is not an adopted text")
    diff = cmp.compare(store, a, b)
    author, date = conference(store, version)
    w = _Writer(author, date)
    marks = 0

    w.put(w.paragraph("Title"), "equal", b.label)
    sub = w.paragraph("Subtitle")
    if diff["title"] is not None:
        w.segments(sub, diff["title"]["segments"])
    elif b.title:
        w.put(sub, "equal", b.title)      # the draft has no title of its own: nothing to diff it with
    intro = w.paragraph("Normal")
    w.put(intro, "equal", f"{a.proposal_label or a.label}: the text proposed, with the changes {author} made "
                          f"in adopting {b.label} as tracked changes.", italic=True)

    cur_a = cur_d = None
    rows = diff["clauses"]
    for k, row in enumerate(rows):
        ra, rb = row["from"], row["to"]
        if k == 0 or row["section"] != rows[k - 1]["section"]:
            # a run of clauses under one heading: the adopted section, against the draft's section of
            # the first clause of the run that has a draft side
            group = rows[k:]
            group = group[:next((n for n, r in enumerate(group) if r["section"] != row["section"]), len(group))]
            new = row["section"] if any(r["to"] for r in group) else None
            old = next((r["from"]["section"] for r in group if r["from"]), None)
            new = new if new != cur_a else None
            old = old if old != cur_d else None
            marks += w.heading(new, old)
        if rb is not None:
            cur_a = rb["section"]
        if ra is not None:
            cur_d = ra["section"]
        la = printed(ra["label"]) if ra else ""
        lb = printed(rb["label"]) if rb else ""
        p = w.paragraph("Clause", (rb or ra)["depth"], bool(la or lb))
        if row["status"] == "inserted":
            w.put(p, "insert", f"{lb}\t{rb['text']}" if lb else rb["text"])
            w.mark_paragraph(p, "ins")
            marks += 1
        elif row["status"] == "deleted":
            w.put(p, "delete", f"{la}\t{ra['text']}" if la else ra["text"])
            w.mark_paragraph(p, "del")
            marks += 1
        else:
            if la == lb:
                w.put(p, "equal", f"{lb}\t" if lb else "")
            else:
                w.put(p, "delete", la)
                w.put(p, "insert", lb)
                w.put(p, "equal" if la and lb else "delete" if la else "insert", "\t")
            w.segments(p, row["segments"])

    cp = w.doc.core_properties
    cp.title = f"{b.label}: changes to {a.proposal_label or a.label}"
    cp.subject = f"Redline of {draft} against {version}"
    cp.author = "resgraph"
    cp.comments = f"Tracked changes by {author}: the draft {draft} (rejected) against the adopted text {version} (accepted)."
    buf = io.BytesIO()
    w.doc.save(buf)
    return Redline(buf.getvalue(), draft, version, author, date, diff["counts"], w.changes["ins"], w.changes["del"],
                   marks, time.perf_counter() - t0)


def file_name(r: Redline) -> str:
    """``redline-ACP-64A1-7-pp-70-dubai-2018.docx``."""
    left = re.sub(r"^.*/id/proposal/(.*?)/text$", r"\1", r.draft)
    right = re.sub(r"^.*/id/(?:resolution|decision|recommendation)/", "", r.version)
    return "redline-" + re.sub(r"[^A-Za-z0-9.]+", "-", f"{left}-{right}").strip("-") + ".docx"


def write(store: ox.Store, draft_spec: str, version_spec: str, base: str, output: Path | None) -> tuple[Redline, Path | None]:
    """Resolve the two texts, write the redline to ``output`` (a file, or a directory to put it in;
    None: nothing written) and return it with the path written."""
    d = draft_uri(store, draft_spec, base)
    v = version_uri(store, version_spec, base, d)
    r = redline(store, d, v)
    if output is None:
        return r, None
    path = output / file_name(r) if output.is_dir() else output
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_bytes(r.data)
        tmp.replace(path)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise CompareError(f"cannot write {path}: {e.strerror or e}") from None
    return r, path
