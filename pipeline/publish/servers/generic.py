"""Any SPARQL 1.1 server: the URL is the query endpoint; updates go to the same URL unless told
otherwise (``--update-endpoint``, ``--graph-store-endpoint``)."""
from __future__ import annotations

from ..endpoints import Endpoints
from .base import ServerKind


def endpoints(root: str, authenticated: bool) -> Endpoints:
    return Endpoints("generic", root, root, None)


KIND = ServerKind("generic", endpoints, requires_base=False)
