"""A resolution's texts and the word-level diff between any two of them (issue 16 item 5, issue 18
item 5, issue 21 item 3), read from the published graph; shared by the compare page
(:mod:`pipeline.server.timeline`, ``/compare/…``) and the redline writer (:mod:`.docx`).

A resolution (the work, ``id/resolution/pp/70``) has up to three kinds of text:

``adopted``  a version as its body adopted it (``…/70/dubai-2018``, PP-18's Final Acts);
``draft``    a proposal's draft (``id/proposal/ACP/64A1/7/text``), one per proposal;
``replaced`` the text a draft revises (Busan-2014) *as the draft shows it replaced*: the draft's
             clauses less those it inserts, each with its former label and ``rg:replacedText``
             (the kept and deleted words of the flattened change) where it has one.

Each text has a short key, stable across builds, for ``/compare/…?from=KEY&to=KEY``: the
version's slug for an adopted text (``dubai-2018``; ``adopted`` for a UN resolution, which is
its own text), ``draft-`` and the proposal symbol with ``/`` as ``-`` for a draft
(``draft-ACP-64A1-7``), the revised version's slug for the replaced text (``busan-2014``), or
``busan-2014-as-in-ACP-64A1-8`` when several drafts revise one version (that long form is
always accepted).

Clauses of two texts are paired, in this order of trust: the same draft clause (a draft and
the text it replaces share their clauses), the build's outcome alignment (``rg:adoptedAs``,
across renumbering and moves; graph/outcomes), and — only between texts the alignment did not
compare — the section and clause number.  Words are compared with :mod:`difflib` on word and
punctuation tokens, quotes and dashes normalised as the alignment normalises them, so a clause
the alignment calls identical shows no change here either.

Everything is read with ``quads_for_pattern`` on typed terms; the request never reaches query
text.  Parts come in document order from :func:`pipeline.export.akn_graph.load`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .akn_graph import Part, load
from ..rdf.vocab import ELI, PROV, RG

_N = {k: ox.NamedNode(str(v)) for k, v in {
    "type": RDF.type, "textOf": RG.textOf, "isVersionOf": DCTERMS.isVersionOf, "hasVersion": DCTERMS.hasVersion,
    "text_cls": RG.ResolutionText, "draft_cls": RG.DraftText, "proposedIn": RG.proposedIn,
    "revisionOf": PROV.wasRevisionOf, "adoptedAs": RG.adoptedAs, "draftedAs": RG.draftedAs,
    "outcomeText": RG.outcomeText, "identifier": DCTERMS.identifier, "title": DCTERMS.title,
    "label": RDFS.label, "prefLabel": SKOS.prefLabel, "place": RG.place, "year": RG.year,
    "date": ELI.date_document, "proposalOutcome": RG.proposalOutcome, "isPartOf": DCTERMS.isPartOf,
    "proposedVersion": RG.proposedVersion,
}.items()}
KIND_NAMES = {"replaced": "Text replaced (as the draft shows it)", "draft": "Proposal's draft", "adopted": "Adopted text"}
_KIND_RANK = {"replaced": 0, "draft": 1, "adopted": 2}
MAX_KEY = 200


# ------------------------------------------------------------------ reading ---

def _one(store: ox.Store, s, p) -> ox.Term | None:
    best = None
    for q in store.quads_for_pattern(s, p, None, None):
        if best is None or q.object.value < best.value:   # deterministic across graphs
            best = q.object
    return best


def _lit(store: ox.Store, s, p) -> str | None:
    vals = [q.object for q in store.quads_for_pattern(s, p, None, None) if isinstance(q.object, ox.Literal)]
    en = [v.value for v in vals if v.language in (None, "", "en")]
    return sorted(en or [v.value for v in vals])[0] if vals else None


def _label(store: ox.Store, node) -> str | None:
    for p in ("prefLabel", "label", "identifier"):
        v = _lit(store, node, _N[p])
        if v:
            return v
    return None


def title_of(store: ox.Store, uri: str) -> str | None:
    return _lit(store, ox.NamedNode(uri), _N["title"])


def label(store: ox.Store, uri: str) -> str | None:
    """A work's name ("Resolution 70 (Plenipotentiary Conference)"), not its title."""
    return _label(store, ox.NamedNode(uri))


