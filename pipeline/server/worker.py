"""Query worker processes: where a SPARQL query runs, so that it can be stopped.

pyoxigraph has no query timeout in its Python API and a running query cannot be
interrupted from another thread (Oxigraph #1336: a timeout that does not cancel the work
is the most common complaint about endpoints).  So every query runs in a separate *process*
that already holds the store open read-only; when the time limit passes, the parent kills
that process (SIGKILL: the work really stops) and starts a fresh one.  Pre-started workers
keep the fast path fast: a query costs one round trip over a socket pair, not a process
start.

The child is ``python -m pipeline.server.worker FD`` (not ``multiprocessing``): it imports
only pyoxigraph and the standard library, and never re-imports the parent's ``__main__``.

The child also *serialises* the result, with the row limit applied while it iterates, so
the expensive part is always inside the killable process.  Messages are pickled objects, each
sent as an 8-byte big-endian length and the pickle, over a Unix socket pair.  The parent
reads replies with the event loop's own stream reader (no thread hand-off per query: a
profile of one ``/sparql`` request showed the thread-pool wake-ups and the blocking
``Connection`` calls costing more than the round trip itself); the child uses plain blocking
sockets.

Request (a dict): ``path`` (the generation directory), ``query``, ``base_iri``, ``union``,
``default_graph`` / ``named_graphs`` (lists of IRIs or ``None``), ``formats`` (format name
per result kind, ``None`` when the client accepts none), ``row_limit``, ``marker`` (the IRI
that labels a truncated result).

Replies: ``("ok", kind, format, body, truncated, rows)``, ``("not_acceptable", kind)``,
``("too_many", kind, format)``, ``("syntax", message)``, ``("error", message)``.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass

log = logging.getLogger("resgraph.server")

from .term_json import _term_encoder
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# --------------------------------------------------------------- framing ---

_HEADER = struct.Struct("!Q")
_JOIN_BELOW = 1 << 20  # smaller messages go out in one send (one wake-up of the reader)


def _frame(obj) -> tuple[bytes, bytes]:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)), data


def send_msg(sock: socket.socket, obj) -> None:
    """Send one message on a blocking socket."""
    header, data = _frame(obj)
    if len(data) < _JOIN_BELOW:
        sock.sendall(header + data)
    else:
        sock.sendall(header)
        sock.sendall(data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise EOFError("the other end closed the connection")
        got += k
    return bytes(buf)


def recv_msg(sock: socket.socket):
    """Receive one message on a blocking socket (``EOFError`` when the other end is gone)."""
    (n,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return pickle.loads(_recv_exact(sock, n))


# ------------------------------------------------------------------ child ---

class _Child:
    """The loop inside a worker process."""

    def __init__(self, conn: socket.socket | None, prefixes: dict[str, str]):
        import pyoxigraph as ox

        self.ox = ox
        self.conn = conn
        self.prefixes = prefixes
        self.path: str | None = None
        self.store = None
        self.results_formats = {
            "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
        }
        self.encode = _term_encoder()
        self.rdf_formats = {
            "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
        }

    def open(self, path: str):
        if path != self.path:
            self.store = None  # drop the old generation first
            if path.startswith("resgraph-endpoint:"):  # serve --endpoint: a remote store (.remote)
                from .remote import open_spec
                self.store = open_spec(path)
            else:
                self.store = self.ox.Store.read_only(path)
            self.path = path
        return self.store

    def serve(self) -> None:
        while True:
            try:
                req = recv_msg(self.conn)
            except (EOFError, OSError):
                return
            try:
                if req.get("op") == "ping":
                    if req.get("path"):
                        self.open(req["path"])
                    reply = ("pong", os.getpid())
                else:
                    reply = self.run(req)
            except SyntaxError as e:
                reply = ("syntax", str(e))
            except Exception as e:  # reported to the client as a 500 with the message
                if getattr(e, "unavailable", False):  # the remote store of serve --endpoint: 502
                    reply = ("unavailable", str(e), getattr(e, "http_status", 502))
                else:
                    reply = ("error", f"{type(e).__name__}: {e}")
            try:
                send_msg(self.conn, reply)
            except OSError:   # the server closed our socket (shutdown, or it gave up on the query): done
                return

    def run(self, req: dict):
        ox = self.ox
        store = self.open(req["path"])
        kwargs = {"base_iri": req.get("base_iri")}
        if req.get("default_graph") is not None or req.get("named_graphs") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req.get("default_graph") or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.get("named_graphs") or []]
        else:
            # the default graph: the merge the build materialised (pipeline.store.merged), or
            # pyoxigraph's union (one row per graph holding a triple) for an older generation
            kwargs["use_default_graph_as_union"] = bool(req.get("union")) and next(
                iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None
        result = store.query(req["query"], **kwargs)
        limit = int(req["row_limit"])
        formats = req["formats"]
        if isinstance(result, ox.QuerySolutions):
            # a remote store's own row cap (Virtuoso's ResultSetMaxRows) is labelled like ours
            return self.solutions(result, formats.get("solutions"), limit, req.get("marker"),
                                  cut=bool(getattr(store, "truncation", "")))
        if isinstance(result, ox.QueryBoolean):
            fmt = formats.get("boolean")
            if fmt is None:
                return ("not_acceptable", "boolean")
            return ("ok", "boolean", fmt, result.serialize(format=self.results_formats[fmt]), False, 1)
        return self.graph(result, formats.get("graph"), limit)

    def solutions(self, result, fmt: str | None, limit: int, marker: str | None, cut: bool = False):
        if fmt is None:
            return ("not_acceptable", "solutions")
        variables = [v.value for v in result.variables]
        indexed = list(enumerate(variables))
        encode = self.encode
        rows = []
        truncated = False
        for solution in result:
            if len(rows) >= limit:
                truncated = True
                break
            row = {}
            for i, name in indexed:
                term = solution[i]
                if term is not None:
                    row[name] = encode(term)
            rows.append(row)
        truncated = truncated or cut
        if truncated and fmt in ("csv", "tsv"):
            # CSV and TSV have no place for a label: refuse rather than cut silently.
            return ("too_many", "solutions", fmt)
        head: dict = {"vars": variables}
        doc = {"head": head, "results": {"bindings": rows}}
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if fmt != "json":
            parsed = self.ox.parse_query_results(body, format=self.results_formats["json"])
            body = parsed.serialize(format=self.results_formats[fmt])
            if truncated and fmt == "xml":
                link = f'<link href="{_xml_attr(marker or "")}"/>'.encode("utf-8")
                body = _insert_xml_head_link(body, link)
        elif truncated:
            # SPARQL 1.1 JSON results §3.1: "head" may carry "link" IRIs to metadata.
            head["link"] = [marker]
            doc["resgraph:truncated"] = True
            body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return ("ok", "solutions", fmt, body, truncated, len(rows))

    def graph(self, result, fmt: str | None, limit: int):
        if fmt is None:
            return ("not_acceptable", "graph")
        triples = []
        truncated = False
        for triple in result:
            if len(triples) >= limit:
                truncated = True
                break
            triples.append(triple)
        if truncated and fmt == "jsonld":
            return ("too_many", "graph", fmt)
        body = self.ox.serialize(triples, format=self.rdf_formats[fmt], prefixes=self.prefixes if fmt in ("turtle", "rdfxml") else None)
        if truncated:
            note = f"truncated: only the first {limit} triples of the result are included"
            if fmt == "rdfxml":
                decl_end = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
                body = body[:decl_end] + f"<!-- {note} -->".encode() + body[decl_end:]
            else:
                body = f"# {note}\n".encode() + body
        return ("ok", "graph", fmt, body, truncated, len(triples))


def _xml_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _insert_xml_head_link(body: bytes, link: bytes) -> bytes:
    """Put ``<link href=…/>`` at the end of the results ``<head>`` (SPARQL XML results §2.2)."""
    i = body.find(b"</head>")
    if i >= 0:
        return body[:i] + link + body[i:]
    i = body.find(b"<head/>")
    if i >= 0:
        return body[:i] + b"<head>" + link + b"</head>" + body[i + len(b"<head/>"):]
    return body


# The query runs on a thread with this much stack (address space, touched only as used):
# pyoxigraph parses and evaluates recursively, and a query nesting groups, brackets or
# OPTIONALs a few thousand deep overflowed the default 8 MB and killed the worker with
# SIGSEGV; 256 MB was measured to hold the deepest nesting that fits in MAX_QUERY_CHARS
# (50,000 levels), so twice that leaves room.
QUERY_STACK = 512 * 1024 * 1024


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.server.worker FD [MEMORY_MB]``.

    ``MEMORY_MB`` (0: none) caps the heap of this process (``RLIMIT_DATA``, on top of the
    query thread's stack): a query that would need more (sorting a cross product, say)
    makes an allocation fail, the process aborts, and the parent answers with an error and
    starts a new worker, instead of the machine running out of memory.
    """
    import resource
    import threading

    argv = sys.argv[1:] if argv is None else argv
    fd = int(argv[0])
    memory_mb = int(argv[1]) if len(argv) > 1 else 0
    conn = socket.socket(fileno=fd)
    conn.setblocking(True)
    prefixes = recv_msg(conn)
    if memory_mb > 0:
        limit = QUERY_STACK + memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    threading.stack_size(QUERY_STACK)
    child = _Child(conn, prefixes)
    thread = threading.Thread(target=child.serve, name="query")
    thread.start()
    thread.join()


