"""Validation you can act on (issue 18, item 6): the findings, what each concerns, and the source line.

A finding (``rg:Finding``) says what resgraph noticed in a source document and on which line
(``rg:lineStart``).  To act on one, a librarian needs what it concerns (the clause, not just
"the document"), the line itself, and the other findings of its kind.  So:

* ``/validation`` lists the findings grouped by kind, with a count per kind on top, filtered by
  kind and by source document (``?kind=glued-change&source=pp18-64-add1``); the same filtered
  list as CSV or JSON (``?format=csv|json``, or ``Accept: text/csv | application/json``).  The
  filters are bound into one fixed query as typed terms (``substitutions=``), never pasted into
  its text, and each answer is kept for the generation.
* Each finding links to what it concerns: its ``rg:about`` when that names more than the whole
  document; otherwise (the mapping says only "about the document") the narrowest clause, annex
  or section whose source lines (``rg:lineStart``..``rg:lineEnd``, same document) hold the
  finding's line, and the text around it.  The page says that it was read from the lines
  ("at line 44, in clause ...").
* ``/source/{document}`` serves a published source document as it was read: HTML with one
  anchored line per line (``#L44``, the numbers are links) or the bytes as ``text/plain``.  The
  name is looked up among the source documents of the current generation, and the file is served
  only while its SHA-256 is the one the build recorded: the request never names a path.
* :func:`on_page` gives a resource page (clause, text, resolution, proposal, finding, source
  document) the findings in its source lines, for ``templates/_findings.html``.

>>> _code(str(concept("finding-kind", "glued-change")))
'glued-change'
>>> _number("http://x/id/finding/pp18-64-add1/160")
160
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...rdf.uris import URIs
from ...rdf.vocab import CONCEPT_BASE, DCTERMS, PROV, RDF, RG, SKOS, concept, concept_codes  # noqa: F401 (concept: the doctest)
from ...settings import Settings
from ...store import query_options
from ...sources import MAX_BYTES, SourceError, decode_source
from .. import caching, dataset, describe as describe_mod, sparql as sparql_mod
from ..negotiation import HTML, Format
from .common import Context, _choose, _plain

JSON = Format("json", "application/json")
CSV = Format("csv", "text/csv")
TEXT = Format("txt", "text/plain")
#: /validation: HTML first (browsers, and "*/*"), then the machine forms of the same list
FINDING_TYPES = (HTML, JSON, CSV)
#: /source/{document}: the numbered page, or the file as it was read
SOURCE_TYPES = (HTML, TEXT)

GROUP_LIMIT = 50      # rows per kind on the page of all kinds (each group links to its whole list)
PAGE_SIZE = 500       # rows per page when one kind is chosen
ON_PAGE_LIMIT = 50    # findings listed on a resource page
PARAMS = ("kind", "source", "format", "page")
# Lines per block of the source page: a browser lays out only the blocks in view
# (CSS content-visibility), so the 19,000 lines of the Final Acts open about as fast as 2,000.
CHUNK_LINES = 200
CSV_COLUMNS = ("finding", "kind", "kind_label", "message", "quote", "source", "line", "line_end", "source_line",
               "about", "concerns", "concerns_is_guess", "within")


def _findings_query(by_source: bool) -> str:
    """One fixed text; ``?kind`` and ``?source`` are bound by ``substitutions=`` when filtered.

    A bound variable filters only in a required pattern (inside OPTIONAL it would not), so the
    source filter uses the text whose ``prov:wasDerivedFrom`` is required.  Every finding has
    exactly one kind (``shapes/resgraph.ttl``, ``rgs:Finding-kind``)."""
    source = (f"?finding <{PROV.wasDerivedFrom}> ?source ." if by_source
              else f"OPTIONAL {{ ?finding <{PROV.wasDerivedFrom}> ?source }}")
    return ("SELECT ?finding ?kind ?message ?quote ?line ?lineEnd ?source ?about WHERE {\n"
            f"  ?finding a <{RG.Finding}> ; <{RG.findingKind}> ?kind .\n"
            f"  {source}\n"
            f"  OPTIONAL {{ ?finding <{RG.message}> ?message }}\n"
            f"  OPTIONAL {{ ?finding <{RG.quote}> ?quote }}\n"
            f"  OPTIONAL {{ ?finding <{RG.lineStart}> ?line }}\n"
            f"  OPTIONAL {{ ?finding <{RG.lineEnd}> ?lineEnd }}\n"
            f"  OPTIONAL {{ ?finding <{RG.about}> ?about }}\n"
            "}")


FINDINGS_QUERY = _findings_query(False)
FINDINGS_BY_SOURCE_QUERY = _findings_query(True)

# The resources a line can be in: parts of a text (narrowest first on a tie) and texts.
_PARTS = {str(RG.Clause): (0, "clause"), str(RG.Annex): (1, "annex"), str(RG.Section): (2, "section")}
_TEXTS = {str(RG.ResolutionText): (0, "text"), str(RG.Proposal): (1, "proposal")}
SPANS_QUERY = (
    "SELECT ?r ?t ?doc ?a ?b WHERE {\n"
    f"  VALUES ?t {{ {' '.join(f'<{t}>' for t in (*_PARTS, *_TEXTS))} }}\n"
    f"  ?r a ?t ; <{RG.lineStart}> ?a ; <{RG.lineEnd}> ?b ; <{PROV.wasDerivedFrom}> ?doc .\n"
    "}")

_N = ox.NamedNode
_TYPE, _SOURCE_DOC, _FINDING = _N(str(RDF.type)), _N(str(RG.SourceDocument)), _N(str(RG.Finding))
_SHA, _FILE, _DEFINITION = _N(str(RG.sha256)), _N(str(DCTERMS.source)), _N(str(SKOS.definition))
_START, _END, _FROM = _N(str(RG.lineStart)), _N(str(RG.lineEnd)), _N(str(PROV.wasDerivedFrom))
_HAS_VERSION = _N(str(DCTERMS.hasVersion))
_KIND_SCHEME = CONCEPT_BASE + "finding-kind/"   # the finding-kind scheme
_lock = threading.Lock()


def _code(kind_iri: str) -> str:
    return kind_iri.rsplit("/", 1)[-1]


def _number(finding_iri: str) -> int:
    tail = finding_iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _int(t) -> int | None:
    try:
        return int(t.value) if t is not None else None
    except ValueError:
        return None


# ------------------------------------------------------------- source files ---

@dataclass
class SourceFile:
    """A published source document and the file that holds it, as the build read it."""

    slug: str
    iri: str
    label: str
    sha256: str
    path: Path | None          # None: no file with the recorded digest was found
    href: str | None = None    # its page (/id/document/...)

    def read(self) -> bytes | None:
        """The file's bytes, or ``None`` when they are no longer those the build read."""
        if self.path is None:
            return None
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == self.sha256 else None