def work_of(store: ox.Store, uri: str) -> str | None:
    """The resolution (work) ``uri`` names or is a text or version of, if it has any text."""
    try:
        node = ox.NamedNode(uri)
    except ValueError:
        return None
    work = _one(store, node, _N["textOf"]) or _one(store, node, _N["isVersionOf"]) or node
    if not isinstance(work, ox.NamedNode):
        return None
    for q in store.quads_for_pattern(None, _N["textOf"], work, None):
        if _has_type(store, q.subject, _N["text_cls"]):
            return work.value
    return None


def _has_type(store: ox.Store, node, cls) -> bool:
    return any(True for _ in store.quads_for_pattern(node, _N["type"], cls, None))


@dataclass
class Row:
    """One clause of one text, in document order."""

    uri: str                 # the clause (for a replaced text: the draft clause that shows it)
    label: str               # its number in this text ("c", "4"; "" for an unnumbered paragraph)
    section: str             # the words of its section ("instructs the Council")
    section_key: str         # the section's last URI segment, for pairing by number
    text: str
    depth: int = 0
    note: str | None = None  # e.g. the draft could not tell old from new label


@dataclass
class Text:
    key: str
    kind: str                # replaced | draft | adopted
    uri: str                 # the resource to link (the text; for "replaced" the version it names)
    label: str
    place: str | None = None
    year: str | None = None
    date: str | None = None
    title: str | None = None
    source: str | None = None        # the draft a replaced text is read from
    proposal: str | None = None      # the proposal of a draft
    proposal_label: str | None = None
    outcome: str | None = None       # what the conference did with the proposal
    compared_with: str | None = None  # the adopted text the alignment compared a draft with
    rows: list[Row] = field(default_factory=list)

    @property
    def conference(self) -> str | None:
        return f"{self.place}, {self.year}" if self.place and self.year else self.year

    def summary(self, link) -> dict:
        return {"key": self.key, "kind": self.kind, "kindName": KIND_NAMES[self.kind], "label": self.label,
                "uri": self.uri, "href": link(self.uri), "conference": self.conference, "year": self.year,
                "date": self.date, "title": self.title,
                "source": self.source, "sourceHref": link(self.source) if self.source else None,
                "proposal": self.proposal, "proposalLabel": self.proposal_label,
                "proposalHref": link(self.proposal) if self.proposal else None,
                "outcome": self.outcome, "clauses": len(self.rows)}


def _flatten(store: ox.Store, parts: list[Part], section: str = "", section_key: str = "", depth: int = 0):
    """(node, section words, section key, depth) of every clause, in document order."""
    for p in parts:
        if p.kind in ("section", "annex"):
            words = p.node.one(RG.verbPhrase) or p.node.one(RDFS.label) or p.node.uri.rsplit("/", 1)[-1]
            yield from _flatten(store, p.children, words, p.node.uri.rsplit("/", 1)[-1], 0)
        else:
            yield p.node, section, section_key, depth
            yield from _flatten(store, p.children, section, section_key, depth + 1)


def _concept(uri: str | None) -> str | None:
    return uri.rstrip("/").rsplit("/", 1)[-1] if uri else None


def _version_bits(store: ox.Store, node) -> tuple[str | None, str | None]:
    return _lit(store, node, _N["place"]), _lit(store, node, _N["year"])


