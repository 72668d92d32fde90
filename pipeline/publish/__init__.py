"""Publishing to, and querying, remote SPARQL 1.1 servers (Oxigraph, Virtuoso, Fuseki, GraphDB).

- :func:`publish` — the ``resgraph publish --server KIND --to URL`` click command;
- :func:`publish_store` — the stage behind it: every named graph of a local store replaces
  the remote graph of the same name, atomically (see :mod:`.publishing`);
- :func:`run_remote_query` — a SELECT/ASK on a remote endpoint with parameters bound as a
  VALUES block of typed terms (for ``resgraph query … --endpoint URL``);
- :func:`endpoints_for` — the query / update / graph-store endpoints of a server kind.
"""
from .client import Client, RemoteError, RemoteTruncated, Rows
from .command import publish
from .endpoints import Endpoints
from .servers import KINDS, SERVERS, ServerKind, endpoints_for
from .publishing import PublishReport, publish_store, remote_count
from ..query.sparql_text import bind_values
from .querying import RemoteAnswer, run_remote_query

__all__ = [
    "KINDS", "SERVERS", "ServerKind", "Client", "RemoteAnswer", "Endpoints", "PublishReport", "RemoteError", "RemoteTruncated", "Rows",
    "bind_values", "endpoints_for", "publish", "publish_store", "remote_count", "run_remote_query",
]
