"""Where a remote SPARQL server takes queries, updates and Graph Store Protocol requests.

``resgraph publish --server KIND --to URL`` derives the three endpoints from the base URL of
the server; explicit ``--query-endpoint``, ``--update-endpoint`` and ``--graph-store-endpoint``
win over the derived ones (:func:`pipeline.publish.servers.endpoints_for` derives them per kind).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from .errors import EndpointError


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