def _find_file(sha256: str, candidates) -> Path | None:
    for p in candidates:
        try:
            p = Path(p)
            if p.is_file() and p.stat().st_size <= MAX_BYTES and hashlib.sha256(p.read_bytes()).hexdigest() == sha256:
                return p
        except (OSError, ValueError):
            continue
    return None


def _source_files(store: ox.Store, meta: dict, settings: Settings) -> dict[str, SourceFile]:
    """The source documents of the generation (``rg:SourceDocument``), each with its file: the
    path the build recorded (the generation's metadata) or, when that is gone, a file of the same
    name under the data folder's ``sources/`` (``RESGRAPH_DATA``) -- in either case only if its
    SHA-256 is the ``rg:sha256`` of the document."""
    prefix = URIs(settings.base).document("")
    recorded = {e.get("slug"): e.get("path") for e in meta.get("sources", []) if isinstance(e, dict)}
    sources_dir = Path(settings.sources_dir)
    out: dict[str, SourceFile] = {}
    for q in store.quads_for_pattern(None, _TYPE, _SOURCE_DOC, None):
        iri = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
        if not iri.startswith(prefix) or iri[len(prefix):] in out:
            continue
        slug = iri[len(prefix):]
        sha = describe_mod.first_literal(store, q.subject, _SHA)
        name = describe_mod.first_literal(store, q.subject, _FILE)
        path = None
        if sha:
            candidates = [recorded[slug]] if recorded.get(slug) else []
            if name and "/" not in name and sources_dir.is_dir():
                candidates += sorted(sources_dir.rglob(name))
            path = _find_file(sha, candidates)
        label = describe_mod.label_of(store, q.subject) or slug
        out[slug] = SourceFile(slug, iri, label, sha or "", path, "/" + iri[len(settings.base):])
    return out


