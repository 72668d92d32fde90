"""``resgraph serve --endpoint URL``: the server reads a remote SPARQL store instead of its own.

The server reads its store through a small part of pyoxigraph's ``Store`` API —
``quads_for_pattern`` and ``query`` (with ``substitutions``, ``prefixes`` and the dataset
arguments) — in the pages, the ``/id`` → ``/doc`` negotiation and the query workers.
:class:`RemoteStore` offers that part over the SPARQL 1.1 Protocol, through the client of
:mod:`pipeline.publish` (one HTTP client, the servers' traps handled in one place:
Virtuoso's ``typed-literal`` and ``1``/``0`` booleans, its row cap, Digest auth):

- ``quads_for_pattern(s, p, o, g)`` is one ``SELECT`` over ``GRAPH ?g { … }`` with the
  given terms written by pyoxigraph (never text from a request); the remote store holds the
  named graphs ``resgraph publish`` wrote, so the default graph is empty, as it is in the
  embedded store.  A server that caps answers (Virtuoso: 10,000 rows) is read page by page;
- ``query(text, substitutions=…)`` binds the substitutions as a ``VALUES`` block of typed
  terms (:func:`pipeline.query.sparql_text.bind_values`, as ``resgraph query --endpoint``);
  ``use_default_graph_as_union`` becomes the server's own parameter for it
  (:attr:`ServerKind.union_default_graph`).  The text is first parsed by pyoxigraph on an
  empty store: what the embedded server refuses (an update, a syntax error) is refused the
  same way before anything is sent, and the kind of answer (solutions, boolean, triples) is
  known.

A client's ``/sparql`` query goes through the same worker processes as on the embedded
store (:mod:`.worker`), which open a :class:`RemoteStore` for a *spec* path
(:func:`spec`): the time limit kills the worker and with it the HTTP request, the row limit
and the serialisation are the worker's own.  The query text is sent unchanged as the
protocol's ``query`` parameter.

The *generation* of a remote store: ``resgraph publish`` records none, so it is a digest of
what a republish changes and one short query finds (:data:`STAMP_QUERY`): the SHA-256 of
every source document (``rg:sha256``) and the size of the ontology graph.  It is checked
again every ``interval`` seconds in a background thread (requests never wait for it), and a
new one starts a new :class:`~.dataset.Snapshot`: the answers kept per generation are
dropped, as after a local rebuild.  A republish that changes no source document and not the
ontology (new mapping code on the same sources) is therefore noticed only after a restart.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..publish import Client, Endpoints, RemoteError
from ..publish.querying import detect_kind
from ..publish.servers import KINDS, server_kind
from ..query.sparql_text import bind_values, with_prefixes
from ..rdf.uris import URIs
from ..rdf.vocab import RG
from ..settings import Settings
from . import dataset
from .sparql import foreign_functions

log = logging.getLogger("resgraph.server")

#: What a worker is given as the "path" of a remote store: ``resgraph-endpoint:KIND|TIMEOUT|URL``.
SPEC_PREFIX = "resgraph-endpoint:"

#: Rows per request on a server that caps its answers and says so (Virtuoso's ResultSetMaxRows).
PAGE = 10_000

DEFAULT_INTERVAL = 5.0


class EndpointUnavailable(RemoteError):
    """The remote store did not answer, answered badly, or refused the query; ``http_status`` is
    what ``resgraph serve`` answers with this line: 502 when the store could not be used, 503
    when it refused the query with a 5xx (Virtuoso refuses a query it estimates too costly
    before running it), 400 when it found the query wrong (4xx)."""

    unavailable = True  # read by the worker, which does not import this module until it must

    def __init__(self, message: str, http_status: int = 502):
        super().__init__(message)
        self.http_status = http_status

    @classmethod
    def of(cls, e: RemoteError) -> "EndpointUnavailable":
        status = getattr(e, "status", None)
        if status is None or status in (401, 403, 404, 405, 407):  # unreachable, or set up wrongly
            return cls(str(e), 502)
        return cls(f"the SPARQL store refused the query: {e}", 400 if status < 500 else 503)


def spec(kind: str, url: str, timeout: float) -> str:
    return f"{SPEC_PREFIX}{kind}|{timeout:g}|{url}"


def is_spec(path: str | None) -> bool:
    return bool(path) and path.startswith(SPEC_PREFIX)


def open_spec(path: str) -> "RemoteStore":
    """The :class:`RemoteStore` a worker process uses for a :func:`spec` path (credentials from
    ``RESGRAPH_REMOTE_USER`` / ``RESGRAPH_REMOTE_PASSWORD``, which ``serve`` sets)."""
    kind, timeout, url = path[len(SPEC_PREFIX):].split("|", 2)
    # load rdflib's SPARQL grammar now (about a second), not under the first query's time limit
    foreign_functions("SELECT (<urn:x:f>(1) AS ?a) {}")
    return RemoteStore(url, kind=kind, timeout=float(timeout))


def _credentials(user: str | None, password: str | None) -> tuple[str | None, str | None]:
    user = user if user is not None else os.environ.get("RESGRAPH_REMOTE_USER") or None
    password = password if password is not None else os.environ.get("RESGRAPH_REMOTE_PASSWORD")
    return user, password


def resolve_kind(url: str, kind: str = "auto", *, user: str | None = None, password: str | None = None,
                 timeout: float = 10.0) -> str:
    """``kind``, or the kind the server's ``Server`` header names (one ``ASK {}``)."""
    if kind != "auto":
        return kind
    user, password = _credentials(user, password)
    with Client(Endpoints("generic", query=url, update=None, graph_store=None), user=user, password=password,
                timeout=timeout, connect_timeout=min(timeout, 10.0)) as c:
        return detect_kind(c)


