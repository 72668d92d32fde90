"""``/search``: full-text search over titles and clause texts, with facets (issue 18 item 2).

    /search?q=gender&kind=proposed&body=pp&verb=instructs&addressee=member-states&year=2018&page=2
    /search?q=gender&format=json          (or Accept: application/json)

People get a page: the hits with their highlighted words, each linking to the clause's page
and to the text it belongs to, the facet counts as links that add or remove a filter, and
pages of 20.  Machines get the same as JSON.  The index is :mod:`pipeline.search` (SQLite
FTS5, one file per store generation, built on first use); what the user types is read by
:func:`pipeline.search.parse_query`, never handed to SQL or SPARQL as text.

Bad input gets an answer or a message, never a 500: an empty query shows the box; a query
of only punctuation says so; a query over 500 characters, an unknown parameter (the message
lists the valid ones), a repeated facet, a page that is not a positive number → 400; no
index (it could not be built) → 503 "search index unavailable", while the rest of the
server keeps answering.
"""
from __future__ import annotations

import json
import sqlite3
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ... import search as search_mod
from ...search.extract import FACETS, KIND_LABELS
from ...search.index import MAX_PAGE, MAX_QUERY_CHARS, PAGE_SIZE
from .. import sparql as sparql_mod
from ..negotiation import HTML, Format
from .common import Context, _choose

JSON = Format("json", "application/json")
OFFERS = (HTML, JSON)
PARAMS = ("q", "page", "format", *FACETS)
FACET_NAMES = {"kind": "Kind of text", "body": "Body", "year": "Year", "verb": "Section verb", "addressee": "Addressee"}
MAX_FACET_VALUE = 100


class BadSearch(ValueError):
    """A request the search cannot answer as asked (400, with the reason)."""


def _read_params(pairs: list[tuple[str, str]]) -> tuple[str, dict[str, str], int]:
    seen: dict[str, str] = {}
    for k, v in pairs:
        if k not in PARAMS:
            raise BadSearch(f"unknown parameter {k!r}; /search takes: {', '.join(PARAMS)}")
        if k in seen and k != "q":
            raise BadSearch(f"{k!r} is given more than once; give one value (one value per facet)")
        seen[k] = v if k not in seen else seen[k] + " " + v
    q = seen.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadSearch(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}")
    filters = {}
    for name in FACETS:
        v = seen.get(name, "").strip()
        if len(v) > MAX_FACET_VALUE:
            raise BadSearch(f"the value of {name!r} is longer than {MAX_FACET_VALUE} characters")
        if v:
            filters[name] = v
    raw_page = seen.get("page", "").strip() or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
        raise BadSearch(f"page must be a whole number from 1 to {MAX_PAGE}, not {raw_page[:40]!r}")
    return q, filters, int(raw_page)


def _url(q: str, filters: dict[str, str], page: int = 1, **change) -> str:
    """The /search URL for ``q`` and ``filters`` with ``change`` applied (a value of None removes a facet)."""
    f = dict(filters)
    for k, v in change.items():
        if v is None:
            f.pop(k, None)
        else:
            f[k] = v
    params = [("q", q)] if q else []
    params += [(k, f[k]) for k in FACETS if k in f]
    if page > 1:
        params.append(("page", str(page)))
    return "/search" + ("?" + urlencode(params) if params else "")