# ------------------------------------------------------------ the findings ---

@dataclass
class Findings:
    """What the pages need about the findings of one generation (worked out once)."""

    rows: list[dict]                                  # every finding, by source, line, number
    by_iri: dict[str, dict]
    kinds: list[dict]                                 # code, iri, label, definition, count
    sources: dict[str, SourceFile]
    source_counts: dict[str, int] = field(default_factory=dict)   # slug -> findings
    lines: dict[str, tuple[list[int], list[dict]]] = field(default_factory=dict)  # doc -> (lines, rows)


def _places(store: ox.Store, wanted: dict[str, list[int]]) -> tuple[dict, dict]:
    """For each (document, line) of ``wanted``: the narrowest part (clause, annex, section) and
    the narrowest text (resolution text, proposal) whose source lines hold it."""
    parts: dict[tuple[str, int], tuple] = {}
    texts: dict[tuple[str, int], tuple] = {}
    for row in store.query(SPANS_QUERY, **query_options(store)):
        lines = wanted.get(row["doc"].value)
        a, b = _int(row["a"]), _int(row["b"])
        if not lines or a is None or b is None:
            continue
        i, j = bisect_left(lines, a), bisect_right(lines, b)
        if i == j:
            continue
        t, uri = row["t"].value, row["r"].value
        table, (rank, what) = (parts, _PARTS[t]) if t in _PARTS else (texts, _TEXTS[t])
        key = (b - a, rank, -len(uri), uri)     # narrowest; on a tie a clause, then the deeper URI
        for line in lines[i:j]:
            cur = table.get((row["doc"].value, line))
            if cur is None or key < cur[0]:
                table[(row["doc"].value, line)] = (key, uri, what)
    return parts, texts


