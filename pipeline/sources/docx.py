"""Read a Word (.docx) proposals document exactly: tracked changes as data, numbering as labels.

The seed is Word's plain-text export of a ``.docx``; everything the text reader infers (glued
labels ``910``, ``2014DUBAI, 2018``, old and new words side by side) was explicit in the Word file.
This reader takes that file and reads, with python-docx (the package, its parts and relationships)
and lxml (what python-docx does not expose):

* every paragraph of the body, tables cell by cell, in document order;
* runs kept, inserted (``w:ins``, ``w:moveTo``) and deleted (``w:del``, ``w:moveFrom``), each change
  with its ``w:author`` and ``w:date``; a paragraph mark inserted or deleted (``w:pPr/w:rPr/w:ins``);
* Word numbering (``w:numPr`` directly or through the paragraph style) resolved through
  ``numbering.xml`` to the printed label, counted twice: the OLD label (paragraphs whose mark was
  not inserted) and the NEW one (paragraphs not deleted) — a clause whose two labels differ is
  renumbered;
* footnotes (``footnotes.xml``), bookmarks (``w:bookmarkStart``).

**How a binary format enters a pipeline of texts.**  Sources are read once, with limits, into a
text (:func:`pipeline.sources.limits.read_source`), and that text is what every later stage gets:
the slug, the worker (``build_document`` "takes the text, not a path"), ``validate``'s columns, the
server's source view.  A Word file's text is its plain-text export — the seed's own format, one
line per paragraph — rendered here by :func:`export_text` (deleted and inserted runs side by side,
labels ``910``, ``[footnoteRef:N]M``, ``[bookmark: …]``).  :func:`~pipeline.sources.limits.decode_source`
returns it as a :class:`DocxText`: a ``str`` (that export, which every span indexes: line N is
paragraph N) that carries the file's bytes (``.data``) and pickles with them, so a worker process
or a Dask task gets the exact file without any signature changing.  :data:`READER` recognises a
``DocxText`` (never a plain string), reads the bytes again — the export is never parsed back for
what the file says exactly — and:

1. runs the ITU text grammar (:mod:`pipeline.sources.itu_text`) over the export for what Word
   does not mark either (proposal headers and action lines, headings, section verbs, nesting),
2. then replaces every inference about tracked changes with the marks: each clause's label,
   former label and ``label_change``, its ``text`` (kept + inserted), ``old_text`` (kept + deleted)
   and ``changes`` (with author and date); the heading's old and new revision; citation statuses
   inside deleted or inserted runs; and drops the text reader's ``label-uncertain`` and
   ``glued-change`` findings, which the marks settle.

The mapping publishes ``old_text`` as it stands (no :func:`~pipeline.outcomes.unflatten`).

Bad input (tests/test_docx_reader.py): a ``.docx`` that is not a zip, a zip whose parts would
inflate beyond :data:`MAX_UNZIPPED` (sizes checked in the zip directory before anything is read;
``zipfile`` stops each part at its declared size), a macro-enabled file (``vbaProject.bin``, the
``.docm`` content type), an encrypted file (an OLE compound file: Office encryption wraps the
package in one), a package that is not a Word document, and a Word file with no proposal: each is
one :class:`~pipeline.sources.limits.SourceError` line.

Speed: see ``bench/readers.py`` (row ``docx``).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Change, Clause, SourceDocument
from .base import Reader
from .limits import SourceError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: The most a Word package may inflate to, all parts together, and the most parts it may have.
#: A proposals document of a few hundred pages is a few MiB of XML (the seed's text is 0.4 MiB);
#: a zip bomb claims gigabytes.
MAX_UNZIPPED = 64 * 1024 * 1024
MAX_PARTS = 2000

_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
_MACRO_TYPES = ("application/vnd.ms-word.document.macroEnabled.main+xml",
                "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")


class DocxText(str):
    """The plain-text export of a Word file (a ``str``: what spans index) carrying the file's bytes."""

    data: bytes

    def __new__(cls, text: str, data: bytes):
        self = super().__new__(cls, text)
        self.data = data
        return self

    def __reduce__(self):
        return (DocxText, (str(self), self.data))


# ------------------------------------------------------------------ package ---

