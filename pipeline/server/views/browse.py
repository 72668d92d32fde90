"""Browse at hackable URLs (issue 18, item 1): the lists a librarian walks down, each a resource.

Paths under ``/id/`` (303 → ``/doc/``, negotiated like every resource or fixed by a suffix)::

    resolution                the bodies whose resolutions the graph knows, with counts
    resolution/{body}         every resolution of a body, numbers in numeric order (25 before 101),
                              title, and each text or version: adopted (by the body), proposed (in
                              which proposal), or only referenced — with its number of clauses
    un                        UN document series (A/RES, S/RES, A/DEC, A …), with counts
    un/{series}               its sessions (or years), and the documents numbered without one
    un/{series}/{session}     one session's documents, e.g. ``un/A/RES/80``
    proposal                  proposals grouped by source document: action, what each concerns, outcome
    document                  the source documents

**Why the route claims only list paths.** The lists live inside the URI space of resources
(``un/A/RES/80`` sits beside ``un/A/RES/80/16``), so :class:`ListRoute` claims a path only when
its shape is a list *and* no resource has that URI (``un/…`` only for a series or session that
exists); anything else falls through to :mod:`.linked_data`. A list never shadows a resource,
and linked data needs no change. List URIs are ``URIs.from_id_path`` of their path: the same
scheme, read the other way.

**A list is a resource too.** Its RDF is small and standard, from vocabularies the graph already
uses: the list is a ``dcmitype:Collection`` with a ``dcterms:title``; ``dcterms:hasPart`` links it
to each member (and to each list below it), ``dcterms:isPartOf`` to the list above; members carry
their identifier, number and title (resolutions also their versions, each with its ``rg:status``)
so the list reads on its own. Not LDP: ``ldp:Container`` promises a container one can POST to,
which this read-only server is not; not Hydra: an unfinished draft. ``dcterms:hasPart`` is how
source documents already list their parts here.

**Where the lists come from.** Typed lookups on the store (``quads_for_pattern`` with terms from
the closed namespaces; no query text at all, so nothing from a request can reach one: a body slug
or a series is only looked up in the answer), read once per generation into ``snap.cache`` in a
worker thread (1.8 s on the default corpus on a loaded 2-core machine, once; the same lists as
SPARQL took 16 s there, the nested OPTIONALs scanning every label); the documents made from them
(HTML and each RDF format) are kept in ``snap.answers`` like linked data's.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCMITYPE, DCTERMS, RDF, RDFS, SKOS
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from ...export import serialise
from ...rdf.vocab import CITO, ELI, PROV, RG
from .. import dataset, describe as describe_mod
from ..negotiation import BY_SUFFIX, HTML, JSONLD, NON_TEXT_TYPES, Format
from .common import Context, _choose, _plain, _Prepared, _server_root, doc_headers

#: The lists at the top, in the order the browse navigation shows them.
ROOTS = {"resolution": "Resolutions", "un": "UN documents", "proposal": "Proposals", "document": "Source documents"}

#: Names people use for UN series (display only; a series not named here shows its symbol).
SERIES_LABELS = {
    "A/RES": "General Assembly resolutions", "A/DEC": "General Assembly decisions",
    "A": "General Assembly documents (reports, notes, letters)", "S/RES": "Security Council resolutions",
    "S/PRST": "Security Council presidential statements", "S": "Security Council documents",
    "E/RES": "Economic and Social Council resolutions", "E": "Economic and Social Council documents",
    "A/HRC/RES": "Human Rights Council resolutions", "A/HRC": "Human Rights Council documents",
}
STATUS = {"adopted-text": ("adopted", "adopted text"), "proposed-text": ("proposed", "proposed text")}
REFERENCED = ("referenced", "referenced only")
class _Store:
    """Typed lookups on the published store (``quads_for_pattern``; no query text at all).

    The default graph view is the union of the named graphs, so a triple asserted and also
    inferred comes twice: every answer is de-duplicated, in first-seen order."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._type = ox.NamedNode(str(RDF.type))

    def objects(self, s, p) -> list:
        return list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(s, _n(p), None, None)))

    def subjects(self, p, o) -> list:
        return list(dict.fromkeys(q.subject for q in self.store.quads_for_pattern(None, _n(p), o, None)))

    def instances(self, cls) -> list:
        return [s for s in self.subjects(RDF.type, _n(cls)) if isinstance(s, ox.NamedNode)]

    def is_a(self, s, cls) -> bool:
        for _ in self.store.quads_for_pattern(s, self._type, _n(cls), None):
            return True
        return False

    def value(self, s, p) -> str | None:
        """The first literal (English or plain preferred) of ``s p``."""
        best = None
        for o in self.objects(s, p):
            if isinstance(o, ox.Literal):
                if o.language in (None, "en"):
                    return o.value
                best = best or o.value
        return best

    def node(self, s, p):
        return next((o for o in self.objects(s, p) if isinstance(o, ox.NamedNode)), None)


