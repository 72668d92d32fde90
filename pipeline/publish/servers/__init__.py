"""Every kind of SPARQL server resgraph publishes to and queries, one module each, one line in
:data:`SERVERS`.  To add one, see ``docs/architecture.md``.

>>> e = endpoints_for("oxigraph", "http://127.0.0.1:7878")
>>> (e.query, e.update, e.graph_store)
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> e = endpoints_for("virtuoso", "http://127.0.0.1:8890/", authenticated=True)
>>> (e.query, e.update, e.graph_store, e.graph_param, e.update_param)
('http://127.0.0.1:8890/sparql', 'http://127.0.0.1:8890/sparql-auth', 'http://127.0.0.1:8890/sparql-graph-crud-auth', 'graph-uri', 'query')
>>> endpoints_for("fuseki", "http://localhost:3030/resgraph").update
'http://localhost:3030/resgraph/update'
>>> endpoints_for("graphdb", "http://localhost:7200/repositories/itu").graph_store
'http://localhost:7200/repositories/itu/rdf-graphs/service'
"""
from __future__ import annotations

from . import fuseki, generic, graphdb, oxigraph, virtuoso
from ..endpoints import Endpoints, check_url
from ..errors import EndpointError
from .base import ServerKind

#: The server kinds ``--server`` accepts, in the order detection tries them (generic last).
SERVERS: dict[str, ServerKind] = {k.name: k for k in (
    oxigraph.KIND,
    virtuoso.KIND,
    fuseki.KIND,
    graphdb.KIND,
    generic.KIND,
)}


#: Their names.
KINDS = tuple(SERVERS)


def endpoints_for(kind: str, base_url: str | None, *, authenticated: bool = False) -> Endpoints:
    """The endpoints of a server of ``kind`` whose base URL is ``base_url``.

    ``authenticated`` picks Virtuoso's Digest-protected routes (``/sparql-auth``,
    ``/sparql-graph-crud-auth``) for writes.  ``base_url`` may be ``None`` only for
    ``generic``, where every endpoint must then be given explicitly.
    """
    kind = kind.lower()
    if kind not in KINDS:
        raise EndpointError(f"unknown server kind {kind!r}; use one of {', '.join(KINDS)}")
    server = SERVERS[kind]
    if base_url is None:
        if server.requires_base:
            raise EndpointError(f"--to URL is required for --server {kind}")
        return Endpoints(kind, query="", update=None, graph_store=None)
    return server.endpoints(check_url(base_url).rstrip("/"), authenticated)


def server_kind(name: str) -> ServerKind:
    """The kind called ``name`` (``generic`` for a name no module knows, e.g. ``auto``)."""
    return SERVERS.get(name, SERVERS["generic"])


__all__ = ["KINDS", "SERVERS", "ServerKind", "endpoints_for", "server_kind"]
