"""uvicorn's httptools protocol, with each response sent in one write.

uvicorn writes the status line and headers with one ``transport.write`` and the body with
another.  With ``TCP_NODELAY`` (which we need, see :func:`.command._bind`) each write is a
``send`` system call and a TCP segment of its own; on loopback the kernel does the
receiver's work in the sender's call, and py-spy showed these two writes taking about a
third of the server's CPU time when dereferencing a resource.  Here the writes made in one
step of the event loop are joined and handed to the transport at the end of that step:
the bytes on the wire are the same, in the same order, only in fewer segments.

Large writes (a dump being streamed, a big SPARQL result) go straight through, after
whatever is held.

The protocol also bounds what a client can make the server hold before the application
sees a request (httptools itself has no limit): a request line and headers together longer
than :data:`MAX_HEAD` bytes are answered ``431 Request Header Fields Too Large`` as soon as
that many bytes have arrived, and a URL longer than :data:`MAX_URL` with ``414 URI Too
Long`` (httptools cannot split longer URLs; uvicorn said "400 Invalid HTTP request").
Either way the server stops sending, reads and drops what the client is still sending for
up to :data:`LINGER` seconds, and closes: closing at once, with unread bytes, resets the
connection, and a client still sending can lose the answer.
"""
from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Held writes larger than this are flushed at once (a response this large is dominated
# by copying, not by the number of system calls).
MAX_HELD = 256 * 1024
MAX_URL = 65_535  # httptools.parse_url keeps offsets in 16 bits
MAX_HEAD = 256 * 1024
LINGER = 2.0

_REASONS = {414: b"URI Too Long", 431: b"Request Header Fields Too Large"}


class CoalescingTransport:
    """A transport proxy that holds ``write`` data until the end of the loop step."""

    __slots__ = ("_transport", "_loop", "_held", "_size")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None
        self._size = 0

    def write(self, data: bytes) -> None:
        if len(data) >= MAX_HELD:  # not worth a copy: what is held goes first, then this
            self._flush()
            self._transport.write(data)
            return
        if self._held is None:
            self._held = [data]
            self._size = len(data)
            self._loop.call_soon(self._flush)
            return
        self._held.append(data)
        self._size += len(data)
        if self._size >= MAX_HELD:
            self._flush()

    def writelines(self, chunks) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _flush(self) -> None:
        held, self._held = self._held, None
        if not held:
            return
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + (self._size if self._held else 0)

    def __getattr__(self, name):
        return getattr(self._transport, name)


class _UrlTooLong(Exception):
    pass


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` writing through :class:`CoalescingTransport`, with head limits."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_bytes = 0
        self._in_body = False
        self._url_too_long = False
        self._refused = False
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        if self._refused or self.transport.is_closing():
            return
        if not self._in_body:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD:
                self._refuse(431, f"the request line and headers are longer than {MAX_HEAD} bytes")
                return
        super().data_received(data)

    def on_url(self, url: bytes) -> None:
        if len(self.url) + len(url) > MAX_URL:
            self._url_too_long = True
            raise _UrlTooLong()  # httptools stops parsing; uvicorn calls send_400_response
        super().on_url(url)

    def on_headers_complete(self) -> None:
        self._in_body = True
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if self._url_too_long:
            self._refuse(414, f"the URL is longer than {MAX_URL} bytes; send a long SPARQL query with POST")
        else:
            super().send_400_response(msg)

    def _refuse(self, status: int, msg: str) -> None:
        body = (msg + "\n").encode("ascii")
        head = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head.append(b"content-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
                    b"access-control-allow-origin: *\r\nconnection: close\r\n\r\n" % len(body))
        self.transport.write(b"".join(head) + body)
        self._refused = True
        try:
            self.transport.write_eof()
        except (NotImplementedError, OSError, RuntimeError):
            self.transport.close()
            return
        self.loop.call_later(LINGER, self.transport.close)


__all__ = ["CoalescingHttpToolsProtocol", "CoalescingTransport"]