def _n(term) -> ox.NamedNode:
    return term if isinstance(term, ox.NamedNode) else ox.NamedNode(str(term))


def _v(node) -> str | None:
    return node.value if node is not None else None


def _read(store: ox.Store) -> tuple:
    """What the lists need, as rows of plain values (read once per generation)."""
    st = _Store(store)
    # the classes asked about many times, read once (a set answers "is it a clause?" for free)
    clause_set = set(st.instances(RG.Clause))
    texts = st.instances(RG.ResolutionText)
    children: dict = {}
    for q in store.quads_for_pattern(None, _n(ELI.is_part_of), None, None):
        children.setdefault(q.object, set()).add(q.subject)

    def clauses(text) -> int:
        n, seen, todo = 0, {text}, [text]
        while todo:
            for part in children.get(todo.pop(), ()):
                if part not in seen:
                    seen.add(part)
                    todo.append(part)
                    n += part in clause_set
        return n

    clause_rows = [{"text": t.value, "clauses": clauses(t)} for t in texts]
    cited_by: dict = {}
    for q in store.quads_for_pattern(None, _n(CITO.cites), None, None):
        if q.subject in clause_set:
            cited_by.setdefault(q.object, set()).add(q.subject)
    body_rows = [{"notation": st.value(b, SKOS.notation), "label": st.value(b, SKOS.prefLabel)} for b in st.instances(RG.Body)]
    res_rows = []
    for r in st.instances(RG.Resolution):
        body = st.node(r, RG.body)
        row = {"resolution": r.value, "body": st.value(body, SKOS.notation) if body else None,
               "number": st.value(r, ELI.number), "title": st.value(r, DCTERMS.title),
               "identifier": st.value(r, DCTERMS.identifier)}
        versions = [v for v in dict.fromkeys([*st.objects(r, DCTERMS.hasVersion), *st.subjects(RG.textOf, r)])
                    if isinstance(v, ox.NamedNode) and v != r]
        if not versions:
            res_rows.append({**row, "version": None})
        for v in versions:
            status = st.node(v, RG.status)
            proposal = st.node(v, RG.proposedIn)
            res_rows.append({**row, "version": v.value, "versionLabel": st.value(v, RDFS.label), "place": st.value(v, RG.place),
                             "year": st.value(v, RG.year), "statusConcept": _v(status),
                             "status": st.value(status, SKOS.notation) if status else None, "proposal": _v(proposal),
                             "symbol": st.value(proposal, DCTERMS.identifier) if proposal else None})
    un_rows = []
    for d in st.instances(RG.UNDocument):
        status = st.node(d, RG.status)
        un_rows.append({"doc": d.value, "identifier": st.value(d, DCTERMS.identifier), "title": st.value(d, DCTERMS.title),
                        "status": st.value(status, SKOS.notation) if status else None,
                        "date": st.value(d, ELI.date_document),
                        "citedBy": len(cited_by.get(d, ()))})
    proposal_rows = []
    for p in st.instances(RG.Proposal):
        action = st.node(p, RG.action)
        outcome = st.node(p, RG.proposalOutcome)
        row = {"proposal": p.value, "symbol": st.value(p, DCTERMS.identifier), "document": _v(st.node(p, DCTERMS.isPartOf)),
               "action": _v(action), "actionCode": st.value(action, SKOS.notation) if action else None,
               "actionLabel": st.value(action, SKOS.prefLabel) if action else None,
               "outcomeLabel": st.value(outcome, SKOS.prefLabel) if outcome else None,
               "text": _v(st.node(p, RG.proposesText)), "concerns": None, "concernsLabel": None}
        works = [c for c in st.objects(p, RG.concerns) if st.is_a(c, RG.Resolution) or st.is_a(c, RG.Instrument)]
        proposal_rows.extend({**row, "concerns": c.value, "concernsLabel": st.value(c, RDFS.label)} for c in works)
        if not works:
            proposal_rows.append(row)
    texts_of: dict = {}
    for t in texts:
        for d in st.objects(t, PROV.wasDerivedFrom):
            texts_of[d] = texts_of.get(d, 0) + 1
    proposals_of: dict = {}
    for r in proposal_rows:
        if r["document"] and r["proposal"] not in proposals_of.setdefault(r["document"], set()):
            proposals_of[r["document"]].add(r["proposal"])
    doc_rows = []
    for d in st.instances(RG.SourceDocument):
        doc_rows.append({"doc": d.value, "identifier": st.value(d, DCTERMS.identifier), "title": st.value(d, DCTERMS.title),
                         "source": st.value(d, DCTERMS.source),
                         "proposals": len(proposals_of.get(d.value, ())), "texts": texts_of.get(d, 0)})
    return res_rows, clause_rows, body_rows, un_rows, proposal_rows, doc_rows


