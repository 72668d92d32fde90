"""What every view shares: the context a view is built with (settings, limits, the published
dataset, the query pool, the page renderer), small responses, negotiation, and one query runner."""
from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from ...rdf.terms import to_ox
from ...rdf.uris import URIs
from ...rdf.vocab import RG
from ...settings import Settings
from .. import dataset, sparql as sparql_mod
from ..negotiation import BadAccept, Format, negotiate, supported_list
from ..worker import PoolBusy, QueryPool, QueryTimeout, WorkerCrashed
from ...export import serialise

TRUNCATED_MARKER = str(RG.truncatedResult)  # label only, never dereferenced


@dataclass
class Context:
    """What the views of one application share (made once by :func:`pipeline.server.app.create_app`)."""

    settings: Settings
    config: object                 # pipeline.server.app.Config
    uris: URIs
    published: dataset.Published
    pool: QueryPool
    render: Callable[..., HTMLResponse]


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


def doc_headers(uri: str, stem: str, fmt: Format, fixed: Format | None, offers) -> dict[str, str]:
    """The headers of a ``/doc/{stem}`` answer in ``fmt``: the other formats ``offers`` holds as
    alternates and the resource's URI as canonical (``Link``); when the format was negotiated (not
    ``fixed`` by a suffix), ``Vary: Accept`` and the ``Content-Location`` of the fixed-format URL."""
    doc_path = "/doc/" + stem
    headers = {"Link": ", ".join(
        [f'<{doc_path}{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in offers if f is not fmt]
        + [f'<{uri}>; rel="canonical"']),
    }
    if fixed is None:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = doc_path + fmt.suffix
    return headers


def _server_root(request: Request) -> str:
    return str(request.base_url)


def _crashed(e: WorkerCrashed, config) -> Response:
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
    body = serialise(triples, fmt.name, context_url=context_url)
    return Response(body, headers={"Content-Type": fmt.content_type})




async def run_job(ctx: Context, job: dict, *, what: str = "query") -> tuple | Response:
    """Run one query job in the worker pool: its reply, or the response that says why there is none
    (time limit, every worker busy, a worker that died) — the same for ``/sparql`` and the canned
    questions."""
    try:
        return await ctx.pool.run(job)
    except QueryTimeout:
        return _plain(503, f"{what} stopped: it ran longer than the time limit of {ctx.config.timeout:g} s. "
                           "Narrow the patterns or add LIMIT.")
    except PoolBusy:
        return _plain(503, "all query workers are busy; try again shortly", {"Retry-After": "2"})
    except WorkerCrashed as e:
        return _crashed(e, ctx.config)