# ----------------------------------------------------------------- parent ---

class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was killed."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerCrashed(Exception):
    """The worker died while running the query (e.g. out of memory).

    ``code`` is its exit status (negative: the signal; ``-SIGABRT`` when an allocation
    failed under the memory limit), ``None`` if unknown.
    """

    def __init__(self, message: str = "", code: int | None = None):
        super().__init__(message)
        self.code = code


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen
    sock: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def attach(self) -> None:
        """Hand the (started, blocking) socket to the event loop as a stream."""
        self.sock.setblocking(False)
        self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock, limit=1 << 20)

    async def ask(self, request: dict):
        header, data = _frame(request)
        self.writer.write(header + data)
        (n,) = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))
        return pickle.loads(await self.reader.readexactly(n))

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        if self.writer is None:
            try:
                self.sock.close()
            except OSError:
                pass

    def close_stream(self) -> None:
        """Close the parent's end; in the event loop's thread (transports are not thread-safe)."""
        if self.writer is not None:
            try:
                self.writer.close()
            except (OSError, RuntimeError):
                pass


class QueryPool:
    """A fixed number of pre-started worker processes, each answering one query at a time.

    >>> pool = QueryPool(size=1, timeout=5.0, prefixes={})   # doctest: +SKIP
    >>> await pool.start(path); reply = await pool.run({...})  # doctest: +SKIP
    """

    def __init__(self, *, size: int, timeout: float, prefixes: dict[str, str], queue_timeout: float | None = None,
                 memory_mb: int = 0):
        self.size = max(1, size)
        self.memory_mb = memory_mb
        self.timeout = timeout
        self.queue_timeout = queue_timeout if queue_timeout is not None else max(timeout * 2, 5.0)
        self.prefixes = prefixes
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._path: str | None = None
        self._closed = False
        self.killed = 0  # workers killed on timeout or cancellation (for tests and logs)

    # -- lifecycle --------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        # a worker that aborts (memory limit) prints one line, not a backtrace per query
        env = dict(os.environ, RUST_BACKTRACE="0")
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.server.worker", str(child_sock.fileno()), str(self.memory_mb)],
            pass_fds=(child_sock.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )
        child_sock.close()
        # Wait until the child has imported pyoxigraph and opened the store, so that the
        # first query does not pay for it.
        parent_sock.settimeout(60)
        try:
            send_msg(parent_sock, self.prefixes)
            send_msg(parent_sock, {"op": "ping", "path": self._path})
            reply = recv_msg(parent_sock)
        except (OSError, EOFError) as e:  # socket.timeout is an OSError
            proc.kill()
            parent_sock.close()
            raise RuntimeError(f"query worker did not start: {e or 'no answer within 60 s'}") from None
        if reply[0] != "pong":
            proc.kill()
            parent_sock.close()
            raise RuntimeError(f"query worker failed to start: {reply[1] if len(reply) > 1 else reply}")
        parent_sock.settimeout(None)
        return _Worker(proc, parent_sock)

    async def start(self, path: str | None) -> None:
        self._path = path
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, self._spawn) for _ in range(self.size)))
        for w in workers:
            await w.attach()
            self._all.add(w)
            self._idle.put_nowait(w)

    async def _replace(self, dead: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(dead)
        dead.close_stream()
        await loop.run_in_executor(None, dead.kill)
        if self._closed:
            return
        try:
            new = await loop.run_in_executor(None, self._spawn)
            await new.attach()
        except Exception:  # pragma: no cover - logged, the pool shrinks by one
            log.exception("could not start a replacement query worker")
            return
        if self._closed:
            new.close_stream()
            new.kill()
            return
        self._all.add(new)
        self._idle.put_nowait(new)

    async def close(self) -> None:
        self._closed = True
        loop = asyncio.get_running_loop()
        for w in list(self._all):
            w.close_stream()
            await loop.run_in_executor(None, w.kill)
        self._all.clear()

    # -- running ------------------------------------------------------------
    async def run(self, request: dict) -> tuple:
        """Send ``request`` to a free worker; return its reply.

        Raises :class:`QueryTimeout` (worker killed and replaced), :class:`PoolBusy`,
        :class:`WorkerCrashed`.
        """
        assert self._idle is not None, "pool not started"
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.queue_timeout)
        except asyncio.TimeoutError:
            raise PoolBusy() from None
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout):
                reply = await worker.ask(request)
        except TimeoutError:
            self.killed += 1
            log.warning("query stopped after %.1f s (time limit); worker %s killed", time.monotonic() - started, worker.proc.pid)
            asyncio.ensure_future(self._replace(worker))
            raise QueryTimeout() from None
        except (asyncio.IncompleteReadError, EOFError, OSError, pickle.UnpicklingError) as e:
            try:  # it closed its end: it is exiting, or has
                code = worker.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                code = None
            log.warning("query worker %s stopped while running a query (exit status %s)", worker.proc.pid, code)
            asyncio.ensure_future(self._replace(worker))
            raise WorkerCrashed(str(e), code) from None
        except asyncio.CancelledError:
            # The client went away mid-query: the worker is still busy with it, so it
            # cannot be reused; stop the work.
            self.killed += 1
            asyncio.ensure_future(self._replace(worker))
            raise
        self._idle.put_nowait(worker)
        return reply


if __name__ == "__main__":
    main()