# ------------------------------------------------------------------ order ---

def natural_key(text: str | None) -> tuple:
    """Digits compare as numbers: ``25`` before ``101``, ``80/9`` before ``80/10``; no number last.

    >>> sorted(["101", "25", "draft", "7"], key=natural_key)
    ['7', '25', '101', 'draft']
    """
    if not text:
        return (2, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.findall(r"\d+|\D+", text))
    return (0 if text[0].isdigit() else 1, parts)


def un_place(symbol_path: str) -> tuple[str, str | None]:
    """(series, session) of a UN symbol as its URI path writes it: the leading segments that
    start with a letter are the series; a segment after them is the session (or year) when
    something still follows it.

    >>> un_place("A/RES/80/16"), un_place("S/RES/2282(2016)"), un_place("A/80/534"), un_place("A/HRC/RES/41/11")
    (('A/RES', '80'), ('S/RES', None), ('A', '80'), ('A/HRC/RES', '41'))
    """
    segments = symbol_path.split("/")
    k = 0
    while k < len(segments) - 1 and segments[k][:1].isalpha():
        k += 1
    k = max(k, 1)
    series = "/".join(segments[:k])
    session = segments[k] if len(segments) - k >= 2 else None
    return series, session


# ---------------------------------------------------------------- listing ---

@dataclass
class Listing:
    """One list, as the page and the RDF see it."""

    path: str                     # under /id/: "resolution/pp"
    kind: str                     # the template block: bodies, resolutions, series, sessions, un, proposals, documents
    title: str
    intro: str = ""
    crumbs: list = field(default_factory=list)      # [(path, label)] of the lists above, top first
    rows: list = field(default_factory=list)
    groups: list = field(default_factory=list)      # proposals: [(document row, [proposal rows])]
    summary: list = field(default_factory=list)     # [(label, number)]


@dataclass
class Index:
    """Everything the lists show, read once per generation."""

    bodies: dict                  # slug -> {"label", "resolutions": [...]} (ITU bodies under id/resolution/)
    body_labels: dict             # notation -> label (every body concept)
    unga: int                     # resolutions of the General Assembly (listed under id/un/A/RES)
    un: dict                      # series -> {session or None -> [documents]}
    proposals: list
    documents: dict               # uri -> row


