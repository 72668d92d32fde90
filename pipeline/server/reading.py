"""The reading view: a text (adopted, draft, UN resolution) as people read it, and the place of
one of its parts in it.

Issue 18 item 3.  The page of a text used to be a property dump (sections in alphabetical order,
one click per clause).  Here the text is read from the graph by the same walk the Akoma Ntoso
writer uses (:func:`pipeline.export.akn_graph.load`: sections, annexes, clauses and sub-items in
document order, footnotes with their markers, citation records), and each citation is linked where
its printed words stand, found by the writer's own placement (:func:`pipeline.export.akn._place`).
So the HTML and the AKN of a text cannot disagree on order or on what a clause cites.

The model of a text is worked out once per generation (``snap.answers``): a clause page needs the
whole text for its previous / next links, and loading a text costs ~60 ms on the largest ones.
Everything comes from ``quads_for_pattern`` with typed terms; nothing from the request reaches a
query.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from ..export import akn_graph as g
from ..export.akn import _marker_offset, _place
from ..rdf.vocab import DCTERMS, ELI, RG
from .describe import Linker, label_of, text_of

_GROUPS = (("preambular", "Preamble"), ("operative", "Operative part"), ("annex", "Annexes"))
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def human_date(iso: str | None) -> str | None:
    """``2018-11-15`` → ``15 November 2018`` (anything else as it is)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        return iso
    return f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def ordinal(n: str) -> str:
    if not n.isdigit():
        return n
    k = int(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


# ------------------------------------------------------------------ the model ---

class _Builder:
    def __init__(self, store: ox.Store, t: g.Text, link: Linker):
        self.store, self.t, self.link = store, t, link
        self.root = t.node.uri
        self.by_citing: dict[str, list[g.Citation]] = {}
        for c in t.citations:
            self.by_citing.setdefault(c.citing, []).append(c)
        self.clauses: list[str] = []         # every clause, pre-order (document order)
        self.sections: list[str] = []        # every section and annex, in order
        self.items: dict[str, dict] = {}     # uri → its item (a clause with its sub-items)

    def anchor(self, uri: str) -> str:
        """The id of a part in the reading view: its path under the text (``resolves/1``)."""
        return uri[len(self.root) + 1:] if uri.startswith(self.root + "/") else uri.rsplit("/", 1)[-1]

    def cite(self, c: g.Citation) -> dict:
        return {"href": self.link.href(c.target), "title": self.link.name(c.target), "target": c.target}

    def words(self, text: str, cites: list[g.Citation], notes: list[tuple[int, dict]] = ()) -> tuple[list[dict], list[dict]]:
        """``text`` cut into segments, a citation's printed words linked to what it cites, footnote
        markers where they stood; the citations whose words are not in ``text`` come back apart."""
        taken: list[tuple[int, int]] = []
        marks, rest = [], []
        for c in cites:
            span = _place(text, c.printed, taken)
            if span is None:
                rest.append(c)
                continue
            taken.append(span)
            marks.append((span[0], span[1], "ref", self.cite(c)))
        for at, note in notes:
            for a, b, *_ in marks:        # never inside a link
                if a < at < b:
                    at = b
            marks.append((at, at, "note", note))
        marks.sort(key=lambda m: (m[0], 0 if m[2] == "note" else 1))
        out, pos = [], 0
        for a, b, kind, payload in marks:
            if a > pos:
                out.append({"text": text[pos:a]})
            if kind == "note":
                out.append({"note": payload})
                pos = max(pos, a)
            else:
                out.append({"text": text[a:b], **payload})
                pos = b
        if pos < len(text):
            out.append({"text": text[pos:]})
        return out, rest

    def clause(self, p: g.Part, depth: int) -> dict:
        n = p.node
        self.clauses.append(n.uri)
        anchor = self.anchor(n.uri)
        cites = self.by_citing.get(n.uri, [])
        text = n.one(RG.text) or ""
        c_start = _int(n.one(RG.charStart))
        notes = []
        for f in p.footnotes:
            mark = f.one(RG.printedLabel) or f.uri.rsplit("-", 1)[-1]
            note = {"mark": mark, "id": f"fn-{anchor}-{mark}", "ref_id": f"fnref-{anchor}-{mark}",
                    "href": self.link.href(f.uri), "node": f}
            at = _marker_offset(text, _int(f.one(RG.charStart)) - c_start if c_start is not None else None)
            notes.append((at, note))
        # a citation is linked where its words stand: in the clause, else in one of its footnotes
        segments, unplaced = self.words(text, cites, notes)
        footnotes = []
        for _at, note in notes:
            f = note.pop("node")
            note["segments"], unplaced = self.words(f.one(RG.text) or "", unplaced)
            footnotes.append(note)
        label = n.one(RG.printedLabel)
        if label is None and re.search(r"(?:^|-)bullet-\d+$", n.uri.rsplit("/", 1)[-1]):
            label = "\u2022"
        item = {
            "uri": n.uri, "anchor": anchor, "href": self.link.href(n.uri), "num": label,
            "name": n.one(RDFS_LABEL) or anchor, "verb": n.one(RG.verbPhrase),
            "segments": segments, "footnotes": footnotes,
            "also": [self.cite(c) for c in unplaced], "depth": depth,
            "children": [self.clause(c, depth + 1) for c in p.children if c.kind == "clause"],
        }
        self.items[n.uri] = item
        return item

    def section(self, p: g.Part, level: int) -> dict:
        n = p.node
        self.sections.append(n.uri)
        kind = "annex" if p.kind == "annex" else (n.one(RG.sectionKind) or "").rstrip("/").rsplit("/", 1)[-1] or "section"
        if p.kind == "annex":
            heading = " — ".join(x for x in (n.one(RDFS_LABEL), n.one(DCTERMS.title)) if x) or self.anchor(n.uri)
        else:
            heading = n.one(RG.verbPhrase) or n.one(RDFS_LABEL) or self.anchor(n.uri)
        heading_segments, _ = self.words(heading, self.by_citing.get(n.uri, []))
        clauses = [self.clause(c, 0) for c in p.children if c.kind == "clause"]
        subsections = [self.section(c, level + 1) for c in p.children if c.kind != "clause"]
        item = {"uri": n.uri, "anchor": self.anchor(n.uri), "href": self.link.href(n.uri), "kind": kind,
                "heading": heading, "heading_segments": heading_segments, "level": level,
                "clauses": clauses, "sections": subsections,
                "count": len(clauses) + sum(s["count"] for s in subsections)}
        self.items[n.uri] = item
        return item


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _label(store: ox.Store, uri: str | None) -> str | None:
    return label_of(store, ox.NamedNode(uri)) if uri else None


def banner(store: ox.Store, t: g.Text, link: Linker) -> dict:
    """What the text is: its status, who adopted it, where and when; for a draft, whose proposal
    it is and where the adopted text is."""
    n = t.node
    status = (n.one(RG.status) or "").rstrip("/").rsplit("/", 1)[-1]
    work = n.one(RG.textOf) or n.one(DCTERMS.isVersionOf)
    body_uri = n.one(RG.body) or n.one(ELI.passed_by)
    if body_uri is None and work:
        body_uri = _first_iri(store, work, RG.body)
    out = {"status": status, "status_label": _label(store, n.one(RG.status)) or status.replace("-", " "),
           "body": _label(store, body_uri), "place": n.one(RG.place), "year": n.one(RG.year),
           "date": human_date(n.one(ELI.date_document)), "session": n.one(RG.session), "meeting": n.one(RG.meeting),
           "work": link.term(ox.NamedNode(work)) if work else None, "proposal": None, "adopted": None,
           "outcome": None, "document": None, "identifier": n.one(DCTERMS.identifier),
           "undocs": next((v for v in n.all("http://www.w3.org/2000/01/rdf-schema#seeAlso")
                           if v.startswith("https://undocs.org/")), None)}
    if out["session"]:
        out["session"] = ordinal(out["session"])
    if t.proposal is not None:
        p = t.proposal
        out["proposal"] = {"label": p.one(DCTERMS.identifier) or link.short(p.uri), "href": link.href(p.uri)}
        oc = p.one(RG.proposalOutcome)
        out["outcome"] = _label(store, oc) if oc else None
        doc = p.one(DCTERMS.isPartOf)
        out["document"] = link.term(ox.NamedNode(doc)) if doc else None
    pv = n.one(RG.proposedVersion)
    if pv and g.is_text(store, pv):
        out["adopted"] = {"label": link.name(pv), "href": link.href(pv)}
    elif pv:
        out["proposed_version"] = {"label": link.name(pv), "href": link.href(pv)}
    return out


def _first_iri(store: ox.Store, uri: str, pred) -> str | None:
    for q in store.quads_for_pattern(ox.NamedNode(uri), ox.NamedNode(str(pred)), None, None):
        if isinstance(q.object, ox.NamedNode):
            return q.object.value
    return None


def model(store: ox.Store, uri: str, link: Linker) -> dict:
    """The reading model of the text ``uri``: banner, contents, the parts in document order, and the
    order of its clauses and sections (for previous / next)."""
    t = g.load(store, uri)
    b = _Builder(store, t, link)
    parts = [b.section(p, 2) if p.kind != "clause" else {"kind": "loose", "clauses": [b.clause(p, 0)], "sections": [],
                                                           "count": 1, "anchor": b.anchor(p.node.uri)}
             for p in t.parts]
    groups = []
    for kind, title in _GROUPS:
        members = [p for p in parts if p["kind"] == kind]
        if members:
            groups.append({"kind": kind, "title": title, "parts": members})
    other = [p for p in parts if p["kind"] not in {k for k, _ in _GROUPS}]
    if other:
        groups.append({"kind": "other", "title": "Other parts", "parts": other})
    title_segments, _ = b.words(t.node.one(DCTERMS.title) or "", b.by_citing.get(uri, []))
    n_words = sum(len(" ".join(s.get("text", "") for s in it.get("segments", ())).split()) for it in b.items.values())
    return {"uri": uri, "banner": banner(store, t, link), "parts": parts, "groups": groups,
            "title_segments": title_segments, "citations": t.citations, "clauses": b.clauses, "sections": b.sections, "items": b.items,
            "n_clauses": len(b.clauses), "n_citations": len(t.citations), "n_words": n_words}


def model_size(m: dict) -> int:
    """A rough byte count of a model, for the generation's bounded answer cache."""
    return 4000 + 600 * len(m["items"]) + 8 * m["n_words"]


def place(m: dict, uri: str) -> dict:
    """Where a part stands in its text: its item, the previous and next of its kind, its anchor."""
    item = m["items"].get(uri)
    order = m["clauses"] if uri in m["clauses"] else m["sections"]
    i = order.index(uri) if uri in order else -1
    prev = m["items"][order[i - 1]] if i > 0 else None
    nxt = m["items"][order[i + 1]] if 0 <= i < len(order) - 1 else None
    return {"item": item, "is_clause": uri in m["clauses"], "prev": prev, "next": nxt,
            "index": i + 1, "total": len(order), "text_banner": m["banner"]}


# ------------------------------------------------------------------ the page ---

def page_extras(snap, uri: str, link: Linker) -> dict:
    """What the resource page adds for people: the reading view of a text, the place of a part in
    its text, the grouped cited-by, and the picture of a resolution's citations."""
    from . import citedby

    store = snap.store
    out: dict = {"reading": None, "clause": None, "cited_by": None, "network": None}

    def load(text_uri: str) -> dict:
        key = ("reading", text_uri)
        m = snap.answers.get(key)
        if m is None:
            m = model(store, text_uri, link)
            snap.answers.put(key, m, model_size(m))
        return m

    node = ox.NamedNode(uri)
    text = text_of(store, uri)
    if text == uri:
        out["reading"] = load(uri)
    elif text is not None:
        m = load(text)
        if uri in m["items"]:
            out["clause"] = {**place(m, uri), "text": {"label": link.name(text), "href": link.href(text)}}
    out["cited_by"] = citedby.cited_by(store, uri, link)
    # the picture: for a text, for a resolution (the work) through the texts it has, and for
    # anything cited (a UN resolution we hold no text of: only what cites it)
    texts = [uri] if text == uri else sorted(
        q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RG.textOf)), node, None)
        if isinstance(q.subject, ox.NamedNode)) if _is_work(store, node) else []
    if texts or out["cited_by"]:
        cited = citedby.outgoing(store, [load(t)["citations"] for t in texts], link)
        citing = sorted(({"label": grp["label"], "href": grp["href"], "count": len(grp["clauses"])}
                         for grp in (out["cited_by"] or {}).get("groups", ())), key=lambda x: -x["count"])
        center = {"label": link.name(uri), "href": link.href(uri)}
        out["network"] = citedby.network(center, citing, cited)
    return out


def _is_work(store: ox.Store, node: ox.NamedNode) -> bool:
    return any(True for _ in store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(str(RG.Resolution)), None))
