"""The Starlette application behind ``resgraph serve`` (ARCHITECTURE.md, "HTTP").

Routes are thin: each one reads the request, asks :mod:`.describe`, :mod:`.sparql`,
:mod:`.dataset` or :mod:`.void` for the answer, and picks a representation with
:func:`.negotiation.negotiate`.

=====================  =====================================================================
``/``                  home page: counts, example questions, links
``/query``             query editor (vendored YASGUI, works offline) and the canned questions of
                       ``queries/`` (``/query?name=cites&target=…&run=1``; ``&format=csv|tsv|json``)
``/sparql``            SPARQL 1.1 Protocol, query only; service description without a query
``/id/…``              303 See Other → ``/doc/…`` (404 if the URI appears nowhere)
``/doc/…[.ext]``       the description, negotiated or fixed by suffix
``/context.jsonld``    the JSON-LD context our JSON-LD documents point to
``/ontology[.ext]``    the ontology (Turtle files in ``ontology/``), negotiated; HTML is the
                       pyLODE page ``docs/ontology.html``
``/validation``        findings (``rg:Finding``) published with the graph
``/.well-known/void``  VoID
``/dumps/resgraph.nq.gz``  gzipped N-Quads of the current generation
=====================  =====================================================================
"""
from __future__ import annotations

import logging
import os
import signal
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlencode

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import store as store_mod
from ..rdf.uris import URIs
from ..settings import Settings
from ..rdf.vocab import PREFIXES, RG, ontology_graph
from . import canned as canned_mod, dataset, describe as describe_mod, sparql as sparql_mod
from .middleware import BodyLimit, BodyTooLarge, CORS
from .negotiation import (BY_SUFFIX, HTML, JSONLD, RDF_TYPES, RESOURCE_TYPES, BadAccept, Format, negotiate,
                          supported_list)
from .void import service_description, void_description
from .worker import PoolBusy, QueryPool, QueryTimeout, WorkerCrashed
from ..rdf.terms import to_ox

log = logging.getLogger("resgraph.server")
HERE = Path(__file__).resolve().parent
TRUNCATED_MARKER = str(RG.truncatedResult)  # label only, never dereferenced

DEFAULT_TIMEOUT = 10.0
DEFAULT_ROW_LIMIT = 10_000
DEFAULT_MAX_BODY = 1_000_000
DEFAULT_WORKER_MEMORY_MB = 2048
DEFAULT_ANSWER_ENTRIES = 20_000
DEFAULT_ANSWER_BYTES = 64 * 1024 * 1024
DEFAULT_SPARQL_CACHE = 1000
DEFAULT_SPARQL_CACHE_BYTES = 64 * 1024 * 1024
SPARQL_CACHE_ENTRY_BYTES = 8 * 1024 * 1024


class Config:
    """Server limits; one object so that tests and the CLI set them the same way.

    ``answer_entries`` bounds how many answers worked out from the current generation are
    kept (which URI a ``/doc/`` path names, serialised descriptions; also at most
    ``DEFAULT_ANSWER_BYTES``); 0 turns keeping them off.  The default can be set with
    ``RESGRAPH_ANSWER_CACHE`` (``bench/http_vs_virtuoso.py`` uses 0 to time descriptions
    read from the store every time).

    ``sparql_cache`` bounds how many ``/sparql`` answers are kept per generation (and
    ``sparql_cache_bytes`` their total size; one answer larger than 8 MB is never kept);
    0 turns the SPARQL answer cache off (``resgraph serve --sparql-cache 0``).
    """

    def __init__(self, *, workers: int = 2, timeout: float = DEFAULT_TIMEOUT, row_limit: int = DEFAULT_ROW_LIMIT,
                 max_body: int = DEFAULT_MAX_BODY, answer_entries: int | None = None,
                 sparql_cache: int = DEFAULT_SPARQL_CACHE, sparql_cache_bytes: int = DEFAULT_SPARQL_CACHE_BYTES,
                 worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB):
        self.workers, self.timeout, self.row_limit, self.max_body = workers, timeout, row_limit, max_body
        self.worker_memory_mb = max(0, worker_memory_mb)
        self.sparql_cache, self.sparql_cache_bytes = max(0, sparql_cache), max(0, sparql_cache_bytes)
        if answer_entries is None:
            try:
                answer_entries = int(os.environ.get("RESGRAPH_ANSWER_CACHE", DEFAULT_ANSWER_ENTRIES))
            except ValueError:
                answer_entries = DEFAULT_ANSWER_ENTRIES
        self.answer_entries = max(0, answer_entries)