def _build_index(uris, res, clauses, bodies, un, proposals, documents) -> Index:
    clause_count = {r["text"]: int(r["clauses"]) for r in clauses}
    body_labels = {r["notation"]: r["label"] for r in bodies}
    prefix = uris.from_id_path("resolution/")
    works: dict[str, dict] = {}
    unga = set()
    for r in res:
        uri = r["resolution"]
        if not uri.startswith(prefix):
            if r["body"] == "unga":
                unga.add(uri)
            continue
        w = works.get(uri)
        if w is None:
            w = works[uri] = {"uri": uri, "href": _href(uris, uri), "body": uri[len(prefix):].split("/", 1)[0],
                              "number": r["number"], "title": r["title"], "identifier": r["identifier"], "versions": {}}
        for k in ("number", "title", "identifier"):
            w[k] = w[k] or r[k]
        v = r["version"]
        if v and v not in w["versions"]:
            w["versions"][v] = {"uri": v, "href": _href(uris, v), "label": r["versionLabel"], "place": r["place"],
                                "year": r["year"], "status": r["status"], "status_iri": r["statusConcept"], "proposal": r["proposal"], "symbol": r["symbol"],
                                "clauses": clause_count.get(v)}
        elif v:
            seen = w["versions"][v]
            for k, col in (("label", "versionLabel"), ("place", "place"), ("year", "year"), ("status", "status"), ("status_iri", "statusConcept"),
                           ("proposal", "proposal"), ("symbol", "symbol")):
                seen[k] = seen[k] or r[col]
    by_body: dict[str, dict] = {}
    for w in works.values():
        versions = sorted(w["versions"].values(), key=_version_order)
        for v in versions:
            v["css"], v["status_label"] = STATUS.get(v["status"] or "", REFERENCED)
            v["name"] = _version_name(v)
        w["versions"] = versions
        w["adopted"] = any(v["status"] == "adopted-text" for v in versions)
        w["proposed"] = any(v["status"] == "proposed-text" for v in versions)
        by_body.setdefault(w["body"], {"label": body_labels.get(w["body"], w["body"]), "resolutions": []})["resolutions"].append(w)
    for b in by_body.values():
        b["resolutions"].sort(key=lambda w: (natural_key(w["number"]), w["uri"]))
    # UN documents by series and session
    un_lists: dict[str, dict] = {}
    un_prefix = uris.from_id_path("un/")
    for r in un:
        uri = r["doc"]
        if not uri.startswith(un_prefix):
            continue
        symbol_path = uri[len(un_prefix):]
        series, session = un_place(symbol_path)
        css, status_label = STATUS.get(r["status"] or "", ("cited", "cited only"))
        un_lists.setdefault(series, {}).setdefault(session, []).append({
            "uri": uri, "href": _href(uris, uri), "identifier": r["identifier"] or symbol_path, "title": r["title"],
            "date": r["date"], "css": css, "status_label": status_label, "read": r["status"] == "adopted-text",
            "cited_by": int(r["citedBy"] or 0), "clauses": clause_count.get(uri)})
    for sessions in un_lists.values():
        for docs in sessions.values():
            docs.sort(key=lambda d: natural_key(d["identifier"]))
    # proposals
    props: dict[str, dict] = {}
    for r in proposals:
        p = props.setdefault(r["proposal"], {"uri": r["proposal"], "href": _href(uris, r["proposal"]), "symbol": None,
                                             "document": None, "action": None, "action_iri": None, "action_label": None, "concerns": {},
                                             "outcome": None, "text": None})
        for k, col in (("symbol", "symbol"), ("document", "document"), ("action", "actionCode"), ("action_iri", "action"),
                       ("action_label", "actionLabel"), ("outcome", "outcomeLabel"), ("text", "text")):
            p[k] = p[k] or r[col]
        if r["concerns"] and r["concerns"] not in p["concerns"]:
            p["concerns"][r["concerns"]] = {"uri": r["concerns"], "href": _href(uris, r["concerns"]),
                                            "label": r["concernsLabel"] or _short(uris, r["concerns"])}
    plist = []
    for p in props.values():
        p["concerns"] = sorted(p["concerns"].values(), key=lambda c: natural_key(c["label"]))
        p["text_href"] = _href(uris, p["text"]) if p["text"] else None
        plist.append(p)
    plist.sort(key=lambda p: (p["document"] or "", natural_key((p["symbol"] or p["uri"]).rsplit("/", 1)[-1])))
    docs = {}
    for r in documents:
        docs[r["doc"]] = {"uri": r["doc"], "href": _href(uris, r["doc"]), "identifier": r["identifier"],
                          "title": r["title"], "source": r["source"], "proposals": int(r["proposals"] or 0),
                          "texts": int(r["texts"] or 0)}
    return Index(by_body, body_labels, len(unga), un_lists, plist, docs)


