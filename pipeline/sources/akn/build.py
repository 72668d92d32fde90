"""One Akoma Ntoso component (resolution, decision, recommendation) → an adopted
:class:`~pipeline.model.ResolutionText`: the markup's sections and items, then the words of each
``<p>`` read again for the converter's damage (:mod:`.segment`), each repair a finding."""
from __future__ import annotations

import re
from bisect import bisect_right

from ...citations import find_citations, resolve_internal_references
from ...model import Annex, Citation, Clause, Finding, Footnote, ResolutionText, Revision, Section, SourceDocument, Span
from ...rdf.uris import slug as _slug
from ..structure import structure
from ..verbs import addressees_of, section_verb
from . import segment as seg

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
ITEMS = {"recital", "paragraph", "point", "subparagraph", "alinea", "item", "clause", "section", "article", "level"}
SKIP = {"meta", "preface", "num", "formula", "attachments", "components"}
REV = re.compile(r"\(\s*(?P<rev>REV\.?\s*)?(?P<place>[A-Za-z][A-Za-z .'-]*?),\s*(?P<year>\d{4})\s*\)", re.I)
BODIES = {"itu-pp": "pp", "itu-wtdc": "wtdc", "itu-wtsa": "wtsa", "itu-ra": "ra", "itu-council": "council"}
DAMAGE = "converter-damage"


def local(el) -> str:
    t = el.tag
    return t.rsplit("}", 1)[-1] if isinstance(t, str) else ""


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


class XmlText:
    """The XML text with line starts: offsets of an element's words, spans."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def line_of(self, offset: int) -> int:
        return max(1, bisect_right(self.starts, offset))

    def char_span(self, a: int, b: int) -> Span:
        return Span(self.line_of(a), self.line_of(max(a, b - 1)), a, b)

    def line_span(self, line: int) -> Span:
        a = self.starts[line - 1]
        b = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return Span(line, line, a, b)

    def p_map(self, el) -> "Words":
        """The words of ``el`` (a ``<p>``) with their offsets in the XML text."""
        line = el.sourceline or 1
        a = self.starts[min(line, len(self.starts)) - 1]
        tag_at = self.text.find("<" + (el.prefix + ":" if el.prefix else "") + local(el), a)
        open_end = self.text.find(">", tag_at) + 1 if tag_at >= 0 else a
        words = "".join(el.itertext())
        return Words(words, self.text, open_end)


class Words:
    """A ``<p>``'s text (entities resolved, inline tags dropped) and the map to XML offsets."""

    def __init__(self, words: str, xml: str, raw_start: int):
        self.words = words
        self.raw_start = raw_start
        raw_end = xml.find("</", raw_start)
        seg_ = xml[raw_start:raw_end if raw_end >= 0 else len(xml)]
        self.identity = "&" not in seg_ and "<" not in seg_ and len(seg_) == len(words)
        self.xml = xml
        self._map: list[int] | None = None

    def at(self, k: int) -> int:
        if self.identity:
            return self.raw_start + k
        if self._map is None:
            m, i, x = [], 0, self.xml
            j = self.raw_start
            while i <= len(self.words) and j < len(x):
                ch = x[j]
                if ch == "<":
                    j = x.find(">", j) + 1
                    continue
                m.append(j)
                if ch == "&":
                    j = x.find(";", j) + 1
                else:
                    j += 1
                i += 1
            m.append(j)
            self._map = m
        return self._map[min(k, len(self._map) - 1)]




def revision_of(words: str) -> Revision | None:
    m = REV.search(words)
    if m is None:
        return None
    place = " ".join(w.capitalize() if w.isupper() or w.islower() else w for w in m.group("place").split())
    return Revision(place, m.group("year"), rev=bool(m.group("rev")))


def body_of(author: str | None) -> str:
    a = (author or "").lstrip("#").lower()
    return BODIES.get(a, a.split("-", 1)[-1] if a.startswith("itu-") else "pp")


def self_citation(c: Citation, res: ResolutionText) -> bool:
    """A resolution naming itself (its own revision) is not a citation (as the text reader)."""
    if not (c.kind == "itu-resolution" and res.number is not None and c.key == (res.body, res.number)):
        return False
    if c.revision is None or res.new_revision is None:
        return True
    return (c.revision.place, c.revision.year) == (res.new_revision.place, res.new_revision.year)