def _load(snap: dataset.Snapshot, settings: Settings) -> Findings:
    store = snap.store
    link = describe_mod.Linker(store, settings)
    sources = _source_files(store, snap.generation.meta or {}, settings)
    by_doc_iri = {s.iri: s for s in sources.values()}
    merged: dict[str, dict] = {}
    for s in store.query(FINDINGS_QUERY, **query_options(store)):
        iri = s["finding"].value
        row = merged.get(iri)
        if row is None:
            kind = s["kind"].value
            source = s["source"].value if isinstance(s["source"], ox.NamedNode) else None
            row = merged[iri] = {
                "finding": iri, "number": _number(iri), "kind": kind, "code": _code(kind),
                "message": s["message"].value if s["message"] is not None else None,
                "quote": s["quote"].value if s["quote"] is not None else None,
                "line": _int(s["line"]), "line_end": _int(s["lineEnd"]), "source": source, "about": []}
        if isinstance(s["about"], ox.NamedNode) and s["about"].value not in row["about"]:
            row["about"].append(s["about"].value)
    rows = sorted(merged.values(), key=lambda r: (r["source"] or "", r["line"] or 0, r["number"], r["finding"]))
    wanted: dict[str, set[int]] = {}
    for r in rows:
        if r["source"] and r["line"] is not None:
            wanted.setdefault(r["source"], set()).add(r["line"])
    parts, texts = _places(store, {d: sorted(v) for d, v in wanted.items()})
    kinds: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for r in rows:
        src = by_doc_iri.get(r["source"]) if r["source"] else None
        r["slug"] = src.slug if src else None
        r["finding_link"] = link.term(_N(r["finding"]))
        r["source_link"] = link.term(_N(r["source"])) if r["source"] else None
        r["source_line"] = (f"/source/{src.slug}#L{r['line']}" if src is not None and src.path is not None
                            and r["line"] is not None else None)
        if src is not None:
            counts[src.slug] = counts.get(src.slug, 0) + 1
        k = kinds.get(r["kind"])
        if k is None:
            term = link.term(_N(r["kind"]))
            k = kinds[r["kind"]] = {"iri": r["kind"], "code": r["code"], "label": term["label"], "href": term["href"],
                                    "definition": describe_mod.first_literal(store, _N(r["kind"]), _DEFINITION),
                                    "count": 0}
        k["count"] += 1
        r["kind_label"] = k["label"]
        # what it concerns: rg:about when it names more than the document, else read from the lines
        about = [a for a in r["about"] if a != r["source"] and a not in by_doc_iri]
        place = parts.get((r["source"], r["line"])) if r["source"] else None
        text = texts.get((r["source"], r["line"])) if r["source"] else None
        if about:
            r["concerns"] = {**link.term(_N(about[0])), "what": None, "guess": False}
        elif place is not None:
            r["concerns"] = {**link.term(_N(place[1])), "what": place[2], "guess": True}
        elif text is not None:
            r["concerns"] = {**link.term(_N(text[1])), "what": text[2], "guess": True}
        else:
            r["concerns"] = None
        r["within"] = ({**link.term(_N(text[1])), "what": text[2]}
                       if text is not None and not about and place is not None else None)
    order = sorted(kinds.values(), key=lambda k: (-k["count"], k["code"]))
    f = Findings(rows, {r["finding"]: r for r in rows}, order, sources, counts)
    for r in rows:
        if r["source"] and r["line"] is not None:
            f.lines.setdefault(r["source"], ([], []))
    for doc, (lines, held) in f.lines.items():
        for r in sorted((r for r in rows if r["source"] == doc and r["line"] is not None),
                        key=lambda r: (r["line"], r["number"])):
            lines.append(r["line"])
            held.append(r)
    return f


def findings(snap: dataset.Snapshot, settings: Settings) -> Findings:
    """The findings of the snapshot's generation, worked out on first use and kept with it."""
    f = snap.cache.get("validation")
    if f is None:
        with _lock:
            f = snap.cache.get("validation")
            if f is None:
                f = snap.cache["validation"] = _load(snap, settings)
    return f


def select(snap: dataset.Snapshot, settings: Settings, kind: str | None, slug: str | None) -> list[dict]:
    """The findings of one kind and/or one source document, in list order.

    The choice is made by the query with ``?kind`` / ``?source`` bound as typed terms; the answer
    (the findings' IRIs) is kept for the generation."""
    f = findings(snap, settings)
    if kind is None and slug is None:
        return f.rows
    key = ("validation", kind, slug)
    chosen = snap.answers.get(key)
    if chosen is None:
        subs = {}
        if kind is not None:
            subs[ox.Variable("kind")] = _N(_KIND_SCHEME + kind)
        if slug is not None:
            subs[ox.Variable("source")] = _N(URIs(settings.base).document(slug))
        query = FINDINGS_BY_SOURCE_QUERY if slug is not None else FINDINGS_QUERY
        chosen = frozenset(s["finding"].value for s in
                           snap.store.query(query, **query_options(snap.store), substitutions=subs))
        snap.answers.put(key, chosen, 120 * len(chosen) + 200)
    return [r for r in f.rows if r["finding"] in chosen]