def _href(uris, uri: str) -> str | None:
    return "/id/" + uris.id_path(uri) if uris.is_ours(uri) else (uri if uri.startswith(("http://", "https://")) else None)


def _short(uris, uri: str) -> str:
    return uris.id_path(uri) if uris.is_ours(uri) else uri


def _version_order(v: dict):
    rank = {"adopted-text": 0, "proposed-text": 1}.get(v["status"] or "", 2)
    year = int(v["year"]) if (v["year"] or "").isdigit() else 0
    return (rank, -year, v["symbol"] or "", v["uri"])


def _version_name(v: dict) -> str:
    if v["symbol"]:
        return f"as proposed in {v['symbol']}"
    if v["place"] and v["year"]:
        return f"{v['place']}, {v['year']}"
    return v["label"] or v["uri"].rsplit("/", 1)[-1]


# ---------------------------------------------------------------- lists ---

def _listing(index: Index, key: str) -> Listing | str:
    """The list at ``key`` (a path under /id/ without suffix), or why there is none."""
    top = [("resolution", ROOTS["resolution"])]
    if key == "resolution":
        rows = []
        for slug, b in sorted(index.bodies.items(), key=lambda kv: -len(kv[1]["resolutions"])):
            rs = b["resolutions"]
            rows.append({"path": f"resolution/{slug}", "label": b["label"], "slug": slug, "count": len(rs),
                         "adopted": sum(w["adopted"] for w in rs), "proposed": sum(w["proposed"] for w in rs),
                         "referenced": sum(not (w["adopted"] or w["proposed"]) for w in rs)})
        if index.unga:
            rows.append({"path": "un/A/RES", "label": index.body_labels.get("unga", "UN General Assembly"), "slug": "unga",
                         "count": index.unga, "adopted": None, "proposed": None, "referenced": None,
                         "note": "listed by UN symbol"})
        return Listing(key, "bodies", "Resolutions by body", intro=(
            "Each body's resolutions that the graph knows: adopted texts (as the body adopted them), texts proposed to "
            "it, and resolutions known only because something cites them."), rows=rows,
            summary=[("resolutions", sum(r["count"] for r in rows))])
    if key.startswith("resolution/"):
        slug = key.split("/", 1)[1]
        b = index.bodies.get(slug)
        if b is None:
            known = ", ".join(sorted(index.bodies))
            extra = " (UN General Assembly resolutions are listed at /id/un/A/RES)" if slug == "unga" else ""
            return f"no list of resolutions for body {slug!r}{extra}; the bodies are: {known}"
        rs = b["resolutions"]
        return Listing(key, "resolutions", f"Resolutions of the {b['label']}", crumbs=top, rows=rs, intro=(
            "Numbers in numeric order; under each resolution, its texts and versions: adopted (the text as adopted), "
            "proposed (a draft set out in a proposal, not the adopted text) or referenced only (known because "
            "something cites it; the graph holds no text)."),
            summary=[("resolutions", len(rs)), ("with an adopted text", sum(w["adopted"] for w in rs)),
                     ("with a proposed text", sum(w["proposed"] for w in rs)),
                     ("referenced only", sum(not (w["adopted"] or w["proposed"]) for w in rs))])
    un_top = [("un", ROOTS["un"])]
    if key == "un":
        rows = []
        for series, sessions in index.un.items():
            docs = [d for ds in sessions.values() for d in ds]
            rows.append({"path": f"un/{series}", "series": series, "label": SERIES_LABELS.get(series),
                         "count": len(docs), "read": sum(d["read"] for d in docs)})
        rows.sort(key=lambda r: (-r["count"], r["series"]))
        return Listing(key, "series", "UN documents by series", rows=rows, intro=(
            "UN documents the graph knows, by symbol series: read in full (the text is in the graph) or cited only."),
            summary=[("documents", sum(r["count"] for r in rows)), ("read in full", sum(r["read"] for r in rows))])
    if key.startswith("un/"):
        rest = key[3:]
        if rest in index.un:
            sessions = index.un[rest]
            rows = [{"path": f"un/{rest}/{s}", "session": s, "count": len(ds), "read": sum(d["read"] for d in ds)}
                    for s, ds in sessions.items() if s is not None]
            rows.sort(key=lambda r: natural_key(r["session"]), reverse=True)
            loose = sessions.get(None, [])
            title = SERIES_LABELS.get(rest) or f"UN documents {rest}/…"
            return Listing(key, "sessions", f"{title} ({rest})", crumbs=un_top, rows=rows, groups=loose,
                           intro="By session (or year) of the symbol.",
                           summary=[("documents", sum(r["count"] for r in rows) + len(loose))])
        series, _, session = rest.rpartition("/")
        docs = index.un.get(series, {}).get(session) if series else None
        if docs:
            return Listing(key, "un", f"{SERIES_LABELS.get(series, 'UN documents')} {series}/{session}/…",
                           crumbs=[*un_top, (f"un/{series}", series)], rows=docs,
                           summary=[("documents", len(docs)), ("read in full", sum(d["read"] for d in docs))])
        return f"no UN document series or session {rest!r}"
    if key == "proposal":
        groups: dict[str, list] = {}
        for p in index.proposals:
            groups.setdefault(p["document"] or "", []).append(p)
        out = [(index.documents.get(d) or {"uri": d, "href": None, "identifier": None, "title": d or "no source document"}, ps)
               for d, ps in groups.items()]
        actions: dict[str, int] = {}
        for p in index.proposals:
            actions[p["action"] or "?"] = actions.get(p["action"] or "?", 0) + 1
        return Listing(key, "proposals", "Proposals", groups=out, intro=(
            "Proposals by the source document that makes them: the action (NOC no change, MOD modification, ADD "
            "addition, SUP suppression), the resolution or instrument concerned, and what the conference did with it."),
            summary=[("proposals", len(index.proposals)), *sorted(actions.items())])
    if key == "document":
        rows = sorted(index.documents.values(), key=lambda d: natural_key(d["identifier"] or d["title"] or d["uri"]))
        return Listing(key, "documents", "Source documents", rows=rows,
                       intro="The documents resgraph read: what each holds, and where it came from.",
                       summary=[("documents", len(rows))])
    return f"no list at /id/{key}"


