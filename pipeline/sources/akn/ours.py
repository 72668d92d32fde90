"""Akoma Ntoso written by resgraph itself (:mod:`pipeline.export.akn`; its manifestation's author is
``#resgraph``): the markup is trusted as it stands — no converter damage to repair.  Recitals and
hcontainers are the sections, ``hcontainer name="annex"`` the annexes, ``num`` the labels, the ``p``
of an item its words (``ref`` words included), ``authorialNote`` its footnotes; a UN resolution
(author ``#unga``) keeps the UN reader's keys (``preamble``/``operative``, ``p1`` …, ``1`` …, ``a``)."""
from __future__ import annotations

import html
import re

from ...citations import find_citations
from ...model import Annex, Clause, Footnote, Section
from ...rdf.uris import slug as _slug
from ..structure import structure
from ..un_text.words import addressees as un_addressees, opening as un_opening
from .build import NS, ComponentReader, Words, local, self_citation, text_of

ITEM_TAGS = {"recital", "paragraph", "point", "item"}
GENERATOR = "#resgraph"


def is_ours(root) -> bool:
    """The file's (or the first document's) manifestation was written by resgraph."""
    for m in root.iter(f"{{{NS}}}FRBRManifestation"):
        return any(local(x) == "FRBRauthor" and x.get("href") == GENERATOR for x in m)
    return False


class NoteWords(Words):
    """A ``<p>``'s words without its ``authorialNote``s, mapped to XML offsets; the notes found, each
    with the offset in the words where it stood."""

    def __init__(self, xml: str, start: int):
        self.xml, self.raw_start, self.identity = xml, start, False
        words, offsets, notes = [], [], []
        j, depth = start, 0
        while j < len(xml):
            ch = xml[j]
            if ch == "<":
                end = xml.find(">", j) + 1
                tag = xml[j:end]
                if tag.startswith("<authorialNote"):
                    close = xml.find("</authorialNote>", end)
                    notes.append((len(words), j, close + len("</authorialNote>")))
                    j = close + len("</authorialNote>")
                    continue
                if tag.startswith("</"):
                    if depth == 0:
                        break
                    depth -= 1
                elif not tag.endswith("/>"):
                    depth += 1
                j = end
                continue
            if ch == "&":
                end = xml.find(";", j) + 1
                offsets.append(j)
                words.append(html.unescape(xml[j:end]))
                j = end
                continue
            offsets.append(j)
            words.append(ch)
            j += 1
        offsets.append(j)
        self.words = "".join(words)
        self._map = offsets
        self.notes = notes

    def at(self, k: int) -> int:
        return self._map[min(max(k, 0), len(self._map) - 1)]


