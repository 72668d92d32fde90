"""``/sparql``: the SPARQL 1.1 Protocol, query only, bounded, with an answer cache per generation."""
from __future__ import annotations


from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import dataset, sparql as sparql_mod
from ..negotiation import HTML, RDF_TYPES
from ..void import service_description
from .common import (CACHE_BYPASS, CACHE_HIT, CACHE_MISS, TRUNCATED_MARKER, Context, _Prepared, _choose, _plain,
                     _rdflib_response, _server_root, run_job)


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



def routes(ctx: Context) -> list[Route]:
    config, published = ctx.config, ctx.published

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
        reply = await run_job(ctx, job)
        if isinstance(reply, Response):
            return reply
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
        if status == "unavailable":  # serve --endpoint: the remote store failed
            return _plain(reply[2], f"the SPARQL store behind this server failed: {reply[1]}")
        return _plain(500, f"query failed: {reply[1]}")

    return [Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])]