class RemoteStore:
    """The part of ``pyoxigraph.Store`` the server uses, answered by a remote SPARQL endpoint."""

    def __init__(self, url: str, *, kind: str = "generic", user: str | None = None, password: str | None = None,
                 timeout: float = 30.0):
        if kind not in KINDS:
            raise ValueError(f"unknown server kind {kind!r}")
        self.url, self.kind = url, kind
        self.server = server_kind(kind)
        user, password = _credentials(user, password)
        self.client = Client(Endpoints(kind, query=url, update=None, graph_store=None), user=user, password=password,
                             timeout=timeout, connect_timeout=min(timeout, 10.0))
        self.graph_prefix = ""           # the graphs that are ours (RemotePublished: the --base)
        self._probe = ox.Store()         # parses queries as the embedded store does; holds nothing
        self._probe_lock = threading.Lock()
        self._local = threading.local()  # the truncation label of this thread's last answer

    def close(self) -> None:
        self.client.close()

    # ------------------------------------------------------------------ reads --
    def _select(self, text: str, params: dict | None = None):
        """One SELECT; a server's row cap read past page by page, its time-out an error."""
        try:
            rows = self.client.select(text, allow_truncated=True, params=params)
        except RemoteError as e:
            raise EndpointUnavailable.of(e) from None
        if not rows.truncated:
            return rows.variables, rows.rows
        if "X-SQL-State" in rows.truncation or "early" in rows.truncation:
            raise EndpointUnavailable(f"the SPARQL store stopped the query early: {rows.truncation}", 503)
        raise _Capped(rows)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None):  # noqa: A002
        """Quads matching the pattern (``None``: any), from the remote store's named graphs."""
        if isinstance(graph_name, ox.DefaultGraph):
            return iter(())  # `resgraph publish` writes named graphs only
        given = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        if any(isinstance(t, ox.BlankNode) for t in given.values()):
            return iter(())  # a blank node in a query is a variable; published data has none
        for t in given.values():
            if t is not None and not isinstance(t, (ox.NamedNode, ox.Literal)):
                raise TypeError(f"unexpected term {t!r}")
        if given["g"] is not None and not isinstance(given["g"], ox.NamedNode):
            return iter(())
        if given["p"] is not None and not isinstance(given["p"], ox.NamedNode):
            return iter(())
        if given["s"] is not None and not isinstance(given["s"], ox.NamedNode):
            return iter(())
        slot = {k: (str(t) if t is not None else f"?{k}") for k, t in given.items()}
        free = [k for k, t in given.items() if t is None]
        where = f"GRAPH {slot['g']} {{ {slot['s']} {slot['p']} {slot['o']} }}"
        if not free:
            found = self._ask(f"ASK {{ {where} }}")
            return iter([ox.Quad(subject, predicate, object, graph_name)] if found else [])
        text = f"SELECT {' '.join('?' + k for k in free)} WHERE {{ {where} }}"
        rows = self._all_rows(text, free)
        out = []
        for r in rows:
            try:
                out.append(ox.Quad(*(given[k] if given[k] is not None else r[k] for k in "spog")))
            except (TypeError, ValueError):
                continue  # a term the server returned in a place RDF does not allow (system graphs)
        return iter(out)

    def _ask(self, text: str) -> bool:
        try:
            return self.client.ask(text)
        except RemoteError as e:
            raise EndpointUnavailable.of(e) from None

    def _all_rows(self, text: str, order: list[str]) -> list[dict]:
        try:
            return self._select(text)[1]
        except _Capped as capped:
            page = len(capped.rows.rows) or PAGE
        rows: list[dict] = []
        offset = 0
        while True:
            try:
                _, chunk = self._select(f"{text} ORDER BY {' '.join('?' + k for k in order)} LIMIT {page} OFFSET {offset}")
            except _Capped as capped:  # the cap is below the page size asked for
                chunk = capped.rows.rows
                page = len(chunk)
            rows.extend(chunk)
            if len(chunk) < page or not chunk:
                return rows
            offset += len(chunk)

    def query(self, query: str, *, use_default_graph_as_union: bool = False, substitutions=None, prefixes=None,
              base_iri: str | None = None, default_graph=None, named_graphs=None):
        """Run ``query`` remotely; answer as ``Store.query`` does (``QuerySolutions``, ``QueryBoolean``,
        or triples).  Raises ``SyntaxError`` for what pyoxigraph does not parse as a query."""
        text = query
        if substitutions:
            text = bind_values(text, {(k.value if isinstance(k, ox.Variable) else str(k)): v
                                      for k, v in substitutions.items()})
        if prefixes:
            text = with_prefixes(text, prefixes)
        foreign = foreign_functions(text)
        if foreign:
            raise SyntaxError(f"functions outside SPARQL 1.1 ({', '.join(foreign)}) are not passed to the store")
        with self._probe_lock:  # parse only: the probe store is empty
            shape = self._probe.query(text, base_iri=base_iri)
        params: dict = {}
        if default_graph is not None or named_graphs is not None:
            params["default-graph-uri"] = [g.value if isinstance(g, ox.NamedNode) else str(g) for g in default_graph or []]
            params["named-graph-uri"] = [g.value if isinstance(g, ox.NamedNode) else str(g) for g in named_graphs or []]
        elif use_default_graph_as_union:
            params.update(self.server.union_default_graph or {})
        self._local.truncation = ""
        if isinstance(shape, ox.QueryTriples):
            try:
                return self.client.construct(text, params=params)
            except RemoteError as e:
                raise EndpointUnavailable.of(e) from None
        try:
            variables, rows = self._select(text, params)
        except _Capped as capped:  # the server's own cap (Virtuoso): labelled, like our row limit
            variables, rows = capped.rows.variables, capped.rows.rows
            self._local.truncation = capped.rows.truncation
        if isinstance(shape, ox.QueryBoolean):
            value = bool(rows) and rows[0].get("boolean") is not None and rows[0]["boolean"].value == "true"
            return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if value else b"false"),
                                          format=ox.QueryResultsFormat.JSON)
        return _solutions(variables, rows)

    @property
    def truncation(self) -> str:
        """Why this thread's last answer is incomplete (the server's row cap), or ``""``."""
        return getattr(self._local, "truncation", "")