class OursReader(ComponentReader):
    """One component of our own AKN: read as written."""

    def begin(self, res) -> None:
        d = self.doc
        self.un = any(x.get("href") == "#unga" for x in d.iter(f"{{{NS}}}FRBRauthor"))
        title = next(d.iter(f"{{{NS}}}docTitle"), None)
        res.title = text_of(title) if title is not None else res.title
        alias = {x.get("name"): x.get("value") for x in d.iter(f"{{{NS}}}FRBRalias")}
        if self.un:
            symbol = alias.get("UNSymbol") or ""
            number = symbol.split("/RES/", 1)[-1] if "/RES/" in symbol else (res.number or "")
            res.body, res.symbol, res.number, res.instrument = "unga", symbol or None, number, "resolution"
            res.session = number.split("/")[0] if re.match(r"\d+/", number) else None
            res.new_revision = None
            self.ctx = {"organ": "unga", "symbol": res.symbol}
        for f in d.iter(f"{{{NS}}}formula"):
            res.preamble = text_of(f)
            break

    def structure_section(self, sec) -> None:
        if not self.un:
            structure(sec, self.sd, tracked=False)

    # the base class calls walk() on preamble and mainBody, then structure() on every section
    def walk(self, el, zone: str, depth: int) -> None:
        for child in el:
            t = local(child)
            if t == "recitals":
                self.open(child, "preambular")
                for x in child:
                    if local(x) in ITEM_TAGS:
                        self.item(x, "preambular", 0)
            elif t == "formula":
                continue
            elif t == "hcontainer" and child.get("name") == "annex":
                self.open_annex_el(child)
                for x in child:
                    if local(x) == "hcontainer":
                        self.open(x, "annex")
                        self.items_of(x, 0)
                    elif local(x) in ITEM_TAGS:
                        if self.section is None:
                            self.open_section("text", self.xt.line_span(x.sourceline or 1), "annex", "text")
                        self.item(x, "annex", 0)
                self.annex = None
            elif t == "hcontainer" and child.get("name") not in ("citations", "empty"):
                self.open(child, child.get("name") or "operative")
                self.items_of(child, 0)

    def items_of(self, el, depth: int) -> None:
        for x in el:
            if local(x) in ITEM_TAGS:
                self.item(x, self.section.kind if self.section else "operative", depth)

    def open(self, el, kind: str) -> None:
        phrase = ""
        for x in el:
            if local(x) in ("intro", "heading"):
                phrase = text_of(x)
                break
        span = self.xt.line_span(el.sourceline or 1)
        zone = "preambular" if kind == "preambular" else "annex" if kind == "annex" else "operative"
        if self.un and self.annex is None:
            key = "preamble" if zone == "preambular" else "operative"
            target = self.res.sections
            sec = Section(verb_phrase=phrase or key, verb="text", kind=zone, addressees=[], span=span, key=key)
            target.append(sec)
            self.section = sec
        elif self.un:          # an annex part of a UN resolution: keyed by its heading, as the UN reader does
            sec = Section(verb_phrase=phrase, verb="text", kind="annex", addressees=[], span=span,
                          key=_slug(phrase) if phrase else "text")
            self.annex.sections.append(sec)
            self.section = sec
        else:
            self.open_section(phrase or "text", span, zone, phrase or "text")
            if zone == "annex":
                self.section.kind = "annex"
        self.last_at = {}

    def open_annex_el(self, el) -> None:
        num = next((text_of(x) for x in el if local(x) == "num"), "")
        title = next((text_of(x) for x in el if local(x) == "heading"), "")
        key = (el.get("eId") or "").split("hcontainer_", 1)[-1] or "annex"
        m = re.search(r"annex-(\w+)", key)
        an = Annex(number=m.group(1) if m else None, heading=num or "Annex", title=title,
                   span=self.xt.line_span(el.sourceline or 1), key=key)
        self.res.annexes.append(an)
        self.annex, self.section, self.last_at = an, None, {}

    def item(self, el, zone: str, depth: int) -> None:
        label = next((text_of(x) or None for x in el if local(x) == "num"), None)
        self.eid = el.get("eId") or ""
        own = None
        for x in el:
            t = local(x)
            if t == "p":
                own = x
            elif t in ("content", "intro"):
                own = next(x.iter(f"{{{NS}}}p"), None)
            elif t in ("list", "blockList"):
                intro = next((y for y in x if local(y) in ("intro", "listIntroduction")), None)
                if intro is not None and own is None:
                    own = next(intro.iter(f"{{{NS}}}p"), intro)
            if own is not None:
                break
        if own is not None:
            self.words(own, label, depth, label is not None)
        for x in el:
            if local(x) in ("list", "blockList"):
                for y in x:
                    if local(y) in ITEM_TAGS:
                        self.item(y, zone, depth + 1)

    def words(self, p, label, depth: int, has_num: bool) -> None:
        xt = self.xt
        line = p.sourceline or 1
        a = xt.starts[min(line, len(xt.starts)) - 1]
        tag_at = xt.text.find("<" + local(p), a)
        open_end = xt.text.find(">", tag_at) + 1 if tag_at >= 0 else a
        if xt.text[open_end - 2:open_end] == "/>":   # an empty <p/>
            w = NoteWords(xt.text, open_end)
            w.words, w._map, w.notes = "", [open_end], []
        else:
            w = NoteWords(xt.text, open_end)
        if self.section is None:
            self.open_section("text", xt.line_span(line), "preambular" if not self.annex else "annex", "text")
        c = self.make(w, 0, len(w.words), label)
        c.text = " ".join(w.words.split())
        note_els = [n for n in p.iter(f"{{{NS}}}authorialNote")]
        for (k, s, e), note in zip(w.notes, note_els):
            mark = note.get("marker") or str(len(c.footnotes) + 1)
            ntext = text_of(note)
            c.footnotes.append(Footnote(mark, mark, ntext, xt.char_span(w.at(k), w.at(k))))
            # citations in the note: spanned by the whole note (its words are not mapped one by one)
            for x in find_citations(ntext, base=0, span=lambda a_, b_, s=s, e=e: xt.char_span(s, e), context=self.ctx):
                if not self_citation(x, self.res):
                    x.note = f"in footnote {mark}"
                    c.citations.append(x)
        if self.un:
            self.un_clause(c, label, depth)
        parent = self.last_at.get(depth - 1) if depth > 0 else None
        (parent.children if parent is not None else self.section.clauses).append(c)
        self.last_at[depth] = c
        for k in [k for k in self.last_at if k > depth]:
            del self.last_at[k]

    def un_clause(self, c: Clause, label: str | None, depth: int) -> None:
        c.label = re.sub(r"[^\w.-]", "", label or "").strip(".").lower() or None
        token = self.eid.rsplit("_", 1)[-1]
        if c.label is None and not re.fullmatch(r"u\d+", token):     # a number the UN reader inferred (not printed)
            c.label = token
        if depth == 0 and self.annex is None and self.section.key == "preamble":
            c.key = f"p{len(self.section.clauses) + 1}"
        else:
            c.key = c.label or f"p{len(self.section.clauses) + 1}"
        c.position = len(self.section.clauses) + 1 if depth == 0 else 0
        if depth == 0 and self.annex is None:
            o = un_opening(c.text)
            if o is not None:
                c.verb_phrase, c.verb = o
                if self.section.kind == "operative":
                    c.addressees = un_addressees(c.verb, c.text[len(o[0]):])

    # nothing of the converter's damage to repair in our own files
    def repair_words(self) -> None:
        return None


__all__ = ["OursReader", "is_ours"]