def texts_of(store: ox.Store, work_uri: str, base: str) -> tuple[list[Text], list[dict]]:
    """The texts of a work in timeline order, and the versions the graph knows but holds no text of."""
    work = ox.NamedNode(work_uri)
    uris = sorted({q.subject.value for q in store.quads_for_pattern(None, _N["textOf"], work, None)
                   if isinstance(q.subject, ox.NamedNode) and _has_type(store, q.subject, _N["text_cls"])})
    texts: list[Text] = []
    drafts: list[tuple] = []      # (draft, revised version uri, its clauses)
    for uri in uris:
        node = ox.NamedNode(uri)
        loaded = load(store, uri)
        flat = list(_flatten(store, loaded.parts))
        title = _lit(store, node, _N["title"])
        if _has_type(store, node, _N["draft_cls"]):
            prop = _one(store, node, _N["proposedIn"])
            symbol = _lit(store, prop, _N["identifier"]) if prop is not None else None
            symbol = symbol or uri.rsplit("/text", 1)[0].rsplit("/id/proposal/", 1)[-1]
            pv = _one(store, node, _N["proposedVersion"])
            place, year = _version_bits(store, pv) if pv is not None else (None, None)
            t = Text("draft-" + symbol.replace("/", "-"), "draft", uri, _label(store, node) or uri, place, year,
                     title=title, proposal=prop.value if prop is not None else None, proposal_label=symbol,
                     outcome=_concept(_one(store, prop, _N["proposalOutcome"]).value)
                     if prop is not None and _one(store, prop, _N["proposalOutcome"]) is not None else None)
            ot = _one(store, prop, _N["outcomeText"]) if prop is not None else None
            t.compared_with = ot.value if ot is not None else None
            for n, sec, skey, depth in flat:
                if _concept(n.one(RG.clauseChange)) == "deleted":
                    continue
                t.rows.append(Row(n.uri, n.one(ELI.number) or n.one(RG.formerLabel) or "", sec, skey,
                                  n.one(RG.text) or "", depth, _uncertain(n)))
            texts.append(t)
            old = _one(store, node, _N["revisionOf"])
            if old is not None:
                drafts.append((t, old.value, [(n, sec, skey, depth) for n, sec, skey, depth in flat]))
        else:
            place, year = _version_bits(store, node)
            key = uri[len(work_uri) + 1:].replace("/", "-") if uri.startswith(work_uri + "/") else "adopted"
            t = Text(key, "adopted", uri, _label(store, node) or uri, place, year,
                     date=_lit(store, node, _N["date"]), title=title)
            for n, sec, skey, depth in flat:
                t.rows.append(Row(n.uri, n.one(ELI.number) or "", sec, skey, n.one(RG.text) or "", depth))
            texts.append(t)
    # the text each draft replaces, as that draft shows it
    per_version: dict[str, int] = {}
    for _t, old, _f in drafts:
        per_version[old] = per_version.get(old, 0) + 1
    for draft, old, flat in drafts:
        slug = old[len(work_uri) + 1:].replace("/", "-") if old.startswith(work_uri + "/") else "replaced"
        key = slug if per_version[old] == 1 else f"{slug}-as-in-{draft.proposal_label.replace('/', '-')}"
        place, year = _version_bits(store, ox.NamedNode(old))
        name = _label(store, ox.NamedNode(old)) or old
        r = Text(key, "replaced", old, f"{name}, as {draft.proposal_label} shows it replaced", place, year,
                 source=draft.uri, proposal=draft.proposal, proposal_label=draft.proposal_label,
                 compared_with=draft.compared_with)
        for n, sec, skey, depth in flat:
            if _concept(n.one(RG.clauseChange)) == "inserted":
                continue
            r.rows.append(Row(n.uri, n.one(RG.formerLabel) or n.one(ELI.number) or "", sec, skey,
                              n.one(RG.replacedText) or n.one(RG.text) or "", depth, _uncertain(n)))
        texts.append(r)
    texts.sort(key=lambda t: (t.year or "9999", _KIND_RANK[t.kind], t.key))
    held = {t.uri for t in texts}
    others = []
    for q in store.quads_for_pattern(work, _N["hasVersion"], None, None):
        v = q.object
        if isinstance(v, ox.NamedNode) and v.value not in held and not _has_type(store, v, _N["text_cls"]):
            if any(o["uri"] == v.value for o in others):
                continue
            place, year = _version_bits(store, v)
            others.append({"uri": v.value, "label": _label(store, v) or v.value, "year": year,
                           "conference": f"{place}, {year}" if place and year else year})
    others.sort(key=lambda o: (o["year"] or "9999", o["uri"]))
    return texts, others