def _triples(listing: Listing, uris) -> list[ox.Triple]:
    """The list as RDF (see the module docstring)."""
    def iri(u):
        return ox.NamedNode(str(u))

    def lit(v):
        return ox.Literal(str(v))

    me = iri(uris.from_id_path(listing.path))
    out = [ox.Triple(me, iri(RDF.type), iri(DCMITYPE.Collection)), ox.Triple(me, iri(DCTERMS.title), lit(listing.title))]
    if listing.crumbs:
        out.append(ox.Triple(me, iri(DCTERMS.isPartOf), iri(uris.from_id_path(listing.crumbs[-1][0]))))

    def member(uri: str, **props):
        node = iri(uri)
        out.append(ox.Triple(me, iri(DCTERMS.hasPart), node))
        for p, v in props.items():
            if v is not None:
                out.append(ox.Triple(node, iri(p), v if isinstance(v, (ox.NamedNode, ox.Literal)) else lit(v)))
        return node

    def sublist(path: str, title: str):
        node = member(uris.from_id_path(path), **{str(DCTERMS.title): title})
        out.append(ox.Triple(node, iri(RDF.type), iri(DCMITYPE.Collection)))

    if listing.kind == "bodies":
        for r in listing.rows:
            sublist(r["path"], f"Resolutions of the {r['label']}")
    elif listing.kind == "resolutions":
        for w in listing.rows:
            node = member(w["uri"], **{str(ELI.number): w["number"], str(DCTERMS.identifier): w["identifier"],
                                      str(DCTERMS.title): w["title"]})
            for v in w["versions"]:
                out.append(ox.Triple(node, iri(DCTERMS.hasVersion), iri(v["uri"])))
                if v["status_iri"]:
                    out.append(ox.Triple(iri(v["uri"]), iri(RG.status), iri(v["status_iri"])))
                if v["label"]:
                    out.append(ox.Triple(iri(v["uri"]), iri(RDFS.label), lit(v["label"])))
    elif listing.kind == "series":
        for r in listing.rows:
            sublist(r["path"], r["label"] or r["series"])
    elif listing.kind == "sessions":
        for r in listing.rows:
            sublist(r["path"], f"{listing.path[3:]}/{r['session']}")
        for d in listing.groups:
            member(d["uri"], **{str(DCTERMS.identifier): d["identifier"], str(DCTERMS.title): d["title"]})
    elif listing.kind == "un":
        for d in listing.rows:
            member(d["uri"], **{str(DCTERMS.identifier): d["identifier"], str(DCTERMS.title): d["title"]})
    elif listing.kind == "proposals":
        for _doc, ps in listing.groups:
            for p in ps:
                node = member(p["uri"], **{str(DCTERMS.identifier): p["symbol"]})
                if p["document"]:
                    out.append(ox.Triple(node, iri(DCTERMS.isPartOf), iri(p["document"])))
                if p["action_iri"]:
                    out.append(ox.Triple(node, iri(RG.action), iri(p["action_iri"])))
                for c in p["concerns"]:
                    out.append(ox.Triple(node, iri(RG.concerns), iri(c["uri"])))
    elif listing.kind == "documents":
        for d in listing.rows:
            member(d["uri"], **{str(DCTERMS.identifier): d["identifier"], str(DCTERMS.title): d["title"]})
    return out