def is_binary_office(path: Path, data: bytes) -> bool:
    """Whether ``data`` should be read as a Word file (zip or OLE magic, or a Word suffix)."""
    return data.startswith((ZIP_MAGIC, OLE_MAGIC)) or Path(path).suffix.lower() in (".docx", ".docm", ".dotx", ".doc")


def check_package(path: Path, data: bytes) -> zipfile.ZipFile:
    """The zip of a Word package after every refusal that needs no XML (one-line :class:`SourceError`)."""
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise SourceError(f"{path}: the Word file is encrypted (password-protected); save a copy without a password")
        raise SourceError(f"{path}: a Word 97-2003 (.doc) file or another OLE compound file, not a .docx; "
                          f"save it as Word Document (.docx)")
    if not data.startswith(ZIP_MAGIC):
        raise SourceError(f"{path}: not a Word document (a .docx is a zip package; this file does not start with 'PK')")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise SourceError(f"{path}: not a readable zip package ({e}); is the .docx truncated?") from None
    if len(infos) > MAX_PARTS:
        raise SourceError(f"{path}: {len(infos)} parts in the package, more than the {MAX_PARTS} a Word document may have")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED:
        raise SourceError(f"{path}: the package would inflate to {total} bytes, more than the "
                          f"{MAX_UNZIPPED // (1024 * 1024)} MiB a Word document may have (a zip bomb?)")
    names = {i.filename for i in infos}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise SourceError(f"{path}: the Word file holds macros (vbaProject.bin); save it as a Word Document (.docx) without macros")
    types = _read_part(path, zf, "[Content_Types].xml").decode("utf-8", "replace")
    if any(t in types for t in _MACRO_TYPES):
        raise SourceError(f"{path}: a macro-enabled Word file (.docm); save it as a Word Document (.docx) without macros")
    if not any(t in types for t in _MAIN_TYPES):
        raise SourceError(f"{path}: a zip package but not a Word document (no WordprocessingML main part)")
    return zf