def on_page(snap: dataset.Snapshot, uri: str, settings: Settings) -> dict | None:
    """The findings a resource page shows: those whose line lies in the resource's source lines
    (for a resolution, its versions' lines; for a source document, all of its findings), and those
    ``rg:about`` it; ``None`` when there is nothing to show."""
    f = findings(snap, settings)
    store = snap.store
    node = _N(uri)
    src = next((s for s in f.sources.values() if s.iri == uri), None)
    spans = []
    if src is not None:
        rows = [r for r in f.rows if r["source"] == uri or uri in r["about"]]
        doc = src
    else:
        own = uri in f.by_iri
        nodes = [node]
        if describe_mod.first_literal(store, node, _START) is None:
            nodes = [q.object for q in store.quads_for_pattern(node, _HAS_VERSION, None, None)
                     if isinstance(q.object, ox.NamedNode)][:50]
        for n in nodes:
            a, b = _int_lit(store, n, _START), _int_lit(store, n, _END)
            d = next((q.object.value for q in store.quads_for_pattern(n, _FROM, None, None)
                      if isinstance(q.object, ox.NamedNode)), None)
            if a is not None and d is not None:
                spans.append((d, a, b if b is not None and b >= a else a))
        seen: set[str] = set()
        rows = []
        if own:   # a finding's page: the finding itself, with what it concerns
            rows = [f.by_iri[uri]]
            seen.add(uri)
            spans = []
        for d, a, b in spans:
            lines, held = f.lines.get(d, ([], []))
            for r in held[bisect_left(lines, a):bisect_right(lines, b)]:
                if r["finding"] not in seen:
                    seen.add(r["finding"])
                    rows.append(r)
        rows += [r for r in f.rows if uri in r["about"] and r["finding"] not in seen]
        doc = None
        if spans:
            doc = next((s for s in f.sources.values() if s.iri == spans[0][0]), None)
    if not rows and not spans:
        return None
    by_kind: dict[str, dict] = {}
    for r in rows:
        k = by_kind.setdefault(r["code"], {"code": r["code"], "label": r["kind_label"], "count": 0})
        k["count"] += 1
    lines = None
    if spans and doc is not None:
        d, a, b = spans[0]
        lines = {"start": a, "end": b, "document": doc.label, "href": (f"/source/{doc.slug}#L{a}" if doc.path else None),
                 "more": len(spans) - 1}
    return {"rows": rows[:ON_PAGE_LIMIT], "count": len(rows), "kinds": sorted(by_kind.values(), key=lambda k: -k["count"]),
            "lines": lines, "is_finding": uri in f.by_iri, "is_document": src is not None,
            "all_href": ("/validation?" + urlencode({"source": doc.slug})) if doc is not None else "/validation"}


def _int_lit(store: ox.Store, node, predicate) -> int | None:
    v = describe_mod.first_literal(store, node, predicate)
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


# ------------------------------------------------------------- the forms ---

def _export_row(r: dict) -> dict:
    c = r["concerns"]
    return {"finding": r["finding"], "kind": r["kind"], "kind_label": r["kind_label"], "message": r["message"],
            "quote": r["quote"], "source": r["source"], "line": r["line"], "line_end": r["line_end"],
            "source_line": r["source_line"], "about": r["about"][0] if r["about"] else None,
            "concerns": c["iri"] if c else None, "concerns_is_guess": bool(c and c["guess"]),
            "within": r["within"]["iri"] if r["within"] else None}


