"""Linked data: ``/id/…`` → 303 → ``/doc/…``, negotiated or fixed by suffix; the JSON-LD context.

Every ``/doc/…`` answer and the context carry validators (:mod:`..caching`): ``ETag`` from the
generation, the path, the format and the server root, ``Last-Modified`` the generation's
publication; a client that revalidates gets 304 without the description being made."""
from __future__ import annotations

import hashlib
import time
from urllib.parse import unquote

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import caching, dataset, describe as describe_mod, reading as reading_mod, schema_org
from ..negotiation import BY_SUFFIX, DOCUMENT_TYPES, HTML, JSON, NON_TEXT_TYPES, RESOURCE_TYPES, Format
from . import validation
from .common import Context, _Prepared, _choose, _plain, _server_root, doc_headers
from ...export import document, serialise
from ...export.akn_graph import is_text
from ...export.rdf import context_document

NO_CACHE = {"Cache-Control": "no-cache"}  # keep it, but ask again (a cheap 304) before reusing it

_UNSEEN = object()
# how the download buttons name the formats
FORMAT_LABELS = {"turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples", "rdfxml": "RDF/XML",
                 "akn": "Akoma Ntoso XML"}
_STARTED = caching.http_date(time.time())  # the context is made by this process


def routes(ctx: Context) -> list[Route]:
    settings, published, uris, render = ctx.settings, ctx.published, ctx.uris, ctx.render

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
                # a path under /doc/concept/ names one of our concepts (describe.w3id_path)
                for uri in (uris.from_id_path(v), describe_mod.concept_iri(v)):
                    try:
                        if uri is not None and probe(store, uri):
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

    def _doc_headers(uri: str, stem: str, fmt: Format, fixed: Format | None, offers=RESOURCE_TYPES) -> dict[str, str]:
        return doc_headers(uri, stem, fmt, fixed, offers)

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
        # a text (adopted, draft, UN resolution) is also offered as a document of its own (Akoma Ntoso)
        offers = RESOURCE_TYPES if is_text(snap.store, uri) else NON_TEXT_TYPES
        if fixed is not None and fixed not in offers:
            return _plain(404, f"{uri} is not a text: no {fixed.media_type} document")
        fmt = _choose(request, offers, fixed)
        # The answer depends on the generation, the path and the format only (and on the server
        # root that links and the JSON-LD @context point to): so do its validators.
        root = _server_root(request)
        valid = caching.validators(caching.etag(snap.name, rest, fmt.media_type, root),
                                   caching.http_date(snap.generation.meta.get("published_at")))
        if caching.not_modified(request, valid["ETag"], valid.get("Last-Modified")):
            return caching.not_modified_response({**_doc_headers(uri, stem, fmt, fixed, offers), **valid, **NO_CACHE})
        if fmt is HTML:
            # the page too depends on the generation, the path and the server root only: rendered
            # once per generation (the reading view of Res 71 and the cited-by of A/RES/70/1 take
            # a few hundred ms to work out)
            key = ("page", rest, root)
            prepared = snap.answers.get(key)
            if prepared is None:
                page = await run_in_threadpool(_resource_page, request, snap, uri, stem,
                                               {**_doc_headers(uri, stem, fmt, fixed, offers), **valid, **NO_CACHE},
                                               described.get(uri))
                prepared = page.raw_headers, page.body
                snap.answers.put(key, prepared, len(page.body) + 1000)
            return _Prepared(*prepared)
        # worked out once per generation
        root = root if fmt.name == "jsonld" else ""
        key = ("doc", rest, fmt.media_type, root)
        prepared = snap.answers.get(key)
        if prepared is None:
            if fmt in DOCUMENT_TYPES:
                body = await run_in_threadpool(document, snap.store, uri, fmt.name)
            else:
                d = described.get(uri) or describe_mod.describe(snap.store, uri)
                body = serialise(d.rdf_triples(), fmt.name, context_url=root + "context.jsonld")
            prepared = Response(body, headers={**_doc_headers(uri, stem, fmt, fixed, offers), **valid, **NO_CACHE,
                                               "Content-Type": fmt.content_type}).raw_headers, body
            snap.answers.put(key, prepared, len(body) + 1000)
        return _Prepared(*prepared)

    def _resource_page(request, snap, uri, stem, headers, d=None) -> HTMLResponse:
        d = d or describe_mod.describe(snap.store, uri)
        ctx = describe_mod.page_context(snap.store, d, settings)
        ctx["findings"] = validation.on_page(snap, uri, settings)
        formats = [{"label": FORMAT_LABELS.get(f.name, f.name), "media_type": f.media_type,
                    "href": "/doc/" + stem + f.suffix} for f in RESOURCE_TYPES
                   if f is not HTML and f is not JSON and (f not in DOCUMENT_TYPES or is_text(snap.store, uri))]
        root = _server_root(request)

        def page_url(iri: str) -> str | None:
            """This server's /doc page of ``iri`` (absolute), if it serves one."""
            if uris.is_ours(iri):
                return root + "doc/" + uris.id_path(iri)
            local = describe_mod.w3id_path(iri)
            return root + local[1:] if local and local.startswith("/doc/") else None

        schema = schema_org.script_json(schema_org.legislation(snap.store, uri, page_url)) if is_text(snap.store, uri) else None
        link = describe_mod.Linker(snap.store, settings)
        return render("resource.html", request, headers=headers, r=ctx, formats=formats,
                      uri_href=link.href(uri), x=reading_mod.page_extras(snap, uri, link),
                      canonical=page_url(uri), schema_org=schema)

    async def context(request: Request) -> Response:
        body = context_document()
        valid = caching.validators(caching.etag("context", hashlib.sha256(body).hexdigest()), _STARTED)
        if caching.not_modified(request, valid["ETag"], valid.get("Last-Modified")):
            return caching.not_modified_response({**valid, **NO_CACHE})
        return Response(body, media_type="application/ld+json", headers={**valid, **NO_CACHE})

    return [Route("/id/{rest:path}", id_redirect), Route("/doc/{rest:path}", doc), Route("/context.jsonld", context)]