_UNSEEN = object()


class _Prepared(Response):
    """A 200 response whose header block was encoded once (kept per generation)."""

    def __init__(self, raw_headers: list[tuple[bytes, bytes]], body: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()):
        self.status_code = 200
        self.background = None
        self.body = body
        self.raw_headers = [*raw_headers, *extra]


CACHE_HIT = ((b"x-cache", b"hit"),)
CACHE_MISS = {"X-Cache": "miss"}
CACHE_BYPASS = {"X-Cache": "bypass"}


def sparql_cache_key(req: "sparql_mod.QueryRequest", endpoint: str, formats: dict, row_limit: int) -> tuple:
    """What a ``/sparql`` answer depends on, besides the generation (whose snapshot holds the cache).

    The query text with the white space around it removed (inside, white space may be
    part of a string: the text is otherwise kept as sent), the endpoint URL (the base IRI of
    relative IRIs in the query), the protocol's dataset parameters in the order given, the
    format chosen for each kind of result (two ``Accept`` headers that choose the same
    formats share an entry; ones that choose different formats do not) and the row limit.
    """
    return (req.query.strip(), endpoint, tuple(req.default_graph_uri), tuple(req.named_graph_uri),
            formats["solutions"], formats["boolean"], formats["graph"], row_limit)


def _jinja() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def _plain(status: int, text: str, headers: dict | None = None) -> PlainTextResponse:
    return PlainTextResponse(text.rstrip("\n") + "\n", status_code=status, headers=headers)


def _choose(request: Request, offers, fixed: Format | None = None) -> Format:
    if fixed is not None:
        return fixed
    try:
        fmt = negotiate(request.headers.get("accept"), offers)
    except BadAccept as e:
        raise sparql_mod.ProtocolError(400, str(e)) from None
    if fmt is None:
        raise sparql_mod.ProtocolError(406, f"not acceptable; supported media types: {supported_list(offers)}")
    return fmt


def _server_root(request: Request) -> str:
    return str(request.base_url)


# -------------------------------------------------------------- examples ---

def example_queries(base: str) -> list[tuple[str, str]]:
    """Questions shown on the home page (fixed text; IRIs from settings and the closed vocab)."""
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rg", "eli", "cito", "dcterms", "prov"))
    target = f"<{base}id/un/A/RES/70/1>"
    return [
        ("Which clauses cite UN General Assembly resolution A/RES/70/1 (the 2030 Agenda)?",
         prologue + "SELECT ?resolution ?number ?title ?clause ?label WHERE {\n"
         f"  ?clause a rg:Clause ; cito:cites {target} ; eli:number ?label .\n"
         "  ?version eli:has_part+ ?clause .\n  ?resolution dcterms:hasVersion ?version .\n"
         "  OPTIONAL { ?resolution dcterms:identifier ?number }\n  OPTIONAL { ?resolution dcterms:title ?title }\n"
         "} ORDER BY ?number ?label"),
        ("Resolutions and their versions",
         prologue + "SELECT ?resolution ?number ?title ?version WHERE {\n  ?resolution a rg:Resolution ; dcterms:hasVersion ?version .\n"
         "  OPTIONAL { ?resolution dcterms:identifier ?number }\n  OPTIONAL { ?resolution dcterms:title ?title }\n} ORDER BY ?number"),
        ("What do resolutions cite most?",
         prologue + "SELECT ?cited (COUNT(DISTINCT ?clause) AS ?clauses) WHERE {\n  ?clause a rg:Clause ; cito:cites ?cited .\n"
         "} GROUP BY ?cited ORDER BY DESC(?clauses) LIMIT 20"),
        ("Proposals and what they do",
         prologue + "SELECT ?proposal ?action ?target WHERE {\n  ?proposal a rg:Proposal .\n"
         "  OPTIONAL { ?proposal rg:action ?action }\n  OPTIONAL { ?proposal rg:concerns ?target }\n} ORDER BY ?proposal"),
        ("Findings a librarian should check",
         prologue + "SELECT ?finding ?message ?quote ?line WHERE {\n  ?finding a rg:Finding ; rg:message ?message .\n"
         "  OPTIONAL { ?finding rg:quote ?quote }\n  OPTIONAL { ?finding rg:lineStart ?line }\n} ORDER BY ?finding"),
    ]


