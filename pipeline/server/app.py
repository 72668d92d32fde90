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
``/doc/…[.ext]``       the description, negotiated or fixed by suffix (``application/json``: the
                       JSON-LD); ``/doc/concept/…`` our concepts (named under w3id.org)
``/context.jsonld``    the JSON-LD context our JSON-LD documents point to
``/ontology[.ext]``    the ontology (Turtle files in ``ontology/``), negotiated; HTML is the
                       pyLODE page ``docs/ontology.html``
``/id/resolution``, ``/id/resolution/{body}``, ``/id/un[/…]``, ``/id/proposal``, ``/id/document``
                       browse lists (:mod:`.views.browse`), HTML and RDF, 303 like any resource
``/search?q=…``        full-text search with facets, HTML and JSON (:mod:`.views.search`)
``/compare/…``         a resolution's timeline and the inline diff of two of its texts
``/validation``        findings (``rg:Finding``) by kind, filterable, CSV and JSON
``/source/{slug}``     a published source document, line by line (``#L44``), or as text
``/.well-known/void``  VoID
``/dumps/resgraph.nq.gz``  gzipped N-Quads of the current generation
=====================  =====================================================================
"""
from __future__ import annotations

import logging
import os
from http import HTTPStatus
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import store as store_mod
from ..publish.errors import RemoteError
from ..rdf.uris import URIs
from ..settings import Settings
from ..rdf.vocab import PREFIXES, RG
from . import dataset, sparql as sparql_mod, views
from .views.common import _plain, _server_root
from .middleware import BodyLimit, BodyTooLarge, CORS, Compress, CompressedStatic, HtmlErrors
from .worker import QueryPool

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
                 worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB, endpoint: str | None = None,
                 endpoint_kind: str = "auto", endpoint_check: float = 5.0):
        self.workers, self.timeout, self.row_limit, self.max_body = workers, timeout, row_limit, max_body
        # serve --endpoint: read a remote SPARQL store (pipeline.server.remote) instead of the local one
        self.endpoint, self.endpoint_kind, self.endpoint_check = endpoint, endpoint_kind, endpoint_check
        self.worker_memory_mb = max(0, worker_memory_mb)
        self.sparql_cache, self.sparql_cache_bytes = max(0, sparql_cache), max(0, sparql_cache_bytes)
        if answer_entries is None:
            try:
                answer_entries = int(os.environ.get("RESGRAPH_ANSWER_CACHE", DEFAULT_ANSWER_ENTRIES))
            except ValueError:
                answer_entries = DEFAULT_ANSWER_ENTRIES
        self.answer_entries = max(0, answer_entries)


_UNSEEN = object()


def _jinja() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def _local(settings: Settings, config: Config, **caches):
    return settings, dataset.Published(settings, **caches)


def _endpoint(settings: Settings, config: Config, **caches):
    """A remote store; what the server keeps on disk (the search index) goes to a folder of its own."""
    import hashlib
    import tempfile

    from . import remote

    kind = remote.resolve_kind(config.endpoint, config.endpoint_kind, timeout=config.timeout)
    # pages read the store with many small queries: their HTTP time limit is not /sparql's (--timeout)
    store = remote.RemoteStore(config.endpoint, kind=kind, timeout=max(30.0, config.timeout))
    key = hashlib.sha256(f"{config.endpoint}\x1f{settings.base}".encode()).hexdigest()[:16]
    settings = settings.with_(store_dir=Path(tempfile.gettempdir()) / f"resgraph-endpoint-{key}")
    return settings, remote.RemotePublished(settings, store, worker_timeout=config.timeout + 5,
                                            interval=config.endpoint_check, **caches)


#: Where the server reads the published dataset: the local store (``resgraph build``), or a
#: remote SPARQL store that ``resgraph publish`` filled (``serve --endpoint``, :mod:`.remote`).
SOURCES = {"local": _local, "endpoint": _endpoint}


def create_app(settings: Settings, config: Config | None = None) -> Starlette:
    """Build the application. The store must have a published generation before it starts."""
    config = config or Config()
    uris = URIs(settings.base)
    settings, published = SOURCES["endpoint" if config.endpoint else "local"](
        settings, config, answer_entries=config.answer_entries, answer_bytes=DEFAULT_ANSWER_BYTES,
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

    ctx = views.Context(settings, config, uris, published, pool, render)

    # -- errors -------------------------------------------------------------------
    async def protocol_error(request: Request, exc: sparql_mod.ProtocolError) -> Response:
        return _plain(exc.status, exc.message, exc.headers)

    async def store_error(request: Request, exc: store_mod.StoreError) -> Response:
        return _plain(503, str(exc))

    async def remote_error(request: Request, exc: RemoteError) -> Response:
        return _plain(getattr(exc, "http_status", 502), f"the SPARQL store behind this server failed: {exc}")

    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _plain(413, str(exc))

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _plain(exc.status_code, exc.detail or "error", getattr(exc, "headers", None))

    def error_page(scope, status: int, message: str) -> bytes:
        """The HTML form of a plain-text error, for browsers (:class:`.middleware.HtmlErrors`)."""
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        if not message or message == reason:  # Starlette's own 404/405 say only the reason
            path = scope.get("path", "")
            message = f"There is no page at {path}." if status == 404 else f"{reason}: {scope.get('method', '')} {path}"
        return env.get_template("error.html").render(
            request_root=_server_root(Request(scope)), settings=settings, nav=True, status=status, reason=reason,
            message=message).encode("utf-8")

    routes = [route for view in views.VIEWS for route in view.routes(ctx)]
    routes.append(Mount("/static", CompressedStatic(directory=str(HERE / "static")), name="static"))
    app = Starlette(
        routes=routes, lifespan=lifespan,
        exception_handlers={sparql_mod.ProtocolError: protocol_error, store_mod.StoreError: store_error,
                            BodyTooLarge: too_large, HTTPException: http_error, RemoteError: remote_error},
    )
    # outermost last: CORS → gzip → HTML errors → body limit → routes
    app.add_middleware(BodyLimit, max_body=config.max_body)
    app.add_middleware(HtmlErrors, render=error_page)
    app.add_middleware(Compress)
    app.add_middleware(CORS)
    app.state.pool = pool
    app.state.published = published
    app.state.config = config
    return app


example_queries = views.pages.example_queries

__all__ = ["create_app", "Config", "example_queries"]