# ---------------------------------------------------------------- routes ---

class ListRoute(Route):
    """A route that claims a request only when ``claims(scope)`` says its path is a list, so that
    every other path under ``/id/`` and ``/doc/`` goes on to linked data."""

    def __init__(self, path: str, endpoint, claims):
        super().__init__(path, endpoint)
        self._claims = claims

    def matches(self, scope):
        match, child = super().matches(scope)
        if match is not Match.NONE and not self._claims(scope):
            return Match.NONE, {}
        return match, child


def routes(ctx: Context) -> list[Route]:
    uris, published = ctx.uris, ctx.published
    building: dict[str, asyncio.Lock] = {}

    def _rest(scope, prefix: str) -> str:
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        path = raw.decode("latin-1").split("?", 1)[0]
        return path[len(prefix):] if path.startswith(prefix) else ""

    def _split(rest: str) -> tuple[str, Format | None, str | None]:
        """(list key, fixed format, suffix) of a path under /id/ or /doc/."""
        for suffix, fmt in BY_SUFFIX.items():
            if rest.endswith(suffix) and len(rest) > len(suffix):
                return rest[: -len(suffix)], fmt, suffix
        return rest, None, None

    def _un_keys(snap: dataset.Snapshot) -> frozenset:
        """Every ``un/{series}`` and ``un/{series}/{session}`` that has a document (typed lookups)."""
        keys = snap.cache.get("browse-un-keys")
        if keys is None:
            prefix = uris.from_id_path("un/")
            found = set()
            for q in snap.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RG.UNDocument)), None):
                s = q.subject
                if isinstance(s, ox.NamedNode) and s.value.startswith(prefix):
                    series, session = un_place(s.value[len(prefix):])
                    found.add("un/" + series)
                    if session is not None:
                        found.add(f"un/{series}/{session}")
            keys = snap.cache["browse-un-keys"] = frozenset(found)
        return keys

    def _is_list(snap: dataset.Snapshot, key: str) -> bool:
        if key in ROOTS:
            return True
        if len(key) > 300 or not key.startswith(("resolution/", "un/")):
            return False
        if key.startswith("resolution/"):
            shaped = "/" not in key[len("resolution/"):] and len(key) > len("resolution/")
        else:
            shaped = key in _un_keys(snap)
        if not shaped:
            return False
        # a resource with this URI wins: a list never shadows it
        return not describe_mod.exists(snap.store, uris.from_id_path(key))

    def claims_for(prefix: str):
        def claims(scope) -> bool:
            key, _fmt, _suffix = _split(_rest(scope, prefix))
            try:
                return _is_list(published.get(), key)
            except (ValueError, UnicodeError):   # not an IRI: not a list (linked data answers 404)
                return False
        return claims

    async def _index(snap: dataset.Snapshot) -> Index:
        index = snap.cache.get("browse")
        if index is not None:
            return index
        lock = building.setdefault(snap.name, asyncio.Lock())
        async with lock:
            index = snap.cache.get("browse")
            if index is not None:
                return index
            index = await run_in_threadpool(lambda: _build_index(uris, *_read(snap.store)))
            snap.cache["browse"] = index
            for name in [n for n in building if n != snap.name]:
                building.pop(name, None)
            return index

    async def id_list(request: Request) -> Response:
        rest = _rest(request.scope, "/id/")
        snap = published.get()
        index = await _index(snap)
        listing = _listing(index, _split(rest)[0])
        if isinstance(listing, str):
            return _plain(404, listing)
        return RedirectResponse("/doc/" + rest, status_code=303, headers={"Vary": "Accept"})

    def _headers(uri: str, key: str, fmt: Format, fixed: Format | None) -> dict[str, str]:
        return doc_headers(uri, key, fmt, fixed, NON_TEXT_TYPES)

    async def doc_list(request: Request) -> Response:
        rest = _rest(request.scope, "/doc/")
        key, fixed, suffix = _split(rest)
        snap = published.get()
        index = await _index(snap)
        listing = _listing(index, key)
        if isinstance(listing, str):
            return _plain(404, listing)
        if fixed is not None and fixed not in NON_TEXT_TYPES:
            return _plain(404, f"/id/{key} is a list, not a text: no {fixed.media_type} document")
        fmt = _choose(request, NON_TEXT_TYPES, fixed)
        root = _server_root(request)
        cache_key = ("browse", rest, fmt.name, root)
        prepared = snap.answers.get(cache_key)
        if prepared is None:
            uri = uris.from_id_path(key)
            headers = _headers(uri, key, fmt, fixed)
            if fmt is HTML:
                formats = [{"label": f.name if f.name != "rdfxml" else "RDF/XML", "media_type": f.media_type,
                            "href": "/doc/" + key + f.suffix} for f in NON_TEXT_TYPES if f is not HTML]
                page = await run_in_threadpool(ctx.render, "browse.html", request, headers=headers, listing=listing,
                                               uri=uri, formats=formats, roots=ROOTS)
                prepared = page.raw_headers, page.body
            else:
                body = serialise(_triples(listing, uris), fmt.name,
                                 context_url=(root if fmt is JSONLD else "") + "context.jsonld")
                prepared = Response(body, headers={**headers, "Content-Type": fmt.content_type}).raw_headers, body
            snap.answers.put(cache_key, prepared, len(prepared[1]) + 1000)
        return _Prepared(*prepared)

    return [ListRoute("/id/{rest:path}", id_list, claims_for("/id/")),
            ListRoute("/doc/{rest:path}", doc_list, claims_for("/doc/"))]