def _read_part(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    """One part, streamed with a cap (the directory's sizes are checked, but never trusted alone)."""
    try:
        with zf.open(name) as fh:
            out = fh.read(MAX_UNZIPPED + 1)
    except KeyError:
        raise SourceError(f"{path}: the package has no {name}; not a Word document") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
        raise SourceError(f"{path}: the package is damaged ({name}: {e})") from None
    if len(out) > MAX_UNZIPPED:
        raise SourceError(f"{path}: {name} inflates beyond {MAX_UNZIPPED // (1024 * 1024)} MiB (a zip bomb?)")
    return out


def _open_document(path: Path, data: bytes):
    check_package(path, data)
    import docx   # python-docx: the package, its parts, relationships and styles
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as e:   # python-docx raises several kinds for a damaged package
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise SourceError(f"{path}: not a readable Word document ({msg[:200]})") from None


# --------------------------------------------------------------- numbering ---

def _fmt(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            s = chr(ord("a") + r) + s
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        s = ""
        for v, r in vals:
            while n >= v:
                s, n = s + r, n - v
        return s.upper() if fmt == "upperRoman" else s
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


class Numbering:
    """``numbering.xml`` resolved: list instances (``w:num``) → levels; counters kept per instance,
    twice (old numbering, new numbering)."""

    def __init__(self, root, styles_root=None):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        if root is not None:
            for a in root.iter(W + "abstractNum"):
                levels = {}
                for lvl in a.iter(W + "lvl"):
                    lv = _Level()
                    f, t, s = lvl.find(W + "numFmt"), lvl.find(W + "lvlText"), lvl.find(W + "start")
                    if f is not None:
                        lv.fmt = f.get(W + "val", "decimal")
                    if t is not None:
                        lv.text = t.get(W + "val", "")
                    if s is not None:
                        lv.start = int(s.get(W + "val", "1") or 1)
                    levels[int(lvl.get(W + "ilvl", "0"))] = lv
                self.abstract[a.get(W + "abstractNumId")] = levels
            for n in root.iter(W + "num"):
                aid = n.find(W + "abstractNumId")
                overrides = {}
                for o in n.iter(W + "lvlOverride"):
                    so = o.find(W + "startOverride")
                    if so is not None:
                        overrides[int(o.get(W + "ilvl", "0"))] = int(so.get(W + "val", "1"))
                self.nums[n.get(W + "numId")] = (aid.get(W + "val") if aid is not None else "", overrides)
        if styles_root is not None:
            for st in styles_root.iter(W + "style"):
                np_ = st.find(f"{W}pPr/{W}numPr")
                if np_ is not None:
                    nid, ilvl = np_.find(W + "numId"), np_.find(W + "ilvl")
                    if nid is not None:
                        self.style_num[st.get(W + "styleId")] = (nid.get(W + "val"), int(ilvl.get(W + "val")) if ilvl is not None else 0)
        self.counters: dict[tuple[str, str], list[int]] = {}

    def levels(self, num_id: str) -> dict[int, _Level] | None:
        n = self.nums.get(num_id)
        return self.abstract.get(n[0]) if n else None

    def label(self, num_id: str, ilvl: int, which: str) -> str | None:
        """Advance counter ``which`` (``old``/``new``) of list ``num_id`` at ``ilvl``; the printed label."""
        levels = self.levels(num_id)
        if not levels or ilvl not in levels:
            return None
        overrides = self.nums[num_id][1]
        key = (which, num_id)
        cnt = self.counters.get(key)
        if cnt is None:
            cnt = self.counters[key] = [overrides.get(i, levels[i].start if i in levels else 1) - 1 for i in range(9)]
        cnt[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            cnt[deeper] = overrides.get(deeper, levels[deeper].start if deeper in levels else 1) - 1
        lv = levels[ilvl]
        if lv.fmt == "bullet":
            return lv.text
        return re.sub(r"%([1-9])", lambda m: _fmt(cnt[int(m.group(1)) - 1], levels.get(int(m.group(1)) - 1, _Level()).fmt),
                      lv.text)


# -------------------------------------------------------------- paragraphs ---

@dataclass
class Segment:
    kind: str               # keep | ins | del | fn (footnote reference) | bookmark
    text: str
    author: str | None = None
    date: str | None = None


@dataclass
class Paragraph:
    segments: list[Segment] = field(default_factory=list)
    mark: str = "keep"      # the paragraph mark: keep | ins | del
    mark_author: str | None = None
    mark_date: str | None = None
    num: tuple[str, int] | None = None
    old_label: str | None = None
    new_label: str | None = None
    bullet: bool = False

    def words(self, kinds: tuple[str, ...]) -> str:
        return "".join(s.text for s in self.segments if s.kind in kinds)

    @property
    def new_text(self) -> str:
        return self.words(("keep", "ins"))

    @property
    def old_text(self) -> str:
        return self.words(("keep", "del"))

    @property
    def status(self) -> str:
        """inserted | deleted | unchanged | modified (of the words and mark, not the label)."""
        kinds = {s.kind for s in self.segments if s.kind in ("keep", "ins", "del") and s.text.strip()}
        if self.mark == "ins" and not kinds - {"ins"}:
            return "inserted"
        if self.mark == "del" and not kinds - {"del"}:
            return "deleted"
        if kinds == {"ins"} and self.mark != "del":
            return "inserted"
        if kinds == {"del"}:
            return "deleted"
        return "modified" if kinds & {"ins", "del"} else "unchanged"


def _attrs(el) -> tuple[str | None, str | None]:
    return el.get(W + "author"), el.get(W + "date")


def _runs(el, kind: str, who: tuple[str | None, str | None], out: list[Segment]) -> None:
    """Segments of the runs under ``el`` (a paragraph, an ins/del, a hyperlink …), in order."""
    for ch in el:
        tag = ch.tag
        if tag == W + "r":
            for x in ch:
                t = x.tag
                if t in (W + "t", W + "delText"):
                    out.append(Segment(kind, x.text or "", *who))
                elif t == W + "tab":
                    out.append(Segment(kind, "\t", *who))
                elif t in (W + "br", W + "cr"):
                    out.append(Segment(kind, " ", *who))
                elif t == W + "noBreakHyphen":
                    out.append(Segment(kind, "-", *who))
                elif t == W + "footnoteReference":
                    out.append(Segment("fn", x.get(W + "id", ""), *who))
        elif tag in (W + "ins", W + "moveTo"):
            _runs(ch, "ins", _attrs(ch), out)
        elif tag in (W + "del", W + "moveFrom"):
            _runs(ch, "del", _attrs(ch), out)
        elif tag == W + "bookmarkStart":
            name = ch.get(W + "name", "")
            if name and name != "_GoBack":
                out.append(Segment("bookmark", name))
        elif tag in (W + "hyperlink", W + "smartTag", W + "fldSimple", W + "customXml"):
            _runs(ch, kind, who, out)
        elif tag == W + "sdt":
            c = ch.find(W + "sdtContent")
            if c is not None:
                _runs(c, kind, who, out)


def _paragraph(p, numbering: Numbering) -> Paragraph:
    para = Paragraph()
    ppr = p.find(W + "pPr")
    if ppr is not None:
        rpr = ppr.find(W + "rPr")
        if rpr is not None:
            for k, tag in (("ins", W + "ins"), ("del", W + "del")):
                m = rpr.find(tag)
                if m is not None:
                    para.mark, (para.mark_author, para.mark_date) = k, _attrs(m)
        np_ = ppr.find(W + "numPr")
        if np_ is not None:
            nid, ilvl = np_.find(W + "numId"), np_.find(W + "ilvl")
            if nid is not None and nid.get(W + "val") not in (None, "0"):
                para.num = (nid.get(W + "val"), int(ilvl.get(W + "val", "0")) if ilvl is not None else 0)
        else:
            ps = ppr.find(W + "pStyle")
            if ps is not None and ps.get(W + "val") in numbering.style_num:
                para.num = numbering.style_num[ps.get(W + "val")]
    _runs(p, "keep", (None, None), para.segments)
    # merge neighbours of one kind and author (Word splits runs at every formatting change)
    merged: list[Segment] = []
    for s in para.segments:
        if merged and s.kind in ("keep", "ins", "del") and merged[-1].kind == s.kind \
                and (merged[-1].author, merged[-1].date) == (s.author, s.date):
            merged[-1].text += s.text
        else:
            merged.append(s)
    para.segments = merged
    if para.num is not None:
        levels = numbering.levels(para.num[0])
        lv = levels.get(para.num[1]) if levels else None
        if lv is not None and lv.fmt == "bullet":
            para.bullet = True
            para.old_label = para.new_label = lv.text
        elif lv is not None and lv.fmt != "none":
            status = para.status
            if status != "inserted":
                para.old_label = numbering.label(para.num[0], para.num[1], "old")
            if status != "deleted":
                para.new_label = numbering.label(para.num[0], para.num[1], "new")
    return para


def _body_paragraphs(body, numbering: Numbering) -> list[Paragraph]:
    out: list[Paragraph] = []
    for el in body:
        if el.tag == W + "p":
            out.append(_paragraph(el, numbering))
        elif el.tag == W + "tbl":
            for p in el.iter(W + "p"):     # cells in document order, one line per cell paragraph
                out.append(_paragraph(p, numbering))
        elif el.tag == W + "sdt":
            c = el.find(W + "sdtContent")
            if c is not None:
                out.extend(_body_paragraphs(c, numbering))
    return out


def _footnotes(document) -> dict[str, str]:
    """Footnote id → its text (kept and inserted words, its own reference mark left out)."""
    from lxml import etree
    out: dict[str, str] = {}
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/footnotes") and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
            for fn in root.iter(W + "footnote"):
                if fn.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                segs: list[Segment] = []
                for p in fn.iter(W + "p"):
                    _runs(p, "keep", (None, None), segs)
                    segs.append(Segment("keep", " "))
                out[fn.get(W + "id", "")] = "".join(s.text for s in segs if s.kind in ("keep", "ins")).strip()
    return out


def read_paragraphs(path: Path, data: bytes) -> tuple[list[Paragraph], dict[str, str]]:
    """Every paragraph of a Word file (labels resolved, both numberings) and its footnotes."""
    document = _open_document(path, data)
    try:
        num_root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        num_root = None
    try:
        styles_root = document.styles.element
    except (KeyError, NotImplementedError):
        styles_root = None
    numbering = Numbering(num_root, styles_root)
    return _body_paragraphs(document.element.body, numbering), _footnotes(document)


# ------------------------------------------------------------------ export ---

def _glued(p: Paragraph) -> str | None:
    """The label as Word's text export prints it: old and new glued (``910``, ``fg)``) when renumbered."""
    o, n = p.old_label, p.new_label
    if o is None or n is None or o == n or p.bullet:
        return n if n is not None else o
    i = 0    # common suffix ("f)" and "g)" share ")"): printed once, after both numbers
    while i < min(len(o), len(n)) and o[len(o) - 1 - i] == n[len(n) - 1 - i] and not o[len(o) - 1 - i].isalnum():
        i += 1
    return o[:len(o) - i] + n[:len(n) - i] + o[len(o) - i:]


@dataclass
class Line:
    """One paragraph as a line of the export: where each segment stands in it."""

    para: Paragraph
    start: int                                  # offset of the line in the export
    pieces: list[tuple[int, int, Segment]]      # (start, end, segment) offsets in the export


def export_text(paragraphs: list[Paragraph], footnotes: dict[str, str]) -> tuple[str, list[Line]]:
    """Word's plain-text export of the paragraphs (the seed's format) and, per line, its segments."""
    out: list[str] = []
    lines: list[Line] = []
    pos = 0
    mark_no = 0
    for p in paragraphs:
        parts: list[str] = []
        pieces = []
        at = pos
        label = _glued(p)
        if label:
            parts.append(label + "\t")
            at += len(label) + 1
        notes = []
        for s in p.segments:
            if s.kind == "fn":
                mark_no += 1
                t = f"[footnoteRef:{s.text}]{mark_no}"
                notes.append(f" [{s.text}: {mark_no}\t{footnotes.get(s.text, '')}]")
            elif s.kind == "bookmark":
                t = f"[bookmark: {s.text}]"
            else:
                t = s.text.replace("\n", " ")
            pieces.append((at, at + len(t), s))
            parts.append(t)
            at += len(t)
        parts.extend(notes)
        line = "".join(parts)
        lines.append(Line(p, pos, pieces))
        out.append(line)
        pos += len(line) + 1
    return "\n".join(out) + "\n", lines


def to_text(path: Path, data: bytes) -> DocxText:
    """A Word file's bytes as its text export carrying the bytes (see the module docstring)."""
    paragraphs, footnotes = read_paragraphs(path, data)
    text, _lines = export_text(paragraphs, footnotes)
    if not text.strip():
        raise SourceError(f"{path}: the Word document holds no text")
    return DocxText(text, data)


# -------------------------------------------------------------------- read ---

def sniff(text: str) -> bool:
    """A Word file read by :func:`pipeline.sources.limits.decode_source` (never a plain text)."""
    return isinstance(text, DocxText)


def read(path: Path, text: str, sha256: str, slug: str) -> SourceDocument:
    from . import itu_text
    data = text.data if isinstance(text, DocxText) else None
    if data is None:
        raise SourceError(f"{path}: not a Word document")
    paragraphs, footnotes = read_paragraphs(path, data)
    export, lines = export_text(paragraphs, footnotes)
    if not itu_text.sniff(export):
        raise SourceError(f"{path}: a Word document, but no ITU proposal in it (expected a paragraph such as "
                          f"'MOD<TAB>ACP/64A1/7' or 'Proposal ACP/64A1/7 - Summary:')")
    sd = itu_text.read(path, export, sha256, slug)
    sd.path = str(path)
    _exact(sd, lines)
    return sd


_INFERRED = ("label-uncertain", "glued-change")


def _exact(sd: SourceDocument, lines: list[Line]) -> None:
    """Replace what the text grammar inferred about tracked changes with what the marks say."""
    bodies = []
    for prop in sd.proposals:
        r = prop.resolution
        if r is None:
            continue
        bodies.append((r.span.line_start, r.span.line_end))
        _heading(r, lines)
        for sec in r.sections + [s for a in r.annexes for s in a.sections]:
            _clauses(sec.clauses, lines, "")
    sd.findings = [f for f in sd.findings
                   if not (f.kind in _INFERRED and any(a <= f.span.line_start <= b for a, b in bodies))]


def _clean(s: str) -> str:
    return s.replace("\u00a0", " ").strip()


def _heading(r, lines: list[Line]) -> None:
    from ..citations import parse_revisions
    from .itu_text.reader import RES_HEADING
    ln = lines[r.span.line_start - 1]
    new, old = _clean(ln.para.new_text), _clean(ln.para.old_text)
    m_new, m_old = RES_HEADING.match(new), RES_HEADING.match(old)
    if m_new and m_old and old != new:
        r.heading = new
        r.new_revision = parse_revisions(m_new.group("rev"))[1]
        r.old_revision = parse_revisions(m_old.group("rev"))[1]
        if r.suppressed:
            r.old_revision, r.new_revision = r.new_revision, None
    elif m_new:
        r.heading = new
    title = lines[r.span.line_start] if r.span.line_start < len(lines) else None
    if title is not None and r.title and _clean(title.para.new_text):
        r.title = _clean(title.para.new_text)
    if r.preamble:
        for ln2 in lines[r.span.line_start:r.span.line_end]:
            if _clean(ln2.para.old_text + ln2.para.new_text) and "Plenipotentiary Conference" in ln2.para.old_text + ln2.para.new_text:
                r.preamble = _clean(ln2.para.new_text)
                break


def _strip_label(s: str) -> str:
    return s.lstrip("\t ").strip()


def _clauses(clauses: list[Clause], lines: list[Line], prefix: str) -> None:
    used: set[str] = set()
    para = bullet = 0
    for pos, c in enumerate(clauses, start=1):
        first = lines[c.span.line_start - 1]
        group = lines[c.span.line_start - 1:c.span.line_end]
        group = [g for g in group if g is first or g.para.segments]
        p = first.para
        c.text = "\n".join(x for x in (_strip_label(g.para.new_text) for g in group) if x)
        c.old_text = "\n".join(x for x in (_strip_label(g.para.old_text) for g in group) if x)
        c.changes = [ch for g in group for ch in _changes(g.para)]
        st = p.status
        if p.num is not None and not p.bullet:
            new, old = p.new_label, p.old_label
            c.label = new.rstrip(")").rstrip(".") if new else None
            o = old.rstrip(")").rstrip(".") if old else None
            c.former_label = o if (o is not None and o != c.label) else None
            c.label_change = ("inserted" if st == "inserted" else "deleted" if st == "deleted"
                              else "renumbered" if c.former_label else "unchanged")
            if c.label_change == "renumbered":
                c.changes.insert(0, Change("renumber", old, new))
            c.key = prefix + (c.label if c.label else f"former-{o}")
        elif p.bullet:
            bullet += 1
            c.key, c.label_change = f"{prefix}bullet-{bullet}", "unchanged"
        elif c.printed_label is None:
            para += 1
            c.key, c.label_change = f"{prefix}p{para}", "unchanged"
        if c.key in used:
            n = 2
            while f"{c.key}-{n}" in used:
                n += 1
            c.key = f"{c.key}-{n}"
        used.add(c.key)
        c.position = pos
        _citation_status(c, group, st)
        if c.children:
            _clauses(c.children, lines, c.key + "-")


def _changes(p: Paragraph) -> list[Change]:
    """The paragraph's tracked changes: a deletion next to an insertion is one replacement."""
    out: list[Change] = []
    segs = [s for s in p.segments if s.kind in ("keep", "ins", "del")]
    i = 0
    while i < len(segs):
        s = segs[i]
        if s.kind == "keep":
            i += 1
            continue
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        if nxt is not None and {s.kind, nxt.kind} == {"ins", "del"}:
            d, n = (s, nxt) if s.kind == "del" else (nxt, s)
            out.append(Change("replace", d.text, n.text, n.author or d.author, n.date or d.date))
            i += 2
            continue
        out.append(Change("insert", "", s.text, s.author, s.date) if s.kind == "ins"
                   else Change("delete", s.text, "", s.author, s.date))
        i += 1
    return out


def _citation_status(c: Clause, group: list[Line], status: str) -> None:
    """A citation wholly inside deleted (inserted) runs is deleted (inserted); in a deleted
    paragraph, deleted.  Otherwise the status the citation reader gave stands."""
    for cit in c.citations:
        if status == "deleted":
            cit.status = "deleted"
            continue
        kinds = {seg.kind for g in group for (a, b, seg) in g.pieces
                 if a < cit.span.char_end and cit.span.char_start < b and seg.kind in ("keep", "ins", "del")}
        if kinds == {"del"}:
            cit.status = "deleted"
        elif kinds == {"ins"}:
            cit.status = "inserted"
        elif kinds == {"keep"} and cit.status in ("deleted", "inserted", "uncertain"):
            pass   # a glued revision inside kept words: the citation reader's reading stands


READER = Reader(
    name="docx",
    description="a Word (.docx) proposals document, tracked changes read as data",
    sniff=sniff,
    read=read,
    expects="a Word document (.docx) of ITU proposals",
)
