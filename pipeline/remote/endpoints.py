"""Where a remote SPARQL server takes queries, updates and Graph Store Protocol requests.

``resgraph publish --server KIND --to URL`` derives the three endpoints from the base URL of
the server; explicit ``--query-endpoint``, ``--update-endpoint`` and ``--graph-store-endpoint``
win over the derived ones.

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

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

#: The server kinds ``--server`` accepts.
KINDS = ("oxigraph", "virtuoso", "fuseki", "graphdb", "generic")


class EndpointError(ValueError):
    """A base URL or endpoint that cannot be used (a user error)."""


@dataclass(frozen=True)
class Endpoints:
    """The protocol endpoints of one server.

    ``graph_param`` is the query parameter naming the graph in Graph Store Protocol requests
    (``graph`` in the W3C recommendation; Virtuoso's ``/sparql-graph-crud`` wants
    ``graph-uri``).  ``update_param`` is the form field that carries an update (``update`` in
    SPARQL 1.1 Protocol; Virtuoso 7.2 takes updates in ``query``).
    """

    kind: str
    query: str
    update: str | None
    graph_store: str | None
    graph_param: str = "graph"
    update_param: str = "update"

    def with_overrides(self, *, query: str | None = None, update: str | None = None,
                       graph_store: str | None = None) -> "Endpoints":
        changes = {}
        if query:
            changes["query"] = check_url(query)
        if update:
            changes["update"] = check_url(update)
        if graph_store:
            changes["graph_store"] = check_url(graph_store)
        return replace(self, **changes)


def check_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL, else raise :class:`EndpointError`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{redact(url)!r} is not an http:// or https:// URL")
    return url.strip()


def redact(url: str) -> str:
    """``url`` without any ``user:password@`` part, for messages.

    >>> redact("http://dba:secret@host:8890/sparql")
    'http://host:8890/sparql'
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def endpoints_for(kind: str, base_url: str | None, *, authenticated: bool = False) -> Endpoints:
    """The endpoints of a server of ``kind`` whose base URL is ``base_url``.

    ``authenticated`` picks Virtuoso's Digest-protected routes (``/sparql-auth``,
    ``/sparql-graph-crud-auth``) for writes.  ``base_url`` may be ``None`` only for
    ``generic``, where every endpoint must then be given explicitly.
    """
    kind = kind.lower()
    if kind not in KINDS:
        raise EndpointError(f"unknown server kind {kind!r}; use one of {', '.join(KINDS)}")
    if base_url is None:
        if kind != "generic":
            raise EndpointError(f"--to URL is required for --server {kind}")
        return Endpoints(kind, query="", update=None, graph_store=None)
    root = check_url(base_url).rstrip("/")
    if kind == "oxigraph":
        # oxigraph serve: /query, /update, /store (?graph=… / ?default)
        for suffix in ("/query", "/update", "/store"):
            if root.endswith(suffix):
                root = root[: -len(suffix)]
        return Endpoints(kind, f"{root}/query", f"{root}/update", f"{root}/store")
    if kind == "virtuoso":
        for suffix in ("/sparql-auth", "/sparql", "/sparql-graph-crud-auth", "/sparql-graph-crud"):
            if root.endswith(suffix):
                root = root[: -len(suffix)]
                break
        if authenticated:
            return Endpoints(kind, f"{root}/sparql", f"{root}/sparql-auth", f"{root}/sparql-graph-crud-auth",
                             graph_param="graph-uri", update_param="query")
        return Endpoints(kind, f"{root}/sparql", f"{root}/sparql", f"{root}/sparql-graph-crud",
                         graph_param="graph-uri", update_param="query")
    if kind == "fuseki":
        path = urlsplit(root).path.strip("/")
        for suffix in ("query", "sparql", "update", "data", "get"):
            if path.endswith("/" + suffix):
                root = root[: -len(suffix) - 1]
                path = path[: -len(suffix) - 1]
        if not path:
            raise EndpointError("for --server fuseki, give the dataset URL, e.g. --to http://localhost:3030/resgraph")
        return Endpoints(kind, f"{root}/query", f"{root}/update", f"{root}/data")
    if kind == "graphdb":
        path = urlsplit(root).path
        if "/repositories/" not in path:
            raise EndpointError("for --server graphdb, give the repository URL, "
                                "e.g. --to http://localhost:7200/repositories/resgraph")
        for suffix in ("/statements", "/rdf-graphs/service"):
            if root.endswith(suffix):
                root = root[: -len(suffix)]
        return Endpoints(kind, root, f"{root}/statements", f"{root}/rdf-graphs/service")
    # generic: the URL is the query endpoint; updates go to the same URL unless told otherwise
    return Endpoints(kind, root, root, None)
