"""Two small ASGI middlewares: CORS for a read-only service, and a request body limit.

CORS: every route is read-only, so every response carries ``Access-Control-Allow-Origin: *``
(never with credentials: a wildcard with credentials is what rdflib-endpoint gets wrong), also
when the request has no ``Origin`` (caches must not store a variant without it).  A preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered here with 204.  Starlette's
``CORSMiddleware`` only adds the header when ``Origin`` is present, hence our own.

Body limit: a POST larger than ``max_body`` bytes is refused with 413 before it is read into
memory (complaint #3: memory blow-ups when loading through HTTP).
"""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
