"""Akoma Ntoso 3.0 out (AKN4UN): every text of the published graph as one ``<akomaNtoso>`` document,
valid against the OASIS ``akomantoso30.xsd``; a ``documentCollection`` of them all.

Conventions (``docs/akn-comparison.md`` has the long form):

* document class: ``<statement name="resolution">`` (AKN4UN deliberative documents; ``decision``,
  ``recommendation`` for those instruments; ``resolutionDraft`` for a proposal's draft text),
  ``FRBRsubtype`` ``deliberation``.
* FRBR IRIs: ``/akn/un/statement/deliberation/{author}/{date}/{number}`` for the work, ``…/eng@{date}``
  for the expression, ``…/eng@{date}/!main.xml`` for the manifestation.  ``author`` is ``itu-pp``,
  ``itu-wtdc`` … or ``unga``; ``number`` ``res-11``, ``dec-5``, ``rec-7`` (ITU, as the Final Acts
  converter names them), ``80-16`` for ``A/RES/80/16`` (the symbol in ``FRBRalias name="UNSymbol"``),
  ``draft-res-130-acp-64a1-13`` for a proposal's draft (dated by the adoption of the version it
  proposes when the graph has it, else 1 January of its year, said in a note).
* ``eId``s by the AKN naming convention: the parent's eId, ``__``, the element's abbreviation
  (``recs``, ``rec``, ``hcontainer``, ``para``, ``list``, ``point``, ``item``, ``intro``, ``ref``,
  ``fnt``), ``_`` and the printed number (or the ordinal when there is none); unique per document.
* every ``cito:Citation`` of the text is one ``<ref href>`` (href: our URI of the target): around the
  words ``rg:citedAs`` where they stand in the clause (or its footnote), else empty at the end of the
  paragraph (``class="unplaced"``, the words in ``title``).
* footnotes: ``<authorialNote marker placement="bottom">`` where the marker stood.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox
from lxml import etree

from ..rdf.vocab import CONCEPT_BASE, DCTERMS, ELI, RDFS, RG
from . import akn_graph as g

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
E = "{%s}" % NS
GENERATOR = "resgraph"
XHTML = "{http://www.w3.org/1999/xhtml}"
INSTRUMENT_ABBR = {"resolution": "res", "decision": "dec", "recommendation": "rec"}
ROLE_WORDS = ("secretary-general", "director", "chair", "president", "rapporteur", "coordinator")


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    e = etree.SubElement(parent, E + tag) if parent is not None else etree.Element(E + tag, nsmap={None: NS})
    for k, v in attrs.items():
        if v is not None:
            e.set(k.rstrip("_").replace("__", ":"), str(v))
    if text is not None:
        e.text = _clean(text)
    return e


def _clean(s: str) -> str:
    """XML 1.0 characters only (a control character in a source never makes the file unreadable)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", s or "")


def _tok(s: str) -> str:
    """A token for an eId or a number (no white space, ASCII letters, digits, dot, hyphen)."""
    s = re.sub(r"[^A-Za-z0-9.\-]+", "-", (s or "").strip()).strip("-.").lower()
    return s or "x"


class Ids:
    """eIds unique within one document: the naming convention's form, a suffix on collision."""

    def __init__(self):
        self.used: set[str] = set()

    def make(self, parent: str | None, abbr: str, num: str) -> str:
        base = f"{parent}__{abbr}_{_tok(num)}" if parent else f"{abbr}_{_tok(num)}"
        eid, k = base, 2
        while eid in self.used:
            eid, k = f"{base}-{k}", k + 1
        self.used.add(eid)
        return eid


# ------------------------------------------------------------------- identity ---

def _body_code(t: g.Text) -> str:
    node = t.node
    body = node.one(RG.body) or node.one(ELI.passed_by) or ""
    code = body.rstrip("/").rsplit("/", 1)[-1] if body else ""
    if code == "unga" or node.is_a(RG.UNResolution):
        return "unga"
    if not code:
        m = re.search(r"/id/(?:resolution|decision|recommendation)/([a-z]+)/", node.one(RG.textOf) or node.uri)
        code = m.group(1) if m else "pp"
    return f"itu-{code}"


def _instrument(t: g.Text) -> str:
    m = re.search(r"/id/(resolution|decision|recommendation)/", t.node.one(RG.textOf) or t.node.uri)
    return m.group(1) if m else "resolution"