def routes(ctx: Context) -> list[Route]:
    settings, published, uris, render = ctx.settings, ctx.published, ctx.uris, ctx.render

    def doc_href(uri: str) -> str | None:
        """The page of one of our resources (``/doc/…``: a human page, no 303 round trip)."""
        if not uris.is_ours(uri):
            return None
        return "/doc/" + quote(uris.id_path(uri), safe="/:@!$&'()*+,;=-._~")

    def error(request: Request, fmt: Format, status: int, message: str, **page) -> Response:
        if fmt is JSON:
            return Response(json.dumps({"error": message}, ensure_ascii=False), status_code=status,
                            media_type="application/json")
        return render("search.html", request, status=status, error=message, q=page.get("q", ""),
                      filters=page.get("filters", {}), results=None, facet_names=FACET_NAMES,
                      max_query=MAX_QUERY_CHARS, remove_links=[])

    async def search(request: Request) -> Response:
        # undecodable bytes in the URL: ProtocolError, answered 400 by the application
        pairs = sparql_mod.parse_pairs(request.scope.get("query_string", b""), "URL query string")
        fmt_param = next((v for k, v in pairs if k == "format"), None)
        fmt = _choose(request, OFFERS, {"json": JSON, "html": HTML}.get(fmt_param or "", None))
        if fmt_param is not None and fmt_param not in ("json", "html"):
            return error(request, fmt, 400, f"unknown format {fmt_param[:40]!r}; use format=json, or none for HTML")
        try:
            q, filters, page = _read_params(pairs)
        except BadSearch as e:
            typed = next((v for k, v in pairs if k == "q"), "")
            return error(request, fmt, 400, str(e), q=typed[:MAX_QUERY_CHARS])
        try:
            parsed = search_mod.parse_query(q)
        except search_mod.QueryError as e:
            return error(request, fmt, 400, str(e), q=q, filters=filters)
        snap = published.get()
        try:
            index = await run_in_threadpool(search_mod.ensure_index, settings.store_dir, snap.name, snap.store)
        except search_mod.IndexUnavailable as e:
            return Response(f"search index unavailable: {e}\n", status_code=503, media_type="text/plain",
                            headers={"Retry-After": str(int(search_mod.RETRY_AFTER))})
        try:
            results = await run_in_threadpool(index.search, parsed, filters, page=page)
            labels = await run_in_threadpool(index.facet_labels)
        except search_mod.QueryError as e:
            return error(request, fmt, 400, str(e), q=q, filters=filters)
        except sqlite3.Error as e:  # the file went away under us (its generation was removed)
            return Response(f"search index unavailable: {e}\n", status_code=503, media_type="text/plain",
                            headers={"Retry-After": "2"})

        def label(facet: str, value: str) -> str:
            if not value:
                return "none" if facet == "verb" else "unknown"
            return labels.get((facet, value)) or (KIND_LABELS.get(value, value) if facet == "kind" else value)

        pages = max(1, -(-results.total // PAGE_SIZE))
        hits = [{
            "uri": h.uri, "label": h.label, "href": doc_href(h.uri), "field": h.field,
            "text": h.text_uri, "text_label": h.text_label, "text_href": doc_href(h.text_uri),
            "resolution": h.resolution_uri,
            "kind": h.kind, "body": h.body, "year": h.year, "verb": h.verb, "addressees": h.addressees,
            "snippet": h.snippet_text,
            "segments": h.snippet,
            "facet_labels": {"kind": label("kind", h.kind), "body": label("body", h.body),
                             "verb": label("verb", h.verb) if h.verb else None},
        } for h in results.hits]
        facets = {}
        for name in FACETS:
            facets[name] = [{
                "value": f["value"], "label": label(name, f["value"]), "count": f["count"],
                "selected": filters.get(name) == f["value"],
                "href": _url(q, filters, **{name: None if filters.get(name) == f["value"] else f["value"]}),
            } for f in results.facets.get(name, []) if f["value"]]
        if fmt is JSON:
            body = {
                "query": q, "understood": parsed.words, "filters": filters, "generation": snap.name,
                "total": results.total, "page": page, "page_size": PAGE_SIZE, "pages": pages,
                "results": [{k: v for k, v in h.items() if k not in ("segments", "facet_labels")} for h in hits],
                "facets": {name: [{k: f[k] for k in ("value", "label", "count", "selected")} for f in fs]
                           for name, fs in facets.items()},
            }
            return Response(json.dumps(body, ensure_ascii=False), media_type="application/json",
                            headers={"Vary": "Accept"})
        remove_links = [{"facet": FACET_NAMES[k], "label": label(k, v), "href": _url(q, filters, **{k: None})}
                        for k, v in filters.items()]
        paging = {
            "prev": _url(q, filters, page - 1) if page > 1 else None,
            "next": _url(q, filters, page + 1) if page < pages else None,
            "numbers": [(n, _url(q, filters, n)) for n in range(max(1, page - 4), min(pages, page + 4) + 1)],
        }
        return render("search.html", request, q=q, filters=filters, results=results, hits=hits, facets=facets,
                      facet_names=FACET_NAMES, page=page, pages=pages, paging=paging, parsed=parsed,
                      remove_links=remove_links, max_query=MAX_QUERY_CHARS, error=None,
                      first=(page - 1) * PAGE_SIZE + 1, headers={"Vary": "Accept"})

    return [Route("/search", search)]
