"""Apache Jena Fuseki: a dataset URL with ``/query``, ``/update``, ``/data``."""
from __future__ import annotations

from urllib.parse import urlsplit

from ..endpoints import Endpoints
from ..errors import EndpointError
from .base import ServerKind


def endpoints(root: str, authenticated: bool) -> Endpoints:
    path = urlsplit(root).path.strip("/")
    for suffix in ("query", "sparql", "update", "data", "get"):
        if path.endswith("/" + suffix):
            root = root[: -len(suffix) - 1]
            path = path[: -len(suffix) - 1]
    if not path:
        raise EndpointError("for --server fuseki, give the dataset URL, e.g. --to http://localhost:3030/resgraph")
    return Endpoints("fuseki", f"{root}/query", f"{root}/update", f"{root}/data")


KIND = ServerKind("fuseki", endpoints, server_header=("fuseki", "jena"),
                  union_default_graph={"default-graph-uri": "urn:x-arq:UnionGraph"})