def identity(t: g.Text, store: ox.Store | None = None) -> dict:
    """The FRBR identity of a text: author, date, number, names, notes about how they were chosen."""
    n = t.node
    notes: list[str] = []
    author = _body_code(t)
    draft = n.is_a(RG.DraftText)
    instrument = _instrument(t)
    work = n.one(RG.textOf) or n.uri
    if author == "unga":
        symbol = n.one(DCTERMS.identifier) or work.split("/id/un/", 1)[-1]
        number = _tok((n.one(ELI.number) or symbol.split("/RES/", 1)[-1]).replace("/", "-"))
    else:
        symbol = None
        num = work.rstrip("/").rsplit("/", 1)[-1]
        number = f"{INSTRUMENT_ABBR.get(instrument, 'res')}-{_tok(num)}"
    date = n.one(ELI.date_document)
    if draft:
        prop = t.proposal.one(DCTERMS.identifier) if t.proposal else n.uri.rsplit("/", 2)[-2]
        number = f"draft-{number}-{_tok(prop or '')}"
        if t.proposed_version is not None and store is not None:
            date = g.adoption_date(store, t.proposed_version.uri)
        if date:
            notes.append(f"A proposal's draft has no date in the graph: the work is dated by the adoption of the "
                         f"version it proposes ({date}).")
        else:
            year = (n.one(RG.year) or (re.search(r"-(\d{4})$", t.proposed_version.uri).group(1)
                                       if t.proposed_version is not None and re.search(r"-(\d{4})$", t.proposed_version.uri) else None))
            date = f"{year or '1970'}-01-01"
            notes.append(f"A proposal's draft has no date in the graph: the work is dated {date} (the year of the "
                         f"version it proposes), not a date printed on the proposal.")
    if not date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        notes.append(f"No adoption date in the graph ({date!r}); dated 1970-01-01.")
        date = "1970-01-01"
    work_iri = f"/akn/un/statement/deliberation/{author}/{date}/{number}"
    expr = f"{work_iri}/eng@{date}"
    name = "resolutionDraft" if draft else instrument
    return {"author": author, "date": date, "number": number, "work": work_iri, "expression": expr,
            "manifestation": f"{expr}/!main.xml", "name": name, "symbol": symbol, "notes": notes,
            "draft": draft, "instrument": instrument}


def file_name(t: g.Text, ident: dict | None = None) -> str:
    ident = ident or identity(t)
    return f"{ident['author']}_{ident['date']}_{ident['number']}.akn.xml"


# ------------------------------------------------------------------- inline ---

def _free(m, taken) -> tuple[int, int] | None:
    a, b = m.span()
    return (a, b) if b > a and all(b <= x or a >= y for x, y in taken) else None


def _first(pattern: str, text: str, taken, start: int = 0) -> tuple[int, int] | None:
    for m in re.finditer(pattern, text[start:] if start else text):
        span = _free(m, taken)
        if span is not None:
            return (span[0] + start, span[1] + start)
    return None


NUMBERED = re.compile(r"^(?P<kw>(?:Resolution|Decision|Recommendation|Opinion|resolution|decision)s?)\s+(?P<n>[A-Za-z]*[\d][\w./-]*)")


