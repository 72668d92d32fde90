"""Publish the local dataset into a remote SPARQL 1.1 server, one named graph at a time.

Each named graph (one per source document, plus the inferred, ontology and reference
graphs) *replaces* the remote graph of the same name, and readers of the server see the
old graph or the new one, never a half-written one.  How that is achieved depends on what
the server makes atomic — measured, not assumed (see ``.ci/services/README.md``):

``single``  (graphs of at most ``batch_size`` triples, all servers but Virtuoso)
    One SPARQL Update request ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``.
    Oxigraph, Fuseki (TDB2) and GraphDB run one update request as one transaction.

``staged``  (larger graphs, and every graph on Virtuoso)
    1. ``DROP SILENT GRAPH <g/_staging/RUN>``;
    2. upload the triples into ``<g/_staging/RUN>`` in batches — Graph Store Protocol ``PUT``
       then ``POST`` where the server has a graph store, else ``INSERT DATA`` requests;
    3. swap in one transaction: ``MOVE <g/_staging/RUN> TO <g>`` (one update request), or on
       Virtuoso a stored procedure that deletes ``<g>`` and renames the staging graph in a
       single SQL transaction (``UPDATE DB.DBA.RDF_QUAD … SET G = …``, the rename
       Virtuoso's documentation gives).

Why not a plain Graph Store Protocol ``PUT <g>``: the Oxigraph server clears the graph and
then loads the body in a *second* transaction (a client or server dying in between leaves
the graph empty or partial), and Virtuoso 7.2's PUT over an existing graph deletes so
slowly (200k triples: 377 s) that it is unusable.  Why not one big ``INSERT DATA`` on
Virtuoso: its SPARQL compiler rejects requests of more than ~1,000–4,000 triples
("generated SQL text has exceeded 10000 lines") or 10 MB, and a multi-operation update
request is *not* one transaction there (a failing third operation left the first two
applied).  The trade-off of staging: a second copy of the graph lives briefly in
``<g/_staging/RUN>`` (visible to ``GRAPH ?g`` queries), and two publishers must not write the
same server at once.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pyoxigraph as ox

from .client import Client
from .errors import RemoteError
from .servers import server_kind
from ..rdf.uris import URIs

STAGING_SUFFIX = "/_staging"

#: Triples per ``INSERT DATA`` request.  Virtuoso 7.2 fails somewhere between 1,000 and 4,000.
#: Triples per Graph Store Protocol request.
GSP_BATCH = 100_000

Event = Callable[..., None]


@dataclass
class GraphReport:
    graph: str
    local: int
    remote: int | None = None
    method: str = ""
    seconds: float = 0.0


@dataclass
class PublishReport:
    kind: str
    graphs: list[GraphReport] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(g.local for g in self.graphs)

    @property
    def triples_per_second(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0

    @property
    def mismatches(self) -> list[GraphReport]:
        return [g for g in self.graphs if g.remote is not None and g.remote != g.local]


def iri(term: str) -> str:
    """A graph name as a SPARQL IRI token, serialised by pyoxigraph (validates the IRI)."""
    return str(ox.NamedNode(term))


def sparql_string(text: str) -> str:
    return str(ox.Literal(text))


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def local_graph_names(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def local_triples(store: ox.Store, graph: str, *, skolem_base: str | None = None) -> list[ox.Triple]:
    """The triples of ``graph``; blank nodes refused, or skolemised under ``skolem_base``.

    Skolem IRIs are ``{base}.well-known/genid/{sha1(graph, label)}`` (RDF 1.1 §3.5), stable
    for one local store, so republishing the same store changes nothing.
    """
    g = ox.NamedNode(graph)
    out: list[ox.Triple] = []
    blanks = 0
    cache: dict = {}

    def skolem(t):
        if not isinstance(t, ox.BlankNode):
            return t
        s = cache.get(t.value)
        if s is None:
            digest = hashlib.sha1(f"{graph}\x00{t.value}".encode()).hexdigest()[:24]
            s = cache[t.value] = ox.NamedNode(f"{URIs(skolem_base).skolem_prefix()}{digest}")
        return s

    for q in store.quads_for_pattern(None, None, None, g):
        s, p, o = q.subject, q.predicate, q.object
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            blanks += 1
            if skolem_base is None:
                continue
            s, o = skolem(s), skolem(o)
        out.append(ox.Triple(s, p, o))
    if blanks and skolem_base is None:
        raise RemoteError(f"graph <{graph}> has {blanks} triples with blank nodes, which a remote server "
                          "cannot match on republishing; fix the mapping, or pass --skolemize")
    return out


def remote_count(client: Client, graph: str) -> int:
    rows = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
    if not rows.rows or rows.rows[0].get("n") is None:
        raise RemoteError(f"the server did not count the triples of <{graph}>")
    return int(rows.rows[0]["n"].value)


def remote_graph_names(client: Client, prefix: str) -> list[str]:
    rows = client.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                         f"FILTER(STRSTARTS(STR(?g), {sparql_string(prefix)})) }}")
    return sorted(r["g"].value for r in rows if isinstance(r.get("g"), ox.NamedNode))


class Publisher:
    """Replace remote graphs, choosing per server the path that keeps each one whole."""

    def __init__(self, client: Client, *, batch_size: int | None = None, use_graph_store: bool = True,
                 on_event: Event | None = None):
        self.client = client
        self.kind = client.endpoints.kind
        self.server = server_kind(self.kind)
        self.update_batch = batch_size or self.server.update_batch
        self.gsp_batch = batch_size or GSP_BATCH
        self.use_gsp = use_graph_store and bool(client.endpoints.graph_store)
        self.on_event = on_event or (lambda *a, **k: None)
        self.sql_swap = False
        self.warnings: list[str] = []
        # a staging graph of this run's own: requests a killed earlier run had sent may still
        # be executing on the server, and must not add triples to the graph this run moves in
        self.run_id = secrets.token_hex(6)

    def prepare(self) -> None:
        """Check the server answers, and install what the swap needs."""
        self.client.select("SELECT * WHERE { } LIMIT 1")
        # a no-op write, so that a missing permission stops us before any graph is touched
        self.client.update("DROP SILENT GRAPH <urn:x-resgraph:write-probe>", what="a test update")
        if self.server.install_swap is not None:
            self.sql_swap = self.server.install_swap(self.client)
            if not self.sql_swap:
                msg = (f"cannot install the swap procedure on {self.kind} (needs an administrator account); "
                       f"falling back to MOVE, which {self.kind} may not apply atomically")
                self.warnings.append(msg)
                self.on_event("warning", message=msg)

    def replace(self, graph: str, triples: list[ox.Triple]) -> str:
        """Make remote ``graph`` hold exactly ``triples``; return the method used."""
        if not triples:
            self.client.update(f"DROP SILENT GRAPH {iri(graph)}", what=f"dropping <{graph}>")
            return "drop"
        if self.server.atomic_update_requests and len(triples) <= self.update_batch:
            body = ntriples(triples).decode("utf-8")
            self.client.update(f"DROP SILENT GRAPH {iri(graph)} ;\nINSERT DATA {{ GRAPH {iri(graph)} {{\n{body}}} }}",
                               what=f"replacing <{graph}>")
            return "single"
        staging = f"{graph}{STAGING_SUFFIX}/{self.run_id}"
        self.client.update(f"DROP SILENT GRAPH {iri(staging)}", what=f"clearing <{staging}>")
        sent = 0
        if self.use_gsp:
            step = self.gsp_batch
            for i in range(0, len(triples), step):
                chunk = triples[i:i + step]
                self.client.put_graph(staging, ntriples(chunk), append=i > 0, what=f"uploading <{staging}>")
                sent += len(chunk)
                self.on_event("batch", graph=graph, sent=sent, total=len(triples))
        else:
            step = self.update_batch
            for i in range(0, len(triples), step):
                chunk = triples[i:i + step]
                body = ntriples(chunk).decode("utf-8")
                self.client.update(f"INSERT DATA {{ GRAPH {iri(staging)} {{\n{body}}} }}",
                                   what=f"uploading <{staging}>")
                sent += len(chunk)
                self.on_event("batch", graph=graph, sent=sent, total=len(triples))
        self.on_event("swap", graph=graph, staging=staging)
        if self.sql_swap:
            self.server.swap(self.client, graph, staging)
            return "staged+sql-swap"
        self.client.update(f"MOVE SILENT GRAPH {iri(staging)} TO GRAPH {iri(graph)}", what=f"swapping in <{graph}>")
        return "staged+move"


def publish_store(store: ox.Store, client: Client, *, base: str, batch_size: int | None = None,
                  verify: bool = True, prune: bool = True, skolemize: bool = False,
                  use_graph_store: bool = True, on_event: Event | None = None) -> PublishReport:
    """Publish every named graph of ``store`` to the server behind ``client``.

    ``prune`` drops remote graphs under ``{base}graph/`` that the local dataset no longer
    has (a removed source document, a staging graph left by a killed run).  ``verify``
    compares the remote triple count of every graph with the local one afterwards; a
    mismatch is reported in :attr:`PublishReport.mismatches` (the caller decides).
    """
    on_event = on_event or (lambda *a, **k: None)
    started = time.perf_counter()
    report = PublishReport(kind=client.endpoints.kind)
    # the default graph of a generation is the merge of its named graphs
    # (pipeline.store.merge_default): derived, so not pushed — the remote server's union
    # default graph (or the dataset of the query) plays its part there
    names = local_graph_names(store)
    if not names:
        raise RemoteError("the local store has no named graphs to publish; run `resgraph build` first")
    publisher = Publisher(client, batch_size=batch_size, use_graph_store=use_graph_store, on_event=on_event)
    publisher.prepare()
    report.warnings.extend(publisher.warnings)
    for name in names:
        t0 = time.perf_counter()
        triples = local_triples(store, name, skolem_base=base if skolemize else None)
        on_event("graph", graph=name, triples=len(triples))
        method = publisher.replace(name, triples)
        report.graphs.append(GraphReport(name, len(triples), method=method, seconds=time.perf_counter() - t0))
        on_event("graph-done", graph=name, triples=len(triples), method=method)
    if prune:
        local = set(names)
        for g in remote_graph_names(client, base + "graph/"):
            if g not in local:
                client.update(f"DROP SILENT GRAPH {iri(g)}", what=f"dropping stale <{g}>")
                report.pruned.append(g)
                on_event("pruned", graph=g)
    if verify:
        for g in report.graphs:
            g.remote = remote_count(client, g.graph)
        # A killed earlier run's last request (a MOVE of a big graph can run for seconds after
        # its client died) may have replaced a graph concurrently with this run; Oxigraph's
        # transactions are snapshot-isolated, so the two can leave the union of both versions.
        # Replace such graphs once more (a mix with the right count is what the per-run
        # staging graph prevents; the union changes the count, so it is caught here).
        for g in report.mismatches:
            triples = local_triples(store, g.graph, skolem_base=base if skolemize else None)
            on_event("repair", graph=g.graph, remote=g.remote, local=g.local)
            g.method += "+repaired"
            publisher.replace(g.graph, triples)
            g.remote = remote_count(client, g.graph)
    report.seconds = time.perf_counter() - started
    return report
