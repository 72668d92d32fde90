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
the expensive part is always inside the killable process.  Messages are pickled tuples over
:class:`multiprocessing.connection.Connection`.

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
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

log = logging.getLogger("resgraph.server")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# ------------------------------------------------------------------ child ---

def _term_json(term) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results encoding (§3.2.2)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        }}
    raise TypeError(f"unexpected term {term!r}")


class _Child:
    """The loop inside a worker process."""

    def __init__(self, conn: Connection, prefixes: dict[str, str]):
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
        self.rdf_formats = {
            "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
        }

    def open(self, path: str):
        if path != self.path:
            self.store = None  # drop the old generation first
            self.store = self.ox.Store.read_only(path)
            self.path = path
        return self.store

    def serve(self) -> None:
        while True:
            try:
                req = self.conn.recv()
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
                reply = ("error", f"{type(e).__name__}: {e}")
            self.conn.send(reply)

    def run(self, req: dict):
        ox = self.ox
        store = self.open(req["path"])
        kwargs = {"base_iri": req.get("base_iri")}
        if req.get("default_graph") is not None or req.get("named_graphs") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req.get("default_graph") or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.get("named_graphs") or []]
        else:
            kwargs["use_default_graph_as_union"] = bool(req.get("union"))
        result = store.query(req["query"], **kwargs)
        limit = int(req["row_limit"])
        formats = req["formats"]
        if isinstance(result, ox.QuerySolutions):
            return self.solutions(result, formats.get("solutions"), limit, req.get("marker"))
        if isinstance(result, ox.QueryBoolean):
            fmt = formats.get("boolean")
            if fmt is None:
                return ("not_acceptable", "boolean")
            return ("ok", "boolean", fmt, result.serialize(format=self.results_formats[fmt]), False, 1)
        return self.graph(result, formats.get("graph"), limit)

    def solutions(self, result, fmt: str | None, limit: int, marker: str | None):
        if fmt is None:
            return ("not_acceptable", "solutions")
        variables = [v.value for v in result.variables]
        rows = []
        truncated = False
        for solution in result:
            if len(rows) >= limit:
                truncated = True
                break
            row = {}
            for i, name in enumerate(variables):
                term = solution[i]
                if term is not None:
                    row[name] = _term_json(term)
            rows.append(row)
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


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    fd = int(argv[0])
    conn = Connection(fd)
    prefixes = conn.recv()
    _Child(conn, prefixes).serve()


# ----------------------------------------------------------------- parent ---

_TIMED_OUT = object()


def _wait_and_recv(conn: Connection, timeout: float):
    """Block (in a thread) until the reply arrives or the time limit passes.

    A thread, not ``loop.add_reader``: uvloop makes watched fds non-blocking, and a reply
    larger than the socket buffer then fails half-read with EAGAIN.
    """
    if not conn.poll(timeout):
        return _TIMED_OUT
    return conn.recv()


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was killed."""


class PoolBusy(Exception):
    """No worker became free in time."""


class WorkerCrashed(Exception):
    """The worker died while running the query (e.g. out of memory)."""


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen
    conn: Connection

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        try:
            self.conn.close()
        except OSError:
            pass


class QueryPool:
    """A fixed number of pre-started worker processes, each answering one query at a time.

    >>> pool = QueryPool(size=1, timeout=5.0, prefixes={})   # doctest: +SKIP
    >>> await pool.start(path); reply = await pool.run({...})  # doctest: +SKIP
    """

    def __init__(self, *, size: int, timeout: float, prefixes: dict[str, str], queue_timeout: float | None = None):
        self.size = max(1, size)
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
        env = dict(os.environ)
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.server.worker", str(child_sock.fileno())],
            pass_fds=(child_sock.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )
        child_sock.close()
        conn = Connection(parent_sock.detach())
        conn.send(self.prefixes)
        # Wait until the child has imported pyoxigraph and opened the store, so that the
        # first query does not pay for it.
        conn.send({"op": "ping", "path": self._path})
        if not conn.poll(60):
            proc.kill()
            raise RuntimeError("query worker did not start within 60 s")
        reply = conn.recv()
        if reply[0] != "pong":
            proc.kill()
            raise RuntimeError(f"query worker failed to start: {reply[1] if len(reply) > 1 else reply}")
        return _Worker(proc, conn)

    async def start(self, path: str | None) -> None:
        self._path = path
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, self._spawn) for _ in range(self.size)))
        for w in workers:
            self._all.add(w)
            self._idle.put_nowait(w)

    async def _replace(self, dead: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(dead)
        await loop.run_in_executor(None, dead.kill)
        if self._closed:
            return
        try:
            new = await loop.run_in_executor(None, self._spawn)
        except Exception:  # pragma: no cover - logged, the pool shrinks by one
            log.exception("could not start a replacement query worker")
            return
        if self._closed:
            new.kill()
            return
        self._all.add(new)
        self._idle.put_nowait(new)

    async def close(self) -> None:
        self._closed = True
        loop = asyncio.get_running_loop()
        for w in list(self._all):
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
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        try:
            worker.conn.send(request)
            reply = await loop.run_in_executor(None, _wait_and_recv, worker.conn, self.timeout)
            if reply is _TIMED_OUT:
                self.killed += 1
                log.warning("query stopped after %.1f s (time limit); worker %s killed", time.monotonic() - started, worker.proc.pid)
                asyncio.ensure_future(self._replace(worker))
                raise QueryTimeout()
        except (EOFError, OSError) as e:
            asyncio.ensure_future(self._replace(worker))
            raise WorkerCrashed(str(e)) from None
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