def new_section(res_sections: list[Section], keys: dict, phrase: str, span: Span, container_kind: str,
                sd: SourceDocument, quote: str) -> Section:
    v = section_verb(phrase) if phrase != "text" else ("text", container_kind, "")
    if v is None:
        words = phrase.split()
        if len(words) >= 2 and words[1] in ("further", "also"):   # "resolves further"
            v = section_verb(" ".join([words[1], words[0]] + words[2:]))
    if v is None:
        words = phrase.split()
        kind = container_kind
        verb = (words[0].lower() if kind == "operative" else _slug(phrase)) if words else "text"
        rest = " ".join(words[1:]) if kind == "operative" else ""
        sd.findings.append(Finding("unknown-section", f"section keyword not among the known verbs: {phrase!r}",
                                   quote[:200], span, "info"))
    else:
        verb, kind, rest = v
    addressees, unknown = addressees_of(rest) if kind == "operative" else ([], [])
    for u in unknown:
        sd.findings.append(Finding("unknown-section", f"addressee not in data/reference/addressees.csv: {u!r}",
                                   phrase[:200], span, "info"))
    sec = Section(verb_phrase=phrase.rstrip(" ,"), verb=verb, kind=kind, addressees=addressees, span=span)
    base = _slug(sec.verb_phrase)
    keys[base] = keys.get(base, 0) + 1
    sec.key = base if keys[base] == 1 else f"{base}-{keys[base]}"
    if keys[base] > 1:
        sd.findings.append(Finding("duplicate-label", f"section '{phrase}' appears again in the same text; its URI ends in -{keys[base]}",
                                   quote[:200], span, "info"))
    res_sections.append(sec)
    return sec


def _q(s: str) -> str:
    return s.strip()[:200]