class _Capped(Exception):
    def __init__(self, rows):
        super().__init__(rows.truncation)
        self.rows = rows


def _solutions(variables: list[str], rows: list[dict]) -> ox.QuerySolutions:
    """Rows of terms → a real ``QuerySolutions`` (through SPARQL JSON, as the worker writes it)."""
    import json

    from .term_json import _term_encoder

    encode = _term_encoder()
    doc = {"head": {"vars": variables},
           "results": {"bindings": [{v: encode(t) for v, t in r.items() if t is not None} for r in rows]}}
    return ox.parse_query_results(json.dumps(doc).encode("utf-8"), format=ox.QueryResultsFormat.JSON)


# ----------------------------------------------------------------- generation --

#: The source documents' digests (one index lookup, one row back) ...
STAMP_QUERY = ("SELECT (COUNT(?h) AS ?n) (SHA1(GROUP_CONCAT(STR(?h); separator=\" \")) AS ?x) "
               f"WHERE {{ ?d <{RG.sha256}> ?h }}")


def _ontology_query(base: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{URIs(base).ontology_graph}> {{ ?s ?p ?o }} }}"


@dataclass
class RemoteGeneration:
    """What :class:`~.dataset.Snapshot` needs of a generation: a name, the worker's "path", meta."""

    name: str
    path: str
    meta: dict = field(default_factory=dict)