FINDINGS_QUERY = (
    "SELECT ?finding ?kind ?kindLabel ?message ?quote ?line ?source ?about WHERE {\n"
    f"  ?finding a <{RG.Finding}> .\n"
    f"  OPTIONAL {{ ?finding <{RG.message}> ?message }}\n"
    f"  OPTIONAL {{ ?finding <{RG.quote}> ?quote }}\n"
    f"  OPTIONAL {{ ?finding <{RG.lineStart}> ?line }}\n"
    f"  OPTIONAL {{ ?finding <{RG.findingKind}> ?kind OPTIONAL {{ ?kind <http://www.w3.org/2004/02/skos/core#prefLabel> ?kindLabel }} }}\n"
    "  OPTIONAL { ?finding <http://www.w3.org/ns/prov#wasDerivedFrom> ?source }\n"
    f"  OPTIONAL {{ ?finding <{RG.about}> ?about }}\n"
    "} ORDER BY ?source ?line ?finding LIMIT 5000"
)


# ------------------------------------------------------------------- app ---

def create_app(settings: Settings, config: Config | None = None) -> Starlette:
    """Build the application. The store must have a published generation before it starts."""
    config = config or Config()
    uris = URIs(settings.base)
    published = dataset.Published(settings, answer_entries=config.answer_entries, answer_bytes=DEFAULT_ANSWER_BYTES,
                                  sparql_entries=config.sparql_cache, sparql_bytes=config.sparql_cache_bytes,
                                  sparql_entry_bytes=SPARQL_CACHE_ENTRY_BYTES)
    pool = QueryPool(size=config.workers, timeout=config.timeout, prefixes=dict(PREFIXES),
                     memory_mb=config.worker_memory_mb)
    env = _jinja()

    @asynccontextmanager
    async def lifespan(app):
        snap = published.get()  # StoreError if nothing is published: the CLI checks first
        await pool.start(snap.path)
        try:
            yield
        finally:
            await pool.close()

    def render(name: str, request: Request, status: int = 200, headers: dict | None = None, **ctx) -> HTMLResponse:
        ctx.setdefault("nav", True)
        html = env.get_template(name).render(request_root=_server_root(request), settings=settings, **ctx)
        return HTMLResponse(html, status_code=status, headers=headers)

    # -- /sparql --------------------------------------------------------------
    async def sparql(request: Request) -> Response:
        scope = request.scope
        snap = published.get()
        cache = snap.sparql_answers if config.sparql_cache else None
        raw_key = None
        if cache is not None and scope["method"] in ("GET", "HEAD"):
            # A GET is decided by its URL (query and dataset), its Host (the base IRI) and its
            # Accept header: the same bytes again are the same request, and the answer kept
            # for it is found without parsing anything (the common case under load).
            headers = request.headers
            raw_key = ("raw", snap.name, scope.get("query_string", b""), scope.get("scheme"), headers.get("host"),
                       scope.get("root_path", ""), scope["path"], headers.get("accept"))
            key = snap.sparql_aliases.get(raw_key)
            kept = cache.get(key) if key is not None else None
            if kept is not None:
                return _Prepared(*kept, CACHE_HIT)
        body = await request.body() if request.method == "POST" else b""
        req = sparql_mod.read_request(request.method, scope.get("query_string", b""),
                                      request.headers.get("content-type"), body)
        endpoint = str(request.url.replace(query="", fragment=""))
        if req.no_parameters:
            fmt = _choose(request, (*RDF_TYPES, HTML))
            if fmt is HTML:
                return RedirectResponse("/query", status_code=303, headers={"Vary": "Accept"})
            stats = await run_in_threadpool(dataset.statistics, snap)
            g = service_description(endpoint, stats, timeout=config.timeout, row_limit=config.row_limit)
            return _rdflib_response(g, fmt, context_url=_server_root(request) + "context.jsonld")
        formats = sparql_mod.result_formats(request.headers.get("accept"))
        # The answer cache (see sparql_cache_key): looked up before anything else is done,
        # since only answers that were worked out in full are kept (never an error, a
        # timeout, a truncated answer, or a query using RAND/NOW/UUID/STRUUID/BNODE).
        key = None
        if cache is not None and sparql_mod.cacheable(req.query):
            key = (snap.name, *sparql_cache_key(req, endpoint, formats, config.row_limit))
            kept = cache.get(key)
            if kept is not None:
                if raw_key is not None:
                    snap.sparql_aliases.put(raw_key, key, 2 * len(raw_key[2]) + len(key[1]) + 500)
                return _Prepared(*kept, CACHE_HIT)
        low = req.query.lower()
        if "service" in low or "from" in low:
            inspection = await run_in_threadpool(sparql_mod.inspect, req.query)
        else:
            inspection = sparql_mod.Inspection(False, False, False)
        if inspection.service:
            raise sparql_mod.ProtocolError(400, "SERVICE is not allowed: this endpoint does not query other endpoints "
                                                "(federated queries would let anyone make the server fetch URLs)")
        dataset_given = bool(req.default_graph_uri or req.named_graph_uri)
        job = {
            "path": snap.path, "query": req.query, "base_iri": endpoint,
            "union": not (dataset_given or inspection.dataset_clause),
            "default_graph": req.default_graph_uri if dataset_given else None,
            "named_graphs": req.named_graph_uri if dataset_given else None,
            "formats": formats, "row_limit": config.row_limit, "marker": TRUNCATED_MARKER,
        }
        try:
            reply = await pool.run(job)
        except QueryTimeout:
            return _plain(503, f"query stopped: it ran longer than the time limit of {config.timeout:g} s. "
                               "Narrow the patterns or add LIMIT.")
        except PoolBusy:
            return _plain(503, "all query workers are busy; try again shortly", {"Retry-After": "2"})
        except WorkerCrashed as e:
            return _crashed(e, config)
        status = reply[0]
        if status == "ok":
            _, kind, fmt_name, payload, truncated, rows = reply
            fmt = sparql_mod.format_by_name(kind, fmt_name)
            headers = {"Vary": "Accept", "X-Resgraph-Row-Limit": str(config.row_limit), "Content-Type": fmt.content_type}
            if truncated:
                headers["X-Resgraph-Truncated"] = "true"
            resp = Response(payload, media_type=None, headers=headers)
            if key is not None and not truncated:
                kept = (list(resp.raw_headers), payload)
                cache.put(key, kept, len(payload) + len(key[1]) + 500)
                if raw_key is not None:  # the same answer, found by the request's bytes
                    snap.sparql_aliases.put(raw_key, key, 2 * len(raw_key[2]) + len(key[1]) + 500)
            resp.headers.update(CACHE_MISS if key is not None else CACHE_BYPASS)
            return resp
        if status == "not_acceptable":
            raise sparql_mod.not_acceptable(reply[1])
        if status == "too_many":
            return _plain(422, f"the result has more than {config.row_limit} rows and {reply[2].upper()} cannot label a "
                               "truncation: add LIMIT, or ask for SPARQL JSON/XML results (truncated and labelled).",
                          {"X-Resgraph-Row-Limit": str(config.row_limit)})
        if status == "syntax":
            if await run_in_threadpool(sparql_mod.is_update, req.query):
                raise sparql_mod.ProtocolError(403, sparql_mod.READ_ONLY)
            return _plain(400, f"SPARQL syntax error: {reply[1]}")
        return _plain(500, f"query failed: {reply[1]}")

    # -- linked data ------------------------------------------------------------
    def _rest(request: Request, prefix: str) -> str:
        raw = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
        path = raw.decode("latin-1")
        return path[len(prefix):] if path.startswith(prefix) else ""

    def _lookup(store: ox.Store, rest: str, probe=describe_mod.exists) -> tuple[str, str, Format | None] | None:
        """(uri, rest without suffix, fixed format) for the first candidate that exists.

        ``probe(store, uri)`` says whether a URI exists (``/doc/`` passes one that describes
        the resource at the same time, so that a first request reads the store once)."""
        if not rest or len(rest) > 2000:
            return None
        candidates: list[tuple[str, Format | None]] = []
        for suffix, fmt in BY_SUFFIX.items():
            if rest.endswith(suffix) and len(rest) > len(suffix):
                candidates.append((rest[: -len(suffix)], fmt))
        candidates.append((rest, None))
        for r, fmt in candidates:
            variants = [r]
            decoded = unquote(r)
            if decoded != r:
                variants.append(decoded)
            for v in variants:
                uri = uris.from_id_path(v)
                try:
                    if probe(store, uri):
                        return uri, r, fmt
                except ValueError:  # not an IRI pyoxigraph accepts: unknown
                    continue
        return None

    def _resolve(snap: dataset.Snapshot, rest: str, probe=describe_mod.exists) -> tuple[str, str, Format | None] | None:
        """:func:`_lookup`, remembered for the generation (unknown paths too: they stay unknown)."""
        key = ("path", rest)
        found = snap.answers.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = _lookup(snap.store, rest, probe)
            snap.answers.put(key, found, 2 * len(rest) + 200)
        return found

    async def id_redirect(request: Request) -> Response:
        rest = _rest(request, "/id/")
        snap = published.get()
        if _resolve(snap, rest) is None:
            return _plain(404, f"no resource {uris.from_id_path(rest)}")
        return RedirectResponse("/doc/" + rest, status_code=303, headers={"Vary": "Accept"})

    def _doc_headers(uri: str, stem: str, fmt: Format, fixed: Format | None) -> dict[str, str]:
        doc_path = "/doc/" + stem
        headers = {"Link": ", ".join(
            [f'<{doc_path}{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in RESOURCE_TYPES if f is not fmt]
            + [f'<{uri}>; rel="canonical"']),
        }
        if fixed is None:
            headers["Vary"] = "Accept"
            headers["Content-Location"] = doc_path + fmt.suffix
        return headers

    async def doc(request: Request) -> Response:
        rest = _rest(request, "/doc/")
        snap = published.get()
        described: dict[str, describe_mod.Description] = {}

        def probe(store: ox.Store, uri: str) -> bool:
            d = described[uri] = describe_mod.describe(store, uri)
            return d.exists

        found = _resolve(snap, rest, probe)
        if found is None:
            return _plain(404, f"no resource {uris.from_id_path(rest)}")
        uri, stem, fixed = found
        fmt = _choose(request, RESOURCE_TYPES, fixed)
        if fmt is HTML:
            return await run_in_threadpool(_resource_page, request, snap, uri, stem, _doc_headers(uri, stem, fmt, fixed),
                                           described.get(uri))
        # The document depends on the generation, the path and the format only (and, for
        # JSON-LD, on the server root its @context points to): worked out once per generation.
        root = _server_root(request) if fmt is JSONLD else ""
        key = ("doc", rest, fmt.name, root)
        prepared = snap.answers.get(key)
        if prepared is None:
            d = described.get(uri) or describe_mod.describe(snap.store, uri)
            body = describe_mod.serialise(d.rdf_triples(), fmt, context_url=root + "context.jsonld")
            prepared = Response(body, headers={**_doc_headers(uri, stem, fmt, fixed), "Content-Type": fmt.content_type}).raw_headers, body
            snap.answers.put(key, prepared, len(body) + 1000)
        return _Prepared(*prepared)

    def _resource_page(request, snap, uri, stem, headers, d=None) -> HTMLResponse:
        d = d or describe_mod.describe(snap.store, uri)
        ctx = describe_mod.page_context(snap.store, d, settings)
        formats = [{"label": f.name if f.name != "rdfxml" else "RDF/XML", "media_type": f.media_type,
                    "href": "/doc/" + stem + f.suffix} for f in RESOURCE_TYPES if f is not HTML]
        return render("resource.html", request, headers=headers, r=ctx, formats=formats,
                      uri_href=describe_mod.Linker(snap.store, settings).href(uri))

    async def context(request: Request) -> Response:
        return Response(describe_mod.context_document(), media_type="application/ld+json")

    # -- pages ------------------------------------------------------------------
    async def home(request: Request) -> Response:
        snap = published.get()
        stats = await run_in_threadpool(dataset.statistics, snap)
        examples = [{"question": q, "href": "/query?" + urlencode({"query": text})}
                    for q, text in example_queries(settings.base)]
        return render("home.html", request, stats=stats, examples=examples, generation=snap.generation,
                      config=config)

    async def query_page(request: Request) -> Response:
        # a URL that does not decode (bytes that are not UTF-8) is the client's error: 400,
        # not the default page
        params = sparql_mod.parse_pairs(request.scope.get("query_string", b""), "URL query string")
        name = next((v for k, v in params if k == "name"), None)
        if name is not None:
            return await canned_query(request, name, params)
        q = next((v for k, v in params if k == "query"), None) or example_queries(settings.base)[1][1]
        run = any(k == "run" for k, _ in params)
        return render("query.html", request, query=q, run=run, endpoint=_server_root(request) + "sparql",
                      config=config, questions=canned_mod.catalogue(settings), form=None)

    async def canned_query(request: Request, name: str, params: list[tuple[str, str]]) -> Response:
        """A canned question of queries/: its form, and its answer when asked (run=1 or format=…)."""
        fmt = next((v for k, v in params if k == "format"), None)
        if fmt is not None and fmt not in canned_mod.FORMATS:
            return _plain(400, f"unknown format {fmt!r}; use one of: {', '.join(canned_mod.FORMATS)} (or none for HTML)")
        questions = canned_mod.catalogue(settings)
        try:
            form, bindings = await run_in_threadpool(canned_mod.prepare, settings, name, params)
        except KeyError:
            names = ", ".join(q.name for q in questions)
            if fmt:
                return _plain(404, f"no canned query named {name!r}; the questions are: {names}")
            return render("query.html", request, status=404, query=None, run=False,
                          endpoint=_server_root(request) + "sparql", config=config, questions=questions, form=None,
                          missing=name)
        ask = fmt is not None or any(k == "run" for k, _ in params)
        if form.error:
            if fmt:
                return _plain(400, form.error)
            return render("query.html", request, status=400 if ask else 200, query=None, run=False,
                          endpoint=_server_root(request) + "sparql", config=config, questions=questions, form=form)
        if ask:
            snap = published.get()
            job = {"path": snap.path, "query": form.sparql, "base_iri": None, "union": True,
                   "default_graph": None, "named_graphs": None,
                   "formats": {"solutions": canned_mod.FORMATS[fmt][0] if fmt else "json"},
                   "row_limit": config.row_limit, "marker": TRUNCATED_MARKER}
            # the bound text of a canned question is kept like a /sparql answer (same cache,
            # same rules: only complete answers of deterministic queries, per generation)
            cache = snap.sparql_answers if config.sparql_cache else None
            key = None
            reply = None
            if cache is not None and sparql_mod.cacheable(form.sparql):
                key = ("canned", snap.name, form.sparql, job["formats"]["solutions"], config.row_limit)
                reply = cache.get(key)
            cache_state = "bypass" if key is None else "hit" if reply is not None else "miss"
            try:
                if reply is None:
                    reply = await pool.run(job)
                    if key is not None and reply[0] == "ok" and not reply[4]:
                        cache.put(key, reply, len(reply[3]) + len(form.sparql) + 500)
            except QueryTimeout:
                return _plain(503, f"query stopped: it ran longer than the time limit of {config.timeout:g} s")
            except PoolBusy:
                return _plain(503, "all query workers are busy; try again shortly", {"Retry-After": "2"})
            except WorkerCrashed as e:
                return _crashed(e, config)
            if reply[0] == "too_many":
                return _plain(422, f"the answer has more than {config.row_limit} rows; CSV and TSV cannot label a "
                                   "truncation: ask for format=json (truncated and labelled)")
            if reply[0] != "ok":
                return _plain(500, f"query failed: {reply[1]}")
            _, _kind, _fmt_name, payload, truncated, _n = reply
            if fmt:
                headers = {"X-Resgraph-Row-Limit": str(config.row_limit), "X-Cache": cache_state}
                if truncated:
                    headers["X-Resgraph-Truncated"] = "true"
                return Response(payload, headers={**headers, "Content-Type": canned_mod.FORMATS[fmt][1]})
            variables, rows, form.truncated = canned_mod.read_json_results(payload)
            form.variables = variables
            form.rows = [[canned_mod.cell(t, settings.base) for t in row] for row in rows]
            form.ran = True
        return render("query.html", request, query=None, run=False, endpoint=_server_root(request) + "sparql",
                      config=config, questions=questions, form=form)

    async def validation(request: Request) -> Response:
        snap = published.get()

        def load():
            link = describe_mod.Linker(snap.store, settings)
            rows = []
            for s in snap.store.query(FINDINGS_QUERY, use_default_graph_as_union=True):
                def v(name):
                    t = s[name]
                    return t.value if t is not None else None
                rows.append({
                    "finding": link.term(s["finding"]),
                    "kind": v("kindLabel") or (link.short(v("kind")) if v("kind") else None),
                    "message": v("message"), "quote": v("quote"), "line": v("line"),
                    "source": link.term(s["source"]) if s["source"] is not None else None,
                    "about": link.term(s["about"]) if s["about"] is not None else None,
                })
            return rows

        rows = await run_in_threadpool(load)
        return render("validation.html", request, findings=rows)

    async def ontology(request: Request) -> Response:
        path = request.url.path
        fixed = None
        for suffix, f in BY_SUFFIX.items():
            if path == "/ontology" + suffix:
                fixed = f
        fmt = _choose(request, RESOURCE_TYPES, fixed)
        headers = {"Link": ", ".join(f'</ontology{f.suffix}>; rel="alternate"; type="{f.media_type}"'
                                     for f in RESOURCE_TYPES if f is not fmt)}
        if fixed is None:
            headers["Vary"] = "Accept"
        if fmt is HTML:
            page = _ontology_html(str(settings.ontology_dir))
            if page is not None:  # docs/ontology.html, the checked-in pyLODE page
                return HTMLResponse(page, headers=headers)
            return render("ontology.html", request, headers=headers, **_ontology_page(str(settings.ontology_dir)))
        triples = _ontology_triples(str(settings.ontology_dir))
        body = describe_mod.serialise(triples, fmt, context_url=_server_root(request) + "context.jsonld")
        return Response(body, headers={**headers, "Content-Type": fmt.content_type})

    async def void(request: Request) -> Response:
        snap = published.get()
        fmt = _choose(request, RDF_TYPES)
        stats = await run_in_threadpool(dataset.statistics, snap)
        g = void_description(base=settings.base, server=_server_root(request), stats=stats,
                             generation=snap.generation.meta)
        resp = _rdflib_response(g, fmt, context_url=_server_root(request) + "context.jsonld")
        resp.headers["Vary"] = "Accept"
        return resp

    async def dump(request: Request) -> Response:
        snap = published.get()
        path = await run_in_threadpool(dataset.ensure_dump, settings, snap)
        return FileResponse(path, media_type="application/gzip", filename="resgraph.nq.gz",
                            headers={"X-Resgraph-Generation": snap.name})

    # -- errors -------------------------------------------------------------------
    async def protocol_error(request: Request, exc: sparql_mod.ProtocolError) -> Response:
        return _plain(exc.status, exc.message, exc.headers)

    async def store_error(request: Request, exc: store_mod.StoreError) -> Response:
        return _plain(503, str(exc))

    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _plain(413, str(exc))

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _plain(exc.status_code, exc.detail or "error", getattr(exc, "headers", None))

    routes = [
        Route("/", home),
        Route("/query", query_page),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/id/{rest:path}", id_redirect),
        Route("/doc/{rest:path}", doc),
        Route("/context.jsonld", context),
        Route("/ontology", ontology),
        *[Route(f"/ontology{s}", ontology) for s in BY_SUFFIX],
        Route("/validation", validation),
        Route("/.well-known/void", void),
        Route("/dumps/resgraph.nq.gz", dump),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan,
        exception_handlers={sparql_mod.ProtocolError: protocol_error, store_mod.StoreError: store_error,
                            BodyTooLarge: too_large, HTTPException: http_error},
    )
    app.add_middleware(BodyLimit, max_body=config.max_body)
    app.add_middleware(CORS)
    app.state.pool = pool
    app.state.published = published
    app.state.config = config
    return app


def _crashed(e: WorkerCrashed, config: Config) -> Response:
    """The worker running the query died: the query is what made it (a new worker is started).

    Answered like the time limit (503 and what to do), not as a server error: the usual
    cause is the memory limit of the worker (an allocation fails and the process aborts).
    """
    if e.code == -signal.SIGABRT and config.worker_memory_mb:
        why = f"it needed more memory than the limit of {config.worker_memory_mb} MB per query worker"
    elif e.code is not None and e.code < 0:
        why = f"the query worker stopped with signal {-e.code} while running it"
    else:
        why = "the query worker stopped while running it"
    return _plain(503, f"query stopped: {why}. Narrow the patterns, avoid sorting or grouping very large "
                       "intermediate results, or add LIMIT.")


def _rdflib_response(g, fmt: Format, *, context_url: str) -> Response:
    """Serialise a small rdflib graph (service description, VoID) through the same writers."""
    triples = [ox.Triple(*(to_ox(t) for t in spo)) for spo in g]
    body = describe_mod.serialise(triples, fmt, context_url=context_url)
    return Response(body, headers={"Content-Type": fmt.content_type})


@lru_cache(maxsize=2)
def _ontology_triples(ontology_dir: str) -> list[ox.Triple]:
    g = ontology_graph(Path(ontology_dir))
    return [ox.Triple(*(to_ox(t) for t in spo)) for spo in g]


@lru_cache(maxsize=2)
def _ontology_html(ontology_dir: str) -> str | None:
    """The pyLODE page of the ontology (``docs/ontology.html`` beside ``ontology/``, made by
    ``docs/make_ontology_html.py``); ``None`` without one, and the template page is served."""
    path = Path(ontology_dir).parent / "docs" / "ontology.html"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@lru_cache(maxsize=2)
def _ontology_page(ontology_dir: str) -> dict:
    from rdflib.namespace import OWL, RDF, RDFS, SKOS
    from rdflib import URIRef

    g = ontology_graph(Path(ontology_dir))

    def entries(kind):
        out = []
        for s in sorted(set(g.subjects(RDF.type, kind)), key=str):
            if not isinstance(s, URIRef):
                continue
            out.append({"iri": str(s), "curie": describe_mod._curie(str(s), PREFIXES),
                        "label": str(g.value(s, RDFS.label) or g.value(s, SKOS.prefLabel) or ""),
                        "definition": str(g.value(s, SKOS.definition) or g.value(s, RDFS.comment) or ""),
                        "parents": [describe_mod._curie(str(o), PREFIXES) for o in g.objects(s, RDFS.subClassOf)
                                    if isinstance(o, URIRef)]})
        return out

    return {"classes": entries(OWL.Class), "object_properties": entries(OWL.ObjectProperty),
            "datatype_properties": entries(OWL.DatatypeProperty), "schemes": entries(SKOS.ConceptScheme)}


__all__ = ["create_app", "Config", "example_queries"]
