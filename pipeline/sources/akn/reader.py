"""Read an Akoma Ntoso 3.0 document (one act/statement/doc, or a ``documentCollection`` of them)
into the document model: one adopted :class:`~pipeline.model.ResolutionText` per component.

Written for the PP-18 Final Acts as converted by the third-party ``akn4itu`` regex converter
(``data/sources/pp18-final-acts/``), read leniently: the markup gives components, FRBR
identification, headings, section keywords and most labels; the words of each ``<p>`` are then
read again (:mod:`.segment`) for what the converter left in them — a first label with no
``<num>``, merged paragraphs and sub-items, glued section keywords, footnote text after a
``____`` rule, annexes glued into the last paragraph, the end of the book in the last
component.  Each repair is a ``converter-damage`` finding.  Spans index the XML text.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ...model import SourceDocument
from ...reference import rows as reference_rows
from ..limits import SourceError
from .build import ComponentReader, XmlText, NS, local as _local, text_of as _text
from .ours import OursReader, is_ours

SNIFF = re.compile(r"<(?:[\w.-]+:)?akomaNtoso\b[^>]*=\s*[\"']" + re.escape(NS) + r"[\"']")
ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
DOC_TYPES = {"act", "bill", "doc", "statement", "debate", "debateReport", "judgment", "amendment",
             "amendmentList", "officialGazette", "portion", "documentCollection"}


def sniff(text: str) -> bool:
    """An ``akomaNtoso`` root in the AKN 3.0 namespace near the start of the text."""
    try:
        return SNIFF.search(text[:8192]) is not None
    except Exception:   # never raises
        return False


def parse_xml(path: Path, text: str):
    """The parsed root, refusing entity declarations (entity bombs, external entities) before parsing."""
    if ENTITY_DECL.search(text):
        raise SourceError(f"{path}: XML declares entities; refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except etree.XMLSyntaxError as e:
        line, col = (e.position if e.position else (e.lineno, 0))
        raise SourceError(f"{path}: not well-formed XML: {e.msg} (line {line}, column {col})") from None
    except (ValueError, etree.LxmlError) as e:
        raise SourceError(f"{path}: not readable as XML: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    if _local(root) != "akomaNtoso" or etree.QName(root).namespace != NS:
        raise SourceError(f"{path}: not an Akoma Ntoso 3.0 document (root {etree.QName(root).localname!r})")
    return root


def read(path: Path, text: str, sha256: str, slug: str) -> SourceDocument:
    """The document model of an Akoma Ntoso document or collection (``slug`` names its graphs)."""
    root = parse_xml(path, text)
    xt = XmlText(text)
    sd = SourceDocument(slug=slug, path=str(path), sha256=sha256, title="", text=text, line_count=len(xt.starts))
    docs = [el for el in root if _local(el) in DOC_TYPES]
    if not docs:
        raise SourceError(f"{path}: Akoma Ntoso with no document (expected act, statement, doc or documentCollection)")
    top = docs[0]
    sd.title = _doc_title(top) or Path(path).name
    if _local(top) == "documentCollection":
        comps = [d for d in top.iter(f"{{{NS}}}*") if _local(d) in DOC_TYPES - {"documentCollection"}]
    else:
        comps = [top]
    titles = _full_titles()
    cls = OursReader if is_ours(root) else ComponentReader
    for d in comps:
        res = cls(d, xt, sd, titles).read()
        if res is not None:
            sd.texts.append(res)
    if not sd.texts:
        raise SourceError(f"{path}: Akoma Ntoso document with no readable resolution, decision or recommendation")
    return sd


def _doc_title(d) -> str:
    pre = next((x for x in d if _local(x) == "preface"), None)
    if pre is None:
        return ""
    parts = [_text(x) for x in pre.iter(f"{{{NS}}}*") if _local(x) in ("docType", "docTitle", "docNumber")]
    return " ".join(p for p in parts if p)


def _full_titles() -> dict[tuple[str, str], dict]:
    try:
        return {(r["doc_type"].lower(), r["number"]): r for r in reference_rows("itu-pp18-final-acts-list.csv")}
    except Exception:
        return {}


__all__ = ["read", "sniff", "parse_xml"]