def _uncertain(n) -> str | None:
    if _concept(n.one(RG.labelChange)) == "uncertain":
        return "the draft prints this label twice; which one is old and which new is uncertain"
    return None


# ------------------------------------------------------------------ pairing ---

def _anchors(store: ox.Store, row: Row) -> set[str]:
    node = ox.NamedNode(row.uri)
    out = {row.uri}
    for p in (_N["adoptedAs"], _N["draftedAs"]):
        out |= {q.object.value for q in store.quads_for_pattern(node, p, None, None) if isinstance(q.object, ox.NamedNode)}
    return out


def _aligned(a: Text, b: Text) -> bool:
    """Whether the build's alignment compared these two texts (then it alone pairs their clauses)."""
    def draft_side(t: Text) -> str | None:
        return t.uri if t.kind == "draft" else t.source if t.kind == "replaced" else None
    for x, y in ((a, b), (b, a)):
        if x.kind == "replaced" and y.kind == "draft" and x.source == y.uri:
            return True
        if draft_side(x) is not None and y.kind == "adopted" and _compared(x, y):
            return True
    return False


def _compared(x: Text, adopted: Text) -> bool:
    return getattr(x, "compared_with", None) == adopted.uri


def pair(store: ox.Store, a: Text, b: Text) -> list[tuple[int | None, int | None, str | None]]:
    """(index in a, index in b, how paired) for every clause of both texts."""
    anchors_b: dict[str, int] = {}
    for j, row in enumerate(b.rows):
        for x in _anchors(store, row):
            anchors_b.setdefault(x, j)
    pairs: dict[int, tuple[int, str]] = {}
    used: set[int] = set()
    for i, row in enumerate(a.rows):
        if row.uri in anchors_b and anchors_b[row.uri] not in used and b.rows[anchors_b[row.uri]].uri == row.uri:
            j = anchors_b[row.uri]
            pairs[i] = (j, "same clause")
            used.add(j)
            continue
        for x in sorted(_anchors(store, row)):
            j = anchors_b.get(x)
            if j is not None and j not in used:
                pairs[i] = (j, "outcome")
                used.add(j)
                break
    if not _aligned(a, b):
        free_b: dict[tuple[str, str], int] = {}
        for j, row in enumerate(b.rows):
            if j not in used and row.label:
                free_b.setdefault((row.section_key, row.label), j)
        for i, row in enumerate(a.rows):
            if i in pairs or not row.label:
                continue
            j = free_b.pop((row.section_key, row.label), None)
            if j is not None and j not in used:
                pairs[i] = (j, "number")
                used.add(j)
    return [(i, j, how) for i, (j, how) in sorted(pairs.items())] + \
        [(i, None, None) for i in range(len(a.rows)) if i not in pairs] + \
        [(None, j, None) for j in range(len(b.rows)) if j not in used]


# --------------------------------------------------------------------- diff ---

