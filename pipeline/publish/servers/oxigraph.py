"""The Oxigraph server (``oxigraph serve``): ``/query``, ``/update``, ``/store`` (``?graph=…``)."""
from __future__ import annotations

from ..endpoints import Endpoints
from .base import ServerKind


def endpoints(root: str, authenticated: bool) -> Endpoints:
    for suffix in ("/query", "/update", "/store"):
        if root.endswith(suffix):
            root = root[: -len(suffix)]
    return Endpoints("oxigraph", f"{root}/query", f"{root}/update", f"{root}/store")


KIND = ServerKind("oxigraph", endpoints, server_header=("oxigraph",),
                  union_default_graph={"union-default-graph": ""})
