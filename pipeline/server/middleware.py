"""Small ASGI middlewares: CORS for a read-only service, a request body limit, compression,
and HTML error pages for browsers.

CORS: every route is read-only, so every response carries ``Access-Control-Allow-Origin: *``
(never with credentials: a wildcard with credentials is what rdflib-endpoint gets wrong), also
when the request has no ``Origin`` (caches must not store a variant without it).  A preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered here with 204.  Starlette's
``CORSMiddleware`` only adds the header when ``Origin`` is present, hence our own.

Body limit: a POST larger than ``max_body`` bytes is refused with 413 before it is read into
memory (complaint #3: memory blow-ups when loading through HTTP).

Compression: Starlette's ``GZipMiddleware`` (bodies from 1 kB, streams compressed as they go,
``Vary: Accept-Encoding``; ``application/gzip`` — the dump — and images are left alone), plus
one thing it lacks: a strong ``ETag`` is weakened (``W/"…"``) on a body it compressed, since
the gzipped bytes are another representation (RFC 9110 §8.8.1).  Level 6: on the 1 MB YASGUI
script it costs a third of level 9's time for 1–2 % more bytes.

HTML errors: the server answers errors with one line of plain text (what scripts and curl
want, and what the tests read).  A browser — an ``Accept`` that prefers ``text/html`` to
``text/plain`` — gets that line inside a small page instead (``templates/error.html``), with
the same status and headers.
"""
from __future__ import annotations

from typing import Callable

import gzip
from functools import lru_cache

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .negotiation import BadAccept, Format, negotiate

EXPOSE = "Link, Vary, Content-Location, X-Resgraph-Truncated, X-Resgraph-Row-Limit, X-Cache, Content-Disposition"
ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = "Accept, Accept-Language, Content-Type, Cache-Control, X-Requested-With"


class CORS:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                (b"access-control-max-age", b"86400"),
                (b"content-length", b"0"),
            ]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                h = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"access-control-allow-origin"]
                h.append((b"access-control-allow-origin", b"*"))
                h.append((b"access-control-expose-headers", EXPOSE.encode()))
                h.append((b"x-content-type-options", b"nosniff"))
                message = dict(message, headers=h)
            await send(message)

        await self.app(scope, receive, send_with_cors)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers") or []:
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    await _plain(send, 400, "bad Content-Length header")
                    return
                if n > self.max_body:
                    await _plain(send, 413, f"request body larger than {self.max_body} bytes")
                    return
        seen = 0
        limit = self.max_body

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(f"request body larger than {limit} bytes")
            return message

        await self.app(scope, limited, send)


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Compress:
    """gzip for every compressible answer (see the module docstring)."""

    def __init__(self, app: ASGIApp, minimum_size: int = 1024, compresslevel: int = 6):
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_weakened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                tag = headers.get("etag")
                if tag and headers.get("content-encoding") == "gzip" and not tag.startswith("W/"):
                    headers["etag"] = "W/" + tag
            await send(message)

        await self.gzip(scope, receive, send_weakened)


def _compressible(media_type: str) -> bool:
    media_type = media_type.split(";")[0].strip().lower()
    return (media_type.startswith("text/") or media_type.endswith(("+json", "+xml"))
            or media_type in ("application/javascript", "application/json", "application/xml", "image/svg+xml"))


@lru_cache(maxsize=32)
def _gzipped_file(path: str, mtime_ns: int, size: int) -> bytes:
    with open(path, "rb") as fh:
        return gzip.compress(fh.read(), compresslevel=9, mtime=0)


class CompressedStatic(StaticFiles):
    """Static files, gzipped once and kept (by path, size and time): the 1 MB YASGUI script
    costs ~45 ms to gzip, so it is not done per request.  Range requests get the file as is."""

    MAX_SIZE = 8 * 1024 * 1024

    def file_response(self, full_path, stat_result, scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        request = Headers(scope=scope)
        if (response.status_code != 200 or "gzip" not in request.get("accept-encoding", "") or "range" in request
                or not 1024 <= stat_result.st_size <= self.MAX_SIZE
                or not _compressible(response.headers.get("content-type", ""))):
            return response
        body = _gzipped_file(str(full_path), stat_result.st_mtime_ns, stat_result.st_size)
        headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "etag")}
        headers.update({"ETag": "W/" + response.headers["etag"], "Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return Response(body, headers=headers)


_PLAIN = Format("plain", "text/plain")
_HTML = Format("html", "text/html", None, ("application/xhtml+xml",))
_ERROR_PAGE_OFFERS = (_PLAIN, _HTML)
MAX_ERROR_TEXT = 64 * 1024


def wants_html(scope: Scope) -> bool:
    """Whether the request's ``Accept`` prefers HTML to plain text (a browser's does; ``*/*``,
    none, or one that does not parse does not)."""
    for k, v in scope.get("headers") or []:
        if k == b"accept":
            try:
                return negotiate(v.decode("latin-1"), _ERROR_PAGE_OFFERS) is _HTML
            except BadAccept:
                return False
    return False


class HtmlErrors:
    """Plain-text errors → an HTML page for browsers (see the module docstring).

    ``render(scope, status, message)`` returns the page's bytes.  Only answers of status 400 or
    more whose type is ``text/plain`` are rewritten; everything else passes untouched.
    """

    def __init__(self, app: ASGIApp, render: Callable[[Scope, int, str], bytes]):
        self.app = app
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not wants_html(scope):
            async def send_vary(message: Message) -> None:
                # the error's form depends on Accept: a cache must not give this one to a browser
                if message["type"] == "http.response.start" and message["status"] >= 400:
                    headers = MutableHeaders(raw=message.setdefault("headers", []))
                    if headers.get("content-type", "").startswith("text/plain"):
                        headers.add_vary_header("Accept")
                await send(message)

            await self.app(scope, receive, send_vary)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def send_page(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                if message["status"] >= 400 and headers.get("content-type", "").startswith("text/plain"):
                    start = message  # held until the body is complete
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body = message.get("body", b"")
            size += len(body)
            if size <= MAX_ERROR_TEXT:
                chunks.append(body)
            if message.get("more_body", False):
                return
            status = start["status"]
            text = b"".join(chunks).decode("utf-8", "replace").strip()
            page = self.render(scope, status, text)
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            headers["content-type"] = "text/html; charset=utf-8"
            headers["content-length"] = str(len(page))
            headers.add_vary_header("Accept")
            await send({"type": "http.response.start", "status": status, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else page})

        await self.app(scope, receive, send_page)