class ComponentReader:
    """Reads one component; ``read()`` → the ResolutionText or None (nothing readable)."""

    def __init__(self, doc, xt: XmlText, sd: SourceDocument, titles: dict):
        self.doc, self.xt, self.sd, self.titles = doc, xt, sd, titles
        self.res: ResolutionText | None = None
        self.section: Section | None = None
        self.annex: Annex | None = None
        self.keys: dict[int, dict[str, int]] = {}
        self.pending: list[tuple[str, str, Span, list[Citation]]] = []   # footnotes: mark, text, span, citations
        self.order: list[tuple[Clause, Words, int, int]] = []               # clauses in document order, with their words
        self.last_at: dict[int, Clause] = {}
        self.ended = False
        self.ctx: dict = {}
        self.taken: frozenset = frozenset()   # labels the markup gives to later items of the same list

    # ---------------------------------------------------------------- findings ---
    def damage(self, message: str, quote: str, span: Span) -> None:
        where = f"{self.res.instrument} {self.res.number}" if self.res else "component"
        self.sd.findings.append(Finding(DAMAGE, f"{where}: {message}", _q(quote), span, "info"))

    # ------------------------------------------------------------------- read ---
    def read(self) -> ResolutionText | None:
        d, xt = self.doc, self.xt
        frbr = {}
        for el in d.iter(f"{{{NS}}}FRBRWork"):
            for x in el:
                frbr.setdefault(local(x), x)
            break
        doc_type = number = ""
        title_el = None
        for el in d.iter(f"{{{NS}}}*"):
            n = local(el)
            if n == "docType" and not doc_type:
                doc_type = text_of(el)
            elif n == "docNumber" and not number:
                number = text_of(el)
            elif n == "container" and el.get("name") == "title" and title_el is None:
                title_el = el
            elif n in ("mainBody", "body"):
                break
        instrument = (d.get("name") or doc_type or local(d)).lower()
        num_m = re.match(r"\s*(\d+[A-Z]?)", number) or re.search(r"-(\d+)$", (frbr["FRBRnumber"].get("value", "") if "FRBRnumber" in frbr else ""))
        heading = " ".join(x for x in (doc_type, number) if x)
        last_line = max((e.sourceline or 0) for e in d.iter()) or (d.sourceline or 1)
        first = d.getparent() if d.getparent() is not None and local(d.getparent()) == "component" else d
        span = Span(first.sourceline or 1, last_line, xt.starts[(first.sourceline or 1) - 1],
                    xt.line_span(last_line).char_end)
        self.res = res = ResolutionText(
            body=body_of(frbr["FRBRauthor"].get("href") if "FRBRauthor" in frbr else None),
            number=num_m.group(1) if num_m else None, draft_label=None, title="", heading=heading,
            old_revision=None, new_revision=revision_of(number), span=span, adopted=True, instrument=instrument,
            date=frbr["FRBRdate"].get("date") if "FRBRdate" in frbr else None,
            source_id=frbr["FRBRthis"].get("value") if "FRBRthis" in frbr else None)
        self.ctx = {"default_body": res.body, "default_number": res.number}
        res.title = self._title(title_el)
        self.begin(res)
        for el in d.iter(f"{{{NS}}}formula"):
            res.preamble = text_of(el)
            break
        for part in d:
            if local(part) in ("preamble", "mainBody", "body", "conclusions"):
                self.walk(part, "operative" if local(part) != "preamble" else "preambular", 0)
        if not res.sections and not res.annexes:
            return None
        self.attach_footnotes()
        self.repair_words()
        self.duplicate_eids()
        for sec in res.sections + [s for a in res.annexes for s in a.sections]:
            self.structure_section(sec)
        resolve_internal_references(res, xt, self.sd.findings)
        return res

    def begin(self, res: ResolutionText) -> None:
        """After the identification is read, before the body (a subclass reads more of it)."""

    def structure_section(self, sec: Section) -> None:
        structure(sec, self.sd, tracked=False)

    def _title(self, el) -> str:
        if el is None:
            return ""
        title = text_of(el)
        p = next(el.iter(f"{{{NS}}}p"), el)
        span = self.xt.line_span(p.sourceline or el.sourceline or 1)
        row = self.titles.get((self.res.instrument, self.res.number or ""))
        cut = (row is not None and str(row.get("title_truncated", "")).lower() == "true") or \
            bool(re.search(r"(?:[:,]|\b(?:and|the|of|for|in|to|a|an))$", title))
        title = self._title_hyphens(title, span)
        if not cut:
            return title
        cont = self._title_rest(title, p.sourceline or 0)
        if cont:
            self.damage(f"title cut at a line break; completed as '{title + cont}' from where the text cites it",
                        title, span)
            return title + cont
        self.damage("title cut at a line break; the rest is not in the file, kept as printed", title, span)
        return title

    def _title_hyphens(self, title: str, span: Span) -> str:
        """A hyphen the converter lost at a line break of the title ("vicechairmen"): the word joined
        nowhere else in the document, hyphenated elsewhere ("vice-chairmen")."""
        xt = self.xt
        if not hasattr(xt, "hyphenated"):
            words = re.findall(r"\b[A-Za-z]+(?:-[A-Za-z]+)?\b", xt.text)
            xt.hyphenated = {w.replace("-", "").lower(): w for w in words if "-" in w}
            xt.word_counts = {}
            for w in words:
                xt.word_counts[w.lower()] = xt.word_counts.get(w.lower(), 0) + 1
        out = title
        for w in set(re.findall(r"[A-Za-z]{6,}", title)):
            h = xt.hyphenated.get(w.lower())
            if h is not None and xt.word_counts.get(w.lower(), 0) <= 1:
                out = re.sub(r"\b" + w + r"\b", h if w[0].islower() else h[0].upper() + h[1:], out)
                self.damage(f"title: hyphen lost at a line break ('{w}'); read as '{h}', as the text prints it elsewhere",
                            title, span)
        return out

    def _title_rest(self, title: str, own_line: int) -> str:
        """The words after the cut title where the document cites this text with its title
        ("Resolution 70 (Rev. Dubai, 2018) of this conference, on … the empowerment of women through …"):
        the last words of the cut title, then what follows them up to a comma, semicolon, bracket or the
        end of the paragraph; the ending most citations agree on (the first on a tie)."""
        words = title.rstrip(" :,").split()
        if len(words) < 3 or self.res.number is None:
            return ""
        tail = r"\s+".join(re.escape(x) for x in words[-5:])
        named = re.compile(r"\b" + re.escape(self.res.instrument) + r"\s+" + re.escape(self.res.number) + r"\s*\(", re.I)
        text = self.xt.text
        found: list[str] = []
        for m in re.finditer(tail + r"(?P<rest>\s[^,;()<>]{3,200}?)(?=\s*[,;(<]|\s+of\s+this\b)", text, re.I):
            if self.xt.line_of(m.start()) != own_line and named.search(text, max(0, m.start() - 300), m.start()):
                found.append(" ".join(m.group("rest").split()))
        if not found:
            return ""
        counts: dict[str, int] = {}
        for f in found:
            counts[f] = counts.get(f, 0) + 1
        best = max(counts.values())
        return " " + next(f for f in found if counts[f] == best)

    # ------------------------------------------------------------------- walk ---
    def walk(self, el, zone: str, depth: int) -> None:
        for child in el:
            if self.ended:
                return
            t = local(child)
            if t in SKIP or not t:
                continue
            if t in ("intro", "heading") and local(el) in ("recitals", "hcontainer", "mainBody", "preamble",
                                                            "chapter", "part", "section", "article"):
                phrase = text_of(child)
                if phrase:
                    self.xml_heading(phrase, child, zone)
                continue
            if t == "p":
                self.words(child, None, depth, False)
                continue
            if t in ITEMS:
                self.item(child, zone, depth)
                continue
            self.walk(child, zone, depth + (1 if t in ("list", "blockList") else 0))

    def item(self, el, zone: str, depth: int) -> None:
        """A recital, paragraph or point: its label, its own words, then its sub-items one level down."""
        label = next((text_of(x) or None for x in el if local(x) == "num"), None)
        self.taken = frozenset(text_of(x) for sib in el.itersiblings() if local(sib) in ITEMS
                               for x in sib if local(x) == "num")
        first = True
        for sub in el:
            if self.ended:
                return
            st = local(sub)
            if st == "num" or not st:
                continue
            if st in ("content", "p", "intro"):
                for p in ([sub] if st == "p" else sub.iter(f"{{{NS}}}p")):
                    self.words(p, label if first else None, depth, label is not None and first)
                    first = False
            elif st in ITEMS:
                self.item(sub, zone, depth + 1)
            else:
                self.walk(sub, zone, depth + (1 if st in ("list", "blockList") else 0))

    def xml_heading(self, phrase: str, el, zone: str) -> None:
        i_el = next(el.iter(f"{{{NS}}}i"), el)
        line = i_el.sourceline or el.sourceline or 1
        self.open_section(phrase, self.xt.line_span(line), zone, phrase)

    def open_section(self, phrase: str, span: Span, zone: str, quote: str) -> Section:
        target = self.annex.sections if self.annex is not None else self.res.sections
        keys = self.keys.setdefault(id(target), {})
        self.section = new_section(target, keys, phrase, span, zone, self.sd, quote)
        self.last_at = {}
        return self.section

    # ------------------------------------------------------------------ words ---
    def words(self, p, label: str | None, depth: int, has_num: bool) -> None:
        w = self.xt.p_map(p)
        text = w.words
        end = len(text)
        eob = seg.END_OF_BOOK.search(text)
        if eob is not None:
            self.damage("the rest of the book (Part VI, signatures, declarations and reservations) is inside the last "
                        "paragraph; cut there, the text after it is not read as part of this text",
                        text[eob.start():eob.start() + 120], self.span(w, eob.start(), len(text)))
            end = eob.start()
            self.ended = True
        main_end, notes = seg.split_footnotes(text[:end])
        tail = None
        if notes:
            # a section keyword the converter glued after the footnote text, with what follows it
            mark, a, b = notes[-1]
            ks = seg.keyword_split(text[a:b])
            if ks is not None:
                notes[-1] = (mark, a, a + ks[0])
                tail = a + ks[0] - 1
        for mark, a, b in notes:
            fspan = self.span(w, a, b)
            cites = [c for c in find_citations(text[a:b], base=0, span=lambda s, e, w=w, a=a: self.span(w, a + s, a + e),
                                               context=self.ctx) if not self_citation(c, self.res)]
            self.pending.append((mark, " ".join(text[a:b].split()), fspan, cites))
            self.damage(f"footnote {mark} printed inline after a '____' rule; read as a footnote of the clause whose "
                        f"text carries its mark", text[max(0, main_end):b], fspan)
        pos, after_title = 0, False
        for m in seg.ANNEX.finditer(text, 0, main_end):
            self.chunk(w, pos, m.start(), label, depth, has_num, after_title)
            label, has_num = None, False
            after = text[m.end():main_end]
            lead = len(after) - len(after.lstrip())
            t_end, body_at = seg.annex_title(after.lstrip())
            title = after.lstrip()[:t_end].strip()
            self.open_annex(m, title, w, m.start(), m.end() + lead + t_end)
            pos, after_title = m.end() + lead + body_at, True
        self.chunk(w, pos, main_end, label, depth, has_num, after_title)
        if tail is not None:
            self.chunk(w, tail, end, None, 0, False)

    def open_annex(self, m: re.Match, title: str, w: Words, a: int, b: int) -> None:
        res = self.res
        n = m.group("n")
        an = Annex(number=n, heading=m.group(0).strip(), title=title, span=self.span(w, a, b))
        hm = seg.HYPHEN_SPACE.search(title)
        if hm is not None:
            an.title = seg.HYPHEN_SPACE.sub("-", title)
            self.damage("annex title: a hyphen followed by a space (a line break in the PDF); joined",
                        title[max(0, hm.start() - 20):hm.end() + 20], an.span)
        an.key = f"annex-{n}" if n else "annex"
        taken = {x.key for x in res.annexes}
        k = 2
        base = an.key
        while an.key in taken:
            an.key, k = f"{base}-{k}", k + 1
        res.annexes.append(an)
        self.annex = an
        self.section = None
        self.last_at = {}
        if a > 0:
            self.damage(f"annex heading '{an.heading}' glued into the last paragraph before it; read as "
                        f"{an.key} ('{title[:80]}')", w.words[max(0, a - 40):b], an.span)

    def chunk(self, w: Words, a: int, b: int, label: str | None, depth: int, has_num: bool,
              sentences: bool = False) -> None:
        text = w.words
        while a < b:
            ks = seg.keyword_split(text[a:b])
            if ks is None:
                self.clause(w, a, b, label, depth, has_num, sentences)
                return
            k0, k1, k2 = (a + x for x in ks)
            self.clause(w, a, k0, label, depth, has_num)
            phrase = text[k1:k2]
            zone = "preambular" if (section_verb(phrase) or ("", "preambular"))[1] == "preambular" else "operative"
            sp = self.span(w, k1, k2)
            self.damage(f"section keyword '{phrase}' glued to the end of the previous item; read as its own section",
                        text[max(a, k0 - 40):k2], sp)
            self.open_section(phrase, sp, zone, phrase)
            a, label, depth, has_num = k2, None, 0, False

    def clause(self, w: Words, a: int, b: int, label: str | None, depth: int, has_num: bool,
               sentences: bool = False) -> None:
        text = w.words
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            return
        if label is None:
            m = seg.P_START_LABEL.match(text[a:b])
            if m is not None and self._plausible_first(m.group("label"), depth):
                label = m.group("label")
                self.damage(f"label '{label}' left at the start of the paragraph (no <num>); moved to the clause",
                            text[a:a + 60], self.span(w, a, a + m.end()))
                a += m.end()
        # the annex's first paragraphs glued after its title; paragraphs glued to the last item of a list
        if self.annex is not None and (sentences and label is None
                                       or depth > 0 and label and not label[0].isdigit() and not self.taken):
            cuts = [m.start() for m in seg.SENTENCE.finditer(text, a, b)]
            if cuts:
                what = ("the annex's first paragraphs glued after its title" if label is None else
                        f"annex paragraphs glued to the end of item {label}")
                self.damage(f"{what}; split at sentence ends", text[cuts[0] - 30:cuts[0] + 40], self.span(w, a, b))
                self.clause(w, a, cuts[0], label, depth, has_num)
                for x, y in zip(cuts, cuts[1:] + [b]):
                    self.clause(w, x, y, None, 0, False)
                return
        lead = ""
        if self.annex is not None and label is not None and not self._in_sequence(label, depth):
            # an annex table read as flat text: a number of a cell is no item label
            if not getattr(self.annex, "_flat", False):
                self.annex._flat = True
                self.damage(f"{self.annex.key}: numbers out of sequence ('{label}' after "
                            f"'{getattr(self.last_at.get(depth), 'printed_label', None)}'), a table printed as flat text; "
                            f"kept as unlabelled paragraphs, the numbers in their text", text[a:a + 80], self.span(w, a, b))
            lead, label = label, None
        parts = [(label, a, b)]
        merged = seg.merged_items(label, text[a:b], self.taken) if label else []
        if merged:
            parts = [(label, a, a + merged[0][1])] + [(lab, a + s, a + e) for lab, _, s, e in merged]
            self.damage(f"items {', '.join([label] + [x[0] for x in merged])} merged into one paragraph; split",
                        text[a + merged[0][1] - 2:a + merged[0][2] + 30], self.span(w, a, b))
        for lab, x, y in parts:
            while y > x and text[y - 1].isspace():
                y -= 1
            self.add_clause(w, x, y, lab, depth, lead)
            lead = ""

    def _plausible_first(self, label: str, depth: int) -> bool:
        if self.annex is not None:
            return self._in_sequence(label, depth)
        prev = self.last_at.get(depth)
        if label in ("1", "a)", "i)"):
            return True
        return prev is not None and prev.printed_label is not None and label in seg.next_labels(prev.printed_label)

    def _in_sequence(self, label: str, depth: int) -> bool:
        """A label that starts a list (nothing labelled before it at its level) or continues it."""
        prev = self.last_at.get(depth)
        if prev is None or prev.printed_label is None:
            return label in ("1", "a)", "i)")
        return prev.printed_label == "\u2022" or label in seg.next_labels(prev.printed_label)

    def add_clause(self, w: Words, a: int, b: int, label: str | None, depth: int, lead: str = "") -> None:
        text = w.words
        if self.section is None:
            if self.annex is not None:
                self.open_section("text", self.span(w, a, b), "annex", text[a:b])
                self.section.kind, self.section.verb = "annex", "text"
            else:
                self.sd.findings.append(Finding("unknown-section", "text before the first section verb; kept as an "
                                                "unlabeled paragraph of 'text'", _q(text[a:b]), self.span(w, a, b), "info"))
                self.open_section("text", self.span(w, a, b), "preambular", text[a:b])
                self.section.verb = "text"
        if (self.annex is not None and depth == 0 and label and self.section.verb == "text"
                and any(x.printed_label == label for x in self.section.clauses)):
            # an annex list that starts again at its first label (the tables of Resolution 71's annexes):
            # a new list, kept as a part of its own so that no two clauses of one part share a label
            self.open_section("text", self.span(w, a, b), "annex", text[a:b])
            self.section.kind, self.section.verb = "annex", "text"
            self.last_at.clear()
        bl = seg.bullets(text[a:b])
        own_end = a + bl[0][0] if bl else b
        c = self.make(w, a, own_end, label)
        if lead:
            c.text = f"{lead} {c.text}"
        for i, (g, s, e) in enumerate(bl):
            child = self.make(w, a + s, a + e, "\u2022")
            c.children.append(child)
        if bl:
            self.damage(f"{len(bl)} dash items printed inline in one paragraph; read as bullets", text[a + bl[0][0] - 20:a + bl[0][1] + 20],
                        self.span(w, a, b))
        prev = self.last_at.get(depth)
        if label and prev is not None and prev.printed_label and seg.roman_under_letter(prev.printed_label, label):
            self.damage(f"sub-item {label} given as a sibling of item {prev.printed_label}; nested under it",
                        text[a:a + 60], c.span)
        parent = self.last_at.get(depth - 1) if depth > 0 else None
        if parent is not None:
            parent.children.append(c)
        else:
            self.section.clauses.append(c)
        self.last_at[depth] = c
        for k in [k for k in self.last_at if k > depth]:
            del self.last_at[k]
        sp = self.section.span
        self.section.span = Span(sp.line_start, max(sp.line_end, c.span.line_end), sp.char_start, max(sp.char_end, c.span.char_end))
        if self.annex is not None:
            an = self.annex.span
            self.annex.span = Span(an.line_start, max(an.line_end, c.span.line_end), an.char_start, max(an.char_end, c.span.char_end))

    def make(self, w: Words, a: int, b: int, label: str | None) -> Clause:
        text = w.words
        while b > a and text[b - 1].isspace():
            b -= 1
        c = Clause(label=None, printed_label=label, former_label=None, label_change="unchanged",
                   text=" ".join(text[a:b].split()), span=self.span(w, a, b))
        c.citations = [x for x in find_citations(text[a:b], base=0, span=lambda s, e: self.span(w, a + s, a + e),
                                                 context=self.ctx) if not self_citation(x, self.res)]
        self.order.append((c, w, a, b))
        return c

    def span(self, w: Words, a: int, b: int) -> Span:
        return self.xt.char_span(w.at(a), w.at(b))

    # -------------------------------------------------------------- afterwards ---
    def attach_footnotes(self) -> None:
        for mark, text, fspan, cites in self.pending:
            host = None
            for c, w, a, b in self.order:
                if c.span.char_start > fspan.char_start and host is not None:
                    break
                m = seg.marker_in(w.words[a:b], mark)
                if m is not None and not any(f.mark == mark for f in c.footnotes):
                    host = (c, w, a, m)
                    if c.span.char_start > fspan.char_start:
                        break
            if host is None and seg.marker_in(self.res.title, mark) is not None:
                self.damage(f"footnote mark {mark} glued to a word of the title; removed from the title, "
                            f"the footnote stands on no clause", self.res.title, fspan)
                self.res.title = re.sub(r"(?<=[A-Za-z)])" + mark + r"(?=[\s;,.:)]|$)", "", self.res.title, count=1)
                continue
            if host is None:
                self.sd.findings.append(Finding("converter-damage", f"{self.res.instrument} {self.res.number}: footnote {mark} "
                                                f"has no mark in the text; kept on no clause", _q(text), fspan, "warning"))
                continue
            c, w, a, m = host
            mspan = self.span(w, a + m.start(), a + m.end())
            c.footnotes.append(Footnote(mark, mark, text, mspan))
            word = w.words[max(a, a + m.start() - 20):a + m.end() + 1]
            self.damage(f"footnote mark {mark} glued to the word before it ('{word.strip()}'); a footnote reference",
                        word, mspan)
            c.text = re.sub(r"(?<=[A-Za-z)\"'])" + mark + r"(?=[\s;,.:)]|$)", "", c.text, count=1)
            for x in cites:
                x.note = ((x.note + "; ") if x.note else "") + f"in footnote {mark}"
                c.citations.append(x)

    def repair_words(self) -> None:
        for c, w, a, b in self.order:
            if seg.MANGLED in c.text:
                self.damage("'\u01e6' stands for a non-breaking hyphen; read as '-'", c.text[max(0, c.text.index(seg.MANGLED) - 20):][:60], c.span)
                c.text = c.text.replace(seg.MANGLED, "-")
            if "- " in c.text:
                m = seg.HYPHEN_SPACE.search(c.text)
                if m is not None:
                    self.damage("a hyphen followed by a space (a line break in the PDF); joined", c.text[max(0, m.start() - 20):m.end() + 20], c.span)
                    c.text = seg.HYPHEN_SPACE.sub("-", c.text)

    def duplicate_eids(self) -> None:
        seen: dict[str, int] = {}
        for el in self.doc.iter(f"{{{NS}}}*"):
            e = el.get("eId")
            if e:
                seen[e] = seen.get(e, 0) + 1
        dup = sorted(k for k, v in seen.items() if v > 1)
        if dup:
            self.damage(f"eIds not unique within the text ({', '.join(dup[:8])}{' …' if len(dup) > 8 else ''}); "
                        f"clauses are identified by section and label instead", " ".join(dup)[:200], self.res.span)