def stamp(store: RemoteStore, base: str) -> str:
    """The generation name of what the remote store holds now; :class:`EndpointUnavailable` if it
    holds nothing published under ``base``."""
    union = store.server.union_default_graph or {}
    _, rows = store._select(STAMP_QUERY, union)
    docs = int(rows[0]["n"].value) if rows and rows[0].get("n") is not None else 0
    digest = rows[0]["x"].value if rows and rows[0].get("x") is not None else ""
    _, rows = store._select(_ontology_query(base))
    onto = int(rows[0]["n"].value) if rows and rows[0].get("n") is not None else 0
    if not onto:
        raise EndpointUnavailable(f"{store.url} holds no graph <{URIs(base).ontology_graph}>: publish the dataset "
                                  f"there with `resgraph publish`, with the same --base ({base})")
    return "remote-" + hashlib.sha1(f"{docs}\x1f{digest}\x1f{onto}".encode()).hexdigest()[:16]


class RemotePublished:
    """:class:`~.dataset.Published` for a remote store: the current snapshot, renewed when the
    store's :func:`stamp` changes (checked every ``interval`` seconds, off the request path)."""

    local = False

    def __init__(self, settings: Settings, store: RemoteStore, *, worker_timeout: float, interval: float = DEFAULT_INTERVAL,
                 answer_entries: int = 20_000, answer_bytes: int = 64 * 1024 * 1024, sparql_entries: int = 0,
                 sparql_bytes: int = 64 * 1024 * 1024, sparql_entry_bytes: int = 8 * 1024 * 1024):
        self.settings, self.store, self.interval = settings, store, max(0.1, interval)
        store.graph_prefix = settings.base
        self.path = spec(store.kind, store.url, worker_timeout)
        self.answer_entries, self.answer_bytes = answer_entries, answer_bytes
        self.sparql_entries, self.sparql_bytes, self.sparql_entry_bytes = sparql_entries, sparql_bytes, sparql_entry_bytes
        self._snapshot: dataset.Snapshot | None = None
        self._checked = 0.0
        self._checking = False
        self._lock = threading.Lock()

    def _make(self, name: str) -> dataset.Snapshot:
        gen = RemoteGeneration(name, self.path, {"generation": name, "endpoint": self.store.url})
        # The search index is built here from the remote store on first use, and kept while a
        # folder of its generation exists (pipeline.search.prune_indexes): give it one.
        try:
            (Path(self.settings.store_dir) / "generations" / name).mkdir(parents=True, exist_ok=True)
            if self._snapshot is not None:
                (Path(self.settings.store_dir) / "generations" / self._snapshot.name).rmdir()
        except OSError:
            pass
        return dataset.Snapshot(self.store, gen, answers=dataset.Answers(self.answer_entries, self.answer_bytes),
                                sparql_answers=dataset.Answers(self.sparql_entries, self.sparql_bytes,
                                                               self.sparql_entry_bytes),
                                sparql_aliases=dataset.Answers(self.sparql_entries, self.sparql_bytes))

    def check(self) -> dataset.Snapshot:
        """Ask the store for its stamp now; switch snapshots if it changed."""
        name = stamp(self.store, self.settings.base)
        with self._lock:
            self._checked = time.monotonic()
            if self._snapshot is None or self._snapshot.name != name:
                if self._snapshot is not None:
                    log.info("remote store changed: generation %s → %s", self._snapshot.name, name)
                self._snapshot = self._make(name)
            return self._snapshot

    def _check_in_background(self) -> None:
        try:
            self.check()
        except Exception as e:  # the old snapshot stays; requests that need the store say why
            log.warning("could not check the remote store for a new generation: %s", e)
            with self._lock:
                self._checked = time.monotonic()
        finally:
            self._checking = False

    def get(self) -> dataset.Snapshot:
        snap = self._snapshot
        if snap is None:
            return self.check()
        if time.monotonic() - self._checked >= self.interval and not self._checking:
            with self._lock:
                if self._checking:
                    return self._snapshot
                self._checking = True
            threading.Thread(target=self._check_in_background, name="resgraph-generation", daemon=True).start()
        return self._snapshot


__all__ = ["EndpointUnavailable", "RemoteGeneration", "RemotePublished", "RemoteStore", "SPEC_PREFIX", "is_spec",
           "open_spec", "resolve_kind", "spec", "stamp"]