_TOKEN = re.compile(r"\s*(?:\w+(?:[’'\-]\w+)*|[^\w\s])|\s+$")
_NORMAL = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def words(old: str, new: str) -> list[dict]:
    """Word-level segments turning ``old`` into ``new``: ``{"op": equal|delete|insert, "text"}``.

    Equal and deleted texts give ``old`` back, equal and inserted texts ``new``; an equal segment
    whose old spelling differs only in spacing, quotes or dashes carries it as ``"old"``.

    >>> [(s["op"], s["text"]) for s in words("to give attention", "to give priority")]
    [('equal', 'to give'), ('delete', ' attention'), ('insert', ' priority')]
    >>> words("the UN’s", "the UN's")
    [{'op': 'equal', 'text': 'the'}, {'op': 'equal', 'text': " UN's", 'old': ' UN’s'}]
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    ka = [t.strip().translate(_NORMAL) for t in a]
    kb = [t.strip().translate(_NORMAL) for t in b]
    out: list[dict] = []

    def emit(op: str, text: str, was: str | None = None) -> None:
        if not text and not was:
            return
        if was is not None and was != text:
            out.append({"op": op, "text": text, "old": was})
        elif out and out[-1]["op"] == op and "old" not in out[-1]:
            out[-1]["text"] += text
        else:
            out.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            for ta, tb in zip(a[i1:i2], b[j1:j2]):
                emit("equal", tb, ta)
        else:
            if i2 > i1:
                emit("delete", "".join(a[i1:i2]))
            if j2 > j1:
                emit("insert", "".join(b[j1:j2]))
    return out


def _place_after(pairs, n_b: int) -> list[tuple]:
    """The pairs in the order of text b; a clause only in text a comes right after the clause of b
    that its nearest preceding paired clause of a was paired with."""
    by_a = sorted((p for p in pairs if p[0] is not None), key=lambda p: p[0])
    after: dict[int, list] = {}
    last = -1
    for p in by_a:
        if p[1] is not None:
            last = p[1]
        else:
            after.setdefault(last, []).append(p)
    ordered = list(after.get(-1, []))
    by_b = {p[1]: p for p in pairs if p[1] is not None}
    for j in range(n_b):
        ordered.append(by_b[j])
        ordered.extend(after.get(j, []))
    return ordered


def compare(store: ox.Store, a: Text, b: Text) -> dict:
    """The clause-by-clause diff from text ``a`` to text ``b``, in the document order of ``b``."""
    pairs = _place_after(pair(store, a, b), len(b.rows))
    rows = []
    counts = {"unchanged": 0, "changed": 0, "inserted": 0, "deleted": 0}
    for i, j, how in pairs:
        ra = a.rows[i] if i is not None else None
        rb = b.rows[j] if j is not None else None
        if ra is not None and rb is not None:
            segs = words(ra.text, rb.text)
            status = "changed" if any(s["op"] != "equal" for s in segs) else "unchanged"
        elif rb is not None:
            segs, status = [{"op": "insert", "text": rb.text}], "inserted"
        else:
            segs, status = [{"op": "delete", "text": ra.text}], "deleted"
        counts[status] += 1
        side = lambda r: None if r is None else {  # noqa: E731
            "uri": r.uri, "label": r.label, "section": r.section, "text": r.text, "depth": r.depth, "note": r.note}
        relabelled = bool(ra and rb and (ra.label != rb.label or ra.section_key != rb.section_key))
        rows.append({"status": status, "pairedBy": how, "relabelled": relabelled,
                     "section": (rb or ra).section, "from": side(ra), "to": side(rb), "segments": segs})
    title = None
    if a.title and b.title:
        segs = words(a.title, b.title)
        title = {"from": a.title, "to": b.title, "segments": segs,
                 "status": "changed" if any(s["op"] != "equal" for s in segs) else "unchanged"}
    return {"counts": counts, "clauses": rows, "title": title, "alignedByBuild": _aligned(a, b)}


def default_pair(texts: list[Text]) -> tuple[Text, Text] | None:
    """What the page compares when not asked: the first draft and the adopted text it was compared
    with (or any adopted text), else the replaced text and its draft, else the first two texts."""
    drafts = [t for t in texts if t.kind == "draft"]
    adopted = [t for t in texts if t.kind == "adopted"]
    for d in drafts:
        for t in adopted:
            if d.compared_with == t.uri:
                return d, t
    if drafts and adopted:
        return drafts[0], adopted[-1]
    for t in texts:
        if t.kind == "replaced":
            d = next((x for x in drafts if x.uri == t.source), None)
            if d is not None:
                return t, d
    return (texts[0], texts[1]) if len(texts) >= 2 else None


def find(texts: list[Text], key: str) -> Text | None:
    for t in texts:
        if t.key == key:
            return t
    for t in texts:   # the long form of a replaced text's key is always accepted
        if t.kind == "replaced" and key == f"{t.uri.rsplit('/', 1)[-1]}-as-in-{t.proposal_label.replace('/', '-')}":
            return t
    return None