def as_csv(rows: list[dict], root: str) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")   # RFC 4180
    w.writerow(CSV_COLUMNS)
    for r in rows:
        e = _export_row(r)
        e["source_line"] = root + e["source_line"].lstrip("/") if e["source_line"] else None
        w.writerow(["" if e[c] is None else ("true" if e[c] is True else "false" if e[c] is False else e[c])
                    for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


def as_json(rows: list[dict], root: str, *, generation: str, kind: str | None, source: str | None) -> bytes:
    items = []
    for r in rows:
        e = _export_row(r)
        e["source_line"] = root + e["source_line"].lstrip("/") if e["source_line"] else None
        items.append(e)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["code"]] = counts.get(r["code"], 0) + 1
    doc = {"generation": generation, "filter": {"kind": kind, "source": source}, "count": len(rows),
           "kinds": counts, "findings": items}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def numbered_lines(text: str, flags: dict[int, list[dict]] | None = None) -> Markup:
    """The text as HTML, one ``<span class="line" id="L{n}">`` per line of the source (lines split
    at ``\\n`` only, as the readers count them), its number a link to itself; a line with findings
    carries a link to each.

    >>> str(numbered_lines("a<b\\nc"))
    '<div class="chunk"><span class="line" id="L1"><a class="ln" href="#L1">1</a>a&lt;b</span>\\n<span class="line" id="L2"><a class="ln" href="#L2">2</a>c</span></div>'
    """
    flags = flags or {}
    esc = html.escape
    out = []
    for n, line in enumerate(_lines(text), start=1):
        if line.endswith("\r"):
            line = line[:-1]
        extra = ""
        cls = "line"
        held = flags.get(n)
        if held:
            cls = "line flagged"
            extra = "".join(f' <a class="flag" href="{esc(r["finding_link"]["href"] or "")}">{esc(r["kind_label"])}</a>'
                            for r in held)
        if n % CHUNK_LINES == 1 and n > 1:
            out.append('</div><div class="chunk">')
        out.append(f'<span class="{cls}" id="L{n}"><a class="ln" href="#L{n}">{n}</a>{esc(line, quote=False)}{extra}</span>')
    return Markup('<div class="chunk">' + "\n".join(out) + "</div>")


def _query_params(request: Request) -> dict[str, str]:
    pairs = sparql_mod.parse_pairs(request.scope.get("query_string", b""), "URL query string")
    out: dict[str, str] = {}
    for k, v in pairs:
        if k not in PARAMS:
            raise sparql_mod.ProtocolError(400, f"unknown parameter {k[:40]!r}; this page takes: {', '.join(PARAMS)}")
        if k in out:
            raise sparql_mod.ProtocolError(400, f"give {k} once")
        out[k] = v
    return out


def _shown(v: str) -> str:
    return repr(v if len(v) <= 60 else v[:57] + "...")


def routes(ctx: Context) -> list[Route]:
    settings, published, render = ctx.settings, ctx.published, ctx.render

    async def validation(request: Request) -> Response:
        params = _query_params(request)
        fmt = params.get("format") or None
        if fmt is not None and fmt not in ("html", "csv", "json"):
            return _plain(400, f"unknown format {_shown(fmt)}; use html, csv or json (or Accept: text/html, text/csv, "
                               "application/json)")
        chosen = _choose(request, FINDING_TYPES, {"html": HTML, "csv": CSV, "json": JSON}.get(fmt or ""))
        snap = published.get()
        f = await run_in_threadpool(findings, snap, settings)
        kind = params.get("kind") or None
        slug = params.get("source") or None
        if kind is not None and kind not in concept_codes("finding-kind"):
            return _plain(400, f"unknown kind {_shown(kind)}; the kinds of finding are: "
                               + ", ".join(concept_codes("finding-kind")))
        if slug is not None and slug not in f.sources:
            return _plain(400, f"unknown source document {_shown(slug)}; the source documents are: "
                               + ", ".join(sorted(f.sources)))
        try:
            page = int(params.get("page") or 1)
        except ValueError:
            page = 0
        if page < 1 or page > 100_000:
            return _plain(400, f"page must be a whole number from 1; got {_shown(params.get('page', ''))}")
        rows = await run_in_threadpool(select, snap, settings, kind, slug)
        headers = {"Vary": "Accept"}
        root = str(request.base_url)
        if chosen is CSV:
            return Response(as_csv(rows, root), headers={**headers, "Content-Type": CSV.content_type})
        if chosen is JSON:
            body = as_json(rows, root, generation=snap.name, kind=kind, source=slug)
            return Response(body, headers={**headers, "Content-Type": JSON.content_type})

        def href(**change) -> str:
            q = {"kind": kind, "source": slug, **change}
            q = {k: v for k, v in q.items() if v}
            return "/validation" + ("?" + urlencode(q) if q else "")

        groups = []
        per_kind: dict[str, list] = {}
        for r in rows:
            per_kind.setdefault(r["code"], []).append(r)
        pages = 1
        for k in f.kinds:
            held = per_kind.get(k["code"], [])
            if not held:
                continue
            if kind is None:
                shown, more = held[:GROUP_LIMIT], (href(kind=k["code"]) if len(held) > GROUP_LIMIT else None)
            else:
                pages = max(1, -(-len(held) // PAGE_SIZE))
                shown, more = held[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], None
            groups.append({**k, "count": len(held), "rows": shown, "more": more})
        if page > pages:
            return _plain(404, f"there are {pages} page(s) of these findings; no page {page}")
        # the counts per kind follow the source chosen, not the kind chosen (so that one can switch kinds)
        base = rows if kind is None else await run_in_threadpool(select, snap, settings, None, slug)
        shown: dict[str, int] = {}
        for r in base:
            shown[r["code"]] = shown.get(r["code"], 0) + 1
        summary = [{**k, "shown": shown.get(k["code"], 0), "href": href(kind=k["code"])} for k in f.kinds]
        sources = sorted(({"slug": s.slug, "label": s.label, "count": f.source_counts.get(s.slug, 0)}
                          for s in f.sources.values()), key=lambda s: s["label"].lower())
        return render("validation.html", request, headers=headers, groups=groups, summary=summary,
                      total=len(rows), all_total=len(f.rows), kind=kind, slug=slug,
                      kind_label=next((k["label"] for k in f.kinds if k["code"] == kind), kind),
                      source=f.sources.get(slug) if slug else None, sources=sources,
                      all_kinds=concept_codes("finding-kind"), page=page, pages=pages,
                      page_href={n: href(page=str(n)) for n in (page - 1, page + 1)},
                      csv_href=href(format="csv"), json_href=href(format="json"), clear_href=href(kind=None, source=None))

    async def source(request: Request) -> Response:
        name = request.path_params["rest"]
        params = _query_params(request)
        if set(params) - {"format"}:
            return _plain(400, f"unknown parameter {_shown(sorted(set(params) - {'format'})[0])}; this page takes: format")
        fmt = params.get("format") or None
        if fmt is not None and fmt not in ("html", "txt"):
            return _plain(400, f"unknown format {_shown(fmt)}; use html or txt (or Accept: text/html, text/plain)")
        snap = published.get()
        f = await run_in_threadpool(findings, snap, settings)
        src = f.sources.get(name)       # a name, looked up: never a path
        if src is None:
            return _plain(404, f"no published source document named {_shown(name)}; the source documents are: "
                               + ", ".join(sorted(f.sources)))
        chosen = _choose(request, SOURCE_TYPES, {"html": HTML, "txt": TEXT}.get(fmt or ""))
        data = await run_in_threadpool(src.read)
        if data is None:
            return _plain(404, f"the file of source document {src.slug!r} is not here as the build read it "
                               f"(SHA-256 {src.sha256[:16]}...): moved or changed since this generation was built")
        etag = f'"{src.sha256[:32]}-{chosen.name}"'
        headers = {"ETag": etag, "Vary": "Accept", "Link": f'<{src.iri}>; rel="describedby"'}
        if caching.not_modified(request, etag, None):     # a gzipped answer's weak tag matches too
            return caching.not_modified_response(headers)
        if chosen is TEXT:
            return Response(data, headers={**headers, "Content-Type": TEXT.content_type})
        try:
            text = decode_source(src.path, data)
        except SourceError as e:     # the build read it, so this should not happen; say so plainly
            return _plain(500, f"source document {src.slug!r} cannot be shown: {e}")
        flags: dict[int, list[dict]] = {}
        for r in f.rows:
            if r["source"] == src.iri and r["line"] is not None:
                flags.setdefault(r["line"], []).append(r)
        body = await run_in_threadpool(numbered_lines, text, flags)
        return render("source.html", request, headers=headers, src=src, body=body, count=f.source_counts.get(src.slug, 0),
                      lines=len(_lines(text)), size=len(data))

    return [Route("/validation", validation), Route("/source/{rest:path}", source)]
