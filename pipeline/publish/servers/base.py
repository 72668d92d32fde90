"""What a kind of SPARQL server is to resgraph: where its endpoints are, and the traps it sets."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..endpoints import Endpoints


def _same(term):
    return term


@dataclass(frozen=True)
class ServerKind:
    """One kind of server (``resgraph publish --server NAME``, ``query --endpoint`` detection).

    ``endpoints(root, authenticated)``: the query, update and Graph Store endpoints under a base
    URL (``root`` has no trailing ``/``); ``requires_base``: whether ``--to`` must be given.
    ``server_header``: words of the HTTP ``Server`` header that identify the kind.
    ``union_default_graph``: protocol parameters that make the default graph the union of the
    named graphs, as the embedded store queries it.  ``update_batch``: most triples one
    ``INSERT DATA`` may carry; ``atomic_update_requests``: a request of several operations
    (``DROP … ; INSERT DATA …``) is one transaction, so a small graph is replaced in one request.
    ``digest_auth``: credentials go with HTTP Digest, not Basic.  ``write_permission_hint``: added
    to the message when the server refuses a write for lack of permission.  ``canonical_term``:
    repairs a term the server's JSON results write oddly.  ``install_swap(client)`` prepares a
    one-transaction graph swap (False: not allowed), ``swap(client, graph, staging)`` runs it;
    without them a staged graph is swapped in with ``MOVE``.
    """

    name: str
    endpoints: Callable[[str, bool], Endpoints]
    requires_base: bool = True
    server_header: tuple[str, ...] = ()
    union_default_graph: dict | None = None
    update_batch: int = 10_000
    atomic_update_requests: bool = True
    digest_auth: bool = False
    write_permission_hint: str = ""
    canonical_term: Callable = _same
    install_swap: Callable[..., bool] | None = None      # (client) -> bool
    swap: Callable[..., None] | None = None              # (client, graph, staging)