def _place(text: str, words: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where ``words`` (a citation's printed words) stand in ``text``, not overlapping a span already
    taken: the words as printed; with any white space; their longest opening of two words or more; for
    one of a list ("Resolutions 16, 30 and 43 (Rev. …)") the number after the keyword; their closing
    words that hold a digit."""
    words = (words or "").strip()
    if not words or not text:
        return None
    found = _first(re.escape(words), text, taken)
    if found:
        return found
    toks = words.split()
    found = _first(r"\s+".join(re.escape(w) for w in toks), text, taken)
    if found:
        return found
    for k in range(len(toks) - 1, 1, -1):
        head = r"\s+".join(re.escape(w) for w in toks[:k])
        found = _first(head + r"(?![\w])", text, taken)
        if found:
            return found
    m = NUMBERED.match(words)
    if m is not None:
        stem = m.group("kw").rstrip("s")
        for kw in re.finditer(re.escape(stem), text, re.I):
            found = _first(r"(?<![\w.])" + re.escape(m.group("n")) + r"(?![\w])", text, taken, kw.end())
            if found:
                return found
    for k in range(len(toks) - 1, 0, -1):
        tail = toks[k:]
        if any(ch.isdigit() for ch in " ".join(tail)):
            found = _first(r"(?<![\w.])" + r"\s+".join(re.escape(w) for w in tail) + r"(?![\w])", text, taken)
            if found:
                return found
    return None


def _fill(p, text: str, marks: list[tuple[int, int, str, object]]) -> None:
    """Write ``text`` into ``p`` with ``marks``: ``(a, b, "ref", (eId, href, words))`` wraps text[a:b]
    (several references of the same words nest, the first outermost; ``a == b``: an empty reference,
    ``class="unplaced"``); ``(a, a, "note", builder)`` puts the note element built by ``builder(p)`` at a."""
    marks = sorted(marks, key=lambda m: (m[0], 0 if m[2] == "ref" else 1))
    pos, last = 0, None

    def put(s: str):
        s = _clean(s)
        if not s:
            return
        if last is None:
            p.text = (p.text or "") + s
        else:
            last.tail = (last.tail or "") + s

    i = 0
    while i < len(marks):
        a, b, kind, payload = marks[i]
        a = max(a, pos)
        put(text[pos:a])
        if kind == "note":
            last, pos = payload(p), a
            i += 1
            continue
        same = [payload]
        while b > a and i + 1 < len(marks) and marks[i + 1][2] == "ref" and marks[i + 1][:2] == (marks[i][0], b):
            i += 1
            same.append(marks[i][3])
        outer = holder = None
        for eid, href, title in same:
            r = _el(holder if holder is not None else p, "ref", eId=eid, href=href)
            if b <= a:
                r.set("class", "unplaced")
                if title:
                    r.set("title", _clean(title))
            outer = outer if outer is not None else r
            holder = r
        if b > a:
            holder.text = _clean(text[a:b])
        last, pos = outer, max(a, b)
        i += 1
    put(text[pos:])


# ------------------------------------------------------------------ the body ---

class DocWriter:
    """One text → one ``<akomaNtoso>`` element."""

    def __init__(self, t: g.Text, store: ox.Store | None = None, modifications: list | None = None):
        self.t = t
        self.store = store
        self.ids = Ids()
        self.notes: list[str] = []
        self.refs = 0
        self.by_citing: dict[str, list[g.Citation]] = {}
        for c in t.citations:
            self.by_citing.setdefault(c.citing, []).append(c)
        self.tlc: dict[str, tuple[str, str, str]] = {}      # href → (element, eId, showAs)
        self.modifications = modifications or []

    # -- references ------------------------------------------------------------
    def tlc_ref(self, href: str, element: str | None = None) -> str:
        if href not in self.tlc:
            code = href.rstrip("/").rsplit("/", 1)[-1]
            if element is None:
                element = "TLCRole" if any(w in code for w in ROLE_WORDS) else "TLCOrganization"
            eid = _tok(code)
            taken = {v[1] for v in self.tlc.values()}
            k, base = 2, eid
            while eid in taken or eid in ("resgraph", "original"):
                eid, k = f"{base}-{k}", k + 1
            self.tlc[href] = (element, eid, self.t.labels.get(href, code))
        return "#" + self.tlc[href][1]

    # -- document ----------------------------------------------------------------
    def write(self) -> etree._Element:
        t, n = self.t, self.t.node
        self.ident = ident = identity(t, self.store)
        self.notes.extend(ident["notes"])
        root = _el(None, "akomaNtoso")
        doc = _el(root, "statement", name=ident["name"], contains="originalVersion")
        meta = _el(doc, "meta")
        body_href = n.one(RG.body) or n.one(ELI.passed_by) or CONCEPT_BASE + "body/" + ident["author"].split("-", 1)[-1]
        self.author = self.tlc_ref(body_href, "TLCOrganization")
        self.tlc[body_href] = ("TLCOrganization", self.tlc[body_href][1],
                               t.labels.get(body_href) or ("United Nations General Assembly" if ident["author"] == "unga"
                                                           else f"ITU {ident['author'][4:].upper()}"))
        self.preface(doc)
        self.body(doc)
        # meta last (its element stays first): the references and notes are known once the body is written
        self.meta(meta, ident)
        return root

    def meta(self, meta, ident: dict) -> None:
        n = self.t.node
        ident_el = _el(meta, "identification", source="#" + GENERATOR)
        fw = _el(ident_el, "FRBRWork")
        _el(fw, "FRBRthis", value=ident["work"] + "/!main")
        _el(fw, "FRBRuri", value=ident["work"])
        _el(fw, "FRBRalias", name="resgraph", value=n.one(RG.textOf) or n.uri)
        if ident["symbol"]:
            _el(fw, "FRBRalias", name="UNSymbol", value=ident["symbol"])
        _el(fw, "FRBRdate", date=ident["date"], name="proposal" if ident["draft"] else "adoption")
        _el(fw, "FRBRauthor", href=self.author)
        _el(fw, "FRBRcountry", value="un")
        _el(fw, "FRBRsubtype", value="deliberation")
        _el(fw, "FRBRnumber", value=ident["number"], showAs=n.one(DCTERMS.identifier) or ident["number"])
        _el(fw, "FRBRname", value=ident["name"])
        fe = _el(ident_el, "FRBRExpression")
        _el(fe, "FRBRthis", value=ident["expression"] + "/!main")
        _el(fe, "FRBRuri", value=ident["expression"])
        _el(fe, "FRBRalias", name="resgraph", value=n.uri)
        _el(fe, "FRBRdate", date=ident["date"], name="proposal" if ident["draft"] else "adoption")
        _el(fe, "FRBRauthor", href=self.author)
        _el(fe, "FRBRlanguage", language="eng")
        fm = _el(ident_el, "FRBRManifestation")
        _el(fm, "FRBRthis", value=ident["manifestation"])
        _el(fm, "FRBRuri", value=ident["manifestation"])
        _el(fm, "FRBRdate", date=time.strftime("%Y-%m-%d", time.gmtime()), name="generation")
        _el(fm, "FRBRauthor", href="#" + GENERATOR)
        lc = _el(meta, "lifecycle", source="#" + GENERATOR)
        status = n.one(RG.status)
        if ident["draft"]:
            _el(lc, "eventRef", eId="evt_proposal", date=ident["date"], source="#proposal", type="generation")
            wf = _el(meta, "workflow", source="#" + GENERATOR)
            _el(wf, "step", date=ident["date"], by="#proposal", refersTo="#proposal",
                outcome=self.tlc_ref(status, "TLCConcept") if status else None)
        else:
            _el(lc, "eventRef", eId="evt_adoption", date=ident["date"], source="#original", type="generation",
                refersTo=self.author)
            if status:
                wf = _el(meta, "workflow", source="#" + GENERATOR)
                _el(wf, "step", date=ident["date"], by=self.author, outcome=self.tlc_ref(status, "TLCConcept"))
        if self.modifications:
            an = _el(meta, "analysis", source="#" + GENERATOR)
            write_textual_mods(an, self.modifications, self.ids)
        refs = _el(meta, "references", source="#" + GENERATOR)
        _el(refs, "original", eId="original", href=ident["expression"], showAs=n.one(DCTERMS.identifier) or ident["number"])
        if ident["draft"] and self.t.proposal is not None:
            _el(refs, "passiveRef", eId="proposal", href=self.t.proposal.uri,
                showAs=self.t.proposal.one(RDFS.label) or self.t.proposal.one(DCTERMS.identifier) or self.t.proposal.uri)
        elif ident["draft"]:
            _el(refs, "passiveRef", eId="proposal", href=n.uri, showAs="proposal")
        _el(refs, "TLCOrganization", eId=GENERATOR, href="https://w3id.org/resgraph", showAs="resgraph")
        for href, (element, eid, show) in sorted(self.tlc.items(), key=lambda kv: kv[1][1]):
            _el(refs, element, eId=eid, href=href, showAs=show or eid)
        if self.notes:
            notes = _el(meta, "notes", source="#" + GENERATOR)
            for i, msg in enumerate(self.notes, 1):
                note = _el(notes, "note", eId=f"note_{i}")
                _el(note, "p", msg)

    def preface(self, doc):
        n = self.t.node
        pre = _el(doc, "preface")
        lt = _el(pre, "longTitle", eId="longTitle")
        p = _el(lt, "p")
        ident = self.ident
        doc_type = {"resolutionDraft": "Draft resolution"}.get(ident["name"], ident["name"].capitalize())
        dt = _el(p, "docType", doc_type)
        dt.tail = " "
        ident_words = n.one(DCTERMS.identifier) or ident["number"]
        # "Resolution 11 (Rev. Dubai, 2018)" → docType Resolution, docNumber "11 (Rev. Dubai, 2018)"
        num = _el(p, "docNumber", re.sub(r"^(?:Resolution|Decision|Recommendation)\s+", "", ident_words))
        num.tail = ": "
        title = n.one(DCTERMS.title) or ""
        tt = _el(p, "docTitle")
        self.inline(tt, title, n.uri, [])
        if ident["draft"]:
            st = _el(pre, "container", name="status", eId="container_status")
            _el(st, "p", "Proposed text" + (f" (proposal {self.t.proposal.one(DCTERMS.identifier)})"
                                            if self.t.proposal is not None else ""))
        return pre

    def body(self, doc) -> None:
        t = self.t
        pre_parts = [p for p in t.parts if p.kind == "section" and _kind(p) == "preambular"]
        main_parts = [p for p in t.parts if p not in pre_parts]
        if pre_parts:
            early = [p for p in main_parts if p.node.position() < pre_parts[-1].node.position()]
            for p in early:
                self.notes.append(f"Section '{p.node.one(RG.verbPhrase) or p.node.uri}' ({_kind(p) or p.kind}) stands "
                                  f"among the preambular sections in the graph; written in the main body.")
        if pre_parts:
            preamble = _el(doc, "preamble", eId="preamble")
            for i, sec in enumerate(pre_parts, 1):
                self.recitals(preamble, sec, i)
        main = _el(doc, "mainBody", eId="mainBody")
        written = 0
        for i, part in enumerate(main_parts, 1):
            if part.kind == "annex":
                self.annex(main, part, i)
            else:
                self.hcontainer(main, part, None, i)
            written += 1
        if not written:
            self.notes.append("The text has no operative part in the graph; the main body holds an empty paragraph.")
            _el(_el(main, "hcontainer", eId=self.ids.make(None, "hcontainer", "1"), name="empty"), "content").append(
                etree.Element(E + "p"))
        # unplaced citations of parts that hold no words (the text, a section)
        leftovers = [c for u, cs in self.by_citing.items() for c in cs]
        if leftovers:
            last = _el(main, "hcontainer", eId=self.ids.make(None, "hcontainer", "citations"), name="citations")
            p = _el(_el(last, "content"), "p")
            _fill(p, "", [(0, 0, "ref", (self.ids.make(None, "ref", str(i)), c.target, c.printed))
                          for i, c in enumerate(leftovers, 1)])
            self.refs += len(leftovers)
            self.notes.append(f"{len(leftovers)} citation(s) of a part that holds no words of its own; their references "
                              f"are listed at the end of the main body.")
            self.by_citing.clear()

    # -- preamble -------------------------------------------------------------------
    def recitals(self, parent, sec: g.Part, i: int) -> None:
        phrase = sec.node.one(RG.verbPhrase) or ""
        un = self.ident["author"] == "unga"
        if un and phrase:      # "The General Assembly,"
            _el(_el(parent, "formula", name="enactingFormula"), "p", phrase)
        eid = self.ids.make(None, "recs", str(i))
        recs = _el(parent, "recitals", eId=eid, refersTo=self._refers(sec))
        if phrase and not un:
            _el(_el(recs, "intro"), "p", phrase)
        if not sec.children:
            self.notes.append(f"Section '{phrase or sec.node.uri}' has no clause; written as one empty recital.")
            _el(_el(recs, "recital", eId=self.ids.make(eid, "rec", "1")), "p")
        for k, c in enumerate(sec.children, 1):
            label = _printed(c)
            r = _el(recs, "recital", eId=self.ids.make(eid, "rec", _token(c, k)))
            if label:
                _el(r, "num", label)
            else:
                self.no_label(c)
            p = _el(r, "p")
            self.clause_words(p, c, r.get("eId"))
            if c.children:
                self.block_list(r, c.children, r.get("eId"))

    def block_list(self, parent, kids: list[g.Part], pid: str) -> None:
        bl = _el(parent, "blockList", eId=self.ids.make(pid, "list", "1"))
        for k, c in enumerate(kids, 1):
            label = _printed(c)
            it = _el(bl, "item", eId=self.ids.make(bl.get("eId"), "item", _token(c, k)))
            if label:
                _el(it, "num", label)
            p = _el(it, "p")
            self.clause_words(p, c, it.get("eId"))
            if c.children:
                self.block_list(it, c.children, it.get("eId"))

    # -- main body ------------------------------------------------------------------
    def annex(self, parent, part: g.Part, i: int) -> None:
        n = part.node
        num = n.uri.rstrip("/").rsplit("/", 1)[-1]
        eid = self.ids.make(None, "hcontainer", num)
        h = _el(parent, "hcontainer", eId=eid, name="annex")
        label = n.one(RDFS.label)
        if label:
            _el(h, "num", label)
        title = n.one(DCTERMS.title)
        heading = _el(h, "heading")
        self.inline(heading, title or "", n.uri, [])
        if not part.children:
            _el(_el(h, "content"), "p")
            return
        for k, sec in enumerate(part.children, 1):
            if sec.kind == "clause":
                self.paragraph(h, sec, eid, k, 0)
            else:
                self.hcontainer(h, sec, eid, k)

    def hcontainer(self, parent, sec: g.Part, pid: str | None, i: int) -> None:
        eid = self.ids.make(pid, "hcontainer", str(i))
        h = _el(parent, "hcontainer", eId=eid, name=_kind(sec) or "section", refersTo=self._refers(sec))
        phrase = sec.node.one(RG.verbPhrase)
        un_main = self.ident["author"] == "unga" and pid is None    # "operative part": no printed heading
        if phrase and not un_main:
            heading = _el(h, "heading")
            self.inline(heading, phrase, sec.node.uri, [])
        if not sec.children:
            self.notes.append(f"Section '{phrase or sec.node.uri}' has no clause; written with empty content.")
            _el(_el(h, "content"), "p")
            return
        for k, c in enumerate(sec.children, 1):
            self.paragraph(h, c, eid, k, 0)

    def paragraph(self, parent, c: g.Part, pid: str, k: int, depth: int) -> None:
        label = _printed(c)
        tag, abbr = ("paragraph", "para") if depth == 0 else ("point", "point")
        eid = self.ids.make(pid, abbr, _token(c, k))
        el = _el(parent, tag, eId=eid, refersTo=self._refers(c))
        if label:
            _el(el, "num", label)
        else:
            self.no_label(c)
        if c.children:
            lst = _el(el, "list", eId=self.ids.make(eid, "list", "1"))
            p = _el(_el(lst, "intro"), "p")
            self.clause_words(p, c, eid)
            for j, kid in enumerate(c.children, 1):
                self.paragraph(lst, kid, lst.get("eId"), j, depth + 1)
        else:
            p = _el(_el(el, "content"), "p")
            self.clause_words(p, c, eid)

    def no_label(self, c: g.Part) -> None:
        """A note for a clause with no printed label (not for a UN preambular paragraph: never numbered)."""
        if c.node.one(ELI.number) is None and not re.fullmatch(r".*/p\d+", c.node.uri):
            self.notes.append(f"Clause {c.node.uri} has no label; written without <num>.")

    def _refers(self, part: g.Part) -> str | None:
        hrefs = part.node.all(RG.addressee)
        return " ".join(self.tlc_ref(h) for h in hrefs) or None

    # -- words ------------------------------------------------------------------------
    def inline(self, el, text: str, uri: str, extra: list) -> None:
        """Words of a non-clause part (a title, a heading), with the references of its citations."""
        marks, taken = list(extra), []
        for c in self.by_citing.pop(uri, []):
            span = _place(text, c.printed, taken)
            if span is None:
                self.by_citing.setdefault(uri, []).append(c)
                continue
            taken.append(span)
            marks.append((span[0], span[1], "ref", (self.ids.make(None, "ref", str(self.refs + 1)), c.target, c.printed)))
            self.refs += 1
        _fill(el, text, marks)

    def clause_words(self, p, c: g.Part, eid: str) -> None:
        n = c.node
        text = n.one(RG.text) or ""
        cites = self.by_citing.pop(n.uri, [])
        taken: list[tuple[int, int]] = []
        marks: list = []
        notes_text = {f.uri: (f.one(RG.text) or "") for f in c.footnotes}
        note_cites: dict[str, list] = {f.uri: [] for f in c.footnotes}
        unplaced = []
        for ci in cites:
            span = _place(text, ci.printed, taken)
            if span is not None:
                taken.append(span)
                marks.append((span[0], span[1], "ref", ci))
                continue
            span = _place(text, ci.printed, [])
            if span is not None and span in taken:      # the same words as another citation (old and new revision)
                marks.append((span[0], span[1], "ref", ci))
                continue
            for fu, ft in notes_text.items():
                fspan = _place(ft, ci.printed, [s for s, _ in note_cites[fu]])
                if fspan is not None:
                    note_cites[fu].append((fspan, ci))
                    break
            else:
                unplaced.append(ci)
        final = []
        for a, b, _k, ci in marks:
            final.append((a, b, "ref", (self.ids.make(eid, "ref", str(len(final) + 1)), ci.target, ci.printed)))
        self.refs += len(marks)
        c_start = _int(n.one(RG.charStart))
        for f in c.footnotes:
            at = _marker_offset(text, _int(f.one(RG.charStart)) - c_start if c_start is not None else None)
            for a, b, *_ in final:       # never inside a reference
                if a < at < b:
                    at = b
            final.append((at, at, "note", self._note_builder(f, eid, note_cites[f.uri])))
        for ci in unplaced:
            final.append((len(text), len(text), "ref",
                          (self.ids.make(eid, "ref", str(len(final) + 1)), ci.target, ci.printed)))
            self.refs += 1
        _fill(p, text, final)

    def _note_builder(self, f: g.Node, eid: str, cites: list):
        def build(p):
            mark = f.one(RG.printedLabel) or f.uri.rsplit("-", 1)[-1]
            nid = self.ids.make(eid, "fnt", mark)
            note = _el(p, "authorialNote", eId=nid, marker=mark, placement="bottom")
            np_ = _el(note, "p")
            marks = [(s[0], s[1], "ref", (self.ids.make(nid, "ref", str(i)), ci.target, ci.printed))
                     for i, (s, ci) in enumerate(cites, 1)]
            self.refs += len(marks)
            _fill(np_, f.one(RG.text) or "", marks)
            return note
        return build


def _token(c: g.Part, k: int) -> str:
    """The number part of a clause's eId: its printed label, else its number (a label the reader
    inferred, never printed), else ``u`` and its ordinal (unnumbered)."""
    return _printed(c) or c.node.one(ELI.number) or f"u{k}"


def _printed(c: g.Part) -> str | None:
    """The label as printed; a dash or bullet item (keyed ``…-bullet-N``) printed a bullet."""
    label = c.node.one(RG.printedLabel)
    if label is None and re.search(r"(?:^|-)bullet-\d+$", c.node.uri.rsplit("/", 1)[-1]):
        return "\u2022"
    return label


def _kind(part: g.Part) -> str | None:
    k = part.node.one(RG.sectionKind)
    return k.rstrip("/").rsplit("/", 1)[-1] if k else None


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _marker_offset(text: str, raw: int | None) -> int:
    """Where a footnote's marker stood in the clause's words: its offset in the source, moved to the
    end of the word it was glued to (the words were normalised, so the offset is approximate)."""
    if raw is None or raw >= len(text):
        return len(text.rstrip(" .;,:")) if raw is not None and raw >= len(text) else len(text)
    k = max(0, raw)
    while 0 < k < len(text) and text[k - 1].isalnum() and text[k].isalnum():
        k += 1
    while k > 0 and text[k - 1] == " ":
        k -= 1
    return k


# -------------------------------------------------------------- modifications ---

def write_textual_mods(analysis, mods: Iterable[tuple[str, str | None, str | None, str]], ids: Ids | None = None):
    """The hook for outcome data: ``(kind, old, new, href)`` tuples → ``passiveModifications`` of
    ``textualMod``s (kind: substitution | insertion | repeal | renumbering | …; href: the part of the
    text the change lands on, ours or an eId).  Returns the ``passiveModifications`` element."""
    ids = ids or Ids()
    pm = _el(analysis, "passiveModifications")
    for i, (kind, old, new, href) in enumerate(mods, 1):
        tm = _el(pm, "textualMod", eId=ids.make(None, "pmod", str(i)), type=kind)
        _el(tm, "source", href=href)
        _el(tm, "destination", href=href)
        # old and new hold elements of another namespace (anyOtherType): the words in an XHTML span
        for tag, words in (("old", old), ("new", new)):
            if words is not None:
                etree.SubElement(_el(tm, tag, href=href), XHTML + "span", nsmap={"h": XHTML[1:-1]}).text = _clean(words)
    return pm


# --------------------------------------------------------------------- public ---

def document(store: ox.Store, uri: str, modifications: list | None = None) -> bytes | None:
    """The AKN document of the text ``uri`` (None: not a text)."""
    if not g.is_text(store, uri):
        return None
    return _serialise(build(store, uri, modifications)[0])


def build(store: ox.Store, uri: str, modifications: list | None = None) -> tuple[etree._Element, DocWriter]:
    t = g.load(store, uri)
    if modifications is None:   # what the conference changed in the drafts it adopted as this text
        modifications = g.outcome_modifications(store, uri)
    w = DocWriter(t, store, modifications)
    try:
        root = w.write()
    except Exception as e:     # nothing crashes the export: a minimal valid document with a note
        w = DocWriter(g.Text(t.node, [], [], t.labels, t.proposal, t.proposed_version), store)
        w.notes.append(f"The writer could not express this text ({type(e).__name__}: {e}); written without its body.")
        root = w.write()
    return root, w


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def collection(entries: list[tuple[str, str, str]], inline: list | None = None) -> etree._Element:
    """A ``documentCollection``: ``entries`` (file or href, showAs, eId) as ``documentRef``s, or the
    documents themselves as components (``inline``: their roots)."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    root = _el(None, "akomaNtoso")
    dc = _el(root, "documentCollection", name="resgraphTexts", contains="originalVersion")
    meta = _el(dc, "meta")
    ident = _el(meta, "identification", source="#" + GENERATOR)
    work = f"/akn/un/documentCollection/collection/{GENERATOR}/{today}/texts"
    for tag, iri, extra in (("FRBRWork", work, True), ("FRBRExpression", f"{work}/eng@{today}", False),
                            ("FRBRManifestation", f"{work}/eng@{today}/!main.xml", False)):
        f = _el(ident, tag)
        _el(f, "FRBRthis", value=iri if tag == "FRBRManifestation" else iri + "/!main")
        _el(f, "FRBRuri", value=iri)
        _el(f, "FRBRdate", date=today, name="generation")
        _el(f, "FRBRauthor", href="#" + GENERATOR)
        if extra:
            _el(f, "FRBRcountry", value="un")
        if tag == "FRBRExpression":
            _el(f, "FRBRlanguage", language="eng")
    refs = _el(meta, "references", source="#" + GENERATOR)
    _el(refs, "TLCOrganization", eId=GENERATOR, href="https://w3id.org/resgraph", showAs="resgraph")
    pre = _el(dc, "preface")
    _el(_el(pre, "longTitle", eId="longTitle"), "p", "The texts resgraph holds: adopted texts, proposals' drafts, UN resolutions")
    body = _el(dc, "collectionBody")
    for k, (href, show, eid) in enumerate(entries):
        comp = _el(body, "component", eId=eid)
        if inline is None:
            _el(comp, "documentRef", eId=f"{eid}_ref", href=href, showAs=show)
        else:                  # the document itself, its eIds prefixed (unique across the collection)
            for child in inline[k]:
                _prefix_ids(child, f"{eid}-")
                comp.append(child)
    return root


_ID_REFS = ("href", "source", "refersTo", "by", "outcome", "actor", "as", "src")


def _prefix_ids(root, prefix: str) -> None:
    """Every eId of ``root`` prefixed, and every ``#eId`` reference to it rewritten."""
    ids = {e.get("eId") for e in root.iter() if e.get("eId")}
    for e in root.iter():
        if e.get("eId"):
            e.set("eId", prefix + e.get("eId"))
        for a in _ID_REFS:
            v = e.get(a)
            if v and "#" in v:
                e.set(a, " ".join("#" + prefix + x[1:] if x.startswith("#") and x[1:] in ids else x for x in v.split()))


def export_dir(store: ox.Store, out_dir: Path) -> dict:
    """One file per text and ``collection.akn.xml`` into ``out_dir``; the figures of the run."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    entries, stats = [], {"files": 0, "refs": {}, "citations": {}, "notes": {}}
    for i, uri in enumerate(g.text_uris(store), 1):
        root, w = build(store, uri)
        name = file_name(w.t, w.ident)
        (out_dir / name).write_bytes(_serialise(root))
        entries.append((name, w.t.node.one(DCTERMS.identifier) or uri, f"cmp_{i}"))
        stats["files"] += 1
        stats["refs"][uri], stats["citations"][uri] = w.refs, len(w.t.citations)
        if w.notes:
            stats["notes"][uri] = list(w.notes)
    (out_dir / "collection.akn.xml").write_bytes(_serialise(collection(entries)))
    stats["seconds"] = time.perf_counter() - t0
    return stats


def dataset(store: ox.Store, out: BinaryIO) -> None:
    """Every text in one ``documentCollection`` (the documents as its components), to ``out``."""
    entries, roots = [], []
    for i, uri in enumerate(g.text_uris(store), 1):
        root, w = build(store, uri)
        entries.append((w.t.node.uri, w.t.node.one(DCTERMS.identifier) or uri, f"cmp_{i}"))
        roots.append(root)
    out.write(_serialise(collection(entries, roots)))


__all__ = ["document", "dataset", "export_dir", "build", "collection", "write_textual_mods", "identity", "file_name"]
