"""Ontotext GraphDB: a repository URL, ``/statements`` for updates, ``/rdf-graphs/service`` for graphs.
Its default graph is already the union of the named graphs."""
from __future__ import annotations

from urllib.parse import urlsplit

from ..endpoints import Endpoints
from ..errors import EndpointError
from .base import ServerKind


def endpoints(root: str, authenticated: bool) -> Endpoints:
    if "/repositories/" not in urlsplit(root).path:
        raise EndpointError("for --server graphdb, give the repository URL, "
                            "e.g. --to http://localhost:7200/repositories/resgraph")
    for suffix in ("/statements", "/rdf-graphs/service"):
        if root.endswith(suffix):
            root = root[: -len(suffix)]
    return Endpoints("graphdb", root, f"{root}/statements", f"{root}/rdf-graphs/service")


KIND = ServerKind("graphdb", endpoints, server_header=("graphdb",))
