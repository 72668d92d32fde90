"""OpenLink Virtuoso: ``/sparql``, Digest-protected ``/sparql-auth`` and ``/sparql-graph-crud-auth``.

Its traps, each measured on the server the tests start: updates go in the form field ``query``
(7.2), the Graph Store parameter is ``graph-uri``; a request of several operations is not one
transaction and ``INSERT DATA`` is capped at about 1,000 triples; its JSON results write
``xsd:boolean`` as ``1``/``0``.  A graph is replaced in one SQL transaction by the procedure
:data:`SWAP_PROC` (needs a dba account; without it, ``MOVE``, which Virtuoso may not apply atomically).
"""
from __future__ import annotations

import pyoxigraph as ox

from ..endpoints import Endpoints
from ..errors import RemoteError
from .base import ServerKind

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

SWAP_PROC = "DB.DBA.RESGRAPH_REPLACE_GRAPH"
SWAP_SQL = f"""CREATE PROCEDURE {SWAP_PROC} (in target varchar, in staging varchar)
{{
  -- resgraph: replace graph <target> by graph <staging> in ONE transaction.
  DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (target, 0);
  UPDATE DB.DBA.RDF_QUAD TABLE OPTION (index RDF_QUAD_GS)
     SET G = iri_to_id (target) WHERE G = iri_to_id (staging, 0);
  return 1;
}}"""


def endpoints(root: str, authenticated: bool) -> Endpoints:
    for suffix in ("/sparql-auth", "/sparql", "/sparql-graph-crud-auth", "/sparql-graph-crud"):
        if root.endswith(suffix):
            root = root[: -len(suffix)]
            break
    if authenticated:
        return Endpoints("virtuoso", f"{root}/sparql", f"{root}/sparql-auth", f"{root}/sparql-graph-crud-auth",
                         graph_param="graph-uri", update_param="query")
    return Endpoints("virtuoso", f"{root}/sparql", f"{root}/sparql", f"{root}/sparql-graph-crud",
                     graph_param="graph-uri", update_param="query")


def canonical_term(term):
    # Virtuoso's JSON writer sends xsd:boolean as "1"/"0" (its N-Triples writer says "true").
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in ("1", "0"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def _sparql_string(text: str) -> str:
    return str(ox.Literal(text))


def install_swap(client) -> bool:
    """Create (or replace) the swap procedure; ``False`` if the account may not."""
    try:
        client.select(f"SELECT (bif:exec({_sparql_string(SWAP_SQL)}) AS ?done) {{}}", url=client.endpoints.update)
        return True
    except RemoteError:
        return False


def swap(client, graph: str, staging: str) -> None:
    client.select(f"SELECT (sql:RESGRAPH_REPLACE_GRAPH({_sparql_string(graph)}, "
                  f"{_sparql_string(staging)}) AS ?done) {{}}", url=client.endpoints.update)


KIND = ServerKind("virtuoso", endpoints, server_header=("virtuoso",), update_batch=1000, atomic_update_requests=False,
                  digest_auth=True, canonical_term=canonical_term, install_swap=install_swap, swap=swap,
                  write_permission_hint=(" (Virtuoso: pass --user/--password so updates go to the Digest-protected "
                                         "/sparql-auth, or grant SPARQL_UPDATE to SPARQL)"))
