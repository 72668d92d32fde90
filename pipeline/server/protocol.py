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
"""
from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Held writes larger than this are flushed at once (a response this large is dominated
# by copying, not by the number of system calls).
MAX_HELD = 256 * 1024


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


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` writing through :class:`CoalescingTransport`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]


__all__ = ["CoalescingHttpToolsProtocol", "CoalescingTransport"]
