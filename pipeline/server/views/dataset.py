"""The dataset as a whole: VoID at ``/.well-known/void``, the gzipped N-Quads dump."""
from __future__ import annotations


from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .. import dataset
from ..negotiation import RDF_TYPES
from ..void import void_description
from .common import Context, _choose, _plain, _rdflib_response, _server_root


def routes(ctx: Context) -> list[Route]:
    settings, published = ctx.settings, ctx.published

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
        if not published.local:
            return _plain(404, "no dump here: this server reads a remote SPARQL store (serve --endpoint); "
                               "take the dump where the data was built (`resgraph export`), or from that store")
        snap = published.get()
        path = await run_in_threadpool(dataset.ensure_dump, settings, snap)
        return FileResponse(path, media_type="application/gzip", filename="resgraph.nq.gz",
                            headers={"X-Resgraph-Generation": snap.name})

    return [Route("/.well-known/void", void), Route("/dumps/resgraph.nq.gz", dump)]
